//! `rpod cp` between the host and running, created and stopped
//! containers: files, directories, `-a`, tar streams both ways, Docker's
//! path rules and their errors, and the confinement of every path to the
//! container's root and of every extraction to its destination.

mod common;

use common::{TestEnv, eventually};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Stdio;

/// Runs a shell script on the host as the test user, in the test's dir.
fn host_sh(env: &TestEnv, script: &str) -> String {
    let out = env.command("sh").args(["-c", script]).output().unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A created container that runs the script `/probe.sh` each time it is
/// started; `probe` copies a script in and returns what it printed.
fn probe_box(env: &TestEnv, image: &str, name: &str) {
    env.ok(&["create", "--name", name, image, "sh", "/probe.sh"]);
}

fn probe(env: &TestEnv, name: &str, script: &str) -> String {
    env.write_file(&env.dir.join("probe.sh"), script.as_bytes());
    env.ok(&["cp", "probe.sh", &format!("{name}:/probe.sh")]);
    let out = env.rpod(&["start", "-a", name]);
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The uid of the test user (who owns the test's directory).
fn test_uid(env: &TestEnv) -> u32 {
    std::fs::metadata(&env.dir).unwrap().uid()
}

/// A running container that, on SIGUSR1, prints `/tmp/f` with its owner
/// and exits.
const SHOW_ON_USR1: &str = "trap 'cat /tmp/f; stat -c %u:%g /tmp/f; exit 0' USR1; \
     echo ready; while true; do sleep 0.1; done";

#[test]
fn files_out_of_and_into_a_running_container() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let id = env.ok(&[
        "run",
        "-d",
        "--name",
        "web",
        &image,
        "sh",
        "-c",
        SHOW_ON_USR1,
    ]);
    eventually("web ready", || env.logs_so_far("web") == "ready\n");

    // Out: a file into the working directory, owned by the caller.
    assert_eq!(env.ok(&["cp", "web:/etc/passwd", "."]), "");
    let passwd = std::fs::read_to_string(env.dir.join("passwd")).unwrap();
    assert!(passwd.starts_with("root:x:0:0:"), "{passwd}");
    let meta = std::fs::metadata(env.dir.join("passwd")).unwrap();
    assert_eq!(meta.uid(), test_uid(&env));
    // A relative container path is relative to its root; a new name is taken.
    env.ok(&["container", "cp", "web:etc/group", "groups.txt"]);
    assert!(
        std::fs::read_to_string(env.dir.join("groups.txt"))
            .unwrap()
            .starts_with("root:")
    );

    // In: into an existing directory, owned by root inside.
    env.write_file(&env.dir.join("f"), b"hello from the host\n");
    env.ok(&["cp", "./f", "web:/tmp/"]);
    // The write went through the overlay into the container's upper dir.
    let id = id.trim();
    let upper = env.unshare_sh(&format!("cat \"$RPOD_ROOT/containers/{id}/upper/tmp/f\""));
    assert_eq!(upper, "hello from the host\n");
    env.ok(&["kill", "-s", "USR1", "web"]);
    env.ok(&["wait", "web"]);
    assert_eq!(env.logs_so_far("web"), "ready\nhello from the host\n0:0\n");
}

#[test]
fn directories_both_ways_in_archive_mode() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    probe_box(&env, &image, "box");
    host_sh(
        &env,
        "mkdir -p tree/sub && echo a > tree/a && echo b > tree/sub/b && \
         ln -s ../a tree/sub/l && chmod 640 tree/sub/b",
    );
    let uid = test_uid(&env);

    // A new destination takes the source's contents under its own name;
    // -a keeps the host owner, without it files belong to root inside.
    env.ok(&["cp", "-a", "tree", "box:/tmp/kept"]);
    env.ok(&["cp", "tree", "box:/tmp/"]);
    let out = probe(
        &env,
        "box",
        "cd /tmp && find kept tree | sort && stat -c '%n %u %a' kept/a kept/sub/b tree/a && \
         readlink kept/sub/l && cat kept/sub/l",
    );
    assert_eq!(
        out,
        format!(
            "kept\nkept/a\nkept/sub\nkept/sub/b\nkept/sub/l\n\
             tree\ntree/a\ntree/sub\ntree/sub/b\ntree/sub/l\n\
             kept/a {uid} 644\nkept/sub/b {uid} 640\ntree/a 0 644\n../a\na\n"
        )
    );

    // Out of the (now stopped) container: a whole directory, then only
    // its contents (`/.`) into an existing directory.
    env.ok(&["cp", "-a", "box:/tmp/kept", "back"]);
    host_sh(&env, "mkdir flat");
    env.ok(&["cp", "box:/tmp/kept/.", "flat"]);
    let listing = host_sh(
        &env,
        "find back flat | sort && readlink back/sub/l && stat -c '%a' back/sub/b",
    );
    assert_eq!(
        listing,
        "back\nback/a\nback/sub\nback/sub/b\nback/sub/l\nflat\nflat/a\nflat/sub\nflat/sub/b\nflat/sub/l\n../a\n640\n"
    );
    for copied in ["back", "back/sub/b", "flat/a"] {
        let meta = std::fs::symlink_metadata(env.dir.join(copied)).unwrap();
        assert_eq!(meta.uid(), uid, "{copied}");
    }
}

#[test]
fn tar_streams_on_stdin_and_stdout() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    probe_box(&env, &image, "box");

    // Out: a tar of the directory, named by its base name.
    let out = env.rpod(&["cp", "box:/etc", "-"]);
    assert!(out.status.success());
    let mut names = Vec::new();
    let mut archive = tar::Archive::new(&out.stdout[..]);
    for entry in archive.entries().unwrap() {
        names.push(entry.unwrap().path().unwrap().display().to_string());
    }
    assert!(names.contains(&"etc".to_string()), "{names:?}");
    assert!(names.contains(&"etc/passwd".to_string()), "{names:?}");

    // In: extracted at the destination directory, owned by root inside.
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(6);
    header.set_mode(0o600);
    header.set_uid(1234);
    builder
        .append_data(&mut header, "in/x", &b"x data"[..])
        .unwrap();
    let stream = builder.into_inner().unwrap();
    std::fs::write(env.dir.join("files.tar"), &stream).unwrap();
    let status = env
        .rpod_cmd(&["cp", "-", "box:/tmp"])
        .stdin(std::fs::File::open(env.dir.join("files.tar")).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let shown = probe(
        &env,
        "box",
        "cat /tmp/in/x; echo; stat -c '%u %a' /tmp/in/x",
    );
    assert_eq!(shown, "x data\n0 600\n");
    // With -a the owner in the stream is kept.
    let status = env
        .rpod_cmd(&["cp", "-a", "-", "box:/tmp"])
        .stdin(std::fs::File::open(env.dir.join("files.tar")).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(probe(&env, "box", "stat -c %u /tmp/in/x"), "1234\n");
}

#[test]
fn a_stopped_container_keeps_what_it_wrote() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    env.ok(&[
        "run",
        "--name",
        "done",
        &image,
        "sh",
        "-c",
        "echo made > /tmp/made",
    ]);
    env.ok(&["cp", "done:/tmp/made", "made.txt"]);
    assert_eq!(
        std::fs::read_to_string(env.dir.join("made.txt")).unwrap(),
        "made\n"
    );
    // A file onto an existing file replaces it.
    env.write_file(&env.dir.join("made.txt"), b"old\n");
    env.ok(&["cp", "done:/tmp/made", "made.txt"]);
    assert_eq!(
        std::fs::read_to_string(env.dir.join("made.txt")).unwrap(),
        "made\n"
    );
}

#[test]
fn errors_are_one_line_with_status_125() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    probe_box(&env, &image, "box");
    env.write_file(&env.dir.join("file"), b"data\n");
    let cases: &[(&[&str], &str)] = &[
        (
            &["cp", "box:/nonexistent", "."],
            "could not find box:/nonexistent",
        ),
        (
            &["cp", "./missing", "box:/tmp/"],
            "could not find ./missing",
        ),
        (
            &["cp", "box:/etc", "file"],
            "cannot copy a directory onto the file file",
        ),
        (
            &["cp", "file", "box:/newdir/"],
            "the destination directory box:/newdir/ does not exist",
        ),
        (&["cp", "file", "box:/nope/x"], "could not find box:/nope/x"),
        (
            &["cp", "box:/etc/passwd/", "."],
            "box:/etc/passwd/: not a directory",
        ),
        (
            &["cp", "-", "box:/etc/passwd"],
            "the destination box:/etc/passwd must be a directory",
        ),
        (
            &["cp", "box:/etc", "box:/tmp"],
            "copying between containers is not supported",
        ),
        (&["cp", "file", "other"], "must be CONTAINER:PATH"),
        (&["cp", "nosuch:/etc", "."], "nosuch"),
    ];
    for (args, expected) in cases {
        let err = env.fails(args, 125);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("Error: "), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // Nothing was created by the failures.
    assert!(!env.dir.join("nonexistent").exists());
}

#[test]
fn container_symlinks_resolve_inside_the_container() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let links = "ln -s / /rootlink && ln -s ../../../.. /tmp/up && ln -s /etc/passwd /pw && \
                 mkdir /tmp/drop && ln -s / /tmp/drop/out";
    let container_passwd = |env: &TestEnv, name: &str| {
        env.ok(&["cp", &format!("{name}:/etc/passwd"), "direct"]);
        std::fs::read(env.dir.join("direct")).unwrap()
    };
    // A stopped container, then a running one.
    env.ok(&["run", "--name", "stopped", &image, "sh", "-c", links]);
    let script = format!("{links} && {SHOW_ON_USR1}");
    env.ok(&["run", "-d", "--name", "live", &image, "sh", "-c", &script]);
    eventually("live ready", || env.logs_so_far("live") == "ready\n");
    for name in ["stopped", "live"] {
        let inside = container_passwd(&env, name);
        for path in [
            "/rootlink/etc/passwd",
            "/tmp/up/etc/passwd",
            "/tmp/up/../../etc/passwd",
        ] {
            let _ = std::fs::remove_file(env.dir.join("got"));
            env.ok(&["cp", &format!("{name}:{path}"), "got"]);
            assert_eq!(
                std::fs::read(env.dir.join("got")).unwrap(),
                inside,
                "{name}:{path}"
            );
        }
        // -L follows a final symlink, inside the container too.
        env.ok(&["cp", "-L", &format!("{name}:/pw"), "pw"]);
        assert_eq!(std::fs::read(env.dir.join("pw")).unwrap(), inside);
        // Without -L the symlink itself is copied.
        env.ok(&["cp", &format!("{name}:/pw"), "pwlink"]);
        let target = std::fs::read_link(env.dir.join("pwlink")).unwrap();
        assert_eq!(target, Path::new("/etc/passwd"));
        for f in ["pw", "pwlink"] {
            std::fs::remove_file(env.dir.join(f)).unwrap();
        }
        // Into the container through a symlink to `/`: it stays inside.
        let marker = format!("rpod-cp-escape-{}", std::process::id());
        env.write_file(&env.dir.join(&marker), b"x");
        env.ok(&["cp", &marker, &format!("{name}:/tmp/up/tmp/")]);
        assert!(
            !Path::new("/tmp").join(&marker).exists(),
            "{name}: wrote on the host"
        );
        let back = env.ok(&["cp", &format!("{name}:/tmp/{marker}"), "-"]);
        assert!(back.contains(&marker), "{name}");
    }
    env.ok(&["kill", "live"]);
}

