//! Image copies for `--userns=keep-id` under the overlay driver. The
//! layers were unpacked under rpod's usual mapping, and the kernel lets
//! no rootless process remap the owners of their filesystem, so a keep-id
//! container's lower layer is one merged copy of the image whose owners
//! are shifted to show inside the keep-id namespace as the image meant.
//! The copy is made once per image and mapping, in `mapped/`, by the
//! first keep-id container to start (in its monitor), built in `tmp/` and
//! renamed into place when complete; garbage collection removes it with
//! its image.

use crate::store::Store;
use crate::store::digest::{sha256_hex, sha256_of};
use crate::userns::{IdMapping, OwnerShift};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The directory of the copies in the store.
pub const DIR: &str = "mapped";

/// The copy of the image `image_id` (its `layers`, bottom first) for
/// `shift`, made when missing.
pub fn image_copy(
    store: &Store,
    image_id: &str,
    layers: &[PathBuf],
    shift: &OwnerShift,
) -> Result<PathBuf> {
    let dir = store.root().join(DIR);
    let copy = dir.join(copy_name(image_id, &shift.container)?);
    if copy.is_dir() {
        return Ok(copy);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let _guard = store.gc_guard()?;
    let built = super::vfs::apply_in_tmp(store, layers, Some(shift))?;
    super::vfs::move_into_place(built, &copy)?;
    Ok(copy)
}

/// `<image hex>-<mapping hash>`: the image comes first, so that garbage
/// collection knows whose copy it is.
fn copy_name(image_id: &str, mapping: &IdMapping) -> Result<String> {
    let key = sha256_of(format!("{:?} {:?}", mapping.uids, mapping.gids).as_bytes());
    Ok(format!(
        "{}-{}",
        sha256_hex(image_id)?,
        &sha256_hex(&key)?[..16]
    ))
}

/// The image a copy in [`DIR`] was made from (its hex digest).
pub fn image_of(copy: &Path) -> Option<String> {
    let name = copy.file_name()?.to_str()?;
    name.split_once('-').map(|(image, _)| image.to_string())
}
