//! A `--format` Go template with Docker's extras: the `table` prefix, `\t`
//! and `\n` escapes, Docker's functions, and a header row rendered from the
//! same template with pass-through functions.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use anyhow::anyhow;

use super::check::{go_parse_error, scan};
use super::convert::{KeyOrders, to_template_value};
use super::funcs::{DOCKER_FUNCS, GO_BUILTINS, docker_funcs, header_funcs};

/// A parsed `--format` template.
///
/// Parsing follows Docker's formatter: a leading `table` keyword is removed
/// and turns on the header row and column alignment, spaces around the rest
/// are trimmed, and the two-character escapes `\t` and `\n` become a tab and
/// a newline.
pub struct Template {
    source: String,
    table: bool,
    fields: Vec<String>,
    /// Boxed so `OutputFormat` stays small.
    compiled: Box<Compiled>,
    /// Key orders of the value being rendered, read by `json`.
    orders: Arc<Mutex<KeyOrders>>,
    /// Lets one order-keeping render at a time use `orders`.
    ordered_render: Mutex<()>,
}

/// The body parsed twice: once with Docker's functions for rows, once with
/// the pass-through functions for the header row.
struct Compiled {
    body: gotmpl::Template,
    header: gotmpl::Template,
}

impl Template {
    /// Parses a `--format` value. A bad template gives one line in Go's
    /// words, e.g. `template: :1: function "foo" not defined`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let (table, rest) = match text.strip_prefix("table") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let body_text = rest
            .trim_matches(' ')
            .replace("\\t", "\t")
            .replace("\\n", "\n");

        let known = |name: &str| GO_BUILTINS.contains(&name) || DOCKER_FUNCS.contains(&name);
        let refs = scan(&body_text, &known).map_err(|e| anyhow!(e))?;
        if let Some((line, name)) = refs.unknown_func {
            return Err(anyhow!(
                "template: :{line}: function \"{name}\" not defined"
            ));
        }

        let orders = Arc::new(Mutex::new(KeyOrders::new()));
        let body = gotmpl::Template::new("")
            .funcs(docker_funcs(orders.clone()))
            .parse(&body_text)
            .map_err(|e| anyhow!(go_parse_error(&e)))?;
        let header = gotmpl::Template::new("")
            .funcs(header_funcs())
            .parse(&body_text)
            .map_err(|e| anyhow!(go_parse_error(&e)))?;
        Ok(Template {
            source: text.to_string(),
            table,
            fields: refs.fields,
            compiled: Box::new(Compiled { body, header }),
            orders,
            ordered_render: Mutex::new(()),
        })
    }

    /// Whether the template began with `table`: print a header row and
    /// align columns.
    pub fn is_table(&self) -> bool {
        self.table
    }

    /// The text the template was parsed from, as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The top-level fields the template reads (`Repository` for
    /// `{{.Repository}}`), in order of first appearance.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Renders the template for one value. With `keep_key_order`, `json`
    /// prints objects in the value's own key order instead of sorted.
    pub(super) fn render(
        &self,
        data: &serde_json::Value,
        keep_key_order: bool,
    ) -> anyhow::Result<String> {
        // Orders are keyed by map addresses, which stay unique while `value`
        // lives; the table is emptied before `value` is dropped.
        let _serial = keep_key_order.then(|| {
            self.ordered_render
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        });
        let value = if keep_key_order {
            let mut orders = self.lock_orders();
            orders.clear();
            to_template_value(data, Some(&mut orders))
        } else {
            to_template_value(data, None)
        };
        let result = self.compiled.body.execute_to_string(&value);
        if keep_key_order {
            self.lock_orders().clear();
        }
        drop(value);
        result.map_err(|e| anyhow!(exec_error(&e)))
    }

    /// Renders the header row from field → header text. Like Docker, an
    /// error while rendering the header just ends the header there.
    pub(super) fn render_header(&self, headers: &BTreeMap<String, String>) -> String {
        let map: BTreeMap<String, gotmpl::Value> = headers
            .iter()
            .map(|(k, v)| (k.clone(), gotmpl::Value::from(v.as_str())))
            .collect();
        let mut out = String::new();
        let _ignored = self
            .compiled
            .header
            .execute_fmt(&mut out, &gotmpl::Value::from(map));
        out
    }

    fn lock_orders(&self) -> std::sync::MutexGuard<'_, KeyOrders> {
        self.orders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("source", &self.source)
            .field("table", &self.table)
            .finish()
    }
}

