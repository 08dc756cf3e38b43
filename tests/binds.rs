//! `-v HOST:CONTAINER[:OPTIONS]` bind mounts: files pass both ways, `ro`
//! is really read-only, a missing host directory is made, a file can be
//! bound too, the user's files are root's inside (and the user's own uid
//! under `--userns=keep-id`), and bad flags are refused before anything
//! is created.

mod common;

use common::TestEnv;
use std::os::unix::fs::MetadataExt;

/// The test user's uid, as `id -u` prints it.
fn uid(env: &TestEnv) -> String {
    let out = env.command("id").arg("-u").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The pulled busybox image, and a host directory `shared` with `in.txt`.
fn busybox_and_shared(env: &TestEnv, content: &[u8]) -> (String, std::path::PathBuf) {
    let image = env.pulled_busybox();
    let host = env.dir.join("shared");
    env.write_file(&host.join("in.txt"), content);
    (image, host)
}

#[test]
fn binds_pass_files_both_ways_and_ro_is_read_only() {
    let env = TestEnv::new();
    let (image, host) = busybox_and_shared(&env, b"from the host\n");
    let rw = format!("{}:/data", host.display());
    let out = env.ok(&[
        "run",
        "--rm",
        "-v",
        &rw,
        &image,
        "sh",
        "-c",
        "cat /data/in.txt; stat -c %u /data/in.txt; echo back > /data/out.txt",
    ]);
    // The user's own files belong to root inside, and root's are the user's.
    assert_eq!(out, "from the host\n0\n");
    let written = host.join("out.txt");
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "back\n");
    assert_eq!(
        std::fs::metadata(&written).unwrap().uid().to_string(),
        uid(&env)
    );

    let ro = format!("{}:/data:ro,z", host.display());
    let out = env.rpod(&["run", "--rm", "-v", &ro, &image, "touch", "/data/x"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "touch: /data/x: Read-only file system\n"
    );
    assert!(!host.join("x").exists());

    // Read-only reaches the mounts below the bound directory (as root,
    // the suite can put one there).
    if rustix::process::geteuid().is_root() {
        let below = host.join("below");
        std::fs::create_dir(&below).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "mode=0777", "below"])
            .arg(&below)
            .status()
            .unwrap();
        assert!(mounted.success());
        let out = env.rpod(&["run", "--rm", "-v", &ro, &image, "touch", "/data/below/x"]);
        let _ = std::process::Command::new("umount").arg(&below).status();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "touch: /data/below/x: Read-only file system\n"
        );
        std::fs::remove_dir(&below).unwrap();
    }

    // A single file, and a host directory that does not exist yet.
    let file = format!("{}:/etc/motd:ro", host.join("in.txt").display());
    let missing = env.dir.join("made/by/rpod");
    let made = format!("{}:/made", missing.display());
    let out = env.ok(&[
        "run",
        "--rm",
        "-v",
        &file,
        "-v",
        &made,
        &image,
        "sh",
        "-c",
        "cat /etc/motd; ls -a /made | wc -l",
    ]);
    assert_eq!(out, "from the host\n2\n");
    assert!(missing.is_dir());

    // A deeper mount given first still shows over its parent's.
    let sub = env.dir.join("sub");
    env.write_file(&sub.join("deep.txt"), b"deep\n");
    let deeper = format!("{}:/data/sub", sub.display());
    let out = env.ok(&[
        "run",
        "--rm",
        "-v",
        &deeper,
        "-v",
        &rw,
        &image,
        "cat",
        "/data/sub/deep.txt",
        "/data/in.txt",
    ]);
    assert_eq!(out, "deep\nfrom the host\n");

    env.ok(&["create", "--name", "kept", "-v", &ro, &image, "true"]);
    let mounts = env.ok(&["inspect", "--format", "{{json .Mounts}}", "kept"]);
    assert_eq!(
        mounts,
        format!(
            "[{{\"Type\":\"bind\",\"Source\":\"{}\",\"Destination\":\"/data\",\"Mode\":\"ro,z\",\"RW\":false,\"Propagation\":\"rprivate\"}}]\n",
            host.display()
        )
    );
    let binds = env.ok(&["inspect", "--format", "{{json .HostConfig.Binds}}", "kept"]);
    assert_eq!(binds, format!("[\"{ro}\"]\n"));
}

