//! An entry's metadata as its tar header and PAX records give it: mode,
//! owners (refusing ids the kernel cannot take), times with PAX's
//! fractional seconds, extended attributes, device numbers.

use std::io::Read;

use rustix::fs::{Gid, Timespec, Uid, makedev};

use super::error::UnpackError;
use super::unpack::Named;

/// Metadata of one entry, read from its header and PAX records.
pub(super) struct Meta {
    pub(super) mode: u32,
    pub(super) uid: Uid,
    pub(super) gid: Gid,
    pub(super) mtime: Timespec,
    pub(super) xattrs: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A numeric header field; an empty one (all NUL or spaces, as some
/// writers leave it) reads as 0, as GNU tar reads it.
fn numeric(raw: &[u8], parsed: std::io::Result<u64>) -> Option<u64> {
    parsed
        .ok()
        .or_else(|| raw.iter().all(|b| *b == 0 || *b == b' ').then_some(0))
}

pub(super) fn read_meta<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    named: &Named<'_>,
) -> Result<Meta, UnpackError> {
    let header = entry.header();
    let old = header.as_old();
    let bad = |field: &str| named.invalid(format!("malformed {field} in header"));
    let mode =
        numeric(&old.mode, header.mode().map(u64::from)).ok_or_else(|| bad("mode"))? & 0o7777;
    let mut uid = numeric(&old.uid, header.uid()).ok_or_else(|| bad("uid"))?;
    let mut gid = numeric(&old.gid, header.gid()).ok_or_else(|| bad("gid"))?;
    let header_mtime = numeric(&old.mtime, header.mtime()).ok_or_else(|| bad("mtime"))?;
    let mut mtime = Timespec {
        tv_sec: i64::try_from(header_mtime).map_err(|_| named.invalid("mtime out of range"))?,
        tv_nsec: 0,
    };
    let mut xattrs = Vec::new();
    if let Some(pax) = entry
        .pax_extensions()
        .map_err(|e| UnpackError::io(named.shown, "reading PAX records", e))?
    {
        for record in pax {
            let record = record.map_err(|_| named.invalid("malformed PAX record"))?;
            let key = record.key_bytes();
            if key == b"mtime" {
                mtime = parse_pax_time(record.value_bytes())
                    .ok_or_else(|| named.invalid("malformed PAX mtime"))?;
            } else if key == b"uid" || key == b"gid" {
                let id = std::str::from_utf8(record.value_bytes())
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| named.invalid("malformed PAX owner"))?;
                *(if key == b"uid" { &mut uid } else { &mut gid }) = id;
            } else if let Some(name) = key.strip_prefix(b"SCHILY.xattr.") {
                if name.contains(&0) {
                    return Err(named.invalid("xattr name contains a NUL byte"));
                }
                xattrs.push((name.to_vec(), record.value_bytes().to_vec()));
            }
        }
    }
    let uid = id_from(uid).ok_or_else(|| named.invalid("uid out of range"))?;
    let gid = id_from(gid).ok_or_else(|| named.invalid("gid out of range"))?;
    Ok(Meta {
        mode: mode as u32,
        uid: Uid::from_raw(uid),
        gid: Gid::from_raw(gid),
        mtime,
        xattrs,
    })
}

/// A tar uid/gid as a kernel id; `-1` (no change) and wider values are refused.
fn id_from(raw: u64) -> Option<u32> {
    u32::try_from(raw).ok().filter(|&id| id != u32::MAX)
}

/// Parses a PAX time, `SECONDS[.FRACTION]`, possibly negative.
fn parse_pax_time(value: &[u8]) -> Option<Timespec> {
    let text = std::str::from_utf8(value).ok()?;
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (secs, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if secs.is_empty()
        || !secs.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut secs: i64 = secs.parse().ok()?;
    let mut nanos: i64 = 0;
    for (i, digit) in frac.bytes().take(9).enumerate() {
        nanos += i64::from(digit - b'0') * 10i64.pow(8 - i as u32);
    }
    if negative {
        secs = -secs;
        if nanos > 0 {
            secs -= 1;
            nanos = 1_000_000_000 - nanos;
        }
    }
    Some(Timespec {
        tv_sec: secs,
        tv_nsec: nanos,
    })
}

pub(super) fn device_number<R: Read>(
    entry: &tar::Entry<'_, R>,
    named: &Named<'_>,
) -> Result<rustix::fs::Dev, UnpackError> {
    let header = entry.header();
    let major = header
        .device_major()
        .map_err(|_| named.invalid("malformed device major"))?;
    let minor = header
        .device_minor()
        .map_err(|_| named.invalid("malformed device minor"))?;
    Ok(makedev(major.unwrap_or(0), minor.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_times() {
        let t = |s: &str| parse_pax_time(s.as_bytes()).map(|t| (t.tv_sec, t.tv_nsec));
        assert_eq!(t("1700000000"), Some((1_700_000_000, 0)));
        assert_eq!(t("1700000000.5"), Some((1_700_000_000, 500_000_000)));
        assert_eq!(t("1.1234567899"), Some((1, 123_456_789)));
        assert_eq!(t("-1.25"), Some((-2, 750_000_000)));
        assert_eq!(t(""), None);
        assert_eq!(t("1e9"), None);
        assert_eq!(t("99999999999999999999"), None);
    }

    #[test]
    fn ids() {
        assert_eq!(id_from(0), Some(0));
        assert_eq!(id_from(65534), Some(65534));
        assert_eq!(id_from(u64::from(u32::MAX)), None);
        assert_eq!(id_from(1 << 40), None);
    }
}
