//! Typed access to a feature's properties by the first present alias, with the error
//! texts every vector format shares (`property "floors" is "x", not a number`).
//!
//! Formats differ only in how a property's name is matched ([`Names`]): GeoJSON exactly,
//! GeoPackage columns in any case, Shapefile (DBF) fields also by the 10-character name
//! GDAL and ArcGIS shorten a longer one to (`addr_housenumber` → `addr_house`, `name:zh`
//! → `name_zh`).

use std::str::FromStr;

use serde_json::{Map, Value};

/// How a property name is matched against an alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Exactly (GeoJSON, whose keys are case-sensitive).
    Exact,
    /// In any ASCII case (GeoPackage columns, which SQLite matches in any case).
    AnyCase,
    /// In any ASCII case, and an alias longer than a DBF field name (10 bytes) also by its
    /// shortened form: `:` written `_`, cut to 10 bytes, as GDAL's Shapefile driver does.
    Dbf,
}

/// The longest field name a DBF file holds.
const DBF_NAME_BYTES: usize = 10;

/// The DBF field name GDAL writes for a property `key`: `:` as `_`, cut to 10 bytes (at a
/// character boundary).
pub fn dbf_name(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars().map(|c| if c == ':' { '_' } else { c }) {
        if out.len() + c.len_utf8() > DBF_NAME_BYTES {
            break;
        }
        out.push(c);
    }
    out
}

/// A property as text: a non-blank string (trimmed) or a number.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Property access by the first present alias.
pub struct Props<'a> {
    map: Option<&'a Map<String, Value>>,
    names: Names,
}

impl<'a> Props<'a> {
    pub fn new(map: Option<&'a Map<String, Value>>, names: Names) -> Self {
        Props { map, names }
    }

    /// The value of property `key` (see [`Names`]).
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        let map = self.map?;
        if let Some(v) = map.get(key) {
            return Some(v);
        }
        match self.names {
            Names::Exact => None,
            Names::AnyCase => map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            Names::Dbf => {
                let short = dbf_name(key);
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key) || k.eq_ignore_ascii_case(&short))
                    .map(|(_, v)| v)
            }
        }
    }

    pub fn text(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.get(k).and_then(scalar))
    }

    /// `true` for a boolean true or the text `true`.
    pub fn flag(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| match self.get(k) {
            Some(Value::Bool(b)) => *b,
            Some(v) => scalar(v).as_deref() == Some("true"),
            None => false,
        })
    }

    pub fn number(&self, keys: &[&str]) -> Result<Option<f64>, String> {
        for k in keys {
            match self.get(k) {
                None | Some(Value::Null) => continue,
                Some(Value::Number(n)) => return Ok(n.as_f64()),
                Some(Value::String(s)) if s.trim().is_empty() => continue,
                Some(Value::String(s)) => {
                    let t = s.trim().trim_end_matches('m').trim();
                    return t
                        .parse::<f64>()
                        .map(Some)
                        .map_err(|_| format!("property {k:?} is {s:?}, not a number"));
                }
                Some(other) => return Err(format!("property {k:?} is {other}, not a number")),
            }
        }
        Ok(None)
    }

    pub fn integer(&self, keys: &[&str]) -> Result<Option<i32>, String> {
        match self.number(keys)? {
            Some(n) if n.fract() == 0.0 && n.abs() < i32::MAX as f64 => Ok(Some(n as i32)),
            Some(n) => Err(format!("property {:?} is {n}, not a whole number", keys[0])),
            None => Ok(None),
        }
    }

    pub fn required(&self, keys: &[&str]) -> Result<String, String> {
        self.text(keys)
            .ok_or_else(|| format!("missing property {:?}", keys[0]))
    }

    pub fn parsed<T: FromStr>(&self, keys: &[&str], allowed: &[&str]) -> Result<Option<T>, String> {
        match self.text(keys) {
            Some(v) => T::from_str(&v).map(Some).map_err(|_| {
                format!(
                    "property {:?} is {v:?}; expected one of {}",
                    keys[0],
                    allowed.join(", ")
                )
            }),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn dbf_names_are_laundered_and_cut_to_ten_bytes() {
        assert_eq!(dbf_name("addr_housenumber"), "addr_house");
        assert_eq!(dbf_name("addr:street"), "addr_stree");
        assert_eq!(dbf_name("name:zh"), "name_zh");
        assert_eq!(dbf_name("building:levels"), "building_l");
        // Chinese names are cut at a character boundary (3 bytes each in UTF-8).
        assert_eq!(dbf_name("区划代码区划代码"), "区划代");
    }

    #[test]
    fn names_match_by_the_mode() {
        let m = map(json!({"NAME": "甲", "addr_house": "12", "name_zh": "乙"}));
        let exact = Props::new(Some(&m), Names::Exact);
        assert_eq!(exact.text(&["name"]), None);
        let any = Props::new(Some(&m), Names::AnyCase);
        assert_eq!(any.text(&["name"]).as_deref(), Some("甲"));
        assert_eq!(any.text(&["addr_housenumber"]), None);
        let dbf = Props::new(Some(&m), Names::Dbf);
        assert_eq!(dbf.text(&["addr_housenumber"]).as_deref(), Some("12"));
        assert_eq!(dbf.text(&["name:zh"]).as_deref(), Some("乙"));
    }

    #[test]
    fn numbers_and_flags() {
        let m = map(json!({"h": "12 m", "f": 3.5, "b": true, "s": "true", "x": "many"}));
        let p = Props::new(Some(&m), Names::Exact);
        assert_eq!(p.number(&["h"]), Ok(Some(12.0)));
        assert!(p
            .integer(&["f"])
            .unwrap_err()
            .contains("not a whole number"));
        assert!(p
            .number(&["x"])
            .unwrap_err()
            .contains("\"many\", not a number"));
        assert!(p.flag(&["b"]) && p.flag(&["s"]) && !p.flag(&["h"]) && !p.flag(&["none"]));
    }
}
