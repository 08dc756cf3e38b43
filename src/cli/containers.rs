//! `rpod ps` (Docker's columns and status texts) and `rpod rm`.

use super::lifecycle::Running;
use super::{Context, Exit};
use crate::format::{self, OutputFormat};
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use anyhow::{Result, bail};
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
    /// Filter output (status=STATUS, name=NAME, id=ID, ancestor=IMAGE)
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Pretty-print with a Go template, `table …`, or `json`
    #[arg(long)]
    pub format: Option<String>,
}

pub fn ps(ctx: &Context, args: PsArgs) -> Result<()> {
    let format = OutputFormat::parse(args.format.as_deref())?;
    let store = ctx.store()?;
    let mut containers = store.containers()?;
    containers.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
    let limit = if args.latest { Some(1) } else { args.last };
    let all = args.all || limit.is_some();
    let filters = parse_filters(&args.filters)?;
    let mut shown: Vec<&ContainerRecord> = containers
        .iter()
        .filter(|c| all || c.state.effective_status() == "running")
        .filter(|c| {
            filters
                .iter()
                .all(|(key, value)| matches_filter(c, key, value))
        })
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
    let now = jiff::Timestamp::now();
    let rows: Vec<serde_json::Value> = shown.iter().map(|c| row(c, args.no_trunc, now)).collect();
    format::render_rows(&mut out, &format, COLUMNS, &rows)
}

fn parse_filters(specs: &[String]) -> Result<Vec<(String, String)>> {
    specs
        .iter()
        .map(|spec| match spec.split_once('=') {
            Some((key @ ("status" | "name" | "id" | "ancestor"), value)) => {
                Ok((key.to_string(), value.to_string()))
            }
            _ => bail!("invalid filter {spec:?}: ps takes status, name, id and ancestor"),
        })
        .collect()
}

fn matches_filter(c: &ContainerRecord, key: &str, value: &str) -> bool {
    match key {
        "status" => c.state.effective_status() == value,
        "name" => c.name.contains(value),
        "id" => c.id.starts_with(value),
        "ancestor" => {
            c.image_name == value || c.image.trim_start_matches("sha256:").starts_with(value)
        }
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

fn row(c: &ContainerRecord, no_trunc: bool, now: jiff::Timestamp) -> serde_json::Value {
    let command = c.command.join(" ");
    let command = if no_trunc {
        format!("\"{command}\"")
    } else {
        format!("\"{}\"", format::ellipsis(&command, 20))
    };
    serde_json::json!({
        "ID": if no_trunc { c.id.clone() } else { c.id[..12].to_string() },
        "Image": c.image_name,
        "Command": command,
        "CreatedAt": c.created,
        "RunningFor": since(Some(&c.created), now).map_or("".into(), |d| format!("{} ago", format::human_duration(d))),
        "Status": status_text(c, now),
        "State": c.state.effective_status(),
        "Ports": "",
        "Names": c.name,
    })
}

#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// Force the removal of a running container (kills it)
    #[arg(short, long)]
    pub force: bool,
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
    let mut failed = false;
    for input in &args.containers {
        match find(&containers, input) {
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
                    running.signal(libc::SIGKILL)?;
                    running.wait(None)?;
                }
                targets.push((input.clone(), c.id.clone()));
            }
            Err(e) => {
                eprintln!("Error: {}", super::one_line(&e));
                failed = true;
            }
        }
    }
    if !targets.is_empty() {
        ctx.in_userns(|_| remove_all(&store, &targets))?;
    }
    if failed { Err(Exit(1).into()) } else { Ok(()) }
}

/// Removes each container (a `--rm` one may have removed itself when it
/// was killed); prints each name as it was given, as Docker does.
fn remove_all(store: &Store, targets: &[(String, String)]) -> Result<()> {
    for (input, id) in targets {
        if store.container_dir(id).exists() {
            store.remove_container(id)?;
        }
        println!("{input}");
    }
    Ok(())
}
