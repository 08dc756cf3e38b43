//! `rpod run`: create a container (pulling its image when missing, as
//! Docker does) and start it, attached to this terminal until it exits,
//! or detached with `-d`. Its exit code becomes rpod's.

use super::create::{self, CreateArgs};
use super::{Context, lifecycle, session};
use anyhow::Context as _;

#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct RunArgs {
    /// Run the container in the background and print its ID
    #[arg(short, long)]
    pub detach: bool,
    /// Pass received signals on to the container (not with -t)
    #[arg(long = "sig-proxy", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub sig_proxy: bool,
    /// Key sequence that detaches from the container (default ctrl-p,ctrl-q)
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    #[command(flatten)]
    pub container: CreateArgs,
}

pub fn run(ctx: &Context, args: RunArgs) -> anyhow::Result<()> {
    let detach_keys = session::parse_detach_keys(
        args.detach_keys
            .as_deref()
            .unwrap_or(session::DEFAULT_DETACH_KEYS),
    )?;
    let (store, record) = create::new_container(ctx, &args.container)?;
    if args.detach {
        lifecycle::launch(ctx, &store, &record.id, false)?;
        println!("{}", record.id);
        return Ok(());
    }
    let options = session::Options {
        stdin: record.config.interactive,
        tty: record.config.tty,
        sig_proxy: args.sig_proxy && !record.config.tty,
        detach_keys,
    };
    let socket = lifecycle::launch(ctx, &store, &record.id, true)?
        .context("the new container was started by another command")?;
    lifecycle::follow_session(&store, &record.id, socket, &options)
}
