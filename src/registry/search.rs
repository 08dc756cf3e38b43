//! Short-name resolution: which fully qualified references `busybox`
//! stands for. Aliases from registries.conf come first, then each
//! unqualified-search registry in order, and Docker Hub when none is
//! configured. Never prompts: the order is the answer.

use super::config::RegistriesConf;
use crate::reference::{self, Reference};
use anyhow::Result;

/// The references `input` may mean, most preferred first.
pub fn candidates(registries: &RegistriesConf, input: &str) -> Result<Vec<Reference>> {
    let parsed = reference::parse(input)?;
    if !parsed.is_short() {
        return Ok(vec![parsed.qualify_default()]);
    }
    if let Some(alias) = registries.alias(&parsed.path) {
        let mut target = reference::parse(alias)?;
        if parsed.tag.is_some() || parsed.digest.is_some() {
            target.tag = parsed.tag.clone();
            target.digest = parsed.digest.clone();
        }
        return Ok(vec![target.qualify_default()]);
    }
    let search = registries.unqualified_search_registries();
    if search.is_empty() {
        return Ok(vec![parsed.qualify_default()]);
    }
    Ok(search
        .iter()
        .map(|registry| parsed.qualify(registry))
        .collect())
}

/// The names under which the store may hold what `input` means: every
/// candidate, plus Docker Hub's and `localhost/`'s forms of a short name
/// (images made by `import`, `tag` or `build` live there).
pub fn local_names(registries: &RegistriesConf, input: &str) -> Vec<String> {
    let mut names: Vec<String> = candidates(registries, input)
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Ok(parsed) = reference::parse(input)
        && parsed.is_short()
    {
        for registry in ["localhost", reference::DOCKER_HUB] {
            let name = parsed.qualify(registry).to_string();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}
