//! Pulling an image into the store. Runs inside the user namespace so
//! layers unpack with their real owners. Layers are fetched several at a
//! time; for each, download, digest checks, decompression and unpacking
//! are one stream (the compressed bytes are kept as the layer's blob for
//! push and save). Nothing becomes visible before it is verified: layers
//! appear by rename, the image record last.

use super::client::{ConnectOptions, Registry, RegistryError};
use super::config::RegistriesConf;
use super::manifest::{self, Manifest, Platform};
use crate::archive::{UnpackOptions, decompressed, unpack_layer};
use crate::reference::Reference;
use crate::store::Store;
use crate::store::blobs::Tee;
use crate::store::digest::{HashingReader, sha256_of};
use crate::store::images::{Added, ImageRecord, LayerRef, add_image};
use anyhow::{Context, Result, bail};
use oci_spec::image::{Descriptor, ImageManifest};
use std::io::{BufReader, Read};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How often a layer whose download broke off is tried again.
const LAYER_ATTEMPTS: u32 = 3;
/// Image configs larger than this are refused.
const MAX_CONFIG_SIZE: u64 = 8 << 20;

/// What happens to a layer, for progress display.
#[derive(Debug, Clone, Copy)]
pub enum LayerEvent {
    Waiting,
    AlreadyExists,
    Downloading { done: u64, total: u64 },
    Complete,
}

/// Receives progress; implemented by the command line (bars on a TTY,
/// plain lines otherwise, nothing with `-q`).
pub trait PullProgress: Sync {
    fn pulling(&self, reference: &Reference);
    fn layer(&self, digest: &str, event: LayerEvent);
}

/// Everything a pull needs besides the reference.
pub struct Puller<'a> {
    pub store: &'a Store,
    pub registries: &'a RegistriesConf,
    pub connect: &'a ConnectOptions,
    pub platform: &'a Platform,
    pub parallelism: usize,
    /// False under a single-uid mapping: owners in layers are not applied.
    pub apply_owners: bool,
    pub progress: &'a dyn PullProgress,
}

/// The result of a pull.
#[derive(Debug)]
pub struct Pulled {
    pub reference: Reference,
    pub image_id: String,
    /// Digest of what the tag pointed to (an index for multi-arch images).
    pub digest: String,
    pub added: Added,
}

