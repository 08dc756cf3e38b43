//! `run`/`create` options beyond the basics: `--restart` (the monitor
//! runs the workload again), `--init`, `--read-only`, `--tmpfs`,
//! `--shm-size` and `--ulimit`.

mod common;

use common::{TestEnv, eventually};

fn inspect(env: &TestEnv, format: &str, name: &str) -> String {
    env.ok(&["inspect", "--format", format, name])
}

#[test]
fn on_failure_restarts_up_to_the_retry_count() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let args = ["run", "-d", "--name", "flaky", "--restart", "on-failure:2"];
    let mut run = args.to_vec();
    run.extend([image.as_str(), "sh", "-c", "echo run; exit 3"]);
    env.ok(&run);
    eventually("flaky gave up", || {
        inspect(&env, "{{.State.Status}}", "flaky") == "exited\n"
    });
    assert_eq!(
        inspect(&env, "{{.State.ExitCode}} {{.RestartCount}}", "flaky"),
        "3 2\n"
    );
    assert_eq!(
        inspect(
            &env,
            "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}",
            "flaky"
        ),
        "on-failure 2\n"
    );
    assert_eq!(env.ok(&["logs", "flaky"]), "run\nrun\nrun\n");
    // A success is not a failure: no restart.
    env.ok(&[
        "run",
        "-d",
        "--name",
        "fine",
        "--restart",
        "on-failure",
        &image,
        "true",
    ]);
    assert_eq!(env.ok(&["wait", "fine"]), "0\n");
    assert_eq!(inspect(&env, "{{.RestartCount}}", "fine"), "0\n");
}

#[test]
fn always_restarts_until_stopped_and_shows_restarting() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    env.ok(&[
        "run",
        "-d",
        "--name",
        "loop",
        "--restart",
        "always",
        &image,
        "sh",
        "-c",
        "echo run; exit 1",
    ]);
    eventually("loop restarted twice", || {
        env.logs_so_far("loop").lines().count() >= 3
    });
    eventually("ps shows Restarting", || {
        env.ok(&["ps", "--format", "{{.Names}} {{.Status}}"])
            .starts_with("loop Restarting (1) ")
    });
    assert_eq!(
        inspect(
            &env,
            "{{.State.Status}} {{.State.Restarting}} {{.State.Running}}",
            "loop"
        ),
        "restarting true true\n"
    );
    assert_eq!(env.ok(&["stop", "loop"]), "loop\n");
    assert_eq!(
        inspect(&env, "{{.State.Status}} {{.State.ExitCode}}", "loop"),
        "exited 1\n"
    );
    let count = inspect(&env, "{{.RestartCount}}", "loop");
    assert!(count.trim().parse::<u32>().unwrap() >= 2, "{count}");
    assert_eq!(env.ok(&["ps", "-q"]), "");

    // A running workload that is stopped stays stopped.
    env.ok(&[
        "run",
        "-d",
        "--name",
        "server",
        "--restart",
        "unless-stopped",
        &image,
        "sh",
        "-c",
        "trap 'exit 0' TERM; echo up; while true; do sleep 0.1; done",
    ]);
    eventually("server up", || env.logs_so_far("server") == "up\n");
    assert_eq!(env.ok(&["stop", "server"]), "server\n");
    assert_eq!(
        inspect(&env, "{{.State.Status}} {{.RestartCount}}", "server"),
        "exited 0\n"
    );
    assert_eq!(env.ok(&["logs", "server"]), "up\n");

    // kill and rm -f end it for good too.
    env.ok(&["start", "server"]);
    eventually("server up again", || {
        env.logs_so_far("server") == "up\nup\n"
    });
    assert_eq!(env.ok(&["kill", "server"]), "server\n");
    assert_eq!(env.ok(&["wait", "server"]), "137\n");
    assert_eq!(inspect(&env, "{{.RestartCount}}", "server"), "0\n");
    env.ok(&["start", "loop"]);
    assert_eq!(env.ok(&["rm", "-f", "loop", "server"]), "loop\nserver\n");
    assert_eq!(env.ok(&["ps", "-a", "-q"]), "");
}

#[test]
fn bad_restart_values_create_nothing() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let err = env.fails(&["run", "--rm", "--restart", "always", &image, "true"], 125);
    assert_eq!(err, "Error: Conflicting options: --restart and --rm\n");
    let err = env.fails(&["create", "--restart", "sometimes", &image], 125);
    assert_eq!(
        err,
        "Error: invalid --restart \"sometimes\": use no, on-failure[:N], always or unless-stopped\n"
    );
    let err = env.fails(&["create", "--restart", "always:3", &image], 125);
    assert_eq!(
        err,
        "Error: invalid --restart \"always:3\": only on-failure takes a retry count\n"
    );
    assert_eq!(env.ok(&["ps", "-a", "-q"]), "");
}

