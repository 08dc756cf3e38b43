//! The `vfs` driver: the container's root filesystem is its own full copy
//! of the image's layers, `containers/<id>/vfs/`, written to directly.
//! The copy is made the first time the container starts, in the monitor
//! (root of the user namespace, so owners are kept), built in the store's
//! `tmp/` and renamed into place only when complete: a half-made copy is
//! never used, and the debris of a crash is garbage collected.

use crate::store::Store;
use crate::userns::OwnerShift;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The copy's name in the container's directory.
pub const COPY: &str = "vfs";
/// A file whose mtime says when the copy was finished: whatever in the
/// copy changed later is the container's own change (`ps -s`).
pub const MADE: &str = "vfs.made";

/// Makes the copy when it is not there yet, then binds it at `target`
/// (a mount point, as `pivot_root` needs). With `shift`, the copy's
/// owners are shifted (`--userns=keep-id`).
pub fn mount(
    store: &Store,
    dir: &Path,
    layers: &[PathBuf],
    target: &Path,
    shift: Option<&OwnerShift>,
) -> Result<()> {
    let copy = dir.join(COPY);
    if !copy.exists() {
        make_copy(store, layers, dir, shift)?;
    }
    rustix::mount::mount_bind(&copy, target)
        .with_context(|| format!("cannot bind {} at {}", copy.display(), target.display()))
}

/// Applies `layers` (bottom first) into a new directory in `tmp/`, marks
/// the time, and renames it into the container's directory `dir`. Holds
/// the garbage collector's guard meanwhile, which would otherwise remove
/// the unfinished copy from `tmp/`.
fn make_copy(
    store: &Store,
    layers: &[PathBuf],
    dir: &Path,
    shift: Option<&OwnerShift>,
) -> Result<()> {
    let _guard = store.gc_guard()?;
    let built = apply_in_tmp(store, layers, shift)?;
    std::fs::write(dir.join(MADE), b"")
        .with_context(|| format!("cannot write {}", dir.join(MADE).display()))?;
    move_into_place(built, &dir.join(COPY))
}

/// Applies `layers` (bottom first, owners shifted by `shift`) into a new
/// directory in the store's `tmp/` and returns it. The caller holds the
/// garbage collector's guard until the copy is moved into place.
pub fn apply_in_tmp(
    store: &Store,
    layers: &[PathBuf],
    shift: Option<&OwnerShift>,
) -> Result<PathBuf> {
    let building = tempfile::Builder::new()
        .prefix("copy-")
        .tempdir_in(store.tmp_dir())
        .context("cannot create a directory for a copy of the image")?;
    for layer in layers {
        super::copy::apply_layer(layer, building.path(), shift)
            .with_context(|| format!("cannot copy the layer {}", layer.display()))?;
    }
    Ok(building.keep())
}

/// Renames a finished copy `built` to `copy`; when another process
/// finished the same copy first, keeps theirs and removes this one.
pub fn move_into_place(built: PathBuf, copy: &Path) -> Result<()> {
    match std::fs::rename(&built, copy) {
        Ok(()) => Ok(()),
        Err(_) if copy.is_dir() => {
            let _ = std::fs::remove_dir_all(&built);
            Ok(())
        }
        Err(e) => Err(e).with_context(|| format!("cannot move the copy to {}", copy.display())),
    }
}
