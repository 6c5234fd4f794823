//! Paged reads for exports: every exported table read in keyset pages ordered by id
//! (`WHERE id > $last ORDER BY id LIMIT n`), so that a district of a million buildings is
//! never held in memory and no statement runs long (each page is one short indexed
//! statement, well inside PostgreSQL's statement time limit). Also the row counts for
//! progress and the per-grid figures (households, buildings, workers) an export adds.
//!
//! A building's grid here is its assignment in its own community's published plan (or
//! in the plan asked for): one primary-key lookup per building, where the store's other
//! reads join every published assignment. The two agree whenever a building is assigned
//! in its own community's plan, which imports, balancing and moves guarantee.
//!
//! Calls only the rest of the store.

use std::collections::HashMap;

use geo::Point;

use super::types::*;
use super::value::Val;
use super::{Dialect, Store, StoreError};
use crate::geometry;
use crate::model::{Address, RegionLevel};

/// Regions to read: of one level (all levels when `None`), optionally only some ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionRows {
    pub level: Option<RegionLevel>,
    pub ids: Option<Vec<i64>>,
}

/// Which plan's grids and assignment to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanChoice {
    /// Each community's published plan.
    #[default]
    Published,
    /// One plan, whatever its status.
    Plan(i64),
}

/// Grids to read: of the published plans or of one plan, optionally of one community.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GridRows {
    pub plan: PlanChoice,
    pub community: Option<i64>,
}

/// Buildings to read, with their grid in `plan`, optionally of one community.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildingRows {
    pub plan: PlanChoice,
    pub community: Option<i64>,
}

/// Point or line features to read, optionally those whose envelope meets
/// `[minx, miny, maxx, maxy]`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BoxRows {
    pub bbox: Option<[f64; 4]>,
}

/// Address points to read, optionally those of one community's buildings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPointRows {
    pub community: Option<i64>,
}

/// Any of the exported tables, for [`Store::export_count`].
#[derive(Debug, Clone, PartialEq)]
pub enum ExportRows {
    Regions(RegionRows),
    Grids(GridRows),
    Buildings(BuildingRows),
    Cameras(BoxRows),
    Barriers(BoxRows),
    AddressPoints(AddressPointRows),
}

/// A grid with what an export shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportGrid {
    pub grid: Grid,
    pub community_name: String,
}

/// A building with the code of its grid.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportBuilding {
    pub building: Building,
    pub grid_code: Option<String>,
}

/// A stored address point (an OSM address node or a GeoJSON address feature).
#[derive(Debug, Clone, PartialEq)]
pub struct AddressPoint {
    pub id: i64,
    pub source_id: String,
    pub building_id: Option<i64>,
    pub address: Address,
    pub location: Point<f64>,
}

/// FROM, WHERE and bound values selecting the rows of one table; the keyset column is
/// `t.id` and the first value is bound at `$1` onwards.
struct Selection {
    from: String,
    condition: String,
    vals: Vec<Val>,
}

impl Selection {
    fn new(from: impl Into<String>) -> Selection {
        Selection {
            from: from.into(),
            condition: "1 = 1".into(),
            vals: Vec::new(),
        }
    }

    /// Adds `column = value`.
    fn equal(&mut self, column: &str, value: Val) {
        self.vals.push(value);
        self.condition
            .push_str(&format!(" AND {column} = ${}", self.vals.len()));
    }

    /// Adds a literal condition.
    fn and(&mut self, condition: &str) {
        self.condition.push_str(&format!(" AND {condition}"));
    }

    /// Adds `t.id IN (...)`; nothing matches an empty list.
    fn ids(&mut self, ids: &[i64]) {
        if ids.is_empty() {
            self.and("1 = 0");
            return;
        }
        let first = self.vals.len() + 1;
        self.vals.extend(ids.iter().map(|&i| Val::int(i)));
        let params: Vec<String> = (first..first + ids.len())
            .map(|n| format!("${n}"))
            .collect();
        self.and(&format!("t.id IN ({})", params.join(", ")));
    }

    /// Adds the envelope test of `t` against a box.
    fn bbox(&mut self, d: Dialect, [minx, miny, maxx, maxy]: [f64; 4]) {
        let n = self.vals.len() + 1;
        self.vals
            .extend([minx, miny, maxx, maxy].map(|v| Val::Real(Some(v))));
        let condition = d.bbox_filter("t", n);
        self.and(&condition);
    }

