//! GeoJSON import of one layer (districts, streets, communities, grids, buildings,
//! cameras, barriers, addresses) in any supported CRS: parses the file, takes its CRS
//! from `--crs` or its `crs` member, converts each geometry to WGS 84 and hands the
//! features to the shared [`LayerBuilder`](super::feature::LayerBuilder), which reads
//! properties by the aliases documented in the README.

use std::path::Path;
use std::str::FromStr;

use geo::Geometry;
use geojson::GeoJson;
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
pub fn read_geojson(
    path: &Path,
    options: &GeoJsonOptions,
) -> Result<(crate::model::Dataset, Vec<SkippedFeature>), ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::io(path, e))?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty { path: path.into() });
    }
    let parsed = GeoJson::from_str(&text)
        .map_err(|e| ImportError::format(path, "GeoJSON", e.to_string()))?;
    let (features, declared) = match parsed {
        GeoJson::FeatureCollection(fc) => {
            let declared = fc
                .foreign_members
                .as_ref()
                .and_then(|m| m.get("crs"))
                .and_then(|c| c.pointer("/properties/name"))
                .and_then(Value::as_str)
                .map(str::to_string);
            (fc.features, declared)
        }
        GeoJson::Feature(f) => (vec![f], None),
        GeoJson::Geometry(_) => {
            return Err(ImportError::format(
                path,
                "GeoJSON",
                "a bare geometry has no properties: give a Feature or FeatureCollection",
            ))
        }
    };
    let declared = match declared {
        Some(name) => Some(Declared {
            crs: Crs::parse(&name).map_err(|source| ImportError::Crs {
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
        let geometry = match &feature.geometry {
            None => Err("the feature has no geometry".to_string()),
            Some(g) => Geometry::<f64>::try_from(g.value.clone())
                .map_err(|e| format!("unusable geometry: {e}"))
                .and_then(|mut geom| {
                    transformer
                        .convert_geometry(&mut geom)
                        .map_err(|e| e.to_string())?;
                    Ok(geom)
                }),
        };
        builder.add(Feature {
            place: format!("feature {index}"),
            format_id: feature.id.as_ref().map(|id| match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            }),
            default_id: format!("feature-{index}"),
            properties: feature.properties.as_ref(),
            geometry,
        })?;
    }
    Ok(builder.finish())
}
