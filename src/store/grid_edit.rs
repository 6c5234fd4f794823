//! Editing single grids of published plans (OGC API – Features Part 4): create, replace,
//! delete. Each edit is one transaction that validates like an import or a planner's
//! boundary edit ([`check_storable`](crate::geometry::check_storable): valid EPSG:4326
//! polygons), checks the community and the code, keeps the community tiled (no overlap
//! with another grid, nothing outside the community: [`grid_fit`](super::grid_fit)), moves
//! the buildings whose point changes grid, and bumps the grids and addresses revisions so
//! the lookup index and the address book follow. Refused edits change nothing.

use chrono::Utc;
use geo::{Geometry, Intersects, MultiPolygon};

use super::auth::{append_audit_in, NewAuditEntry};
use super::dialect::upsert;
use super::grid_fit::{self, Placed};
use super::tx::Tx;
use super::types::polygons;
use super::value::Val;
use super::write::{bump_revision, ADDRESSES_REVISION, GRIDS_REVISION};
use super::{Store, StoreError};
use crate::model::GridKind;

/// The editable fields of a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridFields {
    /// The community the grid belongs to (cannot change on replace).
    pub community_id: i64,
    /// Unique within the community's published plan; not empty.
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    /// EPSG:4326 longitude/latitude.
    pub boundary: MultiPolygon<f64>,
}

/// Why a grid edit was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum GridEditError {
    /// No grid of a published plan has this id.
    #[error("grid {0} does not exist")]
    NotFound(i64),
    /// The fields are not acceptable (geometry, community, empty code).
    #[error("{0}")]
    Invalid(String),
    /// The edit conflicts with stored data (a code in use, an overlap with another grid,
    /// buildings still assigned).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(sqlx::FromRow)]
struct CommunityRow {
    level: String,
    geom: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct GridGeom {
    id: i64,
    code: String,
    geom: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct AssignedBuilding {
    id: i64,
    grid_id: i64,
    geom: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct GridRef {
    plan_id: i64,
    community_id: i64,
}

/// Checks the fields that need no database: the boundary and the code.
fn check_fields(g: &GridFields, what: &str) -> Result<(), GridEditError> {
    crate::geometry::check_storable(&Geometry::MultiPolygon(g.boundary.clone()))
        .map_err(|e| GridEditError::Invalid(format!("{what}: geometry: {e}")))?;
    if g.code.trim().is_empty() {
        return Err(GridEditError::Invalid(format!("{what}: code is empty")));
    }
    if g.name.trim().is_empty() {
        return Err(GridEditError::Invalid(format!("{what}: name is empty")));
    }
    Ok(())
}

/// Checks the community exists, is a community and holds the boundary (up to
/// [`grid_fit::TOLERANCE_M2`] outside it).
async fn check_community(tx: &mut Tx, g: &GridFields, what: &str) -> Result<(), GridEditError> {
    let sql = format!(
        "SELECT level, {} AS geom FROM regions WHERE id = $1",
        tx.dialect().geom_out("geom")
    );
    let rows: Vec<CommunityRow> = tx
        .fetch_all(&sql, vec![Val::int(g.community_id)], "reading a community")
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Err(GridEditError::Invalid(format!(
            "{what}: community_id {} does not exist",
            g.community_id
        )));
    };
    if row.level != "community" {
        return Err(GridEditError::Invalid(format!(
            "{what}: region {} is a {}, not a community",
            g.community_id, row.level
        )));
    }
    let community = polygons("regions", g.community_id, &row.geom)?;
    if !community.intersects(&g.boundary) {
        return Err(GridEditError::Invalid(format!(
            "{what}: the geometry lies outside community {}",
            g.community_id
        )));
    }
    let outside = grid_fit::outside_m2(&g.boundary, &community);
    if outside > grid_fit::TOLERANCE_M2 {
        return Err(GridEditError::Invalid(format!(
            "{what}: the geometry extends {outside:.0} m² outside community {}: the grids of a community tile it",
            g.community_id
        )));
    }
    Ok(())
}

/// The grids of `plan`, with their boundaries.
async fn plan_grids(
    tx: &mut Tx,
    plan: i64,
) -> Result<Vec<(i64, String, MultiPolygon<f64>)>, StoreError> {
    let sql = format!(
        "SELECT id, code, {} AS geom FROM grids WHERE plan_id = $1 ORDER BY id",
        tx.dialect().geom_out("geom")
    );
    let rows: Vec<GridGeom> = tx
        .fetch_all(&sql, vec![Val::int(plan)], "reading the plan's grids")
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.id, r.code, polygons("grids", r.id, &r.geom)?)))
        .collect()
}

