//! `rpod run` in the foreground: images pulled on demand, the image's
//! config and its overrides, Docker's exit codes, and isolation (PID, UTS,
//! network, mounts, masked kernel files, no leaked descriptors).

mod common;

use common::TestEnv;

fn busybox(env: &TestEnv) -> String {
    env.image("library/busybox:latest")
}

#[test]
fn run_pulls_a_missing_image_and_prints_only_the_workload_on_stdout() {
    let env = TestEnv::new();
    let image = busybox(&env);
    let out = env.rpod(&["run", "--rm", &image, "echo", "hello"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("Unable to find image '{image}' locally\n")),
        "{stderr}"
    );
    assert!(
        stderr.contains("Status: Downloaded newer image for"),
        "{stderr}"
    );
    // The second run finds it.
    let out = env.rpod(&["run", "--rm", &image, "echo", "again"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "again\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let err = env.fails(
        &[
            "run",
            "--rm",
            "--pull=never",
            &env.image("library/multilayer:latest"),
            "true",
        ],
        125,
    );
    assert!(err.contains("no such image"), "{err}");
}

#[test]
fn exit_codes_follow_docker() {
    let env = TestEnv::new();
    let image = busybox(&env);
    env.ok(&["pull", "-q", &image]);
    env.fails(&["run", "--rm", &image, "sh", "-c", "exit 42"], 42);
    let err = env.fails(&["run", "--rm", &image, "nope"], 127);
    assert_eq!(
        err,
        "Error: exec: \"nope\": executable file not found in $PATH\n"
    );
    let err = env.fails(&["run", "--rm", &image, "/etc/passwd"], 126);
    assert!(err.contains("permission denied"), "{err}");
    let err = env.fails(&["run", "--rm", "--bogus", &image], 125);
    assert!(err.contains("unexpected argument"), "{err}");
}

#[test]
fn image_config_and_overrides() {
    let env = TestEnv::new();
    env.ok(&["pull", "-q", &busybox(&env)]);
    let out = env.run_sh(&[], "echo $PATH; id -u; pwd; echo $HOME");
    assert_eq!(
        out,
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n0\n/\n/root\n"
    );
    let out = env.run_sh(
        &[
            "-u",
            "app",
            "-w",
            "/srv/work",
            "-e",
            "A=1",
            "-e",
            "B=two words",
        ],
        "id; pwd; echo $A $B $HOME",
    );
    assert_eq!(
        out,
        "uid=1000(app) gid=1000(app) groups=1000(app)\n/srv/work\n1 two words /home/app\n"
    );
    let out = env.run_sh(&["-u", "4242:4343"], "id -u; id -g");
    assert_eq!(out, "4242\n4343\n");
    let mut with_host = TestEnv::new();
    with_host.env("FROM_HOST", "yes");
    with_host.ok(&["pull", "-q", &busybox(&with_host)]);
    assert_eq!(
        with_host.run_sh(
            &["-e", "FROM_HOST", "-e", "NOT_SET"],
            "echo $FROM_HOST; env | grep -c NOT_SET || true"
        ),
        "yes\n0\n"
    );
    let image = busybox(&env);
    assert_eq!(
        env.ok(&[
            "run",
            "--rm",
            "--entrypoint",
            "echo",
            &image,
            "via",
            "entrypoint"
        ]),
        "via entrypoint\n"
    );
    let err = env.fails(&["run", "--rm", "-u", "nobody-here", &image, "true"], 125);
    assert!(err.contains("unable to find user nobody-here"), "{err}");
}

#[test]
fn the_container_is_isolated() {
    let env = TestEnv::new();
    env.ok(&["pull", "-q", &busybox(&env)]);
    assert_eq!(env.run_sh(&[], "echo $$"), "1\n");
    let processes = env.run_sh(&[], "ls /proc | grep -c '^[0-9]'");
    assert!(
        processes.trim().parse::<u32>().unwrap() <= 3,
        "host processes visible: {processes}"
    );
    assert_eq!(
        env.run_sh(&["--hostname", "box"], "hostname; cat /etc/hostname"),
        "box\nbox\n"
    );
    let default_host = env.run_sh(&[], "hostname");
    assert_eq!(default_host.trim().len(), 12);
    let uid_map = env.run_sh(&[], "cat /proc/self/uid_map");
    assert_eq!(uid_map.lines().count(), 2, "{uid_map}");
    // Network none: only the loopback device (the default adds tap0).
    assert_eq!(
        env.run_sh(
            &["--network", "none"],
            "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
        ),
        "lo\n"
    );
    let host_net = env.run_sh(&["--network", "host"], "tail -n +3 /proc/net/dev | wc -l");
    assert!(host_net.trim().parse::<u32>().unwrap() >= 2, "{host_net}");
    // Kernel files: masked and read-only.
    assert_eq!(env.run_sh(&[], "wc -c < /proc/keys"), "0\n");
    let out = env.run_sh(
        &[],
        "echo x > /proc/sys/kernel/hostname 2>&1 || echo refused",
    );
    assert!(out.ends_with("refused\n"), "{out}");
    assert_eq!(
        env.run_sh(&[], "touch /sys/x 2>/dev/null || echo refused"),
        "refused\n"
    );
    // Only stdio and the listing's own descriptor: nothing of the host.
    assert_eq!(
        env.run_sh(&[], "ls /proc/self/fd | tr '\\n' ' '"),
        "0 1 2 3 "
    );
    let devices = env.run_sh(&[], "ls /dev | tr '\\n' ' '");
    assert_eq!(
        devices,
        "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
    );
    // No host mount point is visible: only the container's own.
    let mounts = env.run_sh(&[], "cut -d' ' -f5 /proc/self/mountinfo");
    for point in mounts.lines() {
        let own = ["/", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf"].contains(&point)
            || ["/dev", "/proc", "/sys"]
                .iter()
                .any(|top| point == *top || point.starts_with(&format!("{top}/")));
        assert!(own, "host mount point {point} visible in:\n{mounts}");
    }
    assert!(mounts.lines().any(|p| p == "/proc/keys"), "{mounts}");
}

#[test]
fn each_container_writes_its_own_layer() {
    let env = TestEnv::new();
    env.ok(&["pull", "-q", &busybox(&env)]);
    assert_eq!(
        env.run_sh(&[], "echo changed > /etc/motd; rm /bin/ls; cat /etc/motd"),
        "changed\n"
    );
    assert_eq!(
        env.run_sh(
            &[],
            "cat /etc/motd 2>/dev/null; ls / >/dev/null && echo ls-still-here"
        ),
        "ls-still-here\n"
    );
}

#[test]
fn records_names_and_rm() {
    let env = TestEnv::new();
    let image = busybox(&env);
    env.ok(&["pull", "-q", &image]);
    env.fails(&["run", "--name", "web", &image, "sh", "-c", "exit 3"], 3);
    let records: Vec<serde_json::Value> = std::fs::read_dir(env.store().join("containers"))
        .unwrap()
        .map(|e| {
            serde_json::from_slice(
                &std::fs::read(e.unwrap().path().join("container.json")).unwrap(),
            )
            .unwrap()
        })
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["name"], "web");
    assert_eq!(records[0]["state"]["status"], "exited");
    assert_eq!(records[0]["state"]["exit_code"], 3);
    let err = env.fails(&["run", "--name", "web", &image, "true"], 125);
    assert!(err.contains("\"/web\" is already in use"), "{err}");
    let err = env.fails(&["rmi", &image], 125);
    assert!(err.contains("in use by container web"), "{err}");
    let err = env.fails(&["run", "--name", "we/b", &image, "true"], 125);
    assert!(err.contains("invalid container name"), "{err}");
    env.ok(&["run", "--rm", &image, "true"]);
    assert_eq!(
        std::fs::read_dir(env.store().join("containers"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn image_symlinks_cannot_redirect_the_container_mounts() {
    let env = TestEnv::new();
    let outside = env.dir.join("outside");
    for sub in ["proc", "dev"] {
        env.write_file(&outside.join(sub).join("sentinel"), b"untouched");
    }
    let before = common::tree_fingerprint(&outside);
    let passwd_before = std::fs::read("/etc/passwd").unwrap();

    // /proc and /dev point at host paths the image does not have: refused.
    let tarball = env.dir.join("dangling.tar");
    let to_outside = |sub: &str| outside.join(sub).display().to_string();
    common::busybox_rootfs_tar(
        &tarball,
        &[("proc", to_outside("proc")), ("dev", to_outside("dev"))],
        &[],
    );
    env.ok(&["import", tarball.to_str().unwrap(), "dangling:1"]);
    let err = env.fails(&["run", "--rm", "dangling:1", "true"], 125);
    assert_eq!(
        err,
        "Error: /proc in the image is a symlink to a missing target; rpod does not mount through it\n"
    );

    // /etc/hosts points at /etc/passwd: the bind lands on the image's own
    // /etc/passwd, resolved inside the container.
    let tarball = env.dir.join("redirect.tar");
    common::busybox_rootfs_tar(
        &tarball,
        &[("etc/hosts", "/etc/passwd".to_string())],
        &[("etc/passwd", "root:x:0:0::/:/bin/sh\n")],
    );
    env.ok(&["import", tarball.to_str().unwrap(), "redirect:1"]);
    let out = env.ok(&["run", "--rm", "redirect:1", "cat", "/etc/passwd"]);
    assert!(out.starts_with("127.0.0.1\tlocalhost\n"), "{out}");

    assert_eq!(common::tree_fingerprint(&outside), before);
    assert_eq!(std::fs::read("/etc/passwd").unwrap(), passwd_before);
}

#[test]
fn capabilities_follow_dockers_default_and_flags() {
    let env = TestEnv::new();
    env.ok(&["pull", "-q", &busybox(&env)]);
    let caps = |extra: &[&str]| {
        env.run_sh(
            extra,
            "grep -E '^Cap(Eff|Bnd)' /proc/self/status | cut -f2 | tr '\\n' ' '",
        )
    };
    assert_eq!(caps(&[]), "00000000a80425fb 00000000a80425fb ");
    assert_eq!(
        caps(&["--cap-drop", "ALL", "--cap-add", "NET_ADMIN"]),
        "0000000000001000 0000000000001000 "
    );
    assert_eq!(
        caps(&["--cap-drop", "chown"]),
        "00000000a80425fa 00000000a80425fa "
    );
    assert_eq!(caps(&["-u", "app"]), "0000000000000000 00000000a80425fb ");
    // Without CAP_SYS_ADMIN the masks cannot be undone.
    let out = env.run_sh(
        &[],
        "umount /proc/keys 2>&1; mount -t tmpfs x /mnt 2>&1; echo done",
    );
    assert!(
        out.contains("Operation not permitted") && out.ends_with("done\n"),
        "{out}"
    );
    assert_eq!(
        env.run_sh(
            &["--security-opt", "no-new-privileges"],
            "grep NoNewPrivs /proc/self/status"
        ),
        "NoNewPrivs:\t1\n"
    );
    assert_eq!(
        env.run_sh(&[], "grep NoNewPrivs /proc/self/status"),
        "NoNewPrivs:\t0\n"
    );
    let privileged = env.run_sh(
        &["--privileged"],
        "grep CapEff /proc/self/status; grep -c ' /proc/keys ' /proc/self/mountinfo; true",
    );
    // Every capability, and /proc/keys not masked by a mount.
    assert!(
        !privileged.contains("a80425fb") && privileged.ends_with("\n0\n"),
        "{privileged}"
    );
    assert_eq!(
        env.run_sh(&[], "grep -c ' /proc/keys ' /proc/self/mountinfo"),
        "1\n"
    );
    let image = busybox(&env);
    let err = env.fails(&["run", "--rm", "--cap-add", "FLY", &image, "true"], 125);
    assert_eq!(err, "Error: unknown capability \"FLY\"\n");
    let err = env.fails(
        &[
            "run",
            "--rm",
            "--security-opt",
            "apparmor=x",
            &image,
            "true",
        ],
        125,
    );
    assert!(err.contains("is not supported"), "{err}");
}

#[test]
fn a_user_without_subordinate_ids_runs_containers_on_a_single_uid_map() {
    let env = TestEnv::without_subids();
    let image = busybox(&env);
    env.ok(&["pull", "-q", &image]);
    let out = env.rpod(&[
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        "id -u; cat /proc/self/uid_map | wc -l",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n1\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("rpod: warning: no subordinate id range"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // exec works the same way.
    env.ok(&["run", "-d", "--name", "solo", &image, "sleep", "600"]);
    let out = env.rpod(&["exec", "solo", "id", "-u"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    assert_eq!(out.status.code(), Some(0));
    env.rpod(&["rm", "-f", "solo"]);
}

#[test]
fn the_container_cannot_overwrite_the_rpod_binary() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    // A copy of rpod that the test user owns, as one in ~/.local/bin is:
    // root in the container is that user on the host.
    let own = env.dir.join("own-rpod");
    let copied = env
        .command("cp")
        .arg(common::binary())
        .arg(&own)
        .status()
        .unwrap();
    assert!(copied.success());
    let before = std::fs::read(&own).unwrap();
    for flags in [&["--init"][..], &["--init", "--cap-add", "SYS_PTRACE"][..]] {
        let out = env
            .command(&own)
            .args(["run", "--rm"])
            .args(flags)
            .args([&image, "sh", "-c"])
            .arg("echo x >> /proc/1/exe 2>/dev/null && echo wrote || echo refused")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "refused\n",
            "{flags:?}"
        );
    }
    assert!(
        std::fs::read(&own).unwrap() == before,
        "the rpod binary changed"
    );
}
