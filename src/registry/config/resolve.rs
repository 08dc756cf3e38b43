//! Answers where an image name is pulled from: the longest matching
//! `[[registry]]` prefix, its mirrors and rewritten location, and whether a
//! host is insecure.

use anyhow::{Result, anyhow, bail};

use super::{Endpoint, PullFromMirror, RegistriesConf, Registry, Resolved};

impl RegistriesConf {
    /// Finds the `[[registry]]` whose `prefix` is the longest match for
    /// `name` (`host[:port]/repo/path`, no tag or digest) and returns the
    /// endpoints to try: the mirrors that apply (`pull-from-mirror`,
    /// `mirror-by-digest-only`), then the location itself. With no matching
    /// entry the name's own host is the only endpoint. A blocked registry is
    /// an error.
    pub fn resolve(&self, name: &str, by_digest: bool) -> Result<Resolved> {
        let (host, repo) = name.split_once('/').unwrap_or((name, ""));
        if host.is_empty() || repo.is_empty() || repo.contains([':', '@']) {
            bail!(
                "cannot resolve image name {name:?}: expected host[:port]/repository without tag or digest"
            );
        }
        let Some((reg, matched)) = self.find(name) else {
            return Ok(Resolved {
                endpoints: vec![Endpoint {
                    registry: host.to_string(),
                    repository: repo.to_string(),
                    insecure: false,
                }],
            });
        };
        if reg.blocked {
            bail!(
                "registry {} is blocked in registries.conf ({})",
                reg.prefix,
                reg.source
            );
        }
        let rest = &name[matched..];
        let mut endpoints = Vec::new();
        for mirror in &reg.mirrors {
            let wanted = match mirror.pull {
                PullFromMirror::All => true,
                PullFromMirror::DigestOnly => by_digest,
                PullFromMirror::TagOnly => !by_digest,
            };
            if wanted {
                endpoints.push(endpoint(
                    &format!("{}{rest}", mirror.location),
                    mirror.insecure,
                    name,
                    &reg.source,
                )?);
            }
        }
        let primary = if reg.location.is_empty() {
            name.to_string()
        } else {
            format!("{}{rest}", reg.location)
        };
        endpoints.push(endpoint(&primary, reg.insecure, name, &reg.source)?);
        Ok(Resolved { endpoints })
    }

    /// Whether `host` (`host[:port]`) may be reached over plain HTTP or
    /// unverified TLS: the `[[registry]]` matching the host is insecure, or a
    /// registry or mirror location on that host is marked insecure.
    pub fn is_insecure(&self, host: &str) -> bool {
        if let Some((reg, _)) = self.find(host)
            && reg.insecure
        {
            return true;
        }
        let host_of = |loc: &str| loc.split('/').next().unwrap_or("").to_string();
        self.registries.iter().any(|reg| {
            (reg.insecure && !reg.location.is_empty() && host_of(&reg.location) == host)
                || reg
                    .mirrors
                    .iter()
                    .any(|m| m.insecure && host_of(&m.location) == host)
        })
    }

    /// The entry with the longest matching prefix and the length of the
    /// matched part of `name`. On equal length a literal prefix beats a
    /// wildcard, and a longer wildcard beats a shorter one.
    fn find(&self, name: &str) -> Option<(&Registry, usize)> {
        self.registries
            .iter()
            .filter_map(|reg| {
                let len = prefix_match(&reg.prefix, name)?;
                let literal = !reg.prefix.starts_with("*.");
                Some(((len, literal, reg.prefix.len()), reg, len))
            })
            .max_by_key(|(rank, _, _)| *rank)
            .map(|(_, reg, len)| (reg, len))
    }
}

/// Length of the part of `name` matched by `prefix`, if it matches.
fn prefix_match(prefix: &str, name: &str) -> Option<usize> {
    if let Some(domain) = prefix.strip_prefix('*') {
        // "*.example.com" matches any subdomain host, with or without a port;
        // the whole host[:port] is the matched part.
        let host = name.split('/').next().unwrap_or("");
        let bare = host.split(':').next().unwrap_or("");
        return (bare.len() > domain.len() && bare.ends_with(domain)).then_some(host.len());
    }
    let rest = name.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(prefix.len())
}

fn endpoint(rewritten: &str, insecure: bool, name: &str, source: &str) -> Result<Endpoint> {
    match rewritten.split_once('/') {
        Some((host, repo)) if !host.is_empty() && !repo.is_empty() => Ok(Endpoint {
            registry: host.to_string(),
            repository: repo.to_string(),
            insecure,
        }),
        _ => Err(anyhow!(
            "{source}: rewriting {name:?} gives {rewritten:?}, which has no repository path"
        )),
    }
}
