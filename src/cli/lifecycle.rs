//! Starting and ending containers: `start`, `stop`, `kill`, `wait`,
//! `restart`, and what `run` and `rm -f` share with them. Running
//! containers are reached through the host PIDs their monitor recorded,
//! checked against the processes' start times so that a reused PID is
//! never signalled.

use super::containers::find;
use super::session::{self, Ended};
use super::{Context, Exit, signals};
use crate::monitor::{self, Launch};
use crate::store::Store;
use crate::store::containers::{ContainerRecord, process_start_time};
use anyhow::{Context as _, Result, bail};
use rustix::event::{PollFd, PollFlags};
use rustix::fd::OwnedFd;
use rustix::process::{Pid, PidfdFlags, Signal};
use std::time::{Duration, Instant};

/// Starts the container's monitor unless it is running already; with
/// `attach`, returns the client end of a session that sees all of the
/// container's output (`None` when it was running).
pub fn launch(ctx: &Context, store: &Store, id: &str, attach: bool) -> Result<Option<OwnedFd>> {
    // One start at a time per container: two would mount and run it twice.
    let starting = store.lock_container_start(id)?;
    let record = store.container(id)?;
    if record.state.is_running() {
        return Ok(None);
    }
    let mapping = ctx.mapping()?;
    ctx.warn_if_single(&mapping)?;
    let (client, monitor_end) = if attach {
        let (client, monitor_end) = monitor::protocol::pair()?;
        (Some(client), Some(monitor_end))
    } else {
        (None, None)
    };
    let terminal_size = if record.config.tty {
        session::terminal_size()
    } else {
        None
    };
    let runtime_dir = ctx.locations()?.runroot.join(id);
    monitor::start(
        Launch {
            store,
            record,
            runtime_dir,
            mapping: &mapping,
            attach: monitor_end,
            terminal_size,
        },
        starting,
    )?;
    Ok(client)
}

