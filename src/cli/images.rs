//! `rpod images`, `tag`, `rmi` and `image prune`.

use super::{Context, Exit};
use crate::format::{self, OutputFormat};
use crate::reference::Reference;
use crate::registry::{RegistriesConf, search};
use crate::store::Store;
use crate::store::images::{self, ImageRecord};
use anyhow::{Context as _, Result, bail};
use std::collections::HashSet;
use std::io::Write;

const COLUMNS: &[(&str, &str)] = &[
    ("Repository", "REPOSITORY"),
    ("Tag", "TAG"),
    ("Digest", "DIGEST"),
    ("ID", "IMAGE ID"),
    ("CreatedSince", "CREATED"),
    ("Size", "SIZE"),
    ("CreatedAt", "CREATED AT"),
    ("Containers", "CONTAINERS"),
];

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Show all images (rpod keeps no intermediate images, so the same list)
    #[arg(short, long)]
    pub all: bool,
    /// Show digests
    #[arg(long)]
    pub digests: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Pretty-print with a Go template, `table …`, or `json`
    #[arg(long)]
    pub format: Option<String>,
    /// Filter output (dangling=BOOL, reference=PATTERN, label=KEY[=VALUE], before=IMAGE, since=IMAGE)
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Only images of this repository (REPOSITORY[:TAG])
    pub repository: Option<String>,
}

/// One line of `rpod images`: an image under one of its names.
struct Row<'a> {
    image: &'a ImageRecord,
    repository: String,
    tag: String,
}

pub fn list(ctx: &Context, args: ListArgs) -> Result<()> {
    let format = OutputFormat::parse(args.format.as_deref())?;
    let store = ctx.store()?;
    let mut all = store.images()?;
    all.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
    let filters = Filters::parse(&args.filters, &all, &store, &ctx.registries()?)?;
    let mut rows = Vec::new();
    for image in all.iter().filter(|i| filters.keep(i)) {
        if image.names.is_empty() {
            // Untagged: Docker still shows the repositories it came from.
            let mut repositories: Vec<String> = image
                .digests
                .iter()
                .filter_map(|d| d.split_once('@').map(|(name, _)| familiar_repo(name)))
                .collect();
            repositories.dedup();
            if repositories.is_empty() {
                repositories.push("<none>".into());
            }
            for repository in repositories {
                rows.push(Row {
                    image,
                    repository,
                    tag: "<none>".into(),
                });
            }
        }
        for name in &image.names {
            let reference = Reference::parse_qualified(name)?;
            let familiar = Reference {
                tag: None,
                ..reference.clone()
            }
            .familiar();
            rows.push(Row {
                image,
                repository: familiar,
                tag: reference.tag.unwrap_or_default(),
            });
        }
    }
    rows.retain(|row| filters.keep_row(row) && matches_repository(row, args.repository.as_deref()));
    let mut out = std::io::stdout().lock();
    if args.quiet {
        let mut seen = HashSet::new();
        for row in &rows {
            let id = display_id(row.image, args.no_trunc);
            if seen.insert(id.clone()) {
                writeln!(out, "{id}")?;
            }
        }
        return Ok(());
    }
    let now = jiff::Timestamp::now();
    let values: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| row_value(row, args.no_trunc, now))
        .collect();
    let columns: Vec<(&str, &str)> = COLUMNS
        .iter()
        .copied()
        .filter(|(field, _)| match *field {
            "Digest" => args.digests,
            "CreatedAt" | "Containers" => false,
            _ => true,
        })
        .collect();
    format::render_rows(&mut out, &format, &columns, &values)
        .and_then(|()| out.flush().map_err(Into::into))
        .or_else(ignore_broken_pipe)
}

fn display_id(image: &ImageRecord, no_trunc: bool) -> String {
    if no_trunc {
        image.id.clone()
    } else {
        image.short_id().to_string()
    }
}

fn row_value(row: &Row, no_trunc: bool, now: jiff::Timestamp) -> serde_json::Value {
    let created: Option<jiff::Timestamp> =
        row.image.created.as_deref().and_then(|c| c.parse().ok());
    let digest = row
        .image
        .digests
        .iter()
        .find(|d| {
            d.split('@')
                .next()
                .is_some_and(|name| familiar_repo(name) == row.repository)
        })
        .and_then(|d| d.split('@').nth(1))
        .unwrap_or("<none>");
    let size = format::human_size(row.image.size);
    serde_json::json!({
        "Containers": "N/A",
        "CreatedAt": created.map(docker_time).unwrap_or_default(),
        "CreatedSince": created.map(|c| format::created_since(c, now)).unwrap_or_else(|| "N/A".into()),
        "Digest": digest,
        "ID": display_id(row.image, no_trunc),
        "Repository": row.repository,
        "SharedSize": "N/A",
        "Size": size,
        "Tag": row.tag,
        "UniqueSize": "N/A",
        "VirtualSize": size,
    })
}

/// Docker's `CreatedAt` layout: `2006-01-02 15:04:05 +0000 UTC`.
pub fn docker_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S +0000 UTC").to_string()
}

