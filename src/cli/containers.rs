//! `rpod ps` (Docker's columns and status texts) and `rpod rm`.

use super::lifecycle::Running;
use super::{Context, Exit, filters};
use crate::format::{self, OutputFormat};
use crate::network::ports;
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::time::Duration;

const COLUMNS: &[(&str, &str)] = &[
    ("ID", "CONTAINER ID"),
    ("Image", "IMAGE"),
    ("Command", "COMMAND"),
    ("RunningFor", "CREATED"),
    ("Status", "STATUS"),
    ("Ports", "PORTS"),
    ("Names", "NAMES"),
];

/// The column `-s` adds at the end, and its header in any table.
const SIZE_COLUMN: (&str, &str) = ("Size", "SIZE");

#[derive(Debug, clap::Args)]
pub struct PsArgs {
    /// Show all containers (default shows just running)
    #[arg(short, long)]
    pub all: bool,
    /// Only display container IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Show the N most recently created containers (all states)
    #[arg(short = 'n', long)]
    pub last: Option<usize>,
    /// Show the latest created container (all states)
    #[arg(short, long)]
    pub latest: bool,
    /// Display total file sizes
    #[arg(short, long)]
    pub size: bool,
    /// Filter output (status=, name=, id=, ancestor=, label=KEY[=VALUE], exited=CODE,
    /// publish=PORT[/PROTO], expose=PORT[/PROTO], volume=NAME|PATH)
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Pretty-print with a Go template, `table …`, or `json`
    #[arg(long)]
    pub format: Option<String>,
}

pub fn ps(ctx: &Context, args: PsArgs) -> Result<()> {
    let format = OutputFormat::parse(args.format.as_deref())?;
    let filters = filters::parse(
        &args.filters,
        &[
            "status", "name", "id", "ancestor", "label", "exited", "publish", "expose", "volume",
        ],
        check_filter,
    )?;
    let store = ctx.store()?;
    // Docker computes sizes for -s and for templates that print them.
    let sizes = !args.quiet
        && match &format {
            OutputFormat::Template(t) => t.fields().iter().any(|f| f == "Size"),
            _ => args.size,
        };
    if sizes {
        ctx.in_userns(|_| list(&store, &args, &format, &filters, true))
    } else {
        list(&store, &args, &format, &filters, false)
    }
}

/// Prints the containers `ps` shows; with `sizes`, runs in the user
/// namespace to read upper directories of subordinate ids.
fn list(
    store: &Store,
    args: &PsArgs,
    format: &OutputFormat,
    filters: &[(String, String)],
    sizes: bool,
) -> Result<()> {
    let mut containers = store.containers()?;
    containers.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
    let limit = if args.latest { Some(1) } else { args.last };
    // As Docker: a status filter looks at every container
    // (`rpod rm $(rpod ps -q -f status=exited)`).
    let all = args.all || limit.is_some() || filters.iter().any(|(key, _)| key == "status");
    let mut shown: Vec<&ContainerRecord> = containers
        .iter()
        .filter(|c| all || c.state.is_running())
        .filter(|c| matches_all(c, filters))
        .collect();
    if let Some(n) = limit {
        shown.truncate(n);
    }
    let mut out = std::io::stdout().lock();
    if args.quiet {
        use std::io::Write;
        for c in shown {
            writeln!(
                out,
                "{}",
                if args.no_trunc {
                    &c.id[..]
                } else {
                    &c.id[..12]
                }
            )?;
        }
        return Ok(());
    }
    let image_sizes: HashMap<String, u64> = if sizes {
        store
            .images()?
            .into_iter()
            .map(|i| (i.id, i.size))
            .collect()
    } else {
        HashMap::new()
    };
    let now = jiff::Timestamp::now();
    let mut rows = Vec::new();
    for c in shown {
        let size = if sizes {
            let changed = store.container_changes_size(c)?;
            let image = image_sizes.get(&c.image).copied().unwrap_or(0);
            Some((changed, changed + image))
        } else {
            None
        };
        rows.push(row(c, args.no_trunc, now, size));
    }
    let mut columns = COLUMNS.to_vec();
    if args.size {
        columns.push(SIZE_COLUMN);
    }
    format::render_rows_with_headers(&mut out, format, &columns, &[SIZE_COLUMN], &rows)
}

/// What `ps` and `container prune` filters take beyond a key.
fn check_filter(key: &str, value: &str) -> Result<(), String> {
    match key {
        "exited" if value.parse::<i32>().is_err() => Err("exited takes an exit code".into()),
        "publish" | "expose" if ports::parse_exposed(value).is_err() => {
            Err("give PORT[/PROTO] or a range".into())
        }
        _ => Ok(()),
    }
}

