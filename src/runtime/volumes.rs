//! What the init does to a mount's source before mounting it: fills an
//! empty volume with what the image has at its path (Docker's copy-up:
//! data, owners, modes, times, xattrs), and gives the source to the
//! container's user for the `U` option.
//!
//! The copy runs under a lock in the volume's directory, so two
//! containers starting at once copy once. It is staged next to the data
//! and moved in entry by entry, so a crash during the copy leaves the
//! volume empty, to be filled at the next start.

use super::binds::Bind;
use anyhow::{Context, Result};
use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags, ResolveFlags};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Copies what the image has at the bind's destination (reached inside
/// `root`, the container's root filesystem) into the volume, when the
/// volume is empty and the image has a directory there.
pub fn fill_if_empty(root: &OwnedFd, bind: &Bind) -> Result<()> {
    let data = Path::new(&bind.source);
    let volume_dir = data.parent().context("a volume's data has a parent")?;
    let _lock = crate::store::Lock::exclusive(&volume_dir.join("copy.lock"))?;
    let mut entries =
        std::fs::read_dir(data).with_context(|| format!("cannot read {}", data.display()))?;
    if entries.next().is_some() {
        return Ok(());
    }
    let Ok(image_dir) = rustix::fs::openat2(
        root,
        bind.destination.trim_start_matches('/'),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
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
        for entry in std::fs::read_dir(&staging)? {
            let name = entry?.file_name();
            std::fs::rename(staging.join(&name), data.join(&name))?;
        }
        let meta = std::fs::metadata(&image_path)?;
        std::os::unix::fs::chown(data, Some(meta.uid()), Some(meta.gid()))?;
        std::fs::set_permissions(data, meta.permissions())?;
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

/// `U`: makes `uid`:`gid` the owner of the bind's source and of
/// everything below it (symlinks themselves, never their targets).
pub fn give_to_user(bind: &Bind, uid: u32, gid: u32) -> Result<()> {
    let mut pending = vec![std::path::PathBuf::from(&bind.source)];
    while let Some(path) = pending.pop() {
        std::os::unix::fs::lchown(&path, Some(uid), Some(gid))
            .with_context(|| format!("cannot change the owner of {}", path.display()))?;
        if std::fs::symlink_metadata(&path)?.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        }
    }
    Ok(())
}
