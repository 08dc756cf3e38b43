//! What is done with an open descriptor of a layer's file: reads,
//! writes, syncs, allocation and seeks for data and holes.

use rustix::fd::OwnedFd;
use rustix::fs::SeekFrom;
use rustix::io::Errno;
use std::io::Result;

/// Up to `size` bytes from `offset` (fewer only at the end).
pub fn read_at(fd: &OwnedFd, offset: u64, size: usize) -> Result<Vec<u8>> {
    // Read into spare capacity: zeroing a megabyte per read costs.
    let mut buf = Vec::with_capacity(size);
    while buf.len() < size {
        let at = offset + buf.len() as u64;
        match rustix::io::pread(fd, rustix::buffer::spare_capacity(&mut buf), at) {
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
pub fn write_at(fd: &OwnedFd, offset: u64, data: &[u8]) -> Result<usize> {
    let mut written = 0;
    while written < data.len() {
        match rustix::io::pwrite(fd, &data[written..], offset + written as u64) {
            Ok(n) => written += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(written)
}

pub fn sync(fd: &OwnedFd, data_only: bool) -> Result<()> {
    Ok(if data_only {
        rustix::fs::fdatasync(fd)
    } else {
        rustix::fs::fsync(fd)
    }?)
}

pub fn allocate(fd: &OwnedFd, offset: u64, length: u64, mode: i32) -> Result<()> {
    let mode = rustix::fs::FallocateFlags::from_bits_retain(mode as _);
    Ok(rustix::fs::fallocate(fd, mode, offset, length)?)
}

/// `lseek`, for `SEEK_DATA` and `SEEK_HOLE` (the kernel keeps the
/// position of the others itself).
pub fn seek(fd: &OwnedFd, offset: i64, whence: i32) -> Result<u64> {
    let to = match whence {
        libc::SEEK_DATA => SeekFrom::Data(offset as u64),
        libc::SEEK_HOLE => SeekFrom::Hole(offset as u64),
        libc::SEEK_END => SeekFrom::End(offset),
        libc::SEEK_CUR => SeekFrom::Current(offset),
        _ => SeekFrom::Start(offset as u64),
    };
    Ok(rustix::fs::seek(fd, to)?)
}
