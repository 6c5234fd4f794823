//! A plan as two tables: its grids (with their buildings and households in the plan) and
//! its building assignment (every building of the plan's community with its grid in the
//! plan, and `by_unit` for a building split by unit, as lookups answer). Calls the store
//! and [`reader`](super::reader).

use std::collections::HashMap;

use serde_json::json;

use super::reader::{Extra, TableReader};
use super::tables::{self, GridFigures};
use super::ExportError;
use crate::store::export_read::{BuildingRows, ExportRows, GridRows, PlanChoice};
use crate::store::Store;

/// The readers of plan `id` (grids, then buildings) and the GeoJSON `plan` member
/// (`{id, community_id, status}`). An unknown plan is refused before anything is read.
pub async fn plan_readers(
    store: &Store,
    id: i64,
) -> Result<(Vec<TableReader<'_>>, serde_json::Value), ExportError> {
    let plan = store
        .plan(id)
        .await
        .map_err(|e| ExportError::store(format!("reading plan {id}"), e))?
        .ok_or(ExportError::UnknownPlan(id))?;
    let figures = GridFigures {
        totals: store
            .plan_grid_totals(id)
            .await
            .map_err(|e| ExportError::store(format!("totalling the grids of plan {id}"), e))?,
        workers: store
            .worker_counts()
            .await
            .map_err(|e| ExportError::store("counting workers", e))?,
    };
    let mut by_unit: HashMap<i64, Vec<serde_json::Value>> = HashMap::new();
    for u in store
        .plan_unit_assignment(id)
        .await
        .map_err(|e| ExportError::store(format!("reading the unit splits of plan {id}"), e))?
    {
        by_unit
            .entry(u.building_id)
            .or_default()
            .push(json!({ "unit": u.unit, "grid_id": u.grid_id, "code": u.grid_code }));
    }
    let by_unit = by_unit
        .into_iter()
        .map(|(building, units)| (building, serde_json::Value::Array(units)))
        .collect();
    let status = plan.status.as_ref().to_string();
    let grids = TableReader::new(
        store,
        tables::grids_table(
            "grids",
            format!("wangge plan {id} ({status}): its grids with their figures in the plan"),
        ),
        ExportRows::Grids(GridRows {
            plan: PlanChoice::Plan(id),
            community: None,
        }),
        Extra::Grids(figures),
    )
    .await?;
    let buildings = TableReader::new(
        store,
        tables::buildings_table(
            "buildings",
            format!("wangge plan {id} ({status}): every building of its community and its grid in the plan"),
            true,
        ),
        ExportRows::Buildings(BuildingRows {
            plan: PlanChoice::Plan(id),
            community: Some(plan.community_id),
        }),
        Extra::ByUnit(by_unit),
    )
    .await?;
    let member = json!({ "id": plan.id, "community_id": plan.community_id, "status": plan.status });
    Ok((vec![grids, buildings], member))
}