fn matches_all(c: &ContainerRecord, filters: &[(String, String)]) -> bool {
    filters::matches_all(filters, |key, value| matches_filter(c, key, value))
}

fn matches_filter(c: &ContainerRecord, key: &str, value: &str) -> bool {
    match key {
        "status" => c.state.effective_status() == value,
        "name" => c.name.contains(value),
        "id" => c.id.starts_with(value),
        "ancestor" => {
            c.image_name == value || c.image.trim_start_matches("sha256:").starts_with(value)
        }
        "label" => filters::has_label(&c.config.labels, value),
        "label!" => !filters::has_label(&c.config.labels, value),
        "exited" => {
            c.state.effective_status() == "exited"
                && c.state.started_at.is_some()
                && c.state
                    .exit_code
                    .is_some_and(|code| code.to_string() == value)
        }
        // Docker's rule: the container port, published or exposed.
        "publish" => ports::parse_exposed(value).is_ok_and(|wanted| {
            wanted.iter().any(|(port, protocol)| {
                c.config
                    .ports
                    .iter()
                    .any(|b| b.container_port == *port && &b.protocol == protocol)
            })
        }),
        "expose" => ports::parse_exposed(value).is_ok_and(|wanted| {
            wanted
                .iter()
                .any(|(port, protocol)| c.config.exposed.contains(&format!("{port}/{protocol}")))
        }),
        "volume" => c.config.binds.iter().any(|b| {
            b.volume.as_deref() == Some(value) || b.destination == value || b.source == value
        }),
        _ => false,
    }
}

fn since(time: Option<&str>, now: jiff::Timestamp) -> Option<Duration> {
    let then: jiff::Timestamp = time?.parse().ok()?;
    Duration::try_from(now.duration_since(then)).ok()
}

/// Docker's STATUS text.
fn status_text(c: &ContainerRecord, now: jiff::Timestamp) -> String {
    let up = || {
        format!(
            "Up {}",
            since(c.state.started_at.as_deref(), now).map_or("".into(), format::human_duration)
        )
    };
    match c.state.effective_status() {
        "running" => up(),
        "paused" => format!("{} (Paused)", up()),
        "restarting" => format!(
            "Restarting ({}) {} ago",
            c.state.exit_code.unwrap_or_default(),
            since(c.state.finished_at.as_deref(), now).map_or("".into(), format::human_duration)
        ),
        "exited" => {
            let code = c
                .state
                .exit_code
                .map_or("unknown".to_string(), |c| c.to_string());
            match since(c.state.finished_at.as_deref(), now) {
                Some(d) => format!("Exited ({code}) {} ago", format::human_duration(d)),
                None => format!("Exited ({code})"),
            }
        }
        _ => "Created".to_string(),
    }
}

/// One `ps` row; `size` is (changed bytes, with the image's) when known.
fn row(
    c: &ContainerRecord,
    no_trunc: bool,
    now: jiff::Timestamp,
    size: Option<(u64, u64)>,
) -> serde_json::Value {
    let command = c.command.join(" ");
    let command = if no_trunc {
        format!("\"{command}\"")
    } else {
        format!("\"{}\"", format::ellipsis(&command, 20))
    };
    let labels: Vec<String> = c
        .config
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let size = match size {
        Some((changed, virtual_size)) => format!(
            "{} (virtual {})",
            format::human_size(changed),
            format::human_size(virtual_size)
        ),
        None => format::human_size(0),
    };
    serde_json::json!({
        "ID": if no_trunc { c.id.clone() } else { c.id[..12].to_string() },
        "Image": c.image_name,
        "Command": command,
        "CreatedAt": c.created,
        "RunningFor": since(Some(&c.created), now).map_or("".into(), |d| format!("{} ago", format::human_duration(d))),
        "Status": status_text(c, now),
        "State": c.state.effective_status(),
        "Ports": if c.state.is_running() { crate::network::ports::ps_column(&c.state.ports) } else { String::new() },
        "Names": c.name,
        "Labels": labels.join(","),
        "Mounts": "",
        "Size": size,
    })
}

#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// Force the removal of a running container (kills it)
    #[arg(short, long)]
    pub force: bool,
    /// Remove the anonymous volumes of the containers too
    #[arg(short, long)]
    pub volumes: bool,
    /// Containers to remove (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

/// Finds a container by exact name, full ID or unique ID prefix.
pub fn find<'a>(containers: &'a [ContainerRecord], input: &str) -> Result<&'a ContainerRecord> {
    if let Some(c) = containers.iter().find(|c| c.name == input || c.id == input) {
        return Ok(c);
    }
    let mut matches = containers
        .iter()
        .filter(|c| !input.is_empty() && c.id.starts_with(input));
    match (matches.next(), matches.next()) {
        (Some(c), None) => Ok(c),
        (Some(_), Some(_)) => bail!("container ID prefix {input:?} is ambiguous; give more digits"),
        (None, _) => bail!("no such container: {input}"),
    }
}

