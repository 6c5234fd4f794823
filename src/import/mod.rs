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

use crate::model::Dataset;
use crate::store::{BuildingFilter, ImportSummary, Store};

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
    /// Features imported after a geometry repair, with what was repaired (OSM
    /// multipolygons whose outer rings touch on a line, unioned).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repaired: Vec<SkippedFeature>,
}

/// What is stored and matters to `dataset`: every region and published grid, the
/// stored buildings it may move or match, and the stored buildings it names.
pub async fn stored_context(
    store: &Store,
    dataset: &mut Dataset,
    label: &str,
) -> Result<StoredContext, ImportError> {
    let mut context = StoredContext {
        regions: store.regions(None, None).await?,
        grids: store.grids(None).await?,
        ..Default::default()
    };
    let named = prepare::building_references(dataset);
    if !named.is_empty() {
        context.building_ids = store.buildings_by_source_id(&named).await?;
    }
    prepare::resolve(dataset, &context, label)?;
    let mut seen = std::collections::HashSet::new();
    for community in prepare::communities_to_load(dataset, &context) {
        let filter = BuildingFilter {
            community: Some(community),
            ..Default::default()
        };
        for b in store.buildings(&filter).await? {
            if seen.insert(b.id) {
                context.buildings.push(b);
            }
        }
    }
    if let Some(envelope) = prepare::address_envelope(dataset) {
        let filter = BuildingFilter {
            bbox: Some(envelope),
            ..Default::default()
        };
        for b in store.buildings(&filter).await? {
            if seen.insert(b.id) {
                context.buildings.push(b);
            }
        }
    }
    Ok(context)
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
    let label = path.display().to_string();
    let context = stored_context(store, &mut dataset, &label).await?;
    let prepared = prepare::prepare(&mut dataset, &context, options, &label)?;
    let written = store.write_dataset(&dataset, kind, &label).await?;
    Ok(ImportReport {
        kind: kind.to_string(),
        path: label,
        prepared,
        written,
        skipped,
        repaired: Vec::new(),
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
    let listed = |list: Vec<osm::Skipped>| -> Vec<SkippedFeature> {
        list.into_iter()
            .map(|s| SkippedFeature {
                place: s.osm_id,
                reason: s.reason,
            })
            .collect()
    };
    let skipped = listed(read.skipped);
    let repaired = listed(read.repaired);
    let mut options = options.clone();
    if options.street_name.is_none() {
        options.street_name = path
            .file_stem()
            .map(|s| format!("{} 街道", s.to_string_lossy()));
    }
    let mut report = import_dataset(store, read.dataset, "osm", path, &options, skipped).await?;
    report.repaired = repaired;
    Ok(report)
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
