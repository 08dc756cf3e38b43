//! The union's operations on names and inodes, as plain functions that
//! return `io::Result` (`serve` answers the kernel with them).
//!
//! Whatever changes the namespace (creating, removing, renaming, copying
//! up) holds the namespace lock for writing; lookups and listings hold it
//! for reading, and reads and writes of open files hold nothing (but for
//! opening a descriptor the first time, see `descriptors`).

use super::copy_up::{self, staged_name};
use super::descriptors::Descriptors;
use super::handles::{Directories, Files};
use super::layers::{self, Layer, Layers};
use super::links::LinkGroups;
use super::merge;
use super::tree::{Ino, Orphan, Presence, Tree};
use crate::archive::confined::remove_at;
use crate::rootfs::copy::read_growing;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, RenameFlags, Stat, XattrFlags};
use rustix::io::Errno;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{Error, Result};
use std::os::unix::ffi::OsStrExt;
use std::sync::{Mutex, MutexGuard, RwLock};

/// The union filesystem of one container.
pub struct Union {
    pub layers: Layers,
    tree: Mutex<Tree>,
    namespace: RwLock<()>,
    /// Link counts of merged directories, by inode.
    link_counts: Mutex<HashMap<Ino, u32>>,
    pub(super) links: LinkGroups,
    pub files: Files,
    pub directories: Directories,
    /// The kernel opens directories without asking the server.
    pub(super) lists_without_opening: bool,
    /// The kernel opens files without asking: `descriptors` serve them.
    pub(super) opens_without_asking: bool,
    pub(super) descriptors: Descriptors,
}

pub(super) fn errno(code: i32) -> Error {
    Error::from_raw_os_error(code)
}

/// A name the kernel sent, refused unless it is one component.
pub(super) fn component(name: &OsStr) -> Result<&OsStr> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes == b"." || bytes == b".." || bytes.contains(&b'/') {
        return Err(errno(libc::EINVAL));
    }
    Ok(name)
}

impl Union {
    pub fn new(layers: Layers) -> Result<Union> {
        let (root, _) = merge::root(&layers)?;
        Ok(Union {
            layers,
            tree: Mutex::new(Tree::new(root)),
            namespace: RwLock::new(()),
            link_counts: Mutex::new(HashMap::new()),
            links: LinkGroups::default(),
            files: Files::default(),
            directories: Directories::default(),
            lists_without_opening: false,
            opens_without_asking: false,
            descriptors: Descriptors::default(),
        })
    }

    pub(super) fn tree(&self) -> MutexGuard<'_, Tree> {
        self.tree.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reading(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        self.namespace.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn writing(&self) -> std::sync::RwLockWriteGuard<'_, ()> {
        self.namespace.write().unwrap_or_else(|e| e.into_inner())
    }

    /// An inode's path and presence; `ENOENT` for one not known (or gone).
    pub fn locate(&self, ino: Ino) -> Result<(Vec<u8>, Presence)> {
        let tree = self.tree();
        if let Some(found) = tree.locate(ino) {
            return Ok(found);
        }
        match (tree.orphan(ino), tree.presence(ino)) {
            (Some(orphan), Some(presence)) => Ok((orphan.path, presence.clone())),
            _ => Err(errno(libc::ENOENT)),
        }
    }

    /// A directory inode's path and presence.
    pub(super) fn locate_dir(&self, ino: Ino) -> Result<(Vec<u8>, Presence)> {
        let (path, presence) = self.locate(ino)?;
        if !presence.dir {
            return Err(errno(libc::ENOTDIR));
        }
        Ok((path, presence))
    }

    /// Counts a lookup of `name` in `parent`, found as `presence`, and
    /// returns its inode. A file removed while open that turns out to
    /// have another name gives back its place in `work/`.
    pub(super) fn remember(&self, parent: Ino, name: &OsStr, presence: Presence) -> Ino {
        let (ino, was_orphan) = self.tree().remember(parent, name, presence);
        if let Some(Orphan {
            layer: Layer::Work,
            path,
        }) = was_orphan
        {
            let _ = remove_at(self.layers.work(), &path);
        }
        ino
    }