fn familiar_repo(name: &str) -> String {
    Reference::parse_qualified(name)
        .map(|r| {
            Reference {
                tag: None,
                digest: None,
                ..r
            }
            .familiar()
        })
        .unwrap_or_else(|_| name.to_string())
}

fn matches_repository(row: &Row, wanted: Option<&str>) -> bool {
    let Some(wanted) = wanted else { return true };
    let (repo, tag) = match wanted.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
        Some((repo, tag)) => (repo, Some(tag)),
        None => (wanted, None),
    };
    familiar_repo(repo) == row.repository && tag.is_none_or(|t| t == row.tag)
}

/// A closed stdout (`rpod images | head -1`) is not an error.
fn ignore_broken_pipe(e: anyhow::Error) -> Result<()> {
    match e.downcast_ref::<std::io::Error>() {
        Some(io) if io.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    }
}

/// `--filter` for images.
#[derive(Default)]
struct Filters {
    dangling: Option<bool>,
    references: Vec<String>,
    labels: Vec<(String, Option<String>, HashSet<String>)>,
    before: Option<String>,
    since: Option<String>,
}

impl Filters {
    fn parse(
        specs: &[String],
        images: &[ImageRecord],
        store: &Store,
        registries: &RegistriesConf,
    ) -> Result<Self> {
        let mut filters = Filters::default();
        let created_of = |value: &str| -> Result<String> {
            let found = images::find(images, value, &search::local_names(registries, value))?
                .with_context(|| format!("no such image: {value}"))?;
            Ok(found.created.clone().unwrap_or_default())
        };
        for spec in specs {
            let (key, value) = spec
                .split_once('=')
                .with_context(|| format!("invalid filter {spec:?}: expected KEY=VALUE"))?;
            match key {
                "dangling" => {
                    filters.dangling = Some(match value {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => bail!("invalid filter {spec:?}: dangling takes true or false"),
                    })
                }
                "reference" => filters.references.push(value.to_string()),
                "label" => {
                    let (k, v) = match value.split_once('=') {
                        Some((k, v)) => (k.to_string(), Some(v.to_string())),
                        None => (value.to_string(), None),
                    };
                    let matching = images
                        .iter()
                        .filter(|i| has_label(store, i, &k, v.as_deref()))
                        .map(|i| i.id.clone())
                        .collect();
                    filters.labels.push((k, v, matching));
                }
                "before" => filters.before = Some(created_of(value)?),
                "since" => filters.since = Some(created_of(value)?),
                _ => bail!(
                    "invalid filter {key:?}: images take dangling, reference, label, before and since"
                ),
            }
        }
        Ok(filters)
    }

    fn keep(&self, image: &ImageRecord) -> bool {
        let created = image.created.clone().unwrap_or_default();
        self.dangling.is_none_or(|d| d == image.is_dangling())
            && self
                .labels
                .iter()
                .all(|(_, _, ids)| ids.contains(&image.id))
            && self.before.as_ref().is_none_or(|b| created < *b)
            && self.since.as_ref().is_none_or(|s| created > *s)
    }

    fn keep_row(&self, row: &Row) -> bool {
        self.references.is_empty()
            || self.references.iter().any(|pattern| {
                glob_match(pattern, &row.repository)
                    || glob_match(pattern, &format!("{}:{}", row.repository, row.tag))
            })
    }
}

fn has_label(store: &Store, image: &ImageRecord, key: &str, value: Option<&str>) -> bool {
    let Ok(bytes) = store.read_blob(&image.id) else {
        return false;
    };
    let Ok(config) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    match &config["config"]["Labels"][key] {
        serde_json::Value::String(v) => value.is_none_or(|want| want == v),
        _ => false,
    }
}

/// Go's `path.Match` for the patterns users give: `*` and `?` never cross
/// a `/`.
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != '/')
                .any(|i| go(&p[1..], &t[i..])),
            Some('?') => t.first().is_some_and(|&c| c != '/') && go(&p[1..], &t[1..]),
            Some(&c) => t.first() == Some(&c) && go(&p[1..], &t[1..]),
        }
    }
    go(&p, &t)
}

#[derive(Debug, clap::Args)]
pub struct TagArgs {
    /// Existing image (name or ID)
    pub source: String,
    /// New name(s) for it
    #[arg(required = true)]
    pub targets: Vec<String>,
}

pub fn tag(ctx: &Context, args: TagArgs) -> Result<()> {
    let store = ctx.store()?;
    let registries = ctx.registries()?;
    let mut names = Vec::new();
    for target in &args.targets {
        let reference = Reference::parse_qualified(target)?;
        if reference.digest.is_some() {
            bail!("refusing to tag with a digest: {target}");
        }
        names.push(reference.to_string());
    }
    let local = search::local_names(&registries, &args.source);
    store.update_images(|images| {
        let id = images::find(images, &args.source, &local)?
            .with_context(|| format!("no such image: {}", args.source))?
            .id
            .clone();
        for name in &names {
            images::untag(images, name);
            if let Some(image) = images.iter_mut().find(|i| i.id == id) {
                image.names.push(name.clone());
            }
        }
        Ok(())
    })
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// Remove the image even when it has several names
    #[arg(short, long)]
    pub force: bool,
    /// Images to remove (names or IDs)
    #[arg(required = true)]
    pub images: Vec<String>,
}

