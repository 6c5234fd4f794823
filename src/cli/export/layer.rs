//! `wangge export layer LAYER [--format geojson|gpkg] [--out FILE] [--community ID] [--force]`.

use wangge::export::{export_layer, Layer, Scope};
use wangge::store::Store;

use super::{bar, finish, Destination};

#[derive(clap::Args)]
pub struct Args {
    /// districts, streets, communities, regions, grids, buildings, cameras, barriers or
    /// addresses.
    #[arg(value_parser = parse_layer)]
    layer: Layer,
    /// Only this community (its grids, buildings and address points; the regions
    /// containing it; cameras and barriers meeting its envelope).
    #[arg(long)]
    community: Option<i64>,
    #[command(flatten)]
    to: Destination,
}

fn parse_layer(name: &str) -> Result<Layer, String> {
    Layer::parse(name).map_err(|e| e.to_string())
}

pub async fn run(store: &Store, args: Args) -> Result<(), String> {
    let (progress, mut report) = bar(&format!("export {}", args.layer));
    let scope = Scope {
        community: args.community,
    };
    let result = export_layer(
        store,
        args.layer,
        scope,
        args.to.format(),
        &args.to.output(),
        &mut report,
    )
    .await;
    finish(progress, result, &args.to.label())
}
