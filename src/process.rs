//! Process plumbing that several commands share: a private mount
//! namespace, a child's exit code in Docker's convention, and what a
//! long-lived fork detaches from and shows.

use anyhow::{Context, Result};
use rustix::mount::MountPropagationFlags;
use rustix::process::{Pid, WaitOptions};

/// Moves this process into a new mount namespace whose mounts do not
/// propagate back to the one it came from.
pub fn private_mount_namespace() -> Result<()> {
    // SAFETY: only the mount namespace is unshared.
    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNS) }
        .context("cannot create a mount namespace")?;
    rustix::mount::mount_change(
        "/",
        MountPropagationFlags::REC | MountPropagationFlags::PRIVATE,
    )
    .context("cannot make mounts private")
}

/// Waits for `child`: its exit code, or 128+N when signal N killed it.
pub fn wait_exit_code(child: Pid) -> Result<i32> {
    loop {
        match rustix::process::waitpid(Some(child), WaitOptions::empty()) {
            Ok(Some((_, status))) => {
                if let Some(code) = status.exit_status() {
                    return Ok(code);
                }
                if let Some(signal) = status.terminating_signal() {
                    return Ok(128 + signal);
                }
            }
            Ok(None) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e).context("cannot wait for a child process"),
        }
    }
}

/// Makes `ps` and `/proc/PID/cmdline` show `title` for this process (a
/// fork of the CLI would otherwise show the command that made it), by
/// writing over the original argument strings, as setproctitle does. The
/// title is cut to fit; `std::env::args` must not be used afterwards.
pub fn set_title(title: &str) {
    let Some((start, end)) = argument_area() else {
        return;
    };
    let Some(len) = end.checked_sub(start).filter(|&len| len > 0) else {
        return;
    };
    // SAFETY: the kernel reports the argument strings' memory, on this
    // process's stack; nothing reads them after this (see above).
    let area = unsafe { std::slice::from_raw_parts_mut(start as *mut u8, len) };
    area.fill(0);
    let shown = &title.as_bytes()[..title.len().min(len - 1)];
    area[..shown.len()].copy_from_slice(shown);
}

/// `arg_start` and `arg_end` of `/proc/self/stat` (fields 48 and 49).
fn argument_area() -> Option<(usize, usize)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(45);
    Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
}

/// Points standard input, output and error at /dev/null, so that a
/// long-lived fork holds no terminal or pipe of the command it came from.
pub fn detach_stdio() {
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for target in 0..3 {
            // SAFETY: duplicating a descriptor this process owns.
            unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&null), target) };
        }
    }
}

/// Raises this process's soft limit of open files to its hard one: for
/// servers that hold a descriptor per file or connection of a container.
pub fn raise_open_files_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let files = getrlimit(Resource::Nofile);
    let _ = setrlimit(
        Resource::Nofile,
        Rlimit {
            current: files.maximum,
            maximum: files.maximum,
        },
    );
}
