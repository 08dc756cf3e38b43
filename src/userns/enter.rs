//! Running work inside rpod's user namespace. The calling process forks;
//! the child joins the namespace a keeper holds (see `keeper`), or else
//! unshares a new one and waits while the parent writes its id maps (with
//! the setuid helpers `newuidmap`/`newgidmap`, or a single-uid map written
//! directly) and leaves a keeper in it; then it becomes root of the
//! namespace and runs the work. The parent only waits and passes the exit
//! code on.
//!
//! The child is single-threaded when it unshares (the kernel refuses
//! `CLONE_NEWUSER` otherwise), so callers must not have started threads
//! before calling in; the work itself may start as many as it likes.

use super::IdMapping;
use anyhow::{Context, Result, bail};
use rustix::fd::AsFd;
use rustix::fd::OwnedFd;
use rustix::process::{Pid, Signal, WaitOptions};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Set in the environment of everything run inside the namespace, so that
/// an rpod started there (under `rpod unshare`) does not nest another one.
const INSIDE_ENV: &str = "_RPOD_USERNS";

/// True when this process already runs as root of rpod's namespace.
pub fn in_rpod_userns() -> bool {
    std::env::var_os(INSIDE_ENV).is_some() && rustix::process::geteuid().is_root()
}

/// Runs `work` as root of a user namespace built from `mapping` (whose
/// keeper is named in `runroot`) and returns its exit code. Real root,
/// and a process already inside rpod's namespace, run `work` in place.
pub fn run_in_userns(
    mapping: &IdMapping,
    runroot: &Path,
    work: impl FnOnce() -> i32,
) -> Result<i32> {
    if rustix::process::geteuid().is_root() {
        return Ok(work());
    }
    let child = fork_into_userns(mapping, runroot, work, true)?;
    crate::process::wait_exit_code(child)
}

/// Starts `work` as root of a user namespace built from `mapping` in a
/// child that outlives this process (no parent-death signal), and
/// returns once its maps are written. The caller reaps it or leaves it to
/// be reparented.
pub fn spawn_in_userns(
    mapping: &IdMapping,
    runroot: &Path,
    work: impl FnOnce() -> i32,
) -> Result<Pid> {
    if !rustix::process::geteuid().is_root() {
        return fork_into_userns(mapping, runroot, work, false);
    }
    // SAFETY: single-threaded, as for every fork here.
    match unsafe { libc::fork() } {
        pid if pid < 0 => Err(std::io::Error::last_os_error()).context("cannot fork"),
        0 => {
            let code = work();
            // SAFETY: leaving the child without the parent's destructors.
            unsafe { libc::_exit(code) }
        }
        pid => Pid::from_raw(pid).context("fork returned an invalid pid"),
    }
}

fn fork_into_userns(
    mapping: &IdMapping,
    runroot: &Path,
    work: impl FnOnce() -> i32,
    die_with_parent: bool,
) -> Result<Pid> {
    if let Some(namespace) = super::keeper::kept_namespace(runroot, mapping) {
        return fork_joining(&namespace, work, die_with_parent);
    }
    let (ready_read, ready_write) = pipe()?;
    let (go_read, go_write) = pipe()?;
    let parent = rustix::process::getpid();
    let pid = fork_flushed()?;
    if pid == 0 {
        drop((ready_read, go_write));
        let entered = enter_new_namespace(parent, die_with_parent, ready_write, go_read);
        if entered.is_ok() {
            super::keeper::leave_keeper(runroot, mapping);
        }
        run_entered(entered, work);
    }
    drop((ready_write, go_read));
    let child = Pid::from_raw(pid).context("fork returned an invalid pid")?;
    let mapped = wait_byte(&ready_read).and_then(|()| write_maps(child, mapping));
    match mapped {
        Ok(()) => {
            rustix::io::write(&go_write, &[1]).context("cannot wake the namespace child")?;
            Ok(child)
        }
        Err(e) => {
            let _ = rustix::process::kill_process(child, Signal::KILL);
            let _ = rustix::process::waitpid(Some(child), WaitOptions::empty());
            Err(e)
        }
    }
}

/// Forks once buffered output is out (or the child would write it again);
/// 0 in the child.
fn fork_flushed() -> Result<libc::pid_t> {
    std::io::stdout().flush().ok();
    // SAFETY: rpod is single-threaded here (see the module comment), so the
    // child may run arbitrary code after fork.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error()).context("cannot fork");
    }
    Ok(pid)
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).context("cannot create a pipe")
}

fn wait_byte(fd: &OwnedFd) -> Result<()> {
    let mut byte = [0u8];
    match rustix::io::read(fd, &mut byte) {
        Ok(1) => Ok(()),
        Ok(_) => bail!("the user-namespace child exited early"),
        Err(e) => Err(e).context("cannot talk to the user-namespace child"),
    }
}

