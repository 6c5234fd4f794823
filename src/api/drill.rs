//! Drill-down: summaries of a region or a grid, a building's households as a unit ×
//! floor table, and a household with its people (masked unless the caller may unmask;
//! unmasked views are audited).

use std::collections::BTreeSet;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::store::{Household, Summary};

/// `GET /api/regions/{id}/summary`: grids, buildings, households, residents, floating
/// population, workers and cameras of a district, street or community.
pub async fn region_summary(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Summary>, ApiError> {
    let Path(id) = id?;
    // Out of scope answers the same 404 as missing.
    let summary = if caller.sees_region(id) {
        state.store.region_summary(id).await?
    } else {
        None
    };
    summary.map(Json).ok_or_else(|| ApiError::NotFound {
        what: "region",
        id: id.to_string(),
    })
}

/// `GET /api/grids/{id}/summary`: the same totals for one grid.
pub async fn grid_summary(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Summary>, ApiError> {
    let Path(id) = id?;
    let summary = if caller.sees_grid(id) {
        state.store.grid_summary(id).await?
    } else {
        None
    };
    summary.map(Json).ok_or_else(|| ApiError::NotFound {
        what: "grid",
        id: id.to_string(),
    })
}

/// One household in a cell of the building table.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub id: i64,
    pub room: String,
    /// Residents.
    pub size: i32,
    pub status: crate::model::HouseholdStatus,
}

/// A building's households as a table: `cells[f][u]` lists the households of floor
/// `floors[f]` in unit `units[u]` (several rooms share a floor of a unit, so a cell is a
/// list, empty where there is none). Floors run from the top down, as the building is
/// drawn; a household without a unit or floor is under `null`, last.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub units: Vec<Option<i32>>,
    pub floors: Vec<Option<i32>>,
    pub cells: Vec<Vec<Vec<Cell>>>,
}

/// Sort key putting `None` last.
fn some_first(v: &Option<i32>) -> (bool, i32) {
    (v.is_none(), v.unwrap_or(0))
}

/// The unit × floor table of a building's households.
pub fn table(households: &[Household]) -> Table {
    let mut units: Vec<Option<i32>> = households
        .iter()
        .map(|h| h.unit)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    units.sort_by_key(some_first);
    let mut floors: Vec<Option<i32>> = households
        .iter()
        .map(|h| h.floor)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    floors.sort_by_key(|f| (f.is_none(), std::cmp::Reverse(f.unwrap_or(0))));
    let mut cells = vec![vec![Vec::new(); units.len()]; floors.len()];
    for h in households {
        let (Some(f), Some(u)) = (
            floors.iter().position(|f| *f == h.floor),
            units.iter().position(|u| *u == h.unit),
        ) else {
            continue;
        };
        cells[f][u].push(Cell {
            id: h.id,
            room: h.room.clone(),
            size: h.residents,
            status: h.status,
        });
    }
    for row in &mut cells {
        for cell in row {
            cell.sort_by(|a, b| a.room.cmp(&b.room));
        }
    }
    Table {
        units,
        floors,
        cells,
    }
}

/// `GET /api/households/{id}`: the household with its building, unit, floor, room and
/// its `people`; names, ID numbers and phones masked unless the caller may unmask, in
/// which case the view is written to the audit log.
pub async fn household(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = id?;
    let not_found = || ApiError::NotFound {
        what: "household",
        id: id.to_string(),
    };
    let h = state.store.household(id).await?.ok_or_else(not_found)?;
    let building = state
        .store
        .building(h.building_id)
        .await?
        .ok_or_else(not_found)?;
    if !caller.sees_building(building.community_id, building.grid_id) {
        return Err(not_found());
    }
    let unmask = caller.can_unmask();
    let people: Vec<_> = state
        .store
        .people(id)
        .await?
        .iter()
        .map(|p| crate::mask::person(p, unmask))
        .collect();
    if unmask && !people.is_empty() {
        state
            .auth
            .audit(&caller.audit_entry(
                "unmask",
                &format!("household:{id}"),
                format!("{} people", people.len()),
            ))
            .await?;
    }
    let mut body = serde_json::to_value(&h).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut body {
        map.insert("community_id".into(), json!(building.community_id));
        map.insert("grid_id".into(), json!(building.grid_id));
        map.insert("masked".into(), json!(!unmask));
        map.insert("people".into(), json!(people));
    }
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HouseholdStatus;

    fn h(id: i64, unit: Option<i32>, floor: Option<i32>, room: &str) -> Household {
        Household {
            id,
            building_id: 1,
            unit,
            floor,
            room: room.into(),
            status: HouseholdStatus::Rented,
            residents: 2,
            floating: 0,
        }
    }

    #[test]
    fn households_fill_a_unit_by_floor_table_from_the_top() {
        let t = table(&[
            h(1, Some(1), Some(1), "101"),
            h(2, Some(1), Some(1), "102"),
            h(3, Some(2), Some(2), "201"),
            h(4, None, None, "x"),
        ]);
        assert_eq!(t.units, vec![Some(1), Some(2), None]);
        assert_eq!(t.floors, vec![Some(2), Some(1), None]);
        let ids = |f: usize, u: usize| t.cells[f][u].iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(1, 0), vec![1, 2]);
        assert_eq!(ids(0, 1), vec![3]);
        assert_eq!(ids(2, 2), vec![4]);
        assert!(ids(0, 0).is_empty());
    }
}
