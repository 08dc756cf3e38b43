//! The command line: clap definitions, one handler file per command group,
//! and the policy that turns every failure into one line on stderr and
//! Docker's exit codes (125 for rpod's own failures).

mod attach;
mod container_inspect;
mod containers;
mod context;
mod cp;
mod create;
mod deferred;
mod exec;
mod filters;
mod images;
mod import;
mod info;
mod inspect;
mod lifecycle;
mod login;
mod logs;
mod mounts;
mod pause;
mod port;
mod progress;
mod pull;
mod rename;
mod run;
mod session;
mod signals;
mod top;
mod unshare;
mod volumes;

use clap::{Parser, Subcommand};
use deferred::Deferred;
use std::path::PathBuf;
use std::process::ExitCode;

pub use context::Context;

/// Exit code when rpod itself fails (Docker's and Podman's convention).
pub const EXIT_RPOD_FAILED: u8 = 125;

/// A daemonless, rootless, Docker-compatible container tool.
#[derive(Debug, Parser)]
#[command(
    name = "rpod",
    version,
    about,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Store root (images, layers, containers); default ~/.local/share/rpod
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Runtime state directory; default $XDG_RUNTIME_DIR/rpod
    #[arg(long, global = true, value_name = "DIR")]
    pub runroot: Option<PathBuf>,
    /// Rootfs driver of new containers; default overlay where it works, else fuse, else vfs
    #[arg(long = "storage-driver", global = true, value_name = "DRIVER")]
    pub storage_driver: Option<crate::rootfs::Driver>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a command in a new container
    Run(Deferred<run::RunArgs>),
    /// Create a new container
    Create(Deferred<create::CreateArgs>),
    /// Start one or more stopped containers
    Start(lifecycle::StartArgs),
    /// Stop one or more running containers
    Stop(lifecycle::StopArgs),
    /// Restart one or more containers
    Restart(lifecycle::RestartArgs),
    /// Send a signal to one or more running containers
    Kill(lifecycle::KillArgs),
    /// Block until containers stop, then print their exit codes
    Wait(lifecycle::WaitArgs),
    /// Fetch the logs of a container
    Logs(logs::LogsArgs),
    /// Run a command in a running container
    Exec(Deferred<exec::ExecArgs>),
    /// Attach this terminal to a running container
    Attach(attach::AttachArgs),
    /// Copy files between a container and the host
    Cp(cp::CpArgs),
    /// List containers
    Ps(containers::PsArgs),
    /// Remove one or more containers
    Rm(containers::RmArgs),
    /// Rename a container
    Rename(rename::RenameArgs),
    /// Display the running processes of a container
    Top(top::TopArgs),
    /// List the port mappings of a container
    Port(port::PortArgs),
    /// Pause all processes within one or more containers
    Pause(pause::PauseArgs),
    /// Unpause all processes within one or more containers
    Unpause(pause::PauseArgs),
    /// Manage containers
    #[command(subcommand)]
    Container(Deferred<ContainerCommand>),
    /// Manage volumes
    #[command(subcommand)]
    Volume(Deferred<volumes::VolumeCommand>),
    /// Download an image from a registry
    Pull(pull::PullArgs),
    /// List images
    #[command(visible_alias = "image-ls")]
    Images(images::ListArgs),
    /// Manage images
    #[command(subcommand)]
    Image(Deferred<ImageCommand>),
    /// Create a tag TARGET that refers to SOURCE
    Tag(images::TagArgs),
    /// Remove one or more images
    Rmi(images::RemoveArgs),
    /// Show the history of an image
    History(inspect::HistoryArgs),
    /// Display detailed information on images
    Inspect(inspect::InspectArgs),
    /// Import a root filesystem tarball as an image
    Import(import::ImportArgs),
    /// Log in to a registry
    Login(login::LoginArgs),
    /// Log out from a registry
    Logout(login::LogoutArgs),
    /// Display system-wide information
    Info(info::InfoArgs),
    /// Show the rpod version information
    Version(info::VersionArgs),
    /// Run a command inside rpod's user namespace
    Unshare(unshare::UnshareArgs),
}

