//! Docker's `--filter KEY=VALUE` rules, shared by the commands that list
//! or prune: which keys a command knows, how filters combine (the same
//! key is a choice, except labels, which must all match; different keys
//! must all match), and what a `label=KEY[=VALUE]` filter asks of a set
//! of labels.

use anyhow::{Result, bail};
use std::collections::BTreeMap;

/// Reads `--filter KEY=VALUE` options, allowing the keys in `known`;
/// `check` refuses a value its key cannot take (one line, as an error).
pub fn parse(
    specs: &[String],
    known: &[&str],
    check: impl Fn(&str, &str) -> Result<(), String>,
) -> Result<Vec<(String, String)>> {
    specs
        .iter()
        .map(|spec| match spec.split_once('=') {
            Some((key, value)) if known.contains(&key) => match check(key, value) {
                Ok(()) => Ok((key.to_string(), value.to_string())),
                Err(why) => bail!("invalid filter {spec:?}: {why}"),
            },
            _ => bail!(
                "invalid filter {spec:?}: the filters here are {}",
                known.join(", ")
            ),
        })
        .collect()
}

/// Whether something passes all `filters`, `matches` telling one.
pub fn matches_all(filters: &[(String, String)], matches: impl Fn(&str, &str) -> bool) -> bool {
    filters.iter().all(|(key, _)| {
        let mut same = filters.iter().filter(|(k, _)| k == key);
        if key.starts_with("label") {
            same.all(|(k, v)| matches(k, v))
        } else {
            same.any(|(k, v)| matches(k, v))
        }
    })
}

/// `KEY` or `KEY=VALUE` against `labels`.
pub fn has_label(labels: &BTreeMap<String, String>, spec: &str) -> bool {
    match spec.split_once('=') {
        Some((key, value)) => labels.get(key).is_some_and(|v| v == value),
        None => labels.contains_key(spec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_keys_are_choices_but_labels_must_all_match() {
        let filters = parse(
            &[
                "name=a".into(),
                "name=b".into(),
                "label=x".into(),
                "label=y=1".into(),
            ],
            &["name", "label"],
            |_, _| Ok(()),
        )
        .unwrap();
        let labels: BTreeMap<String, String> =
            [("x".into(), String::new()), ("y".into(), "1".into())].into();
        let with = |name: &'static str, labels: &BTreeMap<String, String>| {
            matches_all(&filters, |key, value| match key {
                "name" => name == value,
                _ => has_label(labels, value),
            })
        };
        assert!(with("b", &labels));
        assert!(!with("c", &labels));
        assert!(!with("a", &BTreeMap::from([("x".into(), String::new())])));
        let err = parse(&["size=1".into()], &["name"], |_, _| Ok(())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid filter \"size=1\": the filters here are name"
        );
        let err = parse(&["name=".into()], &["name"], |_, _| Err("empty".into())).unwrap_err();
        assert_eq!(err.to_string(), "invalid filter \"name=\": empty");
    }
}
