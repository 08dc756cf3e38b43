//! `rpod cp`: copies files and directories between a container and the
//! host by Docker's rules (see `archive::copy`). The container's side runs
//! in a child that has entered the container's filesystem
//! (`cp/container.rs`); the host's side stays in this process, and a pipe
//! carries the copy between them. `-` is a tar stream that the child reads
//! from standard input or writes to standard output itself.
//!
//! Choices where Docker differs or is silent:
//! - `-a` keeps the uid and gid each file has at the source (Docker's help
//!   says so; its daemon chowns to the container's user instead). Without
//!   subordinate ids only root is mapped, so `-a` cannot apply owners.
//! - A tar stream is extracted confined to its destination directory: a
//!   symlink in it that points out of the directory cannot be written
//!   through (Docker confines to the container's root).
//! - A container that is not running is seen without the `/etc/hostname`,
//!   `/etc/hosts` and `/etc/resolv.conf` that are bound in when it runs.

mod container;

use super::containers::find;
use super::{Context, Exit};
use crate::archive::{self, CopyPath, UnpackOptions, UnpackReport};
use crate::format::human_size;
use anyhow::{Context as _, Result, bail};
use rustix::fd::{AsFd, OwnedFd};
use rustix::process::Pid;
use std::fs::File;
use std::io::IsTerminal;
use std::os::unix::ffi::OsStrExt;

#[derive(Debug, clap::Args)]
#[command(
    override_usage = "rpod cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n       rpod cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH"
)]
pub struct CpArgs {
    /// Archive mode: copied files keep their uid and gid (otherwise files
    /// copied into a container belong to its root)
    #[arg(short, long)]
    pub archive: bool,
    /// Always follow a symbolic link in SRC_PATH
    #[arg(short = 'L', long)]
    pub follow_link: bool,
    /// Print no summary (it is printed only when stderr is a terminal)
    #[arg(short, long)]
    pub quiet: bool,
    /// CONTAINER:SRC_PATH, a host path, or - for a tar stream on stdin
    #[arg(value_name = "SRC")]
    pub source: String,
    /// CONTAINER:DEST_PATH, a host path, or - for a tar stream on stdout
    #[arg(value_name = "DEST")]
    pub destination: String,
}

pub fn cp(ctx: &Context, args: CpArgs) -> Result<()> {
    if args.source.is_empty() || args.destination.is_empty() {
        bail!("the source and the destination cannot be empty");
    }
    let copied = match (split(&args.source), split(&args.destination)) {
        (Some(_), Some(_)) => bail!("copying between containers is not supported"),
        (None, None) => {
            bail!("one of the source and the destination must be CONTAINER:PATH")
        }
        (Some((name, path)), None) => copy_out(ctx, &args, name, path)?,
        (None, Some((name, path))) => copy_in(ctx, &args, name, path)?,
    };
    if let Some(bytes) = copied
        && !args.quiet
        && std::io::stderr().is_terminal()
    {
        eprintln!(
            "Successfully copied {} to {}",
            human_size(bytes),
            args.destination
        );
    }
    Ok(())
}

/// `CONTAINER:PATH` as its two parts; `None` for a host path (one that is
/// absolute, starts with `.`, or has no `:`), as Docker tells them apart.
fn split(arg: &str) -> Option<(&str, &str)> {
    if arg.starts_with('/') || arg.starts_with('.') {
        return None;
    }
    arg.split_once(':')
}

/// Container to host (or to stdout); the bytes of file data copied.
fn copy_out(ctx: &Context, args: &CpArgs, name: &str, path: &str) -> Result<Option<u64>> {
    let store = ctx.store()?;
    let record = find(&store.containers()?, name)?.clone();
    let source = CopyPath::parse(path.as_bytes());
    let shown = format!("{name}:{path}");
    let follow = args.follow_link;
    if args.destination == "-" {
        let child = container::spawn(ctx, &store, &record, &[], |root| {
            let (source, info) = archive::open_source(root, &source, follow, &shown)?;
            archive::pack(stdio(rustix::stdio::stdout())?, &source, &info.base)?;
            Ok(())
        })?;
        return finish(child, Ok(None));
    }
    let dest = CopyPath::parse(host_path(&args.destination)?.as_os_str().as_bytes());
    let (reader, writer) = pipe()?;
    let child = container::spawn(ctx, &store, &record, &[reader.as_fd()], |root| {
        let (source, info) = archive::open_source(root, &source, follow, &shown)?;
        archive::send(File::from(writer), &source, &info)?;
        Ok(())
    })?;
    let received = host_root().and_then(|root| {
        archive::receive(
            File::from(reader),
            root.as_fd(),
            &dest,
            &UnpackOptions {
                apply_owners: false,
            },
            &args.destination,
        )
    });
    finish(
        child,
        received.map(|report| {
            noted(&report);
            Some(report.bytes)
        }),
    )
}

/// Host (or stdin) to container; the bytes of file data copied.
fn copy_in(ctx: &Context, args: &CpArgs, name: &str, path: &str) -> Result<Option<u64>> {
    let store = ctx.store()?;
    let record = find(&store.containers()?, name)?.clone();
    let dest = CopyPath::parse(path.as_bytes());
    let shown = format!("{name}:{path}");
    let opts = UnpackOptions {
        apply_owners: args.archive && !ctx.mapping()?.is_single(),
    };
    if args.source == "-" {
        let child = container::spawn(ctx, &store, &record, &[], |root| {
            let input = stdio(rustix::stdio::stdin())?;
            archive::receive_archive(input, root, &dest, &opts, &shown).map(|r| noted(&r))
        })?;
        return finish(child, Ok(None));
    }
    let host = host_root()?;
    let local = CopyPath::parse(host_path(&args.source)?.as_os_str().as_bytes());
    let (source, info) =
        archive::open_source(host.as_fd(), &local, args.follow_link, &args.source)?;
    let (reader, writer) = pipe()?;
    let child = container::spawn(ctx, &store, &record, &[writer.as_fd()], |root| {
        archive::receive(File::from(reader), root, &dest, &opts, &shown).map(|r| noted(&r))
    })?;
    let sent = archive::send(File::from(writer), &source, &info)
        .with_context(|| format!("cannot copy {}", args.source));
    finish(child, sent.map(Some))
}

/// Waits for the container's side and gives the outcome of the copy: an
/// error the child reported wins (the one here is its consequence),
/// except when the child only saw this side go away.
fn finish(child: Pid, here: Result<Option<u64>>) -> Result<Option<u64>> {
    match (crate::process::wait_exit_code(child)?, here) {
        (0, here) => here,
        (container::BROKEN_PIPE, Err(e)) => Err(e),
        (code, _) => Err(Exit(code).into()),
    }
}

/// Says which device nodes could not be created.
fn noted(report: &UnpackReport) {
    if let Some(note) = report.skipped_note() {
        eprintln!("{note}");
    }
}

/// A host path made absolute against the working directory.
fn host_path(path: &str) -> Result<std::path::PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    // `join` keeps a trailing `/` or `/.`, which the copy rules read.
    Ok(cwd.join(path))
}

/// The host's `/`, the root host paths are resolved in.
fn host_root() -> Result<OwnedFd> {
    rustix::fs::open(
        "/",
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .context("cannot open /")
}

/// A standard stream as a file of its own (a duplicate descriptor).
fn stdio(fd: rustix::fd::BorrowedFd<'static>) -> Result<File> {
    Ok(File::from(
        fd.try_clone_to_owned()
            .context("cannot use a standard stream")?,
    ))
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).context("cannot create a pipe")
}
