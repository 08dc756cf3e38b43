//! `rpod exec`: runs a command in a running container, with its streams
//! on this terminal (or a terminal of the container's own with `-t`), as
//! the container's user or `-u`, in its environment plus `-e`. The exit
//! code is the command's own; 126 and 127 when it cannot be run.

use super::create::{env_flags, environment};
use super::lifecycle::Running;
use super::session::{self, Ended};
use super::{Context, Exit};
use crate::runtime::{self, Exec, Process, Security, Stdio};
use anyhow::{Context as _, Result};
use rustix::fd::OwnedFd;
use rustix::process::PidfdFlags;

#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct ExecArgs {
    /// Detached mode: run the command in the background
    #[arg(short, long)]
    pub detach: bool,
    /// Key sequence that detaches from the command (default ctrl-p,ctrl-q)
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Set environment variables (NAME=VALUE, or NAME to pass this one's value)
    #[arg(short, long = "env", value_name = "NAME[=VALUE]")]
    pub env: Vec<String>,
    /// Read environment variables from a file (one NAME=VALUE per line)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<std::path::PathBuf>,
    /// Keep stdin open (it is passed to the command)
    #[arg(short, long)]
    pub interactive: bool,
    /// Give extended privileges to the command (every capability)
    #[arg(long)]
    pub privileged: bool,
    /// Allocate a pseudo-terminal
    #[arg(short, long)]
    pub tty: bool,
    /// User to run as (name|uid[:group|gid])
    #[arg(short, long)]
    pub user: Option<String>,
    /// Working directory inside the container
    #[arg(short, long)]
    pub workdir: Option<String>,
    /// Print help
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// The container (name or ID)
    pub container: String,
    /// Command and arguments
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

pub fn exec(ctx: &Context, args: ExecArgs) -> Result<()> {
    let detach_keys = session::parse_detach_keys(
        args.detach_keys
            .as_deref()
            .unwrap_or(session::DEFAULT_DETACH_KEYS),
    )?;
    let flags = env_flags(&args.env_file, &args.env)?;
    let store = ctx.store()?;
    let record = super::containers::find(&store.containers()?, &args.container)?.clone();
    let init = Running::of(&record)
        .and_then(|running| running.init())
        .with_context(|| format!("container {} is not running", record.name))?;
    let pidfd = rustix::process::pidfd_open(init, PidfdFlags::empty())
        .with_context(|| format!("container {} is not running", record.name))?;
    let config = &record.config;
    let mut env = environment(config.env.clone(), &flags);
    env.push(format!("HOSTNAME={}", config.hostname));
    let privileged = config.privileged || args.privileged;
    let capabilities =
        runtime::capabilities::from_flags(&config.cap_add, &config.cap_drop, privileged)?;
    let request = Exec {
        init: &pidfd,
        user: args.user.as_deref().unwrap_or(&config.user),
        process: Process {
            args: args.command,
            env,
            cwd: args.workdir.unwrap_or_else(|| config.workdir.clone()),
            uid: 0,
            gid: 0,
            groups: Vec::new(),
        },
        security: Security {
            capabilities,
            privileged,
            no_new_privileges: config.no_new_privileges,
            seccomp: config.seccomp.filter(privileged, capabilities)?,
        },
        detach: args.detach,
    };
    let (stdio, console) = streams(args.tty, args.interactive && !args.detach, args.detach)?;
    let joiner = runtime::exec_in(request, stdio)?;
    if args.detach {
        crate::process::wait_exit_code(joiner)?;
        return Ok(());
    }
    if let Some(console) = console {
        let master = runtime::tty::receive_master(&console)?;
        let options = session::Options {
            stdin: args.interactive,
            tty: true,
            sig_proxy: false,
            detach_keys,
        };
        if session::relay_terminal(&master, &options)? == Ended::Detached {
            return keep_terminal_open(master);
        }
    }
    match crate::process::wait_exit_code(joiner)? {
        0 => Ok(()),
        code => Err(Exit(code).into()),
    }
}

/// The command's streams: this process's own (stdin only with `-i`),
/// `/dev/null` when detached, or a socket on which the command sends the
/// master of its terminal.
fn streams(tty: bool, stdin: bool, detach: bool) -> Result<(Stdio, Option<OwnedFd>)> {
    if tty && !detach {
        let (mine, theirs) = runtime::tty::console_pair()?;
        let size = session::terminal_size();
        let stdio = Stdio::Tty {
            console: theirs,
            size,
        };
        return Ok((stdio, Some(mine)));
    }
    let null = || -> Result<OwnedFd> {
        Ok(std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
            .context("cannot open /dev/null")?
            .into())
    };
    let own = |fd: i32| -> Result<OwnedFd> {
        // SAFETY: borrowing a standard stream of this process to duplicate it.
        let borrowed = unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) };
        rustix::io::fcntl_dupfd_cloexec(borrowed, 3).context("cannot pass on a standard stream")
    };
    let stdio = if detach {
        Stdio::Pipes {
            stdin: null()?,
            stdout: null()?,
            stderr: null()?,
        }
    } else {
        Stdio::Pipes {
            stdin: if stdin { own(0)? } else { null()? },
            stdout: own(1)?,
            stderr: own(2)?,
        }
    };
    Ok((stdio, None))
}

/// After a detach, a small process of its own keeps the command's
/// terminal open and drains it (a terminal with no master left would hang
/// the command up), until the command and its children are gone.
fn keep_terminal_open(master: OwnedFd) -> Result<()> {
    // The keeper is born ignoring the hang-up that the end of this
    // terminal's session may send before it has a session of its own.
    // SAFETY: a plain signal-disposition syscall; the CLI is about to exit.
    unsafe { libc::signal(libc::SIGHUP, libc::SIG_IGN) };
    // SAFETY: the CLI is single-threaded.
    match unsafe { libc::fork() } {
        pid if pid < 0 => {
            Err(std::io::Error::last_os_error()).context("cannot keep the terminal open")
        }
        0 => {
            let _ = rustix::process::setsid();
            let mut buffer = [0u8; 4096];
            while matches!(
                rustix::io::read(&master, &mut buffer),
                Ok(1..) | Err(rustix::io::Errno::INTR)
            ) {}
            // SAFETY: leaving the forked child without the parent's destructors.
            unsafe { libc::_exit(0) }
        }
        _ => Ok(()),
    }
}
