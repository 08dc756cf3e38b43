//! A container's root filesystem mounted from its record, by the driver
//! it was created with, at `containers/<id>/rootfs`. The caller has
//! entered rpod's user namespace and a private mount namespace, so the
//! mount is gone when it exits.

use crate::store::Store;
use crate::store::containers::ContainerRecord;
use crate::userns::OwnerShift;
use anyhow::{Context, Result};

/// Mounts the container's root filesystem and returns where (and its
/// server, for the FUSE driver); `shift` as
/// for [`crate::rootfs::Driver::mount`].
pub fn mount_container(
    store: &Store,
    record: &ContainerRecord,
    shift: Option<&OwnerShift>,
) -> Result<crate::rootfs::Mounted> {
    let image = store
        .images()?
        .into_iter()
        .find(|i| i.id == record.image)
        .with_context(|| format!("the image {} of the container is gone", record.image_name))?;
    let layers = image
        .layers
        .iter()
        .map(|l| store.layer_diff(&l.diff_id))
        .collect::<Result<Vec<_>>>()?;
    let dir = store.container_dir(&record.id);
    record
        .config
        .storage_driver
        .mount(store, &dir, &layers, &image.id, shift)
}