/// Relays a session to its end and turns it into rpod's exit.
pub fn follow_session(
    store: &Store,
    id: &str,
    socket: OwnedFd,
    options: &session::Options,
) -> Result<()> {
    match session::relay(&socket, options)? {
        Ended::Exited(0) | Ended::Detached => Ok(()),
        Ended::Exited(code) => Err(Exit(code).into()),
        Ended::Lost => match store.container(id).ok().and_then(|r| r.state.exit_code) {
            Some(0) => Ok(()),
            Some(code) => Err(Exit(code).into()),
            None => bail!("the container's monitor went away; its exit code is unknown"),
        },
    }
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Attach to the container's output (and input with -i)
    #[arg(short, long)]
    pub attach: bool,
    /// Attach the container's standard input
    #[arg(short, long)]
    pub interactive: bool,
    /// Key sequence that detaches from the container (default ctrl-p,ctrl-q)
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Containers to start (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

pub fn start(ctx: &Context, args: StartArgs) -> Result<()> {
    let detach_keys = session::parse_detach_keys(
        args.detach_keys
            .as_deref()
            .unwrap_or(session::DEFAULT_DETACH_KEYS),
    )?;
    if !args.attach {
        return each_container(ctx, &args.containers, |store, record| {
            launch(ctx, store, &record.id, false).map(drop)
        });
    }
    let [input] = &args.containers[..] else {
        bail!("you cannot attach to more than one container at a time");
    };
    let store = ctx.store()?;
    let record = find(&store.containers()?, input)?.clone();
    let id = record.id.clone();
    let options = session::Options {
        stdin: args.interactive && record.config.interactive,
        tty: record.config.tty,
        sig_proxy: !record.config.tty,
        detach_keys,
    };
    match launch(ctx, &store, &id, true)? {
        Some(socket) => follow_session(&store, &id, socket, &options),
        None => Ok(()),
    }
}

#[derive(Debug, clap::Args)]
pub struct StopArgs {
    /// Seconds to wait for the stop signal before killing (default: the
    /// container's --stop-timeout, or 10)
    #[arg(short, long = "time", value_name = "SECONDS")]
    pub time: Option<u64>,
    /// Containers to stop (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

pub fn stop(ctx: &Context, args: StopArgs) -> Result<()> {
    each_container(ctx, &args.containers, |store, record| {
        stop_one(store, record, args.time)
    })
}

/// Sends the stop signal, then SIGKILL after the timeout; returns once
/// the monitor has recorded the end.
fn stop_one(store: &Store, record: &ContainerRecord, time: Option<u64>) -> Result<()> {
    let Some(running) = Running::of(record) else {
        return Ok(());
    };
    let signal = signals::parse(&record.config.stop_signal)?;
    let timeout = Duration::from_secs(time.or(record.config.stop_timeout).unwrap_or(10));
    running.deliver(store, record, signal)?;
    if !running.wait(Some(timeout))? {
        // Read again: a restart may have started another init meanwhile.
        let current = store.container(&record.id).ok();
        let running = current.as_ref().and_then(Running::of).unwrap_or(running);
        running.signal(libc::SIGKILL)?;
        running.wait(None)?;
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct KillArgs {
    /// Signal to send (name or number)
    #[arg(short, long, default_value = "KILL")]
    pub signal: String,
    /// Containers to signal (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

pub fn kill(ctx: &Context, args: KillArgs) -> Result<()> {
    let signal = signals::parse(&args.signal)?;
    each_container(ctx, &args.containers, |store, record| {
        let running = Running::of(record)
            .with_context(|| format!("container {} is not running", record.name))?;
        running.deliver(store, record, signal)
    })
}

#[derive(Debug, clap::Args)]
pub struct WaitArgs {
    /// Containers to wait for (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

/// Prints each container's exit code once it has exited.
pub fn wait(ctx: &Context, args: WaitArgs) -> Result<()> {
    for_each_container(ctx, &args.containers, |store, _, record| {
        if let Some(running) = Running::of(record) {
            running.wait(None)?;
        }
        let after = store.container(&record.id)?;
        Ok(after.state.exit_code.unwrap_or(-1).to_string())
    })
}

#[derive(Debug, clap::Args)]
pub struct RestartArgs {
    /// Seconds to wait for the stop signal before killing
    #[arg(short, long = "time", value_name = "SECONDS")]
    pub time: Option<u64>,
    /// Containers to restart (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

pub fn restart(ctx: &Context, args: RestartArgs) -> Result<()> {
    each_container(ctx, &args.containers, |store, record| {
        stop_one(store, record, args.time)?;
        launch(ctx, store, &record.id, false).map(drop)
    })
}

/// Applies `action` to each named container and prints its name, as
/// Docker does; failures are reported one line each and end with 125.
pub(super) fn each_container(
    ctx: &Context,
    inputs: &[String],
    mut action: impl FnMut(&Store, &ContainerRecord) -> Result<()>,
) -> Result<()> {
    for_each_container(ctx, inputs, |store, input, record| {
        action(store, record).map(|()| input.to_string())
    })
}

/// Applies `action` to each named container and prints the line it
/// returns; failures are reported one line each and end with 125.
fn for_each_container(
    ctx: &Context,
    inputs: &[String],
    mut action: impl FnMut(&Store, &str, &ContainerRecord) -> Result<String>,
) -> Result<()> {
    let store = ctx.store()?;
    let mut failed = false;
    for input in inputs {
        let result = find(&store.containers()?, input)
            .cloned()
            .and_then(|record| action(&store, input, &record));
        match result {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("Error: {}", super::one_line(&e));
                failed = true;
            }
        }
    }
    if failed {
        Err(Exit(125).into())
    } else {
        Ok(())
    }
}

/// A running container's init and monitor, as recorded and still alive.
pub struct Running {
    init: Option<Pid>,
    monitor: Pid,
}

impl Running {
    /// The container's processes, when it is running.
    pub fn of(record: &ContainerRecord) -> Option<Self> {
        if !record.state.is_running() {
            return None;
        }
        let alive = |(pid, start): (i32, u64)| {
            (process_start_time(pid) == Some(start))
                .then(|| Pid::from_raw(pid))
                .flatten()
        };
        Some(Self {
            init: record.state.pid.and_then(alive),
            monitor: record.state.monitor.and_then(alive)?,
        })
    }

    /// The container's init, when its start time still matches.
    pub fn init(&self) -> Option<Pid> {
        self.init
    }

    /// Signals the container's init (the monitor when the init is unknown:
    /// the container dies with it).
    pub fn signal(&self, signal: i32) -> Result<()> {
        let signal = Signal::from_named_raw(signal).context("invalid signal")?;
        let target = self.init.unwrap_or(self.monitor);
        match rustix::process::kill_process(target, signal) {
            Ok(()) | Err(rustix::io::Errno::SRCH) => Ok(()),
            Err(e) => Err(e).context("cannot signal the container"),
        }
    }

    /// Signals the container of `record`; a paused one is thawed right
    /// after, so that the signal reaches it (Docker does the same for
    /// stop, kill and rm -f). The stop is recorded first, so that the
    /// monitor does not restart the container (`--restart`), and the
    /// record read back names the init of the current run.
    pub fn deliver(&self, store: &Store, record: &ContainerRecord, signal: i32) -> Result<()> {
        let current = match store.update_container(&record.id, |r| r.state.stop_requested = true) {
            Ok(current) => current,
            // A --rm container may be gone already.
            Err(_) if store.container(&record.id).is_err() => return Ok(()),
            Err(e) => return Err(e),
        };
        Running::of(&current)
            .unwrap_or(Self {
                init: self.init,
                monitor: self.monitor,
            })
            .signal(signal)?;
        if current.state.effective_status() != "paused" {
            return Ok(());
        }
        match super::pause::set_paused(store, &current, false) {
            // A --rm container may be gone once the signal ended it.
            Err(_) if store.container(&record.id).is_err() => Ok(()),
            result => result,
        }
    }

    /// Waits until the monitor has exited (and so recorded the end);
    /// false when `timeout` passed first.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        let pidfd = match rustix::process::pidfd_open(self.monitor, PidfdFlags::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::SRCH) => return Ok(true),
            Err(e) => return Err(e).context("cannot watch the container's monitor"),
        };
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let timespec = left.and_then(|d| rustix::event::Timespec::try_from(d).ok());
            let mut fds = [PollFd::new(&pidfd, PollFlags::IN)];
            match rustix::event::poll(&mut fds, timespec.as_ref()) {
                Ok(0) => return Ok(false),
                Ok(_) => return Ok(true),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e).context("cannot wait for the container"),
            }
        }
    }
}
