//! Applying unpacked layers one over another into a plain directory, so
//! that it shows what the kernel overlay would show merged: a 0:0
//! character device deletes the path below it, a directory marked
//! `user.overlay.opaque` hides what lower layers had in it, and a
//! directory over a non-directory (or the other way round) replaces it.
//!
//! Owners, modes, times, xattrs (except `user.overlay.*`), symlinks, FIFOs
//! and device nodes are kept; hard links inside one layer stay hard links.
//! File data is reflinked where the filesystem can, else copied in the
//! kernel (`copy_file_range`). Every target is reached through directory
//! fds with calls that never follow a symlink, and the walk keeps its own
//! stack, so a very deep layer ends in an error (too many open files), not
//! a stack overflow.

use crate::archive::confined::{self, is_dir, lstat_at, open_subdir, remove_at};
use crate::userns::OwnerShift;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{
    AtFlags, Dir, FileType, Gid, Mode, OFlags, Stat, Timespec, Timestamps, Uid, XattrFlags,
    chownat, fchmod, fchown, fgetxattr, flistxattr, fsetxattr, fstat, futimens, linkat, mkdirat,
    mknodat, openat, readlinkat, statat, symlinkat, utimensat,
};
use rustix::io::Errno;
use std::collections::HashMap;
use std::path::Path;

/// The xattr prefix that steers the kernel overlay; never copied.
const OVERLAY_XATTRS: &[u8] = b"user.overlay.";

/// One directory being copied: its source and target, its path from the
/// root (for hard links), the names still to copy, its own metadata to
/// apply once its children are in place, and whether the target started
/// empty (then nothing there needs removing first).
struct Frame {
    src: OwnedFd,
    dst: OwnedFd,
    path: Vec<u8>,
    pending: Vec<Vec<u8>>,
    stat: Stat,
    empty: bool,
}

impl Frame {
    fn new(src: OwnedFd, dst: OwnedFd, path: Vec<u8>, empty: bool) -> rustix::io::Result<Frame> {
        let stat = fstat(&src)?;
        let pending = names(&src)?;
        Ok(Frame {
            src,
            dst,
            path,
            pending,
            stat,
            empty,
        })
    }

    /// Clears the way for `name` in the target.
    fn clear(&self, name: &[u8]) -> rustix::io::Result<()> {
        if !self.empty {
            remove_at(self.dst.as_fd(), name)?;
        }
        Ok(())
    }
}

/// Applies the layer directory `layer` over the tree at `target`.
///
/// With `shift`, each copy gets the owner the shift makes of its
/// source's (`--userns=keep-id`).
pub fn apply_layer(layer: &Path, target: &Path, shift: Option<&OwnerShift>) -> std::io::Result<()> {
    let src = confined::open_root(layer)?;
    let dst = confined::open_root(target)?;
    let root = rustix::io::dup(&dst)?;
    let opaque = is_opaque(src.as_fd())?;
    if opaque {
        empty(dst.as_fd())?;
    }
    let fresh = opaque || names(&dst)?.is_empty();
    let top = Frame::new(src, dst, Vec::new(), fresh)?;
    own(top.dst.as_fd(), &top.stat, shift)?;
    copy_xattrs(top.src.as_fd(), top.dst.as_fd())?;
    let mut stack = vec![top];
    let mut links: HashMap<(u64, u64), Vec<u8>> = HashMap::new();
    while let Some(frame) = stack.last_mut() {
        let Some(name) = frame.pending.pop() else {
            if let Some(done) = stack.pop() {
                fchmod(&done.dst, Mode::from_raw_mode(done.stat.st_mode & 0o7777))?;
                futimens(&done.dst, &times(&done.stat))?;
            }
            continue;
        };
        let mut path = frame.path.clone();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(&name);
        let copied = copy_entry(frame, &name, &path, &root, &mut links, shift).map_err(|e| {
            let shown = String::from_utf8_lossy(&path);
            std::io::Error::new(e.kind(), format!("{shown}: {e}"))
        })?;
        stack.extend(copied);
    }
    Ok(())
}

