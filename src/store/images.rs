//! Image records in `images.json`: what images the store holds, their
//! names (`registry/repo:tag`), repository digests and layers. Writers take
//! `locks/images.lock` and replace the file atomically; readers need no lock.

use super::{Lock, Store};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// One image in the store. Its ID is the digest of its config blob.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ImageRecord {
    pub id: String,
    /// Fully qualified tagged names, e.g. `docker.io/library/busybox:latest`.
    #[serde(default)]
    pub names: Vec<String>,
    /// `registry/repo@sha256:…` of the manifest (or index) it was pulled by.
    #[serde(default)]
    pub digests: Vec<String>,
    /// Digest of the image manifest blob in the store.
    pub manifest: String,
    pub layers: Vec<LayerRef>,
    /// Unpacked size: the sum of the layers' file data.
    pub size: u64,
    /// When the image was made (from its config), RFC 3339.
    pub created: Option<String>,
    /// When it entered this store, RFC 3339.
    pub added: String,
}

/// A layer of an image: its uncompressed diff ID, and the blob it came in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LayerRef {
    pub diff_id: String,
    pub blob: String,
    pub media_type: String,
    pub blob_size: u64,
}

#[derive(Default, Serialize, Deserialize)]
struct ImageFile {
    images: Vec<ImageRecord>,
}

impl ImageRecord {
    /// The 12-digit ID Docker shows.
    pub fn short_id(&self) -> &str {
        let hex = self.id.strip_prefix("sha256:").unwrap_or(&self.id);
        &hex[..hex.len().min(12)]
    }

    /// An image with no name is dangling (`<none>:<none>`).
    pub fn is_dangling(&self) -> bool {
        self.names.is_empty()
    }
}

/// What `add_image` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    /// The image was not in the store.
    New,
    /// The image was there, but the name pointed elsewhere (or nowhere).
    Renamed,
    /// The image was there under this very name.
    UpToDate,
}

impl Store {
    fn images_path(&self) -> std::path::PathBuf {
        self.root().join("images.json")
    }

    /// Every image record.
    pub fn images(&self) -> Result<Vec<ImageRecord>> {
        let path = self.images_path();
        match std::fs::read(&path) {
            Ok(bytes) => Ok(serde_json::from_slice::<ImageFile>(&bytes)
                .with_context(|| format!("{} is corrupt", path.display()))?
                .images),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Changes the image records under the images lock; nothing is written
    /// when `change` fails.
    pub fn update_images<T>(
        &self,
        change: impl FnOnce(&mut Vec<ImageRecord>) -> Result<T>,
    ) -> Result<T> {
        let _lock = Lock::exclusive(&self.lock_path("images.lock"))?;
        let mut images = self.images()?;
        let result = change(&mut images)?;
        let file = ImageFile { images };
        super::atomic::write_file(
            &self.images_path(),
            &serde_json::to_vec_pretty(&file)?,
            0o600,
        )?;
        Ok(result)
    }
}

/// Adds `record` (or merges it into the same image already there) and
/// points `name` at it, taking the name away from any other image.
pub fn add_image(images: &mut Vec<ImageRecord>, record: ImageRecord, name: Option<&str>) -> Added {
    let mut outcome = Added::New;
    if let Some(existing) = images.iter().find(|i| i.id == record.id) {
        outcome = match name {
            Some(name) if existing.names.iter().any(|n| n == name) => Added::UpToDate,
            _ => Added::Renamed,
        };
    }
    if let Some(name) = name {
        untag(images, name);
    }
    let index = match images.iter().position(|i| i.id == record.id) {
        Some(index) => index,
        None => {
            images.push(ImageRecord {
                names: Vec::new(),
                digests: Vec::new(),
                ..record.clone()
            });
            images.len() - 1
        }
    };
    let image = &mut images[index];
    if let Some(name) = name {
        image.names.push(name.to_string());
    }
    for digest in record.digests {
        if !image.digests.contains(&digest) {
            image.digests.push(digest);
        }
    }
    outcome
}

/// Removes `name` from whichever image carries it; true if one did.
pub fn untag(images: &mut [ImageRecord], name: &str) -> bool {
    let mut found = false;
    for image in images.iter_mut() {
        let before = image.names.len();
        image.names.retain(|n| n != name);
        found |= image.names.len() != before;
    }
    found
}

/// Finds the image a user means. `candidates` are the fully qualified
/// references the input may stand for, in order of preference (a short
/// name expands to several); `input` is also tried as an ID prefix.
/// An ambiguous ID prefix is an error.
pub fn find<'a>(
    images: &'a [ImageRecord],
    input: &str,
    candidates: &[String],
) -> Result<Option<&'a ImageRecord>> {
    for candidate in candidates {
        let by_name = images.iter().find(|i| {
            i.names.iter().any(|n| n == candidate) || i.digests.iter().any(|d| d == candidate)
        });
        if by_name.is_some() {
            return Ok(by_name);
        }
    }
    if !crate::reference::looks_like_id_prefix(input) {
        return Ok(None);
    }
    let prefix = input.strip_prefix("sha256:").unwrap_or(input);
    let mut matches = images.iter().filter(|i| {
        i.id.strip_prefix("sha256:")
            .unwrap_or(&i.id)
            .starts_with(prefix)
    });
    match (matches.next(), matches.next()) {
        (Some(_), Some(_)) => {
            anyhow::bail!("image ID prefix {input:?} is ambiguous; give more digits")
        }
        (found, _) => Ok(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id_char: char, names: &[&str]) -> ImageRecord {
        ImageRecord {
            id: format!("sha256:{}", id_char.to_string().repeat(64)),
            names: names.iter().map(|s| s.to_string()).collect(),
            digests: vec![],
            manifest: String::new(),
            layers: vec![],
            size: 0,
            created: None,
            added: String::new(),
        }
    }

    #[test]
    fn names_move_between_images() {
        let mut images = vec![image('a', &["r/x:1"])];
        assert_eq!(
            add_image(&mut images, image('b', &[]), Some("r/x:1")),
            Added::New
        );
        assert!(images[0].is_dangling());
        assert_eq!(images[1].names, ["r/x:1"]);
        assert_eq!(
            add_image(&mut images, image('b', &[]), Some("r/x:1")),
            Added::UpToDate
        );
        assert_eq!(
            add_image(&mut images, image('a', &[]), Some("r/x:2")),
            Added::Renamed
        );
        assert_eq!(images.len(), 2);
    }

    #[test]
    fn find_by_name_then_id_prefix() {
        let images = vec![image('a', &["r/x:1"]), image('b', &[]), image('c', &[])];
        let found = find(&images, "x", &["r/x:1".into()]).unwrap().unwrap();
        assert_eq!(found.short_id(), "aaaaaaaaaaaa");
        assert!(find(&images, "bbb", &[]).unwrap().is_some());
        assert!(find(&images, "sha256:ccc", &[]).unwrap().is_some());
        assert!(find(&images, "d", &[]).unwrap().is_none());
        let ambiguous = vec![image('a', &[]), image('a', &[])];
        assert!(find(&ambiguous, "a", &[]).is_err());
    }

    #[test]
    fn update_is_atomic_and_failures_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .update_images(|images| {
                images.push(image('a', &["r/x:1"]));
                Ok(())
            })
            .unwrap();
        let failed: Result<()> = store.update_images(|images| {
            images.clear();
            anyhow::bail!("no")
        });
        assert!(failed.is_err());
        assert_eq!(store.images().unwrap().len(), 1);
    }
}