#[derive(Debug, Subcommand)]
pub enum ContainerCommand {
    /// Run a command in a new container
    Run(Box<run::RunArgs>),
    /// Create a new container
    Create(Box<create::CreateArgs>),
    /// Start one or more stopped containers
    Start(lifecycle::StartArgs),
    /// Stop one or more running containers
    Stop(lifecycle::StopArgs),
    /// Restart one or more containers
    Restart(lifecycle::RestartArgs),
    /// Send a signal to one or more running containers
    Kill(lifecycle::KillArgs),
    /// Block until containers stop, then print their exit codes
    Wait(lifecycle::WaitArgs),
    /// Fetch the logs of a container
    Logs(logs::LogsArgs),
    /// Run a command in a running container
    Exec(Box<exec::ExecArgs>),
    /// Attach this terminal to a running container
    Attach(attach::AttachArgs),
    /// Copy files between a container and the host
    Cp(cp::CpArgs),
    /// Display detailed information on one or more containers
    Inspect(ContainerInspectArgs),
    /// List containers
    #[command(visible_aliases = ["ps", "list"])]
    Ls(containers::PsArgs),
    /// Remove one or more containers
    #[command(visible_alias = "remove")]
    Rm(containers::RmArgs),
    /// Rename a container
    Rename(rename::RenameArgs),
    /// Display the running processes of a container
    Top(top::TopArgs),
    /// List the port mappings of a container
    Port(port::PortArgs),
    /// Pause all processes within one or more containers
    Pause(pause::PauseArgs),
    /// Unpause all processes within one or more containers
    Unpause(pause::PauseArgs),
    /// Remove all stopped containers
    Prune(containers::PruneArgs),
}

/// `container inspect`: `inspect` limited to containers.
#[derive(Debug, clap::Args)]
pub struct ContainerInspectArgs {
    /// Format the output with a Go template
    #[arg(short, long)]
    pub format: Option<String>,
    /// Containers to inspect (names or IDs)
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Download an image from a registry
    Pull(pull::PullArgs),
    /// List images
    #[command(visible_alias = "list")]
    Ls(images::ListArgs),
    /// Remove one or more images
    #[command(visible_alias = "remove")]
    Rm(images::RemoveArgs),
    /// Create a tag TARGET that refers to SOURCE
    Tag(images::TagArgs),
    /// Remove unused images
    Prune(images::PruneArgs),
    /// Display detailed information on one or more images
    Inspect(inspect::InspectArgs),
    /// Show the history of an image
    History(inspect::HistoryArgs),
    /// Import a root filesystem tarball as an image
    Import(import::ImportArgs),
}

/// A failure whose message was already shown (or needs none), ending rpod
/// with this exit code.
#[derive(Debug, thiserror::Error)]
#[error("exit status {0}")]
pub struct Exit(pub i32);

