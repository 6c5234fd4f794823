//! `wangge import osm | geojson | shapefile | gpkg | households | people`: one file per
//! command here, each an `Args` struct and a `run`; each import is one transaction, and
//! re-running it updates rows by source id.

mod geojson;
mod gpkg;
mod osm;
mod register;
mod report;
mod shapefile;

use std::path::Path;

use clap::{Args, Subcommand};
use wangge::crs::Crs;
use wangge::import::encoding;
use wangge::import::estimate::{EstimateParams, DEFAULT_DWELLING_M2};
use wangge::import::prepare::{CoverageMode, PrepareOptions};
use wangge::import::{ImportError, ImportReport};
use wangge::store::Store;

pub use report::print_report;

use super::{audit_cli, chain};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// OpenStreetMap .osm.pbf or .osm (XML).
    Osm(osm::Args),
    /// One GeoJSON layer.
    Geojson(geojson::Args),
    /// One Shapefile layer (.shp with its .shx and .dbf; .prj and .cpg when present).
    Shapefile(shapefile::Args),
    /// One feature table of a GeoPackage (.gpkg).
    Gpkg(gpkg::Args),
    /// Household register: CSV (UTF-8 or GBK) or .xlsx (see README for columns).
    Households(register::Args),
    /// People register: CSV (UTF-8 or GBK) or .xlsx (see README for columns).
    People(register::Args),
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

/// `--crs` of a vector import, parsed; the error names the file.
fn parse_crs(file: &Path, crs: Option<&str>) -> Result<Option<Crs>, ImportError> {
    crs.map(|c| {
        Crs::parse(c).map_err(|source| ImportError::Crs {
            path: file.into(),
            source,
        })
    })
    .transpose()
}

/// `--encoding`, parsed.
fn parse_encoding(
    label: Option<&str>,
) -> Result<Option<&'static encoding_rs::Encoding>, ImportError> {
    label
        .map(|l| {
            encoding::named(l).ok_or_else(|| {
                ImportError::Usage(format!(
                    "--encoding {l:?} is not an encoding wangge knows: give {}",
                    encoding::KNOWN
                ))
            })
        })
        .transpose()
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
    match cmd {
        ImportCommand::Osm(args) => osm::run(store, args).await,
        ImportCommand::Geojson(args) => geojson::run(store, args).await,
        ImportCommand::Shapefile(args) => shapefile::run(store, args).await,
        ImportCommand::Gpkg(args) => gpkg::run(store, args).await,
        ImportCommand::Households(args) => {
            register::run(store, args, register::Kind::Households).await
        }
        ImportCommand::People(args) => register::run(store, args, register::Kind::People).await,
    }
}
