//! The process that keeps rpod's user namespace between commands (as
//! Podman's pause process does): later commands join its namespace, and
//! a keeper that died, a reused PID or a garbled pid file only mean a new
//! namespace and keeper.

mod common;

use common::{TestEnv, start_time};

fn keeper_name(pid: i64) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn live_keeper(env: &TestEnv) -> i64 {
    let (pid, start) = env.keeper().expect("a keeper is named");
    assert_eq!(start_time(pid), Some(start), "keeper {pid} is not alive");
    assert_eq!(keeper_name(pid), "rpod-userns");
    pid
}

/// The number of the system call `pid` is blocked in.
fn current_syscall(pid: i64) -> Option<i64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

#[test]
fn commands_share_the_kept_namespace_and_replace_a_lost_keeper() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let ns = |env: &TestEnv| env.unshare_sh("readlink /proc/self/ns/user");
    let first = live_keeper(&env);
    let namespace = ns(&env);
    assert_eq!(env.ok(&["run", "--rm", &image, "echo", "hi"]), "hi\n");
    assert_eq!(live_keeper(&env), first);
    assert_eq!(ns(&env), namespace);

    // A container outlives its keeper.
    env.ok(&["run", "-d", "--name", "long", &image, "sleep", "60"]);
    // SAFETY: killing the keeper this test's commands started.
    unsafe { libc::kill(first as i32, libc::SIGKILL) };
    common::eventually("the keeper's end", || start_time(first).is_none());
    // exec joins the container from the host; the next command that
    // needs rpod's namespace makes a new one.
    assert_eq!(env.ok(&["exec", "long", "echo", "in"]), "in\n");
    assert_ne!(ns(&env), namespace);
    let second = live_keeper(&env);
    assert_ne!(second, first);
    env.ok(&["stop", "-t", "0", "long"]);

    // A pid file naming another process, or nonsense, is not trusted.
    let pidfile = env.dir.join("run/rpod/userns.pid");
    let text = std::fs::read_to_string(&pidfile).unwrap();
    let (_, maps) = text.split_once('\n').unwrap();
    // Made by a foreground run (which holds the signals it relays), the
    // keeper still ends on SIGTERM.
    // SAFETY: signalling the keeper this test's commands started.
    unsafe { libc::kill(second as i32, libc::SIGKILL) };
    common::eventually("the keeper's end", || start_time(second).is_none());
    assert_eq!(env.ok(&["run", "--rm", &image, "echo", "hi"]), "hi\n");
    let third = live_keeper(&env);
    // SAFETY: as above.
    unsafe { libc::kill(third as i32, libc::SIGTERM) };
    common::eventually("the keeper's end on SIGTERM", || {
        start_time(third).is_none()
    });
    assert_eq!(env.ok(&["run", "--rm", &image, "echo", "hi"]), "hi\n");
    let second = live_keeper(&env);

    // A keeper the pid file no longer names ends; a live process of the
    // user outside any namespace of rpod's is not joined.
    let mut stranger = env.command("sleep").arg("60").spawn().unwrap();
    let stranger_pid = i64::from(stranger.id());
    let stranger_start = start_time(stranger_pid).unwrap();
    let mut unnamed = second;
    for bogus in [
        format!("1 1\n{maps}"),
        "nonsense".to_string(),
        format!("{stranger_pid} {stranger_start}\n{maps}"),
    ] {
        env.write_file(&pidfile, bogus.as_bytes());
        common::eventually("the unnamed keeper's end", || start_time(unnamed).is_none());
        assert_eq!(env.ok(&["run", "--rm", &image, "echo", "again"]), "again\n");
        unnamed = live_keeper(&env);
        assert!(unnamed != 1 && unnamed != stranger_pid, "{bogus}");
    }
    stranger.kill().unwrap();
    stranger.wait().unwrap();
}

#[test]
fn concurrent_first_commands_leave_one_keeper() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    // pull made the namespace; start from none.
    let (pid, start) = env.keeper().unwrap();
    // SAFETY: killing the keeper this test's commands started.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    common::eventually("the keeper's end", || start_time(pid) != Some(start));
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let mut run = env.rpod_cmd(&["run", "--rm", &image, "echo", "ok"]);
            run.stdout(std::process::Stdio::piped());
            run.spawn().unwrap()
        })
        .collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(out.stdout, b"ok\n");
    }
    let keeper = live_keeper(&env);
    assert_eq!(
        env.unshare_sh("readlink /proc/self/ns/user"),
        String::from_utf8(
            env.command("readlink")
                .arg(format!("/proc/{keeper}/ns/user"))
                .output()
                .unwrap()
                .stdout
        )
        .unwrap()
    );
}

#[test]
fn a_user_without_inotify_instances_still_keeps_a_namespace() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let (pid, _) = env.keeper().unwrap();
    // SAFETY: killing the keeper this test's commands started.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    common::eventually("the keeper's end", || start_time(pid).is_none());
    let mut holder = env.hold_every_inotify_instance();
    assert_eq!(env.ok(&["run", "--rm", &image, "echo", "hi"]), "hi\n");
    let keeper = live_keeper(&env);
    // Once settled in its wait, it sleeps between looks at the pid file.
    common::eventually("the keeper's wait", || {
        start_time(keeper).is_none() || current_syscall(keeper) == Some(libc::SYS_clock_nanosleep)
    });
    let namespace = env.unshare_sh("readlink /proc/self/ns/user");
    assert_eq!(live_keeper(&env), keeper);
    assert_eq!(env.unshare_sh("readlink /proc/self/ns/user"), namespace);
    // It looks at the pid file now and then, and ends once it is not named.
    env.write_file(&env.dir.join("run/rpod/userns.pid"), b"nonsense");
    common::eventually("the unnamed keeper's end", || start_time(keeper).is_none());
    holder.kill().unwrap();
    holder.wait().unwrap();
}
