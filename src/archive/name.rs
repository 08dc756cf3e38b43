//! Entry names: turns the raw name of a tar entry into a clean path below
//! the layer root, or refuses it.
//!
//! Leading `/` and `./` are dropped, empty and `.` components are ignored,
//! and `..` is applied lexically; a `..` that would climb above the root is
//! refused ("path escapes the layer"). A name that ends up empty names the
//! layer root itself.

/// A normalised entry path: components with no `/`, NUL, `.` or `..`.
/// No components means the layer root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryPath {
    components: Vec<Vec<u8>>,
}

impl EntryPath {
    /// Normalises a raw entry name (or hardlink target).
    pub(crate) fn parse(raw: &[u8]) -> Result<EntryPath, &'static str> {
        if raw.contains(&0) {
            return Err("name contains a NUL byte");
        }
        let mut components: Vec<Vec<u8>> = Vec::new();
        for component in raw.split(|&b| b == b'/') {
            match component {
                b"" | b"." => {}
                b".." => {
                    if components.pop().is_none() {
                        return Err("path escapes the layer");
                    }
                }
                _ => components.push(component.to_vec()),
            }
        }
        Ok(EntryPath { components })
    }

    /// The same path below the directory `prefix` (one component; `None`
    /// leaves it where it is).
    pub(crate) fn under(mut self, prefix: Option<&[u8]>) -> EntryPath {
        if let Some(prefix) = prefix {
            self.components.insert(0, prefix.to_vec());
        }
        self
    }

    pub(crate) fn components(&self) -> &[Vec<u8>] {
        &self.components
    }

    /// The directory holding the entry (empty for the root and its children).
    pub(crate) fn parent(&self) -> &[Vec<u8>] {
        match self.components.split_last() {
            Some((_, parent)) => parent,
            None => &[],
        }
    }

    /// The last component; `None` for the root.
    pub(crate) fn file_name(&self) -> Option<&[u8]> {
        self.components.last().map(Vec::as_slice)
    }

    /// The path as `a/b/c` (empty for the root).
    pub(crate) fn joined(&self) -> Vec<u8> {
        join(&self.components)
    }
}

/// Joins components with `/`; the empty list gives `.` so that it can be
/// handed to a syscall as "this directory".
pub(crate) fn join_for_syscall(components: &[Vec<u8>]) -> Vec<u8> {
    if components.is_empty() {
        b".".to_vec()
    } else {
        join(components)
    }
}

fn join(components: &[Vec<u8>]) -> Vec<u8> {
    components.join(&b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(raw: &str) -> Result<String, &'static str> {
        EntryPath::parse(raw.as_bytes()).map(|p| String::from_utf8(p.joined()).unwrap())
    }

    #[test]
    fn normalises() {
        assert_eq!(norm("usr/bin/sh"), Ok("usr/bin/sh".into()));
        assert_eq!(norm("./usr/bin/"), Ok("usr/bin".into()));
        assert_eq!(norm("/etc/passwd"), Ok("etc/passwd".into()));
        assert_eq!(norm("//a//./b/."), Ok("a/b".into()));
        assert_eq!(norm("a/../b"), Ok("b".into()));
        assert_eq!(norm("./"), Ok("".into()));
        assert_eq!(norm("."), Ok("".into()));
        assert_eq!(norm("/"), Ok("".into()));
        assert_eq!(norm(""), Ok("".into()));
    }

    #[test]
    fn refuses_escapes_and_nul() {
        assert_eq!(norm("../etc/passwd"), Err("path escapes the layer"));
        assert_eq!(norm("a/../../b"), Err("path escapes the layer"));
        assert_eq!(norm("/.."), Err("path escapes the layer"));
        assert_eq!(norm("a\0b"), Err("name contains a NUL byte"));
    }

    #[test]
    fn splits() {
        let p = EntryPath::parse(b"a/b/c").unwrap();
        assert_eq!(p.parent(), &[b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(p.file_name(), Some(&b"c"[..]));
        assert_eq!(join_for_syscall(p.parent()), b"a/b");
        let root = EntryPath::parse(b"./").unwrap();
        assert!(root.components().is_empty());
        assert_eq!(root.file_name(), None);
        assert_eq!(join_for_syscall(root.parent()), b".");
    }
}
