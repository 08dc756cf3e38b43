//! The command-line surface: help, version, usage errors, `info` and
//! `unshare`.

mod common;

use common::TestEnv;

#[test]
fn help_and_version() {
    let env = TestEnv::new();
    let help = env.ok(&["--help"]);
    for command in [
        "pull", "images", "image", "tag", "rmi", "inspect", "history", "login", "logout", "info",
        "version", "unshare", "import",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "{command} missing from:\n{help}"
        );
    }
    assert!(env.ok(&["pull", "--help"]).contains("--platform"));
    assert!(env.ok(&["image", "ls", "--help"]).contains("--digests"));
    assert_eq!(
        env.ok(&["--version"]),
        format!("rpod {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        env.ok(&["version", "--format", "{{.Client.Version}}"]),
        format!("{}\n", env!("CARGO_PKG_VERSION"))
    );
    let version = env.ok(&["version"]);
    assert!(
        version.starts_with("Client:\n Version:      ") && version.contains("OS/Arch:      linux/"),
        "{version}"
    );
    // Bare `rpod` prints usage and succeeds, as `docker` does.
    let bare = env.rpod(&[]);
    assert_eq!(bare.status.code(), Some(0));
}

#[test]
fn usage_errors_are_one_line_and_125() {
    let env = TestEnv::new();
    for args in [
        vec!["frobnicate"],
        vec!["images", "--bogus"],
        vec!["pull"],
        vec!["tag", "onlyone"],
        vec!["history", "-H=maybe", "x"],
    ] {
        let err = env.fails(&args, 125);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("Error: ") && err.ends_with("(see 'rpod --help')\n"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn info_reports_store_driver_mapping_and_helpers() {
    let env = TestEnv::new();
    let text = env.ok(&["info"]);
    // The probe's choice, unless the suite runs under a forced driver.
    let forced = std::env::var("RPOD_STORAGE_DRIVER").unwrap_or_else(|_| "overlay".into());
    let driver = format!("GraphDriverName: {forced}");
    for needle in [
        "Host:",
        "IDMappings:",
        "UIDMap:",
        "Helpers:",
        "newuidmap: /usr/bin/newuidmap",
        "Store:",
        &driver,
        "OverlayInUserNamespace: true",
        "Cgroups: ",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["info", "--format", "json"])).unwrap();
    assert_eq!(json["Host"]["SingleUIDMapping"], false);
    assert_eq!(json["Host"]["IDMappings"]["UIDMap"][1]["Size"], 65536);
    assert_eq!(
        json["Store"]["GraphRoot"],
        env.store().display().to_string()
    );
    assert_eq!(
        env.ok(&["info", "--format", "{{.Store.GraphDriverName}}"]),
        format!("{forced}\n")
    );
    let single = TestEnv::without_subids();
    assert_eq!(
        single.ok(&["info", "--format", "{{.Host.SingleUIDMapping}}"]),
        "true\n"
    );
}

#[test]
fn unshare_runs_commands_as_root_of_the_mapping() {
    let env = TestEnv::new();
    assert_eq!(env.ok(&["unshare", "id", "-u"]), "0\n");
    let map = env.ok(&["unshare", "cat", "/proc/self/uid_map"]);
    let rows: Vec<Vec<&str>> = map
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{map}");
    assert_eq!(rows[1][0], "1");
    assert_eq!(rows[1][2], "65536");
    assert_eq!(
        env.ok(&["unshare", "sh", "-c", "echo $RPOD_ROOT"]).trim(),
        env.store().display().to_string()
    );
    // A nested rpod runs in place, in the same namespace and store.
    assert_eq!(
        env.ok(&[
            "unshare",
            common::binary().to_str().unwrap(),
            "unshare",
            "id",
            "-u"
        ]),
        "0\n"
    );
    env.fails(&["unshare", "sh", "-c", "exit 7"], 7);
    let err = env.fails(&["unshare", "no-such-command-here"], 127);
    assert!(err.contains("cannot run no-such-command-here"), "{err}");
}
