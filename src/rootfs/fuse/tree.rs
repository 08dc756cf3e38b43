//! The inodes the kernel knows of, by number, with where each one's
//! content lives in the layers and the names it is known by.
//!
//! An inode's number is its `st_ino`, and stays the same across lookups:
//! for a directory, the inode number of the bottommost layer directory
//! it merges (so copying it up or adding to it keeps the number); for
//! anything else, the inode number of the file it shows (so hard links
//! share it). All layers live on one filesystem, so these do not
//! collide; where a number is taken already by an inode that now shows
//! another file (a hard-linked file was copied up through one name), a
//! number from a range real filesystems do not reach is used instead.

use super::layers::{self, Layer};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};

/// The kernel's number of an inode.
pub type Ino = u64;
/// The root directory's number in the FUSE protocol.
pub const ROOT: Ino = 1;
/// Numbers from here on are handed out when the file's own is taken.
const SPARE_NUMBERS: Ino = 1 << 62;

/// Where a name's content lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub dir: bool,
    /// Its topmost entry is in `upper/`.
    pub upper: bool,
    /// The image layers (top first) that it shows: for a directory,
    /// every one whose directory it merges; for anything else, the one it
    /// shows when it is not in `upper/`.
    pub lowers: Vec<u16>,
    /// `(st_dev, st_ino)` of the file it shows (of the bottommost
    /// directory for a directory).
    pub real: (u64, u64),
    /// A file of an image layer that has other names there: copying it
    /// up links the copy at those names too (see `links`).
    pub linked_below: bool,
    /// Removed while known: its entry is kept in `work/`.
    pub in_work: bool,
}

/// Where the content of a file removed while the kernel still knows it
/// (open, say) lives until it is forgotten: a name in `work/`, or its
/// old path in its image layer (which never changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub layer: Layer,
    pub path: Vec<u8>,
}

impl Presence {
    /// An entry of `upper/` alone, whose `lstat` is `st`.
    pub fn upper_only(st: &rustix::fs::Stat) -> Presence {
        Presence {
            dir: layers::is_dir(st),
            upper: true,
            lowers: Vec::new(),
            real: (st.st_dev, st.st_ino),
            linked_below: false,
            in_work: false,
        }
    }

    /// The layer whose entry shows (its attributes are those of the name);
    /// not for an orphan, whose [`Orphan`] says.
    pub fn top(&self) -> Layer {
        if self.in_work {
            return Layer::Work;
        }
        match (self.upper, self.lowers.first()) {
            (false, Some(&i)) => Layer::Lower(i),
            _ => Layer::Upper,
        }
    }

    /// Whether a directory merges more than one layer directory (its
    /// link count must then be counted).
    pub fn merged(&self) -> bool {
        self.dir && self.lowers.len() + usize::from(self.upper) > 1
    }
}

struct Node {
    /// `(parent, name)` pairs it is known by; the first is used for paths.
    names: Vec<(Ino, OsString)>,
    presence: Presence,
    lookups: u64,
    orphan: Option<Orphan>,
}

/// The inode table.
pub struct Tree {
    nodes: HashMap<Ino, Node>,
    by_real: HashMap<(u64, u64), Ino>,
    by_name: HashMap<(Ino, OsString), Ino>,
    next_spare: Ino,
}

impl Tree {
    pub fn new(root: Presence) -> Tree {
        let mut nodes = HashMap::new();
        nodes.insert(
            ROOT,
            Node {
                names: Vec::new(),
                presence: root,
                lookups: 1,
                orphan: None,
            },
        );
        Tree {
            nodes,
            by_real: HashMap::new(),
            by_name: HashMap::new(),
            next_spare: SPARE_NUMBERS,
        }
    }

    pub fn presence(&self, ino: Ino) -> Option<&Presence> {
        self.nodes.get(&ino).map(|n| &n.presence)
    }

