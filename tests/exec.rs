//! `rpod exec`: commands in a running container, with its namespaces,
//! environment, user and capabilities; Docker's exit codes; streams and
//! terminals; no host descriptor or working directory leaks in.

mod common;

use common::TestEnv;
use common::terminal::Terminal;
use std::io::Write;
use std::process::Stdio;

/// A running container named `name` (busybox sleeping), with `extra` flags.
fn sleeper(env: &TestEnv, name: &str, extra: &[&str]) -> String {
    let image = env.image("library/busybox:latest");
    env.ok(&["pull", "-q", &image]);
    let mut args = vec!["run", "-d", "--name", name];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[&image, "sleep", "600"]);
    env.ok(&args);
    image
}

/// `rpod exec ARGS… CONTAINER sh -c SCRIPT`, which must succeed.
fn sh(env: &TestEnv, container: &str, args: &[&str], script: &str) -> String {
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[container, "sh", "-c", script]);
    env.ok(&all)
}

#[test]
fn exec_joins_the_container_with_its_environment_and_user() {
    let env = TestEnv::new();
    sleeper(
        &env,
        "box",
        &[
            "-e",
            "FROM_RUN=yes",
            "-h",
            "boxhost",
            "-w",
            "/srv",
            "--cap-drop",
            "chown",
        ],
    );
    // Same hostname, PID namespace (the init is PID 1), environment,
    // working directory and capabilities as the container.
    assert_eq!(
        sh(
            &env,
            "box",
            &[],
            "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; pwd"
        ),
        "boxhost\nsleep 600 \n/srv\n"
    );
    assert_eq!(
        sh(&env, "box", &[], "echo $FROM_RUN $HOSTNAME $HOME"),
        "yes boxhost /root\n"
    );
    assert_eq!(
        sh(
            &env,
            "box",
            &[],
            "grep -E '^Cap(Eff|Bnd)' /proc/self/status | cut -f2 | tr '\\n' ' '"
        ),
        "00000000a80425fa 00000000a80425fa "
    );
    // -u, -w and -e for this command only.
    assert_eq!(
        sh(
            &env,
            "box",
            &[
                "-u",
                "app",
                "-w",
                "/tmp",
                "-e",
                "FROM_RUN=no",
                "-e",
                "EXTRA=1"
            ],
            "id; pwd; echo $FROM_RUN $EXTRA $HOME"
        ),
        "uid=1000(app) gid=1000(app) groups=1000(app)\n/tmp\nno 1 /home/app\n"
    );
    assert_eq!(
        sh(
            &env,
            "box",
            &["-u", "1000:1000"],
            "grep CapEff /proc/self/status"
        ),
        "CapEff:\t0000000000000000\n"
    );
    assert_eq!(
        sh(
            &env,
            "box",
            &["--privileged"],
            "grep CapEff /proc/self/status"
        ),
        "CapEff:\t000001ffffffffff\n"
    );
    // The container's seccomp filter applies to exec'd commands too.
    assert_eq!(
        sh(
            &env,
            "box",
            &[],
            "grep Seccomp: /proc/self/status; unshare -U true 2>&1; true"
        ),
        "Seccomp:\t2\nunshare: unshare(0x10000000): Operation not permitted\n"
    );
    // It sees the container's files, not the host's.
    assert_eq!(
        sh(&env, "box", &[], "echo made-by-exec > /tmp/f; cat /tmp/f"),
        "made-by-exec\n"
    );
    // Only the container's processes are in sight: its init (PID 1) and
    // this command's own.
    let seen = sh(
        &env,
        "box",
        &[],
        "cat /tmp/f; for p in /proc/[0-9]*; do read c < $p/comm && echo ${p#/proc/} $c; done",
    );
    let mut lines = seen.lines();
    assert_eq!(lines.next(), Some("made-by-exec"));
    let processes: Vec<&str> = lines.collect();
    assert!(processes.contains(&"1 sleep"), "{seen}");
    assert!(
        processes
            .iter()
            .all(|p| p == &"1 sleep" || p.ends_with(" sh")),
        "{seen}"
    );
    env.ok(&["rm", "-f", "box"]);
}

