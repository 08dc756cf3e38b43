//! Seccomp in real containers: Docker's default profile by default, none
//! with `seccomp=unconfined` or `--privileged`, a profile file in
//! Docker's JSON format checked at `create` and applied at every start.

mod common;

use common::TestEnv;

/// Writes a profile file the test user can read; returns its path.
fn profile(env: &TestEnv, name: &str, json: &str) -> String {
    let path = env.dir.join(name);
    env.write_file(&path, json.as_bytes());
    path.to_str().unwrap().to_string()
}

const SECCOMP_MODE: &str = "grep '^Seccomp:' /proc/self/status | cut -f2";

#[test]
fn the_default_profile_is_on_unless_unconfined_or_privileged() {
    let env = TestEnv::new();
    assert_eq!(env.run_sh(&[], SECCOMP_MODE), "2\n");
    // Installed early (no no_new_privs) or last (with it); for root and
    // for a user without capabilities alike.
    for extra in [
        &["--security-opt", "no-new-privileges"][..],
        &["-u", "nobody"],
        &["-u", "nobody", "--security-opt", "no-new-privileges"],
    ] {
        assert_eq!(env.run_sh(extra, SECCOMP_MODE), "2\n", "{extra:?}");
    }
    assert_eq!(
        env.run_sh(&[], "grep NoNewPrivs /proc/self/status"),
        "NoNewPrivs:\t0\n"
    );
    for extra in [
        &["--security-opt", "seccomp=unconfined"][..],
        &["--security-opt", "seccomp:unconfined"],
        &["--privileged"],
    ] {
        assert_eq!(env.run_sh(extra, SECCOMP_MODE), "0\n", "{extra:?}");
    }
}

#[test]
fn the_default_profile_denies_namespaces_without_cap_sys_admin() {
    let env = TestEnv::new();
    // unshare(CLONE_NEWUSER) needs no capability: only seccomp stops it.
    let script = "unshare -U true 2>&1; echo exit=$?";
    let denied = env.run_sh(&[], script);
    assert!(
        denied.contains("Operation not permitted") && denied.ends_with("exit=1\n"),
        "{denied}"
    );
    let unconfined = env.run_sh(&["--security-opt", "seccomp=unconfined"], script);
    assert_eq!(unconfined, "exit=0\n");
    let with_admin = env.run_sh(&["--cap-add", "SYS_ADMIN"], script);
    assert_eq!(with_admin, "exit=0\n");
    // Threads and plain forks still work (clone without namespace flags).
    assert_eq!(env.run_sh(&[], "echo $(echo nested)"), "nested\n");
}

#[test]
fn a_profile_file_is_applied_at_run_and_at_every_start() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let no_mkdir = profile(
        &env,
        "no-mkdir.json",
        r#"{
            "defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]
        }"#,
    );
    let option = format!("seccomp={no_mkdir}");
    let out = env.run_sh(
        &["--security-opt", &option],
        "mkdir /x 2>&1; echo exit=$?; touch /y && echo touched",
    );
    assert_eq!(
        out,
        "mkdir: can't create directory '/x': Operation not permitted\nexit=1\ntouched\n"
    );
    // The record keeps the profile: the file may go, start applies it.
    env.ok(&[
        "create",
        "--name",
        "kept",
        "--security-opt",
        &option,
        &image,
        "sh",
        "-c",
        "mkdir /x 2>&1; echo exit=$?",
    ]);
    std::fs::remove_file(&no_mkdir).unwrap();
    let expected = "mkdir: can't create directory '/x': Operation not permitted\nexit=1\n";
    assert_eq!(env.ok(&["start", "-a", "kept"]), expected);
    assert_eq!(env.ok(&["start", "-a", "kept"]), expected);
    let opts = env.ok(&[
        "inspect",
        "--format",
        "{{json .HostConfig.SecurityOpt}}",
        "kept",
    ]);
    assert!(opts.starts_with("[\"seccomp={"), "{opts}");
}

#[test]
fn inspect_shows_the_security_options() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let opts = |name: &str| {
        env.ok(&[
            "inspect",
            "--format",
            "{{json .HostConfig.SecurityOpt}}",
            name,
        ])
    };
    env.ok(&["create", "--name", "plain", &image, "true"]);
    assert_eq!(opts("plain"), "null\n");
    env.ok(&[
        "create",
        "--name",
        "loose",
        "--security-opt",
        "seccomp=unconfined",
        "--security-opt",
        "no-new-privileges",
        &image,
        "true",
    ]);
    assert_eq!(
        opts("loose"),
        "[\"no-new-privileges\",\"seccomp=unconfined\"]\n"
    );
}

#[test]
fn a_bad_profile_is_refused_before_anything_is_created() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let truncated = profile(&env, "truncated.json", r#"{"defaultAction": "#);
    let notify = profile(
        &env,
        "notify.json",
        r#"{"defaultAction": "SCMP_ACT_NOTIFY"}"#,
    );
    let bad_arg = profile(
        &env,
        "bad-arg.json",
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ERRNO", "args": [{"index": 9, "value": 0, "op": "SCMP_CMP_EQ"}]}]}"#,
    );
    let missing = env.dir.join("missing.json").to_str().unwrap().to_string();
    for (file, reason) in [
        (&truncated, "EOF while parsing"),
        (&notify, "SCMP_ACT_NOTIFY is not supported"),
        (&bad_arg, "argument index 9 is out of range"),
        (&missing, "No such file or directory"),
    ] {
        let option = format!("seccomp={file}");
        for command in ["create", "run"] {
            let err = env.fails(&[command, "--security-opt", &option, &image, "true"], 125);
            assert!(
                err.starts_with(&format!("Error: invalid seccomp profile {file}: "))
                    && err.contains(reason)
                    && err.ends_with('\n')
                    && err.lines().count() == 1,
                "{command} {file}: {err}"
            );
        }
    }
    assert_eq!(env.ok(&["ps", "-a", "-q"]), "");
}
