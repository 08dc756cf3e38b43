//! The directories the union is made of: the image's layer directories
//! (read-only, top first), the container's `upper/` (where every change
//! goes) and `work/` (where a change is staged before it is renamed into
//! `upper/`). Each is held open, and every path given to the helpers
//! here is relative to one of them.
//!
//! Paths inside a layer are only ever used where the union has already
//! seen a real directory at each component in that very layer (lower
//! layers never change, and only this server writes `upper/`), so the
//! `*at` calls never meet a symlink but in the last component, where
//! they do not follow it.

use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, Stat, statat};
use rustix::io::Errno;
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The marker name of an opaque directory in OCI layers.
const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";
/// The prefix of an OCI whiteout name.
pub const WHITEOUT_PREFIX: &[u8] = b".wh.";

/// One of the union's directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Upper,
    /// `work/`: where a file removed while open is kept until closed.
    Work,
    /// An image layer, by its index from the top (0 is the topmost).
    Lower(u16),
}

/// The union's directories, held open.
pub struct Layers {
    upper: OwnedFd,
    work: OwnedFd,
    lowers: Vec<OwnedFd>,
}

impl Layers {
    /// Opens `upper`, `work` and the image's layer directories `lowers`
    /// (given top first), and empties `work` of what a server that was
    /// killed left staged there.
    pub fn open_all(upper: &Path, work: &Path, lowers: &[PathBuf]) -> std::io::Result<Layers> {
        let open = |path: &Path| crate::archive::confined::open_root(path);
        let work = open(work)?;
        // One server per container: a second (`rpod cp` into a container
        // being started) would clear the first one's staged files. The
        // server of a command that just ended goes within milliseconds.
        let mut tries = 0;
        while rustix::fs::flock(&work, rustix::fs::FlockOperation::NonBlockingLockExclusive)
            .is_err()
        {
            tries += 1;
            if tries > 500 {
                return Err(std::io::Error::other(
                    "the container's root filesystem is in use by another rpod command; try again",
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        for name in crate::rootfs::copy::names(&work)? {
            if name.starts_with(STAGED_PREFIX) {
                crate::archive::confined::remove_at(work.as_fd(), &name)?;
            }
        }
        Ok(Layers {
            upper: open(upper)?,
            work,
            lowers: lowers.iter().map(|l| open(l)).collect::<Result<_, _>>()?,
        })
    }

    /// The descriptors held, which the server must keep.
    pub fn raw_fds(&self) -> Vec<std::os::fd::RawFd> {
        let mut fds = vec![self.upper.as_raw_fd(), self.work.as_raw_fd()];
        fds.extend(self.lowers.iter().map(|fd| fd.as_raw_fd()));
        fds
    }

    /// How many image layers there are.
    pub fn lower_count(&self) -> u16 {
        self.lowers.len() as u16
    }

    pub fn fd(&self, layer: Layer) -> BorrowedFd<'_> {
        match layer {
            Layer::Upper => self.upper.as_fd(),
            Layer::Work => self.work.as_fd(),
            Layer::Lower(i) => self.lowers[usize::from(i)].as_fd(),
        }
    }

    pub fn upper(&self) -> BorrowedFd<'_> {
        self.upper.as_fd()
    }

    pub fn work(&self) -> BorrowedFd<'_> {
        self.work.as_fd()
    }

    /// `lstat` of `path` in `layer`; `None` when nothing is there.
    pub fn stat(&self, layer: Layer, path: &[u8]) -> std::io::Result<Option<Stat>> {
        match statat(self.fd(layer), at(path), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some(st)),
            Err(Errno::NOENT | Errno::NOTDIR) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether the directory at `path` in `layer` hides the layers below
    /// it: the `user.overlay.opaque` xattr, or an OCI `.wh..wh..opq`
    /// marker in a lower layer.
    pub fn is_opaque(&self, layer: Layer, path: &[u8]) -> std::io::Result<bool> {
        let mut value = [0u8; 1];
        let marked = match rustix::fs::lgetxattr(
            self.proc_path(layer, path).as_c_str(),
            crate::archive::OPAQUE_XATTR,
            &mut value[..],
        ) {
            Ok(n) => n == 1 && value[0] == b'y',
            Err(Errno::NODATA | Errno::NOTSUP | Errno::RANGE) => false,
            Err(e) => return Err(e.into()),
        };
        Ok(marked
            || (matches!(layer, Layer::Lower(_))
                && self
                    .stat(layer, &join(path, OsStr::from_bytes(OPAQUE_MARKER)))?
                    .is_some()))
    }

    /// Whether a lower layer holds an OCI `.wh.NAME` file for `path`.
    pub fn has_whiteout_file(&self, layer: Layer, path: &[u8]) -> std::io::Result<bool> {
        let (dir, name) = split(path);
        let mut marker = WHITEOUT_PREFIX.to_vec();
        marker.extend_from_slice(name);
        Ok(self
            .stat(layer, &join(dir, OsStr::from_bytes(&marker)))?
            .is_some())
    }

    /// `/proc/self/fd/N/path`, for calls that have no `*at` form (xattrs);
    /// `/proc/self/fd/N/.` for the layer's root (the `l*` calls would
    /// act on the `/proc` link itself).
    pub fn proc_path(&self, layer: Layer, path: &[u8]) -> CString {
        let mut full = format!("/proc/self/fd/{}/", self.fd(layer).as_raw_fd()).into_bytes();
        full.extend_from_slice(at(path).as_bytes());
        CString::new(full).unwrap_or_default()
    }

    /// Changes the mode of `path` in `layer`, refusing a symlink (whose
    /// target this process would otherwise resolve from its own root).
    pub fn chmod(&self, layer: Layer, path: &[u8], mode: u32) -> std::io::Result<()> {
        let fd = self.open(layer, path, OFlags::PATH)?;
        if FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) == FileType::Symlink {
            return Err(std::io::Error::from_raw_os_error(libc::EOPNOTSUPP));
        }
        let at = format!("/proc/self/fd/{}", fd.as_raw_fd());
        Ok(rustix::fs::chmod(
            at.as_str(),
            Mode::from_raw_mode(mode & 0o7777),
        )?)
    }

    /// Opens `path` in `layer` without following a symlink there.
    pub fn open(&self, layer: Layer, path: &[u8], flags: OFlags) -> std::io::Result<OwnedFd> {
        Ok(rustix::fs::openat(
            self.fd(layer),
            at(path),
            flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?)
    }
}

/// The prefix of every name this server stages in `work/`.
pub const STAGED_PREFIX: &[u8] = b"rpod-fuse-";

/// A path for the `*at` calls: `.` for the layer's root.
pub fn at(path: &[u8]) -> &OsStr {
    OsStr::from_bytes(if path.is_empty() { b"." } else { path })
}

/// `dir/name`, or `name` at the root.
pub fn join(dir: &[u8], name: &OsStr) -> Vec<u8> {
    let mut path = Vec::with_capacity(dir.len() + name.len() + 1);
    if !dir.is_empty() {
        path.extend_from_slice(dir);
        path.push(b'/');
    }
    path.extend_from_slice(name.as_bytes());
    path
}

/// The directory and the last component of a path.
pub fn split(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (&[], path),
    }
}

/// Whether `st` is an overlay whiteout (a 0:0 character device).
pub fn is_whiteout(st: &Stat) -> bool {
    FileType::from_raw_mode(st.st_mode) == FileType::CharacterDevice && st.st_rdev == 0
}

pub fn is_dir(st: &Stat) -> bool {
    FileType::from_raw_mode(st.st_mode) == FileType::Directory
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chmod_refuses_a_symlink_and_splits_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let [upper, work] = ["upper", "work"].map(|d| tmp.path().join(d));
        for dir in [&upper, &work] {
            std::fs::create_dir(dir).unwrap();
        }
        let target = tmp.path().join("target");
        std::fs::write(&target, b"x").unwrap();
        std::os::unix::fs::symlink(&target, upper.join("link")).unwrap();
        std::fs::write(upper.join("file"), b"x").unwrap();
        let layers = Layers::open_all(&upper, &work, &[]).unwrap();
        let err = layers.chmod(Layer::Upper, b"link", 0o777).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EOPNOTSUPP));
        layers.chmod(Layer::Upper, b"file", 0o604).unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&upper.join("file")), 0o604);
        assert_ne!(mode(&target), 0o777);
        // The root's own xattrs (not those of the `/proc` link to it).
        assert!(!layers.is_opaque(Layer::Upper, b"").unwrap());
        rustix::fs::setxattr(
            &upper,
            "user.overlay.opaque",
            b"y",
            rustix::fs::XattrFlags::empty(),
        )
        .unwrap();
        assert!(layers.is_opaque(Layer::Upper, b"").unwrap());
        // A second server on the same directories is refused.
        assert!(Layers::open_all(&upper, &work, &[]).is_err());
        assert_eq!(split(b"a/b/c"), (&b"a/b"[..], &b"c"[..]));
        assert_eq!(split(b"c"), (&b""[..], &b"c"[..]));
        assert_eq!(join(b"", OsStr::new("x")), b"x");
    }
}
