//! Volumes: `volume create|ls|inspect|rm|prune`, named volumes made on
//! first use, anonymous ones (`-v /path`, the image's `VOLUME`) removed
//! by `rm -v` and `run --rm`, the image's content copied into an empty
//! volume with owners and modes, `--volumes-from` with a backup and
//! restore round trip, `--mount type=volume`, and `U`.

mod common;

use common::TestEnv;
use std::os::unix::fs::MetadataExt;

/// The test user's first subordinate uid (what uid 1 inside maps to).
fn first_subuid(env: &TestEnv) -> u32 {
    let user = env.command("id").arg("-un").output().unwrap();
    let user = String::from_utf8(user.stdout).unwrap();
    let subuid = std::fs::read_to_string("/etc/subuid").unwrap();
    subuid
        .lines()
        .find_map(|l| {
            let mut fields = l.split(':');
            (fields.next() == Some(user.trim())).then(|| fields.next().unwrap().parse().unwrap())
        })
        .expect("the test user has a subuid range")
}

#[test]
fn named_volumes_are_made_listed_inspected_and_removed() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    assert_eq!(env.ok(&["volume", "create", "data"]), "data\n");
    // Made again: the same volume, as in Docker.
    assert_eq!(env.ok(&["volume", "create", "--name", "data"]), "data\n");
    env.ok(&[
        "volume",
        "create",
        "--label",
        "team=db",
        "--opt",
        "o=uid=1000,gid=1000",
        "owned",
    ]);
    assert_eq!(
        env.ok(&["volume", "ls"]),
        "DRIVER    VOLUME NAME\nlocal     data\nlocal     owned\n"
    );
    assert_eq!(
        env.ok(&["volume", "ls", "-q", "--filter", "label=team=db"]),
        "owned\n"
    );
    assert_eq!(
        env.ok(&["volume", "ls", "-q", "--filter", "name=at"]),
        "data\n"
    );
    assert_eq!(
        env.ok(&[
            "volume",
            "ls",
            "--format",
            "{{.Name}} {{.Labels}}",
            "--filter",
            "dangling=true"
        ]),
        "data \nowned team=db\n"
    );
    assert_eq!(
        env.ok(&["volume", "ls", "--format", "json", "--filter", "name=data"]),
        format!(
            "{{\"CreatedAt\":{created:?},\"Driver\":\"local\",\"Labels\":\"\",\"Links\":\"N/A\",\"Mountpoint\":{:?},\"Name\":\"data\",\"Scope\":\"local\",\"Size\":\"N/A\"}}\n",
            env.store().join("volumes/data/_data").display().to_string(),
            created = env
                .ok(&["volume", "inspect", "--format", "{{.CreatedAt}}", "data"])
                .trim(),
        )
    );
    let mountpoint = env.store().join("volumes/data/_data");
    assert_eq!(
        env.ok(&[
            "volume",
            "inspect",
            "--format",
            "{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}} {{json .Labels}} {{json .Options}}",
            "data",
            "owned",
        ]),
        format!(
            "data local local {} {{}} {{}}\nowned local local {} {{\"team\":\"db\"}} {{\"o\":\"uid=1000,gid=1000\"}}\n",
            mountpoint.display(),
            env.store().join("volumes/owned/_data").display()
        )
    );

    // Data outlives the container that wrote it; root inside is the user.
    env.ok(&[
        "run",
        "--rm",
        "-v",
        "data:/data",
        &image,
        "sh",
        "-c",
        "echo kept > /data/f",
    ]);
    assert_eq!(
        env.ok(&["run", "--rm", "-v", "data:/d:ro", &image, "cat", "/d/f"]),
        "kept\n"
    );
    let written = std::fs::metadata(mountpoint.join("f")).unwrap();
    let out = env.command("id").arg("-u").output().unwrap();
    assert_eq!(
        written.uid().to_string(),
        String::from_utf8(out.stdout).unwrap().trim()
    );
    let out = env.rpod(&["run", "--rm", "-v", "data:/d:ro", &image, "touch", "/d/x"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "touch: /d/x: Read-only file system\n"
    );
    // o=uid=…,gid=… gives the volume to those ids inside, also where the
    // image's content is copied in.
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "-v",
            "owned:/etc",
            &image,
            "stat",
            "-c",
            "%u:%g %n",
            "/etc",
            "/etc/passwd"
        ]),
        "1000:1000 /etc\n0:0 /etc/passwd\n"
    );
    // Under keep-id the volume is the user's own, and so are new files.
    let kept = env.ok(&[
        "run",
        "--rm",
        "--userns=keep-id",
        "-v",
        "data:/d",
        &image,
        "sh",
        "-c",
        "touch /d/mine && stat -c %u /d/mine && id -u",
    ]);
    let (file_uid, my_uid) = kept.trim().split_once('\n').unwrap();
    assert_eq!(file_uid, my_uid);

    // A volume a container names stays; -f removes it when that container
    // is stopped, never while it runs.
    env.ok(&[
        "create", "--name", "user", "-v", "owned:/o", &image, "sleep", "60",
    ]);
    let err = env.fails(&["volume", "rm", "owned"], 1);
    assert!(
        err.starts_with("Error: remove owned: volume is in use - ["),
        "{err}"
    );
    env.ok(&["start", "user"]);
    env.fails(&["volume", "rm", "-f", "owned"], 1);
    env.ok(&["stop", "-t", "0", "user"]);
    assert_eq!(
        env.ok(&["volume", "rm", "-f", "owned", "data"]),
        "owned\ndata\n"
    );
    assert_eq!(env.ok(&["volume", "ls", "-q"]), "");
    // Its container gets an empty one when it starts again.
    env.ok(&["start", "user"]);
    assert_eq!(env.ok(&["volume", "ls", "-q"]), "owned\n");
    env.ok(&["rm", "-f", "user"]);

    let err = env.fails(&["volume", "inspect", "nope"], 1);
    assert_eq!(err, "Error: no such volume: nope\n");
    for bad in [
        vec!["volume", "create", "bad!"],
        vec!["volume", "create", "--opt", "type=nfs", "x1"],
        vec!["volume", "create", "--driver", "nfs", "x2"],
        vec!["volume", "ls", "--filter", "dangling=maybe"],
    ] {
        let err = env.fails(&bad, 125);
        assert_eq!(err.lines().count(), 1, "{bad:?}: {err}");
    }
    assert_eq!(env.ok(&["volume", "ls", "-q"]), "owned\n");
}