/// Refuses a boundary overlapping another grid of `plan` (other than grid `except`
/// itself and the grids sharing a building split by unit with it, which share that
/// building's cell by design). Returns the plan's other grids (all but `except`).
async fn check_overlaps(
    tx: &mut Tx,
    plan: i64,
    except: Option<i64>,
    g: &GridFields,
    what: &str,
) -> Result<Vec<(i64, MultiPolygon<f64>)>, GridEditError> {
    let mut exempt: Vec<i64> = except.into_iter().collect();
    if let Some(id) = except {
        let rows: Vec<(i64,)> = tx
            .fetch_all(
                "SELECT DISTINCT b.grid_id FROM plan_unit_assignments a \
                 JOIN plan_unit_assignments b ON b.plan_id = a.plan_id AND b.building_id = a.building_id \
                 WHERE a.grid_id = $1",
                vec![Val::int(id)],
                "reading the grids of split buildings",
            )
            .await?;
        exempt.extend(rows.into_iter().map(|(id,)| id));
    }
    let mut codes = Vec::new();
    let mut others = Vec::new();
    for (id, code, boundary) in plan_grids(tx, plan).await? {
        if Some(id) != except {
            codes.push((id, code));
            others.push((id, boundary));
        }
    }
    let checked: Vec<(i64, MultiPolygon<f64>)> = others
        .iter()
        .filter(|(id, _)| !exempt.contains(id))
        .cloned()
        .collect();
    if let Some((id, m2)) = grid_fit::first_overlap(&g.boundary, &checked) {
        let code = codes
            .iter()
            .find(|(g, _)| *g == id)
            .map(|(_, c)| c.as_str())
            .unwrap_or_default();
        return Err(GridEditError::Conflict(format!(
            "{what}: the geometry overlaps grid {id} ({code}) by {m2:.0} m²: the grids of a community may not overlap; cut that grid first, or snap the shared edge"
        )));
    }
    Ok(others)
}

/// Moves the buildings of `plan` whose representative point changes grid now that grid
/// `edited` has `boundary` ([`grid_fit::moves`]; `others`: the plan's other grids).
/// Only the edited grid's buildings and those whose envelope meets its new envelope can
/// move, so only those are read. Buildings split by unit stay.
async fn follow_buildings(
    tx: &mut Tx,
    plan: i64,
    edited: i64,
    boundary: &MultiPolygon<f64>,
    mut others: Vec<(i64, MultiPolygon<f64>)>,
) -> Result<(), StoreError> {
    let Some(envelope) = crate::geometry::bbox(boundary) else {
        return Ok(());
    };
    let sql = format!(
        "SELECT a.building_id AS id, a.grid_id, {} AS geom FROM plan_assignments a \
         JOIN buildings b ON b.id = a.building_id WHERE a.plan_id = $1 \
         AND (a.grid_id = $2 OR {}) AND NOT EXISTS (SELECT 1 FROM plan_unit_assignments u \
         WHERE u.plan_id = a.plan_id AND u.building_id = a.building_id)",
        tx.dialect().geom_out("b.geom"),
        tx.dialect().bbox_filter("b", 3)
    );
    let mut vals = vec![Val::int(plan), Val::int(edited)];
    vals.extend(
        [
            envelope.min().x,
            envelope.min().y,
            envelope.max().x,
            envelope.max().y,
        ]
        .map(|v| Val::Real(Some(v))),
    );
    let rows: Vec<AssignedBuilding> = tx
        .fetch_all(&sql, vals, "reading the buildings near the edited grid")
        .await?;
    let mut placed = Vec::with_capacity(rows.len());
    for r in rows {
        let footprint = polygons("buildings", r.id, &r.geom)?;
        if let Some(point) = crate::geometry::representative_point(&footprint) {
            placed.push(Placed {
                building: r.id,
                grid: r.grid_id,
                point,
            });
        }
    }
    others.push((edited, boundary.clone()));
    for (building, from, to) in grid_fit::moves(edited, &others, &placed) {
        tx.execute(
            "UPDATE plan_assignments SET grid_id = $4 WHERE plan_id = $1 AND building_id = $2 AND grid_id = $3",
            vec![Val::int(plan), Val::int(building), Val::int(from), Val::int(to)],
            &format!("moving building {building} to grid {to}"),
        )
        .await?;
    }
    Ok(())
}

