//! The registry client against misbehaving servers: bearer tokens and
//! their caching, retries on 429/503/dropped connections, parallel layer
//! downloads, schema1 manifests, corrupted blobs, proxies and TTY progress.
//! A scripted front (tests/support/registry_front.py) sits before the real
//! local registry.

mod common;

use common::{TestEnv, registry};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A running front; killed on drop.
struct Front {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Front {
    fn start(mode: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (log, port_file) = (dir.path().join("log"), dir.path().join("port"));
        std::fs::write(&log, "").unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/registry_front.py"
        );
        let child = Command::new("python3")
            .args([script, "--upstream", &registry(), "--mode", mode])
            .arg("--log")
            .arg(&log)
            .arg("--port-file")
            .arg(&port_file)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                break text.trim().parse().unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "the registry front did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Front {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    fn image(&self, name: &str) -> String {
        format!("127.0.0.1:{}/{name}", self.port)
    }

    fn events(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn bearer_tokens_are_fetched_once_per_scope() {
    let front = Front::start("bearer");
    let env = TestEnv::new();
    env.ok(&[
        "pull",
        "-q",
        "--tls-verify=false",
        &front.image("library/multilayer:latest"),
    ]);
    let events = front.events();
    let tokens: Vec<&String> = events.iter().filter(|e| e.starts_with("token ")).collect();
    assert_eq!(tokens.len(), 1, "{events:#?}");
    assert!(
        tokens[0].contains("scope=repository%3Alibrary%2Fmultilayer%3Apull")
            || tokens[0].contains("scope=repository:library/multilayer:pull"),
        "{events:#?}"
    );
    assert!(tokens[0].contains("service=front"), "{events:#?}");
    // Anonymous: no credentials were sent to the token endpoint.
    assert!(tokens[0].ends_with("auth=no"), "{events:#?}");
}

#[test]
fn transient_failures_are_retried() {
    let front = Front::start("flaky");
    let env = TestEnv::new();
    env.ok(&[
        "pull",
        "-q",
        "--tls-verify=false",
        &front.image("library/multilayer:latest"),
    ]);
    let events = front.events();
    assert!(events.iter().any(|e| e.starts_with("503 ")), "{events:#?}");
    assert!(
        events.iter().filter(|e| e.starts_with("drop ")).count() >= 4,
        "{events:#?}"
    );
    let listed = env.ok(&["images", "--format", "{{.Repository}}"]);
    assert_eq!(listed.trim(), front.image("library/multilayer"));
}

#[test]
fn layers_download_at_least_four_at_a_time() {
    let front = Front::start("barrier");
    let env = TestEnv::new();
    env.ok(&[
        "pull",
        "-q",
        "--tls-verify=false",
        &front.image("library/multilayer:latest"),
    ]);
    let peak = front
        .events()
        .iter()
        .filter_map(|e| e.strip_prefix("peak ").map(|n| n.parse::<u32>().unwrap()))
        .max()
        .unwrap();
    assert!(peak >= 4, "peak of parallel blob downloads: {peak}");
}

#[test]
fn schema1_manifests_are_refused_clearly() {
    let front = Front::start("schema1");
    let env = TestEnv::new();
    let err = env.fails(
        &[
            "pull",
            "--tls-verify=false",
            &front.image("library/busybox:latest"),
        ],
        125,
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("schema1") && err.contains("not support"),
        "{err}"
    );
}

#[test]
fn a_corrupted_blob_is_discarded() {
    let front = Front::start("corrupt");
    let env = TestEnv::new();
    let err = env.fails(
        &[
            "pull",
            "--tls-verify=false",
            &front.image("library/busybox:latest"),
        ],
        125,
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("digest mismatch") || err.contains("does not match"),
        "{err}"
    );
    assert_eq!(env.ok(&["images", "-q"]), "");
    let layers = std::fs::read_dir(env.store().join("layers"))
        .unwrap()
        .count();
    assert_eq!(layers, 0);
}

#[test]
fn proxies_from_the_environment_are_used_unless_no_proxy_matches() {
    let mut env = TestEnv::new();
    let image = env.image("library/busybox:latest");
    env.env("HTTP_PROXY", "http://127.0.0.1:9");
    env.env("HTTPS_PROXY", "http://127.0.0.1:9");
    let err = env.fails(&["pull", "-q", &image], 125);
    assert!(
        err.contains("cannot reach registry") || err.contains("proxy"),
        "{err}"
    );
    env.env("NO_PROXY", "127.0.0.1");
    env.ok(&["pull", "-q", &image]);
}

#[test]
fn a_terminal_gets_progress_bars() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    let bin = common::binary();
    // `script` gives the command a pseudo-terminal.
    let out = env
        .command("script")
        .env("TERM", "xterm")
        .args([
            "-qec",
            &format!("stty cols 120 rows 40; {} pull {image}", bin.display()),
            "/dev/null",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("Pull complete"), "{screen}");
    assert!(
        screen.contains("Downloading [") && screen.contains('\u{1b}'),
        "no bars in: {screen}"
    );
    assert!(
        screen.contains(&format!("Status: Downloaded newer image for {image}")),
        "{screen}"
    );
}

#[test]
fn a_layer_already_in_the_store_is_never_fetched_again() {
    let front = Front::start("plain");
    let env = TestEnv::new();
    env.ok(&[
        "pull",
        "-q",
        "--tls-verify=false",
        &front.image("library/busybox:latest"),
    ]);
    let out = env.ok(&[
        "pull",
        "--tls-verify=false",
        &front.image("library/multilayer:latest"),
    ]);
    let layer_gets: Vec<String> = front
        .events()
        .into_iter()
        .filter(|e| e.starts_with("GET ") && e.contains("/blobs/sha256:"))
        .collect();
    let mut unique = layer_gets.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        layer_gets.len(),
        "a blob was fetched twice: {layer_gets:#?}"
    );
    // busybox: config + layer; multilayer: config + 3 new layers.
    assert_eq!(layer_gets.len(), 6, "{layer_gets:#?}");
    assert_eq!(
        out.lines()
            .filter(|l| l.ends_with(": Already exists"))
            .count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.ends_with(": Pull complete"))
            .count(),
        3,
        "{out}"
    );
}