#[test]
fn an_empty_volume_takes_the_image_content_with_owners_and_modes() {
    let env = TestEnv::new();
    let image = env.image("library/debian:minbase");
    env.ok(&["pull", "-q", &image]);
    let listing = "find /var/log -mindepth 1 | sort | xargs stat -c '%a %U:%G %s %Y %n'; \
                   stat -c '%a %U:%G' /var/log /var/mail";
    let plain = env.ok(&["run", "--rm", &image, "sh", "-c", listing]);
    let from_volume = env.ok(&[
        "run",
        "--rm",
        "-v",
        "logs:/var/log",
        "-v",
        "mail:/var/mail",
        &image,
        "sh",
        "-c",
        listing,
    ]);
    assert_eq!(from_volume, plain);
    assert!(plain.contains("660 root:utmp 0 "), "{plain}");
    assert!(
        plain.ends_with("755 root:root\n2775 root:mail\n"),
        "{plain}"
    );

    // Only an empty volume is filled: what a container removed stays
    // removed, and nocopy keeps a new one empty.
    env.ok(&[
        "run",
        "--rm",
        "-v",
        "logs:/var/log",
        &image,
        "rm",
        "/var/log/dpkg.log",
    ]);
    let out = env.rpod(&[
        "run",
        "--rm",
        "-v",
        "logs:/var/log",
        &image,
        "ls",
        "/var/log/dpkg.log",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "-v",
            "empty:/var/log:nocopy",
            &image,
            "ls",
            "-A",
            "/var/log"
        ]),
        ""
    );

    // A copy cut short (as by kill -9) before its first move left its
    // staging behind and the data empty; one cut during the moves left
    // part of the data and a marker. The next container copies afresh.
    for (volume, cut) in [
        (
            "cut1",
            "mkdir -p {0}/copy-staging/junk && touch {0}/copy-staging/half",
        ),
        (
            "cut2",
            "echo half > {0}/_data/dpkg.log && touch {0}/copy-unfinished && mkdir {0}/copy-staging",
        ),
    ] {
        env.ok(&["volume", "create", volume]);
        let dir = env.store().join("volumes").join(volume);
        env.unshare_sh(&cut.replace("{0}", &dir.display().to_string()));
        let target = format!("{volume}:/var/log");
        assert_eq!(
            env.ok(&["run", "--rm", "-v", &target, &image, "sh", "-c", listing]),
            plain
        );
        assert!(!dir.join("copy-staging").exists());
        assert!(!dir.join("copy-unfinished").exists());
    }
    // A cut copy's volume mounted where the image has nothing is emptied
    // once; what a container then writes stays.
    env.ok(&["volume", "create", "cut3"]);
    let dir = env.store().join("volumes/cut3");
    env.unshare_sh(&format!(
        "echo half > {0}/_data/half && touch {0}/copy-unfinished",
        dir.display()
    ));
    env.ok(&[
        "run",
        "--rm",
        "-v",
        "cut3:/none",
        &image,
        "sh",
        "-c",
        "ls /none; echo mine > /none/f",
    ]);
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "-v",
            "cut3:/var/log",
            &image,
            "ls",
            "/var/log"
        ]),
        "f\n"
    );

    // Containers starting at once on a new volume each see one whole copy.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let mut run = env.rpod_cmd(&[
                "run",
                "--rm",
                "-v",
                "shared:/var/log",
                &image,
                "sh",
                "-c",
                listing,
            ]);
            run.stdout(std::process::Stdio::piped());
            run.stderr(std::process::Stdio::piped());
            run.spawn().unwrap()
        })
        .collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), plain);
    }
}

