//! `wangge plan move`: moves buildings of a draft to a neighbouring grid by hand.

use clap::Subcommand;
use wangge::plan;
use wangge::store::Store;

use super::{chain, cli_entry, print_json};

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Move buildings of a draft to a neighbouring grid of the draft by hand, checked like
    /// `POST /api/plans/{id}/moves` (neighbours, bounds, contiguity) and stored.
    Move {
        /// Draft plan id.
        id: i64,
        /// Code of the draft grid the buildings join.
        #[arg(long)]
        to: String,
        /// Building ids (repeat or comma-separate).
        #[arg(long = "building", value_delimiter = ',', required = true)]
        buildings: Vec<i64>,
        /// Print the plan's metrics as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(store: &Store, cmd: PlanCommand) -> Result<(), String> {
    let PlanCommand::Move {
        id,
        to,
        buildings,
        json,
    } = cmd;
    let request = plan::MoveRequest {
        buildings,
        to_grid: to,
    };
    let community_id = store
        .plan(id)
        .await
        .map_err(|e| chain(&e))?
        .map(|p| p.community_id);
    let audit = cli_entry(
        "plan.move",
        &format!("plan/{id}"),
        serde_json::json!({
            "community_id": community_id,
            "buildings": request.buildings,
            "to_grid": request.to_grid,
        })
        .to_string(),
    );
    let moved = plan::move_buildings(store, id, &request, Some(audit))
        .await
        .map_err(|e| chain(&e))?;
    let metrics: serde_json::Value = serde_json::from_str(&moved.metrics).unwrap_or_default();
    if json {
        print_json(&metrics);
        return Ok(());
    }
    println!(
        "draft plan {id}: buildings {} moved to grid {}; {} households in buildings moved against the published plan",
        request
            .buildings
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        request.to_grid,
        metrics["households_moved"]
    );
    for g in metrics["grids"].as_array().into_iter().flatten() {
        println!(
            "  {}  {:>5} households  {:>4} buildings  compactness {:.2}{}",
            g["code"].as_str().unwrap_or(""),
            g["households"],
            g["buildings"],
            g["polsby_popper"].as_f64().unwrap_or(0.0),
            if g["within_bounds"] == true {
                ""
            } else {
                "  outside the bounds"
            }
        );
    }
    Ok(())
}
