//! Layer versions and drill-down reads: the per-layer version counters that HTTP caching
//! (ETag) and the vector-tile snapshots follow, the summaries of a region or a grid, and
//! households with their people.
//!
//! A layer's version is bumped by every write transaction that changes what the layer
//! serves, in the same transaction as the write (see [`bump_layers`]), so a version read
//! before the data can never be newer than the data read after it.

use std::collections::HashMap;

use geo::Intersects;
use serde::Serialize;

use super::tx::Tx;
use super::types::{decode_all, parse_enum, Household, HouseholdRow};
use super::value::Val;
use super::{Dialect, Store, StoreError};
use crate::model::ResidenceType;

/// A layer as served over HTTP, with its version counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Districts, streets and communities.
    Regions,
    /// Grids of published plans, with their building and household totals and workers.
    Grids,
    /// Buildings with their grid (published assignment), household count and estimate flag.
    Buildings,
    /// Household records and their people.
    Households,
    /// Cameras.
    Cameras,
    /// Workers and the grids they serve.
    Workers,
}

impl Layer {
    /// Every layer.
    pub const ALL: [Layer; 6] = [
        Layer::Regions,
        Layer::Grids,
        Layer::Buildings,
        Layer::Households,
        Layer::Cameras,
        Layer::Workers,
    ];

    /// The name of its counter in the `revisions` table.
    pub const fn revision_name(self) -> &'static str {
        match self {
            Layer::Regions => "layer:regions",
            Layer::Grids => "layer:grids",
            Layer::Buildings => "layer:buildings",
            Layer::Households => "layer:households",
            Layer::Cameras => "layer:cameras",
            Layer::Workers => "layer:workers",
        }
    }
}

/// The versions of every layer at one moment, and the database's epoch (a random number
/// drawn when the database was created, so equal versions of two databases differ).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerVersions {
    pub epoch: i64,
    versions: HashMap<&'static str, i64>,
}

impl LayerVersions {
    /// The version of `layer` (0 before its first write).
    pub fn of(&self, layer: Layer) -> i64 {
        self.versions
            .get(layer.revision_name())
            .copied()
            .unwrap_or(0)
    }
}

/// Increments the version of each of `layers` inside the caller's transaction.
pub(crate) async fn bump_layers(tx: &mut Tx, layers: &[Layer]) -> Result<(), StoreError> {
    for layer in layers {
        super::write::bump_revision(tx, layer.revision_name()).await?;
    }
    Ok(())
}

/// Totals of a region or a grid for drill-down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Summary {
    /// Grids of published plans (1 for a grid).
    pub grids: i64,
    pub buildings: i64,
    /// Households of the buildings (registered or estimated).
    pub households: i64,
    /// Residents of the household records (buildings with only an estimate have none).
    pub residents: i64,
    /// Floating population of the household records.
    pub floating: i64,
    /// Distinct workers serving the grids.
    pub workers: i64,
    /// Cameras inside the boundary (on it counts as inside).
    #[sqlx(default)]
    pub cameras: i64,
}

