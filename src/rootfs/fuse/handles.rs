//! Open files and directories, by the handle number given to the kernel
//! (or, for directories the kernel opens without asking, by inode).

use super::merge::Listed;
use super::tree::Ino;
use rustix::fd::OwnedFd;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::io::Result;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// An open directory: what it listed when last read from the start, in
/// the order of the entries' offsets.
pub struct Listing {
    pub ino: Ino,
    entries: Mutex<Option<Vec<(u64, Listed)>>>,
}

/// The offset of a listed name in its directory, from a hash of the
/// name: any listing of the directory, fresh or kept, answers a read
/// from any offset alike, as the kernel may come back at an offset it
/// got from its own cache of the listing. Above 2, the offsets of `.`
/// and `..`.
pub fn offset_of(name: &OsStr) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    3 + (hasher.finish() >> 2)
}

impl Listing {
    pub fn new(ino: Ino) -> Listing {
        Listing {
            ino,
            entries: Mutex::new(None),
        }
    }

    /// The entries with their offsets, sorted by them; `None` before the
    /// directory was first listed.
    pub fn entries(&self) -> MutexGuard<'_, Option<Vec<(u64, Listed)>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the directory lists now, in offset order.
    pub fn sorted(listed: Vec<Listed>) -> Vec<(u64, Listed)> {
        let mut entries: Vec<_> = listed
            .into_iter()
            .map(|l| (offset_of(&l.name), l))
            .collect();
        entries.sort_unstable_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
        entries
    }
}

/// The open handles of one kind.
pub struct Handles<T> {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<T>>>,
}

impl<T> Default for Handles<T> {
    fn default() -> Self {
        Handles {
            next: AtomicU64::new(1),
            open: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Handles<T> {
    fn table(&self) -> MutexGuard<'_, HashMap<u64, Arc<T>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn insert(&self, value: T) -> u64 {
        let fh = self.next.fetch_add(1, Ordering::Relaxed);
        self.table().insert(fh, Arc::new(value));
        fh
    }

    /// The open handle `fh`; `EBADF` when there is none.
    pub fn get(&self, fh: u64) -> Result<Arc<T>> {
        self.table()
            .get(&fh)
            .cloned()
            .ok_or_else(|| std::io::Error::from_raw_os_error(libc::EBADF))
    }

    pub fn remove(&self, fh: u64) {
        self.table().remove(&fh);
    }
}

/// Open files.
pub type Files = Handles<OwnedFd>;

/// Open directories: by handle where the kernel opens them, else by
/// inode (the kernel then opens directories without asking, and caches
/// their listings itself).
#[derive(Default)]
pub struct Directories {
    opened: Handles<Listing>,
    by_inode: Mutex<HashMap<Ino, Arc<Listing>>>,
}

impl Directories {
    pub fn open(&self, ino: Ino) -> u64 {
        self.opened.insert(Listing::new(ino))
    }

    pub fn close(&self, fh: u64) {
        self.opened.remove(fh);
    }

    /// The listing read through `fh` (0: none, the directory `ino`'s
    /// own).
    pub fn listing(&self, fh: u64, ino: Ino) -> Result<Arc<Listing>> {
        if fh != 0 {
            return self.opened.get(fh);
        }
        let mut by_inode = self.by_inode.lock().unwrap_or_else(|e| e.into_inner());
        let listing = by_inode
            .entry(ino)
            .or_insert_with(|| Arc::new(Listing::new(ino)));
        Ok(listing.clone())
    }

    /// The directory `ino` was read past its end (or forgotten): its
    /// listing without a handle goes.
    pub fn forget(&self, ino: Ino) {
        let mut by_inode = self.by_inode.lock().unwrap_or_else(|e| e.into_inner());
        by_inode.remove(&ino);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::FileType;

    fn listed(names: &[&str]) -> Vec<Listed> {
        names
            .iter()
            .map(|n| Listed {
                name: n.into(),
                kind: FileType::RegularFile,
                ino: 9,
            })
            .collect()
    }

    #[test]
    fn a_read_resumes_at_its_offset_in_any_listing() {
        let before = Listing::sorted(listed(&["a", "b", "c", "d", "e"]));
        let (at, _) = &before[2];
        let rest = |entries: &[(u64, Listed)]| -> Vec<String> {
            entries
                .iter()
                .filter(|(o, _)| o > at)
                .map(|(_, l)| l.name.to_string_lossy().into_owned())
                .collect()
        };
        // "b" went and "f" came since: what did not change shows once.
        let after = Listing::sorted(listed(&["a", "c", "d", "e", "f"]));
        let mut old: Vec<_> = rest(&before).into_iter().filter(|n| n != "b").collect();
        let new: Vec<_> = rest(&after).into_iter().filter(|n| n != "f").collect();
        old.sort();
        let mut new_sorted = new.clone();
        new_sorted.sort();
        assert_eq!(old, new_sorted);
        assert!(before.iter().all(|(o, _)| *o > 2), "above . and ..");
    }
}
