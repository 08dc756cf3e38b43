//! What a name shows and what a directory lists once the layers are
//! merged, by the kernel overlay's rules: the topmost entry wins; a
//! whiteout (a 0:0 character device, or an OCI `.wh.NAME` file in an
//! image layer) hides the name in the layers below it; a directory
//! merges with directories below it until one is opaque or something
//! that is not a directory is met.

use super::layers::{self, Layer, Layers, WHITEOUT_PREFIX};
use super::tree::Presence;
use rustix::fs::{FileType, Stat};
use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// The presence of the union's root directory: it merges every layer's
/// root, opaque or not, as with the kernel overlay (which never looks
/// the root up, so never asks whether it is opaque).
pub fn root(layers: &Layers) -> std::io::Result<(Presence, Stat)> {
    let top = layers
        .stat(Layer::Upper, b"")?
        .ok_or(std::io::ErrorKind::NotFound)?;
    let presence = Presence {
        lowers: (0..layers.lower_count()).collect(),
        ..Presence::upper_only(&top)
    };
    Ok((presence, top))
}

/// What `name` in the directory `parent` (at `parent_path`) shows, with
/// the attributes of its topmost entry; `None` when nothing does.
pub fn resolve(
    layers: &Layers,
    parent: &Presence,
    parent_path: &[u8],
    name: &OsStr,
) -> std::io::Result<Option<(Presence, Stat)>> {
    let path = layers::join(parent_path, name);
    let mut found: Option<(Presence, Stat)> = None;
    // Whether layers further down can still add to what was found.
    let mut merging = true;
    if parent.upper
        && let Some(st) = layers.stat(Layer::Upper, &path)?
    {
        if layers::is_whiteout(&st) {
            return Ok(None);
        }
        let presence = Presence::upper_only(&st);
        if !presence.dir || layers.is_opaque(Layer::Upper, &path)? {
            return Ok(Some((presence, st)));
        }
        found = Some((presence, st));
    }
    for &i in &parent.lowers {
        let layer = Layer::Lower(i);
        let Some(st) = layers.stat(layer, &path)? else {
            if layers.has_whiteout_file(layer, &path)? {
                break;
            }
            continue;
        };
        if layers::is_whiteout(&st) {
            break;
        }
        let dir = layers::is_dir(&st);
        match &mut found {
            None => {
                found = Some((
                    Presence {
                        dir,
                        upper: false,
                        lowers: vec![i],
                        real: (st.st_dev, st.st_ino),
                        linked_below: !dir && st.st_nlink > 1,
                        in_work: false,
                    },
                    st,
                ));
                merging = dir;
            }
            Some((presence, _)) => {
                if !(merging && dir) {
                    break;
                }
                presence.lowers.push(i);
                presence.real = (st.st_dev, st.st_ino);
            }
        }
        if !merging || is_last(layers, i) || layers.is_opaque(layer, &path)? {
            break;
        }
    }
    Ok(found)
}

/// Whether an image layer has something at `name` in `parent` that an
/// upper entry there hides (so removing that entry needs a whiteout).
pub fn shows_below(
    layers: &Layers,
    parent: &Presence,
    parent_path: &[u8],
    name: &OsStr,
) -> std::io::Result<bool> {
    let path = layers::join(parent_path, name);
    for &i in &parent.lowers {
        let layer = Layer::Lower(i);
        match layers.stat(layer, &path)? {
            Some(st) => return Ok(!layers::is_whiteout(&st)),
            None if layers.has_whiteout_file(layer, &path)? => return Ok(false),
            None => {}
        }
    }
    Ok(false)
}

fn is_last(layers: &Layers, i: u16) -> bool {
    i + 1 == layers.lower_count()
}

/// One name a merged directory lists, with the type of its topmost entry.
pub struct Listed {
    pub name: OsString,
    pub kind: FileType,
    /// The inode number of that entry in its layer.
    pub ino: u64,
}

/// The names the directory `dir` at `path` lists, in no promised order,
/// without `.` and `..`.
pub fn list(layers: &Layers, dir: &Presence, path: &[u8]) -> std::io::Result<Vec<Listed>> {
    let mut out = Vec::new();
    let mut seen: HashSet<OsString> = HashSet::new();
    let upper = dir.upper.then_some(Layer::Upper);
    let lowers = dir.lowers.iter().map(|&i| Layer::Lower(i));
    for layer in upper.into_iter().chain(lowers) {
        // A layer's whiteouts hide names below it, not beside it.
        let mut hidden = Vec::new();
        let fd = layers.open(
            layer,
            path,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY,
        )?;
        let mut entries = rustix::fs::Dir::read_from(&fd)?;
        while let Some(entry) = entries.read() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            if matches!(layer, Layer::Lower(_))
                && let Some(target) = name.strip_prefix(WHITEOUT_PREFIX)
            {
                hidden.push(OsStr::from_bytes(target).to_os_string());
                continue;
            }
            let name = OsStr::from_bytes(name);
            if seen.contains(name) {
                continue;
            }
            let mut kind = entry.file_type();
            if kind == FileType::Unknown || kind == FileType::CharacterDevice {
                let Some(st) = layers.stat(layer, &layers::join(path, name))? else {
                    continue;
                };
                if layers::is_whiteout(&st) {
                    hidden.push(name.to_os_string());
                    continue;
                }
                kind = FileType::from_raw_mode(st.st_mode);
            }
            seen.insert(name.to_os_string());
            out.push(Listed {
                name: name.to_os_string(),
                kind,
                ino: entry.ino(),
            });
        }
        seen.extend(hidden);
    }
    Ok(out)
}

/// How many subdirectories the directory lists (for its link count).
pub fn subdirectories(layers: &Layers, dir: &Presence, path: &[u8]) -> std::io::Result<u32> {
    Ok(list(layers, dir, path)?
        .iter()
        .filter(|l| l.kind == FileType::Directory)
        .count() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_merges_every_layer_even_an_opaque_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = |d: &str| tmp.path().join(d);
        for d in ["upper", "work", "top", "image"] {
            std::fs::create_dir(dir(d)).unwrap();
        }
        std::fs::write(dir("image/below"), b"x").unwrap();
        let opaque = crate::archive::OPAQUE_XATTR;
        rustix::fs::setxattr(dir("top"), opaque, b"y", rustix::fs::XattrFlags::empty()).unwrap();
        let layers =
            Layers::open_all(&dir("upper"), &dir("work"), &[dir("top"), dir("image")]).unwrap();
        let (root, _) = root(&layers).unwrap();
        assert_eq!(root.lowers, [0, 1]);
        let found = resolve(&layers, &root, b"", OsStr::new("below")).unwrap();
        assert!(found.is_some_and(|(p, _)| p.lowers == [1]));
    }
}
