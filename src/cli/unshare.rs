//! `rpod unshare [COMMAND…]`: run a command (default: the user's shell)
//! as root of rpod's user namespace, in a private mount namespace, to
//! inspect or clean up files owned by subordinate ids. `$RPOD_ROOT` points
//! at the store there, so a nested rpod uses the same one.

use super::{Context, Exit};
use anyhow::Result;
use std::os::unix::process::CommandExt;

#[derive(Debug, clap::Args)]
pub struct UnshareArgs {
    /// Command and arguments (default: $SHELL)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

pub fn run(ctx: &Context, args: UnshareArgs) -> Result<()> {
    let root = ctx.locations()?.root;
    let mut argv = args.command;
    if argv.is_empty() {
        argv.push(std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".to_string()));
    }
    ctx.in_userns(|_| {
        crate::process::private_mount_namespace()?;
        let error = std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .env("RPOD_ROOT", &root)
            .exec();
        let code = match error.kind() {
            std::io::ErrorKind::NotFound => 127,
            _ => 126,
        };
        eprintln!("Error: cannot run {}: {error}", argv[0]);
        Err(Exit(code).into())
    })
}
