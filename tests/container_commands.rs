//! The small container commands: `rename`, `container prune`, `top`,
//! `pause`/`unpause`, and `ps` filters, sizes and format keys.

mod common;

use common::{TestEnv, cells, eventually};
use std::io::Write;
use std::process::Stdio;

/// Starts a detached container running `script` once it has said "ready".
fn start(env: &TestEnv, image: &str, name: &str, script: &str) -> String {
    let script = format!("echo ready; {script}");
    let id = env.ok(&["run", "-d", "--name", name, image, "sh", "-c", &script]);
    eventually("ready", || {
        String::from_utf8_lossy(&env.rpod(&["logs", name]).stdout) == "ready\n"
    });
    id.trim().to_string()
}

fn inspect(env: &TestEnv, template: &str, name: &str) -> String {
    env.ok(&["inspect", "--format", template, name])
}

/// Runs `rpod ARGS…` with `input` on stdin; returns status, stdout.
fn with_input(env: &TestEnv, args: &[&str], input: &str) -> (Option<i32>, String) {
    let mut child = env
        .rpod_cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap_or_default(),
    )
}

#[test]
fn rename_keeps_names_unique_and_works_while_running() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let id = start(&env, &image, "old", "sleep 600");
    env.ok(&["create", "--name", "taken", &image, "true"]);
    let taken = env.ok(&["inspect", "--format", "{{.Id}}", "taken"]);

    assert_eq!(env.ok(&["rename", "old", "new"]), "");
    assert_eq!(
        inspect(&env, "{{.Name}} {{.State.Status}}", &id),
        "/new running\n"
    );
    let err = env.fails(&["rename", "new", "taken"], 125);
    assert_eq!(
        err,
        format!(
            "Error: the container name \"/taken\" is already in use by container \"{}\"; remove or rename that container\n",
            taken.trim()
        )
    );
    let err = env.fails(&["rename", "new", "b@d"], 125);
    assert_eq!(
        err,
        "Error: invalid container name (\"b@d\"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\n"
    );
    let err = env.fails(&["rename", "new", "new"], 125);
    assert_eq!(err, "Error: container new already has the name new\n");
    let err = env.fails(&["rename", "missing", "other"], 125);
    assert_eq!(err, "Error: no such container: missing\n");
    // By ID prefix, with the leading slash Docker's API names carry.
    assert_eq!(env.ok(&["container", "rename", &id[..12], "/newer"]), "");
    // The monitor records the end under the new name.
    assert_eq!(env.ok(&["stop", "-t", "1", "newer"]), "newer\n");
    assert_eq!(
        env.ok(&["ps", "-a", "--format", "{{.Names}} {{.State}}"]),
        "taken created\nnewer exited\n"
    );
    // The old name is free again.
    env.ok(&["create", "--name", "old", &image, "true"]);
}

#[test]
fn container_prune_removes_stopped_containers_only() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    env.ok(&[
        "run",
        "--name",
        "wrote",
        &image,
        "sh",
        "-c",
        "echo -n 12345 > /data",
    ]);
    let wrote = inspect(&env, "{{.Id}}", "wrote");
    let created = env.ok(&[
        "create", "--name", "fresh", "--label", "keep=yes", &image, "true",
    ]);
    start(&env, &image, "alive", "sleep 600");
    let warning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ";

    // Without -f the question is asked; no answer (end of input) is no.
    let out = env.rpod(&["container", "prune"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), warning);
    assert_eq!(
        with_input(&env, &["container", "prune"], "n\n"),
        (Some(0), warning.to_string())
    );
    assert_eq!(env.ok(&["ps", "-aq"]).lines().count(), 3);

    // Filters choose; labels carried by none remove nothing.
    assert_eq!(
        env.ok(&["container", "prune", "-f", "--filter", "label=keep=no"]),
        "Total reclaimed space: 0B\n"
    );
    assert_eq!(
        env.ok(&["container", "prune", "-f", "--filter", "until=1h"]),
        "Total reclaimed space: 0B\n"
    );
    let (code, out) = with_input(
        &env,
        &["container", "prune", "--filter", "label!=keep"],
        "y\n",
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        format!("{warning}Deleted Containers:\n{wrote}\nTotal reclaimed space: 5B\n")
    );
    assert_eq!(
        env.ok(&["container", "prune", "-f"]),
        format!("Deleted Containers:\n{created}\nTotal reclaimed space: 0B\n")
    );
    assert_eq!(env.ok(&["ps", "-a", "--format", "{{.Names}}"]), "alive\n");
    let err = env.fails(
        &["container", "prune", "-f", "--filter", "status=exited"],
        125,
    );
    assert_eq!(
        err,
        "Error: invalid filter \"status=exited\": the filters here are until, label, label!\n"
    );
    let err = env.fails(
        &["container", "prune", "-f", "--filter", "until=someday"],
        125,
    );
    assert_eq!(
        err,
        "Error: invalid time \"someday\": give RFC 3339, Unix seconds, or a duration such as 10m\n"
    );
}

