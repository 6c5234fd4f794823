//! What an export writes, independent of the format: tables (a name, a geometry type and
//! typed attribute fields) and features (an id, a WGS 84 geometry and one value per
//! field). The layer readers produce them, the GeoJSON and GeoPackage writers consume
//! them. Calls nothing else.

use geo::Geometry;

/// The type of an attribute field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Integer,
    Real,
    Text,
    Boolean,
    /// A JSON array or object: native in GeoJSON, JSON text in a GeoPackage.
    Json,
}

/// One attribute field of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldType,
}

/// Shorthand for a field.
pub const fn field(name: &'static str, kind: FieldType) -> Field {
    Field { name, kind }
}

/// The geometry type of every feature of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    Point,
    MultiLineString,
    MultiPolygon,
}

impl GeometryType {
    /// The name GeoPackage (and OGC simple features) give it.
    pub fn sql_name(self) -> &'static str {
        match self {
            GeometryType::Point => "POINT",
            GeometryType::MultiLineString => "MULTILINESTRING",
            GeometryType::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

/// A table of features: a layer, or one of the two parts of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Table name in a GeoPackage, layer name of a GeoJSON file (`buildings`).
    pub name: String,
    /// What one feature is, for GeoJSON files that mix tables (`"layer": "building"`).
    pub feature: &'static str,
    /// A sentence for the GeoPackage's contents.
    pub description: String,
    pub geometry: GeometryType,
    pub fields: Vec<Field>,
}

/// One attribute value; `Null` for a missing one.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Boolean(bool),
    Json(serde_json::Value),
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Integer(v)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        v.map_or(Value::Null, Value::Integer)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Integer(v.into())
    }
}

impl From<Option<i32>> for Value {
    fn from(v: Option<i32>) -> Value {
        v.map_or(Value::Null, |v| Value::Integer(v.into()))
    }
}

impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::Real)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Boolean(v)
    }
}

/// A reference to a stored row in the form the importers resolve (`@ID`).
pub fn reference(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| Value::Text(format!("@{id}")))
}

/// One feature: the stored id (GeoJSON `id`, GeoPackage `fid`), its geometry in WGS 84
/// longitude/latitude, and one value per field of its table, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: i64,
    pub geometry: Geometry<f64>,
    pub values: Vec<Value>,
}
