//! Making new entries in the union: files, directories, symlinks and
//! device nodes, born in `upper/` with their owner and mode. A file is
//! made unnamed (`O_TMPFILE`) in its directory and linked in, so that it
//! sits near its directory on disk (as with the kernel overlay) and never
//! shows half made; anything else, and a file that replaces a whiteout,
//! is staged in `work/` and renamed into place.

use super::copy_up::staged_name;
use super::layers::{self, Layer, Layers};
use super::merge;
use super::tree::{Ino, Presence};
use super::union::{Union, component, errno, mark_opaque};
use rustix::fd::{AsRawFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Gid, Mode, OFlags, RenameFlags, Stat, Uid};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::io::Result;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a new name is made as.
pub enum NewEntry<'a> {
    File { mode: u32 },
    Directory { mode: u32 },
    Symlink { target: &'a OsStr },
    Node { mode: u32, rdev: u64 },
}

/// Who makes a new entry (the request's caller).
#[derive(Clone, Copy)]
pub struct Caller {
    pub uid: u32,
    pub gid: u32,
}

impl Union {
    /// Creates `name` in `parent` as `what`, owned by `caller` (the group
    /// of a set-group-ID directory instead, which a new directory also
    /// inherits). Returns the new inode (counted as looked up), its
    /// `lstat`, and for a file an open descriptor (`open_flags`).
    pub fn make(
        &self,
        parent: Ino,
        name: &OsStr,
        what: NewEntry<'_>,
        caller: Caller,
        open_flags: OFlags,
    ) -> Result<(Ino, Stat, Option<rustix::fd::OwnedFd>)> {
        let name = component(name)?;
        let _namespace = self.writing();
        let (dir, dir_presence) = self.locate_dir(parent)?;
        if merge::resolve(&self.layers, &dir_presence, &dir, name)?.is_some() {
            return Err(errno(libc::EEXIST));
        }
        let (dir, _) = self.copy_up(parent)?;
        let path = layers::join(&dir, name);
        let dir_st = self
            .layers
            .stat(Layer::Upper, &dir)?
            .ok_or_else(|| errno(libc::ENOENT))?;
        let over_whiteout = self.layers.stat(Layer::Upper, &path)?.is_some();
        let setgid = dir_st.st_mode & libc::S_ISGID != 0;
        let gid = if setgid { dir_st.st_gid } else { caller.gid };
        if let NewEntry::File { mode } = what
            && !over_whiteout
            && let Some(fd) =
                create_in_place(&self.layers, &path, mode, caller.uid, gid, open_flags)?
        {
            let (ino, st) = self.known_new_entry(parent, name, &path)?;
            return Ok((ino, st, Some(fd)));
        }
        let work = self.layers.work();
        let staged = staged_name();
        let mut opened = None;
        let mode = match what {
            NewEntry::File { mode } => {
                opened = Some(rustix::fs::openat(
                    work,
                    &staged,
                    open_flags | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::from_raw_mode(0o600),
                )?);
                Some(mode)
            }
            NewEntry::Directory { mode } => {
                rustix::fs::mkdirat(work, &staged, Mode::from_raw_mode(0o700))?;
                if over_whiteout {
                    mark_opaque(work, &staged)?;
                }
                Some(if setgid { mode | libc::S_ISGID } else { mode })
            }
            NewEntry::Symlink { target } => {
                rustix::fs::symlinkat(target, work, &staged)?;
                None
            }
            NewEntry::Node { mode, rdev } => {
                if FileType::from_raw_mode(mode) == FileType::CharacterDevice && rdev == 0 {
                    // That is a whiteout: the union would hide it.
                    return Err(errno(libc::EPERM));
                }
                rustix::fs::mknodat(
                    work,
                    &staged,
                    FileType::from_raw_mode(mode),
                    Mode::from_raw_mode(0o600),
                    rdev,
                )?;
                Some(mode)
            }
        };
        rustix::fs::chownat(
            work,
            &staged,
            Some(Uid::from_raw(caller.uid)),
            Some(Gid::from_raw(gid)),
            AtFlags::SYMLINK_NOFOLLOW,
        )?;
        if let Some(mode) = mode {
            rustix::fs::chmodat(
                work,
                &staged,
                Mode::from_raw_mode(mode & 0o7777),
                AtFlags::empty(),
            )?;
        }
        let is_dir = matches!(what, NewEntry::Directory { .. });
        if is_dir {
            self.link_counts().clear();
        }
        if over_whiteout && is_dir {
            // A directory does not replace a whiteout by rename: swap them.
            rustix::fs::renameat_with(
                work,
                &staged,
                self.layers.upper(),
                &path,
                RenameFlags::EXCHANGE,
            )?;
            rustix::fs::unlinkat(work, &staged, AtFlags::empty())?;
        } else {
            let flags = if over_whiteout {
                RenameFlags::empty()
            } else {
                RenameFlags::NOREPLACE
            };
            rustix::fs::renameat_with(work, &staged, self.layers.upper(), &path, flags)?;
        }
        let (ino, st) = self.known_new_entry(parent, name, &path)?;
        Ok((ino, st, opened))
    }

