//! The GeoJSON writer: one FeatureCollection (RFC 7946, WGS 84 longitude/latitude)
//! written incrementally, feature by feature with serde_json, to any `io::Write` (a file
//! or standard output), so that memory does not grow with the layer. The collection is
//! named after the layer (GDAL takes the name as the layer name); a file mixing tables (a
//! plan) tags each feature with `"layer"`. Calls only [`schema`](super::schema).

use std::io::{BufWriter, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::schema::{Feature, Table, Value};
use super::{ExportError, FeatureWriter};

/// A FeatureCollection being written.
pub struct GeoJsonWriter<W: Write> {
    out: BufWriter<W>,
    /// Where it goes, for messages.
    target: String,
    /// Whether features carry `"layer"`: their table's feature name.
    tag_layers: bool,
    first: bool,
}

impl<W: Write> GeoJsonWriter<W> {
    /// Starts a collection named `name` with extra top-level `members` (e.g. `plan`).
    pub fn new(
        out: W,
        target: &str,
        name: &str,
        members: &[(&str, serde_json::Value)],
        tag_layers: bool,
    ) -> Result<GeoJsonWriter<W>, ExportError> {
        let mut w = GeoJsonWriter {
            out: BufWriter::with_capacity(1 << 16, out),
            target: target.to_string(),
            tag_layers,
            first: true,
        };
        let mut head = format!(
            "{{\"type\":\"FeatureCollection\",\"name\":{}",
            serde_json::Value::from(name)
        );
        for (key, value) in members {
            head.push_str(&format!(",{}:{value}", serde_json::Value::from(*key)));
        }
        head.push_str(",\"features\":[");
        w.out
            .write_all(head.as_bytes())
            .map_err(|e| w.io_error(e))?;
        Ok(w)
    }

    fn io_error(&self, source: std::io::Error) -> ExportError {
        ExportError::Write {
            target: self.target.clone(),
            source,
        }
    }

    fn write_one(&mut self, table: &Table, feature: &Feature) -> Result<(), ExportError> {
        let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.out
            .write_all(separator)
            .map_err(|e| self.io_error(e))?;
        let json = FeatureJson {
            table,
            feature,
            tag: self.tag_layers,
        };
        serde_json::to_writer(&mut self.out, &json).map_err(|e| ExportError::Write {
            target: self.target.clone(),
            source: e.into(),
        })
    }

    /// Closes the collection and flushes; returns the underlying writer.
    pub fn close(mut self) -> Result<W, ExportError> {
        self.out
            .write_all(b"\n]}\n")
            .map_err(|e| self.io_error(e))?;
        let target = self.target.clone();
        self.out.into_inner().map_err(|e| ExportError::Write {
            target,
            source: e.into_error(),
        })
    }
}

impl<W: Write> FeatureWriter for GeoJsonWriter<W> {
    async fn begin_table(&mut self, _table: &Table) -> Result<(), ExportError> {
        Ok(())
    }

    async fn write_features(
        &mut self,
        table: &Table,
        features: &[Feature],
    ) -> Result<(), ExportError> {
        for f in features {
            self.write_one(table, f)?;
        }
        Ok(())
    }

    async fn end_table(&mut self, _table: &Table) -> Result<(), ExportError> {
        Ok(())
    }
}

/// A feature as a GeoJSON object: `type`, `id`, `properties`, `geometry`.
struct FeatureJson<'a> {
    table: &'a Table,
    feature: &'a Feature,
    tag: bool,
}

impl Serialize for FeatureJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(4))?;
        map.serialize_entry("type", "Feature")?;
        map.serialize_entry("id", &self.feature.id)?;
        map.serialize_entry(
            "properties",
            &Properties {
                table: self.table,
                feature: self.feature,
                tag: self.tag,
            },
        )?;
        map.serialize_entry("geometry", &geojson::Geometry::from(&self.feature.geometry))?;
        map.end()
    }
}

struct Properties<'a> {
    table: &'a Table,
    feature: &'a Feature,
    tag: bool,
}

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.table.fields.len() + usize::from(self.tag)))?;
        if self.tag {
            map.serialize_entry("layer", self.table.feature)?;
        }
        for (field, value) in self.table.fields.iter().zip(&self.feature.values) {
            map.serialize_entry(field.name, &ValueJson(value))?;
        }
        map.end()
    }
}

struct ValueJson<'a>(&'a Value);

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Integer(i) => s.serialize_i64(*i),
            Value::Real(r) => s.serialize_f64(*r),
            Value::Text(t) => s.serialize_str(t),
            Value::Boolean(b) => s.serialize_bool(*b),
            Value::Json(v) => v.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::schema::{field, FieldType, GeometryType};

    fn table() -> Table {
        Table {
            name: "cameras".into(),
            feature: "camera",
            description: String::new(),
            geometry: GeometryType::Point,
            fields: vec![
                field("name", FieldType::Text),
                field("range_m", FieldType::Real),
                field("units", FieldType::Json),
            ],
        }
    }

    fn feature(id: i64) -> Feature {
        Feature {
            id,
            geometry: geo::Geometry::Point(geo::Point::new(104.062_512_345_678_9, 30.5)),
            values: vec![
                Value::Text("东门".into()),
                Value::Null,
                Value::Json(serde_json::json!([{"unit": 1}])),
            ],
        }
    }

    async fn write(tag: bool, features: &[Feature]) -> serde_json::Value {
        let mut w = GeoJsonWriter::new(
            Vec::new(),
            "memory",
            "cameras",
            &[("plan", serde_json::json!({"id": 1}))],
            tag,
        )
        .unwrap();
        let t = table();
        w.write_features(&t, features).await.unwrap();
        let bytes = w.close().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn a_collection_is_valid_json_with_exact_coordinates() {
        let v = write(false, &[feature(1), feature(2)]).await;
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(v["name"], "cameras");
        assert_eq!(v["plan"]["id"], 1);
        let f = &v["features"][1];
        assert_eq!(f["id"], 2);
        assert_eq!(f["properties"]["name"], "东门");
        assert!(f["properties"]["range_m"].is_null());
        assert_eq!(f["properties"]["units"][0]["unit"], 1);
        assert!(f["properties"].get("layer").is_none());
        assert_eq!(
            f["geometry"]["coordinates"][0].as_f64(),
            Some(104.062_512_345_678_9)
        );
    }

    #[tokio::test]
    async fn mixed_tables_tag_their_features_and_empty_collections_close() {
        let v = write(true, &[feature(1)]).await;
        assert_eq!(v["features"][0]["properties"]["layer"], "camera");
        let empty = write(false, &[]).await;
        assert_eq!(empty["features"].as_array().map(Vec::len), Some(0));
    }
}