/// A tar stream whose entries are written raw (tar::Builder refuses `..`).
fn raw_tar(entries: &[(&str, tar::EntryType, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, kind, link) in entries {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_entry_type(*kind);
        header.set_mode(0o644);
        if !link.is_empty() {
            header.set_link_name(link).unwrap();
        }
        let data: &[u8] = if *kind == tar::EntryType::Regular {
            b"evil"
        } else {
            b""
        };
        header.set_size(data.len() as u64);
        header.set_cksum();
        builder.append(&header, data).unwrap();
    }
    builder.into_inner().unwrap()
}

#[test]
fn hostile_tar_streams_stay_in_the_destination() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    probe_box(&env, &image, "box");
    probe(&env, "box", "mkdir -p /tmp/drop");
    let send = |stream: Vec<u8>| {
        let path = env.dir.join("hostile.tar");
        std::fs::write(&path, stream).unwrap();
        env.rpod_cmd(&["cp", "-", "box:/tmp/drop"])
            .stdin(std::fs::File::open(&path).unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    use tar::EntryType::{Regular, Symlink};
    let out = send(raw_tar(&[("../../escaped", Regular, "")]));
    assert_eq!(out.status.code(), Some(125));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("escapes"), "{err}");
    // A symlink out of the destination, then a file through it.
    let out = send(raw_tar(&[
        ("link", Symlink, "../../../../"),
        ("link/etc/evil", Regular, ""),
        ("abs", Symlink, "/etc"),
        ("abs/evil2", Regular, ""),
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = probe(
        &env,
        "box",
        "ls /escaped /tmp/escaped /etc/evil /etc/evil2 2>/dev/null; \
         cat /tmp/drop/etc/evil /tmp/drop/etc/evil2; echo",
    );
    assert_eq!(shown, "evilevil\n");
}

#[test]
fn without_subordinate_ids_files_belong_to_the_user() {
    // (`start` itself fails without subordinate ids at the moment, so
    // only a created container is used.)
    let env = TestEnv::without_subids();
    let image = env.pulled_busybox();
    env.write_file(&env.dir.join("f"), b"single\n");
    env.ok(&["create", "--name", "box", &image, "true"]);
    env.ok(&["cp", "-a", "f", "box:/tmp/f"]);
    env.ok(&["cp", "box:/tmp/f", "back"]);
    assert_eq!(std::fs::read(env.dir.join("back")).unwrap(), b"single\n");
    let meta = std::fs::metadata(env.dir.join("back")).unwrap();
    assert_eq!(meta.uid(), test_uid(&env));
}
