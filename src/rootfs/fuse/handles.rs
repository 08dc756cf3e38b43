//! Open files and directories, by the handle number given to the kernel.

use super::merge::Listed;
use super::tree::Ino;
use rustix::fd::OwnedFd;
use rustix::fs::SeekFrom;
use rustix::io::Errno;
use std::collections::HashMap;
use std::io::Result;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// An open directory: what it listed when last read from the start.
pub struct Listing {
    pub ino: Ino,
    entries: Mutex<Vec<Listed>>,
}

impl Listing {
    pub fn new(ino: Ino) -> Listing {
        Listing {
            ino,
            entries: Mutex::new(Vec::new()),
        }
    }

    pub fn entries(&self) -> MutexGuard<'_, Vec<Listed>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
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

/// What is done with an open file, by its handle.
impl Files {
    /// Up to `size` bytes from `offset` (fewer only at the end).
    pub fn read_at(&self, fh: u64, offset: u64, size: usize) -> Result<Vec<u8>> {
        let fd = self.get(fh)?;
        // Read into spare capacity: zeroing a megabyte per read costs.
        let mut buf = Vec::with_capacity(size);
        while buf.len() < size {
            let at = offset + buf.len() as u64;
            match rustix::io::pread(&*fd, rustix::buffer::spare_capacity(&mut buf), at) {
                Ok(0) => break,
                Ok(_) => {}
                Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        buf.truncate(size);
        Ok(buf)
    }

    /// Writes all of `data` at `offset`.
    pub fn write_at(&self, fh: u64, offset: u64, data: &[u8]) -> Result<usize> {
        let fd = self.get(fh)?;
        let mut written = 0;
        while written < data.len() {
            match rustix::io::pwrite(&*fd, &data[written..], offset + written as u64) {
                Ok(n) => written += n,
                Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(written)
    }

    pub fn sync(&self, fh: u64, data_only: bool) -> Result<()> {
        let fd = self.get(fh)?;
        Ok(if data_only {
            rustix::fs::fdatasync(&*fd)
        } else {
            rustix::fs::fsync(&*fd)
        }?)
    }

    pub fn allocate(&self, fh: u64, offset: u64, length: u64, mode: i32) -> Result<()> {
        let mode = rustix::fs::FallocateFlags::from_bits_retain(mode as _);
        Ok(rustix::fs::fallocate(
            &*self.get(fh)?,
            mode,
            offset,
            length,
        )?)
    }

    /// `lseek`, for `SEEK_DATA` and `SEEK_HOLE` (the kernel keeps the
    /// position of the others itself).
    pub fn seek(&self, fh: u64, offset: i64, whence: i32) -> Result<u64> {
        let to = match whence {
            libc::SEEK_DATA => SeekFrom::Data(offset as u64),
            libc::SEEK_HOLE => SeekFrom::Hole(offset as u64),
            libc::SEEK_END => SeekFrom::End(offset),
            libc::SEEK_CUR => SeekFrom::Current(offset),
            _ => SeekFrom::Start(offset as u64),
        };
        Ok(rustix::fs::seek(&*self.get(fh)?, to)?)
    }
}
/// Open directories.
pub type Directories = Handles<Listing>;
