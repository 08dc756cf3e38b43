//! `rpod attach`: this terminal to a running container's streams, through
//! its monitor's attach socket, until the container exits (rpod then
//! exits with its code) or the user types the detach keys.

use super::containers::find;
use super::lifecycle::{Running, follow_session};
use super::{Context, session};
use anyhow::{Context as _, Result};

#[derive(Debug, clap::Args)]
pub struct AttachArgs {
    /// Key sequence that detaches from the container (default ctrl-p,ctrl-q)
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Do not attach standard input
    #[arg(long = "no-stdin")]
    pub no_stdin: bool,
    /// Pass received signals on to the container (not with a terminal)
    #[arg(long = "sig-proxy", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub sig_proxy: bool,
    /// The container (name or ID)
    pub container: String,
}

pub fn attach(ctx: &Context, args: AttachArgs) -> Result<()> {
    let detach_keys = session::parse_detach_keys(
        args.detach_keys
            .as_deref()
            .unwrap_or(session::DEFAULT_DETACH_KEYS),
    )?;
    let store = ctx.store()?;
    let record = find(&store.containers()?, &args.container)?.clone();
    let not_running = || "you cannot attach to a stopped container, start it first";
    Running::of(&record).with_context(not_running)?;
    let options = session::Options {
        stdin: record.config.interactive && !args.no_stdin,
        tty: record.config.tty,
        sig_proxy: args.sig_proxy && !record.config.tty,
        detach_keys,
    };
    // From the moment the monitor knows this client, signals are the
    // container's.
    session::hold_signals(&options);
    let dir = ctx.locations()?.runroot.join(&record.id);
    let socket = crate::monitor::protocol::connect(&dir).with_context(not_running)?;
    follow_session(&store, &record.id, socket, &options)
}
