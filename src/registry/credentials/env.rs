//! The process environment that decides which auth files are read and
//! written and where credential helpers are found, and how paths are shown
//! in messages (`~` for the home directory).

use crate::config::env_var;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The process environment that decides which files and helpers are used;
/// tests build one by hand.
#[derive(Clone, Debug, Default)]
pub(super) struct AuthEnv {
    /// `$REGISTRY_AUTH_FILE`
    pub(super) registry_auth_file: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, else `~/.config`
    pub(super) config_home: PathBuf,
    /// `$XDG_RUNTIME_DIR` (where Podman's `login` writes)
    pub(super) runtime_dir: Option<PathBuf>,
    /// `$DOCKER_CONFIG`
    pub(super) docker_config: Option<PathBuf>,
    pub(super) home: PathBuf,
    /// `$PATH`, for finding `docker-credential-*`
    pub(super) path: Option<OsString>,
}

impl AuthEnv {
    pub(super) fn from_process() -> Self {
        let home = crate::config::home_dir();
        AuthEnv {
            registry_auth_file: env_var("REGISTRY_AUTH_FILE").map(PathBuf::from),
            config_home: env_var("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".config")),
            runtime_dir: env_var("XDG_RUNTIME_DIR").map(PathBuf::from),
            docker_config: env_var("DOCKER_CONFIG").map(PathBuf::from),
            home,
            path: env_var("PATH"),
        }
    }

    pub(super) fn auth_file(&self) -> PathBuf {
        match &self.registry_auth_file {
            Some(file) => file.clone(),
            None => self.config_home.join("containers").join("auth.json"),
        }
    }

    /// Files searched by `lookup`, in order, without repeats.
    pub(super) fn lookup_files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.auth_file()];
        if let Some(dir) = &self.runtime_dir {
            files.push(dir.join("containers").join("auth.json"));
        }
        files.push(match &self.docker_config {
            Some(dir) => dir.join("config.json"),
            None => self.home.join(".docker").join("config.json"),
        });
        let mut unique: Vec<PathBuf> = Vec::new();
        for f in files {
            if !unique.contains(&f) {
                unique.push(f);
            }
        }
        unique
    }

    pub(super) fn show(&self, path: &Path) -> String {
        crate::config::display_path(path, &self.home)
    }
}