#[test]
fn top_lists_the_container_processes_as_ps_does() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    start(&env, &image, "tree", "sleep 600 & sleep 601 & wait");
    let init = inspect(&env, "{{.State.Pid}}", "tree").trim().to_string();

    let table = env.ok(&["top", "tree"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD"
    );
    assert_eq!(lines.len(), 4, "{table}");
    let rows: Vec<Vec<String>> = lines[1..].iter().map(|l| cells(l)).collect();
    assert_eq!(rows[0][1], init);
    assert_eq!(rows[0][7], "sh -c echo ready; sleep 600 & sleep 601 & wait");
    assert_eq!(rows[1][2], init);
    assert_eq!(rows[1][7], "sleep 600");
    assert_eq!(rows[2][2], init);
    assert_eq!(rows[2][7], "sleep 601");

    // ps options pass through; columns are 20 wide, 3 apart at least.
    let table = env.ok(&["container", "top", "tree", "-o", "pid,comm"]);
    let pids: Vec<String> = table.lines().skip(1).map(|l| cells(l)[0].clone()).collect();
    let expected: String = std::iter::once(format!("{:<20}COMMAND\n", "PID"))
        .chain(
            pids.iter()
                .zip(["sh", "sleep", "sleep"])
                .map(|(pid, comm)| format!("{pid:<20}{comm}\n")),
        )
        .collect();
    assert_eq!(table, expected);
    assert_eq!(pids[0], init);

    let err = env.fails(&["top", "tree", "-o", "comm"], 125);
    assert_eq!(
        err,
        "Error: ps printed no PID column; include pid in the ps options\n"
    );
    env.ok(&["create", "--name", "idle", &image, "true"]);
    let err = env.fails(&["top", "idle"], 125);
    assert_eq!(err, "Error: container idle is not running\n");
    let err = env.fails(&["top", "missing"], 125);
    assert_eq!(err, "Error: no such container: missing\n");
}

/// A cgroup v1 freezer cgroup that root made for the test user and moved
/// the container's processes into: what a delegated freezer looks like.
struct DelegatedFreezer {
    dir: std::path::PathBuf,
}

impl DelegatedFreezer {
    /// None unless the tests run as root on a machine with a v1 freezer.
    fn for_container(env: &TestEnv, name: &str, uid: u32) -> Option<Self> {
        let root = std::path::Path::new("/sys/fs/cgroup/freezer");
        if !rustix::process::geteuid().is_root() || !root.join("tasks").exists() {
            return None;
        }
        let dir = root.join(format!("rpod-test-{}-{name}", std::process::id()));
        std::fs::create_dir(&dir).expect("make a freezer cgroup");
        let freezer = DelegatedFreezer { dir };
        for file in ["", "tasks", "cgroup.procs", "freezer.state"] {
            std::os::unix::fs::chown(freezer.dir.join(file), Some(uid), None)
                .expect("delegate the freezer cgroup");
        }
        let pids = env.ok(&["top", name, "-o", "pid"]);
        for pid in pids.lines().skip(1) {
            std::fs::write(freezer.dir.join("tasks"), pid.trim()).expect("move a process");
        }
        Some(freezer)
    }
}

