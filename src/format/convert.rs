//! Moves data between `serde_json::Value` (what rpod's commands build) and
//! `gotmpl::Value` (what templates walk), optionally remembering each
//! object's key order so `{{json .Config}}` in `inspect` can print keys in
//! the order the caller built them, as Docker prints struct fields.
//!
//! Template maps are always sorted; an object's original order is recorded
//! under the address of its shared map, which templates only ever clone.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use gotmpl::Value as TValue;
use serde_json::Value as JValue;

/// Key order of the objects converted for one render, keyed by the address
/// of the template map they became. Empty when nothing asked to keep order.
pub type KeyOrders = HashMap<usize, Vec<Arc<str>>>;

fn map_key(map: &Arc<BTreeMap<Arc<str>, TValue>>) -> usize {
    Arc::as_ptr(map) as *const () as usize
}

/// Converts a JSON value into template data. With `orders`, objects whose
/// key order is not already sorted get their order recorded there.
pub fn to_template_value(value: &JValue, mut orders: Option<&mut KeyOrders>) -> TValue {
    match value {
        JValue::Null => TValue::Nil,
        JValue::Bool(b) => TValue::Bool(*b),
        JValue::Number(n) => {
            if let Some(u) = n.as_u64() {
                TValue::Uint(u)
            } else if let Some(i) = n.as_i64() {
                TValue::Int(i)
            } else {
                TValue::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        JValue::String(s) => TValue::String(Arc::from(s.as_str())),
        JValue::Array(items) => TValue::List(
            items
                .iter()
                .map(|item| to_template_value(item, orders.as_deref_mut()))
                .collect::<Vec<_>>()
                .into(),
        ),
        JValue::Object(object) => {
            let mut keys: Vec<Arc<str>> = Vec::with_capacity(object.len());
            let mut map = BTreeMap::new();
            for (key, item) in object {
                let key: Arc<str> = Arc::from(key.as_str());
                keys.push(key.clone());
                map.insert(key, to_template_value(item, orders.as_deref_mut()));
            }
            let map = Arc::new(map);
            if let Some(orders) = orders
                && !keys.is_sorted()
            {
                orders.insert(map_key(&map), keys);
            }
            TValue::Map(map)
        }
    }
}

/// Converts template data back to JSON for the `json` function. Maps use the
/// order recorded in `orders` when there is one, sorted order otherwise
/// (Go's `json.Marshal` sorts map keys too).
pub fn to_json_value(value: &TValue, orders: &KeyOrders) -> Result<JValue, String> {
    Ok(match value {
        TValue::Nil => JValue::Null,
        TValue::Bool(b) => JValue::Bool(*b),
        TValue::Int(i) => JValue::from(*i),
        TValue::Uint(u) => JValue::from(*u),
        TValue::Float(f) => JValue::Number(
            serde_json::Number::from_f64(*f)
                .ok_or_else(|| format!("json: unsupported value: {f}"))?,
        ),
        TValue::String(s) => JValue::String(s.to_string()),
        TValue::List(items) => JValue::Array(
            items
                .iter()
                .map(|item| to_json_value(item, orders))
                .collect::<Result<_, _>>()?,
        ),
        TValue::Map(map) => {
            let mut object = serde_json::Map::new();
            let recorded = orders
                .get(&map_key(map))
                .filter(|keys| keys.len() == map.len());
            match recorded {
                Some(keys) => {
                    for key in keys {
                        let item = map.get(key).ok_or("json: key order out of date")?;
                        object.insert(key.to_string(), to_json_value(item, orders)?);
                    }
                }
                None => {
                    for (key, item) in map.iter() {
                        object.insert(key.to_string(), to_json_value(item, orders)?);
                    }
                }
            }
            JValue::Object(object)
        }
        TValue::Function(_) => return Err("json: unsupported type: func".to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_keeps_values() {
        let v = json!({"A": 1, "B": -2, "C": 1.5, "D": "x", "E": null, "F": [true], "G": {}});
        let t = to_template_value(&v, None);
        assert_eq!(to_json_value(&t, &KeyOrders::new()).unwrap(), v);
    }

    #[test]
    fn numbers_keep_their_kind() {
        assert_eq!(to_template_value(&json!(7), None), TValue::Uint(7));
        assert_eq!(to_template_value(&json!(-7), None), TValue::Int(-7));
        assert_eq!(to_template_value(&json!(0.5), None), TValue::Float(0.5));
    }

    fn keys_of(v: &JValue) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn recorded_order_is_used_for_the_same_map() {
        let mut map = BTreeMap::new();
        map.insert(Arc::from("a"), TValue::Uint(1));
        map.insert(Arc::from("b"), TValue::Uint(2));
        let map = Arc::new(map);
        let mut orders = KeyOrders::new();
        orders.insert(map_key(&map), vec![Arc::from("b"), Arc::from("a")]);
        let value = TValue::Map(map);
        let ordered = to_json_value(&value, &orders).unwrap();
        // serde_json objects keep insertion order only with its
        // `preserve_order` feature; otherwise they sort again.
        let mut probe = serde_json::Map::new();
        probe.insert("b".into(), JValue::Null);
        probe.insert("a".into(), JValue::Null);
        let preserves = probe.keys().next().map(String::as_str) == Some("b");
        let want = if preserves { ["b", "a"] } else { ["a", "b"] };
        assert_eq!(keys_of(&ordered), want);
        let unordered = to_json_value(&value, &KeyOrders::new()).unwrap();
        assert_eq!(keys_of(&unordered), ["a", "b"]);
    }
}
