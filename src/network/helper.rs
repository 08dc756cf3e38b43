//! What the user-mode network helpers (slirp4netns, pasta) share: the
//! container's namespaces handed over as descriptors, a pipe that says
//! when they are ready, and their log.

use anyhow::{Context, Result, bail};
use rustix::event::{PollFd, PollFlags};
use rustix::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The container's network and user namespaces, opened by the monitor
/// as soon as the init exists: once the init changes its credentials
/// (as it does in a user namespace of its own), the kernel no longer lets
/// other processes open them through `/proc`.
pub struct Namespaces {
    pub(super) net: OwnedFd,
    pub(super) user: OwnedFd,
    /// Whether the user namespace is the monitor's own (not a keep-id
    /// init's): a helper then must not try to enter it.
    pub(super) user_is_ours: bool,
}

impl Namespaces {
    pub fn of(pid: rustix::process::Pid) -> Result<Self> {
        let open = |kind: &str| -> Result<OwnedFd> {
            let path = format!("/proc/{}/ns/{kind}", pid.as_raw_nonzero());
            let file = std::fs::File::open(&path)
                .with_context(|| format!("cannot open the container's namespace {path}"))?;
            Ok(file.into())
        };
        let user = open("user")?;
        let ours = std::fs::metadata("/proc/self/ns/user")?;
        let theirs = rustix::fs::fstat(&user)?;
        Ok(Self {
            net: open("net")?,
            user_is_ours: (ours.dev(), ours.ino()) == (theirs.st_dev, theirs.st_ino),
            user,
        })
    }

    /// Moves the calling process (a single-threaded fork of the monitor:
    /// a user namespace cannot be left) into the container's user
    /// namespace, when it is not the monitor's, and network namespace.
    pub(super) fn enter(&self) -> std::io::Result<()> {
        use rustix::thread::{LinkNameSpaceType, move_into_link_name_space};
        if !self.user_is_ours {
            move_into_link_name_space(self.user.as_fd(), Some(LinkNameSpaceType::User))?;
        }
        move_into_link_name_space(self.net.as_fd(), Some(LinkNameSpaceType::Network))?;
        Ok(())
    }

    /// Runs `work` in a fork of the monitor that has entered the
    /// namespaces, and waits for it; an error comes back as its errno
    /// (the child's exit code).
    pub(super) fn run_inside(&self, work: impl FnOnce() -> std::io::Result<()>) -> Result<()> {
        // SAFETY: the monitor is single-threaded; the child only enters
        // the namespaces, runs `work` and leaves with `_exit`.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(std::io::Error::last_os_error()).context("cannot fork");
        }
        if pid == 0 {
            let code = match self.enter().and_then(|()| work()) {
                Ok(()) => 0,
                Err(e) => e
                    .raw_os_error()
                    .filter(|n| (1..=255).contains(n))
                    .unwrap_or(libc::EIO),
            };
            // SAFETY: leaving the forked child without the monitor's destructors.
            unsafe { libc::_exit(code) }
        }
        let pid = rustix::process::Pid::from_raw(pid).context("fork returned an invalid pid")?;
        match crate::process::wait_exit_code(pid)? {
            0 => Ok(()),
            errno => Err(std::io::Error::from_raw_os_error(errno).into()),
        }
    }
}

/// In a child between fork and exec: lets `fds` stay open across the
/// exec (the helper is told their numbers).
///
/// # Safety
/// Async-signal-safe: only raw syscalls.
pub(super) fn keep_open(fds: &[i32]) -> std::io::Result<()> {
    for &fd in fds {
        // SAFETY: fcntl on descriptors this process holds.
        if unsafe { libc::fcntl(fd, libc::F_SETFD, 0) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// In a child of a plain fork (before any descriptor of its own is
/// made): puts `sources` on descriptors 3, 4,
/// … (open across the exec). Copies above them first, so that no target
/// overwrites another's source; the copies close at the exec.
///
/// # Safety
/// Async-signal-safe: only raw syscalls.
pub(super) fn place_descriptors(sources: &[i32]) -> std::io::Result<()> {
    let first_free = 3 + sources.len() as i32;
    let mut copies = [0; 8];
    for (copy, &source) in copies.iter_mut().zip(sources) {
        // SAFETY: fcntl on descriptors this process holds.
        *copy = unsafe { libc::fcntl(source, libc::F_DUPFD_CLOEXEC, first_free) };
        if *copy < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    for (target, &copy) in (3..).zip(&copies[..sources.len()]) {
        // SAFETY: dup2 onto a descriptor number this process owns.
        if unsafe { libc::dup2(copy, target) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// In a child between fork and exec: no signal blocked (the monitor
/// blocks those it reads from a signalfd, and a mask survives the exec)
/// and SIGPIPE back to its default (Rust ignores it).
///
/// # Safety
/// Async-signal-safe: only raw syscalls.
pub(super) fn default_signals() -> std::io::Result<()> {
    unblock_signals()?;
    // SAFETY: restores a signal's default disposition.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    Ok(())
}

/// No signal blocked, as in a fresh process (async-signal-safe).
pub(super) fn unblock_signals() -> std::io::Result<()> {
    // SAFETY: sigprocmask on this process, with valid arguments.
    unsafe {
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        if libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// How long a helper may take to configure the network (and to answer).
pub(super) const READY_TIMEOUT_SECONDS: i64 = 10;

/// Waits for the helper's word on its ready pipe and returns it; the
/// pipe closing without one means it died.
pub(super) fn wait_ready(ready: &OwnedFd) -> Result<String> {
    let mut fds = [PollFd::new(ready, PollFlags::IN)];
    let timeout = rustix::event::Timespec {
        tv_sec: READY_TIMEOUT_SECONDS,
        tv_nsec: 0,
    };
    loop {
        match rustix::event::poll(&mut fds, Some(&timeout)) {
            Ok(0) => bail!("it was not ready after {READY_TIMEOUT_SECONDS} s"),
            Ok(_) => break,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let mut word = [0u8; 16];
    match rustix::io::read(ready, &mut word) {
        Ok(0) => bail!("it exited"),
        Ok(n) => Ok(String::from_utf8_lossy(&word[..n]).into_owned()),
        Err(e) => Err(e.into()),
    }
}

/// ` (LINE)` for the last line a helper logged, or nothing.
pub(super) fn last_line(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!(" ({})", l.trim()))
        .unwrap_or_default()
}
