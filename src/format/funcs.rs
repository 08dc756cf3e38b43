//! The template functions Docker adds to Go's built-ins (`json`, `join`,
//! `split`, `lower`, `upper`, `title`, `truncate`, `pad`), and the
//! pass-through versions Docker uses while printing a table's header row.

use std::sync::{Arc, Mutex};

use gotmpl::{FuncMap, TemplateError, Value, ValueFunc};

use super::convert::{KeyOrders, to_json_value};
use super::json::{TEMPLATE_JSON, write_json};

/// Names of the functions this module adds.
pub const DOCKER_FUNCS: [&str; 8] = [
    "json", "join", "split", "lower", "upper", "title", "truncate", "pad",
];

/// Go's own template built-ins, as gotmpl provides them.
pub const GO_BUILTINS: [&str; 19] = [
    "and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or",
    "print", "printf", "println", "slice", "urlquery",
];

type FuncResult = gotmpl::Result<Value>;

fn insert(
    map: &mut FuncMap,
    name: &str,
    f: impl Fn(&[Value]) -> FuncResult + Send + Sync + 'static,
) {
    let f: ValueFunc = Arc::new(f);
    map.insert(name.to_string(), f);
}

fn want_args(name: &str, args: &[Value], expected: usize) -> gotmpl::Result<()> {
    if args.len() == expected {
        Ok(())
    } else {
        Err(TemplateError::ArgCount {
            name: name.to_string(),
            expected,
            got: args.len(),
        })
    }
}

/// A string argument. Non-strings are printed as Go's `%v` would; a
/// missing value is the empty string.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Nil => String::new(),
        other => other.to_string(),
    }
}

/// A non-negative count argument (`truncate`, `pad`).
fn count(name: &str, value: &Value) -> gotmpl::Result<usize> {
    let n = match value {
        Value::Int(i) => *i,
        Value::Uint(u) => i64::try_from(*u).unwrap_or(i64::MAX),
        Value::Float(f) if f.fract() == 0.0 => *f as i64,
        other => {
            return Err(TemplateError::Exec(format!(
                "{name}: wrong type for value; expected int; got {}",
                other.type_name()
            )));
        }
    };
    usize::try_from(n).map_err(|_| TemplateError::Exec(format!("{name}: negative count {n}")))
}

fn string(s: impl Into<Arc<str>>) -> Value {
    Value::String(s.into())
}

/// Go's `strings.Title`: upper-cases every letter that follows a separator.
fn title_case(s: &str) -> String {
    fn is_separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphanumeric() {
            return false;
        }
        c.is_whitespace()
    }
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        if is_separator(prev) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Go's `strings.Split`: an empty separator splits into characters.
fn split(s: &str, sep: &str) -> Vec<Value> {
    if sep.is_empty() {
        s.chars().map(|c| string(c.to_string())).collect()
    } else {
        s.split(sep).map(string).collect()
    }
}

fn join(list: &Value, sep: &str) -> String {
    match list {
        Value::List(items) => items.iter().map(text).collect::<Vec<_>>().join(sep),
        other => text(other),
    }
}

/// Docker's functions for rendering rows. `json` reads key orders recorded
/// for the value being rendered (see [`super::convert`]).
pub fn docker_funcs(orders: Arc<Mutex<KeyOrders>>) -> FuncMap {
    let mut map = FuncMap::new();
    insert(&mut map, "json", move |args| {
        want_args("json", args, 1)?;
        let orders = orders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let value = to_json_value(&args[0], &orders).map_err(TemplateError::Exec)?;
        let mut out = String::new();
        write_json(&mut out, &value, TEMPLATE_JSON);
        Ok(string(out))
    });
    insert(&mut map, "split", |args| {
        want_args("split", args, 2)?;
        Ok(Value::List(split(&text(&args[0]), &text(&args[1])).into()))
    });
    insert(&mut map, "join", |args| {
        want_args("join", args, 2)?;
        Ok(string(join(&args[0], &text(&args[1]))))
    });
    insert(&mut map, "title", |args| {
        want_args("title", args, 1)?;
        Ok(string(title_case(&text(&args[0]))))
    });
    insert(&mut map, "lower", |args| {
        want_args("lower", args, 1)?;
        Ok(string(text(&args[0]).to_lowercase()))
    });
    insert(&mut map, "upper", |args| {
        want_args("upper", args, 1)?;
        Ok(string(text(&args[0]).to_uppercase()))
    });
    insert(&mut map, "truncate", |args| {
        want_args("truncate", args, 2)?;
        let s = text(&args[0]);
        let n = count("truncate", &args[1])?;
        Ok(string(s.chars().take(n).collect::<String>()))
    });
    insert(&mut map, "pad", |args| {
        want_args("pad", args, 3)?;
        let s = text(&args[0]);
        let before = count("pad", &args[1])?;
        let after = count("pad", &args[2])?;
        if s.is_empty() {
            return Ok(string(s));
        }
        Ok(string(format!(
            "{}{s}{}",
            " ".repeat(before),
            " ".repeat(after)
        )))
    });
    map
}

