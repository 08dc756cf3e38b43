//! The store under stress and in odd places: concurrent pulls, `kill -9`
//! in the middle of a pull, where the store and runtime directory live,
//! and the configuration file.

mod common;

use common::TestEnv;
use std::os::unix::fs::MetadataExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn eight_concurrent_pulls_all_succeed_and_share_layers() {
    let env = TestEnv::new();
    let images = [
        "library/busybox:latest",
        "library/busybox:latest",
        "library/busybox:oci",
        "library/busybox:zstd",
        "library/multilayer:latest",
        "library/multilayer:latest",
        "library/multiarch:latest",
        "library/debian:minbase",
    ];
    let children: Vec<_> = images
        .iter()
        .map(|image| {
            env.rpod_cmd(&["pull", "-q", &env.image(image)])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (child, image) in children.into_iter().zip(images) {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{image}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // busybox (shared by five images), 3 more of multilayer, 1 of debian,
    // and multiarch's amd64 image is the busybox layer again.
    assert_eq!(entries(&env.store().join("layers")).len(), 5);
    let listed = env.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    assert_eq!(listed.lines().count(), 6, "{listed}");
    for layer in entries(&env.store().join("layers")) {
        assert!(
            env.store()
                .join("layers")
                .join(&layer)
                .join("layer.json")
                .exists()
        );
    }
}

#[test]
fn kill_9_during_a_pull_leaves_a_usable_store() {
    let env = TestEnv::new();
    let big = env.image("library/big:latest");
    for _ in 0..2 {
        let mut child = env
            .rpod_cmd(&["pull", "-q", &big])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the layer is being unpacked, then kill the CLI; the
        // worker in the user namespace dies with it.
        let deadline = Instant::now() + Duration::from_secs(120);
        while entries(&env.store().join("tmp"))
            .iter()
            .all(|e| !e.starts_with("layer-"))
        {
            assert!(
                Instant::now() < deadline,
                "the pull never started unpacking"
            );
            assert!(
                child.try_wait().unwrap().is_none(),
                "the pull ended before it could be killed"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(env.ok(&["images", "-q"]), "", "no half image is listed");
        assert!(
            entries(&env.store().join("layers")).is_empty(),
            "no half layer is visible"
        );
    }
    // Nothing of the killed pulls' processes is left (the kernel may take
    // a moment to reap the worker).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stragglers = std::process::Command::new("pgrep")
            .args(["-f", &format!("pull -q {big}")])
            .output()
            .unwrap();
        if stragglers.stdout.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{}",
            String::from_utf8_lossy(&stragglers.stdout)
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    env.ok(&["pull", "-q", &big]);
    assert_eq!(
        env.ok(&["images", "--format", "{{.Repository}}"]).trim(),
        env.image("library/big")
    );
    // Collection clears the debris of the killed pulls.
    env.ok(&["image", "prune", "-f"]);
    assert_eq!(entries(&env.store().join("tmp")), Vec::<String>::new());
    env.ok(&["pull", "-q", &env.image("library/busybox:latest")]);
}

#[test]
fn store_and_runtime_locations_follow_flags_environment_and_xdg() {
    let env = TestEnv::new();
    let info = |env: &TestEnv, extra: &[&str]| -> String {
        let mut args = vec![
            "info",
            "--format",
            "{{.Store.GraphRoot}} {{.Store.RunRoot}}",
        ];
        args.extend_from_slice(extra);
        env.ok(&args).trim().to_string()
    };
    let run = env.dir.join("run");
    assert_eq!(
        info(&env, &[]),
        format!("{} {}/rpod", env.store().display(), run.display())
    );
    let flag_root = env.dir.join("flag-root");
    assert_eq!(
        info(&env, &["--root", flag_root.to_str().unwrap()]),
        format!("{} {}/rpod", flag_root.display(), run.display())
    );
    assert_eq!(std::fs::metadata(&flag_root).unwrap().mode() & 0o777, 0o700);

    // Without RPOD_ROOT: $XDG_DATA_HOME/rpod; without XDG_RUNTIME_DIR:
    // a private /tmp/rpod-run-$UID.
    let xdg = env.home().join(".local/share/rpod");
    let plain = env
        .rpod_cmd(&[
            "info",
            "--format",
            "{{.Store.GraphRoot}} {{.Store.RunRoot}}",
        ])
        .env_remove("RPOD_ROOT")
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .unwrap();
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let uid = std::fs::metadata(env.home()).unwrap().uid();
    let tmp_run = format!("/tmp/rpod-run-{uid}");
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout).trim(),
        format!("{} {tmp_run}", xdg.display())
    );
    let meta = std::fs::metadata(&tmp_run).unwrap();
    assert_eq!((meta.uid(), meta.mode() & 0o777), (uid, 0o700));

    // The configuration file chooses the root; RPOD_ROOT still wins.
    let conf_root = env.dir.join("conf-root");
    env.write_file(
        &env.home().join(".config/rpod/rpod.conf"),
        format!("root = \"{}\"\n", conf_root.display()).as_bytes(),
    );
    let from_conf = env
        .rpod_cmd(&["info", "--format", "{{.Store.GraphRoot}}"])
        .env_remove("RPOD_ROOT")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&from_conf.stdout).trim(),
        conf_root.display().to_string()
    );
    assert_eq!(
        info(&env, &[]).split(' ').next().unwrap(),
        env.store().display().to_string()
    );

    env.write_file(&env.home().join(".config/rpod/rpod.conf"), b"root = [\n");
    let err = env.fails(&["images"], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("rpod.conf"), "{err}");
}

#[test]
fn blocked_registries_and_bad_registries_conf_are_refused() {
    let env = TestEnv::new();
    let conf = env.home().join(".config/containers/registries.conf");
    env.write_file(
        &conf,
        format!(
            "[[registry]]\nlocation = \"{}\"\nblocked = true\n",
            common::registry()
        )
        .as_bytes(),
    );
    let err = env.fails(&["pull", &env.image("library/busybox:latest")], 125);
    assert!(err.contains("blocked"), "{err}");
    env.write_file(&conf, b"[registries.search]\nregistries = ['docker.io']\n");
    let err = env.fails(&["pull", "busybox"], 125);
    assert!(
        err.contains("registries.conf") && err.contains("version 2"),
        "{err}"
    );
    assert!(!env.store().join("images.json").exists());
}
