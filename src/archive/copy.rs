//! Docker's `cp` path rules, on a filesystem reached through a root
//! directory fd (the host's `/`, or a container's root). Every path is
//! resolved with `openat2(RESOLVE_IN_ROOT)`, so a symlink in it, even to
//! `/` or `../../..`, stays inside that root.
//!
//! A copy travels as a short header saying what the source is, then a tar
//! stream rooted at `.`; the receiving side decides where it lands:
//! - a source `DIR/.` is the contents of DIR;
//! - into an existing directory, the copy keeps the source's name (or, for
//!   contents, each entry its own);
//! - otherwise it takes the destination's name in the destination's parent
//!   directory, which must exist: a directory cannot replace a file, and a
//!   file cannot become `DIR/`.
//!
//! Paths are cleaned lexically first (`..` applied to the text, never
//! above the root), as Docker does; a symlink as the last component of a
//! destination is followed, of a source only when asked (`-L`).

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use anyhow::{Context, Result, bail};
use rustix::fs::{Stat, readlinkat};
use rustix::io::Errno;

use super::confined;
use super::pack::{PackSource, pack};
use super::unpack::{CopyRules, UnpackOptions, UnpackReport, unpack_copy};

/// Symlinks followed in the last component before giving up.
const MAX_LINKS: usize = 10;
/// Longest name a header may carry.
const MAX_NAME: usize = 4096;

/// A path as given to `cp`, cleaned, with what its end asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPath {
    components: Vec<Vec<u8>>,
    trailing: Trailing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trailing {
    None,
    /// `DIR/`: must be a directory.
    Slash,
    /// `DIR/.`: the directory's contents.
    Dot,
}

impl CopyPath {
    /// Cleans `raw` as a path below the root (relative ones too).
    pub fn parse(raw: &[u8]) -> CopyPath {
        let trailing = if raw == b"." || raw.ends_with(b"/.") {
            Trailing::Dot
        } else if raw.ends_with(b"/") {
            Trailing::Slash
        } else {
            Trailing::None
        };
        let mut components = Vec::new();
        clean_into(&mut components, raw);
        CopyPath {
            components,
            trailing,
        }
    }

    /// Whether the path names a directory by its form (`/`, `DIR/.`).
    fn names_dir(&self) -> bool {
        self.components.is_empty() || self.trailing == Trailing::Dot
    }
}

/// Applies the components of `raw` to `components`, Go's `filepath.Clean`
/// style: `.` and empty ones vanish, `..` removes one (none at the root).
fn clean_into(components: &mut Vec<Vec<u8>>, raw: &[u8]) {
    for part in raw.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                components.pop();
            }
            _ => components.push(part.to_vec()),
        }
    }
}

/// What the source of a copy is, as the receiving side needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub is_dir: bool,
    /// Its name, or `.` for a directory's contents.
    pub base: Vec<u8>,
}

impl SourceInfo {
    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let len = u32::try_from(self.base.len()).map_err(io::Error::other)?;
        out.write_all(&[u8::from(self.is_dir)])?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&self.base)
    }

    /// Reads a header; refuses a name that is not one plain component.
    fn read_from(input: &mut impl Read) -> io::Result<SourceInfo> {
        let mut head = [0u8; 5];
        input.read_exact(&mut head)?;
        let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
        if len > MAX_NAME {
            return Err(io::Error::other("copy header too long"));
        }
        let mut base = vec![0; len];
        input.read_exact(&mut base)?;
        if base.is_empty() || base == b".." || base.contains(&b'/') || base.contains(&0) {
            return Err(io::Error::other("copy header names no file"));
        }
        Ok(SourceInfo {
            is_dir: head[0] != 0,
            base,
        })
    }
}

/// Opens the source `path` below `root`; `shown` names it in errors.
pub fn open_source(
    root: BorrowedFd<'_>,
    path: &CopyPath,
    follow: bool,
    shown: &str,
) -> Result<(PackSource, SourceInfo)> {
    if path.names_dir() || path.trailing == Trailing::Slash {
        let dir = confined::resolve_dir(root, &path.components).map_err(errno(shown))?;
        let base = match path.components.last() {
            Some(last) if path.trailing == Trailing::Slash => last.clone(),
            _ => b".".to_vec(),
        };
        let info = SourceInfo { is_dir: true, base };
        return Ok((PackSource { dir, name: None }, info));
    }
    let found = locate(root, &path.components, follow, shown)?;
    let st = found.stat.ok_or(Errno::NOENT).map_err(errno(shown))?;
    let info = SourceInfo {
        is_dir: confined::is_dir(&st),
        base: path.components.last().cloned().unwrap_or_default(),
    };
    let source = PackSource {
        dir: found.parent,
        name: Some(found.name),
    };
    Ok((source, info))
}

/// Sends the source: its header, then its tar stream rooted at `.`.
/// Returns the bytes of file data sent.
pub fn send(mut out: impl Write, source: &PackSource, info: &SourceInfo) -> io::Result<u64> {
    info.write_to(&mut out)?;
    pack(out, source, b".")
}

/// Receives a copy sent by [`send`] at the destination `path` below
/// `root`, by Docker's rules.
pub fn receive(
    mut input: impl Read,
    root: BorrowedFd<'_>,
    path: &CopyPath,
    opts: &UnpackOptions,
    shown: &str,
) -> Result<UnpackReport> {
    let info = SourceInfo::read_from(&mut input).context("the copy stream ended early")?;
    let (dir, prefix) = place(root, path, &info, shown)?;
    unpack_copy(input, dir, opts, CopyRules { prefix })
        .with_context(|| format!("cannot copy to {shown}"))
}