/// Docker's header functions: each returns its first argument, so
/// `table {{.ID | truncate 5}}` still prints the header `IMAGE ID`.
pub fn header_funcs() -> FuncMap {
    let mut map = FuncMap::new();
    for (name, arity) in [
        ("json", 1),
        ("split", 2),
        ("join", 2),
        ("title", 1),
        ("lower", 1),
        ("upper", 1),
        ("truncate", 2),
        ("pad", 3),
    ] {
        insert(&mut map, name, move |args| {
            want_args(name, args, arity)?;
            match &args[0] {
                Value::String(s) => Ok(Value::String(s.clone())),
                other => Err(TemplateError::Exec(format!(
                    "{name}: wrong type for value; expected string; got {}",
                    other.type_name()
                ))),
            }
        });
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(map: &FuncMap, name: &str, args: &[Value]) -> gotmpl::Result<Value> {
        map[name](args)
    }

    fn s(v: &str) -> Value {
        string(v)
    }

    fn funcs() -> FuncMap {
        docker_funcs(Arc::new(Mutex::new(KeyOrders::new())))
    }

    #[test]
    fn string_functions() {
        let f = funcs();
        assert_eq!(call(&f, "upper", &[s("abc")]).unwrap(), s("ABC"));
        assert_eq!(call(&f, "lower", &[s("AbC")]).unwrap(), s("abc"));
        assert_eq!(
            call(&f, "title", &[s("hello wORLD foo_bar a-b")]).unwrap(),
            s("Hello WORLD Foo_bar A-B")
        );
        assert_eq!(
            call(&f, "truncate", &[s("abcdef"), Value::Int(3)]).unwrap(),
            s("abc")
        );
        assert_eq!(
            call(&f, "truncate", &[s("ab"), Value::Int(3)]).unwrap(),
            s("ab")
        );
        assert_eq!(
            call(&f, "pad", &[s("x"), Value::Int(1), Value::Int(2)]).unwrap(),
            s(" x  ")
        );
        assert_eq!(
            call(&f, "pad", &[s(""), Value::Int(1), Value::Int(2)]).unwrap(),
            s("")
        );
        assert!(call(&f, "truncate", &[s("x"), Value::Int(-1)]).is_err());
        assert!(call(&f, "upper", &[]).is_err());
    }

    #[test]
    fn split_and_join() {
        let f = funcs();
        let list = call(&f, "split", &[s("a,b,,c"), s(",")]).unwrap();
        assert_eq!(
            list,
            Value::List(vec![s("a"), s("b"), s(""), s("c")].into())
        );
        assert_eq!(call(&f, "join", &[list, s("|")]).unwrap(), s("a|b||c"));
        let chars = call(&f, "split", &[s("ab"), s("")]).unwrap();
        assert_eq!(chars, Value::List(vec![s("a"), s("b")].into()));
        assert_eq!(
            call(&f, "split", &[s(""), s(",")]).unwrap(),
            Value::List(vec![s("")].into())
        );
    }

    #[test]
    fn json_function() {
        let f = funcs();
        assert_eq!(call(&f, "json", &[s("a<b")]).unwrap(), s("\"a<b\""));
        assert_eq!(call(&f, "json", &[Value::Nil]).unwrap(), s("null"));
        let list = Value::List(vec![Value::Int(1), Value::Bool(true)].into());
        assert_eq!(call(&f, "json", &[list]).unwrap(), s("[1,true]"));
    }

    #[test]
    fn header_functions_pass_through() {
        let f = header_funcs();
        assert_eq!(call(&f, "upper", &[s("IMAGE ID")]).unwrap(), s("IMAGE ID"));
        assert_eq!(
            call(&f, "truncate", &[s("NAMES"), Value::Int(2)]).unwrap(),
            s("NAMES")
        );
        assert!(call(&f, "json", &[Value::Int(1)]).is_err());
    }
}
