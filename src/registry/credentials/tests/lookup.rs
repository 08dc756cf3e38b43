//! Tests of where credentials are searched and how keys and entries are read.

use base64::Engine as _;

use super::{cred, enc, env_in, write};
use crate::registry::credentials::IDENTITY_TOKEN_USER;
use crate::registry::credentials::env::AuthEnv;
use crate::registry::credentials::keys::normalize_key;
use crate::registry::credentials::lookup::lookup_with;

#[test]
fn paths() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut env = env_in(d);
    assert_eq!(env.auth_file(), d.join("home/.config/containers/auth.json"));
    assert_eq!(
        env.lookup_files(),
        vec![
            d.join("home/.config/containers/auth.json"),
            d.join("run/containers/auth.json"),
            d.join("home/.docker/config.json"),
        ]
    );
    env.registry_auth_file = Some(d.join("custom.json"));
    env.docker_config = Some(d.join("dockercfg"));
    env.runtime_dir = None;
    assert_eq!(env.auth_file(), d.join("custom.json"));
    assert_eq!(
        env.lookup_files(),
        vec![d.join("custom.json"), d.join("dockercfg/config.json")]
    );
    assert_eq!(
        env.show(&d.join("home/.docker/config.json")),
        "~/.docker/config.json"
    );
}

#[test]
fn key_forms() {
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path());
    let file = env.auth_file();
    let auths = serde_json::json!({
        "auths": {
            "plain.io": {"auth": enc("p:1")},
            "https://secure.io": {"auth": enc("s:2")},
            "https://v1.io/v1/": {"auth": enc("v:3")},
            "http://insecure.io:5000": {"auth": enc("i:4")},
            "https://index.docker.io/v1/": {"auth": enc("hub:5")},
            "trailing.io/": {"auth": enc("t:6")},
            "nopad.io": {"auth": enc("np:7").trim_end_matches('=')},
            "colon.io": {"auth": enc("c:pa:ss")},
        }
    });
    write(&file, &auths.to_string());
    let l = |r: &str| lookup_with(&env, r, None).unwrap();
    assert_eq!(l("plain.io"), cred("p", "1"));
    assert_eq!(l("secure.io"), cred("s", "2"));
    assert_eq!(l("v1.io"), cred("v", "3"));
    assert_eq!(l("insecure.io:5000"), cred("i", "4"));
    assert_eq!(l("insecure.io"), None);
    assert_eq!(l("docker.io"), cred("hub", "5"));
    assert_eq!(l("registry-1.docker.io"), cred("hub", "5"));
    assert_eq!(l("trailing.io"), cred("t", "6"));
    assert_eq!(l("nopad.io"), cred("np", "7"));
    assert_eq!(l("colon.io"), cred("c", "pa:ss"));
    assert_eq!(l("other.io"), None);

    // An exact key beats a URL form of the same host.
    let both = serde_json::json!({"auths": {
        "https://index.docker.io/v1/": {"auth": enc("old:x")},
        "docker.io": {"auth": enc("new:y")},
    }});
    write(&file, &both.to_string());
    assert_eq!(l("docker.io"), cred("new", "y"));
}

#[test]
fn per_repository_keys() {
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path());
    let auths = serde_json::json!({"auths": {
        "quay.io": {"auth": enc("reg:0")},
        "quay.io/ns": {"auth": enc("ns:1")},
        "quay.io/ns/repo": {"auth": enc("repo:2")},
    }});
    write(&env.auth_file(), &auths.to_string());
    let l = |repo: Option<&str>| lookup_with(&env, "quay.io", repo).unwrap();
    assert_eq!(l(Some("ns/repo")), cred("repo", "2"));
    assert_eq!(l(Some("ns/repo/sub")), cred("repo", "2"));
    assert_eq!(l(Some("ns/other")), cred("ns", "1"));
    assert_eq!(l(Some("nsx/repo")), cred("reg", "0"));
    assert_eq!(l(Some("other")), cred("reg", "0"));
    assert_eq!(l(None), cred("reg", "0"));
}

