//! `rpod info` (store paths, rootfs driver, id mapping, helpers, kernel
//! features) and `rpod version`.

use super::Context;
use crate::format::Template;
use crate::userns::{self, IdMap};
use anyhow::Result;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Format the output with a Go template (or `json`)
    #[arg(short, long)]
    pub format: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// Format the output with a Go template (or `json`)
    #[arg(short, long)]
    pub format: Option<String>,
}

pub fn version(args: VersionArgs) -> Result<()> {
    let value = json!({
        "Client": {
            "Version": env!("CARGO_PKG_VERSION"),
            "Os": std::env::consts::OS,
            "Arch": crate::registry::Platform::host().architecture,
        }
    });
    if args.format.is_some() {
        return print_formatted(&value, args.format.as_deref());
    }
    println!("Client:");
    println!(
        " Version:      {}",
        value["Client"]["Version"].as_str().unwrap_or_default()
    );
    println!(
        " OS/Arch:      {}/{}",
        value["Client"]["Os"].as_str().unwrap_or_default(),
        value["Client"]["Arch"].as_str().unwrap_or_default()
    );
    Ok(())
}

pub fn info(ctx: &Context, args: InfoArgs) -> Result<()> {
    let locations = ctx.locations()?;
    let store = ctx.store()?;
    let mapping = ctx.mapping()?;
    let user = userns::current_user()?;
    let overlay = ctx.overlay_works();
    let driver = ctx.storage_driver()?;
    let images = store.images()?;
    let layers = std::fs::read_dir(store.root().join("layers")).map_or(0, |d| d.count());
    let maps = |maps: &[IdMap]| -> Value {
        maps.iter()
            .map(|m| json!({"ContainerID": m.inside, "HostID": m.outside, "Size": m.count}))
            .collect()
    };
    let registries = ctx.registries()?;
    let value = json!({
        "Client": { "Version": env!("CARGO_PKG_VERSION") },
        "Host": {
            "Kernel": rustix::system::uname().release().to_string_lossy(),
            "OperatingSystem": os_name(),
            "Arch": crate::registry::Platform::host().architecture,
            "CPUs": std::thread::available_parallelism().map_or(1, |n| n.get()),
            "User": user.name,
            "UID": user.uid,
            "GID": user.gid,
            "IDMappings": { "UIDMap": maps(&mapping.uids), "GIDMap": maps(&mapping.gids) },
            "SingleUIDMapping": mapping.is_single(),
            "Cgroups": cgroup_layout(),
            "Helpers": {
                "newuidmap": helper("newuidmap"),
                "newgidmap": helper("newgidmap"),
                "slirp4netns": helper("slirp4netns"),
                "pasta": helper("pasta"),
            },
            "Features": {
                "UnprivilegedUserNamespaces": userns_allowed(),
                "OverlayInUserNamespace": overlay,
                "FUSE": device_usable("/dev/fuse"),
                "TUN": device_usable("/dev/net/tun"),
            },
        },
        "Store": {
            "GraphRoot": locations.root,
            "RunRoot": locations.runroot,
            "GraphDriverName": driver.to_string(),
            "NetworkFilesystem": crate::store::paths::network_filesystem(&locations.root),
            "Images": images.len(),
            "Layers": layers,
        },
        "Registries": { "Search": registries.unqualified_search_registries() },
    });
    if args.format.is_some() {
        return print_formatted(&value, args.format.as_deref());
    }
    let mut out = std::io::stdout().lock();
    print_tree(&mut out, &value, 0)?;
    Ok(())
}

/// `--format json` prints the document; anything else is a template.
fn print_formatted(value: &Value, format: Option<&str>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Some("json") | Some("{{json .}}") => {
            writeln!(out, "{}", serde_json::to_string_pretty(value)?)?
        }
        Some(text) => crate::format::render_inspect(
            &mut out,
            Some(&Template::parse(text)?),
            std::slice::from_ref(value),
        )?,
        None => {}
    }
    Ok(())
}

/// Prints nested JSON as indented `Key: value` lines.
fn print_tree(out: &mut dyn Write, value: &Value, depth: usize) -> Result<()> {
    let indent = "  ".repeat(depth);
    if let Value::Object(map) = value {
        for (key, value) in map {
            match value {
                Value::Object(_) => {
                    writeln!(out, "{indent}{key}:")?;
                    print_tree(out, value, depth + 1)?;
                }
                Value::Array(items) if items.iter().any(Value::is_object) => {
                    writeln!(out, "{indent}{key}:")?;
                    for item in items {
                        let line: Vec<String> = item
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(|(k, v)| format!("{k}: {}", scalar(v)))
                            .collect();
                        writeln!(out, "{indent}  - {}", line.join(", "))?;
                    }
                }
                other => writeln!(out, "{indent}{key}: {}", scalar(other))?,
            }
        }
    }
    Ok(())
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(scalar).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| "Linux".to_string())
}

/// Where a helper program is on PATH.
fn helper(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `v2` (unified), `v1`, or `v1 (hybrid, with a v2 mount)`.
fn cgroup_layout() -> &'static str {
    const CGROUP2_MAGIC: i64 = 0x6367_7270;
    // f_type's width differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    let is_v2 = |p: &str| rustix::fs::statfs(p).is_ok_and(|s| s.f_type as i64 == CGROUP2_MAGIC);
    if is_v2("/sys/fs/cgroup") {
        "v2"
    } else if is_v2("/sys/fs/cgroup/unified") {
        "v1 (hybrid, with a v2 mount)"
    } else {
        "v1"
    }
}

fn userns_allowed() -> bool {
    let read = |p: &str| {
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim().to_string())
    };
    read("/proc/sys/kernel/unprivileged_userns_clone").is_none_or(|v| v != "0")
        && read("/proc/sys/user/max_user_namespaces").is_none_or(|v| v != "0")
}

fn device_usable(path: &str) -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(Path::new(path))
        .is_ok()
}
