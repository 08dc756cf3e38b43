//! Layer compression: recognises gzip, zstd or an uncompressed tar stream by
//! its first bytes and returns a reader of the plain tar stream.

use std::io::{self, BufRead, Cursor, Read};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Detects gzip (`1f 8b`), zstd (`28 b5 2f fd`) or plain tar by magic bytes
/// and returns a reader of the tar stream.
///
/// Gzip streams may have several members (as `pigz` writes them); zstd
/// streams may have several frames. Anything else is passed through as is
/// and left for the tar reader to judge.
pub fn decompressed<'a, R: BufRead + Send + 'a>(
    mut reader: R,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    // Read (not peek) the magic: `fill_buf` may legitimately return fewer
    // bytes than exist, so collect up to four and put them back in front.
    let mut magic = [0u8; 4];
    let mut len = 0;
    while len < magic.len() {
        match reader.read(&mut magic[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = &magic[..len];
    let kind = Kind::of(head);
    let stream = Cursor::new(head.to_vec()).chain(reader);
    Ok(match kind {
        Kind::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(stream)),
        Kind::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(stream)?),
        Kind::Plain => Box::new(stream),
    })
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Gzip,
    Zstd,
    Plain,
}

impl Kind {
    fn of(head: &[u8]) -> Kind {
        if head.starts_with(&GZIP_MAGIC) {
            Kind::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) {
            Kind::Zstd
        } else {
            Kind::Plain
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Write};

    /// A reader that hands out one byte per call, like a slow socket.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(slot)) => {
                    *slot = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn payload() -> Vec<u8> {
        (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect()
    }

    fn read_all(r: impl BufRead + Send) -> Vec<u8> {
        let mut out = Vec::new();
        decompressed(r)
            .and_then(|mut d| d.read_to_end(&mut out))
            .map(|_| out)
            .unwrap_or_else(|e| panic!("decompressing: {e}"))
    }

    #[test]
    fn gzip_round_trip() {
        let data = payload();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&data).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(&gz[..2], &GZIP_MAGIC);
        assert_eq!(read_all(&gz[..]), data);
        assert_eq!(read_all(BufReader::with_capacity(1, Trickle(&gz))), data);
    }

    #[test]
    fn gzip_multi_member() {
        let mut gz = Vec::new();
        for part in [&b"hello "[..], b"world"] {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(part).unwrap();
            gz.extend(enc.finish().unwrap());
        }
        assert_eq!(read_all(&gz[..]), b"hello world");
    }

    #[test]
    fn zstd_round_trip() {
        let data = payload();
        let zst = zstd::encode_all(&data[..], 3).unwrap();
        assert_eq!(&zst[..4], &ZSTD_MAGIC);
        assert_eq!(read_all(&zst[..]), data);
        assert_eq!(read_all(BufReader::with_capacity(1, Trickle(&zst))), data);
    }

    #[test]
    fn plain_and_short_inputs_pass_through() {
        assert_eq!(read_all(&b""[..]), b"");
        assert_eq!(read_all(&b"\x1f"[..]), b"\x1f");
        assert_eq!(read_all(&b"\x28\xb5\x2f"[..]), b"\x28\xb5\x2f");
        let tarish = vec![b'a'; 1024];
        assert_eq!(read_all(&tarish[..]), tarish);
    }
}