#[test]
fn identity_tokens_and_plain_fields() {
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path());
    let auths = serde_json::json!({"auths": {
        "tok.io": {"auth": enc("user:"), "identitytoken": "refresh-me"},
        "fields.io": {"username": "u", "password": "p"},
        "empty.io": {},
    }});
    write(&env.auth_file(), &auths.to_string());
    assert_eq!(
        lookup_with(&env, "tok.io", None).unwrap(),
        cred(IDENTITY_TOKEN_USER, "refresh-me")
    );
    assert_eq!(
        lookup_with(&env, "fields.io", None).unwrap(),
        cred("u", "p")
    );
    assert_eq!(lookup_with(&env, "empty.io", None).unwrap(), None);
    // Debug never shows the secret.
    let shown = format!("{:?}", cred("u", "hunter2").unwrap());
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn bad_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path());
    let file = env.auth_file();
    let cases = [
        (
            r#"{"auths": {"a.io": {"auth": "!!!not base64"}}}"#,
            "not valid base64",
        ),
        (
            &format!(
                r#"{{"auths": {{"a.io": {{"auth": "{}"}}}}}}"#,
                enc("nocolon")
            ),
            "user:password",
        ),
        (
            &format!(
                r#"{{"auths": {{"a.io": {{"auth": "{}"}}}}}}"#,
                base64::engine::general_purpose::STANDARD.encode([0xff, b':', 0xfe])
            ),
            "UTF-8",
        ),
        (r#"{"auths": {"a.io": {"auth": 5}}}"#, "must be a string"),
        (r#"{"auths": []}"#, "\"auths\" must be a JSON object"),
        (r#"{"auths": {"a.io": "x"}}"#, "must be a JSON object"),
        (r#"{"credsStore": 3}"#, "credsStore"),
        (
            r#"{"credHelpers": {"a.io": "../../evil"}}"#,
            "invalid credential helper",
        ),
        ("[1, 2]", "expected a JSON object"),
        ("{\n\"auths\": {,\n}", "line 2"),
    ];
    for (text, want) in cases {
        write(&file, text);
        let err = lookup_with(&env, "a.io", None).unwrap_err().to_string();
        assert!(
            err.starts_with("~/.config/containers/auth.json: "),
            "{text}: {err}"
        );
        assert!(err.contains(want), "{text}: {err}");
        assert!(!err.contains('\n'), "{err:?}");
    }
    // An empty file is no credentials, not an error.
    write(&file, "  \n");
    assert_eq!(lookup_with(&env, "a.io", None).unwrap(), None);
}

#[test]
fn search_order_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = env_in(d);
    write(
        &d.join("home/.docker/config.json"),
        &serde_json::json!({"auths": {
            "a.io": {"auth": enc("docker:a")},
            "b.io": {"auth": enc("docker:b")},
            "c.io": {"auth": enc("docker:c")},
        }})
        .to_string(),
    );
    write(
        &d.join("run/containers/auth.json"),
        &serde_json::json!({"auths": {"b.io": {"auth": enc("podman:b")}}}).to_string(),
    );
    write(
        &env.auth_file(),
        &serde_json::json!({"auths": {"a.io": {"auth": enc("rpod:a")}}}).to_string(),
    );
    assert_eq!(lookup_with(&env, "a.io", None).unwrap(), cred("rpod", "a"));
    assert_eq!(
        lookup_with(&env, "b.io", None).unwrap(),
        cred("podman", "b")
    );
    assert_eq!(
        lookup_with(&env, "c.io", None).unwrap(),
        cred("docker", "c")
    );
    // $DOCKER_CONFIG replaces ~/.docker.
    let env2 = AuthEnv {
        docker_config: Some(d.join("elsewhere")),
        ..env.clone()
    };
    assert_eq!(lookup_with(&env2, "c.io", None).unwrap(), None);
    // $REGISTRY_AUTH_FILE replaces the rpod file.
    let custom = d.join("custom.json");
    write(
        &custom,
        &serde_json::json!({"auths": {"c.io": {"auth": enc("custom:c")}}}).to_string(),
    );
    let env3 = AuthEnv {
        registry_auth_file: Some(custom),
        ..env
    };
    assert_eq!(
        lookup_with(&env3, "c.io", None).unwrap(),
        cred("custom", "c")
    );
    // ... so a.io now comes from ~/.docker/config.json.
    assert_eq!(
        lookup_with(&env3, "a.io", None).unwrap(),
        cred("docker", "a")
    );
}

#[test]
fn normalization() {
    assert_eq!(normalize_key("https://index.docker.io/v1/"), "docker.io");
    assert_eq!(normalize_key("registry-1.docker.io"), "docker.io");
    assert_eq!(
        normalize_key("index.docker.io/library/x"),
        "docker.io/library/x"
    );
    assert_eq!(normalize_key("http://a.io:5000/v2/"), "a.io:5000");
    assert_eq!(normalize_key("quay.io/ns/"), "quay.io/ns");
    assert_eq!(normalize_key("quay.io"), "quay.io");
}
