//! Plans: drafts with their grids and building assignment, publishing (one transaction,
//! checked against the plan the draft was based on), history.

use chrono::{DateTime, Utc};
use geo::{Geometry, MultiPolygon};
use serde::Serialize;

use super::auth::{append_audit_in, NewAuditEntry};
use super::dialect::upsert;
use super::layers::{bump_layers, Layer};
use super::types::{decode_all, parse_enum, Grid, GridRow};
use super::value::Val;
use super::write::{bump_revision, ADDRESSES_REVISION, GRIDS_REVISION};
use super::{Store, StoreError};
use crate::model::{GridKind, PlanStatus};

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub id: i64,
    pub community_id: i64,
    pub status: PlanStatus,
    /// The published plan this one was computed against.
    pub base_plan_id: Option<i64>,
    /// JSON text of the parameters.
    pub parameters: String,
    /// JSON text of the metrics.
    pub metrics: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    community_id: i64,
    status: String,
    base_plan_id: Option<i64>,
    parameters: String,
    metrics: String,
    author: String,
    created_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
}

impl TryFrom<PlanRow> for Plan {
    type Error = StoreError;
    fn try_from(r: PlanRow) -> Result<Self, StoreError> {
        Ok(Plan {
            status: parse_enum("plans", r.id, &r.status)?,
            id: r.id,
            community_id: r.community_id,
            base_plan_id: r.base_plan_id,
            parameters: r.parameters,
            metrics: r.metrics,
            author: r.author,
            created_at: r.created_at,
            published_at: r.published_at,
        })
    }
}

/// A grid of a new draft.
#[derive(Debug, Clone)]
pub struct NewGrid {
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub boundary: MultiPolygon<f64>,
}

/// A draft to store: its grids and, for every building, the index of its grid.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub community_id: i64,
    pub base_plan_id: Option<i64>,
    pub parameters: String,
    pub metrics: String,
    pub author: String,
    pub grids: Vec<NewGrid>,
    /// (building id, index into `grids`).
    pub assignment: Vec<(i64, usize)>,
    /// Appended to the audit log in the same transaction, its target set to
    /// `plan/{the new id}`.
    pub audit: Option<NewAuditEntry>,
}

/// A unit (单元) of a building split between grids, and the index into
/// [`NewPlan::grids`] of the grid holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewUnitAssignment {
    pub building_id: i64,
    pub unit: i32,
    pub grid: usize,
}

/// A unit of a building split between grids, and the grid holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnitAssignment {
    pub building_id: i64,
    pub unit: i32,
    pub grid_id: i64,
    pub grid_code: String,
}

/// Why a publish was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PublishRefusal {
    /// The plan is not a draft (already published or retired).
    NotDraft(PlanStatus),
    /// Another plan was published for the community after this draft was computed.
    Superseded { published_plan_id: Option<i64> },
}

/// A manual move of buildings between two grids of a draft, with everything it changes:
/// written by [`Store::move_buildings`] in one transaction.
#[derive(Debug, Clone)]
pub struct PlanMove {
    pub plan_id: i64,
    /// The plan's metrics text as the move was computed from: the move is refused when
    /// the stored text differs (another move or a recomputation came first).
    pub expected_metrics: String,
    /// The plan's metrics text after the move.
    pub metrics: String,
    /// The published plan the draft was computed against (refused when it is no longer
    /// the published one).
    pub base_plan_id: Option<i64>,
    /// (building id, grid id it leaves).
    pub buildings: Vec<(i64, i64)>,
    /// The grid the buildings join.
    pub to_grid: i64,
    /// New boundaries of the grids involved: (grid id, boundary).
    pub boundaries: Vec<(i64, MultiPolygon<f64>)>,
    /// Appended to the audit log in the move's transaction.
    pub audit: Option<NewAuditEntry>,
}

/// Why a manual move was refused by the store (nothing written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MoveRefusal {
    /// The plan is not a draft (published or retired).
    NotDraft(PlanStatus),
    /// Another plan was published for the community after this draft was computed.
    Superseded { published_plan_id: Option<i64> },
    /// The draft changed after the move was computed (another move came first).
    Changed,
}

const PLAN_COLS: &str =
    "id, community_id, status, base_plan_id, parameters, metrics, author, created_at, published_at";

impl Store {
    /// Stores a draft plan with its grids and assignment (and its audit entry) in one
    /// transaction.
    pub async fn create_plan(&self, plan: &NewPlan) -> Result<i64, StoreError> {
        self.create_plan_with_units(plan, &[]).await
    }

