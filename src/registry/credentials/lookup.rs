//! The lookup order: the most specific key first, each auth file in turn,
//! and within a file `credHelpers`, then `auths`, then `credsStore`.

use anyhow::{Result, anyhow, bail};
use serde_json::{Map, Value};

use super::Credential;
use super::auth_file::read_doc;
use super::entry::decode_entry;
use super::env::AuthEnv;
use super::helpers::from_helper;
use super::keys::{find_entry, find_key, normalize_key};

pub(super) fn lookup_with(
    env: &AuthEnv,
    registry: &str,
    repository: Option<&str>,
) -> Result<Option<Credential>> {
    let registry = normalize_key(registry);
    if registry.is_empty() {
        bail!("cannot look up credentials: empty registry name");
    }
    // Most specific first: registry/a/b/c, registry/a/b, registry/a, registry.
    let mut candidates = Vec::new();
    if let Some(repo) = repository
        .map(|r| r.trim_matches('/'))
        .filter(|r| !r.is_empty())
    {
        let mut path = repo;
        loop {
            candidates.push(format!("{registry}/{path}"));
            match path.rsplit_once('/') {
                Some((parent, _)) => path = parent,
                None => break,
            }
        }
    }
    candidates.push(registry.clone());

    for file in env.lookup_files() {
        let shown = env.show(&file);
        let Some(doc) = read_doc(&file, &shown)? else {
            continue;
        };
        if let Some(found) = lookup_in_doc(env, &doc, &shown, &registry, &candidates)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn lookup_in_doc(
    env: &AuthEnv,
    doc: &Map<String, Value>,
    shown: &str,
    registry: &str,
    candidates: &[String],
) -> Result<Option<Credential>> {
    if let Some(helpers) = doc.get("credHelpers") {
        let helpers = helpers
            .as_object()
            .ok_or_else(|| anyhow!("{shown}: \"credHelpers\" must be a JSON object"))?;
        if let Some(helper) = find_key(helpers, registry) {
            let helper = helper
                .as_str()
                .ok_or_else(|| anyhow!("{shown}: credHelpers[{registry:?}] must be a string"))?;
            // A registry with its own helper uses only that helper.
            return from_helper(env, helper, registry, shown);
        }
    }
    if let Some(auths) = doc.get("auths") {
        let auths = auths
            .as_object()
            .ok_or_else(|| anyhow!("{shown}: \"auths\" must be a JSON object"))?;
        for candidate in candidates {
            if let Some((key, entry)) = find_entry(auths, candidate)
                && let Some(cred) = decode_entry(entry, key, shown)?
            {
                return Ok(Some(cred));
            }
        }
    }
    match doc.get("credsStore") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(helper)) => from_helper(env, helper, registry, shown),
        Some(_) => bail!("{shown}: \"credsStore\" must be a string"),
    }
}
