//! `rpod pull` against the local registries: short names, TLS settings,
//! manifest kinds, compression kinds, platforms, re-pulls and errors.

mod common;

use common::{TestEnv, registry};

fn hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn short_name_pulls_through_the_docker_hub_mirror_with_docker_output() {
    let env = TestEnv::new();
    let out = env.ok(&["pull", "busybox"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Using default tag: latest");
    assert_eq!(lines[1], "latest: Pulling from library/busybox");
    let layer = lines[2].split(':').next().unwrap();
    assert_eq!(layer.len(), 12);
    assert_eq!(lines[2], format!("{layer}: Pulling fs layer"));
    assert_eq!(lines[3], format!("{layer}: Pull complete"));
    assert!(lines[4].starts_with("Digest: sha256:"), "{out}");
    assert_eq!(
        lines[5],
        "Status: Downloaded newer image for busybox:latest"
    );
    assert_eq!(lines[6], "docker.io/library/busybox:latest");
    assert_eq!(lines.len(), 7);
    let listed = env.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    assert_eq!(listed, "busybox:latest\n");
}

#[test]
fn short_names_use_the_first_search_registry_that_has_the_image() {
    let env = TestEnv::new();
    let conf = format!(
        "unqualified-search-registries = [\"rpod-no-such-host.invalid\", \"{r}\"]\n[[registry]]\nlocation = \"{r}\"\ninsecure = true\n",
        r = registry()
    );
    env.write_file(
        &env.home().join(".config/containers/registries.conf"),
        conf.as_bytes(),
    );
    // Not on the unreachable registry: a reachability error ends the search,
    // as it would otherwise hide which image was meant.
    let err = env.fails(&["pull", "library/busybox"], 125);
    assert!(err.contains("rpod-no-such-host.invalid"), "{err}");
    let conf = format!(
        "unqualified-search-registries = [\"{r}\"]\n[[registry]]\nlocation = \"{r}\"\ninsecure = true\n",
        r = registry()
    );
    env.write_file(
        &env.home().join(".config/containers/registries.conf"),
        conf.as_bytes(),
    );
    let out = env.ok(&["pull", "library/busybox:oci"]);
    assert!(
        out.ends_with(&format!("{}/library/busybox:oci\n", registry())),
        "{out}"
    );
}

#[test]
fn pulling_twice_is_a_no_op_that_says_so() {
    let env = TestEnv::new();
    let image = env.image("library/busybox:latest");
    env.ok(&["pull", &image]);
    let layers_before = std::fs::read_dir(env.store().join("layers"))
        .unwrap()
        .count();
    let out = env.ok(&["pull", &image]);
    assert!(
        out.contains(&format!("Status: Image is up to date for {image}")),
        "{out}"
    );
    assert!(!out.contains("Pull complete"), "{out}");
    assert_eq!(
        std::fs::read_dir(env.store().join("layers"))
            .unwrap()
            .count(),
        layers_before
    );
}

#[test]
fn quiet_prints_only_the_image_id() {
    let env = TestEnv::new();
    let out = env.ok(&["pull", "-q", &env.image("library/busybox:latest")]);
    assert!(hex64(out.trim()), "{out:?}");
    assert_eq!(out.lines().count(), 1);
    let id = env.ok(&["images", "-q", "--no-trunc"]);
    assert_eq!(id.trim(), format!("sha256:{}", out.trim()));
}

#[test]
fn tls_verify_false_is_needed_for_a_plain_http_registry() {
    let env = TestEnv::new();
    // Without the registries.conf entry the registry is not insecure.
    std::fs::write(env.home().join(".config/containers/registries.conf"), "").unwrap();
    let image = env.image("library/busybox:latest");
    let err = env.fails(&["pull", &image], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("Error: "), "{err}");
    assert!(err.contains("TLS") || err.contains("reach"), "{err}");
    env.ok(&["pull", "--tls-verify=false", &image]);
}

#[test]
fn oci_zstd_and_uncompressed_images_pull_and_share_layers() {
    let env = TestEnv::new();
    for tag in ["latest", "oci", "zstd", "uncompressed"] {
        env.ok(&["pull", "-q", &env.image(&format!("library/busybox:{tag}"))]);
    }
    // All four carry the same uncompressed layer: it is unpacked once.
    assert_eq!(
        std::fs::read_dir(env.store().join("layers"))
            .unwrap()
            .count(),
        1
    );
    let layer_dirs = env.unshare_sh("ls \"$RPOD_ROOT\"/layers/*/diff/bin/busybox");
    assert_eq!(layer_dirs.lines().count(), 1);
}

#[test]
fn platform_selection_from_an_index_and_a_manifest_list() {
    let env = TestEnv::new();
    for tag in ["latest", "dockerlist"] {
        let image = env.image(&format!("library/multiarch:{tag}"));
        env.ok(&["pull", "-q", "--platform", "linux/arm64", &image]);
        let arch = env.ok(&["image", "inspect", "--format", "{{.Architecture}}", &image]);
        assert_eq!(arch, "arm64\n");
        env.ok(&["pull", "-q", "--platform", "linux/arm/v7", &image]);
        let inspect = env.ok(&[
            "image",
            "inspect",
            "--format",
            "{{.Architecture}}/{{.Variant}}",
            &image,
        ]);
        assert_eq!(inspect, "arm/v7\n");
        env.ok(&["pull", "-q", &image]);
        let arch = env.ok(&[
            "image",
            "inspect",
            "--format",
            "{{.Os}}/{{.Architecture}}",
            &image,
        ]);
        assert_eq!(arch, "linux/amd64\n");
    }
    let err = env.fails(
        &[
            "pull",
            "--platform",
            "linux/s390x",
            &env.image("library/multiarch:latest"),
        ],
        125,
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no image for platform linux/s390x")
            && err.contains("linux/amd64")
            && err.contains("linux/arm64"),
        "{err}"
    );
    env.ok(&[
        "pull",
        "-q",
        "--arch",
        "arm64",
        &env.image("library/multiarch:latest"),
    ]);
}

#[test]
fn a_debian_minbase_image_pulls() {
    let env = TestEnv::new();
    env.ok(&["pull", "-q", &env.image("library/debian:minbase")]);
    let version = env.unshare_sh(
        "for d in \"$RPOD_ROOT\"/layers/*/diff; do cat \"$d/etc/debian_version\" 2>/dev/null; done",
    );
    assert!(version.trim().starts_with("12."), "{version}");
}

#[test]
fn errors_are_one_line_with_status_125() {
    let env = TestEnv::new();
    for (args, expect) in [
        (
            vec!["pull".to_string(), env.image("library/nonexistent:latest")],
            "not found",
        ),
        (
            vec![
                "pull".to_string(),
                "rpod-no-such-host.invalid/x".to_string(),
            ],
            "cannot reach registry",
        ),
        (
            vec!["pull".to_string(), "UPPER/case".to_string()],
            "invalid reference format",
        ),
        (
            vec![
                "pull".to_string(),
                "--platform".to_string(),
                "linux".to_string(),
                "busybox".to_string(),
            ],
            "invalid platform",
        ),
        (
            vec!["pull".to_string(), "--no-such-flag".to_string()],
            "unexpected argument",
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = env.fails(&args, 125);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("Error: ") && err.contains(expect),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let images = env.ok(&["images", "-q"]);
    assert_eq!(images, "");
}

#[test]
fn pull_by_digest_verifies_it() {
    let env = TestEnv::new();
    let out = env.ok(&["pull", &env.image("library/busybox:latest")]);
    let digest = out
        .lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .unwrap()
        .to_string();
    let by_digest = format!("{}@{digest}", env.image("library/busybox"));
    env.ok(&["pull", "-q", &by_digest]);
    let wrong = format!("{}@sha256:{}", env.image("library/busybox"), "0".repeat(64));
    let err = env.fails(&["pull", &wrong], 125);
    assert!(err.contains("not found"), "{err}");
    let digests = env.ok(&["images", "--digests", "--format", "{{.Digest}}"]);
    assert_eq!(digests.trim(), digest);
}
