//! Writing a tar stream of a tree reached through directory fds, for `cp`.
//! Every node is opened relative to its parent without following a
//! symlink, so a symlink in the tree is archived as a symlink and nothing
//! outside the tree is ever read. Hardlinked files are archived once and
//! linked after; sockets are skipped (tar cannot hold them).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{Dir, FileType, Mode, OFlags, Stat, major, minor, openat, readlinkat};
use tar::{EntryType, Header};

use super::confined;

/// What to archive: the entry `name` of the directory `dir`, or `dir`
/// itself when `name` is `None`.
pub struct PackSource {
    pub dir: OwnedFd,
    pub name: Option<Vec<u8>>,
}

/// Writes the tar stream of `source` to `out`, its root entry named
/// `root_name` (`.` to give the contents their own names) and everything
/// below it `root_name/…`. Returns the bytes of file data written.
pub fn pack<W: Write>(out: W, source: &PackSource, root_name: &[u8]) -> io::Result<u64> {
    let mut packer = Packer {
        builder: tar::Builder::new(out),
        links: HashMap::new(),
        bytes: 0,
    };
    let name = source.name.as_deref().unwrap_or(b".");
    let st = confined::lstat_at(source.dir.as_fd(), name)?.ok_or(io::ErrorKind::NotFound)?;
    packer.node(source.dir.as_fd(), name, root_name.to_vec(), &st)?;
    packer.builder.into_inner()?.flush()?;
    Ok(packer.bytes)
}

struct Packer<W: Write> {
    builder: tar::Builder<W>,
    /// Files with more than one link already archived, by (device, inode).
    links: HashMap<(u64, u64), Vec<u8>>,
    bytes: u64,
}

/// A directory whose entries are still being archived.
struct Level {
    fd: OwnedFd,
    path: Vec<u8>,
    /// Names still to archive, last first.
    pending: Vec<Vec<u8>>,
}

impl<W: Write> Packer<W> {
    /// Archives `name` in `parent` as `path`; a directory is walked
    /// iteratively, holding one fd per level.
    fn node(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &[u8],
        path: Vec<u8>,
        st: &Stat,
    ) -> io::Result<()> {
        let Some(fd) = self.one(parent, name, &path, st)? else {
            return Ok(());
        };
        let mut levels = vec![Level::read(fd, path)?];
        while let Some(level) = levels.last_mut() {
            let Some(child) = level.pending.pop() else {
                levels.pop();
                continue;
            };
            let Some(st) = confined::lstat_at(level.fd.as_fd(), &child)? else {
                continue;
            };
            let path = [&level.path[..], b"/", &child[..]].concat();
            if let Some(fd) = self.one(level.fd.as_fd(), &child, &path, &st)? {
                levels.push(Level::read(fd, path)?);
            }
        }
        Ok(())
    }

    /// Archives one node; returns the fd of a directory to walk.
    fn one(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &[u8],
        path: &[u8],
        st: &Stat,
    ) -> io::Result<Option<OwnedFd>> {
        let kind = FileType::from_raw_mode(st.st_mode);
        let shown = OsStr::from_bytes(path);
        if kind == FileType::Directory {
            let fd = confined::open_subdir(parent, name)?;
            let mut header = header_for(&rustix::fs::fstat(&fd)?);
            header.set_entry_type(EntryType::Directory);
            self.builder.append_data(&mut header, shown, io::empty())?;
            return Ok(Some(fd));
        }
        let mut header = header_for(st);
        match kind {
            FileType::Socket => return Ok(None),
            _ if st.st_nlink > 1 => {
                if let Some(first) = self.links.get(&(st.st_dev, st.st_ino)) {
                    header.set_entry_type(EntryType::Link);
                    let first = OsStr::from_bytes(first).to_owned();
                    return self
                        .builder
                        .append_link(&mut header, shown, first)
                        .map(|()| None);
                }
                self.links.insert((st.st_dev, st.st_ino), path.to_vec());
            }
            _ => {}
        }
        match kind {
            FileType::RegularFile => self.file(parent, name, shown)?,
            FileType::Symlink => {
                let target = readlinkat(parent, name, Vec::new())?;
                header.set_entry_type(EntryType::Symlink);
                let target = OsStr::from_bytes(target.as_bytes());
                self.builder.append_link(&mut header, shown, target)?;
            }
            FileType::Fifo | FileType::CharacterDevice | FileType::BlockDevice => {
                header.set_entry_type(match kind {
                    FileType::Fifo => EntryType::Fifo,
                    FileType::CharacterDevice => EntryType::Char,
                    _ => EntryType::Block,
                });
                header.set_device_major(major(st.st_rdev))?;
                header.set_device_minor(minor(st.st_rdev))?;
                self.builder.append_data(&mut header, shown, io::empty())?;
            }
            _ => {}
        }
        Ok(None)
    }

    /// A regular file, archived with the size it has when opened: data
    /// that grows meanwhile is cut, data that shrinks is padded with zeros.
    fn file(&mut self, parent: BorrowedFd<'_>, name: &[u8], shown: &OsStr) -> io::Result<()> {
        let fd = openat(
            parent,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let st = rustix::fs::fstat(&fd)?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(io::Error::other("file replaced while it was being copied"));
        }
        let mut header = header_for(&st);
        header.set_entry_type(EntryType::Regular);
        let size = st.st_size as u64;
        header.set_size(size);
        let data = File::from(fd).chain(io::repeat(0)).take(size);
        self.builder.append_data(&mut header, shown, data)?;
        self.bytes += size;
        Ok(())
    }
}

impl Level {
    fn read(fd: OwnedFd, path: Vec<u8>) -> io::Result<Level> {
        let mut pending = Vec::new();
        let mut dir = Dir::read_from(&fd)?;
        while let Some(entry) = dir.read() {
            let name = entry?.file_name().to_bytes().to_vec();
            if name != b"." && name != b".." {
                pending.push(name);
            }
        }
        pending.sort_unstable_by(|a, b| b.cmp(a));
        Ok(Level { fd, path, pending })
    }
}

/// A GNU header with the node's mode, owner and mtime (size 0).
fn header_for(st: &Stat) -> Header {
    let mut header = Header::new_gnu();
    header.set_mode(st.st_mode & 0o7777);
    header.set_uid(u64::from(st.st_uid));
    header.set_gid(u64::from(st.st_gid));
    header.set_mtime(u64::try_from(st.st_mtime).unwrap_or(0));
    header.set_size(0);
    header
}
