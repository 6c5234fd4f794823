//! Imports: OpenStreetMap (PBF, XML), GeoJSON, Shapefile and GeoPackage layers, and
//! household / people registers (CSV in UTF-8 or GBK, XLSX).
//!
//! Readers turn a file into a [`Dataset`]; [`prepare`] validates it, assigns buildings to
//! communities and grids, estimates households and adds provisional grids; then the
//! [`store`](crate::store) writes it in one transaction, so a failed import changes
//! nothing. Readers may call [`crs`](crate::crs) and [`geometry`](crate::geometry); only
//! the functions here call the store.

pub mod encoding;
mod error;
pub mod estimate;
pub mod feature;
pub mod geojson;
pub mod gpkg;
pub mod osm;
pub mod prepare;
pub mod register;
pub mod shp;

use std::path::Path;

use serde::Serialize;

pub use error::ImportError;
pub use feature::{Layer, SkippedFeature};
use geojson::GeoJsonOptions;
use prepare::{PrepareOptions, PrepareReport, StoredContext};

use crate::model::{Dataset, RegionLevel};
use crate::store::{ImportSummary, Store};

/// What one import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub kind: String,
    pub path: String,
    pub prepared: PrepareReport,
    pub written: ImportSummary,
    /// Features left out, with the reason (OSM features that do not assemble into a
    /// valid geometry; GeoJSON features under `--skip-invalid`).
    pub skipped: Vec<SkippedFeature>,
}

/// The stored communities and published grids an import must fit into.
pub async fn stored_context(store: &Store) -> Result<StoredContext, ImportError> {
    Ok(StoredContext {
        communities: store.regions(Some(RegionLevel::Community), None).await?,
        grids: store.grids(None).await?,
    })
}

/// Prepares and writes a dataset read from `path` in one transaction.
pub async fn import_dataset(
    store: &Store,
    mut dataset: Dataset,
    kind: &str,
    path: &Path,
    options: &PrepareOptions,
    skipped: Vec<SkippedFeature>,
) -> Result<ImportReport, ImportError> {
    let context = stored_context(store).await?;
    let label = path.display().to_string();
    let prepared = prepare::prepare(&mut dataset, &context, options, &label)?;
    let written = store.write_dataset(&dataset, kind, &label).await?;
    Ok(ImportReport {
        kind: kind.to_string(),
        path: label,
        prepared,
        written,
        skipped,
    })
}

/// `wangge import osm FILE`.
pub async fn import_osm(
    store: &Store,
    path: &Path,
    osm_options: &osm::OsmOptions,
    options: &PrepareOptions,
) -> Result<ImportReport, ImportError> {
    let read = osm::read_osm(path, osm_options)?;
    let skipped = read
        .skipped
        .into_iter()
        .map(|s| SkippedFeature {
            place: s.osm_id,
            reason: s.reason,
        })
        .collect();
    let mut options = options.clone();
    if options.street_name.is_none() {
        options.street_name = path
            .file_stem()
            .map(|s| format!("{} 街道", s.to_string_lossy()));
    }
    import_dataset(store, read.dataset, "osm", path, &options, skipped).await
}

/// `wangge import geojson --layer LAYER FILE`.
pub async fn import_geojson(
    store: &Store,
    path: &Path,
    geojson_options: &GeoJsonOptions,
    options: &PrepareOptions,
) -> Result<ImportReport, ImportError> {
    let (dataset, skipped) = geojson::read_geojson(path, geojson_options)?;
    let kind = format!("geojson:{}", geojson_options.layer);
    import_dataset(store, dataset, &kind, path, options, skipped).await
}

/// `wangge import shapefile --layer LAYER FILE.shp`.
pub async fn import_shapefile(
    store: &Store,
    path: &Path,
    shapefile_options: &shp::ShapefileOptions,
    options: &PrepareOptions,
) -> Result<ImportReport, ImportError> {
    let (dataset, skipped) = shp::read_shapefile(path, shapefile_options)?;
    let kind = format!("shapefile:{}", shapefile_options.layer);
    import_dataset(store, dataset, &kind, path, options, skipped).await
}

/// `wangge import gpkg --layer LAYER FILE.gpkg`.
pub async fn import_gpkg(
    store: &Store,
    path: &Path,
    gpkg_options: &gpkg::GpkgOptions,
    options: &PrepareOptions,
) -> Result<ImportReport, ImportError> {
    let (dataset, skipped) = gpkg::read_gpkg(path, gpkg_options).await?;
    let kind = format!("gpkg:{}", gpkg_options.layer);
    import_dataset(store, dataset, &kind, path, options, skipped).await
}

/// `wangge import households FILE.csv`.
pub async fn import_households(store: &Store, path: &Path) -> Result<ImportReport, ImportError> {
    import_households_with(store, path, &register::RegisterOptions::default()).await
}

/// `wangge import households FILE.csv|FILE.xlsx [--encoding ENC] [--sheet NAME]`.
pub async fn import_households_with(
    store: &Store,
    path: &Path,
    register_options: &register::RegisterOptions,
) -> Result<ImportReport, ImportError> {
    let index = store.building_ids_by_source_id().await?;
    let dataset = register::read_households_with(path, &index, register_options)?;
    import_dataset(
        store,
        dataset,
        "households",
        path,
        &PrepareOptions::default(),
        vec![],
    )
    .await
}

/// `wangge import people FILE.csv`.
pub async fn import_people(store: &Store, path: &Path) -> Result<ImportReport, ImportError> {
    import_people_with(store, path, &register::RegisterOptions::default()).await
}

/// `wangge import people FILE.csv|FILE.xlsx [--encoding ENC] [--sheet NAME]`.
pub async fn import_people_with(
    store: &Store,
    path: &Path,
    register_options: &register::RegisterOptions,
) -> Result<ImportReport, ImportError> {
    let index = store.building_ids_by_source_id().await?;
    let dataset = register::read_people_with(path, &index, register_options)?;
    import_dataset(
        store,
        dataset,
        "people",
        path,
        &PrepareOptions::default(),
        vec![],
    )
    .await
}
