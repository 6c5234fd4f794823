//! `wangge partition COMMUNITY`: balances a community into grids as a draft plan.

use wangge::plan::{self, ModeName, PlanRequest};
use wangge::store::Store;

use super::{chain, cli_entry, print_json};

#[derive(clap::Args)]
pub struct Args {
    /// Community id.
    community: i64,
    #[arg(long, default_value_t = 300)]
    min: u32,
    #[arg(long, default_value_t = 600)]
    max: u32,
    #[arg(long, default_value_t = 450)]
    target: u32,
    /// target, most or fewest.
    #[arg(long, default_value = "target")]
    mode: ModeName,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Barrier classes that separate grids, comma-separated (default: major roads,
    /// railways, rivers).
    #[arg(long, value_delimiter = ',')]
    hard_barriers: Option<Vec<String>>,
    /// Buildings that keep their grid (ids, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pin_buildings: Vec<i64>,
    /// Current grids that keep exactly their buildings (ids, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pin_grids: Vec<i64>,
    /// Ignore the published plan (a fresh run, not the fewest moves).
    #[arg(long)]
    fresh: bool,
    /// Publish the draft at once.
    #[arg(long)]
    publish: bool,
    /// Print the metrics as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(store: &Store, args: Args) -> Result<(), String> {
    let community = args.community;
    let request = PlanRequest {
        min: args.min,
        max: args.max,
        target: args.target,
        mode: args.mode,
        seed: args.seed,
        hard_barriers: args.hard_barriers,
        pinned_buildings: args.pin_buildings,
        pinned_grids: args.pin_grids,
        warm_start: !args.fresh,
        author: std::env::var("USER").unwrap_or_else(|_| "cli".into()),
    };
    let audit = cli_entry(
        "plan.propose",
        "",
        serde_json::json!({ "community_id": community }).to_string(),
    );
    let draft = plan::propose(store, community, &request, Some(&audit))
        .await
        .map_err(|e| chain(&e))?;
    if args.json {
        print_json(&draft);
    } else {
        print_draft(&draft);
    }
    if args.publish {
        let audit = cli_entry(
            "plan.publish",
            &format!("plan/{}", draft.plan_id),
            serde_json::json!({ "community_id": community }).to_string(),
        );
        plan::publish(store, draft.plan_id, Some(&audit))
            .await
            .map_err(|e| chain(&e))?;
        println!("plan {} published", draft.plan_id);
    }
    Ok(())
}

fn print_draft(draft: &plan::Draft) {
    let m = &draft.metrics;
    println!(
        "draft plan {}: {} grids for {} households in {} buildings ({} ms)",
        draft.plan_id, m.grid_count, m.households, m.buildings, m.runtime_ms
    );
    println!(
        "  households per grid {}–{}, Polsby–Popper mean {:.3} min {:.3}",
        m.min_households, m.max_households, m.mean_polsby_popper, m.min_polsby_popper
    );
    println!(
        "  against the published plan: {} households in {} buildings moved",
        m.households_moved, m.buildings_moved
    );
    println!(
        "  {:<18} {:>10} {:>9} {:>10} {:>7}",
        "grid", "households", "buildings", "area m²", "PP"
    );
    for g in &m.grids {
        println!(
            "  {:<18} {:>10} {:>9} {:>10.0} {:>7.3}{}",
            g.code,
            g.households,
            g.buildings,
            g.area_m2,
            g.polsby_popper,
            if g.within_bounds {
                ""
            } else {
                "  outside bounds"
            }
        );
    }
    for v in &m.violations {
        println!("  ! {v}");
    }
}
