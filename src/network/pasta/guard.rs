//! The guard of a pasta process. pasta loses its parent-death signal
//! when it sandboxes itself (new credentials clear it), so on its own it
//! would outlive a monitor killed with SIGKILL. The guard, a fork of the
//! monitor that keeps the monitor's credentials, gets SIGTERM when the
//! monitor dies or stops the network, passes it on to pasta, and exits
//! with pasta. A guard that dies first (killed, say) makes the monitor
//! end pasta at once, so that no order of deaths leaves pasta running.

use super::super::helper::{default_signals, place_descriptors};
use super::NOT_INSTALLED;
use rustix::fd::{FromRawFd, OwnedFd};
use std::io::Write;
use std::os::unix::process::CommandExt;

/// Runs in the child of a fork: starts `command` with `sources` (the
/// ready pipe, the two namespaces, the log) on descriptors 3 to 6, and
/// lives as long as it does.
pub(super) fn run(command: std::process::Command, sources: &[i32; 4]) -> ! {
    let code = guard(command, sources).unwrap_or(1);
    // SAFETY: leaving the forked child without the monitor's destructors.
    unsafe { libc::_exit(code) }
}

fn guard(mut command: std::process::Command, sources: &[i32; 4]) -> std::io::Result<i32> {
    // SAFETY: plain process-attribute syscalls in a single-threaded child.
    unsafe {
        let monitor = libc::getppid();
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 || libc::getppid() != monitor {
            return Ok(1);
        }
    }
    // `ps` shows what it is, not the command that forked the monitor.
    crate::process::set_title("rpod-pasta-guard");
    place_descriptors(sources)?;
    // Nothing else of the monitor's stays open here: a copy of the
    // container's stdin or of its start-up pipes would keep them open.
    // SAFETY: closes descriptors this process no longer uses.
    unsafe { libc::syscall(libc::SYS_close_range, 7u32, u32::MAX, 0u32) };
    let signals = blocked_signals()?;
    // SAFETY: fd 6 is the log, placed above; the copy is the command's.
    let log = unsafe { std::mem::ManuallyDrop::new(std::fs::File::from_raw_fd(6)) };
    command.stderr(log.try_clone()?);
    // SAFETY: between fork and exec only sigprocmask and signal run.
    unsafe { command.pre_exec(default_signals) };
    let spawned = command.spawn();
    drop(command);
    let mut pasta = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(NOT_INSTALLED),
        Err(e) => {
            let _ = writeln!(&*log, "cannot start pasta: {e}");
            return Ok(1);
        }
    };
    // Only pasta holds the ready pipe now: it closes when pasta dies.
    // SAFETY: the descriptors placed above, not used again.
    unsafe { libc::syscall(libc::SYS_close_range, 3u32, 6u32, 0u32) };
    match relay(&signals, &mut pasta) {
        Ok(code) => Ok(code),
        Err(_) => {
            // Whatever went wrong here, pasta must not be left alone.
            let _ = pasta.kill();
            let _ = pasta.wait();
            Ok(1)
        }
    }
}

/// Passes SIGTERM on to pasta until it exits; returns its exit code.
fn relay(signals: &OwnedFd, pasta: &mut std::process::Child) -> std::io::Result<i32> {
    let pid = rustix::process::Pid::from_raw(pasta.id() as i32);
    let mut info = [0u8; 128];
    loop {
        // One `signalfd_siginfo` (128 bytes) per signal; the number first.
        match rustix::io::read(signals, &mut info) {
            Ok(n) if n == info.len() => {}
            Err(rustix::io::Errno::INTR) => continue,
            Ok(_) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Err(e) => return Err(e.into()),
        }
        if i32::from_ne_bytes([info[0], info[1], info[2], info[3]]) == libc::SIGTERM
            && let Some(pid) = pid
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        if let Some(status) = pasta.try_wait()? {
            return Ok(status.code().unwrap_or(1));
        }
    }
}

/// Blocks SIGTERM and SIGCHLD and returns a descriptor that reads them.
fn blocked_signals() -> std::io::Result<OwnedFd> {
    // SAFETY: plain signal-mask syscalls; the fd returned is new and owned.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        let fd = libc::signalfd(-1, &set, libc::SFD_CLOEXEC);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(OwnedFd::from_raw_fd(fd))
    }
}
