//! Content digests (`sha256:<hex>`): computing them, checking their shape,
//! and hashing a stream while it is read.

use sha2::{Digest as _, Sha256};
use std::io::{self, Read};

/// `sha256:<hex>` of `bytes`.
pub fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The hex part of a well-formed `sha256:<64 hex>` digest, or an error
/// naming it: digests come from registries and are untrusted.
pub fn sha256_hex(digest: &str) -> anyhow::Result<&str> {
    digest
        .strip_prefix("sha256:")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .ok_or_else(|| {
            anyhow::anyhow!("unsupported or malformed digest {digest:?} (rpod handles sha256)")
        })
}

/// An incremental sha256 that ends in a `sha256:<hex>` digest.
#[derive(Default, Clone)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn digest(self) -> String {
        format!("sha256:{}", hex(&self.0.finalize()))
    }
}

/// Wraps a reader and hashes every byte read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Hasher::default(),
            count: 0,
        }
    }

    /// Reads what is left so the digest covers the whole stream.
    pub fn drain(&mut self) -> io::Result<()> {
        io::copy(self, &mut io::sink()).map(drop)
    }

    /// Bytes read so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The digest of everything read, and the inner reader.
    pub fn finish(self) -> (String, R) {
        (self.hasher.digest(), self.inner)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

impl<R: io::BufRead> io::BufRead for HashingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amount = amount.min(buf.len());
            self.hasher.update(&buf[..amount]);
            self.count += amount as u64;
            self.inner.consume(amount);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn digests() {
        assert_eq!(sha256_of(b""), EMPTY);
        let mut r = HashingReader::new(&b"abc"[..]);
        r.drain().unwrap();
        assert_eq!(r.count(), 3);
        assert_eq!(r.finish().0, sha256_of(b"abc"));
        assert!(sha256_hex(EMPTY).is_ok());
        assert!(sha256_hex("sha256:../../etc").is_err());
        assert!(sha256_hex("md5:00").is_err());
    }

    #[test]
    fn bufread_path_hashes_consumed_bytes() {
        use std::io::BufRead;
        let mut r = HashingReader::new(io::BufReader::new(&b"hello world"[..]));
        let n = r.fill_buf().unwrap().len();
        r.consume(n);
        assert_eq!(r.finish().0, sha256_of(b"hello world"));
    }
}