pub fn rm(ctx: &Context, args: RmArgs) -> Result<()> {
    let store = ctx.store()?;
    let containers = store.containers()?;
    let mut targets = Vec::new();
    // Held until the containers are gone, so that no `start` runs one
    // while it is being removed (a container that removed itself by
    // `--rm` has no lock file left to take).
    let mut starts_held = Vec::new();
    let mut failed = false;
    for input in &args.containers {
        let found = find(&containers, input).and_then(|c| {
            starts_held.extend(store.lock_container_start(&c.id).ok());
            store.container(&c.id)
        });
        match found.as_ref() {
            Ok(c) if c.state.is_running() && !args.force => {
                eprintln!(
                    "Error: cannot remove container {input}: container is running: stop the container before removing or force remove"
                );
                failed = true;
            }
            Ok(c) => {
                // Killed from here, outside any user namespace: only the
                // owner of the container's namespace may signal it.
                if let Some(running) = Running::of(c) {
                    running.deliver(&store, c, libc::SIGKILL)?;
                    running.wait(None)?;
                }
                targets.push((input.clone(), c.id.clone()));
            }
            Err(e) => {
                eprintln!("Error: {}", super::one_line(e));
                failed = true;
            }
        }
    }
    if !targets.is_empty() {
        let runroot = ctx.locations()?.runroot;
        ctx.in_userns(|_| remove_all(&store, &runroot, &targets, args.volumes))?;
    }
    if failed { Err(Exit(1).into()) } else { Ok(()) }
}

/// Removes each container (a `--rm` one may have removed itself when it
/// was killed) and what its monitor would have left in the runtime
/// directory `runroot` had it been killed, with its anonymous volumes
/// when asked (always for a `--rm` one, as its monitor would have);
/// prints each name as it was given, as Docker does.
fn remove_all(
    store: &Store,
    runroot: &std::path::Path,
    targets: &[(String, String)],
    volumes: bool,
) -> Result<()> {
    for (input, id) in targets {
        let _ = std::fs::remove_dir_all(runroot.join(id));
        if let Ok(record) = store.container(id) {
            store.remove_container(id)?;
            if volumes || record.config.auto_remove {
                for doomed in store.take_away_anonymous_volumes(&record.config.binds) {
                    if let Err(e) = crate::store::volumes::delete_taken_away(&doomed) {
                        eprintln!("Warning: {}", super::one_line(&e));
                    }
                }
            }
        }
        println!("{input}");
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Only some containers (until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE])
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
}

/// `container prune`: removes every stopped container (created or
/// exited) the filters keep, and says how much space that freed.
pub fn prune(ctx: &Context, args: PruneArgs) -> Result<()> {
    let (untils, filters): (Vec<_>, Vec<_>) =
        filters::parse(&args.filters, &["until", "label", "label!"], check_filter)?
            .into_iter()
            .partition(|(key, _)| key == "until");
    let now = jiff::Timestamp::now();
    let until = untils
        .last()
        .map(|(_, text)| super::logs::parse_time(text, now))
        .transpose()?;
    if !args.force && !super::images::confirm_removal("all stopped containers")? {
        return Ok(());
    }
    let store = ctx.store()?;
    let runroot = ctx.locations()?.runroot;
    ctx.in_userns(|_| {
        let mut containers = store.containers()?;
        containers.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        let mut doomed = Vec::new();
        // Held until they are gone: a container being started is skipped,
        // and none starts while it is removed.
        let mut starts_held = Vec::new();
        let mut freed = 0;
        for c in containers {
            let created: Option<jiff::Timestamp> = c.created.parse().ok();
            let old_enough = until.is_none_or(|u| created.is_some_and(|c| c < u));
            if c.state.is_running() || !old_enough || !matches_all(&c, &filters) {
                continue;
            }
            let Ok(Some(held)) = store.try_lock_container_start(&c.id) else {
                continue;
            };
            if store
                .container(&c.id)
                .is_ok_and(|now| !now.state.is_running())
            {
                starts_held.push(held);
                freed += store.container_changes_size(&c)?;
                doomed.push((c.id.clone(), c.id));
            }
        }
        if !doomed.is_empty() {
            println!("Deleted Containers:");
            remove_all(&store, &runroot, &doomed, false)?;
            println!();
        }
        println!("Total reclaimed space: {}", format::human_size(freed));
        Ok(())
    })
}
