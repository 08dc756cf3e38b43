//! `rpod volume create|ls|inspect|rm|prune`: Docker's volume commands
//! over the volumes in the store (`store::volumes`). Only the `local`
//! driver exists; a volume's data lives in `VOLUMES/NAME/_data`, owned
//! as the containers see it, which `rpod unshare` reaches.

use super::{Context, Exit, filters};
use crate::format::{self, OutputFormat, Template};
use crate::store::Store;
use crate::store::containers::files_size;
use crate::store::volumes::{self, NewVolume, VolumeRecord};
use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, clap::Subcommand)]
pub enum VolumeCommand {
    /// Create a volume
    Create(CreateArgs),
    /// List volumes
    #[command(visible_alias = "list")]
    Ls(ListArgs),
    /// Display detailed information on one or more volumes
    Inspect(InspectArgs),
    /// Remove one or more volumes
    #[command(visible_alias = "remove")]
    Rm(RemoveArgs),
    /// Remove unused volumes
    Prune(PruneArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Volume driver (only local)
    #[arg(short, long, default_value = "local")]
    pub driver: String,
    /// Set metadata on the volume (KEY=VALUE)
    #[arg(long, value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Driver options (o=uid=UID,gid=GID)
    #[arg(short, long = "opt", value_name = "KEY=VALUE")]
    pub opt: Vec<String>,
    /// Volume name
    #[arg(long = "name", value_name = "NAME")]
    pub name_flag: Option<String>,
    /// Volume name (a random one when none is given)
    pub name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only show volume names
    #[arg(short, long)]
    pub quiet: bool,
    /// Filter output (dangling=BOOL, driver=local, label=KEY[=VALUE], name=TEXT)
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Pretty-print with a Go template, `table …`, or `json`
    #[arg(long)]
    pub format: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Format the output with a Go template
    #[arg(short, long)]
    pub format: Option<String>,
    /// Volumes to inspect
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// Remove volumes that only stopped containers use; a missing volume is no error
    #[arg(short, long)]
    pub force: bool,
    /// Volumes to remove
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Remove all unused volumes, not just anonymous ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Only some volumes (label=KEY[=VALUE], label!=KEY[=VALUE])
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
}

pub fn run(ctx: &Context, command: VolumeCommand) -> Result<()> {
    match command {
        VolumeCommand::Create(args) => create(ctx, args),
        VolumeCommand::Ls(args) => list(ctx, args),
        VolumeCommand::Inspect(args) => inspect(ctx, args),
        VolumeCommand::Rm(args) => remove(ctx, args),
        VolumeCommand::Prune(args) => prune(ctx, args),
    }
}

fn create(ctx: &Context, args: CreateArgs) -> Result<()> {
    if args.driver != "local" {
        bail!(
            "volume driver {:?} is not available: rpod has the local driver only",
            args.driver
        );
    }
    let name = match (args.name_flag, args.name) {
        (Some(a), Some(b)) if a != b => {
            bail!("conflicting volume names: --name {a} and {b}")
        }
        (Some(name), _) | (None, Some(name)) => name,
        (None, None) => volumes::anonymous_name()?,
    };
    let new = NewVolume {
        labels: key_values(&args.label, "--label")?,
        options: key_values(&args.opt, "--opt")?,
    };
    let owner = volumes::parse_options(&new.options)?;
    let store = ctx.store()?;
    if owner.uid.is_some() || owner.gid.is_some() {
        // The ids are the containers' ones: set inside the namespace.
        ctx.in_userns(|_| store.create_volume(&name, &new).map(drop))?;
    } else {
        store.create_volume(&name, &new)?;
    }
    println!("{name}");
    Ok(())
}

/// `KEY=VALUE` flags as a map (a bare `KEY` has an empty value).
fn key_values(flags: &[String], flag: &str) -> Result<BTreeMap<String, String>> {
    flags
        .iter()
        .map(|text| {
            let (key, value) = text.split_once('=').unwrap_or((text, ""));
            if key.is_empty() {
                bail!("invalid {flag} {text:?}: give KEY=VALUE");
            }
            Ok((key.to_string(), value.to_string()))
        })
        .collect()
}

/// Default columns of `volume ls`.
const COLUMNS: &[(&str, &str)] = &[("Driver", "DRIVER"), ("Name", "VOLUME NAME")];

fn list(ctx: &Context, args: ListArgs) -> Result<()> {
    let format = OutputFormat::parse(args.format.as_deref())?;
    let filters = filters::parse(
        &args.filters,
        &["dangling", "driver", "label", "name"],
        check_filter,
    )?;
    let store = ctx.store()?;
    let used = used_volumes(&store)?;
    let mut out = std::io::stdout().lock();
    let kept: Vec<_> = store
        .volumes()?
        .into_iter()
        .filter(|v| matches_all(v, &filters, &used))
        .collect();
    if args.quiet {
        for volume in &kept {
            writeln!(out, "{}", volume.name)?;
        }
        return Ok(());
    }
    let rows: Vec<Value> = kept.iter().map(|v| row(&store, v)).collect();
    format::render_rows(&mut out, &format, COLUMNS, &rows)?;
    out.flush()?;
    Ok(())
}

/// One row of `volume ls`, with Docker's field names.
fn row(store: &Store, volume: &VolumeRecord) -> Value {
    let labels: Vec<String> = volume
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    json!({
        "Name": volume.name,
        "Driver": "local",
        "Scope": "local",
        "Mountpoint": store.volume_data(&volume.name).to_string_lossy(),
        "Labels": labels.join(","),
        "CreatedAt": volume.created_at,
        "Size": "N/A",
        "Links": "N/A",
    })
}

/// Docker's `volume inspect` object.
fn inspect_json(store: &Store, volume: &VolumeRecord) -> Value {
    json!({
        "CreatedAt": volume.created_at,
        "Driver": "local",
        "Labels": volume.labels,
        "Mountpoint": store.volume_data(&volume.name).to_string_lossy(),
        "Name": volume.name,
        "Options": volume.options,
        "Scope": "local",
    })
}

fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let template = args.format.as_deref().map(Template::parse).transpose()?;
    let store = ctx.store()?;
    let mut values = Vec::new();
    let mut missing = false;
    for name in &args.names {
        match store.volume(name) {
            Ok(volume) => values.push(inspect_json(&store, &volume)),
            Err(_) => {
                eprintln!("Error: no such volume: {name}");
                missing = true;
            }
        }
    }
    if template.is_none() || !values.is_empty() {
        format::render_inspect(&mut std::io::stdout().lock(), template.as_ref(), &values)?;
    }
    if missing { Err(Exit(1).into()) } else { Ok(()) }
}

