//! `rpod login`/`logout` and authenticated pulls from the TLS registry
//! with htpasswd auth; certificates from `--cert-dir`.

mod common;

use common::{TestEnv, setting, tls_registry};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

fn login(env: &TestEnv, password: &str) -> std::process::Output {
    let mut child = env
        .rpod_cmd(&[
            "login",
            "-u",
            &setting("RPOD_TEST_TLS_USER"),
            "--password-stdin",
            "--cert-dir",
            &setting("RPOD_TEST_CERT_DIR"),
            &tls_registry(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn login_pull_logout_round_trip() {
    let env = TestEnv::new();
    let cert_dir = setting("RPOD_TEST_CERT_DIR");
    let image = format!("{}/private/busybox:latest", tls_registry());

    let err = env.fails(&["pull", "--cert-dir", &cert_dir, &image], 125);
    assert!(
        err.contains("authentication required") && err.contains("rpod login"),
        "{err}"
    );

    let bad = login(&env, "wrong-password");
    assert_eq!(bad.status.code(), Some(125));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("login to") && stderr.contains("failed"),
        "{stderr}"
    );
    let auth_file = env.home().join(".config/containers/auth.json");
    assert!(!auth_file.exists());

    let good = login(&env, &setting("RPOD_TEST_TLS_PASSWORD"));
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&good.stdout), "Login Succeeded\n");
    let mode = std::fs::metadata(&auth_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let auth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&auth_file).unwrap()).unwrap();
    assert!(auth["auths"][tls_registry()]["auth"].is_string(), "{auth}");

    env.ok(&["pull", "-q", "--cert-dir", &cert_dir, &image]);

    let out = env.ok(&["logout", &tls_registry()]);
    assert_eq!(
        out,
        format!("Removed login credentials for {}\n", tls_registry())
    );
    let out = env.ok(&["logout", &tls_registry()]);
    assert_eq!(out, format!("Not logged in to {}\n", tls_registry()));
    env.ok(&["rmi", &image]);
    env.fails(&["pull", "--cert-dir", &cert_dir, &image], 125);
}

#[test]
fn creds_flag_and_docker_config_are_honoured() {
    let env = TestEnv::new();
    let cert_dir = setting("RPOD_TEST_CERT_DIR");
    let image = format!("{}/private/busybox:latest", tls_registry());
    let creds = format!(
        "{}:{}",
        setting("RPOD_TEST_TLS_USER"),
        setting("RPOD_TEST_TLS_PASSWORD")
    );
    env.ok(&[
        "pull",
        "-q",
        "--cert-dir",
        &cert_dir,
        "--creds",
        &creds,
        &image,
    ]);

    // Credentials in ~/.docker/config.json are read too.
    let env = TestEnv::new();
    let docker_dir = env.home().join(".docker");
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(&creds);
    let config =
        serde_json::json!({"auths": {format!("https://{}", tls_registry()): {"auth": auth}}});
    env.write_file(
        &docker_dir.join("config.json"),
        config.to_string().as_bytes(),
    );
    env.ok(&["pull", "-q", "--cert-dir", &cert_dir, &image]);
}

#[test]
fn tls_errors_are_clear() {
    let env = TestEnv::new();
    // The registry's certificate is signed by the test CA, which the
    // system store does not trust.
    let image = format!("{}/private/busybox:latest", tls_registry());
    let err = env.fails(&["pull", &image], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("TLS error"), "{err}");
    assert!(err.contains("--cert-dir"), "{err}");
}

#[test]
fn credential_helpers_from_the_docker_config_are_run() {
    let mut env = TestEnv::new();
    let helper_dir = env.dir.join("helpers");
    let script = format!(
        "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = {r} ] || exit 1\nprintf '{{\"Username\":\"%s\",\"Secret\":\"%s\"}}' {u} {p}\n",
        r = tls_registry(),
        u = setting("RPOD_TEST_TLS_USER"),
        p = setting("RPOD_TEST_TLS_PASSWORD"),
    );
    let helper = helper_dir.join("docker-credential-rpodtest");
    env.write_file(&helper, script.as_bytes());
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = serde_json::json!({"credHelpers": {tls_registry(): "rpodtest"}});
    env.write_file(
        &env.home().join(".docker/config.json"),
        config.to_string().as_bytes(),
    );
    env.env(
        "PATH",
        &format!("{}:/usr/sbin:/usr/bin:/sbin:/bin", helper_dir.display()),
    );
    let image = format!("{}/private/busybox:latest", tls_registry());
    env.ok(&[
        "pull",
        "-q",
        "--cert-dir",
        &setting("RPOD_TEST_CERT_DIR"),
        &image,
    ]);
}
