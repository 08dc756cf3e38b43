//! JSON text written the way Go's `encoding/json` writes it, so `{{json .}}`
//! and `inspect` print byte-for-byte what Docker prints: Go's string escapes
//! (optionally HTML-safe `\u003c`), Go's float notation, and
//! `MarshalIndent`-style indentation.

use serde_json::{Number, Value};

/// How to lay out the JSON text.
#[derive(Clone, Copy, Debug)]
pub struct JsonStyle<'a> {
    /// Indentation per level; `None` writes compact JSON on one line.
    pub indent: Option<&'a str>,
    /// Escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` (Go's default
    /// for `json.Marshal`; Docker's `json` template function turns it off).
    pub escape_html: bool,
}

/// Compact, no HTML escaping: what Docker's `{{json .}}` prints.
pub const TEMPLATE_JSON: JsonStyle<'static> = JsonStyle {
    indent: None,
    escape_html: false,
};

/// Four-space indentation with HTML escaping: what `docker inspect` prints.
pub const INSPECT_JSON: JsonStyle<'static> = JsonStyle {
    indent: Some("    "),
    escape_html: true,
};

/// Appends `value` as JSON text to `out`. Object keys are written in the
/// map's own iteration order.
pub fn write_json(out: &mut String, value: &Value, style: JsonStyle<'_>) {
    write_value(out, value, style, 0);
}

/// Appends the values as one JSON array, as if `values` were a single
/// `Value::Array`.
pub fn write_json_array(out: &mut String, values: &[Value], style: JsonStyle<'_>) {
    write_array(out, values, style, 0);
}

fn write_value(out: &mut String, value: &Value, style: JsonStyle<'_>, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::Array(items) => write_array(out, items, style, depth),
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                write_string(out, key, style.escape_html);
                out.push(':');
                if style.indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, style, depth + 1);
            }
            newline(out, style, depth);
            out.push('}');
        }
    }
}

fn write_array(out: &mut String, items: &[Value], style: JsonStyle<'_>, depth: usize) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, style, depth + 1);
        write_value(out, item, style, depth + 1);
    }
    newline(out, style, depth);
    out.push(']');
}

fn newline(out: &mut String, style: JsonStyle<'_>, depth: usize) {
    if let Some(indent) = style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(f) = n.as_f64() {
        write_float(out, f);
    } else {
        out.push_str(&n.to_string());
    }
}

/// Go's float encoding: shortest digits, plain notation between 1e-6 and
/// 1e21, otherwise `1e+21` / `1e-7` style exponents.
pub fn write_float(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => {
                out.push_str(mantissa);
                out.push_str("e+");
                out.push_str(exp);
            }
            _ => out.push_str(&text),
        }
    } else {
        out.push_str(&f.to_string());
    }
}

/// Go's string escaping (Go 1.22 and later).
pub fn write_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compact(v: &Value) -> String {
        let mut s = String::new();
        write_json(&mut s, v, TEMPLATE_JSON);
        s
    }

    #[test]
    fn escapes_like_go() {
        let v = json!("a\"b\\c\n\t\r\u{8}\u{c}\u{1}<>&\u{2028}é");
        assert_eq!(compact(&v), r#""a\"b\\c\n\t\r\b\f\u0001<>&\u2028é""#);
        let mut s = String::new();
        write_json(&mut s, &json!("a && b > c"), INSPECT_JSON);
        assert_eq!(s, r#""a \u0026\u0026 b \u003e c""#);
    }

    #[test]
    fn floats_like_go() {
        let cases: &[(f64, &str)] = &[
            (3.0, "3"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (1e21, "1e+21"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123456789.0, "123456789"),
            (1e-10, "1e-10"),
        ];
        for (f, want) in cases {
            let mut s = String::new();
            write_float(&mut s, *f);
            assert_eq!(s, *want);
        }
    }

    #[test]
    fn indents_like_marshal_indent() {
        let v = json!({"Args": [], "Config": {}, "Id": "abc", "List": [1, {"A": null}]});
        let mut s = String::new();
        write_json(&mut s, &v, INSPECT_JSON);
        let want = "{\n    \"Args\": [],\n    \"Config\": {},\n    \"Id\": \"abc\",\n    \"List\": [\n        1,\n        {\n            \"A\": null\n        }\n    ]\n}";
        assert_eq!(s, want);
    }

    #[test]
    fn compact_has_no_spaces() {
        let v = json!({"A": -3, "B": [true, false]});
        assert_eq!(compact(&v), r#"{"A":-3,"B":[true,false]}"#);
    }
}
