//! What the init does to a mount's source before mounting it: fills an
//! empty volume with what the image has at its path (Docker's copy-up:
//! data, owners, modes, times, xattrs), and gives the source to the
//! container's user for the `U` option.
//!
//! The copy runs under a lock in the volume's directory, so two
//! containers starting at once copy once. It is staged next to the data,
//! and a marker stands in the volume's directory from before the first
//! entry moves into the data until the copy is whole: a crash at any
//! point leaves the data empty or marked, and the next start copies
//! afresh.

use super::binds::Bind;
use crate::archive::confined::{self, is_dir, open_subdir};
use anyhow::{Context, Result};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, Gid, Mode, OFlags, ResolveFlags, Uid};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Stands in the volume's directory while a copy moves into its data.
const UNFINISHED: &str = "copy-unfinished";

/// Copies what the image has at the bind's destination (reached inside
/// `root`, the container's root filesystem, never through another mount)
/// into the volume, when the volume is empty (or its last copy was cut
/// short) and the image has a directory there.
pub fn fill_if_empty(root: &OwnedFd, bind: &Bind) -> Result<()> {
    let data = Path::new(&bind.source);
    let volume_dir = data.parent().context("a volume's data has a parent")?;
    let _lock = crate::store::Lock::exclusive(&volume_dir.join("copy.lock"))?;
    let data_fd =
        confined::open_root(data).with_context(|| format!("cannot open {}", data.display()))?;
    let unfinished = volume_dir.join(UNFINISHED);
    if unfinished.exists() {
        for name in crate::rootfs::copy::names(&data_fd)? {
            confined::remove_at(data_fd.as_fd(), &name)?;
        }
        // Empty now, whatever this container's image has at its path.
        std::fs::remove_file(&unfinished)?;
    } else if !crate::rootfs::copy::names(&data_fd)?.is_empty() {
        return Ok(());
    }
    let Ok(image_dir) = confined::openat2_retrying(
        root,
        bind.destination.trim_start_matches('/'),
        OFlags::RDONLY | OFlags::DIRECTORY,
        ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS | ResolveFlags::NO_XDEV,
    ) else {
        return Ok(());
    };
    let image_path = super::mounts::fd_path(&image_dir);
    let staging = volume_dir.join("copy-staging");
    match std::fs::remove_dir_all(&staging) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot clear {}", staging.display()));
        }
        _ => {}
    }
    std::fs::create_dir(&staging)?;
    let copied = || -> Result<()> {
        crate::rootfs::copy::apply_layer(&image_path, &staging, None)?;
        std::fs::write(&unfinished, b"")?;
        for entry in std::fs::read_dir(&staging)? {
            let name = entry?.file_name();
            std::fs::rename(staging.join(&name), data.join(&name))?;
        }
        // The top takes the image directory's owner and mode, unless the
        // volume was made with its own (`--opt o=uid=…,gid=…`).
        if !has_options(volume_dir) {
            let meta = std::fs::metadata(&image_path)?;
            std::os::unix::fs::chown(data, Some(meta.uid()), Some(meta.gid()))?;
            std::fs::set_permissions(data, meta.permissions())?;
        }
        std::fs::remove_file(&unfinished)?;
        std::fs::remove_dir(&staging)?;
        Ok(())
    };
    copied().with_context(|| {
        format!(
            "cannot copy the image's {} into the volume",
            bind.destination
        )
    })
}

/// Whether the volume's record has driver options.
fn has_options(volume_dir: &Path) -> bool {
    let record = std::fs::read(volume_dir.join("volume.json"))
        .ok()
        .and_then(|bytes| {
            serde_json::from_slice::<crate::store::volumes::VolumeRecord>(&bytes).ok()
        });
    record.is_some_and(|r| !r.options.is_empty())
}

/// `U`: makes `uid`:`gid` the owner of the bind's source and of
/// everything below it on the same filesystem. The walk goes through
/// directory descriptors and never follows a symlink, so a container
/// swapping a directory for a link meanwhile cannot send it elsewhere.
pub fn give_to_user(bind: &Bind, uid: u32, gid: u32) -> Result<()> {
    let owner = (Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)));
    let top = confined::open_root(Path::new(&bind.source));
    let given = || -> rustix::io::Result<()> {
        let top = match top {
            Ok(top) => top,
            // A single file.
            Err(rustix::io::Errno::NOTDIR) => {
                let file = rustix::fs::open(
                    bind.source.as_str(),
                    OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                return rustix::fs::chownat(&file, "", owner.0, owner.1, AtFlags::EMPTY_PATH);
            }
            Err(e) => return Err(e),
        };
        rustix::fs::fchown(&top, owner.0, owner.1)?;
        let device = rustix::fs::fstat(&top)?.st_dev;
        // One open directory per level: each with the names still to do.
        let names = crate::rootfs::copy::names(&top)?;
        let mut stack = vec![(top, names)];
        while let Some((dir, names)) = stack.last_mut() {
            let Some(name) = names.pop() else {
                stack.pop();
                continue;
            };
            if let Some(sub) = give_entry(dir.as_fd(), &name, owner, device)? {
                let names = crate::rootfs::copy::names(&sub)?;
                stack.push((sub, names));
            }
        }
        Ok(())
    };
    given().with_context(|| format!("cannot give {} to {uid}:{gid}", bind.source))
}

/// Gives one entry of `dir`; a directory on the same filesystem comes
/// back opened, to be walked.
fn give_entry(
    dir: BorrowedFd<'_>,
    name: &[u8],
    (uid, gid): (Option<Uid>, Option<Gid>),
    device: u64,
) -> rustix::io::Result<Option<OwnedFd>> {
    let Some(st) = confined::lstat_at(dir, name)? else {
        return Ok(None);
    };
    rustix::fs::chownat(dir, name, uid, gid, AtFlags::SYMLINK_NOFOLLOW)?;
    if !is_dir(&st) || st.st_dev != device {
        return Ok(None);
    }
    match open_subdir(dir, name) {
        Ok(sub) => Ok(Some(sub)),
        // Swapped for something else since the lstat: left alone.
        Err(rustix::io::Errno::NOTDIR | rustix::io::Errno::LOOP | rustix::io::Errno::NOENT) => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
