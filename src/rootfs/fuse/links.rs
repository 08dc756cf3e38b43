//! Hard links of the image layers, kept through copy-up. A file that an
//! image layer holds under several names is one inode in the union; when
//! it is copied up through one name, the copy is linked at each other
//! name of it that the union still shows from that layer, so every name
//! goes on showing the same file (the kernel overlay, without its index,
//! breaks such links). The names of a layer's linked files are found by
//! one walk of the layer, on the first copy-up that needs them.

use super::copy_up;
use super::layers::{self, Layer, Layers};
use super::merge;
use super::tree::{Presence, ROOT};
use super::union::{Union, errno};
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags, RenameFlags};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::Mutex;

/// The paths of each file of one image layer that has more than one
/// name, by inode number.
type Linked = HashMap<u64, Vec<Vec<u8>>>;

/// The linked files of each image layer walked so far.
#[derive(Default)]
pub struct LinkGroups {
    by_layer: Mutex<HashMap<u16, Linked>>,
}

impl LinkGroups {
    /// Every path in the image layer `layer` of its file `ino`.
    pub fn names(&self, layers: &Layers, layer: u16, ino: u64) -> std::io::Result<Vec<Vec<u8>>> {
        let mut by_layer = self.by_layer.lock().unwrap_or_else(|e| e.into_inner());
        let linked = match by_layer.entry(layer) {
            Entry::Occupied(walked) => walked.into_mut(),
            Entry::Vacant(new) => new.insert(linked_files(layers, Layer::Lower(layer))?),
        };
        Ok(linked.get(&ino).cloned().unwrap_or_default())
    }
}

/// The linked files of `layer`. Image layers never change, so one walk
/// holds.
fn linked_files(layers: &Layers, layer: Layer) -> std::io::Result<Linked> {
    let mut groups = Linked::new();
    let mut directories = vec![Vec::new()];
    while let Some(dir) = directories.pop() {
        let fd = rustix::fs::openat(
            layers.fd(layer),
            layers::at(&dir),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        for entry in Dir::read_from(&fd)? {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let path = layers::join(&dir, OsStr::from_bytes(name));
            if entry.file_type() == FileType::Directory {
                directories.push(path);
                continue;
            }
            let st = rustix::fs::statat(&fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)?;
            if layers::is_dir(&st) {
                directories.push(path);
            } else if st.st_nlink > 1 {
                groups.entry(st.st_ino).or_default().push(path);
            }
        }
    }
    Ok(groups)
}

impl Union {
    /// The file `was` (of an image layer, with other names there) was
    /// just copied up to `path`: links the copy at each other name that
    /// still shows it. The caller holds the namespace for writing.
    pub(super) fn keep_links(&self, path: &[u8], was: &Presence) -> std::io::Result<()> {
        let Some(&layer) = was.lowers.first() else {
            return Ok(());
        };
        for other in self.links.names(&self.layers, layer, was.real.1)? {
            if other == path || !self.still_shows(&other, layer, was.real)? {
                continue;
            }
            self.copy_up_parents(&other)?;
            let staged = copy_up::link_into_work(&self.layers, path)?;
            copy_up::place_keeping_parent_times(
                &self.layers,
                &staged,
                &other,
                RenameFlags::NOREPLACE,
            )?;
        }
        Ok(())
    }

    /// Whether the union shows the file `real` of the image layer `layer`
    /// at `path` (no whiteout, upper entry or opaque directory hides it).
    fn still_shows(&self, path: &[u8], layer: u16, real: (u64, u64)) -> std::io::Result<bool> {
        let mut presence = self.root_presence()?;
        let mut dir = Vec::new();
        for name in path.split(|&b| b == b'/').map(OsStr::from_bytes) {
            if !presence.dir {
                return Ok(false);
            }
            match merge::resolve(&self.layers, &presence, &dir, name)? {
                Some((found, _)) => presence = found,
                None => return Ok(false),
            }
            dir = layers::join(&dir, name);
        }
        Ok(!presence.upper && presence.lowers.first() == Some(&layer) && presence.real == real)
    }

    /// Copies up each directory above `path`: through the inode table
    /// where the kernel knows it (so that its presence there follows),
    /// by path below the first directory it does not know.
    fn copy_up_parents(&self, path: &[u8]) -> std::io::Result<()> {
        let mut known = Some(ROOT);
        let mut presence = self.root_presence()?;
        let mut dir = Vec::new();
        for name in layers::split(path)
            .0
            .split(|&b| b == b'/')
            .map(OsStr::from_bytes)
        {
            if name.is_empty() {
                break;
            }
            let here = layers::join(&dir, name);
            known = known.and_then(|parent| self.tree().child(parent, name));
            presence = match known {
                Some(ino) => self.copy_up(ino)?.1,
                None => {
                    let (mut found, st) = merge::resolve(&self.layers, &presence, &dir, name)?
                        .ok_or_else(|| errno(libc::ENOENT))?;
                    if !found.upper {
                        copy_up::copy_up(&self.layers, found.top(), &here, &st)?;
                        found.upper = true;
                    }
                    found
                }
            };
            dir = here;
        }
        Ok(())
    }

    fn root_presence(&self) -> std::io::Result<Presence> {
        self.tree()
            .presence(ROOT)
            .cloned()
            .ok_or_else(|| errno(libc::EIO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::fs;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn copy_up_through_one_name_links_the_others_still_shown() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = |d: &str| tmp.path().join(d);
        for d in ["upper", "work", "top", "image/a", "image/b/c"] {
            fs::create_dir_all(dir(d)).unwrap();
        }
        fs::write(dir("image/a/f"), b"linked").unwrap();
        for other in ["b/c/g", "h", "hidden"] {
            fs::hard_link(dir("image/a/f"), dir("image").join(other)).unwrap();
        }
        // The top layer hides one name with an OCI whiteout.
        fs::write(dir("top/.wh.hidden"), b"").unwrap();
        let layers =
            Layers::open_all(&dir("upper"), &dir("work"), &[dir("top"), dir("image")]).unwrap();
        let union = Union::new(layers).unwrap();
        let find = |parent, name: &str| union.find(parent, OsStr::new(name)).unwrap().unwrap();
        let (a, _) = find(ROOT, "a");
        let (f, st) = find(a, "f");
        assert_eq!(st.st_nlink, 4);
        assert_eq!(find(ROOT, "h").0, f, "one inode for every name");
        {
            let _namespace = union.writing();
            union.copy_up(f).unwrap();
        }
        let ino = |p: &str| fs::symlink_metadata(dir("upper").join(p)).map(|m| m.ino());
        let copied = ino("a/f").unwrap();
        assert_eq!(ino("b/c/g").unwrap(), copied);
        assert_eq!(ino("h").unwrap(), copied);
        assert!(ino("hidden").is_err(), "a hidden name stays hidden");
        assert_eq!(fs::metadata(dir("upper/a/f")).unwrap().nlink(), 3);
        let (h, st) = find(ROOT, "h");
        assert_eq!((h, st.st_nlink), (f, 3));
        let (b, _) = find(ROOT, "b");
        let (c, _) = find(b, "c");
        assert_eq!(find(c, "g").0, f);
    }
}
