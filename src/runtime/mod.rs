//! The container process. Called by the monitor as root of rpod's user
//! namespace, with the root filesystem already mounted in a private mount
//! namespace: it clones the container's init into new namespaces (PID,
//! UTS, IPC, cgroup, and network unless the host's is asked for) as PID 1
//! of the new PID namespace; the monitor waits for it. The init builds the
//! container's mounts, pivots into the root filesystem, becomes the
//! container's user and execs the workload.

pub mod binds;
pub mod capabilities;
mod exec;
pub use exec::DEFAULT_PATH;
mod init;
pub use init::SETUP_FAILED;
mod join;
pub use join::{Exec, exec_in};
mod mounts;
mod reaper;
pub mod seccomp;
pub mod tmpfs;
pub mod tty;
pub mod ulimits;
pub mod user;
mod volumes;

use anyhow::{Context, Result};
use rustix::fd::OwnedFd;
use rustix::process::Pid;
use std::io::Read;
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

/// One container to run.
#[derive(Debug)]
pub struct Spec {
    /// The mounted root filesystem.
    pub rootfs: PathBuf,
    /// The FUSE driver's server (a child of the monitor): the container
    /// cannot go on without it.
    pub rootfs_server: Option<rustix::process::Pid>,
    /// The container's directory: the `etc_files` are bind-mounted from
    /// here over the image's files in `/etc`.
    pub state_dir: PathBuf,
    /// `hostname`, `hosts`, `resolv.conf`, and under `--userns=keep-id`
    /// `passwd` and `group` when the image lacks the kept user.
    pub etc_files: Vec<&'static str>,
    pub hostname: String,
    /// `--domainname` (empty: none).
    pub domainname: String,
    /// The container's network. A shared one (host, another container's,
    /// a path) is joined by the monitor before the clone.
    pub network: crate::network::Mode,
    /// The ports to publish on it.
    pub ports: Vec<crate::network::ports::PortBinding>,
    /// `RUNROOT/<id>`: the network helper's socket and log go here.
    pub runtime_dir: PathBuf,
    /// `--userns=keep-id`: the init gets a user namespace of its own,
    /// nested in the monitor's, with these maps (container ids to ids of
    /// the monitor's namespace).
    pub userns: Option<crate::userns::IdMapping>,
    /// Whether a gid 5 (`tty`) is mapped, for devpts.
    pub tty_group_mapped: bool,
    pub process: Process,
    pub security: Security,
    /// `--init`: PID 1 is rpod's reaping init, the command its child.
    pub init: bool,
    /// `--read-only`: the root filesystem (and the /etc files rpod
    /// provides) read-only.
    pub read_only: bool,
    /// `--tmpfs`: mount point and options.
    pub tmpfs: Vec<(String, String)>,
    /// `-v HOST:CONTAINER`: bind mounts of host paths.
    pub binds: Vec<binds::Bind>,
    /// The size of /dev/shm in bytes.
    pub shm_size: u64,
    /// `--ulimit`.
    pub ulimits: Vec<crate::store::containers::Ulimit>,
}

/// What the workload may do.
#[derive(Debug)]
pub struct Security {
    pub capabilities: rustix::thread::CapabilitySet,
    /// `--privileged`: every capability and no masked kernel files.
    pub privileged: bool,
    /// `--security-opt no-new-privileges`.
    pub no_new_privileges: bool,
    /// The compiled seccomp filter; `None` for unconfined.
    pub seccomp: Option<seccomp::Filter>,
}

/// Where the workload's standard streams go.
#[derive(Debug)]
pub enum Stdio {
    /// Plain descriptors (pipes to the monitor, or `/dev/null`).
    Pipes {
        stdin: OwnedFd,
        stdout: OwnedFd,
        stderr: OwnedFd,
    },
    /// A terminal made inside the container's devpts; its master is sent
    /// back over `console` (a unix socket), as runc does.
    Tty {
        console: OwnedFd,
        size: Option<rustix::termios::Winsize>,
    },
}

/// The container could not be started: the exit code Docker gives (125,
/// 126 or 127) and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StartFailed {
    pub code: i32,
    pub message: String,
}

impl StartFailed {
    /// As one report on a start-up pipe: the exit code's byte, then the reason.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![u8::try_from(self.code).unwrap_or(125)];
        bytes.extend_from_slice(self.message.as_bytes());
        bytes
    }

    /// Reads back what [`StartFailed::encode`] wrote; `None` for nothing.
    pub fn decode(report: &[u8]) -> Option<Self> {
        let (&code, message) = report.split_first()?;
        Some(Self {
            code: i32::from(code),
            message: String::from_utf8_lossy(message).into_owned(),
        })
    }
}