/// A person of a household, unmasked (masking is the API's business, see [`crate::mask`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub sex: Option<String>,
    pub birth_year: Option<i32>,
    pub relation: Option<String>,
    pub residence_type: ResidenceType,
    pub care_tags: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    household_id: i64,
    name: String,
    id_number: String,
    phone: Option<String>,
    sex: Option<String>,
    birth_year: Option<i32>,
    relation: Option<String>,
    residence_type: String,
    care_tags: String,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;
    fn try_from(r: PersonRow) -> Result<Self, StoreError> {
        Ok(Person {
            residence_type: parse_enum("people", r.id, &r.residence_type)?,
            id: r.id,
            household_id: r.household_id,
            name: r.name,
            id_number: r.id_number,
            phone: r.phone,
            sex: r.sex,
            birth_year: r.birth_year,
            relation: r.relation,
            care_tags: r
                .care_tags
                .split(';')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }
}

/// Sub-query of the ids of a region and every region below it.
const SUBTREE: &str = "WITH RECURSIVE sub(id) AS (SELECT id FROM regions WHERE id = $1 \
     UNION ALL SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id)";

impl Store {
    /// The version of every layer, read in one statement.
    pub async fn layer_versions(&self) -> Result<LayerVersions, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            name: String,
            value: i64,
        }
        let rows: Vec<Row> = self
            .fetch_all(
                "SELECT name, value FROM revisions WHERE name = 'epoch' OR name LIKE 'layer:%'",
                vec![],
                "reading layer versions",
            )
            .await?;
        let mut out = LayerVersions::default();
        for r in rows {
            if r.name == "epoch" {
                out.epoch = r.value;
            } else if let Some(layer) = Layer::ALL.iter().find(|l| l.revision_name() == r.name) {
                out.versions.insert(layer.revision_name(), r.value);
            }
        }
        Ok(out)
    }

    /// Totals of a region (district, street or community) and everything below it; `None`
    /// when the region does not exist.
    pub async fn region_summary(&self, id: i64) -> Result<Option<Summary>, StoreError> {
        let sql = format!(
            "{SUBTREE} SELECT \
             (SELECT COUNT(*) FROM current_grids g WHERE g.community_id IN (SELECT id FROM sub)) AS grids, \
             (SELECT COUNT(*) FROM buildings b WHERE b.community_id IN (SELECT id FROM sub)) AS buildings, \
             (SELECT COALESCE(SUM(b.households), 0) FROM buildings b WHERE b.community_id IN (SELECT id FROM sub)) AS households, \
             (SELECT COALESCE(SUM(h.residents), 0) FROM households h JOIN buildings b ON b.id = h.building_id \
                WHERE b.community_id IN (SELECT id FROM sub)) AS residents, \
             (SELECT COALESCE(SUM(h.floating), 0) FROM households h JOIN buildings b ON b.id = h.building_id \
                WHERE b.community_id IN (SELECT id FROM sub)) AS floating, \
             (SELECT COUNT(DISTINCT wg.worker_id) FROM worker_grids wg JOIN current_grids g ON g.id = wg.grid_id \
                WHERE g.community_id IN (SELECT id FROM sub)) AS workers \
             FROM regions WHERE id = $1"
        );
        let Some(mut summary) = self
            .fetch_all::<Summary>(&sql, vec![Val::int(id)], "summarising a region")
            .await?
            .pop()
        else {
            return Ok(None);
        };
        summary.cameras = self.cameras_within("regions", id).await?;
        Ok(Some(summary))
    }

    /// Totals of one grid (of any plan: its own plan's assignment); `None` when the grid
    /// does not exist.
    pub async fn grid_summary(&self, id: i64) -> Result<Option<Summary>, StoreError> {
        // A building split by unit between grids (plan_unit_assignments) counts in each of
        // its grids with the households of the units that grid holds.
        let not_split = "NOT EXISTS (SELECT 1 FROM plan_unit_assignments u \
             WHERE u.plan_id = pa.plan_id AND u.building_id = pa.building_id)";
        let members = format!(
            "(SELECT h.residents, h.floating FROM plan_assignments pa JOIN households h ON h.building_id = pa.building_id \
                WHERE pa.grid_id = $1 AND {not_split} \
              UNION ALL SELECT h.residents, h.floating FROM plan_unit_assignments u \
                JOIN households h ON h.building_id = u.building_id AND h.unit = u.unit WHERE u.grid_id = $1)"
        );
        let sql = format!(
            "SELECT CAST(1 AS BIGINT) AS grids, \
             (SELECT COUNT(*) FROM (SELECT building_id FROM plan_assignments WHERE grid_id = $1 \
                UNION SELECT building_id FROM plan_unit_assignments WHERE grid_id = $1) x) AS buildings, \
             (SELECT COALESCE(SUM(b.households), 0) FROM plan_assignments pa JOIN buildings b ON b.id = pa.building_id \
                WHERE pa.grid_id = $1 AND {not_split}) \
              + (SELECT COUNT(*) FROM plan_unit_assignments u \
                JOIN households h ON h.building_id = u.building_id AND h.unit = u.unit WHERE u.grid_id = $1) AS households, \
             (SELECT COALESCE(SUM(m.residents), 0) FROM {members} m) AS residents, \
             (SELECT COALESCE(SUM(m.floating), 0) FROM {members} m) AS floating, \
             (SELECT COUNT(DISTINCT wg.worker_id) FROM worker_grids wg WHERE wg.grid_id = $1) AS workers \
             FROM grids WHERE id = $1"
        );
        let Some(mut summary) = self
            .fetch_all::<Summary>(&sql, vec![Val::int(id)], "summarising a grid")
            .await?
            .pop()
        else {
            return Ok(None);
        };
        summary.cameras = self.cameras_within("grids", id).await?;
        Ok(Some(summary))
    }

    /// Cameras inside or on the boundary of row `id` of `table` (`regions` or `grids`):
    /// PostGIS answers with `ST_Intersects` over the GiST index; SQLite selects candidates
    /// by envelope and the exact test runs here with geo, with the same rule.
    async fn cameras_within(&self, table: &'static str, id: i64) -> Result<i64, StoreError> {
        match self.dialect() {
            Dialect::Postgres => {
                #[derive(sqlx::FromRow)]
                struct Row {
                    n: i64,
                }
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM cameras c JOIN {table} t ON ST_Intersects(t.geom, c.geom) \
                     WHERE t.id = $1"
                );
                let rows: Vec<Row> = self
                    .fetch_all(&sql, vec![Val::int(id)], "counting cameras")
                    .await?;
                Ok(rows.first().map(|r| r.n).unwrap_or(0))
            }
            Dialect::Sqlite => {
                #[derive(sqlx::FromRow)]
                struct Row {
                    id: i64,
                    area: Vec<u8>,
                    point: Vec<u8>,
                }
                let sql = format!(
                    "SELECT c.id, t.geom AS area, c.geom AS point FROM cameras c JOIN {table} t \
                     ON c.minx <= t.maxx AND c.maxx >= t.minx AND c.miny <= t.maxy AND c.maxy >= t.miny \
                     WHERE t.id = $1"
                );
                let rows: Vec<Row> = self
                    .fetch_all(&sql, vec![Val::int(id)], "counting cameras")
                    .await?;
                let Some(first) = rows.first() else {
                    return Ok(0);
                };
                let corrupt = |what: &'static str, id: i64, e: crate::geometry::GeometryError| {
                    StoreError::Corrupt {
                        table: what,
                        id,
                        reason: e.to_string(),
                    }
                };
                let area = crate::geometry::multipolygon_from_wkb(&first.area)
                    .map_err(|e| corrupt(table, id, e))?;
                let mut n = 0;
                for r in &rows {
                    let p = crate::geometry::point_from_wkb(&r.point)
                        .map_err(|e| corrupt("cameras", r.id, e))?;
                    if area.intersects(&p) {
                        n += 1;
                    }
                }
                Ok(n)
            }
        }
    }

    /// One household record.
    pub async fn household(&self, id: i64) -> Result<Option<Household>, StoreError> {
        let sql = "SELECT id, building_id, unit, floor, room, status, residents, floating \
                   FROM households WHERE id = $1";
        let rows: Vec<HouseholdRow> = self
            .fetch_all(sql, vec![Val::int(id)], "reading a household")
            .await?;
        Ok(decode_all(rows)?.pop())
    }

    /// The people of a household, by id.
    pub async fn people(&self, household_id: i64) -> Result<Vec<Person>, StoreError> {
        let sql = "SELECT id, household_id, name, id_number, phone, sex, birth_year, relation, \
                   residence_type, care_tags FROM people WHERE household_id = $1 ORDER BY id";
        decode_all::<PersonRow, _>(
            self.fetch_all(sql, vec![Val::int(household_id)], "listing people")
                .await?,
        )
    }
}