    /// Stores a draft plan with its grids, assignment and the units of buildings split
    /// between grids (each unit of such a building, its grid) and its audit entry in one
    /// transaction.
    pub async fn create_plan_with_units(
        &self,
        plan: &NewPlan,
        units: &[NewUnitAssignment],
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx
            .fetch_id(
                "INSERT INTO plans (community_id, status, base_plan_id, parameters, metrics, author, created_at) \
                 VALUES ($1, 'draft', $2, $3, $4, $5, $6) RETURNING id",
                vec![
                    Val::int(plan.community_id),
                    Val::Int(plan.base_plan_id),
                    Val::text(&plan.parameters),
                    Val::text(&plan.metrics),
                    Val::text(&plan.author),
                    Val::Time(Some(Utc::now())),
                ],
                "creating a plan",
            )
            .await?
            .ok_or_else(|| StoreError::UnknownReference { what: "plan", reference: "new".into() })?;
        let mut grid_ids = Vec::with_capacity(plan.grids.len());
        for (i, g) in plan.grids.iter().enumerate() {
            let cols = vec![
                ("plan_id", Val::int(id)),
                ("community_id", Val::int(plan.community_id)),
                ("code", Val::text(&g.code)),
                ("name", Val::text(&g.name)),
                ("kind", Val::text(g.kind.as_ref())),
                ("provisional", Val::Bool(false)),
                ("source", Val::text("plan")),
                ("source_id", Val::text(format!("plan{id}-{i}"))),
                (
                    "geom",
                    Val::Geom(Geometry::MultiPolygon(g.boundary.clone())),
                ),
            ];
            let sql = upsert(tx.dialect(), "grids", &cols, &[], true);
            let gid = tx
                .fetch_id(
                    &sql,
                    cols.into_iter().map(|(_, v)| v).collect(),
                    &format!("writing grid {}", g.code),
                )
                .await?
                .ok_or_else(|| StoreError::UnknownReference {
                    what: "grid",
                    reference: g.code.clone(),
                })?;
            grid_ids.push(gid);
        }
        for &(building, grid) in &plan.assignment {
            let grid_id = *grid_ids
                .get(grid)
                .ok_or_else(|| StoreError::UnknownReference {
                    what: "grid index",
                    reference: grid.to_string(),
                })?;
            tx.execute(
                "INSERT INTO plan_assignments (plan_id, building_id, grid_id) VALUES ($1, $2, $3)",
                vec![Val::int(id), Val::int(building), Val::int(grid_id)],
                "assigning a building",
            )
            .await?;
        }
        for u in units {
            let grid_id = *grid_ids
                .get(u.grid)
                .ok_or_else(|| StoreError::UnknownReference {
                    what: "grid index",
                    reference: u.grid.to_string(),
                })?;
            tx.execute(
                "INSERT INTO plan_unit_assignments (plan_id, building_id, unit, grid_id) VALUES ($1, $2, $3, $4)",
                vec![
                    Val::int(id),
                    Val::int(u.building_id),
                    Val::int(i64::from(u.unit)),
                    Val::int(grid_id),
                ],
                &format!("assigning unit {} of building {}", u.unit, u.building_id),
            )
            .await?;
        }
        if let Some(entry) = &plan.audit {
            let entry = NewAuditEntry {
                target: format!("plan/{id}"),
                ..entry.clone()
            };
            append_audit_in(&mut tx, &entry).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The units of a plan's buildings split between grids, by building and unit.
    pub async fn plan_unit_assignment(
        &self,
        plan_id: i64,
    ) -> Result<Vec<UnitAssignment>, StoreError> {
        self.fetch_all(
            "SELECT u.building_id, u.unit, u.grid_id, g.code AS grid_code \
             FROM plan_unit_assignments u JOIN grids g ON g.id = u.grid_id \
             WHERE u.plan_id = $1 ORDER BY u.building_id, u.unit",
            vec![Val::int(plan_id)],
            "reading unit assignments",
        )
        .await
    }

    /// The units of buildings split between grids in the published plans, by building and
    /// unit.
    pub async fn current_unit_assignment(&self) -> Result<Vec<UnitAssignment>, StoreError> {
        self.fetch_all(
            "SELECT u.building_id, u.unit, u.grid_id, g.code AS grid_code \
             FROM current_unit_assignments u JOIN grids g ON g.id = u.grid_id \
             ORDER BY u.building_id, u.unit",
            vec![],
            "reading unit assignments",
        )
        .await
    }

    /// One plan.
    pub async fn plan(&self, id: i64) -> Result<Option<Plan>, StoreError> {
        let sql = format!("SELECT {PLAN_COLS} FROM plans WHERE id = $1");
        let rows: Vec<PlanRow> = self
            .fetch_all(&sql, vec![Val::int(id)], "reading a plan")
            .await?;
        Ok(decode_all(rows)?.pop())
    }

    /// Every plan of a community, newest first (its history).
    pub async fn plans_of(&self, community_id: i64) -> Result<Vec<Plan>, StoreError> {
        let sql = format!("SELECT {PLAN_COLS} FROM plans WHERE community_id = $1 ORDER BY id DESC");
        let rows: Vec<PlanRow> = self
            .fetch_all(&sql, vec![Val::int(community_id)], "listing plans")
            .await?;
        decode_all(rows)
    }

    /// The published plan of a community.
    pub async fn published_plan(&self, community_id: i64) -> Result<Option<Plan>, StoreError> {
        let sql = format!(
            "SELECT {PLAN_COLS} FROM plans WHERE community_id = $1 AND status = 'published'"
        );
        let rows: Vec<PlanRow> = self
            .fetch_all(&sql, vec![Val::int(community_id)], "reading a plan")
            .await?;
        Ok(decode_all(rows)?.pop())
    }

    /// The grids of a plan, by code.
    pub async fn plan_grids(&self, plan_id: i64) -> Result<Vec<Grid>, StoreError> {
        let sql = format!(
            "SELECT g.id, g.plan_id, g.community_id, g.code, g.name, g.kind, g.provisional, g.source, g.source_id, {} AS geom \
             FROM grids g WHERE g.plan_id = $1 ORDER BY g.code, g.id",
            self.dialect().geom_out("g.geom")
        );
        decode_all::<GridRow, _>(
            self.fetch_all(&sql, vec![Val::int(plan_id)], "listing plan grids")
                .await?,
        )
    }

    /// The assignment of a plan: (building id, grid id), by building.
    pub async fn plan_assignment(&self, plan_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            building_id: i64,
            grid_id: i64,
        }
        let rows: Vec<Row> = self
            .fetch_all(
                "SELECT building_id, grid_id FROM plan_assignments WHERE plan_id = $1 ORDER BY building_id",
                vec![Val::int(plan_id)],
                "reading an assignment",
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.building_id, r.grid_id))
            .collect())
    }

    /// Publishes a draft in one transaction: the community's published plan is retired,
    /// the draft becomes the published plan, and workers move to the new grids given by
    /// `worker_moves` (old grid id → new grid id); `audit` is appended to the audit log in
    /// the same transaction. Refused, changing nothing, when the plan is not a draft or
    /// another plan was published since the draft was computed.
    pub async fn publish_plan(
        &self,
        plan_id: i64,
        worker_moves: &[(i64, i64)],
        audit: Option<&NewAuditEntry>,
    ) -> Result<Result<(), PublishRefusal>, StoreError> {
        let mut tx = self.begin().await?;
        lock_community_plans(&mut tx, plan_id).await?;
        let sql = format!("SELECT {PLAN_COLS} FROM plans WHERE id = $1");
        let plan: Plan = match tx
            .fetch_all::<PlanRow>(&sql, vec![Val::int(plan_id)], "reading a plan")
            .await?
            .pop()
        {
            Some(row) => row.try_into()?,
            None => {
                return Err(StoreError::UnknownReference {
                    what: "plan",
                    reference: plan_id.to_string(),
                })
            }
        };
        if plan.status != PlanStatus::Draft {
            return Ok(Err(PublishRefusal::NotDraft(plan.status)));
        }
        let current = tx
            .fetch_id(
                "SELECT id FROM plans WHERE community_id = $1 AND status = 'published'",
                vec![Val::int(plan.community_id)],
                "reading the published plan",
            )
            .await?;
        if current != plan.base_plan_id {
            return Ok(Err(PublishRefusal::Superseded {
                published_plan_id: current,
            }));
        }
        let now = Utc::now();
        if let Some(old) = current {
            tx.execute(
                "UPDATE plans SET status = 'retired' WHERE id = $1",
                vec![Val::int(old)],
                "retiring a plan",
            )
            .await?;
        }
        tx.execute(
            "UPDATE plans SET status = 'published', published_at = $2 WHERE id = $1",
            vec![Val::int(plan_id), Val::Time(Some(now))],
            "publishing a plan",
        )
        .await?;
        for &(old, new) in worker_moves {
            tx.execute(
                "INSERT INTO worker_grids (worker_id, grid_id) SELECT worker_id, $2 FROM worker_grids WHERE grid_id = $1 \
                 ON CONFLICT DO NOTHING",
                vec![Val::int(old), Val::int(new)],
                "moving workers to the new grids",
            )
            .await?;
            // Grid-worker users follow their grid the same way (their scope is by grid).
            tx.execute(
                "INSERT INTO user_grids (user_id, grid_id) SELECT user_id, $2 FROM user_grids WHERE grid_id = $1 \
                 ON CONFLICT DO NOTHING",
                vec![Val::int(old), Val::int(new)],
                "moving grid-worker users to the new grids",
            )
            .await?;
        }
        bump_revision(&mut tx, GRIDS_REVISION).await?;
        bump_revision(&mut tx, ADDRESSES_REVISION).await?;
        // New grids, buildings' grid ids, workers' grids.
        bump_layers(&mut tx, &[Layer::Grids, Layer::Buildings, Layer::Workers]).await?;
        if let Some(entry) = audit {
            append_audit_in(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Applies a manual move to a draft in one transaction: the buildings' assignment, the
    /// boundaries of the grids involved and the plan's metrics. Refused, changing
    /// nothing, when the plan is not a draft, another plan was published since the draft
    /// was computed, or the draft changed since the move was computed (its metrics text
    /// or a building's grid differ).
    pub async fn move_buildings(
        &self,
        m: &PlanMove,
    ) -> Result<Result<(), MoveRefusal>, StoreError> {
        let mut tx = self.begin().await?;
        // The same locks as a publish, so that a move and a publish of the same draft run
        // one after the other.
        lock_community_plans(&mut tx, m.plan_id).await?;
        let sql = format!("SELECT {PLAN_COLS} FROM plans WHERE id = $1");
        let plan: Plan = match tx
            .fetch_all::<PlanRow>(&sql, vec![Val::int(m.plan_id)], "reading a plan")
            .await?
            .pop()
        {
            Some(row) => row.try_into()?,
            None => {
                return Err(StoreError::UnknownReference {
                    what: "plan",
                    reference: m.plan_id.to_string(),
                })
            }
        };
        if plan.status != PlanStatus::Draft {
            return Ok(Err(MoveRefusal::NotDraft(plan.status)));
        }
        let current = tx
            .fetch_id(
                "SELECT id FROM plans WHERE community_id = $1 AND status = 'published'",
                vec![Val::int(plan.community_id)],
                "reading the published plan",
            )
            .await?;
        if current != plan.base_plan_id || current != m.base_plan_id {
            return Ok(Err(MoveRefusal::Superseded {
                published_plan_id: current,
            }));
        }
        if plan.metrics != m.expected_metrics {
            return Ok(Err(MoveRefusal::Changed));
        }
        for &(building, from) in &m.buildings {
            let n = tx
                .execute(
                    "UPDATE plan_assignments SET grid_id = $4 WHERE plan_id = $1 AND building_id = $2 AND grid_id = $3",
                    vec![
                        Val::int(m.plan_id),
                        Val::int(building),
                        Val::int(from),
                        Val::int(m.to_grid),
                    ],
                    "moving a building",
                )
                .await?;
            if n != 1 {
                return Ok(Err(MoveRefusal::Changed));
            }
            // A building split by unit takes the units its grid held (its first group).
            tx.execute(
                "UPDATE plan_unit_assignments SET grid_id = $4 WHERE plan_id = $1 AND building_id = $2 AND grid_id = $3",
                vec![
                    Val::int(m.plan_id),
                    Val::int(building),
                    Val::int(from),
                    Val::int(m.to_grid),
                ],
                "moving a building's units",
            )
            .await?;
        }
        for (grid, boundary) in &m.boundaries {
            let sql = format!(
                "UPDATE grids SET {} WHERE id = $6 AND plan_id = $7",
                tx.dialect().geom_set(1)
            );
            tx.execute(
                &sql,
                vec![
                    Val::Geom(Geometry::MultiPolygon(boundary.clone())),
                    Val::int(*grid),
                    Val::int(m.plan_id),
                ],
                &format!("writing the boundary of grid {grid}"),
            )
            .await?;
        }
        tx.execute(
            "UPDATE plans SET metrics = $2 WHERE id = $1",
            vec![Val::int(m.plan_id), Val::text(&m.metrics)],
            "writing the plan's metrics",
        )
        .await?;
        if let Some(entry) = &m.audit {
            append_audit_in(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// Locks the plans of `plan_id`'s community for the rest of `tx`: SQLite takes its write
/// lock at once, PostgreSQL locks the community's plan rows. Of two concurrent publishes
/// or moves one waits, then sees the other's result.
async fn lock_community_plans(tx: &mut super::tx::Tx, plan_id: i64) -> Result<(), StoreError> {
    let lock = match tx.dialect() {
        super::Dialect::Postgres => {
            "SELECT id FROM plans WHERE community_id = (SELECT community_id FROM plans WHERE id = $1) ORDER BY id FOR UPDATE"
        }
        super::Dialect::Sqlite => "UPDATE plans SET id = id WHERE id = $1",
    };
    tx.execute(lock, vec![Val::int(plan_id)], "locking plans")
        .await?;
    Ok(())
}
