//! Tests of asking `docker-credential-*` helpers.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;

use super::{cred, enc, env_in, write};
use crate::registry::credentials::IDENTITY_TOKEN_USER;
use crate::registry::credentials::env::AuthEnv;
use crate::registry::credentials::lookup::lookup_with;

const FAKE_HELPER: &str = r#"#!/bin/sh
[ "$1" = get ] || { echo "unexpected $1" >&2; exit 2; }
read -r server
case "$server" in
  helper.io) echo '{"ServerURL":"helper.io","Username":"hu","Secret":"hs"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"hubtok"}' ;;
  store.io) printf '{"Username":"su","Secret":"ss"}' ;;
  broken.io) echo "first problem" >&2; echo "second" >&2; exit 3 ;;
  garbage.io) echo "not json" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"#;

#[test]
fn credential_helpers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("docker-credential-fake");
    std::fs::write(&script, FAKE_HELPER).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = OsString::from(&bin);
    path.push(":/usr/bin:/bin");
    let env = AuthEnv {
        path: Some(path),
        ..env_in(d)
    };
    write(
        &d.join("home/.docker/config.json"),
        &serde_json::json!({
            "credHelpers": {
                "helper.io": "fake",
                "https://index.docker.io/v1/": "fake",
                "broken.io": "fake",
                "garbage.io": "fake",
                "missing.io": "fake",
                "absent.io": "notinstalled",
            },
            "auths": {
                "missing.io": {"auth": enc("never:used")},
                "store.io": {},
                "auth.io": {"auth": enc("au:as")},
            },
            "credsStore": "fake",
        })
        .to_string(),
    );
    let l = |r: &str| lookup_with(&env, r, None);
    assert_eq!(l("helper.io").unwrap(), cred("hu", "hs"));
    assert_eq!(l("docker.io").unwrap(), cred(IDENTITY_TOKEN_USER, "hubtok"));
    // A registry's own helper is final for that file.
    assert_eq!(l("missing.io").unwrap(), None);
    assert_eq!(l("absent.io").unwrap(), None);
    // auths beats credsStore; an empty auths entry falls through to it.
    assert_eq!(l("auth.io").unwrap(), cred("au", "as"));
    assert_eq!(l("store.io").unwrap(), cred("su", "ss"));
    assert_eq!(l("nowhere.io").unwrap(), None);
    let err = l("broken.io").unwrap_err().to_string();
    assert_eq!(
        err,
        "credential helper docker-credential-fake failed: first problem"
    );
    let err = l("garbage.io").unwrap_err().to_string();
    assert!(
        err.starts_with("credential helper docker-credential-fake failed: "),
        "{err}"
    );
    assert!(!err.contains('\n'));
    // No PATH at all: helpers are simply not installed.
    let env_nopath = AuthEnv { path: None, ..env };
    assert_eq!(lookup_with(&env_nopath, "helper.io", None).unwrap(), None);
}
