//! GeoJSON import of one layer (districts, streets, communities, grids, buildings,
//! cameras, barriers, addresses) in any supported CRS: parses the file, takes its CRS
//! from `--crs` or its `crs` member, converts each geometry to WGS 84 and hands the
//! features to the shared [`LayerBuilder`](super::feature::LayerBuilder), which reads
//! properties by the aliases documented in the README.

use std::path::Path;

use geo::Geometry;
use serde_json::Value;

use super::feature::{choose_crs, source_name, Declared, Feature, LayerBuilder, Names};
use super::ImportError;
use crate::crs::{Crs, Transformer};

pub use super::feature::{Layer, SkippedFeature};

/// How to read a GeoJSON file.
#[derive(Debug, Clone)]
pub struct GeoJsonOptions {
    pub layer: Layer,
    /// CRS of the coordinates; `None` takes the file's `crs` member, else EPSG:4326.
    pub crs: Option<Crs>,
    /// Source name for upserts (default: the file stem).
    pub source: Option<String>,
    /// Skip unusable features (listed in the report) instead of failing the import.
    pub skip_invalid: bool,
}

/// Reads one layer into a dataset.
///
/// The file is parsed as JSON first (a syntax error names its line and column), then
/// each feature is read on its own, so a malformed feature names its index.
pub fn read_geojson(
    path: &Path,
    options: &GeoJsonOptions,
) -> Result<(crate::model::Dataset, Vec<SkippedFeature>), ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::io(path, e))?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty { path: path.into() });
    }
    let top: Value = serde_json::from_str(&text)
        .map_err(|e| ImportError::format(path, "GeoJSON", format!("not valid JSON: {e}")))?;
    let (features, declared) =
        top_level_features(&top).map_err(|reason| ImportError::format(path, "GeoJSON", reason))?;
    let declared = match declared {
        Some(name) => Some(Declared {
            crs: Crs::parse(name).map_err(|source| ImportError::Crs {
                path: path.into(),
                source,
            })?,
            by: "the file",
        }),
        None => None,
    };
    let crs = choose_crs(path, options.crs, declared)?;
    let transformer = Transformer::new(crs, Crs::Wgs84).map_err(|source| ImportError::Crs {
        path: path.into(),
        source,
    })?;
    let source = source_name(path, options.source.as_deref(), "geojson");
    let mut builder = LayerBuilder::new(
        path,
        options.layer,
        source,
        Names::Exact,
        options.skip_invalid,
    );
    for (index, feature) in features.iter().enumerate() {
        let members = feature.as_object();
        let properties = members
            .and_then(|m| m.get("properties"))
            .and_then(Value::as_object);
        let format_id = members.and_then(|m| m.get("id")).and_then(|id| match id {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let geometry = feature_geometry(feature).and_then(|mut geom| {
            transformer
                .convert_geometry(&mut geom)
                .map_err(|e| e.to_string())?;
            Ok(geom)
        });
        builder.add(Feature {
            place: format!("feature {index}"),
            format_id,
            default_id: format!("feature-{index}"),
            properties,
            geometry,
        })?;
    }
    Ok(builder.finish())
}

/// The features of the top-level object and the CRS name of its `crs` member, or why
/// the top level is not a FeatureCollection or a Feature.
fn top_level_features(top: &Value) -> Result<(&[Value], Option<&str>), String> {
    let Some(members) = top.as_object() else {
        return Err(format!(
            "the top level is {}, not a FeatureCollection or Feature object",
            json_kind(top)
        ));
    };
    match members.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            let features = match members.get("features") {
                Some(Value::Array(features)) => features.as_slice(),
                Some(other) => {
                    return Err(format!(
                        "the top level's \"features\" member is {}, not an array",
                        json_kind(other)
                    ))
                }
                None => {
                    return Err("the top level FeatureCollection has no \"features\" member".into())
                }
            };
            let declared = members
                .get("crs")
                .and_then(|c| c.pointer("/properties/name"))
                .and_then(Value::as_str);
            Ok((features, declared))
        }
        Some("Feature") => Ok((std::slice::from_ref(top), None)),
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
            | "GeometryCollection",
        ) => Err("a bare geometry has no properties: give a Feature or FeatureCollection".into()),
        Some(other) => Err(format!(
            "the top level has type \"{other}\", not FeatureCollection or Feature"
        )),
        None => Err("the top level object has no \"type\" member".into()),
    }
}

/// The geometry of one feature as a `geo` geometry, or why it has none.
fn feature_geometry(feature: &Value) -> Result<Geometry<f64>, String> {
    let Some(members) = feature.as_object() else {
        return Err(format!(
            "the feature is {}, not an object",
            json_kind(feature)
        ));
    };
    match members.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        Some(other) => return Err(format!("the feature has type \"{other}\", not \"Feature\"")),
        None => return Err("the feature has no \"type\" member".into()),
    }
    match members.get("properties") {
        None | Some(Value::Null | Value::Object(_)) => {}
        Some(other) => {
            return Err(format!(
                "its \"properties\" member is {}, not an object",
                json_kind(other)
            ))
        }
    }
    match members.get("geometry") {
        None | Some(Value::Null) => Err("the feature has no geometry".into()),
        Some(value) => geojson::Geometry::from_json_value(value.clone())
            .map_err(|e| format!("unusable geometry: {e}"))
            .and_then(|g| {
                Geometry::<f64>::try_from(g.value).map_err(|e| format!("unusable geometry: {e}"))
            }),
    }
}

/// What kind of JSON value this is, for error messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
