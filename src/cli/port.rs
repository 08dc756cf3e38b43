//! `rpod port CONTAINER [PORT[/PROTO]]`: the host addresses a running
//! container's ports are published on, as Docker prints them.

use super::Context;
use super::containers::find;
use anyhow::{Result, bail};

#[derive(Debug, clap::Args)]
pub struct PortArgs {
    /// The container (name or ID)
    pub container: String,
    /// Only this container port (PORT or PORT/PROTO, tcp by default)
    pub port: Option<String>,
}

pub fn port(ctx: &Context, args: PortArgs) -> Result<()> {
    let store = ctx.store()?;
    let record = find(&store.containers()?, &args.container)?.clone();
    let published = if record.state.is_running() {
        record.state.ports
    } else {
        Vec::new()
    };
    let Some(wanted) = &args.port else {
        for line in crate::network::ports::port_lines(&published) {
            println!("{line}");
        }
        return Ok(());
    };
    let key = if wanted.contains('/') {
        wanted.clone()
    } else {
        format!("{wanted}/tcp")
    };
    let mut found = false;
    for binding in published.iter().filter(|b| b.key() == key) {
        println!("{}:{}", binding.host_ip_text(), binding.host_port);
        found = true;
    }
    if !found {
        bail!("no public port {key:?} published for {}", args.container);
    }
    Ok(())
}
