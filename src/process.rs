//! Process plumbing that several commands share: a private mount
//! namespace, and a child's exit code in Docker's convention.

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