/// Imports a busybox image whose config declares `VOLUME /data`, with a
/// file in /data.
fn image_with_a_volume(env: &TestEnv) -> String {
    let tarball = env.dir.join("rootfs.tar");
    common::busybox_rootfs_tar(
        &tarball,
        &[("bin/true", "busybox".to_string())],
        &[("data/seed", "seed\n")],
    );
    env.ok(&[
        "import",
        "--change",
        "VOLUME /data",
        "--change",
        "CMD [\"sh\"]",
        tarball.to_str().unwrap(),
        "withvolume:1",
    ]);
    "withvolume:1".to_string()
}

#[test]
fn anonymous_volumes_go_with_rm_v_and_run_rm_and_prune() {
    let env = TestEnv::new();
    let image = image_with_a_volume(&env);
    // The image's VOLUME is an anonymous volume holding its content.
    env.ok(&[
        "run",
        "--name",
        "ca",
        &image,
        "sh",
        "-c",
        "cat /data/seed; echo new > /data/new",
    ]);
    let anonymous = env.ok(&["volume", "ls", "-q"]);
    assert_eq!(anonymous.trim().len(), 64, "{anonymous}");
    let name = anonymous.trim();
    assert_eq!(
        env.ok(&["volume", "inspect", "--format", "{{json .Labels}}", name]),
        "{\"com.docker.volume.anonymous\":\"\"}\n"
    );
    assert_eq!(
        env.ok(&[
            "inspect",
            "--format",
            "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}",
            "ca"
        ]),
        format!("volume {name} /data\n")
    );
    // Without -v the volume stays, dangling.
    env.ok(&["rm", "ca"]);
    assert_eq!(
        env.ok(&["volume", "ls", "-q", "--filter", "dangling=true"]),
        anonymous
    );

    // rm -v removes anonymous volumes, never named ones.
    env.ok(&["volume", "create", "named"]);
    env.ok(&[
        "run", "--name", "cb", "-v", "named:/n", "-v", "/scratch", &image, "true",
    ]);
    assert_eq!(env.ok(&["volume", "ls", "-q"]).lines().count(), 4);
    env.ok(&["rm", "-v", "cb"]);
    assert_eq!(env.ok(&["volume", "ls", "-q"]).lines().count(), 2);
    // run --rm too; a named volume given for the image's VOLUME replaces it.
    env.ok(&["run", "--rm", "-v", "/scratch", &image, "true"]);
    env.ok(&["run", "--rm", "-v", "named:/data", &image, "true"]);
    let mut expected: Vec<&str> = vec![name, "named"];
    expected.sort();
    assert_eq!(env.ok(&["volume", "ls", "-q"]), expected.join("\n") + "\n");

    // prune: unused anonymous volumes only; -a takes the named ones too,
    // never one a container uses.
    env.ok(&["create", "--name", "keeper", "-v", "named:/data", &image]);
    assert_eq!(
        env.ok(&["volume", "prune", "-f"]),
        format!("Deleted Volumes:\n{name}\n\nTotal reclaimed space: 9B\n")
    );
    assert_eq!(
        env.ok(&["volume", "prune", "-af"]),
        "Total reclaimed space: 0B\n"
    );
    assert_eq!(env.ok(&["volume", "ls", "-q"]), "named\n");
    env.ok(&["rm", "keeper"]);
    // No answer (stdin is empty) is no.
    assert_eq!(
        env.ok(&["volume", "prune", "-a"]),
        "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] "
    );
    assert_eq!(
        env.ok(&["volume", "prune", "-af"]),
        "Deleted Volumes:\nnamed\n\nTotal reclaimed space: 5B\n"
    );
}

