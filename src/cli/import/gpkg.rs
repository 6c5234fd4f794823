//! `wangge import gpkg --layer LAYER FILE.gpkg [--table NAME]`.

use std::path::PathBuf;

use wangge::import::gpkg::GpkgOptions;
use wangge::import::{self, ImportError, ImportReport, Layer};
use wangge::store::Store;

use super::{parse_crs, Common};

#[derive(clap::Args)]
pub struct Args {
    /// districts, streets, communities, grids, buildings, cameras, barriers or addresses.
    #[arg(long)]
    layer: Layer,
    file: PathBuf,
    /// The feature table to read; required when the file holds more than one.
    #[arg(long)]
    table: Option<String>,
    /// CRS of the coordinates (as for geojson). Default: the table's spatial reference system.
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
}

pub async fn run(store: &Store, args: Args) -> Result<(ImportReport, bool), ImportError> {
    let options = GpkgOptions {
        layer: args.layer,
        table: args.table,
        crs: parse_crs(&args.file, args.crs.as_deref())?,
        source: args.source,
        skip_invalid: args.skip_invalid,
    };
    let report =
        import::import_gpkg(store, &args.file, &options, &args.common.prepare_options()).await?;
    Ok((report, args.common.json))
}