impl Puller<'_> {
    /// Pulls the first of `candidates` (the names a short name stands for)
    /// that a registry has. Errors other than "not found" stop the search.
    pub fn pull_first(&self, candidates: &[Reference]) -> Result<Pulled> {
        let mut not_found = Vec::new();
        for reference in candidates {
            match self.pull(reference) {
                Ok(pulled) => return Ok(pulled),
                Err(e) if is_not_found(&e) && candidates.len() > 1 => {
                    not_found.push(reference.to_string())
                }
                Err(e) => return Err(e),
            }
        }
        bail!("image not found; tried {}", not_found.join(", "))
    }

    /// Pulls one fully qualified reference, trying its mirrors first.
    pub fn pull(&self, reference: &Reference) -> Result<Pulled> {
        let resolved = self
            .registries
            .resolve(&reference.name(), reference.digest.is_some())?;
        let mut first_error = None;
        for endpoint in &resolved.endpoints {
            let registry = Registry::new(&endpoint.registry, endpoint.insecure, self.connect)?;
            match self.fetch_manifest(&registry, &endpoint.repository, reference) {
                Ok(found) => {
                    return self.pull_from(&registry, &endpoint.repository, reference, found);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| anyhow::anyhow!("no registry endpoint for {reference}")))
    }

    /// Fetches the manifest the reference names, following an index to
    /// this platform's manifest.
    fn fetch_manifest(
        &self,
        registry: &Registry,
        repository: &str,
        reference: &Reference,
    ) -> Result<FoundManifest> {
        let (top_bytes, content_type) =
            get_manifest(registry, repository, reference.manifest_reference())?;
        let top_digest = sha256_of(&top_bytes);
        if let Some(pinned) = &reference.digest
            && *pinned != top_digest
        {
            bail!("manifest digest mismatch: asked for {pinned}, got {top_digest}");
        }
        let (bytes, manifest) = match manifest::parse(&top_bytes, content_type.as_deref())? {
            Manifest::Image(m) => (top_bytes, *m),
            Manifest::Index(index) => {
                let chosen = manifest::select(&index, self.platform)?
                    .digest()
                    .to_string();
                let (bytes, content_type) = get_manifest(registry, repository, &chosen)?;
                if sha256_of(&bytes) != chosen {
                    bail!("manifest digest mismatch for {chosen}");
                }
                match manifest::parse(&bytes, content_type.as_deref())? {
                    Manifest::Image(m) => (bytes, *m),
                    Manifest::Index(_) => {
                        bail!("manifest list {chosen} points to another manifest list")
                    }
                }
            }
        };
        Ok(FoundManifest {
            top_digest,
            bytes,
            manifest,
        })
    }

    fn pull_from(
        &self,
        registry: &Registry,
        repository: &str,
        reference: &Reference,
        found: FoundManifest,
    ) -> Result<Pulled> {
        self.progress.pulling(reference);
        let manifest = &found.manifest;
        let config_digest = manifest.config().digest().to_string();
        // Blobs and layers written from here on are protected from
        // garbage collection until the image record exists.
        let _guard = self.store.gc_guard()?;
        let (config_bytes, config) = self.fetch_config(registry, repository, manifest.config())?;
        let diff_ids = diff_ids(&config, manifest.layers().len())?;

        let known = self
            .store
            .images()?
            .into_iter()
            .find(|i| i.id == config_digest);
        let complete = match &known {
            Some(image) => image
                .layers
                .iter()
                .all(|l| self.store.layer_info(&l.diff_id).is_ok_and(|i| i.is_some())),
            None => false,
        };
        let sizes = match known {
            Some(image) if complete => vec![image.size],
            _ => self.fetch_layers(registry, repository, manifest.layers(), &diff_ids)?,
        };
        // The image's own blobs are stored once its layers are in.
        self.store.write_blob(&config_digest, &config_bytes)?;
        let manifest_digest = sha256_of(&found.bytes);
        self.store.write_blob(&manifest_digest, &found.bytes)?;
        let record = ImageRecord {
            id: config_digest.clone(),
            names: Vec::new(),
            digests: vec![format!("{}@{}", reference.name(), found.top_digest)],
            manifest: manifest_digest,
            layers: manifest
                .layers()
                .iter()
                .zip(&diff_ids)
                .map(|(layer, diff_id)| LayerRef {
                    diff_id: diff_id.clone(),
                    blob: layer.digest().to_string(),
                    media_type: layer.media_type().to_string(),
                    blob_size: layer.size(),
                })
                .collect(),
            size: sizes.iter().sum(),
            created: config["created"].as_str().map(str::to_string),
            added: jiff::Timestamp::now().to_string(),
        };
        let name = reference.tagged_name();
        let added = self
            .store
            .update_images(|images| Ok(add_image(images, record, name.as_deref())))?;
        Ok(Pulled {
            reference: reference.clone(),
            image_id: config_digest,
            digest: found.top_digest,
            added,
        })
    }

    /// The image config, from the store or the registry, checked against
    /// its digest: its bytes and its JSON.
    fn fetch_config(
        &self,
        registry: &Registry,
        repository: &str,
        descriptor: &Descriptor,
    ) -> Result<(Vec<u8>, serde_json::Value)> {
        let digest = descriptor.digest().to_string();
        let bytes = match self.store.read_blob(&digest) {
            Ok(bytes) => bytes,
            Err(_) => {
                if descriptor.size() > MAX_CONFIG_SIZE {
                    bail!(
                        "image config {digest} is too large ({} bytes)",
                        descriptor.size()
                    );
                }
                let (bytes, _) = registry.get_bytes(
                    repository,
                    &format!("blobs/{digest}"),
                    None,
                    MAX_CONFIG_SIZE,
                )?;
                if sha256_of(&bytes) != digest {
                    bail!("image config does not match its digest {digest}");
                }
                bytes
            }
        };
        let config = serde_json::from_slice(&bytes)
            .with_context(|| format!("image config {digest} is not valid JSON"))?;
        Ok((bytes, config))
    }

    /// Fetches and unpacks the layers that are not in the store yet,
    /// `parallelism` at a time; returns every layer's unpacked size.
    fn fetch_layers(
        &self,
        registry: &Registry,
        repository: &str,
        layers: &[Descriptor],
        diff_ids: &[String],
    ) -> Result<Vec<u64>> {
        for layer in layers {
            self.progress
                .layer(layer.digest().as_ref(), LayerEvent::Waiting);
        }
        let sizes = Mutex::new(vec![0u64; layers.len()]);
        let failure = Mutex::new(None);
        let failed = AtomicBool::new(false);
        let next = AtomicUsize::new(0);
        let workers = self.parallelism.clamp(1, layers.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= layers.len() || failed.load(Ordering::Relaxed) {
                            break;
                        }
                        match self.ensure_layer(registry, repository, &layers[i], &diff_ids[i]) {
                            Ok(size) => sizes.lock().unwrap_or_else(|p| p.into_inner())[i] = size,
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                failure
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .get_or_insert(e);
                            }
                        }
                    }
                });
            }
        });
        match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(e) => Err(e),
            None => Ok(sizes.into_inner().unwrap_or_else(|p| p.into_inner())),
        }
    }

    /// Makes sure one layer is unpacked in the store; returns its size.
    fn ensure_layer(
        &self,
        registry: &Registry,
        repository: &str,
        layer: &Descriptor,
        diff_id: &str,
    ) -> Result<u64> {
        let digest = layer.digest().to_string();
        if let Some(info) = self.store.layer_info(diff_id)? {
            self.progress.layer(&digest, LayerEvent::AlreadyExists);
            return Ok(info.size);
        }
        let _lock = self.store.layer_lock(diff_id)?;
        if let Some(info) = self.store.layer_info(diff_id)? {
            self.progress.layer(&digest, LayerEvent::AlreadyExists);
            return Ok(info.size);
        }
        let mut attempt = 1;
        loop {
            match self.download_layer(registry, repository, layer, diff_id) {
                Ok(size) => {
                    self.progress.layer(&digest, LayerEvent::Complete);
                    return Ok(size);
                }
                Err(LayerError::Transfer(e)) if attempt < LAYER_ATTEMPTS => {
                    attempt += 1;
                    drop(e);
                }
                Err(LayerError::Transfer(e) | LayerError::Other(e)) => {
                    return Err(e.context(format!("layer {digest}")));
                }
            }
        }
    }

    /// One streamed download + unpack of a layer.
    fn download_layer(
        &self,
        registry: &Registry,
        repository: &str,
        layer: &Descriptor,
        diff_id: &str,
    ) -> Result<u64, LayerError> {
        let digest = layer.digest().to_string();
        let total = layer.size();
        let response = registry
            .get(repository, &format!("blobs/{digest}"), None)
            .map_err(|e| match e {
                RegistryError::Unreachable(..) => LayerError::Transfer(e.into()),
                e => LayerError::Other(e.into()),
            })?;
        let body = response.into_body().into_reader();
        let transfer_failed = AtomicBool::new(false);
        let mut blob = self.store.blob_writer(Some(&digest))?;
        let source = Watched {
            // One byte past the announced size, so an over-long blob is
            // noticed by its digest check instead of being read forever.
            inner: body.take(total.saturating_add(1)),
            failed: &transfer_failed,
            done: 0,
            total,
            report: |done| {
                self.progress
                    .layer(&digest, LayerEvent::Downloading { done, total })
            },
        };
        let mut compressed = BufReader::with_capacity(
            1 << 20,
            Tee {
                inner: source,
                blob: &mut blob,
            },
        );
        let staged = self.store.stage_layer()?;
        let unpacked = (|| -> Result<(String, crate::archive::UnpackReport)> {
            let mut tar = HashingReader::new(decompressed(&mut compressed)?);
            let report = unpack_layer(
                &mut tar,
                &staged.diff_dir(),
                &UnpackOptions {
                    apply_owners: self.apply_owners,
                },
            )?;
            tar.drain()?;
            let (actual, _) = tar.finish();
            std::io::copy(&mut compressed, &mut std::io::sink())?;
            Ok((actual, report))
        })();
        let (actual_diff_id, report) = match unpacked {
            Ok(result) => result,
            Err(e) if transfer_failed.load(Ordering::Relaxed) => {
                return Err(LayerError::Transfer(e));
            }
            Err(e) => return Err(LayerError::Other(e)),
        };
        drop(compressed);
        if actual_diff_id != diff_id {
            return Err(LayerError::Other(anyhow::anyhow!(
                "uncompressed content does not match the image config (diff ID {diff_id}, got {actual_diff_id}); the layer was discarded"
            )));
        }
        blob.commit()?;
        let info = self
            .store
            .commit_layer(staged, diff_id, report.bytes, report.entries)?;
        if let Some(note) = report.skipped_note() {
            eprintln!("{note}");
        }
        Ok(info.size)
    }
}

