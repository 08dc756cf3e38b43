//! The monitor: one small process per running container. `rpod run` and
//! `rpod start` create it with a double fork (the CLI forks, the middle
//! process starts a session and forks the monitor into rpod's user
//! namespace, then exits), so nothing that happens to the CLI reaches the
//! container. The monitor mounts the root filesystem, starts the
//! container's init, holds its standard streams, writes its log, serves
//! attach clients, records how it ended and applies `--rm`.

mod log;
mod prepare;
pub mod protocol;
pub mod restart;
mod serve;

pub use log::{LogLine, Stream, parse as parse_log, timestamp};

use crate::runtime::StartFailed;
use crate::store::containers::ContainerRecord;
use crate::store::{Lock, Store};
use crate::userns::IdMapping;
use anyhow::{Context, Result, bail};
use rustix::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::io::Read;
use std::path::PathBuf;

/// What the monitor needs to start one container.
pub struct Launch<'a> {
    pub store: &'a Store,
    pub record: ContainerRecord,
    /// `RUNROOT/<id>`: the attach socket lives here.
    pub runtime_dir: PathBuf,
    pub mapping: &'a IdMapping,
    /// The monitor's end of a client connected from the start (a
    /// foreground `run`, or `start -a`), so no output is missed.
    pub attach: Option<OwnedFd>,
    /// The size of the client's terminal, for `-t`.
    pub terminal_size: Option<rustix::termios::Winsize>,
}

/// The container's log file.
pub fn log_path(store: &Store, id: &str) -> PathBuf {
    store.container_dir(id).join("ctr.log")
}

/// Starts the monitor, and returns once the container's workload runs
/// (and is recorded as running). When it could not be started, the error
/// is a [`StartFailed`] with Docker's exit code. `starting` is the
/// caller's start lock: the monitor does not inherit it.
pub fn start(launch: Launch, starting: Lock) -> Result<()> {
    std::fs::create_dir_all(&launch.runtime_dir)
        .with_context(|| format!("cannot create {}", launch.runtime_dir.display()))?;
    let (report_read, report_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .context("cannot create a pipe")?;
    // SAFETY: the CLI is single-threaded here.
    let middle = unsafe { libc::fork() };
    if middle < 0 {
        return Err(std::io::Error::last_os_error()).context("cannot start the monitor");
    }
    if middle == 0 {
        drop(starting);
        drop(report_read);
        let _ = rustix::process::setsid();
        let mapping = launch.mapping;
        let runroot = launch
            .runtime_dir
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        let report_raw = report_write.as_raw_fd();
        let spawned = crate::userns::spawn_in_userns(mapping, &runroot, move || {
            // SAFETY: the monitor is a fork of this process and holds the
            // same descriptor; it takes it over (its copy of `report_write`
            // is never dropped), so no second write end outlives the report.
            let report = unsafe { OwnedFd::from_raw_fd(report_raw) };
            serve::run(launch, report)
        });
        if let Err(e) = &spawned {
            let failed = StartFailed {
                code: 125,
                message: crate::cli::one_line(e),
            };
            let _ = rustix::io::write(&report_write, &failed.encode());
        }
        // SAFETY: leaving the forked child without the parent's destructors.
        unsafe { libc::_exit(i32::from(spawned.is_err())) };
    }
    drop(report_write);
    drop(launch.attach);
    let middle = rustix::process::Pid::from_raw(middle).context("fork returned an invalid pid")?;
    crate::process::wait_exit_code(middle)?;
    let mut report = Vec::new();
    std::fs::File::from(report_read)
        .read_to_end(&mut report)
        .context("cannot hear from the monitor")?;
    match StartFailed::decode(&report) {
        Some(StartFailed { code: 0, .. }) => Ok(()),
        Some(failed) => Err(failed.into()),
        None => bail!("the container's monitor exited before starting it"),
    }
}