/// What removing one argument did.
enum Removal {
    Untagged(Vec<String>),
    Deleted(Vec<String>, String),
}

pub fn remove(ctx: &Context, args: RemoveArgs) -> Result<()> {
    let store = ctx.store()?;
    let registries = ctx.registries()?;
    let mut worst = 0;
    let mut deleted_any = false;
    for input in &args.images {
        let local = search::local_names(&registries, input);
        let result =
            store.update_images(|images| remove_one(&store, images, input, &local, args.force));
        match result {
            Ok(Removal::Untagged(names)) => {
                for name in names {
                    println!("Untagged: {}", familiar(&name));
                }
            }
            Ok(Removal::Deleted(names, id)) => {
                for name in names {
                    println!("Untagged: {}", familiar(&name));
                }
                println!("Deleted: {id}");
                deleted_any = true;
            }
            Err(e) => {
                eprintln!("Error: {}", super::one_line(&e));
                let code = if e.to_string().starts_with("no such image") {
                    1
                } else {
                    125
                };
                worst = worst.max(code);
            }
        }
    }
    if deleted_any {
        collect(ctx, &store)?;
    }
    match worst {
        0 => Ok(()),
        code => Err(Exit(code).into()),
    }
}

fn remove_one(
    store: &Store,
    images: &mut Vec<ImageRecord>,
    input: &str,
    local: &[String],
    force: bool,
) -> Result<Removal> {
    let image = images::find(images, input, local)?
        .with_context(|| format!("no such image: {input}"))?
        .clone();
    let users = store.containers_using(&image.id)?;
    if let Some(container) = users.first() {
        bail!("image {input} is in use by container {container}; remove the container first");
    }
    let by_name = local.iter().find(|n| image.names.contains(n));
    if let Some(name) = by_name
        && image.names.len() > 1
    {
        images::untag(images, name);
        return Ok(Removal::Untagged(vec![name.clone()]));
    }
    if by_name.is_none() && image.names.len() > 1 && !force {
        bail!(
            "image {} is referenced by several names ({}); remove them by name or use --force",
            image.short_id(),
            image
                .names
                .iter()
                .map(|n| familiar(n))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    images.retain(|i| i.id != image.id);
    Ok(Removal::Deleted(image.names.clone(), image.id.clone()))
}

fn familiar(name: &str) -> String {
    Reference::parse_qualified(name).map_or_else(|_| name.to_string(), |r| r.familiar())
}

/// Frees layers and blobs nothing uses any more, inside the user
/// namespace (layer files belong to subordinate ids).
fn collect(ctx: &Context, store: &Store) -> Result<()> {
    ctx.in_userns(|_| store.collect_garbage().map(drop))
}

/// Docker's prune question, answered from stdin whether or not it is a
/// terminal (end of input is no).
pub fn confirm_removal(what: &str) -> Result<bool> {
    print!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Remove all images no container uses, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub force: bool,
}

pub fn prune(ctx: &Context, args: PruneArgs) -> Result<()> {
    if !args.force {
        let what = if args.all {
            "all images without at least one container associated to them"
        } else {
            "all dangling images"
        };
        if !confirm_removal(what)? {
            return Ok(());
        }
    }
    let store = ctx.store()?;
    let (removed, freed) = store.update_images(|images| {
        let before: Vec<ImageRecord> = images.clone();
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        for image in before {
            let prunable =
                (args.all || image.is_dangling()) && store.containers_using(&image.id)?.is_empty();
            if prunable {
                removed.push(image)
            } else {
                kept.push(image)
            }
        }
        let still_used: HashSet<&str> = kept
            .iter()
            .flat_map(|i| i.layers.iter().map(|l| l.diff_id.as_str()))
            .collect();
        let mut freed_layers = HashSet::new();
        let mut freed = 0;
        for layer in removed.iter().flat_map(|i| &i.layers) {
            if !still_used.contains(layer.diff_id.as_str())
                && freed_layers.insert(layer.diff_id.clone())
            {
                freed += store
                    .layer_info(&layer.diff_id)?
                    .map_or(0, |info| info.size);
            }
        }
        *images = kept;
        Ok((removed, freed))
    })?;
    if !removed.is_empty() {
        println!("Deleted Images:");
        for image in &removed {
            for name in &image.names {
                println!("untagged: {}", familiar(name));
            }
            println!("deleted: {}", image.id);
        }
        println!();
    }
    // Always collect: debris of interrupted pulls goes too.
    collect(ctx, &store)?;
    println!("Total reclaimed space: {}", format::human_size(freed));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_do_not_cross_slashes() {
        assert!(glob_match("busy*", "busybox"));
        assert!(glob_match("*:latest", "busybox:latest"));
        assert!(!glob_match("*", "a/b"));
        assert!(glob_match("*/b", "a/b"));
        assert!(glob_match("b?sybox", "busybox"));
        assert!(!glob_match("busy", "busybox"));
    }
}
