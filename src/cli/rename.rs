//! `rpod rename OLD NEW`: a new name under Docker's rules, unique among
//! the user's containers, running or not.

use super::Context;
use super::containers::find;
use crate::store::containers::validate_name;
use anyhow::{Result, bail};

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    /// The container (name or ID)
    pub container: String,
    /// Its new name
    pub new_name: String,
}

pub fn rename(ctx: &Context, args: RenameArgs) -> Result<()> {
    // Docker accepts the name as the API prints it, with a leading slash.
    let new_name = args.new_name.strip_prefix('/').unwrap_or(&args.new_name);
    validate_name(new_name)?;
    let store = ctx.store()?;
    let record = find(&store.containers()?, &args.container)?.clone();
    if record.name == new_name {
        bail!(
            "container {} already has the name {new_name}",
            args.container
        );
    }
    store.rename_container(&record.id, new_name)
}
