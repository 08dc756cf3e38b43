//! OCI whiteouts: recognising `.wh.` names in a layer. Conversion to the
//! kernel overlay format (a 0:0 character device for a removed name, the
//! `user.overlay.opaque` xattr for an opaque directory) happens in `unpack`.

use super::name::EntryPath;

/// Prefix of a whiteout file name.
const PREFIX: &[u8] = b".wh.";
/// Prefix of whiteout metadata names (aufs `.wh..wh.plnk`, `.wh..wh.aufs`, ...).
const META_PREFIX: &[u8] = b".wh..wh.";
/// Marks its directory opaque.
const OPAQUE: &[u8] = b".wh..wh..opq";

/// The xattr that makes a directory opaque to the layers below (unprivileged
/// overlay uses the `user.overlay.` namespace).
pub(crate) const OPAQUE_XATTR: &str = "user.overlay.opaque";

/// What an entry name means in whiteout terms.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Whiteout<'a> {
    /// An ordinary entry.
    None,
    /// `dir/.wh..wh..opq`: the parent directory is opaque.
    Opaque,
    /// `dir/.wh.NAME`: `dir/NAME` is removed.
    Remove(&'a [u8]),
    /// Other whiteout metadata (`.wh..wh.*` anywhere in the path): skipped.
    Ignored,
    /// `.wh.` with nothing usable after it.
    Invalid,
}

pub(crate) fn classify(path: &EntryPath) -> Whiteout<'_> {
    let Some(name) = path.file_name() else {
        return Whiteout::None;
    };
    if path.parent().iter().any(|c| c.starts_with(META_PREFIX)) {
        return Whiteout::Ignored;
    }
    if name == OPAQUE {
        return Whiteout::Opaque;
    }
    if name.starts_with(META_PREFIX) {
        return Whiteout::Ignored;
    }
    match name.strip_prefix(PREFIX) {
        None => Whiteout::None,
        Some(b"" | b"." | b"..") => Whiteout::Invalid,
        Some(target) => Whiteout::Remove(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(raw: &str) -> Whiteout<'static> {
        let path = Box::leak(Box::new(EntryPath::parse(raw.as_bytes()).unwrap()));
        classify(path)
    }

    #[test]
    fn classifies() {
        assert_eq!(of("etc/passwd"), Whiteout::None);
        assert_eq!(of("./"), Whiteout::None);
        assert_eq!(of("etc/.wh.passwd"), Whiteout::Remove(b"passwd"));
        assert_eq!(of(".wh.etc"), Whiteout::Remove(b"etc"));
        assert_eq!(of("etc/.wh..wh..opq"), Whiteout::Opaque);
        assert_eq!(of(".wh..wh..opq"), Whiteout::Opaque);
        assert_eq!(of(".wh..wh.plnk"), Whiteout::Ignored);
        assert_eq!(of(".wh..wh.plnk/123.456"), Whiteout::Ignored);
        assert_eq!(of("a/.wh."), Whiteout::Invalid);
        assert_eq!(of("a/.wh.."), Whiteout::Invalid);
        assert_eq!(of("a/.wh..."), Whiteout::Invalid);
        assert_eq!(of("a/.wh.b/c"), Whiteout::None);
    }
}