#[test]
fn a_symlink_in_the_container_cannot_send_a_bind_outside_it() {
    let env = TestEnv::new();
    let (image, host) = busybox_and_shared(&env, b"inside\n");
    // A name no other test uses, below the host's /tmp and the image's.
    let unique = env.dir.file_name().unwrap().to_str().unwrap().to_string();
    let volume = format!("{}:/escape/{unique}", host.display());
    let seen = format!("/tmp/{unique}/in.txt");
    env.ok(&[
        "create", "--name", "sym", "-v", &volume, &image, "cat", &seen,
    ]);
    // /escape -> a path that climbs out of the root, then into /tmp.
    let link = env.dir.join("escape");
    std::os::unix::fs::symlink("../../../../../../../../tmp", &link).unwrap();
    env.ok(&["cp", link.to_str().unwrap(), "sym:/"]);
    // Resolved inside the root filesystem: the mount lands on the
    // container's /tmp, never on the host's.
    assert_eq!(env.ok(&["start", "-a", "sym"]), "inside\n");
    assert!(!std::path::Path::new("/tmp").join(&unique).exists());
}

#[test]
fn mount_flags_bind_and_tmpfs() {
    let env = TestEnv::new();
    let (image, host) = busybox_and_shared(&env, b"from the host\n");
    let bind = format!("type=bind,source={},target=/data,readonly", host.display());
    let out = env.rpod(&[
        "run",
        "--rm",
        "--mount",
        &bind,
        "--mount",
        "type=tmpfs,destination=/scratch,tmpfs-size=1m",
        &image,
        "sh",
        "-c",
        "cat /data/in.txt; touch /data/x; echo tmp > /scratch/f && cat /scratch/f; \
         grep ' /scratch ' /proc/mounts | cut -d' ' -f3",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "from the host\ntmp\ntmpfs\n",
        "{out:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "touch: /data/x: Read-only file system\n"
    );
    // Unlike -v, --mount does not make a missing source.
    let missing = env.dir.join("missing");
    let flag = format!("type=bind,src={},dst=/m", missing.display());
    let err = env.fails(&["run", "--rm", "--mount", &flag, &image, "true"], 125);
    assert!(err.contains("bind source path does not exist"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn keep_id_shows_the_users_files_as_the_user() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let host = env.dir.join("project");
    env.write_file(&host.join("mine.txt"), b"x");
    let volume = format!("{}:/p", host.display());
    let uid = uid(&env);
    let out = env.ok(&[
        "run",
        "--rm",
        "--userns=keep-id",
        "-v",
        &volume,
        &image,
        "sh",
        "-c",
        "stat -c %u /p/mine.txt; touch /p/new",
    ]);
    assert_eq!(out, format!("{uid}\n"));
    let new = std::fs::metadata(host.join("new")).unwrap();
    assert_eq!(new.uid().to_string(), uid);
}

#[test]
fn bad_volume_flags_are_one_line_and_create_nothing() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    for bad in [
        "bad!:/data",
        "./src:/src",
        "/a:relative",
        "/a:/",
        "/a:/b:exec",
        "/a:/b:nocopy",
    ] {
        let err = env.fails(&["run", "--rm", "-v", bad, &image, "true"], 125);
        assert_eq!(err.lines().count(), 1, "{bad}: {err}");
        assert!(err.starts_with("Error: "), "{bad}: {err}");
    }
    assert_eq!(env.ok(&["ps", "-aq"]), "");
    assert!(!std::path::Path::new("/a").exists());
}
