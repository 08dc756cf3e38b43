//! Entering a container's filesystem for `cp`, in a child process. A
//! running container's user and mount namespaces are joined through a
//! pidfd of its init, so the copy sees what the container sees and writes
//! go through its overlay mount into its upper directory. A created or
//! stopped container's root filesystem is mounted in a private mount
//! namespace inside rpod's user namespace, as the monitor mounts it.

use crate::cli::{Context, Exit, report};
use crate::rootfs;
use crate::store::Store;
use crate::store::containers::{ContainerRecord, process_start_time};
use crate::userns::OwnerShift;
use anyhow::{Context as _, Result, bail};
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{CWD, Mode, OFlags};
use rustix::process::{Pid, PidfdFlags, Signal};
use rustix::thread::ThreadNameSpaceType;
use std::io::Write;
use std::os::unix::fs::MetadataExt;

/// Exit code of a side that stopped because the other end of its pipe
/// went away (128 + SIGPIPE); it says nothing, the other side does.
pub const BROKEN_PIPE: i32 = 141;

/// How the child reaches the container's files.
enum Entry {
    /// Join the namespaces of the running init (the user namespace too,
    /// unless it is this process's own, as for real root).
    Join { init: OwnedFd, user: bool },
    /// Mount the root filesystem of a container that is not running.
    Mount,
}

/// Starts a child that runs `work` on the container's root directory and
/// returns its pid. The child first closes `close_in_child` (this
/// process's ends of pipes it shares with the child); `work` owns the
/// child's ends, which this process drops on return.
pub fn spawn(
    ctx: &Context,
    store: &Store,
    record: &ContainerRecord,
    close_in_child: &[BorrowedFd<'_>],
    work: impl FnOnce(BorrowedFd<'_>) -> Result<()>,
) -> Result<Pid> {
    let entry = entry(record)?;
    let closing: Vec<i32> = close_in_child.iter().map(|fd| fd.as_raw_fd()).collect();
    std::io::stdout().flush().ok();
    // SAFETY: the CLI is single-threaded here.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error()).context("cannot fork");
    }
    if pid > 0 {
        drop(work);
        return Pid::from_raw(pid).context("fork returned an invalid pid");
    }
    for fd in closing {
        // SAFETY: this process's copies of the parent's ends, whose
        // owners are never dropped here (the child leaves with `_exit`).
        unsafe { libc::close(fd) };
    }
    let code = match child(ctx, store, record, entry, work) {
        Ok(()) => 0,
        Err(e) => i32::from(report(&e)),
    };
    std::io::stdout().flush().ok();
    // SAFETY: leaving the child without the parent's destructors.
    unsafe { libc::_exit(code) }
}

fn entry(record: &ContainerRecord) -> Result<Entry> {
    if record.state.effective_status() != "running" {
        return Ok(Entry::Mount);
    }
    let Some((pid, start)) = record.state.pid else {
        bail!("container {} is starting; try again", record.name);
    };
    let gone = || anyhow::anyhow!("container {} stopped; try again", record.name);
    let raw = Pid::from_raw(pid).ok_or_else(gone)?;
    let init = rustix::process::pidfd_open(raw, PidfdFlags::empty()).map_err(|_| gone())?;
    // The pidfd pins the process: if it started when recorded, it is the init.
    if process_start_time(pid) != Some(start) {
        return Err(gone());
    }
    let user_ns = |pid: &str| std::fs::metadata(format!("/proc/{pid}/ns/user")).map(|m| m.ino());
    let user = user_ns("self").context("cannot read this process's user namespace")?
        != user_ns(&pid.to_string()).map_err(|_| gone())?;
    Ok(Entry::Join { init, user })
}

fn child(
    ctx: &Context,
    store: &Store,
    record: &ContainerRecord,
    entry: Entry,
    work: impl FnOnce(BorrowedFd<'_>) -> Result<()>,
) -> Result<()> {
    rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
    let work = |root: OwnedFd| quiet_broken_pipe(work(root.as_fd()));
    match entry {
        Entry::Join { init, user } => {
            let mut types = ThreadNameSpaceType::MOUNT;
            if user {
                types |= ThreadNameSpaceType::USER;
            }
            rustix::thread::move_into_thread_name_spaces(init.as_fd(), types)
                .with_context(|| format!("cannot enter container {}", record.name))?;
            // Host groups are unmapped in the container; drop them where allowed.
            // SAFETY: an empty list is always a valid argument.
            unsafe { libc::setgroups(0, std::ptr::null()) };
            work(open_dir("/")?)
        }
        Entry::Mount => ctx.in_userns(|mapping| {
            crate::process::private_mount_namespace()?;
            // A keep-id container's files as its own starts mount them.
            let shift = OwnerShift::for_container(record.config.keep_id.as_ref(), mapping)?;
            let rootfs = rootfs::mount_container(store, record, shift.as_ref())?;
            work(open_dir(&rootfs.path)?)
        }),
    }
}

fn open_dir(path: impl rustix::path::Arg + Copy + std::fmt::Debug) -> Result<OwnedFd> {
    rustix::fs::openat(
        CWD,
        path,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .with_context(|| format!("cannot open {path:?}"))
}

/// A side whose pipe broke exits quietly: the other side has the reason.
fn quiet_broken_pipe(result: Result<()>) -> Result<()> {
    match result {
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            Err(Exit(BROKEN_PIPE).into())
        }
        other => other,
    }
}
