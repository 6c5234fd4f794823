//! `wangge import geojson --layer LAYER FILE`.

use std::path::PathBuf;

use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::{self, ImportError, ImportReport};
use wangge::store::Store;

use super::{parse_crs, Common};

#[derive(clap::Args)]
pub struct Args {
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
}

pub async fn run(store: &Store, args: Args) -> Result<(ImportReport, bool), ImportError> {
    let options = GeoJsonOptions {
        layer: args.layer,
        crs: parse_crs(&args.file, args.crs.as_deref())?,
        source: args.source,
        skip_invalid: args.skip_invalid,
    };
    let report =
        import::import_geojson(store, &args.file, &options, &args.common.prepare_options()).await?;
    Ok((report, args.common.json))
}