/// Writes the id maps of the init's own user namespace, in the ids of
/// this process's namespace (where its root may map any of them).
fn write_maps(pid: Pid, maps: &crate::userns::IdMapping) -> Result<()> {
    let text = |maps: &[crate::userns::IdMap]| {
        maps.iter()
            .map(|m| format!("{} {} {}\n", m.inside, m.outside, m.count))
            .collect::<String>()
    };
    for (file, maps) in [("uid_map", &maps.uids), ("gid_map", &maps.gids)] {
        let path = format!("/proc/{}/{file}", pid.as_raw_nonzero());
        std::fs::write(&path, text(maps)).with_context(|| format!("cannot write {path}"))?;
    }
    Ok(())
}

/// A container whose workload runs.
pub struct Started {
    pub init: Pid,
    /// Its network helper, for as long as the workload runs.
    pub network: crate::network::Attached,
}

/// Creates the container's namespaces and its init, connects its network,
/// and returns the init's PID once the workload has been exec'd. A failure before the
/// exec comes back as [`StartFailed`]. The namespaces are the child's
/// alone (a clone, not an unshare of the caller's), so the monitor can
/// spawn a fresh init each time `--restart` asks for one.
pub fn spawn(spec: &Spec, stdio: Stdio) -> Result<Started> {
    let mut flags =
        libc::CLONE_NEWPID | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC | libc::CLONE_NEWCGROUP;
    if spec.network.own_namespace() {
        flags |= libc::CLONE_NEWNET;
    }
    if spec.userns.is_some() {
        flags |= libc::CLONE_NEWUSER;
    }
    let (status_read, status_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .context("cannot create a pipe")?;
    let pipe_if = |wanted: bool| {
        wanted
            .then(|| rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC))
            .transpose()
            .context("cannot create a pipe")
    };
    // A nested user namespace's init waits until its maps are written,
    // and the workload waits for its network.
    let maps_written = pipe_if(spec.userns.is_some())?;
    let network_ready = pipe_if(spec.network.publishes_ports())?;
    // SAFETY: clone without a new stack behaves as fork (the child gets a
    // copy of the caller's memory); the caller is single-threaded (the
    // monitor starts no threads).
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            libc::c_long::from(flags | libc::SIGCHLD),
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if pid < 0 {
        return Err(std::io::Error::last_os_error())
            .context("cannot create the container's namespaces");
    }
    if pid == 0 {
        drop(status_read);
        let read_end = |pipe: Option<(OwnedFd, OwnedFd)>| pipe.map(|(read, _)| read);
        let waits = init::Waits {
            maps_written: read_end(maps_written),
            network_ready: read_end(network_ready),
        };
        init::start(spec, stdio, status_write, waits);
    }
    drop((status_write, stdio));
    let pid = Pid::from_raw(i32::try_from(pid)?).context("clone returned an invalid pid")?;
    // Opened while the init still has the monitor's credentials.
    let namespaces = network_ready
        .as_ref()
        .map(|_| crate::network::Namespaces::of(pid))
        .transpose();
    if let (Some(maps), Some((read, write))) = (&spec.userns, maps_written) {
        drop(read);
        if let Err(e) = write_maps(pid, maps) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            let _ = crate::process::wait_exit_code(pid);
            return Err(e);
        }
        drop(write);
    }
    let network = match network_ready {
        Some((read, write)) => {
            drop(read);
            let attached = namespaces.and_then(|namespaces| {
                let namespaces = namespaces.context("the init has no namespaces to connect")?;
                crate::network::attach(&spec.network, &spec.ports, &namespaces, &spec.runtime_dir)
            });
            match &attached {
                Ok(_) => drop(write),
                Err(_) => {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
            }
            attached
        }
        None => Ok(crate::network::Attached::default()),
    };
    // The pipe closes without a word when the exec succeeded. When the
    // set-up failed while the network was being connected, its reason
    // comes first.
    let mut report = Vec::new();
    std::fs::File::from(status_read)
        .read_to_end(&mut report)
        .context("cannot read the container's start-up status")?;
    if let Some(failed) = StartFailed::decode(&report) {
        let _ = crate::process::wait_exit_code(pid);
        return Err(failed.into());
    }
    let network = network.inspect_err(|_| {
        let _ = crate::process::wait_exit_code(pid);
    })?;
    Ok(Started { init: pid, network })
}
