//! Parses one registries.conf (version 2) file and checks its values;
//! errors name the file and line.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use super::{Mirror, PullFromMirror, Registry, ShortNameMode};

/// What one file says; `None` means the file did not set it.
#[derive(Default)]
pub(super) struct FileConf {
    pub(super) search: Option<Vec<String>>,
    pub(super) short_name_mode: Option<ShortNameMode>,
    pub(super) registries: Vec<Registry>,
    /// An empty value removes an alias set by an earlier file.
    pub(super) aliases: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawFile {
    unqualified_search_registries: Option<Vec<Spanned<String>>>,
    short_name_mode: Option<Spanned<String>>,
    #[serde(default)]
    registry: Vec<RawRegistry>,
    aliases: Option<BTreeMap<String, Spanned<String>>>,
    /// Only present in the version 1 format.
    registries: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawRegistry {
    prefix: Option<Spanned<String>>,
    location: Option<Spanned<String>>,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    blocked: bool,
    #[serde(default)]
    mirror_by_digest_only: bool,
    #[serde(default)]
    mirror: Vec<RawMirror>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawMirror {
    location: Spanned<String>,
    #[serde(default)]
    insecure: bool,
    pull_from_mirror: Option<Spanned<String>>,
}

pub(super) fn parse_file(text: &str, shown: &str) -> Result<FileConf> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().replace('\n', "; ");
        at(shown, text, e.span().map(|s| s.start), &msg)
    })?;
    if raw.registries.is_some() {
        bail!(
            "{shown}: this is a version 1 registries.conf ([registries.search], \
             [registries.insecure], [registries.block]), which is not supported; convert it \
             to version 2 (unqualified-search-registries = [...] and [[registry]] tables, \
             see containers-registries.conf(5))"
        );
    }
    let mut file = FileConf::default();
    if let Some(list) = raw.unqualified_search_registries {
        let mut search = Vec::new();
        for entry in list {
            let loc = check_location(entry.as_ref(), "unqualified-search-registries entry")
                .map_err(|m| at(shown, text, Some(entry.span().start), &m))?;
            if loc.contains('/') {
                return Err(at(
                    shown,
                    text,
                    Some(entry.span().start),
                    &format!(
                        "unqualified-search-registries entry {:?} must be host[:port] without a path",
                        entry.as_ref()
                    ),
                ));
            }
            search.push(loc);
        }
        file.search = Some(search);
    }
    if let Some(mode) = raw.short_name_mode {
        file.short_name_mode = Some(match mode.as_ref().as_str() {
            "enforcing" => ShortNameMode::Enforcing,
            "permissive" => ShortNameMode::Permissive,
            "disabled" => ShortNameMode::Disabled,
            other => {
                return Err(at(
                    shown,
                    text,
                    Some(mode.span().start),
                    &format!(
                        "short-name-mode {other:?}: expected \"enforcing\", \"permissive\" or \"disabled\""
                    ),
                ));
            }
        });
    }
    for raw_reg in raw.registry {
        let reg = registry(raw_reg, text, shown)?;
        // Within one file a repeated prefix behaves like a later file.
        match file.registries.iter_mut().find(|r| r.prefix == reg.prefix) {
            Some(old) => *old = reg,
            None => file.registries.push(reg),
        }
    }
    for (short, full) in raw.aliases.unwrap_or_default() {
        let line = Some(full.span().start);
        if let Err(m) = check_alias(&short, full.as_ref()) {
            return Err(at(shown, text, line, &m));
        }
        file.aliases.insert(short, full.into_inner());
    }
    Ok(file)
}

