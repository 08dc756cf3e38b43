//! Prints lists of rows (`images`, `ps`, `volume ls`, `history` …) and
//! `inspect` results in Docker's layouts.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::Value;

use super::convert::{KeyOrders, to_json_value, to_template_value};
use super::json::{INSPECT_JSON, TEMPLATE_JSON, write_json, write_json_array};
use super::output::OutputFormat;
use super::tabwriter::{DOCKER_MIN_WIDTH, DOCKER_PADDING, align};
use super::template::Template;

/// Prints rows. Each row is a JSON object keyed by Docker's field names
/// (`ID`, `Repository`, `Tag`, `CreatedSince`, `Size`, `Names`, …).
///
/// `columns` are the command's default table as (field, header) pairs, and
/// also name the header of those fields in a custom `table` template; any
/// other field's header is its name split at case changes and upper-cased
/// (`CreatedAt` → `CREATED AT`). Nothing is written if rendering fails.
pub fn render_rows(
    out: &mut dyn Write,
    format: &OutputFormat,
    columns: &[(&str, &str)],
    rows: &[Value],
) -> anyhow::Result<()> {
    render_rows_with_headers(out, format, columns, &[], rows)
}

/// [`render_rows`] with headers for fields that are not default columns
/// (e.g. `("Digest", "DIGEST")`, `("CreatedAt", "CREATED AT")`).
pub fn render_rows_with_headers(
    out: &mut dyn Write,
    format: &OutputFormat,
    columns: &[(&str, &str)],
    headers: &[(&str, &str)],
    rows: &[Value],
) -> anyhow::Result<()> {
    let text = match format {
        OutputFormat::Json => json_lines(rows)?,
        OutputFormat::Table => {
            let template = Template::parse(&default_table(columns))?;
            table(&template, columns, headers, rows)?
        }
        OutputFormat::Template(template) if template.is_table() => {
            table(template, columns, headers, rows)?
        }
        OutputFormat::Template(template) => {
            let mut text = String::new();
            for row in rows {
                text.push_str(&template.render(row, false)?);
                text.push('\n');
            }
            text
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// For `inspect`: without a template, all values as one JSON array indented
/// by four spaces (`[]` when there are none), keys in the values' own order;
/// with a template, one line per value. A `table` prefix has no effect here.
pub fn render_inspect(
    out: &mut dyn Write,
    format: Option<&Template>,
    values: &[Value],
) -> anyhow::Result<()> {
    let mut text = String::new();
    match format {
        None => {
            write_json_array(&mut text, values, INSPECT_JSON);
            text.push('\n');
        }
        Some(template) => {
            for value in values {
                text.push_str(&template.render(value, true)?);
                text.push('\n');
            }
        }
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// `table {{.A}}\t{{.B}}…` for the default columns.
fn default_table(columns: &[(&str, &str)]) -> String {
    let cells: Vec<String> = columns
        .iter()
        .map(|(field, _)| format!("{{{{.{field}}}}}"))
        .collect();
    format!("table {}", cells.join("\t"))
}

/// One compact JSON object per row, keys sorted, like `{{json .}}`.
fn json_lines(rows: &[Value]) -> anyhow::Result<String> {
    let mut text = String::new();
    for row in rows {
        let sorted = to_json_value(&to_template_value(row, None), &KeyOrders::new())
            .map_err(|e| anyhow::anyhow!(e))?;
        write_json(&mut text, &sorted, TEMPLATE_JSON);
        text.push('\n');
    }
    Ok(text)
}

/// Header row, then one line per row, aligned like Docker's tabwriter.
fn table(
    template: &Template,
    columns: &[(&str, &str)],
    headers: &[(&str, &str)],
    rows: &[Value],
) -> anyhow::Result<String> {
    let mut header_map = BTreeMap::new();
    let fields = template
        .fields()
        .iter()
        .map(String::as_str)
        .chain(columns.iter().map(|(field, _)| *field));
    for field in fields {
        let header = headers
            .iter()
            .chain(columns)
            .find(|(name, _)| *name == field)
            .map(|(_, header)| header.to_string())
            .unwrap_or_else(|| header_for(field));
        header_map.insert(field.to_string(), header);
    }
    let mut text = template.render_header(&header_map);
    text.push('\n');
    for row in rows {
        text.push_str(&template.render(row, false)?);
        text.push('\n');
    }
    Ok(align(&text, DOCKER_MIN_WIDTH, DOCKER_PADDING))
}

/// A header for a field nobody named: words split at case changes,
/// upper-cased (`CreatedAt` → `CREATED AT`, `ID` → `ID`).
pub fn header_for(field: &str) -> String {
    let chars: Vec<char> = field.chars().collect();
    let mut out = String::with_capacity(field.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_is_lower)
            {
                out.push(' ');
            }
        }
        if c == '_' {
            out.push(' ');
        } else {
            out.extend(c.to_uppercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const IMAGE_COLUMNS: [(&str, &str); 5] = [
        ("Repository", "REPOSITORY"),
        ("Tag", "TAG"),
        ("ID", "IMAGE ID"),
        ("CreatedSince", "CREATED"),
        ("Size", "SIZE"),
    ];

    fn images() -> Vec<Value> {
        vec![
            json!({"Repository": "busybox", "Tag": "latest", "ID": "beae173ccac6",
                   "Digest": "<none>", "CreatedSince": "2 years ago", "CreatedAt": "2021-12-30 20:43:12 +0000 UTC", "Size": "1.24MB"}),
            json!({"Repository": "registry.local:5000/team/app", "Tag": "v1", "ID": "05455a08881e",
                   "Digest": "<none>", "CreatedSince": "5 weeks ago", "CreatedAt": "2024-01-27 00:00:00 +0000 UTC", "Size": "7.38MB"}),
        ]
    }

    fn rows_to_string(spec: Option<&str>, rows: &[Value]) -> String {
        let format = OutputFormat::parse(spec).unwrap();
        let mut out = Vec::new();
        render_rows(&mut out, &format, &IMAGE_COLUMNS, rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn default_table_matches_docker() {
        let want = "\
REPOSITORY                     TAG       IMAGE ID       CREATED       SIZE
busybox                        latest    beae173ccac6   2 years ago   1.24MB
registry.local:5000/team/app   v1        05455a08881e   5 weeks ago   7.38MB
";
        assert_eq!(rows_to_string(None, &images()), want);
        assert_eq!(rows_to_string(Some("table"), &images()), want);
    }

    #[test]
    fn empty_table_prints_the_header() {
        assert_eq!(
            rows_to_string(None, &[]),
            "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n"
        );
    }

    #[test]
    fn custom_table_uses_caller_headers_and_fallbacks() {
        let got = rows_to_string(
            Some("table {{.Repository}}\\t{{.Tag}}\\t{{.CreatedAt}}\\t{{.Digest}}"),
            &images(),
        );
        let want = "\
REPOSITORY                     TAG       CREATED AT                      DIGEST
busybox                        latest    2021-12-30 20:43:12 +0000 UTC   <none>
registry.local:5000/team/app   v1        2024-01-27 00:00:00 +0000 UTC   <none>
";
        assert_eq!(got, want);
    }

    #[test]
    fn extra_headers_name_other_fields() {
        let format = OutputFormat::parse(Some("table {{.ID}}\\t{{.Digest}}")).unwrap();
        let mut out = Vec::new();
        render_rows_with_headers(
            &mut out,
            &format,
            &IMAGE_COLUMNS,
            &[("Digest", "IMAGE DIGEST")],
            &images()[..1],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "IMAGE ID       IMAGE DIGEST\nbeae173ccac6   <none>\n"
        );
    }

    #[test]
    fn plain_template_has_no_header() {
        assert_eq!(
            rows_to_string(Some("{{.Repository}}:{{.Tag}}"), &images()),
            "busybox:latest\nregistry.local:5000/team/app:v1\n"
        );
        assert_eq!(
            rows_to_string(Some("{{.Repository}}\\t{{.Nope}}"), &images()[..1]),
            "busybox\t<no value>\n"
        );
    }

    #[test]
    fn json_is_one_sorted_object_per_line() {
        let rows = vec![
            json!({"Tag": "latest", "ID": "a1", "Repository": "x<y>"}),
            json!({"Tag": "v2", "ID": "b2", "Repository": "z"}),
        ];
        let want = "{\"ID\":\"a1\",\"Repository\":\"x<y>\",\"Tag\":\"latest\"}\n\
                    {\"ID\":\"b2\",\"Repository\":\"z\",\"Tag\":\"v2\"}\n";
        assert_eq!(rows_to_string(Some("json"), &rows), want);
        assert_eq!(rows_to_string(Some("{{json .}}"), &rows), want);
        assert_eq!(rows_to_string(Some("json"), &[]), "");
    }

    #[test]
    fn failing_template_writes_nothing() {
        let format = OutputFormat::parse(Some("{{.Repository.X}}")).unwrap();
        let mut out = Vec::new();
        assert!(render_rows(&mut out, &format, &IMAGE_COLUMNS, &images()).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn inspect_pretty_prints_with_four_spaces() {
        let values = vec![json!({"Id": "abc", "Cmd": ["sh", "-c", "a && b"], "Labels": {}})];
        let mut out = Vec::new();
        render_inspect(&mut out, None, &values).unwrap();
        let text = String::from_utf8(out).unwrap();
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reparsed, Value::Array(values));
        assert!(text.starts_with("[\n    {\n        \""));
        assert!(text.contains("\"Cmd\": [\n            \"sh\",\n            \"-c\",\n            \"a \\u0026\\u0026 b\"\n        ],"));
        assert!(text.contains("\"Labels\": {}"));
        assert!(text.ends_with("\n    }\n]\n"));

        let mut empty = Vec::new();
        render_inspect(&mut empty, None, &[]).unwrap();
        assert_eq!(empty, b"[]\n");
    }

    #[test]
    fn inspect_template_prints_a_line_per_value() {
        let values = vec![
            json!({"Id": "abc", "State": {"Pid": 7, "Running": true}}),
            json!({"Id": "def", "State": {"Pid": 0, "Running": false}}),
        ];
        let template = Template::parse("{{.Id}} {{.State.Running}} {{json .State}}").unwrap();
        let mut out = Vec::new();
        render_inspect(&mut out, Some(&template), &values).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "abc true {\"Pid\":7,\"Running\":true}\ndef false {\"Pid\":0,\"Running\":false}\n"
        );
    }

    /// Whether this build's `serde_json` keeps object keys in insertion
    /// order (its `preserve_order` feature).
    fn serde_json_preserves_order() -> bool {
        let mut probe = serde_json::Map::new();
        probe.insert("b".into(), Value::Null);
        probe.insert("a".into(), Value::Null);
        probe.keys().next().map(String::as_str) == Some("b")
    }

    #[test]
    fn inspect_keeps_the_callers_key_order_where_serde_json_does() {
        let values = vec![json!({"Id": "abc", "State": {"Status": "running", "Pid": 7}})];
        let template = Template::parse("{{json .State}}|{{json .}}").unwrap();
        let mut out = Vec::new();
        render_inspect(&mut out, Some(&template), &values).unwrap();
        let want = if serde_json_preserves_order() {
            "{\"Status\":\"running\",\"Pid\":7}|{\"Id\":\"abc\",\"State\":{\"Status\":\"running\",\"Pid\":7}}\n"
        } else {
            "{\"Pid\":7,\"Status\":\"running\"}|{\"Id\":\"abc\",\"State\":{\"Pid\":7,\"Status\":\"running\"}}\n"
        };
        assert_eq!(String::from_utf8(out).unwrap(), want);
        // Rows always print sorted keys, as Docker's `{{json .}}` does.
        assert_eq!(
            rows_to_string(Some("{{json .}}"), &[json!({"Tag": "t", "ID": "i"})]),
            "{\"ID\":\"i\",\"Tag\":\"t\"}\n"
        );
    }

    #[test]
    fn table_header_stops_where_docker_s_would() {
        // Docker's header `json` takes a string; given the whole header map
        // it fails and the header row ends there.
        let got = rows_to_string(Some("table {{.ID}}\\t{{json .}}"), &images()[..1]);
        assert_eq!(
            got,
            "IMAGE ID       \nbeae173ccac6   {\"CreatedAt\":\"2021-12-30 20:43:12 +0000 UTC\",\"CreatedSince\":\"2 years ago\",\"Digest\":\"<none>\",\"ID\":\"beae173ccac6\",\"Repository\":\"busybox\",\"Size\":\"1.24MB\",\"Tag\":\"latest\"}\n"
        );
    }

    #[test]
    fn fallback_headers() {
        assert_eq!(header_for("CreatedAt"), "CREATED AT");
        assert_eq!(header_for("ID"), "ID");
        assert_eq!(header_for("LocalVolumes"), "LOCAL VOLUMES");
        assert_eq!(header_for("HTTPPort"), "HTTP PORT");
        assert_eq!(header_for("size"), "SIZE");
        assert_eq!(header_for("Mount_point"), "MOUNT POINT");
    }
}
