//! A container's root filesystem mounted from its record: the image's
//! layers under the container's own upper directory, at
//! `containers/<id>/rootfs`. The caller has entered rpod's user namespace
//! and a private mount namespace, so the mount is gone when it exits.

use super::mount_overlay;
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Mounts the container's root filesystem and returns where.
pub fn mount_container(store: &Store, record: &ContainerRecord) -> Result<PathBuf> {
    let dir = store.container_dir(&record.id);
    let image = store
        .images()?
        .into_iter()
        .find(|i| i.id == record.image)
        .with_context(|| format!("the image {} of the container is gone", record.image_name))?;
    let lowers = image
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_diff(&l.diff_id))
        .collect::<Result<Vec<_>>>()?;
    let rootfs = dir.join("rootfs");
    mount_overlay(
        &store.root().join("layers"),
        &lowers,
        &dir.join("upper"),
        &dir.join("work"),
        &rootfs,
    )?;
    Ok(rootfs)
}
