//! `wangge import shapefile --layer LAYER FILE.shp`.

use std::path::PathBuf;

use wangge::import::shp::ShapefileOptions;
use wangge::import::{self, ImportError, ImportReport, Layer};
use wangge::store::Store;

use super::{parse_crs, parse_encoding, Common};

#[derive(clap::Args)]
pub struct Args {
    /// districts, streets, communities, grids, buildings, cameras, barriers or addresses.
    #[arg(long)]
    layer: Layer,
    /// The .shp file; its .shx and .dbf (and .prj, .cpg when present) lie beside it.
    file: PathBuf,
    /// CRS of the coordinates (as for geojson). Default: the .prj, else EPSG:4326.
    #[arg(long)]
    crs: Option<String>,
    /// Source name used to match features on re-import (default: the file stem).
    #[arg(long)]
    source: Option<String>,
    /// Text encoding of the .dbf: utf-8, gbk, gb18030, 936 ... Default: the .cpg file,
    /// else the .dbf header's language driver, else detected (UTF-8 if valid, else GB18030).
    #[arg(long)]
    encoding: Option<String>,
    /// Skip unusable features (listed in the report) instead of failing.
    #[arg(long)]
    skip_invalid: bool,
    #[command(flatten)]
    common: Common,
}

pub async fn run(store: &Store, args: Args) -> Result<(ImportReport, bool), ImportError> {
    let options = ShapefileOptions {
        layer: args.layer,
        crs: parse_crs(&args.file, args.crs.as_deref())?,
        source: args.source,
        encoding: parse_encoding(args.encoding.as_deref())?,
        skip_invalid: args.skip_invalid,
    };
    let report =
        import::import_shapefile(store, &args.file, &options, &args.common.prepare_options())
            .await?;
    Ok((report, args.common.json))
}