struct FoundManifest {
    top_digest: String,
    bytes: Vec<u8>,
    manifest: ImageManifest,
}

/// A layer failure: `Transfer` is worth another try, `Other` is not.
enum LayerError {
    Transfer(anyhow::Error),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for LayerError {
    fn from(e: anyhow::Error) -> Self {
        LayerError::Other(e)
    }
}

/// The downloading end of a layer stream: reports progress and remembers
/// whether the network failed.
struct Watched<'a, R, F: Fn(u64)> {
    inner: R,
    failed: &'a AtomicBool,
    done: u64,
    total: u64,
    report: F,
}

impl<R: Read, F: Fn(u64)> Read for Watched<'_, R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self
            .inner
            .read(buf)
            .inspect_err(|_| self.failed.store(true, Ordering::Relaxed))?;
        let before = self.done;
        self.done += n as u64;
        // Report about every 512 KiB and at the end, not on every read.
        if self.done >> 19 != before >> 19 || (n > 0 && self.done >= self.total) {
            (self.report)(self.done.min(self.total));
        }
        Ok(n)
    }
}

fn get_manifest(
    registry: &Registry,
    repository: &str,
    reference: &str,
) -> Result<(Vec<u8>, Option<String>)> {
    Ok(registry.get_bytes(
        repository,
        &format!("manifests/{reference}"),
        Some(manifest::ACCEPT),
        manifest::MAX_MANIFEST_SIZE,
    )?)
}

/// The config's `rootfs.diff_ids`, which must match the manifest's layers.
fn diff_ids(config: &serde_json::Value, layer_count: usize) -> Result<Vec<String>> {
    let ids: Vec<String> = config["rootfs"]["diff_ids"]
        .as_array()
        .context("image config has no rootfs.diff_ids")?
        .iter()
        .map(|v| {
            let id = v
                .as_str()
                .context("image config has a non-string diff ID")?;
            crate::store::digest::sha256_hex(id)?;
            Ok(id.to_string())
        })
        .collect::<Result<_>>()?;
    if ids.len() != layer_count {
        bail!(
            "image config lists {} layers but the manifest has {layer_count}",
            ids.len()
        );
    }
    Ok(ids)
}

/// True when the error says the image is not on the registry.
pub fn is_not_found(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<RegistryError>(),
        Some(RegistryError::NotFound(_))
    )
}
