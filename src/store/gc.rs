//! Garbage collection: removes layers, blobs and keep-id image copies
//! that no image uses, and the debris of interrupted work in `tmp/`. It
//! must run inside the user namespace mapping, since unpacked files
//! belong to subordinate ids.

use super::{Lock, Store};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::Path;

/// What a collection freed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub layers: usize,
    pub blobs: usize,
}

impl Store {
    /// Waits until no pull is in progress, then removes everything no image
    /// refers to.
    pub fn collect_garbage(&self) -> Result<Collected> {
        let _exclusive = Lock::exclusive(&self.lock_path("gc.lock"))?;
        let images = self.images()?;
        let mut used_layers = HashSet::new();
        let mut used_blobs = HashSet::new();
        let mut used_images = HashSet::new();
        for image in &images {
            used_images.insert(hex_of(&image.id).to_string());
            used_blobs.insert(hex_of(&image.id).to_string());
            used_blobs.insert(hex_of(&image.manifest).to_string());
            for layer in &image.layers {
                used_layers.insert(hex_of(&layer.diff_id).to_string());
                used_blobs.insert(hex_of(&layer.blob).to_string());
            }
        }
        let mut collected = Collected::default();
        for name in unused_entries(&self.root().join("layers"), &used_layers)? {
            // Rename first so that a crash mid-removal leaves no half layer.
            let doomed = self.tmp_dir().join(format!("removing-{name}"));
            std::fs::rename(self.root().join("layers").join(&name), &doomed)?;
            collected.layers += 1;
        }
        // Keep-id copies of images that are gone.
        let mapped = self.root().join(crate::rootfs::mapped::DIR);
        for name in unused_entries(&mapped, &HashSet::new()).unwrap_or_default() {
            let image = crate::rootfs::mapped::image_of(&mapped.join(&name));
            if !image.is_some_and(|hex| used_images.contains(&hex)) {
                let doomed = self.tmp_dir().join(format!("removing-mapped-{name}"));
                std::fs::rename(mapped.join(&name), &doomed)?;
            }
        }
        // Unpacking locks of layers that are not (or no longer) here; no
        // pull is running, so nobody holds or is about to take one.
        let present: HashSet<String> =
            unused_entries(&self.root().join("layers"), &HashSet::new())?
                .into_iter()
                .collect();
        for name in unused_entries(&self.root().join("locks"), &HashSet::new())? {
            if name
                .strip_prefix("layer-")
                .is_some_and(|hex| !present.contains(hex))
            {
                std::fs::remove_file(self.root().join("locks").join(&name))?;
            }
        }
        for name in unused_entries(&self.root().join("blobs/sha256"), &used_blobs)? {
            std::fs::remove_file(self.root().join("blobs/sha256").join(name))?;
            collected.blobs += 1;
        }
        for entry in std::fs::read_dir(self.tmp_dir())? {
            remove_any(&entry?.path())?;
        }
        Ok(collected)
    }
}

fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

fn unused_entries(dir: &Path, used: &HashSet<String>) -> Result<Vec<String>> {
    let mut unused = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && !used.contains(&name) {
            unused.push(name);
        }
    }
    Ok(unused)
}

fn remove_any(path: &Path) -> Result<()> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    };
    result.with_context(|| format!("cannot remove {}", path.display()))
}
