//! Registry credentials: finds them in auth files (`auth.json`,
//! `~/.docker/config.json`) and credential helpers, and writes and removes
//! them in rpod's auth file for `login` and `logout`.
//!
//! Layout: `env` (which files and `$PATH` apply), `keys` (auth-file key
//! forms), `entry` (one `auths` entry), `lookup` (the search order),
//! `helpers` (`docker-credential-*`), `auth_file` (reading and writing the
//! JSON file).

mod auth_file;
mod entry;
mod env;
mod helpers;
mod keys;
mod lookup;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use anyhow::Result;

use env::AuthEnv;

/// A user name and a password, or an identity token (user name
/// [`IDENTITY_TOKEN_USER`], as Docker's credential helpers say it).
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub username: String,
    pub secret: String,
}

/// The user name that marks `secret` as an identity (OAuth refresh) token.
pub const IDENTITY_TOKEN_USER: &str = "<token>";

impl std::fmt::Debug for Credential {
    /// Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Where `login` writes and `logout` removes: `$REGISTRY_AUTH_FILE`, else
/// `$XDG_CONFIG_HOME/containers/auth.json` (default
/// `~/.config/containers/auth.json`).
pub fn auth_file_path() -> PathBuf {
    AuthEnv::from_process().auth_file()
}

/// Looks up credentials for `registry` (`host[:port]`) and, optionally, the
/// repository path on it (`ns/repo`; a key `registry/ns/repo` or
/// `registry/ns` beats a key for the whole registry). Searched in order:
/// [`auth_file_path`], `$XDG_RUNTIME_DIR/containers/auth.json` (Podman's
/// `login`), then `$DOCKER_CONFIG/config.json` (default
/// `~/.docker/config.json`). In each file: `credHelpers[registry]`, else the
/// `auths` entry, else the `credsStore` helper. `Ok(None)` when nothing is
/// found.
pub fn lookup(registry: &str, repository: Option<&str>) -> Result<Option<Credential>> {
    lookup::lookup_with(&AuthEnv::from_process(), registry, repository)
}

/// Writes `auths[key] = {"auth": base64(user:pass)}` (or
/// `{"identitytoken": ...}` for an identity token) into [`auth_file_path`],
/// keeping every other key of the file, atomically and with mode 0600.
/// Returns the file written.
pub fn store(key: &str, cred: &Credential) -> Result<PathBuf> {
    auth_file::store_with(&AuthEnv::from_process(), key, cred)
}

/// Removes `auths[key]` and its URL forms (`https://key`, `https://key/v1/`,
/// ...) from [`auth_file_path`]. `Ok(false)` if there was nothing to remove.
pub fn remove(key: &str) -> Result<bool> {
    auth_file::remove_with(&AuthEnv::from_process(), key)
}

/// Removes every `auths` entry from [`auth_file_path`] (`logout --all`),
/// keeping the file's other keys.
pub fn remove_all() -> Result<()> {
    auth_file::remove_all_with(&AuthEnv::from_process())
}