/// Refuses a code another grid of `plan` already has.
async fn check_code(
    tx: &mut Tx,
    plan: i64,
    code: &str,
    except: Option<i64>,
) -> Result<(), GridEditError> {
    let other = tx
        .fetch_id(
            "SELECT id FROM grids WHERE plan_id = $1 AND code = $2 AND id <> $3",
            vec![
                Val::int(plan),
                Val::text(code),
                Val::int(except.unwrap_or(-1)),
            ],
            "checking a grid code",
        )
        .await?;
    match other {
        Some(id) => Err(GridEditError::Conflict(format!(
            "code {code:?} is already used by grid {id} of the same plan"
        ))),
        None => Ok(()),
    }
}

/// The published grid `id`: its plan and community.
async fn published_grid(tx: &mut Tx, id: i64) -> Result<GridRef, GridEditError> {
    let rows: Vec<GridRef> = tx
        .fetch_all(
            "SELECT g.plan_id, g.community_id FROM grids g JOIN plans p ON p.id = g.plan_id \
             WHERE g.id = $1 AND p.status = 'published'",
            vec![Val::int(id)],
            "reading a grid",
        )
        .await?;
    rows.into_iter().next().ok_or(GridEditError::NotFound(id))
}

/// Turns a database refusal of the geometry (the PostGIS validity check) into `Invalid`.
fn refused_geometry(e: StoreError, what: &str) -> GridEditError {
    if let StoreError::Database {
        source: sqlx::Error::Database(db),
        ..
    } = &e
    {
        if db.code().as_deref() == Some("23514") {
            return GridEditError::Invalid(format!(
                "{what}: geometry refused by the database: {}",
                db.message()
            ));
        }
    }
    GridEditError::Store(e)
}

/// The end of every grid edit: revisions and layer versions bumped, `audit` appended.
async fn bump_and_audit(tx: &mut Tx, audit: Option<&NewAuditEntry>) -> Result<(), StoreError> {
    bump_revision(tx, GRIDS_REVISION).await?;
    // Layer versions (ETag, tiles): grids, and buildings whose grid may change.
    super::layers::bump_layers(tx, &[super::Layer::Grids, super::Layer::Buildings]).await?;
    bump_revision(tx, ADDRESSES_REVISION).await?;
    if let Some(entry) = audit {
        append_audit_in(tx, entry).await?;
    }
    Ok(())
}

