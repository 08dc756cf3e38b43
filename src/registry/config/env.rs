//! The process environment that decides which registries.conf files are
//! read, and how their paths are shown in messages (`~` for the home
//! directory).

use crate::config::env_var;
use std::path::{Path, PathBuf};

/// The process environment that decides which files are read; tests build
/// one by hand.
#[derive(Clone, Debug, Default)]
pub(super) struct ConfEnv {
    /// `$CONTAINERS_REGISTRIES_CONF`
    pub(super) explicit: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, else `~/.config`
    pub(super) config_home: Option<PathBuf>,
    /// `/etc/containers`
    pub(super) system_dir: PathBuf,
    /// Shown as `~` in messages.
    pub(super) home: Option<PathBuf>,
}

impl ConfEnv {
    pub(super) fn from_process() -> Self {
        let home = Some(crate::config::home_dir());
        let config_home = env_var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        ConfEnv {
            explicit: env_var("CONTAINERS_REGISTRIES_CONF").map(PathBuf::from),
            config_home,
            system_dir: PathBuf::from("/etc/containers"),
            home,
        }
    }
}

/// The path as a user would type it, `~` for the home directory.
pub(super) fn show(path: &Path, home: Option<&Path>) -> String {
    match home {
        Some(home) => crate::config::display_path(path, home),
        None => path.display().to_string(),
    }
}