/// Forks a child that joins the kept `namespace` and runs `work`.
fn fork_joining(
    namespace: &OwnedFd,
    work: impl FnOnce() -> i32,
    die_with_parent: bool,
) -> Result<Pid> {
    let parent = rustix::process::getpid();
    let pid = fork_flushed()?;
    if pid == 0 {
        let entered = follow_parent(parent, die_with_parent).and_then(|()| {
            rustix::thread::move_into_link_name_space(
                namespace.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::User),
            )
            .context("cannot join rpod's user namespace")?;
            become_root()
        });
        run_entered(entered, work);
    }
    Pid::from_raw(pid).context("fork returned an invalid pid")
}

/// In the child, once in the namespace (or not): runs `work` and exits
/// with its code.
fn run_entered(entered: Result<()>, work: impl FnOnce() -> i32) -> ! {
    let code = match entered {
        Ok(()) => work(),
        Err(e) => {
            eprintln!("Error: {e:#}");
            125
        }
    };
    std::io::stdout().flush().ok();
    std::io::stderr().flush().ok();
    // SAFETY: leaving the child without running the parent's atexit
    // handlers or destructors twice.
    unsafe { libc::_exit(code) }
}

/// With `die_with_parent`, the child dies with the command that waits
/// for it (and gives up when that already happened).
fn follow_parent(parent: Pid, die_with_parent: bool) -> Result<()> {
    if die_with_parent {
        rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
        if rustix::process::getppid() != Some(parent) {
            bail!("rpod exited while starting");
        }
    }
    Ok(())
}

/// In the child: unshare, tell the parent, wait for the maps, become root.
fn enter_new_namespace(
    parent: Pid,
    die_with_parent: bool,
    ready: OwnedFd,
    go: OwnedFd,
) -> Result<()> {
    follow_parent(parent, die_with_parent)?;
    // SAFETY: no file-descriptor table is unshared; only the user namespace.
    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWUSER) }.context(
        "cannot create a user namespace (is kernel.unprivileged_userns_clone or user.max_user_namespaces disabled?)",
    )?;
    rustix::io::write(&ready, &[1])?;
    wait_byte(&go)?;
    become_root()
}

/// Becomes uid and gid 0 of the namespace just entered, without the host
/// user's supplementary groups where the kernel allows dropping them.
fn become_root() -> Result<()> {
    // SAFETY: plain syscalls; glibc applies them to every thread.
    let failed = unsafe { libc::setresgid(0, 0, 0) != 0 || libc::setresuid(0, 0, 0) != 0 };
    if failed {
        return Err(std::io::Error::last_os_error())
            .context("cannot become root in the user namespace");
    }
    // Supplementary groups of the host user are unmapped inside; drop them
    // where the kernel allows it (not after "deny" on single-uid maps).
    // SAFETY: an empty list is always a valid argument.
    unsafe { libc::setgroups(0, std::ptr::null()) };
    // SAFETY: still single-threaded: the work has not started yet.
    unsafe { std::env::set_var(INSIDE_ENV, "1") };
    Ok(())
}

/// Writes the child's uid and gid maps.
fn write_maps(child: Pid, mapping: &IdMapping) -> Result<()> {
    let pid = child.as_raw_nonzero().to_string();
    if mapping.is_single() {
        let proc_dir = format!("/proc/{pid}");
        std::fs::write(format!("{proc_dir}/setgroups"), "deny")
            .context("cannot write setgroups of the user namespace")?;
        for (file, map) in [("uid_map", &mapping.uids[0]), ("gid_map", &mapping.gids[0])] {
            std::fs::write(
                format!("{proc_dir}/{file}"),
                format!("{} {} {}\n", map.inside, map.outside, map.count),
            )
            .with_context(|| format!("cannot write {file} of the user namespace"))?;
        }
        return Ok(());
    }
    // Both helpers run at once: each costs the start of a setuid program.
    let mut running = Vec::with_capacity(2);
    for (helper, maps) in [("newuidmap", &mapping.uids), ("newgidmap", &mapping.gids)] {
        let mut command = Command::new(helper);
        command
            .arg(&pid)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for map in maps {
            command.args([map.inside, map.outside, map.count].map(|n| n.to_string()));
        }
        let child = command.spawn().with_context(|| {
            format!("cannot run {helper} (install the `uidmap` package, or ask an administrator)")
        })?;
        running.push((helper, child));
    }
    for (helper, child) in running {
        let output = child
            .wait_with_output()
            .with_context(|| format!("cannot wait for {helper}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            bail!(
                "{helper} failed: {} (check your ranges in /etc/subuid and /etc/subgid)",
                stderr.lines().next().unwrap_or("no message").trim()
            );
        }
    }
    Ok(())
}
