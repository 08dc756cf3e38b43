//! Where the store and the runtime state live for this user, following
//! DESIGN.md §2: flags, then environment, then the config file, then the
//! XDG defaults (moved off network filesystems, which break overlay and
//! locking).

use crate::config::{Config, data_home, xdg_dir};
use anyhow::{Context, Result, bail};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The store root and runtime directory chosen for this invocation.
#[derive(Debug, Clone)]
pub struct Locations {
    pub root: PathBuf,
    pub runroot: PathBuf,
}

/// Filesystem magic numbers (statfs f_type) of network and cluster
/// filesystems on which the store must not live.
const NETWORK_FILESYSTEMS: &[(i64, &str)] = &[
    (0x6969, "NFS"),
    (0x517B, "SMB"),
    (0xFF53_4D42, "CIFS"),
    (0xFE53_4D42, "SMB2"),
    (0x0BD0_0BD0, "Lustre"),
    (0x4750_4653, "GPFS"),
    (0x1983_0326, "BeeGFS"),
    (0xAAD7_AAEA, "PanFS"),
    (0x5346_414F, "AFS"),
];

impl Locations {
    /// Resolves both locations; `root_flag` and `runroot_flag` come from
    /// `--root` / `--runroot`.
    pub fn resolve(
        root_flag: Option<PathBuf>,
        runroot_flag: Option<PathBuf>,
        config: &Config,
    ) -> Result<Self> {
        let uid = rustix::process::getuid().as_raw();
        let root = match root_flag
            .or_else(|| std::env::var_os("RPOD_ROOT").map(PathBuf::from))
            .or_else(|| config.root.clone())
        {
            Some(root) => absolute(root)?,
            None => default_root(uid),
        };
        let runroot = match runroot_flag
            .or_else(|| std::env::var_os("RPOD_RUNROOT").map(PathBuf::from))
            .or_else(|| config.runroot.clone())
        {
            Some(dir) => absolute(dir)?,
            None => match xdg_dir("XDG_RUNTIME_DIR") {
                Some(dir) => dir.join("rpod"),
                None => private_tmp_dir(&PathBuf::from(format!("/tmp/rpod-run-{uid}")), uid)?,
            },
        };
        Ok(Self { root, runroot })
    }
}

fn absolute(path: PathBuf) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        bail!("the store path must not be empty");
    }
    std::path::absolute(&path).with_context(|| format!("cannot resolve {}", path.display()))
}

/// `$XDG_DATA_HOME/rpod`, unless that is on a network filesystem: then
/// `/var/tmp/rpod-$UID`, said once.
fn default_root(uid: u32) -> PathBuf {
    let preferred = data_home().join("rpod");
    let Some(fs_name) = network_filesystem(&preferred) else {
        return preferred;
    };
    let local = PathBuf::from(format!("/var/tmp/rpod-{uid}"));
    if !local.exists() {
        eprintln!(
            "rpod: note: {} is on {fs_name}, which cannot hold container layers; using {} instead (set `root` in ~/.config/rpod/rpod.conf to choose)",
            preferred.display(),
            local.display()
        );
    }
    local
}

/// The name of the network filesystem holding `path` (or its nearest
/// existing ancestor), if it is one.
pub fn network_filesystem(path: &Path) -> Option<&'static str> {
    let existing = path.ancestors().find(|p| p.exists())?;
    #[allow(clippy::unnecessary_cast)] // f_type's width differs between architectures
    let fs_type = rustix::fs::statfs(existing).ok()?.f_type as i64;
    NETWORK_FILESYSTEMS
        .iter()
        .find(|(magic, _)| *magic == fs_type)
        .map(|(_, name)| *name)
}

/// Creates `dir` 0700 if needed and refuses it unless this user owns it
/// and nobody else can write to it (it sits in a shared /tmp).
fn private_tmp_dir(dir: &Path, uid: u32) -> Result<PathBuf> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o022 != 0 {
        bail!(
            "{} is not a private directory owned by you; remove it or set XDG_RUNTIME_DIR",
            dir.display()
        );
    }
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_dir_is_created_and_checked() {
        let base = tempfile::tempdir().unwrap();
        let uid = rustix::process::getuid().as_raw();
        let dir = base.path().join("run");
        private_tmp_dir(&dir, uid).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(private_tmp_dir(&dir, uid).is_err());
    }

    #[test]
    fn local_disk_is_not_network() {
        assert_eq!(network_filesystem(Path::new("/tmp/some/where")), None);
    }
}