    /// The inode's path from the root, through the first of its names
    /// whose parents are all still known; `None` for an unknown inode or
    /// one without a name left (removed while open).
    pub fn path(&self, ino: Ino) -> Option<Vec<u8>> {
        if ino == ROOT {
            return Some(Vec::new());
        }
        let node = self.nodes.get(&ino)?;
        node.names.iter().find_map(|(parent, name)| {
            let dir = self.path(*parent)?;
            Some(layers::join(&dir, name))
        })
    }

    /// The directory holding the inode's first name.
    pub fn parent(&self, ino: Ino) -> Option<Ino> {
        self.nodes
            .get(&ino)?
            .names
            .first()
            .map(|(parent, _)| *parent)
    }

    /// The inode's path and where it lives.
    pub fn locate(&self, ino: Ino) -> Option<(Vec<u8>, Presence)> {
        Some((self.path(ino)?, self.presence(ino)?.clone()))
    }

    /// Where a file removed while known lives.
    pub fn orphan(&self, ino: Ino) -> Option<Orphan> {
        self.nodes.get(&ino)?.orphan.clone()
    }

    /// Whether the kernel knows `ino` by no name but `name` in `parent`.
    pub fn known_only_as(&self, ino: Ino, parent: Ino, name: &OsStr) -> bool {
        self.nodes.get(&ino).is_some_and(|node| {
            node.names
                .iter()
                .all(|(p, n)| *p == parent && n.as_os_str() == name)
        })
    }

    /// The file `ino` lost its last name; its content is at `orphan`.
    pub fn set_orphan(&mut self, ino: Ino, orphan: Orphan) {
        if let Some(node) = self.nodes.get_mut(&ino) {
            node.orphan = Some(orphan);
        }
    }

    /// The name `name` in `parent` was looked up and found as `presence`:
    /// returns its inode number, counting one more lookup, and where the
    /// file lived if it was an orphan (it has a name after all: another
    /// link the kernel had not looked up).
    pub fn remember(
        &mut self,
        parent: Ino,
        name: &OsStr,
        presence: Presence,
    ) -> (Ino, Option<Orphan>) {
        let known = (parent, name.to_os_string());
        let ino = match self.shared(&presence) {
            Some(ino) => ino,
            None => {
                let ino = self.new_number(&presence);
                if ino >= SPARE_NUMBERS {
                    self.next_spare = ino;
                }
                self.by_real.insert(presence.real, ino);
                ino
            }
        };
        self.forget_name(parent, name);
        let node = self.nodes.entry(ino).or_insert_with(|| Node {
            names: Vec::new(),
            presence: presence.clone(),
            lookups: 0,
            orphan: None,
        });
        let was_orphan = node.orphan.take();
        node.lookups += 1;
        node.presence = presence;
        node.names.insert(0, known.clone());
        self.by_name.insert(known, ino);
        (ino, was_orphan)
    }

    /// The number `remember` would give (without remembering).
    pub fn number_for(&self, presence: &Presence) -> Ino {
        self.shared(presence)
            .unwrap_or_else(|| self.new_number(presence))
    }

    /// The known inode that `name` in `parent`, showing `presence`, is.
    fn shared(&self, presence: &Presence) -> Option<Ino> {
        self.by_real.get(&presence.real).copied()
    }

    /// A number for a new inode: the file's own, unless it is taken.
    fn new_number(&self, presence: &Presence) -> Ino {
        let own = presence.real.1;
        if own > ROOT && own < SPARE_NUMBERS && !self.nodes.contains_key(&own) {
            own
        } else {
            self.next_spare + 1
        }
    }

    /// The kernel forgot `count` lookups of `ino`; returns where an
    /// orphan so forgotten lived, for its content to go.
    pub fn forget(&mut self, ino: Ino, count: u64) -> Option<Orphan> {
        let node = self.nodes.get_mut(&ino)?;
        node.lookups = node.lookups.saturating_sub(count);
        if node.lookups == 0 && ino != ROOT {
            let node = self.nodes.remove(&ino).expect("node present");
            if self.by_real.get(&node.presence.real) == Some(&ino) {
                self.by_real.remove(&node.presence.real);
            }
            for name in node.names {
                if self.by_name.get(&name) == Some(&ino) {
                    self.by_name.remove(&name);
                }
            }
            return node.orphan;
        }
        None
    }