    /// `SELECT columns … WHERE … AND t.id > after ORDER BY t.id LIMIT limit`.
    fn page(mut self, columns: &str, after: i64, limit: i64) -> (String, Vec<Val>) {
        let n = self.vals.len();
        self.vals.push(Val::int(after));
        self.vals.push(Val::int(limit));
        (
            format!(
                "SELECT {columns} FROM {} WHERE {} AND t.id > ${} ORDER BY t.id LIMIT ${}",
                self.from,
                self.condition,
                n + 1,
                n + 2
            ),
            self.vals,
        )
    }

    fn count(self) -> (String, Vec<Val>) {
        (
            format!(
                "SELECT COUNT(*) AS n FROM {} WHERE {}",
                self.from, self.condition
            ),
            self.vals,
        )
    }
}

impl RegionRows {
    fn selection(&self) -> Selection {
        let mut s = Selection::new("regions t");
        if let Some(level) = self.level {
            s.equal("t.level", Val::text(level.as_ref()));
        }
        if let Some(ids) = &self.ids {
            s.ids(ids);
        }
        s
    }
}

impl GridRows {
    fn selection(&self) -> Selection {
        let mut s = Selection::new(
            "grids t JOIN plans p ON p.id = t.plan_id JOIN regions c ON c.id = t.community_id",
        );
        match self.plan {
            PlanChoice::Published => s.and("p.status = 'published'"),
            PlanChoice::Plan(id) => s.equal("t.plan_id", Val::int(id)),
        }
        if let Some(c) = self.community {
            s.equal("t.community_id", Val::int(c));
        }
        s
    }
}

impl BuildingRows {
    fn selection(&self) -> Selection {
        let mut s = Selection::new("");
        let plan_join = match self.plan {
            PlanChoice::Published => "LEFT JOIN plans pp ON pp.community_id = t.community_id \
                 AND pp.status = 'published' \
                 LEFT JOIN plan_assignments a ON a.plan_id = pp.id AND a.building_id = t.id"
                .to_string(),
            PlanChoice::Plan(id) => {
                s.vals.push(Val::int(id));
                format!(
                    "LEFT JOIN plan_assignments a ON a.plan_id = ${} AND a.building_id = t.id",
                    s.vals.len()
                )
            }
        };
        s.from = format!("buildings t {plan_join} LEFT JOIN grids g ON g.id = a.grid_id");
        if let Some(c) = self.community {
            s.equal("t.community_id", Val::int(c));
        }
        s
    }
}

impl BoxRows {
    fn selection(&self, table: &str, d: Dialect) -> Selection {
        let mut s = Selection::new(format!("{table} t"));
        if let Some(bbox) = self.bbox {
            s.bbox(d, bbox);
        }
        s
    }
}

impl AddressPointRows {
    fn selection(&self) -> Selection {
        let mut s = Selection::new("address_points t");
        if let Some(c) = self.community {
            s.vals.push(Val::int(c));
            let n = s.vals.len();
            s.and(&format!(
                "t.building_id IN (SELECT id FROM buildings WHERE community_id = ${n})"
            ));
        }
        s
    }
}

#[derive(sqlx::FromRow)]
struct CountRow {
    n: i64,
}

#[derive(sqlx::FromRow)]
struct ExportGridRow {
    #[sqlx(flatten)]
    grid: GridRow,
    community_name: String,
}