#[test]
fn exit_codes_and_errors_are_dockers() {
    let env = TestEnv::new();
    let image = sleeper(&env, "codes", &[]);
    env.fails(&["exec", "codes", "sh", "-c", "exit 42"], 42);
    let err = env.fails(&["exec", "codes", "nope"], 127);
    assert_eq!(
        err,
        "Error: exec: \"nope\": executable file not found in $PATH\n"
    );
    let err = env.fails(&["exec", "codes", "/etc/passwd"], 126);
    assert_eq!(err, "Error: exec: \"/etc/passwd\": permission denied\n");
    let err = env.fails(&["exec", "codes", "sh", "-c", "kill -9 $$"], 137);
    assert_eq!(err, "");
    let err = env.fails(&["exec", "-w", "/nowhere", "codes", "true"], 125);
    assert!(
        err.starts_with("Error: cannot enter the working directory /nowhere"),
        "{err}"
    );
    let err = env.fails(&["exec", "ghost", "true"], 125);
    assert_eq!(err, "Error: no such container: ghost\n");
    env.ok(&["create", "--name", "idle", &image, "true"]);
    let err = env.fails(&["exec", "idle", "true"], 125);
    assert_eq!(err, "Error: container idle is not running\n");
    let err = env.fails(&["exec", "codes"], 125);
    assert!(err.contains("required"), "{err}");
    env.ok(&["rm", "-f", "codes", "idle"]);
}

#[test]
fn streams_input_and_detached_commands() {
    let env = TestEnv::new();
    sleeper(&env, "io", &[]);
    // stdout and stderr stay apart.
    let out = env.rpod(&["exec", "io", "sh", "-c", "echo out; echo err >&2"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "out\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "err\n");
    // -i passes input; without it the command's input is empty.
    for (flags, expected) in [(&["-i"][..], "fed in\n"), (&[][..], "")] {
        let mut args = vec!["exec"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["io", "cat"]);
        let mut child = env
            .rpod_cmd(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(b"fed in\n");
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{flags:?}");
    }
    // -d returns at once; the command goes on inside the container.
    assert_eq!(
        env.ok(&[
            "exec",
            "-d",
            "io",
            "sh",
            "-c",
            "echo done > /tmp/bg; sleep 600"
        ]),
        ""
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while env.rpod(&["exec", "io", "cat", "/tmp/bg"]).stdout != b"done\n" {
        assert!(
            std::time::Instant::now() < deadline,
            "the detached exec never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        sh(&env, "io", &[], "ps -o args | grep -c 'sleep 600$'"),
        "2\n"
    );
    env.ok(&["rm", "-f", "io"]);
}

#[test]
fn no_host_descriptor_or_directory_reaches_the_command() {
    let env = TestEnv::new();
    sleeper(&env, "sealed", &[]);
    // Only the standard streams (and ls's own directory) are open, the
    // working directory is the container's root, and the host's
    // processes and mounts are out of sight.
    assert_eq!(
        sh(&env, "sealed", &[], "ls /proc/self/fd | tr '\\n' ' '"),
        "0 1 2 3 "
    );
    assert_eq!(
        sh(&env, "sealed", &["-w", "/"], "readlink /proc/self/cwd"),
        "/\n"
    );
    assert_eq!(sh(&env, "sealed", &[], "readlink /proc/self/root"), "/\n");
    // The init's mount namespace, with none of the host's mount points.
    assert_eq!(
        sh(
            &env,
            "sealed",
            &[],
            "[ $(readlink /proc/self/ns/mnt) = $(readlink /proc/1/ns/mnt) ] && echo same"
        ),
        "same\n"
    );
    assert_eq!(
        sh(
            &env,
            "sealed",
            &[],
            "cut -d' ' -f5 /proc/self/mountinfo | grep -c -e ^/var -e ^/work -e ^/home; true"
        ),
        "0\n"
    );
    env.ok(&["rm", "-f", "sealed"]);
}

#[test]
fn exec_with_a_terminal() {
    let env = TestEnv::new();
    sleeper(&env, "term", &[]);
    let mut term = Terminal::spawn(&env, "rpod exec -it term sh");
    term.wait_for("/ # ");
    term.type_text("tty; stty size; echo $((6*7))\r");
    term.wait_for("42\n");
    term.type_text("exit 4\r");
    assert_eq!(term.wait(), Some(4));
    let screen = term.screen();
    assert!(screen.contains("/dev/pts/0\n27 91\n42\n"), "{screen}");

    // ctrl-p ctrl-q leaves the command running.
    let mut term = Terminal::spawn(&env, "rpod exec -it term sh -c 'echo in; sleep 600'");
    term.wait_for("in");
    term.type_text("\x10\x11");
    assert_eq!(term.wait(), Some(0));
    let processes = sh(&env, "term", &[], "ps -o stat,args");
    assert_eq!(
        processes
            .lines()
            .filter(|l| l.ends_with("sleep 600"))
            .count(),
        2,
        "{processes}"
    );
    env.ok(&["rm", "-f", "term"]);
}
