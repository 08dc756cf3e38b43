//! `exec`: a new process in a running container. A child of the caller
//! (the joiner) enters every namespace of the container's init that
//! differs from its own, all at once through the init's pidfd, then forks
//! the process itself, which is born inside the container's PID namespace
//! with the container's root as its root and working directory. That
//! process resolves its user in the container's `/etc/passwd`, takes its
//! streams or a terminal of the container's devpts, gives up what the
//! container's init gave up, and execs. The joiner waits for it and exits
//! with its code, unless the exec is detached.

use super::{Process, Security, StartFailed, Stdio, init, tty, user};
use anyhow::{Context, Result};
use rustix::fd::{AsFd, OwnedFd};
use rustix::process::Pid;
use rustix::thread::ThreadNameSpaceType;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// A process to start in a running container.
pub struct Exec<'a> {
    /// A pidfd of the container's init.
    pub init: &'a OwnedFd,
    /// `--user`, resolved inside the container (empty: root).
    pub user: &'a str,
    /// The command, environment (without HOME, added from the user) and
    /// working directory (empty: `/`).
    pub process: Process,
    pub security: Security,
    /// Leave it running and return at once.
    pub detach: bool,
}

/// Starts `exec` and returns the joiner's PID once the command has been
/// exec'd; waiting for the joiner gives the command's exit code (not for
/// a detached exec, whose joiner ends at once). A failure before the exec
/// comes back as [`StartFailed`].
pub fn exec_in(exec: Exec, stdio: Stdio) -> Result<Pid> {
    let namespaces = namespaces_to_join(exec.init)?;
    let (status_read, status_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .context("cannot create a pipe")?;
    // SAFETY: the CLI is single-threaded here.
    let joiner = unsafe { libc::fork() };
    if joiner < 0 {
        return Err(std::io::Error::last_os_error()).context("cannot start the exec");
    }
    if joiner == 0 {
        drop(status_read);
        let code = join_and_run(exec, namespaces, stdio, status_write);
        // SAFETY: leaving the forked child without the parent's destructors.
        unsafe { libc::_exit(code) }
    }
    drop((status_write, stdio));
    let joiner = Pid::from_raw(joiner).context("fork returned an invalid pid")?;
    let mut report = Vec::new();
    std::fs::File::from(status_read)
        .read_to_end(&mut report)
        .context("cannot read the exec's start-up status")?;
    if let Some(failed) = StartFailed::decode(&report) {
        let _ = crate::process::wait_exit_code(joiner);
        return Err(failed.into());
    }
    Ok(joiner)
}

/// The init's namespaces that are not already ours (a container on the
/// host's network shares the host's; real root has no user namespace of
/// rpod's).
fn namespaces_to_join(init: &OwnedFd) -> Result<ThreadNameSpaceType> {
    let init_pid = pid_of(init)?;
    let mut types = ThreadNameSpaceType::empty();
    for (name, kind) in [
        ("user", ThreadNameSpaceType::USER),
        ("mnt", ThreadNameSpaceType::MOUNT),
        ("pid", ThreadNameSpaceType::PROCESS_ID),
        ("uts", ThreadNameSpaceType::HOST_NAME_AND_NIS_DOMAIN_NAME),
        ("ipc", ThreadNameSpaceType::INTER_PROCESS_COMMUNICATION),
        ("net", ThreadNameSpaceType::NETWORK),
        ("cgroup", ThreadNameSpaceType::CONTROL_GROUP),
    ] {
        let theirs = std::fs::metadata(format!("/proc/{init_pid}/ns/{name}"))
            .with_context(|| format!("cannot look at the container's {name} namespace"))?;
        let ours = std::fs::metadata(format!("/proc/self/ns/{name}"))?;
        if theirs.ino() != ours.ino() {
            types |= kind;
        }
    }
    Ok(types)
}

/// The PID a pidfd refers to (from its fdinfo).
fn pid_of(pidfd: &OwnedFd) -> Result<i32> {
    let fd = std::os::fd::AsRawFd::as_raw_fd(pidfd);
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"))
        .context("cannot read the pidfd's fdinfo")?;
    info.lines()
        .find_map(|l| l.strip_prefix("Pid:"))
        .and_then(|p| p.trim().parse().ok())
        .filter(|&p: &i32| p > 0)
        .context("the container's init has exited")
}

/// In the joiner: enter the namespaces, fork the command, wait for it.
/// Returns the joiner's exit code.
fn join_and_run(exec: Exec, namespaces: ThreadNameSpaceType, stdio: Stdio, status: OwnedFd) -> i32 {
    let report = |e: anyhow::Error| {
        let failed = StartFailed {
            code: init::SETUP_FAILED,
            message: crate::cli::one_line(&e),
        };
        let _ = rustix::io::write(&status, &failed.encode());
        init::SETUP_FAILED
    };
    if let Err(e) = rustix::thread::move_into_thread_name_spaces(exec.init.as_fd(), namespaces) {
        return report(anyhow::Error::new(e).context("cannot join the container's namespaces"));
    }
    // SAFETY: the joiner is single-threaded.
    let command = unsafe { libc::fork() };
    if command < 0 {
        return report(std::io::Error::last_os_error().into());
    }
    if command == 0 {
        let mut process = exec.process.clone();
        let prepared = prepare(&mut process, exec.user, &exec.security, stdio);
        init::exec_or_report(prepared, &process, &status);
    }
    drop((status, stdio));
    if exec.detach {
        return 0;
    }
    match Pid::from_raw(command).map(crate::process::wait_exit_code) {
        Some(Ok(code)) => code,
        _ => init::SETUP_FAILED,
    }
}

/// In the command's process, inside the container: streams, user, home,
/// working directory, then what every container process gives up.
fn prepare(process: &mut Process, user: &str, security: &Security, stdio: Stdio) -> Result<()> {
    let terminal = init::use_stdio(stdio)?;
    let user = user::resolve(Path::new("/"), user)?;
    process.uid = user.uid;
    process.gid = user.gid;
    process.groups = user.groups;
    if !process.env.iter().any(|e| e.starts_with("HOME=")) {
        process.env.push(format!("HOME={}", user.home));
    }
    if let Some((socket, size)) = terminal {
        tty::take_new_terminal(&socket, size, tty::Console::Leave)?;
    }
    let cwd = if process.cwd.is_empty() {
        "/"
    } else {
        &process.cwd
    };
    std::env::set_current_dir(cwd)
        .with_context(|| format!("cannot enter the working directory {cwd}"))?;
    init::become_workload(process, security)
}
