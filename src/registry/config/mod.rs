//! registries.conf (version 2): reads the system and user files and their
//! `.d` drop-ins, and answers where an image name is pulled from (mirrors,
//! rewritten locations, insecure and blocked registries, short-name search
//! list and aliases).
//!
//! Layout: `env` (which environment decides the files), `load` (finding
//! and merging the files), `file` (parsing and checking one file),
//! `resolve` (answering where a name is pulled from).

mod env;
mod file;
mod load;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

/// `short-name-mode`: what to do when a short name is ambiguous.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShortNameMode {
    Enforcing,
    Permissive,
    Disabled,
}

/// The merged registries configuration.
#[derive(Clone, Debug, Default)]
pub struct RegistriesConf {
    search: Vec<String>,
    short_name_mode: Option<ShortNameMode>,
    registries: Vec<Registry>,
    aliases: BTreeMap<String, String>,
}

/// Where to try an image name, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub endpoints: Vec<Endpoint>,
}

/// One place to try: a registry host and the repository path on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `host[:port]`
    pub registry: String,
    /// Repository path on that registry, e.g. `library/busybox`.
    pub repository: String,
    /// Plain HTTP or unverified TLS is allowed.
    pub insecure: bool,
}

#[derive(Clone, Debug)]
struct Registry {
    /// Literal `host[:port][/path]` or wildcard `*.example.com`.
    prefix: String,
    /// Empty only for a wildcard prefix: the name is then used unchanged.
    location: String,
    insecure: bool,
    blocked: bool,
    mirrors: Vec<Mirror>,
    /// The file this entry came from, for messages.
    source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PullFromMirror {
    All,
    DigestOnly,
    TagOnly,
}

#[derive(Clone, Debug)]
struct Mirror {
    location: String,
    insecure: bool,
    pull: PullFromMirror,
}

impl RegistriesConf {
    /// Loads the configuration the way Podman does. If
    /// `$CONTAINERS_REGISTRIES_CONF` is set, only that file is read (it must
    /// exist). Otherwise, if `$XDG_CONFIG_HOME/containers/registries.conf`
    /// (default `~/.config/...`) exists, it is read followed by the user's
    /// `registries.conf.d/*.conf`; if it does not, `/etc/containers/registries.conf`,
    /// `/etc/containers/registries.conf.d/*.conf` and then the user's
    /// `registries.conf.d/*.conf` are read. Later files override earlier ones.
    /// Missing files are fine; a malformed file is an error naming it.
    pub fn load() -> Result<Self> {
        load::load_with(&env::ConfEnv::from_process())
    }

    /// Same from explicit paths: files in order, each may be a file or a `.d`
    /// directory (its `*.conf` files are read in name order). Missing paths
    /// are skipped.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Self> {
        load::load_paths(paths, None)
    }

    /// `unqualified-search-registries`, in order.
    pub fn unqualified_search_registries(&self) -> &[String] {
        &self.search
    }

    /// `short-name-mode`, if any file set it.
    pub fn short_name_mode(&self) -> Option<ShortNameMode> {
        self.short_name_mode
    }

    /// The `[aliases]` entry for a short name, e.g. `fedora` →
    /// `registry.fedoraproject.org/fedora`.
    pub fn alias(&self, short: &str) -> Option<&str> {
        self.aliases.get(short).map(String::as_str)
    }
}