    /// Counts a lookup of the entry just made at `path` (`name` in
    /// `parent`), and returns its inode and `lstat`.
    fn known_new_entry(&self, parent: Ino, name: &OsStr, path: &[u8]) -> Result<(Ino, Stat)> {
        let st = self
            .layers
            .stat(Layer::Upper, path)?
            .ok_or_else(|| errno(libc::EIO))?;
        let presence = Presence::upper_only(&st);
        let ino = self.remember(parent, name, presence.clone());
        let st = self
            .stat(ino, path, &presence)
            .inspect_err(|_| self.drop_lookups(ino, 1))?;
        Ok((ino, st))
    }
}

/// Set once `upper/`'s filesystem refused an unnamed file (NFS, for one):
/// later creates go straight to staging. A server serves one `upper/`.
static UNNAMED_REFUSED: AtomicBool = AtomicBool::new(false);

/// Set once the kernel refused to link a descriptor by itself
/// (`AT_EMPTY_PATH` without `CAP_DAC_READ_SEARCH`, before Linux 6.10):
/// later links name it through `/proc/self/fd`, a slower lookup.
static EMPTY_PATH_LINK_REFUSED: AtomicBool = AtomicBool::new(false);

/// Makes the file `path` in `upper/` with `mode`, owned by `uid`:`gid`,
/// unnamed in its directory first and then linked in; returns it open
/// for reading and writing, or `None` where the filesystem of `upper/`
/// cannot make unnamed files.
fn create_in_place(
    layers: &Layers,
    path: &[u8],
    mode: u32,
    uid: u32,
    gid: u32,
    open_flags: OFlags,
) -> Result<Option<OwnedFd>> {
    if UNNAMED_REFUSED.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let dir = layers::split(path).0;
    let sync = open_flags & (OFlags::SYNC | OFlags::DSYNC);
    // Made with its permission bits (the server's umask is 0, but a
    // default ACL copied up from an image may mask them); the set-ID bits,
    // which a change of owner would drop, come after it, with the sticky
    // bit.
    let fd = match rustix::fs::openat(
        layers.upper(),
        layers::at(dir),
        OFlags::TMPFILE | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC | sync,
        Mode::from_raw_mode(mode & 0o777),
    ) {
        Ok(fd) => fd,
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL) => {
            UNNAMED_REFUSED.store(true, Ordering::Relaxed);
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let made = rustix::fs::fstat(&fd)?;
    if (made.st_uid, made.st_gid) != (uid, gid) {
        rustix::fs::fchown(&fd, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)))?;
    }
    if made.st_mode & 0o7777 != mode & 0o7777 {
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode & 0o7777))?;
    }
    link_in(&fd, layers, path)?;
    Ok(Some(fd))
}

/// Gives the unnamed file `fd` the name `path` in `upper/`.
fn link_in(fd: &OwnedFd, layers: &Layers, path: &[u8]) -> Result<()> {
    let to = layers::at(path);
    let tried = !EMPTY_PATH_LINK_REFUSED.load(Ordering::Relaxed);
    if tried {
        match rustix::fs::linkat(fd, "", layers.upper(), to, AtFlags::EMPTY_PATH) {
            Err(Errno::NOENT) => {}
            linked => return Ok(linked?),
        }
    }
    let unnamed = format!("/proc/self/fd/{}", fd.as_raw_fd());
    rustix::fs::linkat(
        rustix::fs::CWD,
        unnamed.as_str(),
        layers.upper(),
        to,
        AtFlags::SYMLINK_FOLLOW,
    )?;
    // The same link through /proc worked: the kernel refuses the other.
    if tried {
        EMPTY_PATH_LINK_REFUSED.store(true, Ordering::Relaxed);
    }
    Ok(())
}