    /// The inode's content moved (copied up, or its upper entry replaced).
    pub fn set_presence(&mut self, ino: Ino, presence: Presence) {
        let Some(node) = self.nodes.get_mut(&ino) else {
            return;
        };
        if self.by_real.get(&node.presence.real) == Some(&ino) {
            self.by_real.remove(&node.presence.real);
        }
        self.by_real.entry(presence.real).or_insert(ino);
        node.presence = presence;
    }

    /// `name` in `parent` is gone: no inode is known by it any more.
    pub fn forget_name(&mut self, parent: Ino, name: &OsStr) {
        let known = (parent, name.to_os_string());
        if let Some(ino) = self.by_name.remove(&known)
            && let Some(node) = self.nodes.get_mut(&ino)
        {
            node.names.retain(|n| *n != known);
        }
    }

    /// The inode known by `name` in `parent`, if the kernel knows one.
    pub fn child(&self, parent: Ino, name: &OsStr) -> Option<Ino> {
        self.by_name.get(&(parent, name.to_os_string())).copied()
    }

    /// `ino`, known as `from`, is now known as `to` (a rename).
    pub fn rename(&mut self, ino: Ino, from: (Ino, &OsStr), to: (Ino, &OsStr)) {
        self.forget_name(from.0, from.1);
        self.forget_name(to.0, to.1);
        if let Some(node) = self.nodes.get_mut(&ino) {
            node.names.insert(0, (to.0, to.1.to_os_string()));
            self.by_name.insert((to.0, to.1.to_os_string()), ino);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(real: u64) -> Presence {
        Presence {
            dir: false,
            upper: false,
            lowers: vec![0],
            real: (1, real),
            linked_below: false,
            in_work: false,
        }
    }

    #[test]
    fn numbers_paths_and_hard_links() {
        let mut tree = Tree::new(Presence {
            dir: true,
            upper: true,
            lowers: vec![0],
            real: (1, 2),
            linked_below: false,
            in_work: false,
        });
        let dir = tree
            .remember(
                ROOT,
                OsStr::new("etc"),
                Presence {
                    dir: true,
                    ..file(50)
                },
            )
            .0;
        assert_eq!(dir, 50);
        let a = tree.remember(dir, OsStr::new("a"), file(60)).0;
        let b = tree.remember(ROOT, OsStr::new("b"), file(60)).0;
        assert_eq!((a, b), (60, 60), "hard links share a number");
        assert_eq!(tree.path(a).unwrap(), b"b");
        tree.forget_name(ROOT, OsStr::new("b"));
        assert_eq!(tree.path(a).unwrap(), b"etc/a");
        // Copied up through one name: the other name keeps showing the
        // lower file, under a spare number.
        tree.set_presence(
            a,
            Presence {
                upper: true,
                ..file(70)
            },
        );
        let lower_again = tree.remember(ROOT, OsStr::new("c"), file(60)).0;
        assert!(lower_again > SPARE_NUMBERS, "{lower_again}");
        // Names of a file linked in an image layer are one inode.
        let linked = Presence {
            linked_below: true,
            in_work: false,
            ..file(80)
        };
        let first = tree.remember(ROOT, OsStr::new("l1"), linked.clone()).0;
        let second = tree.remember(ROOT, OsStr::new("l2"), linked.clone()).0;
        assert_eq!((first, second), (80, 80));
        tree.rename(a, (dir, OsStr::new("a")), (ROOT, OsStr::new("d")));
        assert_eq!(tree.path(a).unwrap(), b"d");
        tree.forget(a, 2);
        assert!(tree.presence(a).is_none());
        assert_eq!(tree.remember(ROOT, OsStr::new("d"), file(70)).0, 70);
    }
}
