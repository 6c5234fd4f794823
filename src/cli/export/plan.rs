//! `wangge export plan ID [--format geojson|gpkg] [--out FILE] [--force]`.

use wangge::export::export_plan;
use wangge::store::Store;

use super::{bar, finish, Destination};

#[derive(clap::Args)]
pub struct Args {
    /// The plan's id (as `partition` and the API give it).
    id: i64,
    #[command(flatten)]
    to: Destination,
}

pub async fn run(store: &Store, args: Args) -> Result<(), String> {
    let (progress, mut report) = bar(&format!("export plan {}", args.id));
    let result = export_plan(
        store,
        args.id,
        args.to.format(),
        &args.to.output(),
        &mut report,
    )
    .await;
    finish(progress, result, &args.to.label())
}
