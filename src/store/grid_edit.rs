//! Editing single grids of published plans (OGC API – Features Part 4): create, replace,
//! delete. Each edit is one transaction that validates like an import or a planner's
//! boundary edit ([`check_storable`](crate::geometry::check_storable): valid EPSG:4326
//! polygons), checks the community and the code, and bumps the grids and addresses
//! revisions so the lookup index and the address book follow. Refused edits change nothing.

use chrono::Utc;
use geo::{Geometry, Intersects, MultiPolygon};

use super::auth::{append_audit_in, NewAuditEntry};
use super::dialect::upsert;
use super::tx::Tx;
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
    /// The edit conflicts with stored data (a code in use, buildings still assigned).
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

/// Checks the community exists, is a community and meets the boundary.
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
    let community =
        crate::geometry::multipolygon_from_wkb(&row.geom).map_err(|e| StoreError::Corrupt {
            table: "regions",
            id: g.community_id,
            reason: e.to_string(),
        })?;
    if !community.intersects(&g.boundary) {
        return Err(GridEditError::Invalid(format!(
            "{what}: the geometry lies outside community {}",
            g.community_id
        )));
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
