//! Content-addressed blobs (manifests, configs, compressed layers) under
//! `blobs/sha256/`, written only after their digest has been verified.

use super::Store;
use super::digest::{Hasher, sha256_hex, sha256_of};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::PathBuf;

impl Store {
    /// The path of a blob; refuses malformed digests.
    pub fn blob_path(&self, digest: &str) -> Result<PathBuf> {
        Ok(self.root().join("blobs/sha256").join(sha256_hex(digest)?))
    }

    pub fn has_blob(&self, digest: &str) -> bool {
        self.blob_path(digest).is_ok_and(|p| p.exists())
    }

    pub fn read_blob(&self, digest: &str) -> Result<Vec<u8>> {
        let path = self.blob_path(digest)?;
        std::fs::read(&path).with_context(|| format!("blob {digest} is missing from the store"))
    }

    /// Stores `bytes` under `digest` after checking that they match it.
    pub fn write_blob(&self, digest: &str, bytes: &[u8]) -> Result<()> {
        let path = self.blob_path(digest)?;
        let actual = sha256_of(bytes);
        if actual != digest {
            bail!("content does not match its digest: expected {digest}, got {actual}");
        }
        if !path.exists() {
            super::atomic::write_file(&path, bytes, 0o644)?;
        }
        Ok(())
    }

    /// Starts writing a blob; `expected` is its digest when known in
    /// advance (a download), None when it is learnt at the end (an import).
    pub fn blob_writer(&self, expected: Option<&str>) -> Result<BlobWriter> {
        if let Some(digest) = expected {
            sha256_hex(digest)?;
        }
        let file = tempfile::Builder::new()
            .prefix("blob-")
            .tempfile_in(self.tmp_dir())
            .context("cannot create a temporary blob file")?;
        Ok(BlobWriter {
            file,
            hasher: Hasher::default(),
            expected: expected.map(str::to_string),
            store: self.clone(),
        })
    }
}

/// A blob being written; nothing is visible in the store until `commit`
/// has checked the digest.
pub struct BlobWriter {
    file: tempfile::NamedTempFile,
    hasher: Hasher,
    expected: Option<String>,
    store: Store,
}

impl BlobWriter {
    /// Checks the digest (when one was expected), moves the blob into
    /// place and returns its digest.
    pub fn commit(self) -> Result<String> {
        let actual = self.hasher.digest();
        if let Some(expected) = &self.expected
            && actual != *expected
        {
            bail!(
                "blob digest mismatch: expected {expected}, got {actual}; the download was discarded"
            );
        }
        self.file.as_file().sync_all()?;
        let path = self.store.blob_path(&actual)?;
        self.file
            .persist(&path)
            .with_context(|| format!("cannot store blob {actual}"))?;
        Ok(actual)
    }
}

/// Passes a stream on while copying every byte read into a blob.
pub struct Tee<'a, R> {
    pub inner: R,
    pub blob: &'a mut BlobWriter,
}

impl<R: std::io::Read> std::io::Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.blob.write_all(&buf[..n])?;
        Ok(n)
    }
}

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}
