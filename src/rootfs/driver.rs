//! The rootfs driver seam: which driver a container uses, what each one
//! keeps in the container's directory, how it presents the root
//! filesystem in the monitor's mount namespace, and how the default is
//! chosen. Removal needs nothing per driver: removing the container's
//! directory (inside the user namespace) removes an overlay upper layer
//! and a `vfs` copy alike. rpod's FUSE union filesystem (`fuse`) reads
//! the same layer directories as `overlay` and keeps the same `upper/`,
//! served by a child of whoever mounts it.

use crate::store::Store;
use crate::userns::OwnerShift;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A rootfs driver, recorded with each container for its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    /// Kernel overlayfs mounted inside the user namespace (records from
    /// before drivers were recorded are overlay ones).
    #[default]
    Overlay,
    /// A full copy of the image's layers per container.
    Vfs,
    /// rpod's own union filesystem over FUSE.
    Fuse,
}

/// A mounted root filesystem.
pub struct Mounted {
    pub path: PathBuf,
    /// The FUSE driver's server, a child of the caller, which the
    /// container cannot outlive.
    pub server: Option<rustix::process::Pid>,
}

impl Driver {
    /// The driver's name, as flags, records and `inspect` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Driver::Overlay => "overlay",
            Driver::Vfs => "vfs",
            Driver::Fuse => "fuse",
        }
    }

    /// Directories made in the container's directory at create: `rootfs`
    /// (where the root filesystem is presented) and the driver's own.
    pub fn dirs(self) -> &'static [&'static str] {
        match self {
            Driver::Overlay | Driver::Fuse => &["upper", "work", "rootfs"],
            Driver::Vfs => &["rootfs"],
        }
    }

    /// In the monitor (root of the user namespace, private mount
    /// namespace): presents the image's `layers` (bottom first) with the
    /// container's changes at `dir/rootfs`. A `vfs` copy is made here the
    /// first time. Under `--userns=keep-id`, `shift` says how the layers'
    /// owners must change to show as the image meant, and `image_id`
    /// names the image for the overlay's shifted copy.
    pub fn mount(
        self,
        store: &Store,
        dir: &Path,
        layers: &[PathBuf],
        image_id: &str,
        shift: Option<&OwnerShift>,
    ) -> Result<Mounted> {
        let rootfs = dir.join("rootfs");
        let lowers = || -> Result<(PathBuf, Vec<PathBuf>)> {
            Ok(match shift {
                None => (
                    store.root().join("layers"),
                    layers.iter().rev().cloned().collect(),
                ),
                Some(shift) => (
                    store.root().join(super::mapped::DIR),
                    vec![super::mapped::image_copy(store, image_id, layers, shift)?],
                ),
            })
        };
        let mut server = None;
        match self {
            Driver::Overlay => {
                let (layers_dir, lowers) = lowers()?;
                super::overlay::mount_overlay(
                    &layers_dir,
                    &lowers,
                    &dir.join("upper"),
                    &dir.join("work"),
                    &rootfs,
                )?;
            }
            Driver::Vfs => super::vfs::mount(store, dir, layers, &rootfs, shift)?,
            Driver::Fuse => {
                let id = dir.file_name().unwrap_or_default().to_string_lossy();
                let title = format!("rpod-fuse {}", &id[..id.len().min(12)]);
                server = Some(super::fuse::mount(
                    &lowers()?.1,
                    &dir.join("upper"),
                    &dir.join("work"),
                    &rootfs,
                    &title,
                )?);
            }
        }
        Ok(Mounted {
            path: rootfs,
            server,
        })
    }

    /// Where the changes of the container in `dir` are counted (`ps -s`):
    /// a directory, and for a copy the time it was made, before which
    /// nothing in it is the container's change.
    pub fn changes(self, dir: &Path) -> (PathBuf, Option<SystemTime>) {
        match self {
            Driver::Overlay | Driver::Fuse => (dir.join("upper"), None),
            Driver::Vfs => (
                dir.join(super::vfs::COPY),
                std::fs::metadata(dir.join(super::vfs::MADE))
                    .and_then(|m| m.modified())
                    .ok(),
            ),
        }
    }

    /// `GraphDriver.Data` of `inspect` for a container in `dir`.
    pub fn graph_data(self, dir: &Path) -> serde_json::Value {
        let path = |name: &str| dir.join(name).display().to_string();
        match self {
            Driver::Overlay | Driver::Fuse => serde_json::json!({
                "UpperDir": path("upper"),
                "WorkDir": path("work"),
                "MergedDir": path("rootfs"),
            }),
            Driver::Vfs => serde_json::json!({ "Dir": path(super::vfs::COPY) }),
        }
    }

    /// The driver to use: the forced one, checked, or else overlay when
    /// `overlay_works` says so, else `fuse` where `/dev/fuse` opens, else
    /// `vfs`.
    pub fn choose(forced: Option<Driver>, overlay_works: impl FnOnce() -> bool) -> Result<Driver> {
        match forced {
            Some(Driver::Vfs) => return Ok(Driver::Vfs),
            Some(Driver::Fuse) if fuse_works() => return Ok(Driver::Fuse),
            Some(Driver::Fuse) => bail!(
                "the fuse storage driver does not work here: /dev/fuse cannot be opened (install the fuse3 package, or ask for the fuse module); use --storage-driver vfs"
            ),
            _ => {}
        }
        match (forced, overlay_works()) {
            (_, true) => Ok(Driver::Overlay),
            (Some(_), false) => bail!(
                "the overlay storage driver does not work here (the kernel refuses an overlay mount in rpod's user namespace); use --storage-driver fuse or vfs"
            ),
            (None, false) if fuse_works() => Ok(Driver::Fuse),
            (None, false) => Ok(Driver::Vfs),
        }
    }
}

/// Whether this user can open `/dev/fuse` (the kernel lets a user
/// namespace's root mount FUSE filesystems since Linux 4.18).
fn fuse_works() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")
        .is_ok()
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Driver {
    type Err = anyhow::Error;

    fn from_str(name: &str) -> Result<Driver> {
        <Driver as clap::ValueEnum>::from_str(name, false).map_err(|_| {
            anyhow::anyhow!("unknown storage driver {name:?} (rpod has overlay, fuse and vfs)")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_chooses() {
        assert_eq!("vfs".parse::<Driver>().unwrap(), Driver::Vfs);
        assert_eq!("overlay".parse::<Driver>().unwrap(), Driver::Overlay);
        let err = "btrfs".parse::<Driver>().unwrap_err().to_string();
        assert!(err.contains("\"btrfs\""), "{err}");
        assert_eq!(Driver::choose(None, || true).unwrap(), Driver::Overlay);
        let fallback = if fuse_works() {
            Driver::Fuse
        } else {
            Driver::Vfs
        };
        assert_eq!(Driver::choose(None, || false).unwrap(), fallback);
        assert_eq!(
            Driver::choose(Some(Driver::Vfs), || panic!("no probe needed")).unwrap(),
            Driver::Vfs
        );
        assert!(Driver::choose(Some(Driver::Overlay), || false).is_err());
        let json = serde_json::to_string(&Driver::Vfs).unwrap();
        assert_eq!(json, "\"vfs\"");
    }
}