fn remove(ctx: &Context, args: RemoveArgs) -> Result<()> {
    let store = ctx.store()?;
    // Runs in a child inside the namespace: the outcome is its exit code.
    ctx.in_userns(|_| {
        let mut failed = false;
        for name in &args.names {
            // As Docker: -f makes a missing volume no error.
            if args.force && !store.volume_dir(name).exists() {
                println!("{name}");
                continue;
            }
            match store.remove_volume(name, args.force) {
                Ok(()) => println!("{name}"),
                Err(e) => {
                    eprintln!("Error: {}", super::one_line(&e));
                    failed = true;
                }
            }
        }
        if failed { Err(Exit(1).into()) } else { Ok(()) }
    })
}

fn prune(ctx: &Context, args: PruneArgs) -> Result<()> {
    let filters = filters::parse(&args.filters, &["label", "label!"], check_filter)?;
    let what = if args.all {
        "all local volumes not used by at least one container"
    } else {
        "anonymous local volumes not used by at least one container"
    };
    if !args.force && !super::images::confirm_removal(what)? {
        return Ok(());
    }
    let store = ctx.store()?;
    ctx.in_userns(|_| {
        let used = used_volumes(&store)?;
        let mut deleted = Vec::new();
        let mut freed = 0;
        for volume in store.volumes()? {
            let wanted = (args.all || volume.is_anonymous())
                && !used.contains(&volume.name)
                && matches_all(&volume, &filters, &used);
            if !wanted {
                continue;
            }
            let size = files_size(store.volume_data(&volume.name), |_| true).unwrap_or(0);
            // A container made meanwhile may use it now: then it stays.
            if store.remove_volume(&volume.name, false).is_ok() {
                freed += size;
                deleted.push(volume.name);
            }
        }
        if !deleted.is_empty() {
            println!("Deleted Volumes:");
            for name in &deleted {
                println!("{name}");
            }
            println!();
        }
        println!("Total reclaimed space: {}", format::human_size(freed));
        Ok(())
    })
}

/// The names of the volumes some container mounts.
fn used_volumes(store: &Store) -> Result<Vec<String>> {
    Ok(store
        .containers()?
        .iter()
        .flat_map(|c| c.config.binds.iter().filter_map(|b| b.volume.clone()))
        .collect())
}

/// What volume filters take beyond a key.
fn check_filter(key: &str, value: &str) -> Result<(), String> {
    match key {
        "dangling" if !matches!(value, "true" | "false" | "1" | "0") => {
            Err("dangling takes true or false".into())
        }
        _ => Ok(()),
    }
}

fn matches_all(volume: &VolumeRecord, filters: &[(String, String)], used: &[String]) -> bool {
    filters::matches_all(filters, |key, value| match key {
        "dangling" => matches!(value, "true" | "1") != used.iter().any(|u| u == &volume.name),
        "driver" => value == "local",
        "name" => volume.name.contains(value),
        "label" => filters::has_label(&volume.labels, value),
        "label!" => !filters::has_label(&volume.labels, value),
        _ => false,
    })
}
