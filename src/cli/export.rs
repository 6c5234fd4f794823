//! `wangge export plan ID`: a plan's grids and buildings as GeoJSON.

use clap::Subcommand;
use wangge::store::Store;

use super::chain;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A plan's grids and building assignment as GeoJSON (features with "layer": "grid" or "building").
    Plan {
        id: i64,
        #[arg(long, default_value = "geojson")]
        format: ExportFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Geojson,
}

pub async fn run(store: &Store, cmd: ExportCommand) -> Result<(), String> {
    let ExportCommand::Plan {
        id,
        format: ExportFormat::Geojson,
    } = cmd;
    let out = export_plan(store, id).await?;
    println!("{}", serde_json::to_string(&out).unwrap_or_default());
    Ok(())
}

/// A plan as one GeoJSON FeatureCollection: its grids, then its buildings with their grid
/// (and, for a building split by unit, `by_unit`: each unit's grid, as lookups answer).
async fn export_plan(store: &Store, id: i64) -> Result<serde_json::Value, String> {
    use serde_json::json;
    let plan = store
        .plan(id)
        .await
        .map_err(|e| chain(&e))?
        .ok_or_else(|| format!("plan {id} does not exist"))?;
    let grids = store.plan_grids(id).await.map_err(|e| chain(&e))?;
    let code_of: std::collections::HashMap<i64, String> =
        grids.iter().map(|g| (g.id, g.code.clone())).collect();
    let assignment: std::collections::HashMap<i64, i64> = store
        .plan_assignment(id)
        .await
        .map_err(|e| chain(&e))?
        .into_iter()
        .collect();
    let mut by_unit: std::collections::HashMap<i64, Vec<serde_json::Value>> = Default::default();
    for u in store
        .plan_unit_assignment(id)
        .await
        .map_err(|e| chain(&e))?
    {
        by_unit
            .entry(u.building_id)
            .or_default()
            .push(json!({ "unit": u.unit, "grid_id": u.grid_id, "code": u.grid_code }));
    }
    let buildings = store
        .buildings(&wangge::store::BuildingFilter {
            community: Some(plan.community_id),
            ..Default::default()
        })
        .await
        .map_err(|e| chain(&e))?;
    let mut features = Vec::new();
    for g in &grids {
        features.push(json!({
            "type": "Feature",
            "id": g.id,
            "properties": { "layer": "grid", "code": g.code, "name": g.name, "kind": g.kind, "plan_id": id },
            "geometry": geojson::Geometry::from(&geo::Geometry::MultiPolygon(g.boundary.clone())),
        }));
    }
    for b in &buildings {
        let grid = assignment.get(&b.id);
        let mut properties = json!({
            "layer": "building", "source_id": b.source_id, "households": b.households,
            "grid_id": grid, "grid_code": grid.and_then(|g| code_of.get(g)),
        });
        if let Some(units) = by_unit.remove(&b.id) {
            properties["by_unit"] = json!(units);
        }
        features.push(json!({
            "type": "Feature",
            "id": b.id,
            "properties": properties,
            "geometry": geojson::Geometry::from(&geo::Geometry::MultiPolygon(b.footprint.clone())),
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "plan": { "id": plan.id, "community_id": plan.community_id, "status": plan.status },
        "features": features,
    }))
}
