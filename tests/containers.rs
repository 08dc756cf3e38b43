//! `ps` and `rm`: Docker's columns and status texts, forced removal.
//! (A container whose monitor was killed is covered in `lifecycle.rs`.)

mod common;

use common::{TestEnv, cells};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Starts `rpod run --name NAME busybox sleep 60` and waits until `ps`
/// lists it as running.
fn start_sleeper(env: &TestEnv, name: &str) -> Child {
    let image = env.image("library/busybox:latest");
    let child = env
        .rpod_cmd(&["run", "--name", name, &image, "sleep", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while env
        .ok(&["ps", "--format", "{{.Names}}"])
        .lines()
        .all(|n| n != name)
    {
        assert!(Instant::now() < deadline, "{name} never showed as running");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn ps_lists_exited_containers_with_docker_columns() {
    let env = TestEnv::new();
    let image = env.image("library/busybox:latest");
    env.ok(&["pull", "-q", &image]);
    env.fails(&["run", "--name", "first", &image, "sh", "-c", "exit 3"], 3);
    env.ok(&[
        "run",
        "--name",
        "second",
        &image,
        "echo",
        "a rather long command line",
    ]);

    let running = env.ok(&["ps"]);
    assert_eq!(
        cells(&running),
        [
            "CONTAINER ID",
            "IMAGE",
            "COMMAND",
            "CREATED",
            "STATUS",
            "PORTS",
            "NAMES"
        ]
    );
    let table = env.ok(&["ps", "-a"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    let newest = cells(lines[1]);
    assert_eq!(newest[0].len(), 12);
    assert_eq!(newest[1], image);
    assert_eq!(newest[2], "\"echo a rather long …\"");
    assert!(newest[3].ends_with(" ago"), "{newest:?}");
    assert!(
        newest[4].starts_with("Exited (0) ") && newest[4].ends_with(" ago"),
        "{newest:?}"
    );
    assert_eq!(newest.last().unwrap(), "second");
    let statuses = env.ok(&["ps", "-a", "--format", "{{.Names}}={{.State}}"]);
    assert_eq!(statuses, "second=exited\nfirst=exited\n");
    assert_eq!(
        env.ok(&["ps", "-a", "--filter", "name=fir", "--format", "{{.Names}}"]),
        "first\n"
    );
    assert_eq!(env.ok(&["ps", "-l", "--format", "{{.Names}}"]), "second\n");
    assert!(
        env.ok(&["ps", "-a", "--format", "{{.Status}}"])
            .contains("Exited (3) ")
    );
    let ids = env.ok(&["ps", "-a", "-q", "--no-trunc"]);
    assert!(ids.lines().all(|id| id.len() == 64), "{ids}");

    assert_eq!(
        env.ok(&["rm", "first", &ids.lines().next().unwrap()[..8]]),
        format!("first\n{}\n", &ids.lines().next().unwrap()[..8])
    );
    assert_eq!(env.ok(&["ps", "-a", "-q"]), "");
    let err = env.fails(&["rm", "ghost"], 1);
    assert_eq!(err, "Error: no such container: ghost\n");
    env.ok(&["rmi", &image]);
}

#[test]
fn a_running_container_needs_force_to_be_removed() {
    let env = TestEnv::new();
    env.ok(&["pull", "-q", &env.image("library/busybox:latest")]);
    let run = start_sleeper(&env, "sleeper");
    let status = env.ok(&["ps", "--format", "{{.Status}}"]);
    assert!(status.starts_with("Up "), "{status}");
    let err = env.fails(&["rm", "sleeper"], 1);
    assert!(err.contains("container is running"), "{err}");
    assert_eq!(env.ok(&["rm", "-f", "sleeper"]), "sleeper\n");
    let out = run.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(137));
    assert_eq!(env.ok(&["ps", "-a", "-q"]), "");
}