#[test]
fn volumes_from_shares_mounts_and_backs_up_and_restores() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let host = env.dir.join("backup");
    env.write_file(&host.join(".keep"), b"");
    let backup = format!("{}:/backup", host.display());
    env.ok(&[
        "run",
        "--name",
        "db",
        "-v",
        "dbdata:/data",
        "-v",
        "/logs",
        &image,
        "sh",
        "-c",
        "echo one > /data/a; mkdir /data/sub; echo two > /data/sub/b; echo log > /logs/l",
    ]);
    env.ok(&[
        "run",
        "--rm",
        "--volumes-from",
        "db",
        "-v",
        &backup,
        &image,
        "tar",
        "cf",
        "/backup/data.tar",
        "/data",
    ]);
    assert!(host.join("data.tar").is_file());
    let logs_of_db = || {
        env.ok(&[
            "run",
            "--rm",
            "--volumes-from",
            "db",
            &image,
            "cat",
            "/logs/l",
        ])
    };
    // Read-only when asked.
    let out = env.rpod(&[
        "run",
        "--rm",
        "--volumes-from",
        "db:ro",
        &image,
        "touch",
        "/data/x",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "touch: /data/x: Read-only file system\n"
    );
    assert_eq!(logs_of_db(), "log\n");

    // Restore into a new container's volume.
    env.ok(&["create", "--name", "db2", "-v", "/data", &image, "true"]);
    env.ok(&[
        "run",
        "--rm",
        "--volumes-from",
        "db2",
        "-v",
        &backup,
        &image,
        "tar",
        "xf",
        "/backup/data.tar",
        "-C",
        "/",
    ]);
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "--volumes-from",
            "db2",
            &image,
            "cat",
            "/data/a",
            "/data/sub/b"
        ]),
        "one\ntwo\n"
    );
    // The anonymous /logs of db is db's: rm -v of a borrower leaves it.
    env.ok(&[
        "run",
        "--name",
        "borrower",
        "--volumes-from",
        "db",
        &image,
        "true",
    ]);
    assert_eq!(
        env.ok(&[
            "ps",
            "-a",
            "--filter",
            "volume=dbdata",
            "--format",
            "{{.Names}}"
        ]),
        "borrower\ndb\n"
    );
    env.ok(&["rm", "-v", "borrower"]);
    assert_eq!(logs_of_db(), "log\n");
    let err = env.fails(
        &["run", "--rm", "--volumes-from", "nope", &image, "true"],
        125,
    );
    assert_eq!(err, "Error: no such container: nope\n");
    env.fails(
        &["run", "--rm", "--volumes-from", "db:rx", &image, "true"],
        125,
    );
}

