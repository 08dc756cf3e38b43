//! The container process. Called as root of rpod's user namespace, with
//! the root filesystem already mounted in a private mount namespace: it
//! unshares the remaining namespaces (PID, UTS, IPC, cgroup, and network
//! unless the host's is asked for), forks the container's init (PID 1 of
//! the new PID namespace), and waits for it. The init builds the
//! container's mounts, pivots into the root filesystem, becomes the
//! container's user and execs the workload.

pub mod capabilities;
mod exec;
mod init;
mod mounts;
pub mod user;

use anyhow::{Context, Result};
use rustix::thread::UnshareFlags;
use std::path::PathBuf;

/// What to run and as whom.
#[derive(Debug, Clone)]
pub struct Process {
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
}

/// Which network namespace the container gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// A new one with only a loopback device.
    None,
    /// The host's (not isolated).
    Host,
}

/// One container to run.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The mounted root filesystem.
    pub rootfs: PathBuf,
    /// The container's directory: `hostname`, `hosts`, `resolv.conf` are
    /// bind-mounted from here over the image's files.
    pub state_dir: PathBuf,
    pub hostname: String,
    pub network: Network,
    /// Whether a gid 5 (`tty`) is mapped, for devpts.
    pub tty_group_mapped: bool,
    pub process: Process,
    pub security: Security,
}

/// What the workload may do.
#[derive(Debug, Clone)]
pub struct Security {
    pub capabilities: rustix::thread::CapabilitySet,
    /// `--privileged`: every capability and no masked kernel files.
    pub privileged: bool,
    /// `--security-opt no-new-privileges`.
    pub no_new_privileges: bool,
}

/// Runs the container and returns its exit code (128+N when signal N
/// ended it).
pub fn run(spec: &Spec) -> Result<i32> {
    let mut flags = UnshareFlags::NEWPID
        | UnshareFlags::NEWUTS
        | UnshareFlags::NEWIPC
        | UnshareFlags::NEWCGROUP;
    if spec.network == Network::None {
        flags |= UnshareFlags::NEWNET;
    }
    // SAFETY: no file-descriptor table is unshared.
    unsafe { rustix::thread::unshare_unsafe(flags) }
        .context("cannot create the container's namespaces")?;
    // SAFETY: this process is single-threaded (it runs inside rpod's
    // namespace child, which starts no threads before this).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error()).context("cannot start the container");
    }
    if pid == 0 {
        let code = init::start(spec);
        // Only reached when the container could not be started.
        // SAFETY: leaving the forked child without unwinding the parent's state.
        unsafe { libc::_exit(code) };
    }
    crate::process::wait_exit_code(
        rustix::process::Pid::from_raw(pid).context("fork returned an invalid pid")?,
    )
}