fn registry(raw: RawRegistry, text: &str, shown: &str) -> Result<Registry> {
    let err = |span: Option<usize>, msg: String| at(shown, text, span, &msg);
    let loc_span = raw.location.as_ref().map(|l| l.span().start);
    let prefix_span = raw.prefix.as_ref().map(|p| p.span().start);
    let location = match &raw.location {
        Some(l) => {
            check_location(l.as_ref(), "[[registry]] location").map_err(|m| err(loc_span, m))?
        }
        None => String::new(),
    };
    if location.contains('*') {
        return Err(err(
            loc_span,
            format!("[[registry]] location {location:?}: wildcards are not allowed in a location"),
        ));
    }
    let prefix = match &raw.prefix {
        Some(p) if !p.as_ref().is_empty() => {
            let p = p.as_ref();
            if let Some(domain) = p.strip_prefix("*.") {
                if domain.is_empty()
                    || domain.contains(['*', '/', ':', '@'])
                    || domain.chars().any(char::is_whitespace)
                {
                    return Err(err(
                        prefix_span,
                        format!(
                            "[[registry]] prefix {p:?}: a wildcard prefix must look like *.example.com"
                        ),
                    ));
                }
                p.to_string()
            } else if p.contains('*') {
                return Err(err(
                    prefix_span,
                    format!(
                        "[[registry]] prefix {p:?}: a wildcard is only allowed as a leading \"*.\" (e.g. *.example.com)"
                    ),
                ));
            } else {
                check_location(p, "[[registry]] prefix").map_err(|m| err(prefix_span, m))?
            }
        }
        _ => {
            if location.is_empty() {
                return Err(err(
                    None,
                    "a [[registry]] table needs a location or a prefix".to_string(),
                ));
            }
            location.clone()
        }
    };
    if location.is_empty() && !prefix.starts_with("*.") {
        return Err(err(
            prefix_span,
            format!(
                "[[registry]] with prefix {prefix:?} has no location (only a wildcard prefix like *.example.com may omit it)"
            ),
        ));
    }
    let by_digest_only = raw.mirror_by_digest_only;
    let mut mirrors = Vec::new();
    for m in raw.mirror {
        let mspan = Some(m.location.span().start);
        let mloc = location_of_mirror(m.location.as_ref()).map_err(|msg| err(mspan, msg))?;
        let pull = match &m.pull_from_mirror {
            None => {
                if by_digest_only {
                    PullFromMirror::DigestOnly
                } else {
                    PullFromMirror::All
                }
            }
            Some(p) => {
                let pspan = Some(p.span().start);
                if by_digest_only {
                    return Err(err(
                        pspan,
                        format!(
                            "[[registry]] {prefix:?}: mirror-by-digest-only and pull-from-mirror cannot both be set"
                        ),
                    ));
                }
                match p.as_ref().as_str() {
                    "all" => PullFromMirror::All,
                    "digest-only" => PullFromMirror::DigestOnly,
                    "tag-only" => PullFromMirror::TagOnly,
                    other => {
                        return Err(err(
                            pspan,
                            format!(
                                "pull-from-mirror {other:?}: expected \"all\", \"digest-only\" or \"tag-only\""
                            ),
                        ));
                    }
                }
            }
        };
        mirrors.push(Mirror {
            location: mloc,
            insecure: m.insecure,
            pull,
        });
    }
    Ok(Registry {
        prefix,
        location,
        insecure: raw.insecure,
        blocked: raw.blocked,
        mirrors,
        source: shown.to_string(),
    })
}

fn location_of_mirror(value: &str) -> std::result::Result<String, String> {
    let loc = check_location(value, "[[registry.mirror]] location")?;
    if loc.is_empty() {
        return Err("[[registry.mirror]] location must not be empty".to_string());
    }
    if loc.contains('*') {
        return Err(format!(
            "[[registry.mirror]] location {loc:?}: wildcards are not allowed in a location"
        ));
    }
    Ok(loc)
}

/// Checks a `host[:port][/path]` value and drops trailing slashes.
fn check_location(value: &str, what: &str) -> std::result::Result<String, String> {
    if value.contains("://") {
        return Err(format!(
            "{what} {value:?}: URI schemes are not supported; write host[:port][/path] \
             (set insecure = true for plain HTTP)"
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{what} {value:?}: must not contain spaces"));
    }
    if value.starts_with('/') {
        return Err(format!("{what} {value:?}: must start with a host name"));
    }
    Ok(value.trim_end_matches('/').to_string())
}

fn check_alias(short: &str, full: &str) -> std::result::Result<(), String> {
    let qualified = |s: &str| {
        s.split_once('/')
            .is_some_and(|(h, r)| !r.is_empty() && (h.contains(['.', ':']) || h == "localhost"))
    };
    if short.is_empty() || short.contains(['@', ':']) || qualified(short) {
        return Err(format!(
            "[aliases] {short:?}: an alias must be a short name without registry, tag or digest"
        ));
    }
    if !full.is_empty() && (!qualified(full) || full.contains('@')) {
        return Err(format!(
            "[aliases] {short:?} = {full:?}: the value must be a fully qualified name like \
             registry.example.com/repo (no digest)"
        ));
    }
    Ok(())
}

/// `FILE: line N: MSG` when the offset is known, else `FILE: MSG`.
fn at(shown: &str, text: &str, offset: Option<usize>, msg: &str) -> anyhow::Error {
    match offset {
        Some(off) => {
            let line = text
                .as_bytes()
                .iter()
                .take(off.min(text.len()))
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            anyhow!("{shown}: line {line}: {msg}")
        }
        None => anyhow!("{shown}: {msg}"),
    }
}