/// Copies one entry of `frame`; a directory comes back as the frame to
/// descend into.
fn copy_entry(
    frame: &Frame,
    name: &[u8],
    path: &[u8],
    root: &OwnedFd,
    links: &mut HashMap<(u64, u64), Vec<u8>>,
    shift: Option<&OwnerShift>,
) -> std::io::Result<Option<Frame>> {
    let (src, dst) = (frame.src.as_fd(), frame.dst.as_fd());
    let st = statat(src, name, AtFlags::SYMLINK_NOFOLLOW)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::CharacterDevice if st.st_rdev == 0 => frame.clear(name)?,
        FileType::Directory => {
            return Ok(Some(directory(frame, name, &st, path.to_vec(), shift)?));
        }
        FileType::RegularFile => {
            frame.clear(name)?;
            let key = (st.st_dev, st.st_ino);
            match links.get(&key) {
                Some(first) if st.st_nlink > 1 => {
                    linkat(root, &first[..], dst, name, AtFlags::empty())?;
                }
                _ => {
                    regular(src, dst, name, &st, shift)?;
                    if st.st_nlink > 1 {
                        links.insert(key, path.to_vec());
                    }
                }
            }
        }
        FileType::Symlink => {
            frame.clear(name)?;
            let target = readlinkat(src, name, Vec::new())?;
            symlinkat(&target, dst, name)?;
            own_at(dst, name, &st, shift)?;
            utimensat(dst, name, &times(&st), AtFlags::SYMLINK_NOFOLLOW)?;
        }
        kind => {
            frame.clear(name)?;
            special(dst, name, &st, kind, shift)?;
        }
    }
    Ok(None)
}

/// Makes (or keeps, or replaces) the directory `name` in `dst` and
/// returns its frame. An opaque source directory empties a directory
/// already there.
fn directory(
    parent: &Frame,
    name: &[u8],
    st: &Stat,
    path: Vec<u8>,
    shift: Option<&OwnerShift>,
) -> rustix::io::Result<Frame> {
    let (src, dst) = (parent.src.as_fd(), parent.dst.as_fd());
    let from = open_subdir(src, name)?;
    let existing = if parent.empty {
        None
    } else {
        lstat_at(dst, name)?
    };
    let fresh = match existing {
        Some(existing) if is_dir(&existing) => {
            let opaque = is_opaque(from.as_fd())?;
            if opaque {
                empty(open_subdir(dst, name)?.as_fd())?;
            }
            opaque
        }
        Some(_) => {
            remove_at(dst, name)?;
            mkdirat(dst, name, Mode::from_raw_mode(0o700))?;
            true
        }
        None => {
            mkdirat(dst, name, Mode::from_raw_mode(0o700))?;
            true
        }
    };
    let to = open_subdir(dst, name)?;
    own(to.as_fd(), st, shift)?;
    copy_xattrs(from.as_fd(), to.as_fd())?;
    Frame::new(from, to, path, fresh)
}