#[test]
fn mount_type_volume_u_and_propagation() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "--mount",
            "type=volume,src=mv,dst=/m",
            "--mount",
            "type=volume,dst=/anon,volume-nocopy",
            &image,
            "sh",
            "-c",
            "touch /m/f /anon/g && ls /m && ls /anon",
        ]),
        "f\ng\n"
    );
    assert_eq!(env.ok(&["volume", "ls", "-q"]), "mv\n");
    // The three kinds at once, as in Docker's documentation.
    let host = env.dir.join("src");
    env.write_file(&host.join("in"), b"in\n");
    let bind = format!("type=bind,src={},dst=/src,readonly", host.display());
    let script = "cat /src/in /m/f; touch /src/x 2>&1; echo > /m/g && \
                  df -k /t | tail -1 | awk '{print $2}'";
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "--mount",
            &bind,
            "--mount",
            "type=volume,src=mv,dst=/m",
            "--mount",
            "type=tmpfs,dst=/t,tmpfs-size=64m",
            &image,
            "sh",
            "-c",
            script,
        ]),
        "in\ntouch: /src/x: Read-only file system\n65536\n"
    );

    // U gives a host directory to the container's user.
    let host = env.dir.join("given");
    env.write_file(&host.join("f"), b"x");
    let given = format!("{}:/g:U", host.display());
    let run_given = |command: &[&str]| {
        let mut args = vec!["run", "--rm", "--user", "1000:1000", "-v", &given, &image];
        args.extend_from_slice(command);
        env.ok(&args)
    };
    assert_eq!(
        run_given(&["stat", "-c", "%u:%g", "/g", "/g/f"]),
        "1000:1000\n1000:1000\n"
    );
    let outside = first_subuid(&env) + 999;
    assert_eq!(std::fs::metadata(host.join("f")).unwrap().uid(), outside);
    // It never follows a symlink out of the source.
    let mine = env.dir.join("mine");
    env.write_file(&mine, b"mine");
    let me = std::fs::metadata(env.dir.join("home")).unwrap();
    std::os::unix::fs::symlink(&mine, host.join("link")).unwrap();
    std::os::unix::fs::lchown(host.join("link"), Some(me.uid()), Some(me.gid())).unwrap();
    run_given(&["true"]);
    assert_eq!(
        std::fs::symlink_metadata(host.join("link")).unwrap().uid(),
        outside
    );
    assert_eq!(std::fs::metadata(&mine).unwrap().uid(), me.uid());

    // rpod's /etc files are not made in a read-only bind of the user's.
    let empty = env.dir.join("empty-etc");
    env.write_file(&empty.join(".keep"), b"");
    let etc = format!("{}:/etc:ro", empty.display());
    for read_only in [&[][..], &["--read-only"][..]] {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(read_only);
        args.extend_from_slice(&["-v", &etc, &image, "ls", "-A", "/etc"]);
        assert_eq!(env.ok(&args), ".keep\n");
    }
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 1);

    let shared = format!("{}:/s:rshared", env.dir.display());
    env.ok(&[
        "create",
        "--name",
        "pr",
        "-v",
        &shared,
        &image,
        "grep",
        " /s ",
        "/proc/self/mountinfo",
    ]);
    assert_eq!(
        env.ok(&[
            "inspect",
            "--format",
            "{{range .Mounts}}{{.Propagation}}{{end}}",
            "pr"
        ]),
        "rshared\n"
    );
    // The mount is shared inside the container (a peer group of its own;
    // rpod's mounts are cut off from the host's).
    let mountinfo = env.ok(&["start", "-a", "pr"]);
    assert!(mountinfo.contains(" shared:"), "{mountinfo}");
    let err = env.fails(
        &["run", "--rm", "-v", "/a:/x", "-v", "vv:/x/", &image, "true"],
        125,
    );
    assert_eq!(err, "Error: duplicate mount point: /x\n");
}
