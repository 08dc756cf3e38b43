//! Unit tests of credential handling, and the helpers they share.

mod auth_file;
mod helpers;
mod lookup;

use std::ffi::OsString;
use std::path::Path;

use base64::Engine as _;

use super::Credential;
use super::env::AuthEnv;

/// An environment whose every path is inside `dir`.
fn env_in(dir: &Path) -> AuthEnv {
    AuthEnv {
        registry_auth_file: None,
        config_home: dir.join("home/.config"),
        runtime_dir: Some(dir.join("run")),
        docker_config: None,
        home: dir.join("home"),
        path: Some(OsString::from("/nonexistent-bin")),
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn cred(u: &str, s: &str) -> Option<Credential> {
    Some(Credential {
        username: u.into(),
        secret: s.into(),
    })
}

fn enc(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}
