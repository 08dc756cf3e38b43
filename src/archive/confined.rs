//! Filesystem primitives confined to the layer directory: everything goes
//! through a directory fd on the layer root. Directories are resolved with
//! `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`, so `..`, absolute
//! symlinks and relative symlinks all stay below the root (as if it were
//! `/`); final components are only ever touched with `*at` calls that do not
//! follow symlinks.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use rustix::fs::{
    AtFlags, CWD, Dir, FileType, Mode, OFlags, ResolveFlags, Stat, chmodat, fstat, mkdirat, openat,
    openat2, statat, unlinkat,
};
use rustix::io::Errno;

use super::name::join_for_syscall;

/// Mode of directories created because an entry needed them as a parent.
pub(crate) const IMPLICIT_DIR_MODE: u32 = 0o755;

const RESOLVE: ResolveFlags = ResolveFlags::IN_ROOT.union(ResolveFlags::NO_MAGICLINKS);

/// Opens the layer root given by the caller (a trusted path).
pub(crate) fn open_root(path: &std::path::Path) -> rustix::io::Result<OwnedFd> {
    openat(
        CWD,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// `openat2` below `root`, retrying the `EAGAIN` the kernel returns when a
/// concurrent rename anywhere on the machine makes a `..` lookup ambiguous.
fn open_in_root(root: BorrowedFd<'_>, path: &[u8], flags: OFlags) -> rustix::io::Result<OwnedFd> {
    openat2_retrying(root, path, flags, RESOLVE)
}

/// `openat2(root, path, flags | O_CLOEXEC, 0, how)`, retried while the
/// kernel answers `EAGAIN`: with `RESOLVE_IN_ROOT` or `RESOLVE_BENEATH`,
/// a rename anywhere on the machine during a `..` step makes it give up.
pub(crate) fn openat2_retrying(
    root: impl AsFd,
    path: impl rustix::path::Arg + Copy,
    flags: OFlags,
    how: ResolveFlags,
) -> rustix::io::Result<OwnedFd> {
    let mut tries = 0;
    loop {
        match openat2(&root, path, flags | OFlags::CLOEXEC, Mode::empty(), how) {
            Err(Errno::AGAIN) if tries < 64 => tries += 1,
            other => return other,
        }
    }
}

/// Resolves an existing directory below `root` to an `O_PATH` fd.
pub(crate) fn resolve_dir(
    root: BorrowedFd<'_>,
    components: &[Vec<u8>],
) -> rustix::io::Result<OwnedFd> {
    open_in_root(
        root,
        &join_for_syscall(components),
        OFlags::PATH | OFlags::DIRECTORY,
    )
}

/// Opens the directory at `components` below `root` for reading, refusing a
/// symlink as the final component. Used for the deferred metadata pass.
pub(crate) fn open_dir_in_root(
    root: BorrowedFd<'_>,
    components: &[Vec<u8>],
) -> rustix::io::Result<OwnedFd> {
    open_in_root(
        root,
        &join_for_syscall(components),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW,
    )
}

/// Resolves the directory at `components`, creating missing directories
/// (mode 0755, owned by the caller) on the way, like `mkdir -p` confined to
/// the root. Returns an `O_PATH` fd.
///
/// The longest existing prefix is found by bisection (whether a prefix
/// resolves is monotone in its length), and the missing rest is created
/// step by step below it: a directory just created is empty, so its child
/// cannot be a symlink. This keeps a hostile 2000-component name at a few
/// path walks instead of one per component.
pub(crate) fn ensure_dir(
    root: BorrowedFd<'_>,
    components: &[Vec<u8>],
) -> rustix::io::Result<OwnedFd> {
    match resolve_dir(root, components) {
        Err(Errno::NOENT) => {}
        other => return other,
    }
    // Invariant: `components[..exists]` resolves (to `dir`), `..missing` does not.
    let (mut exists, mut missing) = (0, components.len());
    let mut dir = resolve_dir(root, &[])?;
    while missing - exists > 1 {
        let mid = exists + (missing - exists) / 2;
        match resolve_dir(root, &components[..mid]) {
            Ok(fd) => {
                exists = mid;
                dir = fd;
            }
            Err(Errno::NOENT) => missing = mid,
            Err(e) => return Err(e),
        }
    }
    for (i, component) in components[exists..].iter().enumerate() {
        let mode = Mode::from_raw_mode(IMPLICIT_DIR_MODE);
        dir = match mkdirat(&dir, &component[..], mode) {
            Ok(()) => openat(
                &dir,
                &component[..],
                OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?,
            // The first missing component may be a dangling symlink: resolve
            // it the way the kernel does (below the root), which fails.
            Err(Errno::EXIST) if i == 0 => resolve_dir(root, &components[..=exists])?,
            Err(e) => return Err(e),
        };
    }
    Ok(dir)
}

/// `lstat` of `name` in `dir`; `None` when nothing is there.
pub(crate) fn lstat_at(dir: BorrowedFd<'_>, name: &[u8]) -> rustix::io::Result<Option<Stat>> {
    match statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => Ok(Some(st)),
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) fn is_dir(st: &Stat) -> bool {
    FileType::from_raw_mode(st.st_mode) == FileType::Directory
}

/// Opens directory `name` in `dir` for reading; a symlink there is refused.
pub(crate) fn open_subdir(dir: BorrowedFd<'_>, name: &[u8]) -> rustix::io::Result<OwnedFd> {
    openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// Reopens a directory fd (possibly `O_PATH`) for reading.
pub(crate) fn reopen_dir(dir: BorrowedFd<'_>) -> rustix::io::Result<OwnedFd> {
    open_subdir(dir, b".")
}

/// Removes whatever is at `name` in `dir` (recursively for a directory).
/// Returns whether something was removed and whether it was a directory.
pub(crate) fn remove_at(dir: BorrowedFd<'_>, name: &[u8]) -> rustix::io::Result<Removed> {
    let Some(st) = lstat_at(dir, name)? else {
        return Ok(Removed::Nothing);
    };
    if is_dir(&st) {
        remove_tree(dir, name)?;
        Ok(Removed::Directory)
    } else {
        match unlinkat(dir, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(Removed::Other),
            Err(e) => Err(e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Removed {
    Nothing,
    Directory,
    Other,
}

/// One directory being emptied by [`remove_tree`].
struct Level {
    /// Its name in its parent.
    name: Vec<u8>,
    /// Its (device, inode), to check the way back up.
    id: (u64, u64),
    /// Children still to remove, and whether each is a directory.
    pending: Vec<(Vec<u8>, bool)>,
}

impl Level {
    fn scan(fd: &OwnedFd, name: Vec<u8>) -> rustix::io::Result<Level> {
        let st = fstat(fd)?;
        let mut pending = Vec::new();
        let mut dir = Dir::read_from(fd)?;
        while let Some(entry) = dir.read() {
            let entry = entry?;
            let child = entry.file_name().to_bytes();
            if child == b"." || child == b".." {
                continue;
            }
            let is_dir = match entry.file_type() {
                FileType::Directory => true,
                FileType::Unknown => lstat_at(fd.as_fd(), child)?.is_some_and(|st| is_dir(&st)),
                _ => false,
            };
            pending.push((child.to_vec(), is_dir));
        }
        Ok(Level {
            name,
            id: (st.st_dev, st.st_ino),
            pending,
        })
    }
}

/// Removes the directory `name` in `parent` and everything below it, never
/// following a symlink. Iterative, holding one directory fd at a time, so a
/// hostile layer's very deep tree can exhaust neither the stack nor the fd
/// table; the way back up goes through `..`, checked against the recorded
/// inode.
fn remove_tree(parent: BorrowedFd<'_>, name: &[u8]) -> rustix::io::Result<()> {
    let mut cur = open_subdir(parent, name)?;
    let mut levels = vec![Level::scan(&cur, name.to_vec())?];
    while let Some(level) = levels.last_mut() {
        if let Some((child, child_is_dir)) = level.pending.pop() {
            if child_is_dir {
                match open_subdir(cur.as_fd(), &child) {
                    Ok(sub) => {
                        let next = Level::scan(&sub, child)?;
                        levels.push(next);
                        cur = sub;
                    }
                    Err(Errno::NOENT) => {}
                    // Not a directory after all: unlink it as a file.
                    Err(Errno::NOTDIR | Errno::LOOP) => unlink_file(cur.as_fd(), &child)?,
                    Err(e) => return Err(e),
                }
            } else {
                match unlinkat(&cur, &child[..], AtFlags::empty()) {
                    Ok(()) | Err(Errno::NOENT) => {}
                    Err(Errno::ISDIR) => level.pending.push((child, true)),
                    Err(e) => return Err(e),
                }
            }
            continue;
        }
        let Some(done) = levels.pop() else { break };
        let Some(up) = levels.last() else { break };
        let up_fd = open_subdir(cur.as_fd(), b"..")?;
        let st = fstat(&up_fd)?;
        if (st.st_dev, st.st_ino) != up.id {
            // Only another process moving directories could cause this.
            return Err(Errno::STALE);
        }
        cur = up_fd;
        match unlinkat(&cur, &done.name[..], AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(e),
        }
    }
    drop(cur);
    match unlinkat(parent, name, AtFlags::REMOVEDIR) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(e),
    }
}

fn unlink_file(dir: BorrowedFd<'_>, name: &[u8]) -> rustix::io::Result<()> {
    match unlinkat(dir, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `chmod` of a node that cannot be opened for writing (a FIFO or device
/// node) without following a symlink in its final component: an `O_PATH`
/// fd pins the inode and `/proc/self/fd/N` names exactly that inode. Without
/// `/proc` it falls back to `fchmodat` on the name, after checking it is not
/// a symlink (the node was just created by `mknodat` in a directory only
/// this process writes).
pub(crate) fn chmod_node(dir: BorrowedFd<'_>, name: &[u8], mode: u32) -> rustix::io::Result<()> {
    let mode = Mode::from_raw_mode(mode);
    let fd = openat(
        dir,
        name,
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    if FileType::from_raw_mode(fstat(&fd)?.st_mode) == FileType::Symlink {
        return Err(Errno::LOOP);
    }
    let magic = format!("/proc/self/fd/{}", fd.as_raw_fd());
    match chmodat(CWD, magic.as_str(), mode, AtFlags::empty()) {
        Err(Errno::NOENT | Errno::NOTDIR) => chmodat(dir, name, mode, AtFlags::empty()),
        other => other,
    }
}