    pub fn drop_lookups(&self, ino: Ino, count: u64) {
        let gone = self.tree().forget(ino, count);
        if self.tree().presence(ino).is_none() {
            self.descriptors.forget(ino);
            self.directories.forget(ino);
        }
        if let Some(Orphan {
            layer: Layer::Work,
            path,
        }) = gone
        {
            let _ = remove_at(self.layers.work(), &path);
        }
    }

    /// The `lstat` of what an inode shows, with its number and a merged
    /// directory's link count counted.
    pub fn stat(&self, ino: Ino, path: &[u8], presence: &Presence) -> Result<Stat> {
        let mut st = self
            .layers
            .stat(presence.top(), path)?
            .ok_or_else(|| errno(libc::ENOENT))?;
        self.count_links(ino, path, presence, &mut st)?;
        if self.is_orphan(ino) {
            // Removed while open: no name of the union's is left to it.
            st.st_nlink = if presence.in_work {
                0
            } else {
                st.st_nlink.saturating_sub(1)
            };
        }
        st.st_ino = ino;
        Ok(st)
    }

    /// Whether `ino` was removed while the kernel still knows it.
    pub fn is_orphan(&self, ino: Ino) -> bool {
        self.tree().orphan(ino).is_some()
    }

    /// A merged directory's link count: two and one per subdirectory it
    /// lists (counted once, until a directory is made, removed or moved).
    fn count_links(&self, ino: Ino, path: &[u8], presence: &Presence, st: &mut Stat) -> Result<()> {
        if !presence.merged() {
            return Ok(());
        }
        let counted = self.link_counts().get(&ino).copied();
        let count = match counted {
            Some(count) => count,
            None => {
                let count = 2 + merge::subdirectories(&self.layers, presence, path)?;
                self.link_counts().insert(ino, count);
                count
            }
        };
        st.st_nlink = count.into();
        Ok(())
    }

    pub(super) fn link_counts(&self) -> MutexGuard<'_, HashMap<Ino, u32>> {
        self.link_counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Looks `name` up in `parent`; counts a lookup of what it finds.
    pub fn find(&self, parent: Ino, name: &OsStr) -> Result<Option<(Ino, Stat)>> {
        let name = component(name)?;
        let (dir, dir_presence) = self.locate_dir(parent)?;
        let Some((presence, mut st)) = merge::resolve(&self.layers, &dir_presence, &dir, name)?
        else {
            return Ok(None);
        };
        let number = self.tree().number_for(&presence);
        self.count_links(number, &layers::join(&dir, name), &presence, &mut st)?;
        let ino = self.remember(parent, name, presence);
        st.st_ino = ino;
        Ok(Some((ino, st)))
    }

    /// What an open directory lists.
    pub fn list(&self, ino: Ino) -> Result<Vec<merge::Listed>> {
        let (path, presence) = self.locate_dir(ino)?;
        merge::list(&self.layers, &presence, &path)
    }

    /// The inode number a listed name would have (without a lookup).
    pub fn listed_ino(&self, parent: Ino, listed: &merge::Listed) -> u64 {
        let known = self.tree().child(parent, &listed.name);
        if let Some(ino) = known {
            return ino;
        }
        if listed.kind != FileType::Directory {
            return listed.ino;
        }
        self.locate(parent)
            .ok()
            .and_then(|(dir, presence)| {
                merge::resolve(&self.layers, &presence, &dir, &listed.name).ok()
            })
            .flatten()
            .map_or(listed.ino, |(p, _)| p.real.1)
    }