impl Store {
    /// Adds a grid to its community's published plan (creating the plan when the
    /// community has none) and returns its id. `audit` is appended in the same
    /// transaction, its target set to `grid/{the new id}`.
    pub async fn create_grid(
        &self,
        g: &GridFields,
        audit: Option<&NewAuditEntry>,
    ) -> Result<i64, GridEditError> {
        let what = "new grid";
        check_fields(g, what)?;
        let mut tx = self.begin().await?;
        check_community(&mut tx, g, what).await?;
        let plan = match tx
            .fetch_id(
                "SELECT id FROM plans WHERE community_id = $1 AND status = 'published'",
                vec![Val::int(g.community_id)],
                "finding the published plan",
            )
            .await?
        {
            Some(p) => p,
            None => {
                let now = Utc::now();
                tx.fetch_id(
                    "INSERT INTO plans (community_id, status, parameters, metrics, author, created_at, published_at) \
                     VALUES ($1, 'published', '{\"origin\":\"ogc\"}', '{}', 'ogc', $2, $3) RETURNING id",
                    vec![Val::int(g.community_id), Val::Time(Some(now)), Val::Time(Some(now))],
                    "creating a plan",
                )
                .await?
                .ok_or_else(|| StoreError::UnknownReference {
                    what: "plan",
                    reference: g.community_id.to_string(),
                })?
            }
        };
        check_code(&mut tx, plan, &g.code, None).await?;
        let others = check_overlaps(&mut tx, plan, None, g, what).await?;
        let source_id = format!(
            "ogc-{}-{:016x}",
            Utc::now().timestamp_micros(),
            rand::random::<u64>()
        );
        let cols = vec![
            ("plan_id", Val::int(plan)),
            ("community_id", Val::int(g.community_id)),
            ("code", Val::text(&g.code)),
            ("name", Val::text(&g.name)),
            ("kind", Val::text(g.kind.as_ref())),
            ("provisional", Val::Bool(false)),
            ("source", Val::text("ogc")),
            ("source_id", Val::text(source_id)),
            (
                "geom",
                Val::Geom(Geometry::MultiPolygon(g.boundary.clone())),
            ),
        ];
        let sql = upsert(tx.dialect(), "grids", &cols, &[], true);
        let id = tx
            .fetch_id(
                &sql,
                cols.into_iter().map(|(_, v)| v).collect(),
                "creating a grid",
            )
            .await
            .map_err(|e| refused_geometry(e, what))?
            .ok_or_else(|| StoreError::UnknownReference {
                what: "grid",
                reference: g.code.clone(),
            })?;
        follow_buildings(&mut tx, plan, id, &g.boundary, others).await?;
        let audit = audit.map(|e| NewAuditEntry {
            target: format!("grid/{id}"),
            ..e.clone()
        });
        bump_and_audit(&mut tx, audit.as_ref()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces code, name, kind and boundary of the published grid `id`, with `audit`
    /// appended in the same transaction. The community cannot change.
    pub async fn replace_grid(
        &self,
        id: i64,
        g: &GridFields,
        audit: Option<&NewAuditEntry>,
    ) -> Result<(), GridEditError> {
        let what = format!("grid {id}");
        check_fields(g, &what)?;
        let mut tx = self.begin().await?;
        let current = published_grid(&mut tx, id).await?;
        if current.community_id != g.community_id {
            return Err(GridEditError::Invalid(format!(
                "{what}: community_id cannot change ({} → {}); redraw the communities' grids with a plan",
                current.community_id, g.community_id
            )));
        }
        check_community(&mut tx, g, &what).await?;
        check_code(&mut tx, current.plan_id, &g.code, Some(id)).await?;
        let others = check_overlaps(&mut tx, current.plan_id, Some(id), g, &what).await?;
        let sql = format!(
            "UPDATE grids SET code = $1, name = $2, kind = $3, {} WHERE id = $9",
            tx.dialect().geom_set(4)
        );
        tx.execute(
            &sql,
            vec![
                Val::text(&g.code),
                Val::text(&g.name),
                Val::text(g.kind.as_ref()),
                Val::Geom(Geometry::MultiPolygon(g.boundary.clone())),
                Val::int(id),
            ],
            "replacing a grid",
        )
        .await
        .map_err(|e| refused_geometry(e, &what))?;
        follow_buildings(&mut tx, current.plan_id, id, &g.boundary, others).await?;
        bump_and_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the published grid `id`. Refused while buildings (or units of a building
    /// split by unit) are assigned to it or workers serve it: those move with a plan.
    /// `audit` is appended in the same transaction.
    pub async fn delete_grid(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
    ) -> Result<(), GridEditError> {
        let mut tx = self.begin().await?;
        published_grid(&mut tx, id).await?;
        let count = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE grid_id = $1");
        // Buildings whose cell it holds, or units of a building split by unit.
        let buildings = tx
            .fetch_id(
                "SELECT COUNT(*) FROM (SELECT building_id FROM plan_assignments WHERE grid_id = $1 \
                 UNION SELECT building_id FROM plan_unit_assignments WHERE grid_id = $1) x",
                vec![Val::int(id)],
                "counting buildings",
            )
            .await?
            .unwrap_or(0);
        let workers = tx
            .fetch_id(
                &count("worker_grids"),
                vec![Val::int(id)],
                "counting workers",
            )
            .await?
            .unwrap_or(0);
        if buildings > 0 || workers > 0 {
            return Err(GridEditError::Conflict(format!(
                "grid {id} still has {buildings} buildings and {workers} workers assigned: \
                 move them to other grids with a plan first"
            )));
        }
        tx.execute(
            "DELETE FROM grids WHERE id = $1",
            vec![Val::int(id)],
            "deleting a grid",
        )
        .await?;
        bump_and_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }
}