#[derive(sqlx::FromRow)]
struct ExportBuildingRow {
    #[sqlx(flatten)]
    building: BuildingRow,
    grid_code: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AddressPointRow {
    id: i64,
    source_id: String,
    building_id: Option<i64>,
    road: Option<String>,
    house_number: Option<String>,
    compound: Option<String>,
    building_no: Option<String>,
    geom: Vec<u8>,
}

impl TryFrom<AddressPointRow> for AddressPoint {
    type Error = StoreError;
    fn try_from(r: AddressPointRow) -> Result<Self, StoreError> {
        let location = geometry::point_from_wkb(&r.geom).map_err(|e| StoreError::Corrupt {
            table: "address_points",
            id: r.id,
            reason: e.to_string(),
        })?;
        Ok(AddressPoint {
            id: r.id,
            source_id: r.source_id,
            building_id: r.building_id,
            address: Address {
                road: r.road,
                house_number: r.house_number,
                compound: r.compound,
                building_no: r.building_no,
            },
            location,
        })
    }
}

#[derive(sqlx::FromRow)]
struct GridCountRow {
    grid_id: i64,
    n: i64,
}

impl Store {
    /// How many rows an export of `rows` reads.
    pub async fn export_count(&self, rows: &ExportRows) -> Result<i64, StoreError> {
        let d = self.dialect();
        let selection = match rows {
            ExportRows::Regions(r) => r.selection(),
            ExportRows::Grids(g) => g.selection(),
            ExportRows::Buildings(b) => b.selection(),
            ExportRows::Cameras(c) => c.selection("cameras", d),
            ExportRows::Barriers(b) => b.selection("barriers", d),
            ExportRows::AddressPoints(a) => a.selection(),
        };
        let (sql, vals) = selection.count();
        let counted: Vec<CountRow> = self.fetch_all(&sql, vals, "counting export rows").await?;
        Ok(counted.first().map(|r| r.n).unwrap_or(0))
    }

