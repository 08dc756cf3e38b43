//! Tests of storing and removing credentials in the auth file.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use super::{cred, enc, env_in, write};
use crate::registry::credentials::IDENTITY_TOKEN_USER;
use crate::registry::credentials::auth_file::{remove_all_with, remove_with, store_with};
use crate::registry::credentials::lookup::lookup_with;

#[test]
fn store_and_remove_keep_other_keys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = env_in(d);
    let file = env.auth_file();

    // A fresh file: parent directories 0700, file 0600.
    let written = store_with(&env, "quay.io", &cred("alice", "pw:1").unwrap()).unwrap();
    assert_eq!(written, file);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    assert_eq!(
        lookup_with(&env, "quay.io", None).unwrap(),
        cred("alice", "pw:1")
    );

    // Other keys survive an update.
    write(
        &file,
        &serde_json::json!({
            "auths": {
                "quay.io": {"auth": enc("old:old"), "email": "x@y"},
                "https://quay.io/v1/": {"auth": enc("legacy:l")},
                "quay.io/ns/repo": {"auth": enc("repo:r")},
                "other.io": {"auth": enc("o:o")},
            },
            "credHelpers": {"gcr.io": "gcloud"},
            "somethingElse": [1, 2, {"deep": true}],
        })
        .to_string(),
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    store_with(
        &env,
        "https://index.docker.io/v1/",
        &cred("bob", "b").unwrap(),
    )
    .unwrap();
    store_with(&env, "quay.io", &cred("alice", "new").unwrap()).unwrap();
    assert_eq!(mode(&file), 0o600);
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        doc["somethingElse"],
        serde_json::json!([1, 2, {"deep": true}])
    );
    assert_eq!(doc["credHelpers"]["gcr.io"], "gcloud");
    assert_eq!(doc["auths"]["docker.io"]["auth"], enc("bob:b"));
    assert_eq!(
        doc["auths"]["quay.io"],
        serde_json::json!({"auth": enc("alice:new")})
    );
    assert_eq!(doc["auths"]["other.io"]["auth"], enc("o:o"));

    // Identity tokens are stored as such.
    store_with(&env, "tok.io", &cred(IDENTITY_TOKEN_USER, "rt").unwrap()).unwrap();
    assert_eq!(
        lookup_with(&env, "tok.io", None).unwrap(),
        cred(IDENTITY_TOKEN_USER, "rt")
    );

    // remove takes the key and its URL forms, not repository keys.
    assert!(remove_with(&env, "quay.io").unwrap());
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let auths = doc["auths"].as_object().unwrap();
    assert!(!auths.contains_key("quay.io"));
    assert!(!auths.contains_key("https://quay.io/v1/"));
    assert!(auths.contains_key("quay.io/ns/repo"));
    assert!(auths.contains_key("other.io"));
    assert_eq!(
        doc["somethingElse"],
        serde_json::json!([1, 2, {"deep": true}])
    );
    assert!(!remove_with(&env, "quay.io").unwrap());
    assert!(remove_with(&env, "docker.io").unwrap());
    assert!(!remove_with(&env, "never.io").unwrap());
    assert_eq!(mode(&file), 0o600);

    // remove_all empties auths and keeps the rest.
    remove_all_with(&env).unwrap();
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(doc["auths"], serde_json::json!({}));
    assert_eq!(doc["credHelpers"]["gcr.io"], "gcloud");
    remove_all_with(&env).unwrap();

    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![OsString::from("auth.json")]);
}

#[test]
fn store_refuses_bad_input_without_touching_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path());
    let file = env.auth_file();
    assert!(!remove_with(&env, "a.io").unwrap());
    remove_all_with(&env).unwrap();
    assert!(!file.exists());
    assert!(store_with(&env, "a.io", &cred("a:b", "c").unwrap()).is_err());
    assert!(store_with(&env, "a.io", &cred("", "c").unwrap()).is_err());
    assert!(store_with(&env, "", &cred("a", "c").unwrap()).is_err());
    assert!(store_with(&env, "a b", &cred("a", "c").unwrap()).is_err());
    assert!(!file.exists());
    write(&file, "{not json");
    let err = store_with(&env, "a.io", &cred("a", "b").unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("~/.config/containers/auth.json: line 1:"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json");
    assert!(remove_with(&env, "a.io").is_err());
    assert!(remove_all_with(&env).is_err());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json");
}
