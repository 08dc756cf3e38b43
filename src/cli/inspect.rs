//! `rpod inspect` / `image inspect` (Docker-shaped JSON) and `history`.

use super::images::docker_time;
use super::{Context, Exit};
use crate::format::{self, OutputFormat, Template};
use crate::reference::Reference;
use crate::registry::search;
use crate::store::Store;
use crate::store::images::{self, ImageRecord};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Format the output with a Go template
    #[arg(short, long)]
    pub format: Option<String>,
    /// Only look for objects of this type
    #[arg(long = "type", value_parser = ["container", "image"])]
    pub kind: Option<String>,
    /// Containers or images to inspect (names or IDs)
    #[arg(required = true)]
    pub names: Vec<String>,
}

/// `inspect` looks for containers, then images; `image inspect` and
/// `container inspect` pass the kind.
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let template = args.format.as_deref().map(Template::parse).transpose()?;
    let store = ctx.store()?;
    let kind = args.kind.as_deref();
    let containers = if kind == Some("image") {
        Vec::new()
    } else {
        store.containers()?
    };
    let (registries, all) = if kind == Some("container") {
        (None, Vec::new())
    } else {
        (Some(ctx.registries()?), store.images()?)
    };
    let mut values = Vec::new();
    let mut missing = Vec::new();
    for name in &args.names {
        if let Ok(container) = super::containers::find(&containers, name) {
            values.push(super::container_inspect::container_json(&store, container));
            continue;
        }
        let local = registries
            .as_ref()
            .map(|r| search::local_names(r, name))
            .unwrap_or_default();
        match images::find(&all, name, &local)? {
            Some(image) if registries.is_some() => values.push(image_json(&store, image)?),
            _ => missing.push(name),
        }
    }
    let mut out = std::io::stdout().lock();
    if template.is_none() || !values.is_empty() {
        format::render_inspect(&mut out, template.as_ref(), &values)?;
    }
    for name in &missing {
        eprintln!("Error: no such object: {name}");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Exit(125).into())
    }
}

/// The image config blob as JSON.
fn image_config(store: &Store, image: &ImageRecord) -> Result<Value> {
    let bytes = store.read_blob(&image.id)?;
    serde_json::from_slice(&bytes).with_context(|| format!("image config {} is corrupt", image.id))
}

/// What `docker image inspect` prints for an image.
pub fn image_json(store: &Store, image: &ImageRecord) -> Result<Value> {
    let config = image_config(store, image)?;
    let mut container_config = json!({
        "Hostname": "", "Domainname": "", "User": "",
        "AttachStdin": false, "AttachStdout": false, "AttachStderr": false,
        "Tty": false, "OpenStdin": false, "StdinOnce": false,
        "Env": null, "Cmd": null, "Image": "", "Volumes": null,
        "WorkingDir": "", "Entrypoint": null, "OnBuild": null, "Labels": null,
    });
    if let (Some(target), Some(source)) = (
        container_config.as_object_mut(),
        config["config"].as_object(),
    ) {
        for (key, value) in source {
            target.insert(key.clone(), value.clone());
        }
    }
    let familiar = |name: &String| {
        Reference::parse_qualified(name).map_or_else(|_| name.clone(), |r| r.familiar())
    };
    let diffs: Vec<String> = image
        .layers
        .iter()
        .map(|l| {
            store
                .layer_diff(&l.diff_id)
                .map(|p| p.display().to_string())
        })
        .collect::<Result<_>>()?;
    let (upper, lower) = diffs
        .split_last()
        .map_or((String::new(), Vec::new()), |(u, l)| {
            (u.clone(), l.to_vec())
        });
    let lower: Vec<String> = lower.into_iter().rev().collect();
    let mut value = json!({
        "Id": image.id,
        "RepoTags": image.names.iter().map(familiar).collect::<Vec<_>>(),
        "RepoDigests": image.digests.iter().map(familiar).collect::<Vec<_>>(),
        "Parent": "",
        "Comment": config["comment"].as_str().unwrap_or(""),
        "Created": image.created.clone().unwrap_or_default(),
        "DockerVersion": config["docker_version"].as_str().unwrap_or(""),
        "Author": config["author"].as_str().unwrap_or(""),
        "Config": container_config,
        "Architecture": config["architecture"].as_str().unwrap_or(""),
        "Os": config["os"].as_str().unwrap_or(""),
        "Size": image.size,
        "GraphDriver": {
            "Data": { "LowerDir": lower.join(":"), "UpperDir": upper },
            "Name": "overlay",
        },
        "RootFS": {
            "Type": "layers",
            "Layers": image.layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>(),
        },
        "Metadata": { "LastTagTime": image.added },
    });
    if let Some(variant) = config["variant"].as_str() {
        value["Variant"] = json!(variant);
    }
    Ok(value)
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Print sizes and dates in human readable format
    #[arg(short = 'H', long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub human: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Pretty-print with a Go template, `table …`, or `json`
    #[arg(long)]
    pub format: Option<String>,
    /// The image
    pub image: String,
}

