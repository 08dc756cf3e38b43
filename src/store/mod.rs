//! The per-user store: where images, layers, containers and
//! volumes live, and the locks that let any number of rpod processes share
//! it. Layout under the root (0700):
//!
//! ```text
//! blobs/sha256/<hex>     manifests, configs and compressed layers, by digest
//! layers/<hex>/          one unpacked layer per diff ID: diff/ + layer.json
//! images.json            the image records (names, digests, layers)
//! containers/<id>/       one container's record, rootfs and state
//! volumes/<name>/        one volume: _data/ (what is mounted) + volume.json
//! tmp/                   staging; anything here is unfinished work
//! locks/                 flock files
//! overlay-probe          the boot in which the kernel overlay was seen to work
//! ```
//!
//! Every visible change is a rename or an atomic file replacement, so a
//! crash leaves either the old or the new state plus debris in `tmp/`,
//! which garbage collection removes.

pub mod atomic;
pub mod blobs;
pub mod containers;
pub mod digest;
pub mod gc;
pub mod images;
pub mod layers;
pub mod lock;
pub mod paths;
pub mod volumes;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub use lock::Lock;

/// The kernel's random ID of the current boot.
fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
}

/// An opened store.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens (creating when needed) the store at `root`, mode 0700.
    pub fn open(root: &Path) -> Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let store = Self {
            root: root.to_path_buf(),
        };
        // Made last: when it is there, so is the rest (one stat per command).
        if store.root.join("locks").is_dir() {
            return Ok(store);
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(root)
            .with_context(|| format!("cannot create the store at {}", root.display()))?;
        for dir in ["blobs/sha256", "layers", "tmp", "locks"] {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(store.root.join(dir))
                .with_context(|| format!("cannot create {}", store.root.join(dir).display()))?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where unfinished work is staged before its final rename.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Whether a command has seen the kernel overlay work over this store
    /// since the machine started. (Only success is remembered: a failure
    /// may be mended without a reboot, and is probed again.)
    pub fn overlay_known_to_work(&self) -> bool {
        let text = std::fs::read_to_string(self.root.join("overlay-probe")).unwrap_or_default();
        boot_id().is_some_and(|boot| text.trim() == boot)
    }

    /// Remembers for this boot that the overlay works (best effort:
    /// without it the next command probes again).
    pub fn remember_overlay_works(&self) {
        if let Some(boot) = boot_id() {
            let line = format!("{boot}\n");
            let _ = atomic::replace_file(&self.root.join("overlay-probe"), line.as_bytes(), 0o600);
        }
    }

    /// The path of a lock file by name.
    pub fn lock_path(&self, name: &str) -> PathBuf {
        self.root.join("locks").join(name)
    }

    /// Held (shared) by every command that adds layers or blobs until its
    /// images are recorded, and exclusively by garbage collection, so that
    /// collection never removes what a running pull is about to use.
    pub fn gc_guard(&self) -> Result<Lock> {
        Lock::shared(&self.lock_path("gc.lock"))
    }
}
