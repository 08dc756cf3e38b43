//! `--userns=keep-id`: the caller's uid and gid keep their values inside
//! the container, the image's files keep their owners, and what the
//! container writes as that user belongs to the caller on the host; with
//! both rootfs drivers.

mod common;

use common::TestEnv;
use std::os::unix::fs::MetadataExt;

/// The test user's `id -u`, `id -g` and `id -un` on the host.
fn host_ids(env: &TestEnv) -> (String, String, String) {
    let id = |flag: &str| {
        let out = env.command("id").arg(flag).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    (id("-u"), id("-g"), id("-un"))
}

#[test]
fn the_caller_keeps_its_ids_and_the_image_its_owners() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let (uid, gid, name) = host_ids(&env);
    for driver in ["overlay", "vfs"] {
        let keep_id_run = |how: &[&str], script: &str| {
            let mut args = vec!["run"];
            args.extend_from_slice(how);
            args.extend_from_slice(&["--userns=keep-id", "--storage-driver", driver, &image]);
            args.extend_from_slice(&["sh", "-c", script]);
            env.ok(&args)
        };
        let out = keep_id_run(
            &["--rm"],
            "id -u; id -g; id -un; stat -c %u:%g /bin/busybox /root /etc/passwd",
        );
        assert_eq!(
            out,
            format!("{uid}\n{gid}\n{name}\n0:0\n0:0\n0:0\n"),
            "{driver}"
        );

        // A file the container writes belongs to the caller on the host.
        let container = format!("kept-{driver}");
        keep_id_run(
            &["-d", "--name", &container],
            "echo mine > /tmp/mine; exec sleep 60",
        );
        assert_eq!(env.ok(&["exec", &container, "cat", "/tmp/mine"]), "mine\n");
        assert_eq!(
            env.ok(&["exec", &container, "id", "-u"]),
            format!("{uid}\n")
        );
        assert_eq!(env.ok(&["exec", "-u", "0", &container, "id", "-u"]), "0\n");
        let id = env.ok(&["inspect", "--format", "{{.Id}}", &container]);
        let changes = match driver {
            "overlay" => "upper",
            _ => "vfs",
        };
        let mine = env
            .store()
            .join("containers")
            .join(id.trim())
            .join(changes)
            .join("tmp/mine");
        let meta = std::fs::metadata(&mine).unwrap();
        assert_eq!(meta.uid().to_string(), uid, "{}", mine.display());
        assert_eq!(meta.gid().to_string(), gid, "{}", mine.display());
        assert_eq!(
            env.ok(&[
                "inspect",
                "--format",
                "{{.HostConfig.UsernsMode}}",
                &container
            ]),
            format!("keep-id:uid={uid},gid={gid}\n")
        );
        env.ok(&["rm", "-f", &container]);
    }
    // Copying into a keep-id container before its first start (which
    // makes its vfs copy) keeps the image's owners as its starts see them.
    env.ok(&[
        "create",
        "--name",
        "copied",
        "--userns=keep-id",
        "--storage-driver",
        "vfs",
        &image,
        "stat",
        "-c",
        "%u:%g",
        "/bin/busybox",
        "/tmp/note",
    ]);
    let note = env.dir.join("note");
    env.write_file(&note, b"x");
    env.ok(&["cp", note.to_str().unwrap(), "copied:/tmp/note"]);
    let owners = env.ok(&["start", "-a", "copied"]);
    assert_eq!(owners.lines().next(), Some("0:0"), "{owners}");
    env.ok(&["rm", "copied"]);

    // The shifted copy of the image goes with the image.
    let mapped = env.store().join("mapped");
    assert_eq!(std::fs::read_dir(&mapped).unwrap().count(), 1);
    env.ok(&["rmi", &image]);
    assert_eq!(std::fs::read_dir(&mapped).unwrap().count(), 0);
}

#[test]
fn chosen_ids_and_bad_modes() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let (uid, _, _) = host_ids(&env);
    let out = env.ok(&[
        "run",
        "--rm",
        "--userns=keep-id:uid=0,gid=0",
        &image,
        "sh",
        "-c",
        "id -u; head -1 /proc/self/uid_map | tr -s ' '",
    ]);
    assert_eq!(out, format!("0\n 0 {uid} 1\n"));
    // Kept as uid 1000, the caller is the image's own user 1000 (app).
    let out = env.ok(&[
        "run",
        "--rm",
        "--userns=keep-id:uid=1000,gid=1000",
        &image,
        "sh",
        "-c",
        "id -un; stat -c %u /bin/busybox",
    ]);
    assert_eq!(out, "app\n0\n");
    for bad in [
        "auto",
        "keep-id:uid=x",
        "keep-id:size=2",
        "ns:/proc/1/ns/user",
    ] {
        let flag = format!("--userns={bad}");
        let err = env.fails(&["run", "--rm", &flag, &image, "true"], 125);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("Error: "), "{err}");
    }
    assert_eq!(env.ok(&["ps", "-aq"]), "");
}

#[test]
fn keep_id_needs_subordinate_ids() {
    let env = TestEnv::without_subids();
    let image = env.pulled_busybox();
    let err = env.fails(&["run", "--rm", "--userns=keep-id", &image, "true"], 125);
    // After the usual warning about the missing range, one line.
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("Error: --userns=keep-id needs subordinate ids"),
        "{err}"
    );
    assert_eq!(env.ok(&["ps", "-aq"]), "");
}