/// One line for a failure while executing, in the spirit of Go's
/// `template: :LINE:COL: executing "" at <...>: message` (gotmpl does not
/// report the position).
fn exec_error(err: &gotmpl::TemplateError) -> String {
    match err {
        gotmpl::TemplateError::Exec(message) => format!("template: executing \"\": {message}"),
        gotmpl::TemplateError::UndefinedFunction(name) => {
            format!("template: function \"{name}\" not defined")
        }
        other => format!("template: executing \"\": {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(t: &str, data: serde_json::Value) -> String {
        Template::parse(t).unwrap().render(&data, false).unwrap()
    }

    #[test]
    fn table_prefix_and_escapes() {
        let t = Template::parse("table {{.ID}}\\t{{.Tag}}\\n").unwrap();
        assert!(t.is_table());
        assert_eq!(t.fields(), ["ID", "Tag"]);
        assert_eq!(
            t.render(&json!({"ID": "a", "Tag": "b"}), false).unwrap(),
            "a\tb\n"
        );
        let plain = Template::parse("  {{.ID}} ").unwrap();
        assert!(!plain.is_table());
        assert_eq!(plain.render(&json!({"ID": "x"}), false).unwrap(), "x");
    }

    #[test]
    fn docker_functions_in_templates() {
        let row =
            json!({"Names": "web,db", "ID": "0123456789abcdef", "Image": "Alpine", "Empty": ""});
        assert_eq!(
            render("{{upper .Image}} {{lower .Image}}", row.clone()),
            "ALPINE alpine"
        );
        assert_eq!(
            render("{{truncate .ID 5}}|{{.ID | printf \"%.3s\"}}", row.clone()),
            "01234|012"
        );
        assert_eq!(
            render("{{join (split .Names \",\") \" + \"}}", row.clone()),
            "web + db"
        );
        assert_eq!(
            render("{{range split .Names \",\"}}[{{.}}]{{end}}", row.clone()),
            "[web][db]"
        );
        assert_eq!(
            render("{{pad .Image 2 1}}|{{pad .Empty 2 1}}|", row.clone()),
            "  Alpine ||"
        );
        assert_eq!(
            render("{{title \"hello world\"}}", row.clone()),
            "Hello World"
        );
        assert_eq!(render("{{println .Image}}", row.clone()), "Alpine\n");
        assert_eq!(render("{{json .Names}}", row), "\"web,db\"");
    }

    #[test]
    fn json_of_a_row_is_compact_and_sorted() {
        let row = json!({"Tag": "latest", "ID": "abc", "Size": "1MB", "Repository": "a&b"});
        assert_eq!(
            render("{{json .}}", row),
            r#"{"ID":"abc","Repository":"a&b","Size":"1MB","Tag":"latest"}"#
        );
    }

    #[test]
    fn missing_field_prints_no_value() {
        assert_eq!(
            render("{{.Nope}}|{{.ID}}", json!({"ID": "x"})),
            "<no value>|x"
        );
    }

    #[test]
    fn bad_templates_give_one_line_go_errors() {
        let err = Template::parse("{{foo .ID}}").unwrap_err().to_string();
        assert_eq!(err, "template: :1: function \"foo\" not defined");
        let err = Template::parse("table {{.ID}}\\n{{nope}}")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "template: :2: function \"nope\" not defined");
        let err = Template::parse("{{.ID").unwrap_err().to_string();
        assert_eq!(err, "template: :1: unclosed action");
        assert!(!err.contains('\n'));
    }

    #[test]
    fn execution_errors_are_one_line() {
        let t = Template::parse("{{.ID.Deeper}}").unwrap();
        let err = t
            .render(&json!({"ID": "x"}), false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "template: executing \"\": can't evaluate field Deeper in type string"
        );
    }

    #[test]
    fn header_uses_pass_through_functions() {
        let t =
            Template::parse("table {{truncate .ID 3}}\\t{{upper .Names}}\\t{{.Other}}").unwrap();
        let headers: BTreeMap<String, String> = [("ID", "CONTAINER ID"), ("Names", "NAMES")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(t.render_header(&headers), "CONTAINER ID\tNAMES\t<no value>");
    }

    #[test]
    fn keeps_nested_values_usable() {
        let v = json!({"State": {"Status": "running", "Pid": 42}, "Args": ["a", "b"]});
        assert_eq!(
            render(
                "{{.State.Status}} {{.State.Pid}} {{index .Args 1}} {{len .Args}}",
                v
            ),
            "running 42 b 2"
        );
    }
}
