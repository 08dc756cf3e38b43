//! Rootfs drivers: containers on a `vfs` copy see the image's merged
//! layers with their owners and modes, keep their writes across restarts
//! and lose them at `rm`; `--storage-driver`, `$RPOD_STORAGE_DRIVER` and
//! `storage_driver` in rpod.conf choose the driver, `info` and `inspect`
//! report it, and a bogus name is one line and exit 125.

mod common;

use common::TestEnv;
use std::path::PathBuf;

fn pulled(env: &TestEnv, name: &str) -> String {
    let image = env.image(name);
    env.ok(&["pull", "-q", &image]);
    image
}

fn default_driver(env: &TestEnv) -> String {
    env.ok(&["info", "--format", "{{.Store.GraphDriverName}}"])
        .trim()
        .to_string()
}

#[test]
fn a_vfs_copy_shows_the_merged_layers_with_owners_and_modes() {
    let env = TestEnv::new();
    let image = pulled(&env, "library/multilayer:latest");
    let script = "stat -c '%u %g %a' /data/owned-by-app /data/setgid-dir /data/nobody-dir \
                  /data/setuid-bin /data/sticky-dir; \
                  stat -c '%Y %h' /data/fixed-mtime.txt /data/hardlink-2; \
                  readlink /data/symlink; ls /data/opaque; cat /data/changed.txt; \
                  for p in /linuxrc /data/removeme.txt /data/gone-dir /data/opaque/old-1.txt; do \
                  test -e $p && echo still $p; done; ls -a /data | grep -c '^\\.wh\\.' || true";
    let out = env.ok(&[
        "--storage-driver",
        "vfs",
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        script,
    ]);
    assert_eq!(
        out,
        "1000 1000 640\n0 1000 2775\n65534 65534 755\n0 0 4755\n0 0 1777\n\
         981173106 1\n946684800 2\nhardlink-1\nnew-sub\nnew.txt\nversion 2\n0\n"
    );
}

#[test]
fn vfs_writes_persist_across_starts_and_rm_removes_the_copy() {
    let env = TestEnv::new();
    let image = pulled(&env, "library/busybox:latest");
    let id = env.ok(&[
        "--storage-driver",
        "vfs",
        "create",
        "--name",
        "keep",
        &image,
        "sh",
        "-c",
        "echo hi >> /etc/note; cat /etc/note; rm -f /bin/true",
    ]);
    let id = id.trim();
    assert_eq!(env.ok(&["start", "-a", "keep"]), "hi\n");
    // No flag now: the container keeps the driver it was created with.
    assert_eq!(env.ok(&["start", "-a", "keep"]), "hi\nhi\n");
    assert_eq!(
        env.ok(&[
            "inspect",
            "--format",
            "{{.Driver}} {{.GraphDriver.Name}} {{.GraphDriver.Data.Dir}}",
            "keep"
        ]),
        format!(
            "vfs vfs {}\n",
            env.store()
                .join("containers")
                .join(id)
                .join("vfs")
                .display()
        )
    );
    // Only what the container wrote counts as its size, as with overlay.
    let size = env.ok(&[
        "ps",
        "-a",
        "-s",
        "--filter",
        "name=keep",
        "--format",
        "{{.Size}}",
    ]);
    assert!(size.starts_with("6B "), "{size}");
    let dir: PathBuf = env.store().join("containers").join(id);
    assert!(dir.join("vfs/etc/note").is_file());
    assert!(!dir.join("upper").exists());
    // The image itself is untouched.
    let other = env.ok(&[
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        "test -e /bin/true && echo kept",
    ]);
    assert_eq!(other, "kept\n");
    env.ok(&["rm", "keep"]);
    assert!(!dir.exists());
}

#[test]
fn flag_env_and_config_choose_the_driver() {
    let mut env = TestEnv::new();
    let image = pulled(&env, "library/busybox:latest");
    let probed = if env.overlay_works() {
        "overlay"
    } else {
        "fuse"
    };
    if std::env::var_os("RPOD_STORAGE_DRIVER").is_none() {
        assert_eq!(default_driver(&env), probed);
    }
    let driver_of = |env: &TestEnv, flags: &[&str]| {
        let mut args = flags.to_vec();
        args.extend(["create", &image, "true"]);
        let id = env.ok(&args);
        env.ok(&["inspect", "--format", "{{.Driver}}", id.trim()])
            .trim()
            .to_string()
    };
    assert_eq!(driver_of(&env, &["--storage-driver", "vfs"]), "vfs");
    env.write_file(
        &env.home().join(".config/rpod/rpod.conf"),
        b"storage_driver = \"vfs\"\n",
    );
    // A suite run under a forced driver sets $RPOD_STORAGE_DRIVER, which
    // comes before the configuration file.
    if std::env::var_os("RPOD_STORAGE_DRIVER").is_none() {
        assert_eq!(default_driver(&env), "vfs");
        assert_eq!(driver_of(&env, &[]), "vfs");
    }
    env.env("RPOD_STORAGE_DRIVER", "fuse");
    assert_eq!(driver_of(&env, &[]), "fuse");
    env.env("RPOD_STORAGE_DRIVER", "vfs");
    assert_eq!(
        env.ok(&[
            "--storage-driver",
            "vfs",
            "info",
            "--format",
            "{{.Store.GraphDriverName}}"
        ]),
        "vfs\n"
    );
    if probed == "overlay" {
        assert_eq!(driver_of(&env, &["--storage-driver", "overlay"]), "overlay");
    } else {
        let err = env.fails(&["--storage-driver", "overlay", "create", &image], 125);
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_bogus_driver_is_one_line_and_exit_125() {
    let mut env = TestEnv::new();
    let err = env.fails(&["--storage-driver", "bogus", "info"], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bogus"), "{err}");
    env.write_file(
        &env.home().join(".config/rpod/rpod.conf"),
        b"storage_driver = \"zfs\"\n",
    );
    let err = env.fails(&["info"], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
    env.env("RPOD_STORAGE_DRIVER", "bogus");
    let err = env.fails(&["create", "busybox"], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("RPOD_STORAGE_DRIVER"), "{err}");
    assert!(
        !env.store().join("containers").exists() || {
            std::fs::read_dir(env.store().join("containers"))
                .unwrap()
                .count()
                == 0
        }
    );
}
