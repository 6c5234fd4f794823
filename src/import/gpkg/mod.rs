//! GeoPackage import of one feature table: the file opened read-only with the project's
//! SQLite (sqlx), checked to be a GeoPackage (`application_id` GPKG and a
//! `gpkg_contents` table), the table chosen among its feature tables (`--table` when
//! there are several), its geometry column from `gpkg_geometry_columns`, its CRS from
//! `gpkg_spatial_ref_sys` (organisation EPSG and its code, else the WKT definition through
//! [`crs::wkt`](crate::crs::wkt)), geometry blobs decoded ([`blob`]) and every other
//! column a property. Rows go to the shared [`LayerBuilder`](super::feature::LayerBuilder);
//! errors name the file, the table and the row's fid.

mod blob;
mod tables;

use std::path::Path;

use serde_json::Map;

use super::feature::{
    choose_declared_crs, source_name, Feature, Layer, LayerBuilder, Names, SkippedFeature,
};
use super::ImportError;
use crate::crs::{Crs, Transformer};
use crate::model::Dataset;

/// How to read a GeoPackage.
#[derive(Debug, Clone)]
pub struct GpkgOptions {
    pub layer: Layer,
    /// The feature table; required when the file holds more than one.
    pub table: Option<String>,
    /// CRS of the coordinates; `None` takes the table's spatial reference system.
    pub crs: Option<Crs>,
    /// Source name for upserts (default: the file stem).
    pub source: Option<String>,
    /// Skip unusable features (listed in the report) instead of failing the import.
    pub skip_invalid: bool,
}

/// Reads one feature table of a GeoPackage into a dataset.
pub async fn read_gpkg(
    path: &Path,
    options: &GpkgOptions,
) -> Result<(Dataset, Vec<SkippedFeature>), ImportError> {
    let read = tables::read(path, options.table.as_deref()).await?;
    let table = &read.table;
    let crs = choose_declared_crs(
        path,
        options.crs,
        read.declared.clone(),
        "its spatial reference system",
        path,
    )?;
    let transformer = Transformer::new(crs, Crs::Wgs84).map_err(|source| ImportError::Crs {
        path: path.into(),
        source,
    })?;
    let source = source_name(path, options.source.as_deref(), "gpkg");
    let mut builder = LayerBuilder::new(
        path,
        options.layer,
        source,
        Names::AnyCase,
        options.skip_invalid,
    );
    for row in read.rows {
        let place = format!("table {table:?}, fid {}", row.fid);
        let mut properties = Map::new();
        for (name, value) in read.columns.iter().zip(row.values) {
            properties.insert(name.clone(), value);
        }
        let geometry = match &row.geometry {
            None => Err("the feature has no geometry".to_string()),
            Some(bytes) => blob::split(bytes).and_then(|b| {
                if b.srs_id != read.srs_id && !b.empty && b.srs_id > 0 {
                    return Err(format!(
                        "the geometry's srs_id {} is not its column's ({})",
                        b.srs_id, read.srs_id
                    ));
                }
                let mut g = blob::geometry(&b)?;
                transformer
                    .convert_geometry(&mut g)
                    .map_err(|e| e.to_string())?;
                Ok(g)
            }),
        };
        builder.add(Feature {
            place,
            format_id: Some(row.fid.to_string()),
            default_id: format!("fid-{}", row.fid),
            properties: Some(&properties),
            geometry,
        })?;
    }
    Ok(builder.finish())
}