    /// Makes sure the inode's entry (and each directory above it) is in
    /// `upper/`, copying it up from its image layer if not. Returns its
    /// path and new presence. The caller holds the namespace for writing.
    pub fn copy_up(&self, ino: Ino) -> Result<(Vec<u8>, Presence)> {
        let (path, presence) = self.locate(ino)?;
        if presence.upper {
            return Ok((path, presence));
        }
        let orphan = self.tree().orphan(ino);
        if let Some(orphan) = orphan {
            return self.copy_up_orphan(ino, orphan, presence);
        }
        let parent = self.tree().parent(ino).ok_or_else(|| errno(libc::ENOENT))?;
        self.copy_up(parent)?;
        let st = self
            .layers
            .stat(presence.top(), &path)?
            .ok_or_else(|| errno(libc::ENOENT))?;
        copy_up::copy_up(&self.layers, presence.top(), &path, &st)?;
        let mut now = presence.clone();
        now.upper = true;
        if !presence.dir {
            let copy = self
                .layers
                .stat(Layer::Upper, &path)?
                .ok_or_else(|| errno(libc::EIO))?;
            now.lowers.clear();
            now.real = (copy.st_dev, copy.st_ino);
            now.linked_below = false;
        }
        self.tree().set_presence(ino, now.clone());
        if presence.linked_below {
            // The copy is in place: a name that cannot be linked to it
            // (a full disk) goes on showing the image's file, as with
            // the kernel overlay, rather than failing this change.
            let _ = self.keep_links(&path, &presence);
        }
        Ok((path, now))
    }

    /// Copies a file of an image layer removed while open into `work/`,
    /// where it lives on until forgotten.
    fn copy_up_orphan(
        &self,
        ino: Ino,
        orphan: Orphan,
        mut presence: Presence,
    ) -> Result<(Vec<u8>, Presence)> {
        let st = self
            .layers
            .stat(orphan.layer, &orphan.path)?
            .ok_or_else(|| errno(libc::ENOENT))?;
        let staged = copy_up::stage(&self.layers, orphan.layer, &orphan.path, &st)?;
        let copy = self
            .layers
            .stat(Layer::Work, &staged)?
            .ok_or_else(|| errno(libc::EIO))?;
        presence.upper = true;
        presence.in_work = true;
        presence.lowers.clear();
        presence.real = (copy.st_dev, copy.st_ino);
        presence.linked_below = false;
        let mut tree = self.tree();
        tree.set_presence(ino, presence.clone());
        tree.set_orphan(
            ino,
            Orphan {
                layer: Layer::Work,
                path: staged.clone(),
            },
        );
        Ok((staged, presence))
    }

    /// A hard link `name` in `parent` to the file `ino`.
    pub fn hard_link(&self, ino: Ino, parent: Ino, name: &OsStr) -> Result<(Ino, Stat)> {
        let name = component(name)?;
        let _namespace = self.writing();
        let (dir, dir_presence) = self.locate_dir(parent)?;
        if merge::resolve(&self.layers, &dir_presence, &dir, name)?.is_some() {
            return Err(errno(libc::EEXIST));
        }
        let (source, mut presence) = self.copy_up(ino)?;
        if presence.dir {
            return Err(errno(libc::EPERM));
        }
        let (dir, _) = self.copy_up(parent)?;
        let path = layers::join(&dir, name);
        let over_whiteout = self.layers.stat(Layer::Upper, &path)?.is_some();
        let staged = staged_name();
        rustix::fs::linkat(
            self.layers.fd(presence.top()),
            &source,
            self.layers.work(),
            &staged,
            AtFlags::empty(),
        )?;
        let flags = if over_whiteout {
            RenameFlags::empty()
        } else {
            RenameFlags::NOREPLACE
        };
        rustix::fs::renameat_with(
            self.layers.work(),
            &staged,
            self.layers.upper(),
            &path,
            flags,
        )?;
        if presence.in_work {
            // A file removed while open has a name again (`linkat` of
            // `/proc/self/fd/N`): it no longer needs its place in `work/`.
            rustix::fs::unlinkat(self.layers.work(), &source, AtFlags::empty())?;
            presence.in_work = false;
        }
        let ino = self.remember(parent, name, presence.clone());
        let st = self
            .stat(ino, &path, &presence)
            .inspect_err(|_| self.drop_lookups(ino, 1))?;
        Ok((ino, st))
    }