/// Extracts a plain tar stream (`cp -`) into the existing directory `path`
/// below `root`.
pub fn receive_archive(
    input: impl Read,
    root: BorrowedFd<'_>,
    path: &CopyPath,
    opts: &UnpackOptions,
    shown: &str,
) -> Result<UnpackReport> {
    let found = locate(root, &path.components, true, shown)?;
    let dir = match found.stat {
        Some(st) if confined::is_dir(&st) => {
            confined::open_subdir(found.parent.as_fd(), &found.name).map_err(errno(shown))?
        }
        _ => bail!("the destination {shown} must be a directory"),
    };
    unpack_copy(input, dir, opts, CopyRules::default())
        .with_context(|| format!("cannot extract into {shown}"))
}

/// Where a copy of `info` lands: the directory to extract into and the
/// name the copy takes there (`None`: the entries keep their own names).
fn place(
    root: BorrowedFd<'_>,
    path: &CopyPath,
    info: &SourceInfo,
    shown: &str,
) -> Result<(OwnedFd, Option<Vec<u8>>)> {
    let keep_name = (info.base != b".").then(|| info.base.clone());
    if path.names_dir() {
        let dir = match confined::resolve_dir(root, &path.components) {
            Err(Errno::NOENT) => bail!("the destination directory {shown} does not exist"),
            other => other.map_err(errno(shown))?,
        };
        return Ok((dir, keep_name));
    }
    let found = locate(root, &path.components, true, shown)?;
    match found.stat {
        Some(st) if confined::is_dir(&st) => {
            let dir =
                confined::open_subdir(found.parent.as_fd(), &found.name).map_err(errno(shown))?;
            Ok((dir, keep_name))
        }
        Some(_) if info.is_dir => bail!("cannot copy a directory onto the file {shown}"),
        Some(_) if path.trailing == Trailing::Slash => bail!("{shown}: not a directory"),
        None if !info.is_dir && path.trailing == Trailing::Slash => {
            bail!("the destination directory {shown} does not exist")
        }
        _ => Ok((found.parent, Some(found.name))),
    }
}

/// The last component of a path, in its resolved parent directory.
struct Found {
    parent: OwnedFd,
    name: Vec<u8>,
    /// `None` when nothing is there.
    stat: Option<Stat>,
}

/// Resolves the parent of `components` below `root` and looks at the last
/// component; a symlink there is followed (up to [`MAX_LINKS`] times,
/// still below the root) when `follow` is set.
fn locate(
    root: BorrowedFd<'_>,
    components: &[Vec<u8>],
    follow: bool,
    shown: &str,
) -> Result<Found> {
    let mut components = components.to_vec();
    for _ in 0..=MAX_LINKS {
        let Some((name, parent)) = components.split_last() else {
            let parent = confined::resolve_dir(root, &[]).map_err(errno(shown))?;
            let stat = confined::lstat_at(parent.as_fd(), b".").map_err(errno(shown))?;
            let name = b".".to_vec();
            return Ok(Found { parent, name, stat });
        };
        let dir = confined::resolve_dir(root, parent).map_err(errno(shown))?;
        let stat = confined::lstat_at(dir.as_fd(), name).map_err(errno(shown))?;
        let is_link = stat.is_some_and(|st| {
            rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Symlink
        });
        if !(follow && is_link) {
            let name = name.clone();
            return Ok(Found {
                parent: dir,
                name,
                stat,
            });
        }
        let target = readlinkat(dir.as_fd(), &name[..], Vec::new()).map_err(errno(shown))?;
        let target = target.as_bytes();
        let mut next = if target.starts_with(b"/") {
            Vec::new()
        } else {
            parent.to_vec()
        };
        clean_into(&mut next, target);
        components = next;
    }
    bail!("{shown}: too many levels of symbolic links")
}

/// An error of the filesystem at `shown`, in words.
fn errno(shown: &str) -> impl Fn(Errno) -> anyhow::Error + '_ {
    move |e| match e {
        Errno::NOENT => anyhow::anyhow!("could not find {shown}: no such file or directory"),
        Errno::NOTDIR => anyhow::anyhow!("{shown}: not a directory"),
        other => anyhow::anyhow!("{shown}: {}", io::Error::from(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> (Vec<String>, Trailing) {
        let p = CopyPath::parse(raw.as_bytes());
        let parts = p
            .components
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        (parts, p.trailing)
    }

    #[test]
    fn paths_are_cleaned_like_docker() {
        assert_eq!(
            parsed("/etc/hostname"),
            (vec!["etc".into(), "hostname".into()], Trailing::None)
        );
        assert_eq!(
            parsed("etc//./x/"),
            (vec!["etc".into(), "x".into()], Trailing::Slash)
        );
        assert_eq!(parsed("/srv/."), (vec!["srv".into()], Trailing::Dot));
        assert_eq!(parsed("../../etc"), (vec!["etc".into()], Trailing::None));
        assert_eq!(parsed(""), (vec![], Trailing::None));
        assert_eq!(parsed("/"), (vec![], Trailing::Slash));
    }

    #[test]
    fn headers_round_trip_and_refuse_bad_names() {
        let info = SourceInfo {
            is_dir: true,
            base: b"srv".to_vec(),
        };
        let mut bytes = Vec::new();
        info.write_to(&mut bytes).unwrap();
        assert_eq!(SourceInfo::read_from(&mut &bytes[..]).unwrap(), info);
        for bad in [&b".."[..], b"a/b", b""] {
            let mut bytes = Vec::new();
            SourceInfo {
                is_dir: false,
                base: bad.to_vec(),
            }
            .write_to(&mut bytes)
            .unwrap();
            assert!(SourceInfo::read_from(&mut &bytes[..]).is_err());
        }
    }
}