#[test]
fn init_reaps_orphans_forwards_signals_and_passes_the_exit_code() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    // The orphan ends as a child of PID 1, which must reap it.
    let script = "(sh -c 'exit 0' &); sleep 1; cat /proc/1/comm; echo $$; \
                  ps -o stat,comm | grep -c '^Z'; exit 3";
    let out = env.rpod(&["run", "--rm", "--init", &image, "sh", "-c", script]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "rpod-init\n2\n0\n");
    assert_eq!(out.status.code(), Some(3));
    let out = env.rpod(&["run", "--rm", "--init", &image, "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.code(), Some(143));

    // sleep as PID 1 would ignore SIGTERM; as the init's child it ends.
    env.ok(&[
        "run", "-d", "--init", "--name", "nap", &image, "sleep", "600",
    ]);
    assert_eq!(inspect(&env, "{{.HostConfig.Init}}", "nap"), "true\n");
    assert_eq!(env.ok(&["stop", "-t", "600", "nap"]), "nap\n");
    assert_eq!(inspect(&env, "{{.State.ExitCode}}", "nap"), "143\n");
}

#[test]
fn read_only_root_with_tmpfs_and_shm_size() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let script = "touch /x; touch /etc/hosts; touch /run/ok && echo run ok; \
                  touch /dev/shm/ok && echo shm ok; \
                  df -k /dev/shm /run | awk 'NR > 1 { print $6, $2 }'; \
                  grep -c ' /run tmpfs [^ ]*noexec' /proc/mounts";
    let out = env.rpod(&[
        "run",
        "--rm",
        "--read-only",
        "--tmpfs",
        "/run:size=1m",
        "--shm-size",
        "2m",
        &image,
        "sh",
        "-c",
        script,
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "touch: /x: Read-only file system\ntouch: /etc/hosts: Read-only file system\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "run ok\nshm ok\n/dev/shm 2048\n/run 1024\n1\n"
    );
    env.ok(&[
        "create",
        "--name",
        "ro",
        "--read-only",
        "--tmpfs",
        "/run:size=1m",
        "--shm-size",
        "2m",
        &image,
    ]);
    assert_eq!(
        inspect(
            &env,
            "{{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.Tmpfs}} {{.HostConfig.ShmSize}}",
            "ro"
        ),
        "true {\"/run\":\"size=1m\"} 2097152\n"
    );
    // Without the flags: writable, 64 MiB of /dev/shm.
    let out = env.ok(&[
        "run",
        "--rm",
        &image,
        "sh",
        "-c",
        "touch /x && df -k /dev/shm | awk 'NR > 1 { print $2 }'",
    ]);
    assert_eq!(out, "65536\n");
    let err = env.fails(&["create", "--tmpfs", "/run:colour=red", &image], 125);
    assert_eq!(
        err,
        "Error: invalid --tmpfs \"/run:colour=red\": unknown option \"colour=red\"\n"
    );
    let err = env.fails(&["create", "--shm-size", "lots", &image], 125);
    assert_eq!(
        err,
        "Error: invalid --shm-size \"lots\": give a size such as 64m\n"
    );
    assert_eq!(env.ok(&["ps", "-a", "--format", "{{.Names}}"]), "ro\n");
}

#[test]
fn ulimits_are_set_and_never_raised() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let out = env.ok(&[
        "run",
        "--rm",
        "--ulimit",
        "nofile=64:128",
        "--ulimit",
        "core=0",
        &image,
        "sh",
        "-c",
        "ulimit -n; ulimit -Hn; ulimit -c",
    ]);
    assert_eq!(out, "64\n128\n0\n");
    env.ok(&[
        "create",
        "--name",
        "limited",
        "--ulimit",
        "nofile=64:128",
        &image,
    ]);
    assert_eq!(
        inspect(&env, "{{json .HostConfig.Ulimits}}", "limited"),
        "[{\"Name\":\"nofile\",\"Hard\":128,\"Soft\":64}]\n"
    );
    let err = env.fails(
        &["create", "--ulimit", "nofile=1:1099511627776", &image],
        125,
    );
    assert!(
        err.starts_with(
            "Error: invalid --ulimit \"nofile=1:1099511627776\": the hard limit is above yours ("
        ) && err.ends_with("), which rootless rpod cannot raise\n"),
        "{err}"
    );
    let err = env.fails(&["create", "--ulimit", "files=1", &image], 125);
    assert_eq!(
        err,
        "Error: invalid --ulimit \"files=1\": unknown resource \"files\"\n"
    );
    assert_eq!(env.ok(&["ps", "-a", "--format", "{{.Names}}"]), "limited\n");
}