    /// Removes `name` from `parent` (`rmdir` when `directory`), leaving a
    /// whiteout where an image layer has something under it.
    pub fn remove(&self, parent: Ino, name: &OsStr, directory: bool) -> Result<()> {
        let name = component(name)?;
        let _namespace = self.writing();
        let (dir, dir_presence) = self.locate_dir(parent)?;
        let (presence, _) = merge::resolve(&self.layers, &dir_presence, &dir, name)?
            .ok_or_else(|| errno(libc::ENOENT))?;
        match (directory, presence.dir) {
            (true, false) => return Err(errno(libc::ENOTDIR)),
            (false, true) => return Err(errno(libc::EISDIR)),
            _ => {}
        }
        let path = layers::join(&dir, name);
        if directory && !merge::list(&self.layers, &presence, &path)?.is_empty() {
            return Err(errno(libc::ENOTEMPTY));
        }
        let (dir, dir_presence) = self.copy_up(parent)?;
        let below = merge::shows_below(&self.layers, &dir_presence, &dir, name)?;
        if directory {
            self.link_counts().clear();
        }
        // A file the kernel still knows by this name alone (open, say)
        // lives on, out of the union, until it is forgotten.
        let known = self.tree().child(parent, name);
        let orphan =
            known.filter(|&ino| !directory && self.tree().known_only_as(ino, parent, name));
        let kept = self.take_away(&path, presence.upper, below, orphan.is_some())?;
        let mut tree = self.tree();
        tree.forget_name(parent, name);
        if let Some(ino) = orphan {
            let orphan = match kept {
                Some(staged) => {
                    let mut now = presence;
                    now.in_work = true;
                    tree.set_presence(ino, now);
                    Orphan {
                        layer: Layer::Work,
                        path: staged,
                    }
                }
                None => Orphan {
                    layer: presence.top(),
                    path,
                },
            };
            tree.set_orphan(ino, orphan);
        }
        Ok(())
    }

    /// Takes the entry at `path` out of the union: its `upper/` entry (if
    /// `in_upper`) goes to `work/` (and is removed, unless `keep`: then its
    /// name there is returned), and a whiteout is left when `below` an
    /// image layer shows something there.
    pub(super) fn take_away(
        &self,
        path: &[u8],
        in_upper: bool,
        below: bool,
        keep: bool,
    ) -> Result<Option<Vec<u8>>> {
        let (upper, work) = (self.layers.upper(), self.layers.work());
        if in_upper && !below && !keep {
            // Nothing to leave behind: a file goes at once (a directory,
            // which may hold whiteouts, goes through `work/` whole).
            match rustix::fs::unlinkat(upper, path, AtFlags::empty()) {
                Err(Errno::ISDIR) => {}
                done => return done.map(|()| None).map_err(Error::from),
            }
        }
        let staged = staged_name();
        if in_upper {
            let flags = if below {
                RenameFlags::WHITEOUT
            } else {
                RenameFlags::empty()
            };
            rustix::fs::renameat_with(upper, path, work, &staged, flags)?;
            if keep {
                return Ok(Some(staged));
            }
            remove_at(work, &staged)?;
        } else if below {
            make_whiteout(work, &staged)?;
            rustix::fs::renameat_with(work, &staged, upper, path, RenameFlags::NOREPLACE)?;
        }
        Ok(None)
    }

    /// Opens the inode's file; for writing (or truncating) it is copied
    /// up first.
    pub fn open_file(&self, ino: Ino, flags: OFlags) -> Result<rustix::fd::OwnedFd> {
        let writes = flags.intersects(OFlags::WRONLY | OFlags::RDWR | OFlags::TRUNC);
        if writes {
            let _namespace = self.writing();
            let (path, presence) = self.copy_up(ino)?;
            self.layers.open(presence.top(), &path, flags)
        } else {
            let _namespace = self.reading();
            let (path, presence) = self.locate(ino)?;
            self.layers.open(presence.top(), &path, flags)
        }
    }

    /// Applies `change` to the inode's `upper/` entry (copied up first)
    /// and returns its new `lstat`.
    pub fn change(
        &self,
        ino: Ino,
        change: impl FnOnce(&Layers, Layer, &[u8]) -> Result<()>,
    ) -> Result<Stat> {
        let _namespace = self.writing();
        let (path, presence) = self.copy_up(ino)?;
        change(&self.layers, presence.top(), &path)?;
        self.stat(ino, &path, &presence)
    }