impl Drop for DelegatedFreezer {
    fn drop(&mut self) {
        let _ = std::fs::write(self.dir.join("freezer.state"), "THAWED");
        let tasks = std::fs::read_to_string(self.dir.join("tasks")).unwrap_or_default();
        for pid in tasks.lines() {
            let _ = std::fs::write("/sys/fs/cgroup/freezer/tasks", pid);
        }
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[test]
fn pause_needs_a_freezer_the_user_may_write() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    start(&env, &image, "busy", "sleep 600");
    env.ok(&["create", "--name", "idle", &image, "true"]);

    let err = env.fails(&["unpause", "busy"], 125);
    assert_eq!(err, "Error: container busy is not paused\n");
    let err = env.fails(&["pause", "idle"], 125);
    assert_eq!(err, "Error: container idle is not running\n");
    // This container shares the cgroup of its monitor (rpod makes none),
    // so pause refuses, says why, and changes nothing.
    let err = env.fails(&["pause", "busy"], 125);
    assert!(err.starts_with("Error: pause needs "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        inspect(&env, "{{.State.Status}} {{.State.Paused}}", "busy"),
        "running false\n"
    );

    let uid: u32 = env
        .ok(&["unshare", "cat", "/proc/self/uid_map"])
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let Some(_freezer) = DelegatedFreezer::for_container(&env, "busy", uid) else {
        eprintln!("no v1 freezer to delegate here: pausing itself is not tested");
        return;
    };
    assert_eq!(env.ok(&["pause", "busy"]), "busy\n");
    let status = env.ok(&["ps", "--format", "{{.Names}} {{.State}} {{.Status}}"]);
    assert!(status.starts_with("busy paused Up "), "{status}");
    assert!(status.ends_with(" (Paused)\n"), "{status}");
    assert_eq!(
        inspect(
            &env,
            "{{.State.Status}} {{.State.Running}} {{.State.Paused}}",
            "busy"
        ),
        "paused true true\n"
    );
    assert_eq!(
        env.ok(&["ps", "-q", "--filter", "status=paused"])
            .lines()
            .count(),
        1
    );
    let err = env.fails(&["pause", "busy"], 125);
    assert_eq!(err, "Error: container busy is already paused\n");
    assert_eq!(env.ok(&["container", "unpause", "busy"]), "busy\n");
    assert_eq!(
        inspect(&env, "{{.State.Status}} {{.State.Paused}}", "busy"),
        "running false\n"
    );
    // Stopping or removing a paused container thaws it so that the
    // signal arrives.
    assert_eq!(env.ok(&["pause", "busy"]), "busy\n");
    assert_eq!(env.ok(&["stop", "-t", "1", "busy"]), "busy\n");
    assert_eq!(inspect(&env, "{{.State.Status}}", "busy"), "exited\n");
    start(&env, &image, "again", "sleep 600");
    let _freezer = DelegatedFreezer::for_container(&env, "again", uid);
    assert_eq!(env.ok(&["pause", "again"]), "again\n");
    assert_eq!(env.ok(&["rm", "-f", "again"]), "again\n");
}

#[test]
fn ps_filters_sizes_and_format_keys() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    env.ok(&[
        "run",
        "--name",
        "wrote",
        "--label",
        "tier=db",
        "--label",
        "x=1",
        &image,
        "sh",
        "-c",
        "echo -n 12345 > /data",
    ]);
    env.fails(
        &[
            "run", "--name", "failed", "--label", "tier=web", &image, "sh", "-c", "exit 3",
        ],
        3,
    );
    env.ok(&["create", "--name", "fresh", &image, "true"]);
    start(&env, &image, "alive", "sleep 600");

    let names = |filters: &[&str]| {
        let mut args = vec!["ps", "-a", "--format", "{{.Names}}"];
        args.extend(filters.iter().flat_map(|f| ["--filter", f]));
        env.ok(&args)
    };
    assert_eq!(names(&["label=tier"]), "failed\nwrote\n");
    assert_eq!(names(&["label=tier=db"]), "wrote\n");
    // Labels must all match; other keys are alternatives.
    assert_eq!(names(&["label=tier", "label=x=1"]), "wrote\n");
    assert_eq!(names(&["exited=3"]), "failed\n");
    assert_eq!(names(&["exited=0", "exited=3"]), "failed\nwrote\n");
    assert_eq!(
        names(&["status=created", "status=running"]),
        "alive\nfresh\n"
    );
    assert_eq!(names(&["exited=0", "label=tier=web"]), "");
    let err = env.fails(&["ps", "--filter", "exited=zero"], 125);
    assert_eq!(
        err,
        "Error: invalid filter \"exited=zero\": exited takes an exit code\n"
    );
    let err = env.fails(&["ps", "--filter", "until=1h"], 125);
    assert_eq!(
        err,
        "Error: invalid filter \"until=1h\": the filters here are status, name, id, ancestor, label, exited, publish, expose, volume\n"
    );

    assert_eq!(
        env.ok(&[
            "ps",
            "-a",
            "--filter",
            "name=wrote",
            "--format",
            "{{.Labels}}|{{.State}}|{{.Mounts}}"
        ]),
        "tier=db,x=1|exited|\n"
    );
    // Sizes: the changed bytes, and with the image's.
    let image_size = env.ok(&["images", "--format", "{{.Size}}"]);
    let image_size = image_size.trim();
    let sized = env.ok(&["ps", "-a", "-s", "--filter", "name=wrote"]);
    let lines: Vec<&str> = sized.lines().collect();
    assert_eq!(
        cells(lines[0]),
        [
            "CONTAINER ID",
            "IMAGE",
            "COMMAND",
            "CREATED",
            "STATUS",
            "PORTS",
            "NAMES",
            "SIZE"
        ]
    );
    assert!(
        lines[1].ends_with(&format!("   wrote     5B (virtual {image_size})")),
        "{sized}"
    );
    // A template asking for .Size gets it without -s.
    assert_eq!(
        env.ok(&["ps", "--format", "table {{.Names}}\t{{.Size}}"]),
        format!("NAMES     SIZE\nalive     0B (virtual {image_size})\n")
    );
}