/// Entry point of the `rpod` binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(report(&e)),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Context::new(cli.root, cli.runroot, cli.storage_driver);
    match cli.command {
        Command::Run(Deferred(args)) => run::run(&ctx, args),
        Command::Container(Deferred(ContainerCommand::Run(args))) => run::run(&ctx, *args),
        Command::Create(Deferred(args)) => create::create(&ctx, args),
        Command::Volume(Deferred(command)) => volumes::run(&ctx, command),
        Command::Container(Deferred(ContainerCommand::Create(args))) => create::create(&ctx, *args),
        Command::Start(args) | Command::Container(Deferred(ContainerCommand::Start(args))) => {
            lifecycle::start(&ctx, args)
        }
        Command::Stop(args) | Command::Container(Deferred(ContainerCommand::Stop(args))) => {
            lifecycle::stop(&ctx, args)
        }
        Command::Restart(args) | Command::Container(Deferred(ContainerCommand::Restart(args))) => {
            lifecycle::restart(&ctx, args)
        }
        Command::Kill(args) | Command::Container(Deferred(ContainerCommand::Kill(args))) => {
            lifecycle::kill(&ctx, args)
        }
        Command::Wait(args) | Command::Container(Deferred(ContainerCommand::Wait(args))) => {
            lifecycle::wait(&ctx, args)
        }
        Command::Logs(args) | Command::Container(Deferred(ContainerCommand::Logs(args))) => {
            logs::logs(&ctx, args)
        }
        Command::Exec(Deferred(args)) => exec::exec(&ctx, args),
        Command::Attach(args) | Command::Container(Deferred(ContainerCommand::Attach(args))) => {
            attach::attach(&ctx, args)
        }
        Command::Container(Deferred(ContainerCommand::Exec(args))) => exec::exec(&ctx, *args),
        Command::Cp(args) | Command::Container(Deferred(ContainerCommand::Cp(args))) => {
            cp::cp(&ctx, args)
        }
        Command::Container(Deferred(ContainerCommand::Inspect(args))) => inspect::inspect(
            &ctx,
            inspect::InspectArgs {
                format: args.format,
                kind: Some("container".into()),
                names: args.names,
            },
        ),
        Command::Ps(args) | Command::Container(Deferred(ContainerCommand::Ls(args))) => {
            containers::ps(&ctx, args)
        }
        Command::Rm(args) | Command::Container(Deferred(ContainerCommand::Rm(args))) => {
            containers::rm(&ctx, args)
        }
        Command::Rename(args) | Command::Container(Deferred(ContainerCommand::Rename(args))) => {
            rename::rename(&ctx, args)
        }
        Command::Top(args) | Command::Container(Deferred(ContainerCommand::Top(args))) => {
            top::top(&ctx, args)
        }
        Command::Port(args) | Command::Container(Deferred(ContainerCommand::Port(args))) => {
            port::port(&ctx, args)
        }
        Command::Pause(args) | Command::Container(Deferred(ContainerCommand::Pause(args))) => {
            pause::pause(&ctx, args)
        }
        Command::Unpause(args) | Command::Container(Deferred(ContainerCommand::Unpause(args))) => {
            pause::unpause(&ctx, args)
        }
        Command::Container(Deferred(ContainerCommand::Prune(args))) => {
            containers::prune(&ctx, args)
        }
        Command::Pull(args) | Command::Image(Deferred(ImageCommand::Pull(args))) => {
            pull::run(&ctx, args)
        }
        Command::Images(args) | Command::Image(Deferred(ImageCommand::Ls(args))) => {
            images::list(&ctx, args)
        }
        Command::Tag(args) | Command::Image(Deferred(ImageCommand::Tag(args))) => {
            images::tag(&ctx, args)
        }
        Command::Rmi(args) | Command::Image(Deferred(ImageCommand::Rm(args))) => {
            images::remove(&ctx, args)
        }
        Command::Image(Deferred(ImageCommand::Prune(args))) => images::prune(&ctx, args),
        Command::History(args) | Command::Image(Deferred(ImageCommand::History(args))) => {
            inspect::history(&ctx, args)
        }
        Command::Inspect(args) => inspect::inspect(&ctx, args),
        Command::Image(Deferred(ImageCommand::Inspect(args))) => inspect::inspect(
            &ctx,
            inspect::InspectArgs {
                kind: Some("image".into()),
                ..args
            },
        ),
        Command::Import(args) | Command::Image(Deferred(ImageCommand::Import(args))) => {
            import::run(&ctx, args)
        }
        Command::Login(args) => login::login(&ctx, args),
        Command::Logout(args) => login::logout(args),
        Command::Info(args) => info::info(&ctx, args),
        Command::Version(args) => info::version(args),
        Command::Unshare(args) => unshare::run(&ctx, args),
    }
}

/// Prints an error as one line (unless already shown) and returns the
/// exit code for it.
pub fn report(e: &anyhow::Error) -> u8 {
    if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
        return u8::try_from(*code).unwrap_or(EXIT_RPOD_FAILED);
    }
    if let Some(failed) = e.downcast_ref::<crate::runtime::StartFailed>() {
        eprintln!("Error: {}", printable(&failed.message));
        return u8::try_from(failed.code).unwrap_or(EXIT_RPOD_FAILED);
    }
    eprintln!("Error: {}", one_line(e));
    EXIT_RPOD_FAILED
}

/// The error and its causes on one line, without repeating a cause that
/// the message already contains.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    printable(&line.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Longest error line shown; names from hostile input can be huge.
const MAX_ERROR_LINE: usize = 2000;

/// Escapes control characters (a layer or a registry may put terminal
/// escape sequences into names) and shortens very long lines.
fn printable(line: &str) -> String {
    let mut out = String::with_capacity(line.len().min(MAX_ERROR_LINE));
    for (i, c) in line.chars().enumerate() {
        if i == MAX_ERROR_LINE {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Help and version go to stdout with status 0; a usage error is one line
/// and status 125, as Docker does.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // `rpod` or `rpod image` alone: usage, as Docker prints it.
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    eprintln!("Error: {first} (see 'rpod --help')");
    ExitCode::from(EXIT_RPOD_FAILED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_are_single_printable_and_bounded() {
        let e = anyhow::anyhow!("bad \u{1b}[2J name\u{7}\nnext").context("reading layer");
        assert_eq!(
            one_line(&e),
            "reading layer: bad \\u{1b}[2J name\\u{7} next"
        );
        let long = anyhow::anyhow!("{}", "a".repeat(5000));
        assert_eq!(one_line(&long).chars().count(), MAX_ERROR_LINE + 1);
    }
}