    /// Sets an xattr on the inode's `upper/` entry.
    pub fn set_xattr(&self, ino: Ino, name: &OsStr, value: &[u8], flags: XattrFlags) -> Result<()> {
        refuse_overlay_xattr(name)?;
        self.change(ino, |layers, layer, path| {
            Ok(rustix::fs::lsetxattr(
                layers.proc_path(layer, path).as_c_str(),
                name,
                value,
                flags,
            )?)
        })
        .map(drop)
    }

    pub fn remove_xattr(&self, ino: Ino, name: &OsStr) -> Result<()> {
        refuse_overlay_xattr(name)?;
        self.change(ino, |layers, layer, path| {
            Ok(rustix::fs::lremovexattr(
                layers.proc_path(layer, path).as_c_str(),
                name,
            )?)
        })
        .map(drop)
    }

    /// An xattr of what the inode shows. A missing SELinux label reads
    /// as not supported, as on a filesystem without labels: a rootless
    /// container can never set one, the kernel caches no xattr of a FUSE
    /// file, and GNU `ls -l` asks every path for it unless told so once
    /// per filesystem (a round trip per path otherwise).
    pub fn get_xattr(&self, ino: Ino, name: &OsStr) -> Result<Vec<u8>> {
        if refuse_overlay_xattr(name).is_err() {
            return Err(errno(libc::ENODATA));
        }
        let _namespace = self.reading();
        let (path, presence) = self.locate(ino)?;
        let at = self.layers.proc_path(presence.top(), &path);
        match read_growing(|buf| rustix::fs::lgetxattr(at.as_c_str(), name, buf)) {
            Err(rustix::io::Errno::NODATA) if name == SELINUX_LABEL => Err(errno(libc::EOPNOTSUPP)),
            read => Ok(read?),
        }
    }

    /// The xattr names of what the inode shows, NUL-terminated each,
    /// without the overlay's own.
    pub fn list_xattrs(&self, ino: Ino) -> Result<Vec<u8>> {
        let _namespace = self.reading();
        let (path, presence) = self.locate(ino)?;
        let at = self.layers.proc_path(presence.top(), &path);
        let all = read_growing(|buf| rustix::fs::llistxattr(at.as_c_str(), buf))?;
        let mut out = Vec::with_capacity(all.len());
        for name in all.split(|&b| b == 0).filter(|n| !n.is_empty()) {
            if !name.starts_with(OVERLAY_XATTRS) {
                out.extend_from_slice(name);
                out.push(0);
            }
        }
        Ok(out)
    }

    /// The target of a symlink.
    pub fn read_link(&self, ino: Ino) -> Result<Vec<u8>> {
        let _namespace = self.reading();
        let (path, presence) = self.locate(ino)?;
        let target = rustix::fs::readlinkat(
            self.layers.fd(presence.top()),
            layers::at(&path),
            Vec::new(),
        )?;
        Ok(target.into_bytes())
    }
}

const OVERLAY_XATTRS: &[u8] = b"user.overlay.";
/// The xattr SELinux keeps a file's label in.
const SELINUX_LABEL: &str = "security.selinux";

fn refuse_overlay_xattr(name: &OsStr) -> Result<()> {
    if name.as_bytes().starts_with(OVERLAY_XATTRS) {
        return Err(errno(libc::EPERM));
    }
    Ok(())
}

fn make_whiteout(dir: rustix::fd::BorrowedFd<'_>, name: &[u8]) -> Result<()> {
    Ok(rustix::fs::mknodat(
        dir,
        name,
        FileType::CharacterDevice,
        Mode::empty(),
        rustix::fs::makedev(0, 0),
    )?)
}

/// Marks the directory `name` in `dir` opaque to the layers below.
pub(super) fn mark_opaque(dir: rustix::fd::BorrowedFd<'_>, name: &[u8]) -> Result<()> {
    let fd = rustix::fs::openat(
        dir,
        layers::at(name),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    rustix::fs::fsetxattr(&fd, crate::archive::OPAQUE_XATTR, b"y", XattrFlags::empty())?;
    Ok(())
}
