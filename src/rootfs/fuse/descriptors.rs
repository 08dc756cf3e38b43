//! Descriptors for files the kernel opens without asking the server.
//!
//! Where the kernel can (`FUSE_NO_OPEN_SUPPORT`), the server answers
//! `open` with `ENOSYS` once, and from then on no file is opened or
//! released through it: reads and writes name the inode alone. That
//! takes two round trips off every file read (the kernel then keeps
//! each file's pages across opens, too). The server opens each inode's
//! file on first use and keeps the descriptor, keyed by the file it
//! shows, so that a copy-up (on the first write, which now copies up
//! instead of the open) makes the next use open the copy.

use super::tree::Ino;
use super::union::Union;
use rustix::fd::OwnedFd;
use rustix::fs::OFlags;
use std::collections::HashMap;
use std::io::Result;
use std::sync::{Arc, Mutex, MutexGuard};

/// How many descriptors are kept before the oldest ones go (those in use
/// stay open until their request ends).
const KEPT: usize = 1024;

/// An inode and the `(st_dev, st_ino)` of the file it shows.
type Shown = (Ino, (u64, u64));

/// A descriptor, and whether it was opened for writing.
type Kept = (Arc<OwnedFd>, bool);

/// The descriptors opened so far.
#[derive(Default)]
pub struct Descriptors {
    open: Mutex<HashMap<Shown, Kept>>,
}

impl Descriptors {
    fn table(&self) -> MutexGuard<'_, HashMap<Shown, Kept>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The inode is forgotten: its descriptors go.
    pub fn forget(&self, ino: Ino) {
        self.table().retain(|(known, _), _| *known != ino);
    }
}

impl Union {
    /// A descriptor of the inode's file, for writing (copied up first)
    /// or for reading only.
    pub fn descriptor(&self, ino: Ino, writing: bool) -> Result<Arc<OwnedFd>> {
        let real = self.locate(ino)?.1.real;
        let kept = self.descriptors.table().get(&(ino, real)).cloned();
        if let Some((fd, writable)) = kept
            && (writable || !writing)
        {
            return Ok(fd);
        }
        let (fd, real) = if writing {
            let _namespace = self.writing();
            let (path, presence) = self.copy_up(ino)?;
            let fd = self.layers.open(presence.top(), &path, OFlags::RDWR)?;
            (fd, presence.real)
        } else {
            let _namespace = self.reading();
            let (path, presence) = self.locate(ino)?;
            let fd = self.layers.open(presence.top(), &path, OFlags::RDONLY)?;
            (fd, presence.real)
        };
        let fd = Arc::new(fd);
        let mut table = self.descriptors.table();
        if table.len() >= KEPT {
            table.clear();
        }
        table.insert((ino, real), (fd.clone(), writing));
        Ok(fd)
    }
}
