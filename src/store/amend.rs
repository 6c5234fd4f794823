//! The SQL of an import's [`Amendments`](crate::model::Amendments): changes to stored rows
//! that the import's preparation worked out, run inside the import's transaction by
//! [`write`](super::write) once the references are resolved to database ids.

use geo::{Geometry, MultiPolygon};

use super::tx::Tx;
use super::value::Val;
use super::StoreError;
use crate::model::Address;

/// Replaces the boundary of each stored row of `table` (`regions` or `grids`).
pub(super) async fn set_boundaries(
    tx: &mut Tx,
    table: &str,
    boundaries: &[(i64, MultiPolygon<f64>)],
) -> Result<(), StoreError> {
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = $6",
        tx.dialect().geom_set(1)
    );
    for (id, boundary) in boundaries {
        let changed = tx
            .execute(
                &sql,
                vec![
                    Val::Geom(Geometry::MultiPolygon(boundary.clone())),
                    Val::int(*id),
                ],
                &format!("updating the boundary of {table} {id}"),
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::UnknownReference {
                what: "row",
                reference: format!("{table} @{id}"),
            });
        }
    }
    Ok(())
}

/// Removes grids from their plan; their building and unit assignments and worker and
/// user scopes go with them (ON DELETE CASCADE). Returns how many were removed.
pub(super) async fn retire_grids(tx: &mut Tx, grids: &[i64]) -> Result<u64, StoreError> {
    let mut removed = 0;
    for id in grids {
        removed += tx
            .execute(
                "DELETE FROM grids WHERE id = $1 AND provisional",
                vec![Val::int(*id)],
                "removing a provisional grid",
            )
            .await?;
    }
    Ok(removed)
}

/// Moves stored buildings to another community.
pub(super) async fn set_communities(tx: &mut Tx, moves: &[(i64, i64)]) -> Result<(), StoreError> {
    for (building, community) in moves {
        tx.execute(
            "UPDATE buildings SET community_id = $2 WHERE id = $1",
            vec![Val::int(*building), Val::int(*community)],
            "moving a building to its community",
        )
        .await?;
    }
    Ok(())
}

/// Gives each building (building, grid, plan of the grid) that grid, replacing its
/// assignment (and unit assignments) in every published plan.
pub(super) async fn reassign(
    tx: &mut Tx,
    assignments: &[(i64, i64, i64)],
) -> Result<(), StoreError> {
    for (building, grid, plan) in assignments {
        for table in ["plan_assignments", "plan_unit_assignments"] {
            tx.execute(
                &format!(
                    "DELETE FROM {table} WHERE building_id = $1 AND plan_id IN \
                     (SELECT id FROM plans WHERE status = 'published')"
                ),
                vec![Val::int(*building)],
                "replacing a building's grid",
            )
            .await?;
        }
        tx.execute(
            "INSERT INTO plan_assignments (plan_id, building_id, grid_id) VALUES ($1, $2, $3)",
            vec![Val::int(*plan), Val::int(*building), Val::int(*grid)],
            "assigning a building to its grid",
        )
        .await?;
    }
    Ok(())
}

/// Writes the address of stored buildings whose missing parts an address point filled.
pub(super) async fn set_addresses(
    tx: &mut Tx,
    addresses: &[(i64, Address)],
) -> Result<(), StoreError> {
    for (id, a) in addresses {
        tx.execute(
            "UPDATE buildings SET road = $2, house_number = $3, compound = $4, building_no = $5 \
             WHERE id = $1",
            vec![
                Val::int(*id),
                Val::Text(a.road.clone()),
                Val::Text(a.house_number.clone()),
                Val::Text(a.compound.clone()),
                Val::Text(a.building_no.clone()),
            ],
            "completing a building's address",
        )
        .await?;
    }
    Ok(())
}
