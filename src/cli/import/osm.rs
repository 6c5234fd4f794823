//! `wangge import osm FILE`.

use std::path::PathBuf;

use wangge::import::osm::{CommunitySource, OsmOptions};
use wangge::import::{self, ImportError, ImportReport};
use wangge::store::Store;

use super::Common;

#[derive(clap::Args)]
pub struct Args {
    file: PathBuf,
    /// Which areas are communities: residential (landuse=residential), city_block
    /// (place=city_block) or admin_level=N (boundary=administrative).
    #[arg(long, default_value = "residential")]
    communities: CommunitySource,
    #[command(flatten)]
    common: Common,
}

pub async fn run(store: &Store, args: Args) -> Result<(ImportReport, bool), ImportError> {
    let report = import::import_osm(
        store,
        &args.file,
        &OsmOptions {
            communities: args.communities,
        },
        &args.common.prepare_options(),
    )
    .await?;
    Ok((report, args.common.json))
}