/// Copies a regular file's data (reflinked where possible) and metadata.
fn regular(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    name: &[u8],
    st: &Stat,
    shift: Option<&OwnerShift>,
) -> std::io::Result<()> {
    let from = openat(
        src,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let to = openat(
        dst,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    if rustix::fs::ioctl_ficlone(&to, &from).is_err() {
        let mut reader = std::fs::File::from(from.try_clone()?);
        let mut writer = std::fs::File::from(to.try_clone()?);
        // std's copy between files uses copy_file_range on Linux.
        std::io::copy(&mut reader, &mut writer)?;
    }
    own(to.as_fd(), st, shift)?;
    copy_xattrs(from.as_fd(), to.as_fd())?;
    fchmod(&to, Mode::from_raw_mode(st.st_mode & 0o7777))?;
    futimens(&to, &times(st))?;
    Ok(())
}

/// FIFOs, sockets and device nodes (a device the user namespace may not
/// create is left out, as unpacking leaves it out).
fn special(
    dst: BorrowedFd<'_>,
    name: &[u8],
    st: &Stat,
    kind: FileType,
    shift: Option<&OwnerShift>,
) -> rustix::io::Result<()> {
    match mknodat(dst, name, kind, Mode::from_raw_mode(0o600), st.st_rdev) {
        Ok(()) => {}
        Err(Errno::PERM) if kind != FileType::Fifo => return Ok(()),
        Err(e) => return Err(e),
    }
    own_at(dst, name, st, shift)?;
    confined::chmod_node(dst, name, st.st_mode & 0o7777)?;
    utimensat(dst, name, &times(st), AtFlags::SYMLINK_NOFOLLOW)
}

/// Gives an open file the source's owner. An owner this namespace does
/// not map (the layer was unpacked under another mapping) stays the
/// caller's, as unpacking under a single-uid mapping leaves it.
fn own(fd: BorrowedFd<'_>, st: &Stat, shift: Option<&OwnerShift>) -> rustix::io::Result<()> {
    let (uid, gid) = owner(st, shift);
    match fchown(fd, Some(uid), Some(gid)) {
        Err(Errno::INVAL) => Ok(()),
        other => other,
    }
}

/// [`own`] for a name that is not opened (a symlink or a node).
fn own_at(
    dir: BorrowedFd<'_>,
    name: &[u8],
    st: &Stat,
    shift: Option<&OwnerShift>,
) -> rustix::io::Result<()> {
    let (uid, gid) = owner(st, shift);
    match chownat(dir, name, Some(uid), Some(gid), AtFlags::SYMLINK_NOFOLLOW) {
        Err(Errno::INVAL) => Ok(()),
        other => other,
    }
}

/// The owner a copy of a file with `st` gets.
fn owner(st: &Stat, shift: Option<&OwnerShift>) -> (Uid, Gid) {
    let (uid, gid) = shift.map_or((st.st_uid, st.st_gid), |s| s.owner(st.st_uid, st.st_gid));
    (Uid::from_raw(uid), Gid::from_raw(gid))
}

pub(crate) fn times(st: &Stat) -> Timestamps {
    Timestamps {
        last_access: Timespec {
            tv_sec: st.st_atime,
            tv_nsec: st.st_atime_nsec as _,
        },
        last_modification: Timespec {
            tv_sec: st.st_mtime,
            tv_nsec: st.st_mtime_nsec as _,
        },
    }
}

/// Whether a layer directory hides the layers below it.
fn is_opaque(dir: BorrowedFd<'_>) -> rustix::io::Result<bool> {
    let mut value = [0u8; 1];
    match fgetxattr(dir, crate::archive::OPAQUE_XATTR, &mut value[..]) {
        Ok(n) => Ok(n == 1 && value[0] == b'y'),
        Err(Errno::NODATA | Errno::NOTSUP | Errno::RANGE) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes everything inside a directory.
fn empty(dir: BorrowedFd<'_>) -> rustix::io::Result<()> {
    for name in names(dir)? {
        remove_at(dir, &name)?;
    }
    Ok(())
}

/// The names in a directory, without `.` and `..`.
pub(crate) fn names(dir: impl AsFd) -> rustix::io::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut entries = Dir::read_from(dir)?;
    while let Some(entry) = entries.read() {
        let name = entry?.file_name().to_bytes().to_vec();
        if name != b"." && name != b".." {
            out.push(name);
        }
    }
    Ok(out)
}

/// Copies xattrs other than the overlay's: `user.*` must succeed, others
/// (`security.capability`, labels) are best effort, as unpacking does.
pub(crate) fn copy_xattrs(src: BorrowedFd<'_>, dst: BorrowedFd<'_>) -> rustix::io::Result<()> {
    let list = match read_growing(|buf| flistxattr(src, buf)) {
        Ok(list) => list,
        Err(Errno::NOTSUP) => return Ok(()),
        Err(e) => return Err(e),
    };
    for name in list.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        if name.starts_with(OVERLAY_XATTRS) {
            continue;
        }
        let value = match read_growing(|buf| fgetxattr(src, name, buf)) {
            Ok(value) => value,
            Err(Errno::NODATA) => continue,
            Err(e) => return Err(e),
        };
        match fsetxattr(dst, name, &value, XattrFlags::empty()) {
            Err(e) if name.starts_with(b"user.") => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Calls a list/get xattr function with a buffer that grows until the
/// answer fits.
pub(crate) fn read_growing(
    mut read: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>,
) -> rustix::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    loop {
        match read(&mut buf) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Err(Errno::RANGE) if buf.len() < 1 << 24 => buf.resize(buf.len() * 8, 0),
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn whiteout(path: &Path) {
        mknodat(
            rustix::fs::CWD,
            path,
            FileType::CharacterDevice,
            Mode::empty(),
            rustix::fs::makedev(0, 0),
        )
        .unwrap();
    }

    fn opaque(path: &Path) {
        rustix::fs::setxattr(path, "user.overlay.opaque", b"y", XattrFlags::empty()).unwrap();
    }

    /// Layers go where the archive tests put theirs: `user.*` xattrs need
    /// a filesystem that has them (tmpfs before Linux 6.6 has none).
    fn scratch() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    /// Empty `lower`, `upper` and `out` directories in a scratch directory
    /// (kept alive by the first value).
    fn layers() -> (
        tempfile::TempDir,
        std::path::PathBuf,
        std::path::PathBuf,
        std::path::PathBuf,
    ) {
        let tmp = scratch();
        let [lower, upper, out] = ["lower", "upper", "out"].map(|name| tmp.path().join(name));
        for dir in [&lower, &upper, &out] {
            fs::create_dir(dir).unwrap();
        }
        (tmp, lower, upper, out)
    }

    #[test]
    fn whiteouts_and_opaque_directories_hide_lower_layers() {
        let (_tmp, lower, upper, out) = layers();
        fs::create_dir_all(lower.join("gone/sub")).unwrap();
        fs::write(lower.join("gone/sub/file"), "x").unwrap();
        fs::write(lower.join("removed"), "x").unwrap();
        fs::write(lower.join("kept"), "lower").unwrap();
        fs::create_dir_all(lower.join("opaque/old")).unwrap();
        fs::write(lower.join("opaque/old-file"), "old").unwrap();
        fs::create_dir(lower.join("merged")).unwrap();
        fs::write(lower.join("merged/a"), "a").unwrap();
        std::os::unix::fs::symlink("/etc", lower.join("was-link")).unwrap();
        fs::write(lower.join("was-file"), "file").unwrap();

        whiteout(&upper.join("gone"));
        whiteout(&upper.join("removed"));
        whiteout(&upper.join("never-there"));
        fs::create_dir(upper.join("opaque")).unwrap();
        opaque(&upper.join("opaque"));
        fs::write(upper.join("opaque/new"), "new").unwrap();
        fs::create_dir(upper.join("merged")).unwrap();
        fs::write(upper.join("merged/b"), "b").unwrap();
        fs::create_dir(upper.join("was-link")).unwrap();
        fs::write(upper.join("was-link/inside"), "in").unwrap();
        fs::create_dir(upper.join("was-file")).unwrap();

        apply_layer(&lower, &out, None).unwrap();
        apply_layer(&upper, &out, None).unwrap();

        let names = |dir: &Path| {
            let mut n: Vec<String> = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            n.sort();
            n
        };
        assert_eq!(
            names(&out),
            ["kept", "merged", "opaque", "was-file", "was-link"]
        );
        assert_eq!(names(&out.join("opaque")), ["new"]);
        assert_eq!(names(&out.join("merged")), ["a", "b"]);
        assert!(fs::symlink_metadata(out.join("was-link")).unwrap().is_dir());
        assert_eq!(
            fs::read_to_string(out.join("was-link/inside")).unwrap(),
            "in"
        );
        assert!(fs::symlink_metadata(out.join("was-file")).unwrap().is_dir());
        assert_eq!(fs::read_to_string(out.join("kept")).unwrap(), "lower");
        assert!(
            rustix::fs::getxattr(out.join("opaque"), "user.overlay.opaque", &mut [0u8; 4][..])
                .is_err()
        );
    }

    #[test]
    fn an_upper_file_replaces_a_lower_directory_and_an_opaque_root_hides_all() {
        let (tmp, lower, upper, out) = layers();
        fs::create_dir_all(lower.join("dir/sub")).unwrap();
        fs::write(lower.join("other"), "x").unwrap();
        fs::write(upper.join("dir"), "now a file").unwrap();
        apply_layer(&lower, &out, None).unwrap();
        apply_layer(&upper, &out, None).unwrap();
        assert_eq!(fs::read_to_string(out.join("dir")).unwrap(), "now a file");
        assert!(out.join("other").exists());

        let top = tmp.path().join("top");
        fs::create_dir(&top).unwrap();
        opaque(&top);
        fs::write(top.join("only"), "y").unwrap();
        apply_layer(&top, &out, None).unwrap();
        assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
        assert!(out.join("only").exists());
    }

    #[test]
    fn keeps_modes_times_xattrs_symlinks_and_hard_links() {
        let tmp = scratch();
        let (layer, out) = (tmp.path().join("layer"), tmp.path().join("out"));
        fs::create_dir(&layer).unwrap();
        fs::create_dir(&out).unwrap();
        fs::write(layer.join("file"), "data").unwrap();
        fs::set_permissions(layer.join("file"), fs::Permissions::from_mode(0o4751)).unwrap();
        rustix::fs::setxattr(layer.join("file"), "user.kept", b"v", XattrFlags::empty()).unwrap();
        fs::hard_link(layer.join("file"), layer.join("link")).unwrap();
        std::os::unix::fs::symlink("file", layer.join("sym")).unwrap();
        fs::create_dir(layer.join("ro")).unwrap();
        fs::write(layer.join("ro/inner"), "i").unwrap();
        fs::set_permissions(layer.join("ro"), fs::Permissions::from_mode(0o555)).unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            layer.join("fifo"),
            Mode::from_raw_mode(0o640),
        )
        .unwrap();
        let stamp = Timestamps {
            last_access: Timespec {
                tv_sec: 1_000_000_000,
                tv_nsec: 0,
            },
            last_modification: Timespec {
                tv_sec: 981_173_106,
                tv_nsec: 5,
            },
        };
        rustix::fs::utimensat(
            rustix::fs::CWD,
            layer.join("file"),
            &stamp,
            AtFlags::empty(),
        )
        .unwrap();

        apply_layer(&layer, &out, None).unwrap();

        let md = fs::metadata(out.join("file")).unwrap();
        assert_eq!(md.mode() & 0o7777, 0o4751);
        assert_eq!((md.mtime(), md.mtime_nsec()), (981_173_106, 5));
        assert_eq!(md.nlink(), 2);
        assert_eq!(md.ino(), fs::metadata(out.join("link")).unwrap().ino());
        let mut value = [0u8; 4];
        let n = rustix::fs::getxattr(out.join("file"), "user.kept", &mut value[..]).unwrap();
        assert_eq!(&value[..n], b"v");
        assert_eq!(fs::read_link(out.join("sym")).unwrap(), Path::new("file"));
        assert_eq!(fs::metadata(out.join("ro")).unwrap().mode() & 0o7777, 0o555);
        assert_eq!(fs::read_to_string(out.join("ro/inner")).unwrap(), "i");
        let fifo = fs::symlink_metadata(out.join("fifo")).unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&fifo.file_type()));
        assert_eq!(fifo.mode() & 0o7777, 0o640);
        fs::set_permissions(layer.join("ro"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(out.join("ro"), fs::Permissions::from_mode(0o755)).unwrap();
    }
}
