//! Renaming in the union: the source copied up (a directory with
//! content in image layers copied up whole, which the kernel overlay
//! refuses with `EXDEV`), a file the new name replaces kept while the
//! kernel still knows it, and a whiteout left where an image layer has
//! something under the old name.

use super::copy_up::link_into_work;
use super::layers::{self, Layer};
use super::merge;
use super::tree::{Ino, Orphan, Presence};
use super::union::{Union, component, errno, mark_opaque};
use rustix::fs::{RenameFlags, Stat};
use std::ffi::OsStr;
use std::io::Result;

impl Union {
    /// Renames `name` in `parent` to `new_name` in `new_parent`. A
    /// directory with content in image layers is copied up whole first
    /// (the kernel overlay refuses such a rename with `EXDEV`).
    pub fn move_entry(
        &self,
        parent: Ino,
        name: &OsStr,
        new_parent: Ino,
        new_name: &OsStr,
        no_replace: bool,
    ) -> Result<()> {
        let (name, new_name) = (component(name)?, component(new_name)?);
        let _namespace = self.writing();
        let (dir, dir_presence) = self.locate_dir(parent)?;
        let (new_dir, new_dir_presence) = self.locate_dir(new_parent)?;
        let (source, _) = merge::resolve(&self.layers, &dir_presence, &dir, name)?
            .ok_or_else(|| errno(libc::ENOENT))?;
        let target = merge::resolve(&self.layers, &new_dir_presence, &new_dir, new_name)?;
        if let Some((target, _)) = &target {
            if no_replace {
                return Err(errno(libc::EEXIST));
            }
            if target.real == source.real {
                return Ok(());
            }
            match (source.dir, target.dir) {
                (true, false) => return Err(errno(libc::ENOTDIR)),
                (false, true) => return Err(errno(libc::EISDIR)),
                _ => {}
            }
            let target_path = layers::join(&new_dir, new_name);
            if target.dir && !merge::list(&self.layers, target, &target_path)?.is_empty() {
                return Err(errno(libc::ENOTEMPTY));
            }
        }
        // Held (counted as looked up) while it moves.
        let ino = self.remember(parent, name, source.clone());
        let moved = self.move_held(ino, (parent, name), (new_parent, new_name), &source, target);
        self.drop_lookups(ino, 1);
        moved
    }

    /// The rest of [`Union::move_entry`], for the inode `ino` of `source`
    /// (`target` is what the new name showed).
    fn move_held(
        &self,
        ino: Ino,
        (parent, name): (Ino, &OsStr),
        (new_parent, new_name): (Ino, &OsStr),
        source: &Presence,
        target: Option<(Presence, Stat)>,
    ) -> Result<()> {
        let (dir, dir_presence) = self.copy_up(parent)?;
        let (new_dir, new_dir_presence) = self.copy_up(new_parent)?;
        let from = layers::join(&dir, name);
        let to = layers::join(&new_dir, new_name);
        let source_below = merge::shows_below(&self.layers, &dir_presence, &dir, name)?;
        let target_below = merge::shows_below(&self.layers, &new_dir_presence, &new_dir, new_name)?;
        let target_whiteout = target.is_none() && self.layers.stat(Layer::Upper, &to)?.is_some();
        if source.dir {
            self.link_counts().clear();
        }
        if source.dir && !source.lowers.is_empty() {
            self.copy_tree_up(ino, &from)?;
        } else {
            self.copy_up(ino)?;
        }
        if let Some((target, _)) = &target
            && !target.dir
        {
            self.keep_replaced(new_parent, new_name, target, &to)?;
        }
        let in_the_way = match &target {
            // An emptied directory may still hold whiteouts.
            Some((target, _)) => target.dir && target.upper,
            // A directory does not replace a whiteout by rename.
            None => target_whiteout && source.dir,
        };
        if in_the_way {
            self.take_away(&to, true, false, false)?;
        }
        let flags = if source_below {
            RenameFlags::WHITEOUT
        } else {
            RenameFlags::empty()
        };
        rustix::fs::renameat_with(self.layers.upper(), &from, self.layers.upper(), &to, flags)?;
        if source.dir && target_below {
            mark_opaque(self.layers.upper(), &to)?;
        }
        let moved = self
            .layers
            .stat(Layer::Upper, &to)?
            .ok_or_else(|| errno(libc::EIO))?;
        let mut tree = self.tree();
        tree.rename(ino, (parent, name), (new_parent, new_name));
        let mut presence = tree
            .presence(ino)
            .cloned()
            .unwrap_or_else(|| source.clone());
        presence.upper = true;
        presence.lowers.clear();
        if !presence.dir {
            presence.real = (moved.st_dev, moved.st_ino);
            presence.linked_below = false;
        }
        tree.set_presence(ino, presence);
        Ok(())
    }

    /// Before a rename replaces the file `target` at `path` (`name` in
    /// `parent`): when the kernel knows it by that name alone (open, say),
    /// it lives on as an orphan, its upper entry linked into `work/`.
    fn keep_replaced(
        &self,
        parent: Ino,
        name: &OsStr,
        target: &Presence,
        path: &[u8],
    ) -> Result<()> {
        let known = self.tree().child(parent, name);
        let Some(ino) = known.filter(|&ino| self.tree().known_only_as(ino, parent, name)) else {
            return Ok(());
        };
        let orphan = if target.upper {
            let staged = link_into_work(&self.layers, path)?;
            let mut now = target.clone();
            now.in_work = true;
            self.tree().set_presence(ino, now);
            Orphan {
                layer: Layer::Work,
                path: staged,
            }
        } else {
            Orphan {
                layer: target.top(),
                path: path.to_vec(),
            }
        };
        self.tree().set_orphan(ino, orphan);
        Ok(())
    }

    /// Copies the directory `ino` at `path` up with everything it lists,
    /// and marks each directory opaque: it no longer needs the image's
    /// layers, so it can move. Inodes known below it are updated.
    fn copy_tree_up(&self, ino: Ino, path: &[u8]) -> Result<()> {
        let (_, presence) = self.copy_up(ino)?;
        for listed in merge::list(&self.layers, &presence, path)? {
            let (child, _) = match merge::resolve(&self.layers, &presence, path, &listed.name)? {
                Some(found) => found,
                None => continue,
            };
            // Held (counted as looked up) while it is copied.
            let child_ino = self.remember(ino, &listed.name, child.clone());
            let child_path = layers::join(path, &listed.name);
            let copied = if child.dir {
                self.copy_tree_up(child_ino, &child_path)
            } else {
                self.copy_up(child_ino).map(drop)
            };
            self.drop_lookups(child_ino, 1);
            copied?;
        }
        if !presence.lowers.is_empty() {
            mark_opaque(self.layers.upper(), path)?;
            let mut now = presence;
            now.lowers.clear();
            self.tree().set_presence(ino, now);
        }
        Ok(())
    }
}
