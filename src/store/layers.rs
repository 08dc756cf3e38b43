//! Unpacked layers under `layers/<diff-id hex>/`: a `diff/` tree in the
//! kernel-overlay format and a `layer.json` record. A layer is shared by
//! every image that lists its diff ID, and appears only by an atomic rename
//! of a finished staging directory.

use super::digest::sha256_hex;
use super::{Lock, Store};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What `layer.json` records about an unpacked layer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayerInfo {
    pub diff_id: String,
    /// Bytes of file data in the layer.
    pub size: u64,
    pub entries: u64,
}

/// A layer being unpacked in `tmp/`; dropped without `commit`, it is left
/// for garbage collection (its files may belong to subordinate ids).
pub struct StagedLayer {
    dir: PathBuf,
}

impl Store {
    /// The directory of a layer (whether or not it exists).
    pub fn layer_dir(&self, diff_id: &str) -> Result<PathBuf> {
        Ok(self.root().join("layers").join(sha256_hex(diff_id)?))
    }

    /// The unpacked tree of a layer.
    pub fn layer_diff(&self, diff_id: &str) -> Result<PathBuf> {
        Ok(self.layer_dir(diff_id)?.join("diff"))
    }

    /// The record of a finished layer, or None when it is not in the store.
    pub fn layer_info(&self, diff_id: &str) -> Result<Option<LayerInfo>> {
        let path = self.layer_dir(diff_id)?.join("layer.json");
        match std::fs::read(&path) {
            Ok(bytes) => {
                Ok(Some(serde_json::from_slice(&bytes).with_context(|| {
                    format!("{} is corrupt", path.display())
                })?))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Serialises the unpacking of one layer between processes.
    pub fn layer_lock(&self, diff_id: &str) -> Result<Lock> {
        Lock::exclusive(&self.lock_path(&format!("layer-{}", sha256_hex(diff_id)?)))
    }

    /// Creates an empty staging directory for a layer.
    pub fn stage_layer(&self) -> Result<StagedLayer> {
        let dir = tempfile::Builder::new()
            .prefix("layer-")
            .tempdir_in(self.tmp_dir())
            .context("cannot create a staging directory")?
            .keep();
        std::fs::create_dir(dir.join("diff"))?;
        Ok(StagedLayer { dir })
    }

    /// Records the layer as `diff_id` and renames it into place. If another
    /// process finished the same layer first, ours is left for collection.
    pub fn commit_layer(
        &self,
        staged: StagedLayer,
        diff_id: &str,
        size: u64,
        entries: u64,
    ) -> Result<LayerInfo> {
        let info = LayerInfo {
            diff_id: diff_id.to_string(),
            size,
            entries,
        };
        super::atomic::write_file(
            &staged.dir.join("layer.json"),
            &serde_json::to_vec(&info)?,
            0o644,
        )?;
        let target = self.layer_dir(diff_id)?;
        match std::fs::rename(&staged.dir, &target) {
            Ok(()) => super::atomic::sync_dir(&self.root().join("layers"))?,
            Err(e) if target.join("layer.json").exists() => drop(e),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot move layer into {}", target.display()));
            }
        }
        Ok(info)
    }
}

impl StagedLayer {
    /// Where the layer's files go.
    pub fn diff_dir(&self) -> PathBuf {
        self.dir.join("diff")
    }
}
