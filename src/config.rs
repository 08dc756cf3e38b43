//! rpod's own configuration file, `~/.config/rpod/rpod.conf` (TOML).
//!
//! Every key is optional; command-line flags and environment variables win
//! over the file. Unknown keys are refused so that a typo is noticed.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The parsed configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Config {
    /// Where images, layers, containers and volumes are stored.
    pub root: Option<PathBuf>,
    /// Where runtime state (locks, pids, sockets) lives.
    pub runroot: Option<PathBuf>,
    /// How many layers a pull fetches and unpacks at once.
    pub pull_parallelism: Option<usize>,
    /// The rootfs driver of new containers (`overlay`, `fuse` or `vfs`);
    /// by default overlay where it works, else fuse where `/dev/fuse`
    /// opens, else vfs.
    pub storage_driver: Option<crate::rootfs::Driver>,
    /// The network of new containers when `--network` is not given
    /// (default `slirp4netns`).
    pub network: Option<String>,
}

impl Config {
    /// Reads `$XDG_CONFIG_HOME/rpod/rpod.conf` (or `~/.config/...`); a
    /// missing file is an empty configuration.
    pub fn load() -> Result<Self> {
        Self::load_from(&config_home().join("rpod/rpod.conf"))
    }

    /// Reads one configuration file; missing means empty.
    pub fn load_from(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        toml::from_str(&text).map_err(|e| {
            let first = e.to_string().lines().next().unwrap_or_default().to_string();
            anyhow::anyhow!("{}: {first}", path.display())
        })
    }
}

/// The user's home directory from `$HOME`, falling back to the password
/// database.
pub fn home_dir() -> PathBuf {
    if let Some(home) = env_var("HOME") {
        return PathBuf::from(home);
    }
    crate::userns::current_user().map_or_else(|_| PathBuf::from("/"), |u| u.home)
}

/// `$XDG_CONFIG_HOME`, or `~/.config`.
pub fn config_home() -> PathBuf {
    xdg_dir("XDG_CONFIG_HOME").unwrap_or_else(|| home_dir().join(".config"))
}

/// `$XDG_DATA_HOME`, or `~/.local/share`.
pub fn data_home() -> PathBuf {
    xdg_dir("XDG_DATA_HOME").unwrap_or_else(|| home_dir().join(".local/share"))
}

/// An environment variable that is set and not empty.
pub fn env_var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// A path as a user would type it, with `~` for the home directory.
pub fn display_path(path: &Path, home: &Path) -> String {
    if home != Path::new("/")
        && let Ok(rest) = path.strip_prefix(home)
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

/// An XDG variable when set to an absolute path (the spec says relative
/// values are ignored).
pub fn xdg_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rpod.conf");
        assert!(Config::load_from(&path).unwrap().root.is_none());
        std::fs::write(&path, "root = \"/x\"\npull_parallelism = 3\n").unwrap();
        let config = Config::load_from(&path).unwrap();
        assert_eq!(config.root.as_deref(), Some(Path::new("/x")));
        assert_eq!(config.pull_parallelism, Some(3));
        std::fs::write(&path, "storage_driver = \"vfs\"\n").unwrap();
        let config = Config::load_from(&path).unwrap();
        assert_eq!(config.storage_driver, Some(crate::rootfs::Driver::Vfs));
        std::fs::write(&path, "storage_driver = \"zfs\"\n").unwrap();
        assert!(Config::load_from(&path).is_err());
        std::fs::write(&path, "rooot = 1\n").unwrap();
        let err = Config::load_from(&path).unwrap_err().to_string();
        assert!(err.starts_with(&path.display().to_string()), "{err}");
        assert!(!err.contains('\n'));
    }
}
