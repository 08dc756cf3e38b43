//! What a `--format` value asks for: Docker's default table, JSON lines,
//! or a Go template.

use super::template::Template;

/// What a `--format` value asks for.
#[derive(Debug)]
pub enum OutputFormat {
    /// No `--format`, an empty one, or exactly `table`: the command's
    /// default columns as an aligned table with a header row.
    Table,
    /// `json`: every row as one compact JSON object per line, keys sorted,
    /// the same as `{{json .}}` (Docker's behaviour for `ps` and `images`;
    /// Podman prints one JSON array instead).
    Json,
    /// Any other value: a Go template, with or without the `table` prefix.
    Template(Template),
}

impl OutputFormat {
    /// Reads a `--format` value.
    pub fn parse(spec: Option<&str>) -> anyhow::Result<Self> {
        match spec {
            None | Some("") | Some("table") => Ok(OutputFormat::Table),
            Some("json") => Ok(OutputFormat::Json),
            Some(text) => Ok(OutputFormat::Template(Template::parse(text)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_keywords() {
        assert!(matches!(
            OutputFormat::parse(None).unwrap(),
            OutputFormat::Table
        ));
        assert!(matches!(
            OutputFormat::parse(Some("")).unwrap(),
            OutputFormat::Table
        ));
        assert!(matches!(
            OutputFormat::parse(Some("table")).unwrap(),
            OutputFormat::Table
        ));
        assert!(matches!(
            OutputFormat::parse(Some("json")).unwrap(),
            OutputFormat::Json
        ));
        match OutputFormat::parse(Some("table {{.ID}}")).unwrap() {
            OutputFormat::Template(t) => assert!(t.is_table()),
            other => panic!("unexpected {other:?}"),
        }
        match OutputFormat::parse(Some("{{.ID}}")).unwrap() {
            OutputFormat::Template(t) => assert!(!t.is_table()),
            other => panic!("unexpected {other:?}"),
        }
        assert!(OutputFormat::parse(Some("{{bad}}")).is_err());
    }
}