    /// Up to `limit` regions of `rows` with an id above `after`, by id.
    pub async fn export_regions(
        &self,
        rows: &RegionRows,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Region>, StoreError> {
        let columns = format!(
            "t.id, t.parent_id, t.level, t.name, t.code, t.source, t.source_id, {} AS geom",
            self.dialect().geom_out("t.geom")
        );
        let (sql, vals) = rows.selection().page(&columns, after, limit);
        decode_all::<RegionRow, _>(self.fetch_all(&sql, vals, "reading regions").await?)
    }

    /// Up to `limit` grids of `rows` with an id above `after`, by id, with their
    /// community's name.
    pub async fn export_grids(
        &self,
        rows: &GridRows,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ExportGrid>, StoreError> {
        let columns = format!(
            "t.id, t.plan_id, t.community_id, t.code, t.name, t.kind, t.provisional, \
             t.source, t.source_id, {} AS geom, c.name AS community_name",
            self.dialect().geom_out("t.geom")
        );
        let (sql, vals) = rows.selection().page(&columns, after, limit);
        let found: Vec<ExportGridRow> = self.fetch_all(&sql, vals, "reading grids").await?;
        found
            .into_iter()
            .map(|r| {
                Ok(ExportGrid {
                    grid: Grid::try_from(r.grid)?,
                    community_name: r.community_name,
                })
            })
            .collect()
    }

    /// Up to `limit` buildings of `rows` with an id above `after`, by id, with their grid
    /// (id and code) in the plan `rows` names.
    pub async fn export_buildings(
        &self,
        rows: &BuildingRows,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ExportBuilding>, StoreError> {
        let columns = format!(
            "t.id, t.community_id, a.grid_id, t.source, t.source_id, t.name, t.road, \
             t.house_number, t.compound, t.building_no, t.floors, t.height_m, t.units, \
             t.building_use, t.building_type, t.households, t.households_estimated, \
             {} AS geom, g.code AS grid_code",
            self.dialect().geom_out("t.geom")
        );
        let (sql, vals) = rows.selection().page(&columns, after, limit);
        let found: Vec<ExportBuildingRow> = self.fetch_all(&sql, vals, "reading buildings").await?;
        found
            .into_iter()
            .map(|r| {
                Ok(ExportBuilding {
                    building: Building::try_from(r.building)?,
                    grid_code: r.grid_code,
                })
            })
            .collect()
    }

    /// Up to `limit` cameras of `rows` with an id above `after`, by id.
    pub async fn export_cameras(
        &self,
        rows: &BoxRows,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Camera>, StoreError> {
        let d = self.dialect();
        let columns = format!(
            "t.id, t.source_id, t.name, t.class, t.direction_deg, t.fov_deg, t.range_m, \
             t.stream_url, t.status, {} AS geom",
            d.geom_out("t.geom")
        );
        let (sql, vals) = rows.selection("cameras", d).page(&columns, after, limit);
        decode_all::<CameraRow, _>(self.fetch_all(&sql, vals, "reading cameras").await?)
    }

    /// Up to `limit` barriers of `rows` with an id above `after`, by id.
    pub async fn export_barriers(
        &self,
        rows: &BoxRows,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Barrier>, StoreError> {
        let d = self.dialect();
        let columns = format!(
            "t.id, t.source_id, t.kind, t.class, t.name, t.grade, {} AS geom",
            d.geom_out("t.geom")
        );
        let (sql, vals) = rows.selection("barriers", d).page(&columns, after, limit);
        decode_all::<BarrierRow, _>(self.fetch_all(&sql, vals, "reading barriers").await?)
    }

    /// Up to `limit` address points of `rows` with an id above `after`, by id.
    pub async fn export_address_points(
        &self,
        rows: &AddressPointRows,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AddressPoint>, StoreError> {
        let columns = format!(
            "t.id, t.source_id, t.building_id, t.road, t.house_number, t.compound, \
             t.building_no, {} AS geom",
            self.dialect().geom_out("t.geom")
        );
        let (sql, vals) = rows.selection().page(&columns, after, limit);
        decode_all::<AddressPointRow, _>(
            self.fetch_all(&sql, vals, "reading address points").await?,
        )
    }

    /// How many workers serve each grid that has any, by grid id.
    pub async fn worker_counts(&self) -> Result<HashMap<i64, i64>, StoreError> {
        let rows: Vec<GridCountRow> = self
            .fetch_all(
                "SELECT grid_id, COUNT(*) AS n FROM worker_grids GROUP BY grid_id",
                vec![],
                "counting workers of grids",
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.grid_id, r.n)).collect())
    }

    /// Buildings and households of every grid of one plan (any status), by grid id,
    /// counted as [`Store::grid_totals`] counts the published ones: a building split by
    /// unit counts in each of its grids with the households of that grid's units.
    pub async fn plan_grid_totals(
        &self,
        plan_id: i64,
    ) -> Result<HashMap<i64, GridTotals>, StoreError> {
        let sql = "SELECT m.grid_id AS grid_id, COUNT(DISTINCT m.building_id) AS buildings, \
             COALESCE(SUM(m.households), 0) AS households FROM ( \
               SELECT a.grid_id, a.building_id, b.households FROM plan_assignments a \
                 JOIN buildings b ON b.id = a.building_id \
                 WHERE a.plan_id = $1 AND NOT EXISTS (SELECT 1 FROM plan_unit_assignments u \
                   WHERE u.plan_id = $1 AND u.building_id = a.building_id) \
               UNION ALL SELECT u.grid_id, u.building_id, CAST(COUNT(h.id) AS INTEGER) \
                 FROM plan_unit_assignments u \
                 JOIN households h ON h.building_id = u.building_id AND h.unit = u.unit \
                 WHERE u.plan_id = $1 GROUP BY u.grid_id, u.building_id, u.unit \
             ) m GROUP BY m.grid_id";
        let rows: Vec<GridTotals> = self
            .fetch_all(sql, vec![Val::int(plan_id)], "totalling a plan's grids")
            .await?;
        Ok(rows.into_iter().map(|t| (t.grid_id, t)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_keyset_pages_after_the_filters() {
        let (sql, vals) = BuildingRows {
            plan: PlanChoice::Plan(7),
            community: Some(3),
        }
        .selection()
        .page("t.id", 100, 500);
        assert_eq!(
            sql,
            "SELECT t.id FROM buildings t LEFT JOIN plan_assignments a ON a.plan_id = $1 \
             AND a.building_id = t.id LEFT JOIN grids g ON g.id = a.grid_id \
             WHERE 1 = 1 AND t.community_id = $2 AND t.id > $3 ORDER BY t.id LIMIT $4"
        );
        assert_eq!(vals.len(), 4);
    }

    #[test]
    fn an_empty_id_list_selects_nothing() {
        let (sql, vals) = RegionRows {
            level: None,
            ids: Some(vec![]),
        }
        .selection()
        .count();
        assert!(sql.ends_with("WHERE 1 = 1 AND 1 = 0"), "{sql}");
        assert!(vals.is_empty());
    }

    #[test]
    fn address_points_of_a_community_go_through_its_buildings() {
        let (sql, _) = AddressPointRows { community: Some(5) }
            .selection()
            .page("t.id", 0, 10);
        assert!(
            sql.contains("t.building_id IN (SELECT id FROM buildings WHERE community_id = $1)"),
            "{sql}"
        );
        assert!(sql.ends_with("t.id > $2 ORDER BY t.id LIMIT $3"), "{sql}");
    }
}
