//! Auth-file keys: the canonical form of what users and tools write
//! (`https://host/v1/`, `index.docker.io`, `registry/ns/repo`), and finding
//! a key in a JSON object.

use anyhow::{Result, bail};
use serde_json::{Map, Value};

/// Docker Hub's names, all stored and matched as `docker.io`.
fn normalize_host(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "docker.io",
        other => other,
    }
}

/// The canonical form of an auth-file key: a URL (`https://host/v1/`) is
/// reduced to its host, a trailing `/` dropped, Docker Hub's hosts become
/// `docker.io`. `registry/ns/repo` keys keep their path.
pub(super) fn normalize_key(key: &str) -> String {
    let (rest, was_url) = match key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
    {
        Some(rest) => (rest, true),
        None => (key, false),
    };
    let rest = rest.trim_end_matches('/');
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) if !was_url => (h, Some(p)),
        Some((h, _)) => (h, None),
        None => (rest, None),
    };
    let host = normalize_host(host);
    match path {
        Some(p) => format!("{host}/{p}"),
        None => host.to_string(),
    }
}

/// The key `store` writes for what the user typed.
pub(super) fn store_key(key: &str) -> Result<String> {
    let norm = normalize_key(key);
    if norm.is_empty()
        || norm.starts_with('/')
        || norm.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        bail!("invalid registry {key:?}: expected host[:port][/repository]");
    }
    Ok(norm)
}

/// The value for `wanted`: its exact key first, else a key that normalizes
/// to it (`https://host/v1/`, `index.docker.io`, ...), in key order.
pub(super) fn find_key<'a>(map: &'a Map<String, Value>, wanted: &str) -> Option<&'a Value> {
    find_entry(map, wanted).map(|(_, v)| v)
}

pub(super) fn find_entry<'a>(
    map: &'a Map<String, Value>,
    wanted: &str,
) -> Option<(&'a str, &'a Value)> {
    if let Some((k, v)) = map.get_key_value(wanted) {
        return Some((k.as_str(), v));
    }
    let mut matches: Vec<(&str, &Value)> = map
        .iter()
        .filter(|(k, _)| normalize_key(k) == wanted)
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    matches.sort_by_key(|(k, _)| *k);
    matches.into_iter().next()
}
