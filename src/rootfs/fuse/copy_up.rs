//! Copying an entry of an image layer up into `upper/` before it
//! changes: data (holes kept, reflinked where the filesystem can), mode,
//! owners, times and xattrs. The copy is staged in `work/` and renamed
//! into place whole, so a server killed half-way leaves nothing but
//! staged debris, which the next server removes.

use super::layers::{self, Layer, Layers, STAGED_PREFIX};
use crate::rootfs::copy::{copy_xattrs, times};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{
    AtFlags, FileType, Gid, Mode, OFlags, RenameFlags, SeekFrom, Stat, Uid, chmodat, chownat,
    mkdirat, mknodat, openat, readlinkat, renameat_with, symlinkat, utimensat,
};
use rustix::io::Errno;
use std::sync::atomic::{AtomicU64, Ordering};

/// A new name in `work/` for something being staged.
pub fn staged_name() -> Vec<u8> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut name = STAGED_PREFIX.to_vec();
    name.extend_from_slice(NEXT.fetch_add(1, Ordering::Relaxed).to_string().as_bytes());
    name
}

/// Links the `upper/` entry at `path` under a new name in `work/`, which
/// it returns.
pub fn link_into_work(layers: &Layers, path: &[u8]) -> std::io::Result<Vec<u8>> {
    let staged = staged_name();
    rustix::fs::linkat(
        layers.upper(),
        path,
        layers.work(),
        &staged,
        AtFlags::empty(),
    )?;
    Ok(staged)
}

/// Copies the entry at `path` in the image layer `from` (whose `lstat`
/// is `st`) to the same path in `upper/`, where its parent directory
/// exists and nothing is at `path` yet. A directory is copied without
/// its content. The parent's times are kept, as a copy-up is no change.
pub fn copy_up(layers: &Layers, from: Layer, path: &[u8], st: &Stat) -> std::io::Result<()> {
    let staged = stage(layers, from, path, st)?;
    place_keeping_parent_times(layers, &staged, path, RenameFlags::NOREPLACE)
}

/// Copies the entry at `path` in `from` (whose `lstat` is `st`) to a new
/// name in `work/`, which it returns.
pub fn stage(layers: &Layers, from: Layer, path: &[u8], st: &Stat) -> std::io::Result<Vec<u8>> {
    let staged = staged_name();
    let work = layers.work();
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => {
            mkdirat(work, &staged, Mode::from_raw_mode(0o700))?;
            let to = openat(
                work,
                &staged,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            let source = layers.open(from, path, OFlags::RDONLY | OFlags::DIRECTORY)?;
            finish_open(source.as_fd(), to.as_fd(), st)?;
        }
        FileType::RegularFile => {
            let to = openat(
                work,
                &staged,
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            )?;
            let source = layers.open(from, path, OFlags::RDONLY)?;
            copy_data(&source, &to, st.st_size as u64)?;
            finish_open(source.as_fd(), to.as_fd(), st)?;
        }
        FileType::Symlink => {
            let target = readlinkat(layers.fd(from), layers::at(path), Vec::new())?;
            symlinkat(target.as_c_str(), work, &staged)?;
            finish_at(work, &staged, st, false)?;
        }
        kind => {
            mknodat(work, &staged, kind, Mode::from_raw_mode(0o600), st.st_rdev)?;
            finish_at(work, &staged, st, true)?;
        }
    }
    Ok(staged)
}

/// Renames `staged` in `work/` to `path` in `upper/` (with `flags`), and
/// gives the parent directory back the times it had before.
pub fn place_keeping_parent_times(
    layers: &Layers,
    staged: &[u8],
    path: &[u8],
    flags: RenameFlags,
) -> std::io::Result<()> {
    let parent = layers::split(path).0;
    let before = layers.stat(Layer::Upper, parent)?;
    renameat_with(layers.work(), staged, layers.upper(), path, flags)?;
    if let Some(before) = before {
        utimensat(
            layers.upper(),
            layers::at(parent),
            &times(&before),
            AtFlags::SYMLINK_NOFOLLOW,
        )?;
    }
    Ok(())
}

/// Owners, xattrs, mode and times of an opened copy.
fn finish_open(source: BorrowedFd<'_>, to: BorrowedFd<'_>, st: &Stat) -> std::io::Result<()> {
    rustix::fs::fchown(
        to,
        Some(Uid::from_raw(st.st_uid)),
        Some(Gid::from_raw(st.st_gid)),
    )?;
    copy_xattrs(source, to)?;
    rustix::fs::fchmod(to, Mode::from_raw_mode(st.st_mode & 0o7777))?;
    rustix::fs::futimens(to, &times(st))?;
    Ok(())
}

/// Owners, mode (not for a symlink) and times of a copy not opened.
fn finish_at(dir: BorrowedFd<'_>, name: &[u8], st: &Stat, chmod: bool) -> std::io::Result<()> {
    chownat(
        dir,
        name,
        Some(Uid::from_raw(st.st_uid)),
        Some(Gid::from_raw(st.st_gid)),
        AtFlags::SYMLINK_NOFOLLOW,
    )?;
    if chmod {
        chmodat(
            dir,
            name,
            Mode::from_raw_mode(st.st_mode & 0o7777),
            AtFlags::empty(),
        )?;
    }
    utimensat(dir, name, &times(st), AtFlags::SYMLINK_NOFOLLOW)?;
    Ok(())
}

/// Copies bytes `start..end` through a buffer.
fn copy_range(from: &OwnedFd, to: &OwnedFd, mut start: u64, end: u64) -> std::io::Result<()> {
    let mut buf = vec![0u8; 1 << 20];
    while start < end {
        let want = buf.len().min((end - start) as usize);
        let n = rustix::io::pread(from, &mut buf[..want], start)?;
        if n == 0 {
            break;
        }
        let mut written = 0;
        while written < n {
            written += rustix::io::pwrite(to, &buf[written..n], start + written as u64)?;
        }
        start += n as u64;
    }
    Ok(())
}

/// Copies `size` bytes of file data, reflinked where the filesystem can,
/// else range by range in the kernel, skipping holes.
fn copy_data(from: &OwnedFd, to: &OwnedFd, size: u64) -> std::io::Result<()> {
    if size == 0 || rustix::fs::ioctl_ficlone(to, from).is_ok() {
        return Ok(());
    }
    let mut offset = 0u64;
    while offset < size {
        let start = match rustix::fs::seek(from, SeekFrom::Data(offset)) {
            Ok(start) => start,
            Err(rustix::io::Errno::NXIO) => break,
            Err(e) => return Err(e.into()),
        };
        let end = rustix::fs::seek(from, SeekFrom::Hole(start))?.min(size);
        let (mut at_from, mut at_to) = (start, start);
        while at_from < end {
            let left = (end - at_from) as usize;
            match rustix::fs::copy_file_range(from, Some(&mut at_from), to, Some(&mut at_to), left)
            {
                Ok(0) => break,
                Ok(_) => {}
                // Filesystems (and kernels) that cannot: copy by hand.
                Err(Errno::XDEV | Errno::OPNOTSUPP | Errno::INVAL | Errno::NOSYS) => {
                    copy_range(from, to, at_from, end)?;
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        offset = end;
    }
    rustix::fs::ftruncate(to, size)?;
    Ok(())
}