const HISTORY_COLUMNS: &[(&str, &str)] = &[
    ("ID", "IMAGE"),
    ("CreatedSince", "CREATED"),
    ("CreatedBy", "CREATED BY"),
    ("Size", "SIZE"),
    ("Comment", "COMMENT"),
    ("CreatedAt", "CREATED AT"),
];

pub fn history(ctx: &Context, args: HistoryArgs) -> Result<()> {
    let format = OutputFormat::parse(args.format.as_deref())?;
    let store = ctx.store()?;
    let all = store.images()?;
    let local = search::local_names(&ctx.registries()?, &args.image);
    let Some(image) = images::find(&all, &args.image, &local)? else {
        bail!("no such image: {}", args.image);
    };
    let config = image_config(&store, image)?;
    let entries = history_entries(&store, image, &config)?;
    let now = jiff::Timestamp::now();
    let rows: Vec<Value> = entries
        .iter()
        .rev()
        .enumerate()
        .map(|(i, entry)| {
            let id = match i {
                0 if args.no_trunc => image.id.clone(),
                0 => image.short_id().to_string(),
                _ => "<missing>".to_string(),
            };
            let created: Option<jiff::Timestamp> = entry.created.as_deref().and_then(|c| c.parse().ok());
            let created_by = if args.no_trunc { entry.created_by.clone() } else { format::ellipsis(&entry.created_by, 45) };
            json!({
                "ID": id,
                "CreatedSince": match (created, args.human) {
                    (Some(c), true) => format::created_since(c, now),
                    (Some(c), false) => c.to_string(),
                    (None, _) => "N/A".to_string(),
                },
                "CreatedAt": created.map(docker_time).unwrap_or_default(),
                "CreatedBy": created_by,
                "Size": if args.human { format::human_size(entry.size) } else { entry.size.to_string() },
                "Comment": entry.comment,
            })
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.quiet {
        use std::io::Write;
        for row in &rows {
            writeln!(out, "{}", row["ID"].as_str().unwrap_or_default())?;
        }
        return Ok(());
    }
    let columns: Vec<(&str, &str)> = HISTORY_COLUMNS
        .iter()
        .copied()
        .filter(|(f, _)| *f != "CreatedAt")
        .collect();
    format::render_rows(&mut out, &format, &columns, &rows)
}

struct HistoryEntry {
    created: Option<String>,
    created_by: String,
    comment: String,
    size: u64,
}

/// The config's history, with layer sizes given to the entries that made
/// a layer; one bare entry per layer when the config has no history.
fn history_entries(
    store: &Store,
    image: &ImageRecord,
    config: &Value,
) -> Result<Vec<HistoryEntry>> {
    let mut sizes = image
        .layers
        .iter()
        .map(|l| {
            store
                .layer_info(&l.diff_id)
                .map(|i| i.map_or(0, |i| i.size))
        })
        .collect::<Result<Vec<u64>>>()?
        .into_iter();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let entries: Vec<HistoryEntry> = match config["history"].as_array() {
        Some(history) if !history.is_empty() => history
            .iter()
            .map(|h| HistoryEntry {
                created: h["created"].as_str().map(str::to_string),
                created_by: text(&h["created_by"]),
                comment: text(&h["comment"]),
                size: if h["empty_layer"].as_bool() == Some(true) {
                    0
                } else {
                    sizes.next().unwrap_or(0)
                },
            })
            .collect(),
        _ => sizes
            .map(|size| HistoryEntry {
                created: image.created.clone(),
                created_by: String::new(),
                comment: String::new(),
                size,
            })
            .collect(),
    };
    Ok(entries)
}
