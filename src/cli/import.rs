//! `wangge import osm | geojson | households | people`: each import is one transaction,
//! and re-running it updates rows by source id.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use wangge::crs::Crs;
use wangge::import::estimate::{EstimateParams, DEFAULT_DWELLING_M2};
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::osm::{CommunitySource, OsmOptions};
use wangge::import::prepare::{CoverageMode, PrepareOptions};
use wangge::import::{self, ImportError, ImportReport};
use wangge::store::Store;

use super::{audit_cli, chain, print_json};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// OpenStreetMap .osm.pbf or .osm (XML).
    Osm {
        file: PathBuf,
        /// Which areas are communities: residential (landuse=residential), city_block
        /// (place=city_block) or admin_level=N (boundary=administrative).
        #[arg(long, default_value = "residential")]
        communities: CommunitySource,
        #[command(flatten)]
        common: Common,
    },
    /// One GeoJSON layer.
    Geojson {
        /// districts, streets, communities, grids, buildings, cameras, barriers or addresses.
        #[arg(long)]
        layer: Layer,
        file: PathBuf,
        /// CRS of the coordinates: 4326, 4490, 3857, 4513–4554 (CGCS2000 Gauss–Krüger), gcj02, bd09.
        /// Default: the file's "crs" member, else EPSG:4326.
        #[arg(long)]
        crs: Option<String>,
        /// Source name used to match features on re-import (default: the file stem).
        #[arg(long)]
        source: Option<String>,
        /// Skip unusable features (listed in the report) instead of failing.
        #[arg(long)]
        skip_invalid: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Household register CSV (see README for columns).
    Households { file: PathBuf },
    /// People register CSV (see README for columns).
    People { file: PathBuf },
}

/// Options every map import takes.
#[derive(Args)]
pub struct Common {
    /// Name of the street created for communities without one (default: from the file name).
    #[arg(long)]
    street: Option<String>,
    /// Mean gross floor area of one dwelling in m², for household estimates.
    #[arg(long, default_value_t = DEFAULT_DWELLING_M2)]
    dwelling_m2: f64,
    /// Grids that do not tile their community (overlaps, parts outside it, gaps, above
    /// 1 m²): `refuse` the import and list them, or `list` them and import anyway.
    #[arg(long, default_value = "refuse")]
    coverage: CoverageMode,
    /// Print the full import report as JSON.
    #[arg(long)]
    json: bool,
}

impl Common {
    fn prepare_options(&self) -> PrepareOptions {
        PrepareOptions {
            street_name: self.street.clone(),
            estimate: EstimateParams {
                dwelling_m2: self.dwelling_m2,
            },
            coverage: self.coverage,
        }
    }
}

pub async fn run(store: &Store, cmd: ImportCommand) -> Result<(), String> {
    let (report, json) = import(store, cmd).await.map_err(|e| chain(&e))?;
    audit_cli(
        store,
        &format!("import.{}", report.kind),
        &report.path,
        serde_json::to_string(&report.written).unwrap_or_default(),
    )
    .await?;
    print_report(&report, json);
    Ok(())
}

async fn import(store: &Store, cmd: ImportCommand) -> Result<(ImportReport, bool), ImportError> {
    Ok(match cmd {
        ImportCommand::Osm {
            file,
            communities,
            common,
        } => {
            let report = import::import_osm(
                store,
                &file,
                &OsmOptions { communities },
                &common.prepare_options(),
            )
            .await?;
            (report, common.json)
        }
        ImportCommand::Geojson {
            layer,
            file,
            crs,
            source,
            skip_invalid,
            common,
        } => {
            let crs = match crs {
                Some(c) => Some(Crs::parse(&c).map_err(|source| ImportError::Crs {
                    path: file.clone(),
                    source,
                })?),
                None => None,
            };
            let options = GeoJsonOptions {
                layer,
                crs,
                source,
                skip_invalid,
            };
            (
                import::import_geojson(store, &file, &options, &common.prepare_options()).await?,
                common.json,
            )
        }
        ImportCommand::Households { file } => {
            (import::import_households(store, &file).await?, false)
        }
        ImportCommand::People { file } => (import::import_people(store, &file).await?, false),
    })
}

/// Prints what an import did: counts per table, estimates, skipped features.
pub fn print_report(report: &ImportReport, json: bool) {
    if json {
        print_json(report);
        return;
    }
    let w = &report.written;
    println!("imported {} ({})", report.path, report.kind);
    for (name, u) in [
        ("regions", w.regions),
        ("grids", w.grids),
        ("buildings", w.buildings),
        ("households", w.households),
        ("people", w.people),
        ("cameras", w.cameras),
        ("workers", w.workers),
        ("barriers", w.barriers),
        ("address points", w.address_points),
    ] {
        if u.inserted + u.updated > 0 {
            println!(
                "  {name:<15} {:>7} new {:>7} updated",
                u.inserted, u.updated
            );
        }
    }
    let p = &report.prepared;
    if w.provisional_grids > 0 {
        println!(
            "  provisional grids {} (one per community without grids)",
            w.provisional_grids
        );
    }
    if w.provisional_grids_retired > 0 {
        println!(
            "  provisional grids removed: {} (their communities now have real grids)",
            w.provisional_grids_retired
        );
    }
    if w.buildings_reassigned > 0 {
        println!(
            "  buildings given the grid holding them: {}",
            w.buildings_reassigned
        );
    }
    if p.buildings_rehomed > 0 {
        println!(
            "  buildings moved from the unassigned area into a new community: {}",
            p.buildings_rehomed
        );
    }
    if !p.coverage.is_empty() {
        println!(
            "  grids that do not tile their community ({} places, imported with --coverage list):",
            p.coverage.len()
        );
        for issue in p.coverage.iter().take(20) {
            println!("    {issue}");
        }
    }
    if p.estimated_buildings > 0 {
        println!(
            "  households estimated: {} in {} buildings",
            p.estimated_households, p.estimated_buildings
        );
    }
    if p.buildings_outside_communities > 0 {
        println!(
            "  buildings outside every community: {} (put in the unassigned-area community)",
            p.buildings_outside_communities
        );
    }
    if !report.repaired.is_empty() {
        println!("  repaired {} features:", report.repaired.len());
        for s in report.repaired.iter().take(20) {
            println!("    {}: {}", s.place, s.reason);
        }
    }
    if !report.skipped.is_empty() {
        println!("  skipped {} features:", report.skipped.len());
        for s in report.skipped.iter().take(20) {
            println!("    {}: {}", s.place, s.reason);
        }
        if report.skipped.len() > 20 {
            println!(
                "    … and {} more (--json lists all)",
                report.skipped.len() - 20
            );
        }
    }
}
