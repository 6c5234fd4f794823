//! Read queries: regions, grids of published plans, buildings, households, cameras,
//! barriers, workers and table counts.

use std::collections::HashMap;

use super::types::*;
use super::value::Val;
use super::{Dialect, Store, StoreError};
use crate::model::RegionLevel;

/// Which buildings to list.
#[derive(Debug, Clone, Default)]
pub struct BuildingFilter {
    pub community: Option<i64>,
    /// Grid in the published plan.
    pub grid: Option<i64>,
    /// `[minx, miny, maxx, maxy]` in EPSG:4326; buildings whose envelope intersects it.
    pub bbox: Option<[f64; 4]>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only buildings a scoped user may see (`None`: no restriction).
    pub scope: Option<BuildingScope>,
}

/// Buildings a scoped user may see: a building is visible when its community is in
/// `communities` or its grid in the published plan is in `grids`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildingScope {
    pub communities: Vec<i64>,
    pub grids: Vec<i64>,
}

const REGION_COLS: &str = "id, parent_id, level, name, code, source, source_id";
const GRID_COLS: &str =
    "g.id, g.plan_id, g.community_id, g.code, g.name, g.kind, g.provisional, g.source, g.source_id";
const BUILDING_COLS: &str = "b.id, b.community_id, pa.grid_id, b.source, b.source_id, b.name, \
     b.road, b.house_number, b.compound, b.building_no, b.floors, b.height_m, b.units, \
     b.building_use, b.building_type, b.households, b.households_estimated";
/// Assignments of published plans, to join buildings with their current grid.
const PUBLISHED_ASSIGNMENTS: &str = "(SELECT a.building_id, a.grid_id FROM plan_assignments a \
     JOIN plans p ON p.id = a.plan_id WHERE p.status = 'published')";

impl Dialect {
    /// Condition: the envelope columns of `alias` intersect the box bound at `n..n+3`.
    pub(super) fn bbox_filter(self, alias: &str, n: usize) -> String {
        match self {
            Dialect::Postgres => format!(
                "{alias}.geom && ST_MakeEnvelope(${}, ${}, ${}, ${}, 4326)",
                n,
                n + 1,
                n + 2,
                n + 3
            ),
            Dialect::Sqlite => format!(
                "{alias}.maxx >= ${} AND {alias}.maxy >= ${} AND {alias}.minx <= ${} AND {alias}.miny <= ${}",
                n,
                n + 1,
                n + 2,
                n + 3
            ),
        }
    }
}

impl Store {
    /// Regions, optionally of one level and/or one parent, ordered by id.
    pub async fn regions(
        &self,
        level: Option<RegionLevel>,
        parent: Option<i64>,
    ) -> Result<Vec<Region>, StoreError> {
        let d = self.dialect();
        let mut sql = format!(
            "SELECT {REGION_COLS}, {} AS geom FROM regions WHERE 1 = 1",
            d.geom_out("geom")
        );
        let mut vals = Vec::new();
        if let Some(level) = level {
            vals.push(Val::text(level.as_ref()));
            sql.push_str(&format!(" AND level = ${}", vals.len()));
        }
        if let Some(parent) = parent {
            vals.push(Val::int(parent));
            sql.push_str(&format!(" AND parent_id = ${}", vals.len()));
        }
        sql.push_str(" ORDER BY id");
        decode_all::<RegionRow, _>(self.fetch_all(&sql, vals, "listing regions").await?)
    }

    /// One region by id.
    pub async fn region(&self, id: i64) -> Result<Option<Region>, StoreError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT {REGION_COLS}, {} AS geom FROM regions WHERE id = $1",
            d.geom_out("geom")
        );
        let rows: Vec<RegionRow> = self
            .fetch_all(&sql, vec![Val::int(id)], "reading a region")
            .await?;
        Ok(decode_all(rows)?.pop())
    }

    /// Grids of published plans, optionally of one community, ordered by code.
    pub async fn grids(&self, community: Option<i64>) -> Result<Vec<Grid>, StoreError> {
        let d = self.dialect();
        let mut sql = format!(
            "SELECT {GRID_COLS}, {} AS geom FROM grids g JOIN plans p ON p.id = g.plan_id \
             WHERE p.status = 'published'",
            d.geom_out("g.geom")
        );
        let mut vals = Vec::new();
        if let Some(c) = community {
            vals.push(Val::int(c));
            sql.push_str(" AND g.community_id = $1");
        }
        sql.push_str(" ORDER BY g.code, g.id");
        decode_all::<GridRow, _>(self.fetch_all(&sql, vals, "listing grids").await?)
    }

    /// One grid (of any plan) by id.
    pub async fn grid(&self, id: i64) -> Result<Option<Grid>, StoreError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT {GRID_COLS}, {} AS geom FROM grids g WHERE g.id = $1",
            d.geom_out("g.geom")
        );
        let rows: Vec<GridRow> = self
            .fetch_all(&sql, vec![Val::int(id)], "reading a grid")
            .await?;
        Ok(decode_all(rows)?.pop())
    }

    /// Buildings matching `filter`, ordered by id.
    pub async fn buildings(&self, filter: &BuildingFilter) -> Result<Vec<Building>, StoreError> {
        let d = self.dialect();
        let mut sql = format!(
            "SELECT {BUILDING_COLS}, {} AS geom FROM buildings b \
             LEFT JOIN {PUBLISHED_ASSIGNMENTS} pa ON pa.building_id = b.id WHERE 1 = 1",
            d.geom_out("b.geom")
        );
        let mut vals = Vec::new();
        if let Some(c) = filter.community {
            vals.push(Val::int(c));
            sql.push_str(&format!(" AND b.community_id = ${}", vals.len()));
        }
        if let Some(g) = filter.grid {
            vals.push(Val::int(g));
            sql.push_str(&format!(" AND pa.grid_id = ${}", vals.len()));
        }
        if let Some(scope) = &filter.scope {
            let mut alternatives = vec!["1 = 0".to_string()];
            for (column, ids) in [
                ("b.community_id", &scope.communities),
                ("pa.grid_id", &scope.grids),
            ] {
                if ids.is_empty() {
                    continue;
                }
                let first = vals.len() + 1;
                vals.extend(ids.iter().map(|&id| Val::int(id)));
                let params: Vec<String> = (first..first + ids.len())
                    .map(|n| format!("${n}"))
                    .collect();
                alternatives.push(format!("{column} IN ({})", params.join(", ")));
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        if let Some([minx, miny, maxx, maxy]) = filter.bbox {
            let n = vals.len() + 1;
            vals.extend([minx, miny, maxx, maxy].map(|v| Val::Real(Some(v))));
            sql.push_str(&format!(" AND {}", d.bbox_filter("b", n)));
        }
        sql.push_str(" ORDER BY b.id");
        if let Some(limit) = filter.limit {
            vals.push(Val::int(limit));
            sql.push_str(&format!(" LIMIT ${}", vals.len()));
            if let Some(offset) = filter.offset {
                vals.push(Val::int(offset));
                sql.push_str(&format!(" OFFSET ${}", vals.len()));
            }
        }
        decode_all::<BuildingRow, _>(self.fetch_all(&sql, vals, "listing buildings").await?)
    }

    /// One building by id.
    pub async fn building(&self, id: i64) -> Result<Option<Building>, StoreError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT {BUILDING_COLS}, {} AS geom FROM buildings b \
             LEFT JOIN {PUBLISHED_ASSIGNMENTS} pa ON pa.building_id = b.id WHERE b.id = $1",
            d.geom_out("b.geom")
        );
        let rows: Vec<BuildingRow> = self
            .fetch_all(&sql, vec![Val::int(id)], "reading a building")
            .await?;
        Ok(decode_all(rows)?.pop())
    }

    /// Household records of a building, by unit, floor and room.
    pub async fn households(&self, building_id: i64) -> Result<Vec<Household>, StoreError> {
        let sql = "SELECT id, building_id, unit, floor, room, status, residents, floating \
                   FROM households WHERE building_id = $1 ORDER BY unit, floor, room";
        decode_all::<HouseholdRow, _>(
            self.fetch_all(sql, vec![Val::int(building_id)], "listing households")
                .await?,
        )
    }

    /// Every camera, by id.
    pub async fn cameras(&self) -> Result<Vec<Camera>, StoreError> {
        let sql = format!(
            "SELECT id, source_id, name, class, direction_deg, fov_deg, range_m, stream_url, status, \
             {} AS geom FROM cameras ORDER BY id",
            self.dialect().geom_out("geom")
        );
        decode_all::<CameraRow, _>(self.fetch_all(&sql, vec![], "listing cameras").await?)
    }

    /// Every barrier line, by id.
    pub async fn barriers(&self) -> Result<Vec<Barrier>, StoreError> {
        let sql = format!(
            "SELECT id, source_id, kind, class, name, grade, {} AS geom FROM barriers ORDER BY id",
            self.dialect().geom_out("geom")
        );
        decode_all::<BarrierRow, _>(self.fetch_all(&sql, vec![], "listing barriers").await?)
    }

    /// Workers serving a grid, by role (grid manager first) then name.
    pub async fn grid_workers(&self, grid_id: i64) -> Result<Vec<Worker>, StoreError> {
        let sql = "SELECT w.id, w.name, w.phone, w.role FROM workers w \
                   JOIN worker_grids wg ON wg.worker_id = w.id WHERE wg.grid_id = $1 \
                   ORDER BY w.role, w.name, w.id";
        let rows = self
            .fetch_all(sql, vec![Val::int(grid_id)], "listing grid workers")
            .await?;
        let mut list: Vec<Worker> = decode_all::<WorkerRow, _>(rows)?;
        sort_workers(&mut list);
        Ok(list)
    }

    /// Buildings and households of every grid of a published plan, by grid id. A building
    /// split by unit between grids counts in each of them with the households of the units
    /// that grid holds.
    pub async fn grid_totals(&self) -> Result<HashMap<i64, GridTotals>, StoreError> {
        let sql = format!(
            "SELECT m.grid_id AS grid_id, COUNT(DISTINCT m.building_id) AS buildings, \
             COALESCE(SUM(m.households), 0) AS households FROM ( \
               SELECT pa.grid_id, pa.building_id, b.households FROM {PUBLISHED_ASSIGNMENTS} pa \
                 JOIN buildings b ON b.id = pa.building_id \
                 WHERE NOT EXISTS (SELECT 1 FROM current_unit_assignments u WHERE u.building_id = pa.building_id) \
               UNION ALL SELECT u.grid_id, u.building_id, CAST(COUNT(h.id) AS INTEGER) FROM current_unit_assignments u \
                 JOIN households h ON h.building_id = u.building_id AND h.unit = u.unit \
                 GROUP BY u.grid_id, u.building_id, u.unit \
             ) m GROUP BY m.grid_id"
        );
        let rows: Vec<GridTotals> = self.fetch_all(&sql, vec![], "totalling grids").await?;
        Ok(rows.into_iter().map(|t| (t.grid_id, t)).collect())
    }

    /// Workers of every grid, by grid id (each list by role then name).
    pub async fn workers_by_grid(&self) -> Result<HashMap<i64, Vec<Worker>>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            grid_id: i64,
            #[sqlx(flatten)]
            worker: WorkerRow,
        }
        let rows: Vec<Row> = self
            .fetch_all(
                "SELECT wg.grid_id, w.id, w.name, w.phone, w.role FROM worker_grids wg \
                 JOIN workers w ON w.id = wg.worker_id ORDER BY wg.grid_id, w.role, w.name, w.id",
                vec![],
                "listing workers of grids",
            )
            .await?;
        let mut map: HashMap<i64, Vec<Worker>> = HashMap::new();
        for r in rows {
            map.entry(r.grid_id)
                .or_default()
                .push(Worker::try_from(r.worker)?);
        }
        for list in map.values_mut() {
            sort_workers(list);
        }
        Ok(map)
    }

    /// The current value of a revision counter (see [`GRIDS_REVISION`](super::GRIDS_REVISION)).
    pub async fn revision(&self, name: &str) -> Result<i64, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            value: i64,
        }
        let rows: Vec<Row> = self
            .fetch_all(
                "SELECT value FROM revisions WHERE name = $1",
                vec![Val::text(name)],
                "reading a revision",
            )
            .await?;
        Ok(rows.first().map(|r| r.value).unwrap_or(0))
    }

    /// Every address of every building: the building's own address, then one row per
    /// address point matched to it; by building id.
    pub async fn address_rows(&self) -> Result<Vec<AddressRow>, StoreError> {
        let common = "b.id AS building_id, b.name, {addr}, b.community_id, c.name AS community, \
             pa.grid_id, g.code AS grid_code, (b.minx + b.maxx) / 2 AS lon, (b.miny + b.maxy) / 2 AS lat";
        let joins = format!(
            "LEFT JOIN regions c ON c.id = b.community_id \
             LEFT JOIN {PUBLISHED_ASSIGNMENTS} pa ON pa.building_id = b.id \
             LEFT JOIN grids g ON g.id = pa.grid_id"
        );
        let own = common.replace(
            "{addr}",
            "b.road, b.house_number, b.compound, b.building_no",
        );
        let points = common.replace("{addr}", "a.road, a.house_number, COALESCE(a.compound, b.compound) AS compound, COALESCE(a.building_no, b.building_no) AS building_no");
        let sql = format!(
            "SELECT {own} FROM buildings b {joins} \
             UNION ALL SELECT {points} FROM address_points a JOIN buildings b ON b.id = a.building_id {joins} \
             ORDER BY 1"
        );
        self.fetch_all(&sql, vec![], "listing addresses").await
    }

    /// Row counts of every table.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let region =
            |level: &str| format!("(SELECT COUNT(*) FROM regions WHERE level = '{level}')");
        let sql = format!(
            "SELECT {} AS districts, {} AS streets, {} AS communities, \
             (SELECT COUNT(*) FROM current_grids) AS grids, \
             (SELECT COUNT(*) FROM buildings) AS buildings, \
             (SELECT COALESCE(SUM(households), 0) FROM buildings) AS households_total, \
             (SELECT COALESCE(SUM(households), 0) FROM buildings WHERE households_estimated) AS households_estimated, \
             (SELECT COUNT(*) FROM households) AS household_records, \
             (SELECT COUNT(*) FROM people) AS people, \
             (SELECT COUNT(*) FROM cameras) AS cameras, \
             (SELECT COUNT(*) FROM workers) AS workers, \
             (SELECT COUNT(*) FROM barriers) AS barriers, \
             (SELECT COUNT(*) FROM address_points) AS address_points, \
             (SELECT COUNT(*) FROM plans) AS plans",
            region("district"),
            region("street"),
            region("community")
        );
        let mut rows: Vec<Counts> = self.fetch_all(&sql, vec![], "counting rows").await?;
        Ok(rows.pop().unwrap_or_default())
    }

    /// Building ids by source id, over every source; a source id present in several
    /// sources maps to all of them.
    pub async fn building_ids_by_source_id(&self) -> Result<HashMap<String, Vec<i64>>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            source_id: String,
        }
        let rows: Vec<Row> = self
            .fetch_all(
                "SELECT id, source_id FROM buildings ORDER BY id",
                vec![],
                "indexing buildings",
            )
            .await?;
        let mut map: HashMap<String, Vec<i64>> = HashMap::new();
        for r in rows {
            map.entry(r.source_id).or_default().push(r.id);
        }
        Ok(map)
    }
}

impl Store {
    /// (source, source id, id) of the stored buildings with one of `source_ids`, in
    /// batches of 500 ids a query.
    pub async fn buildings_by_source_id(
        &self,
        source_ids: &[String],
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            source: String,
            source_id: String,
        }
        let mut out = Vec::new();
        for chunk in source_ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, source, source_id FROM buildings WHERE source_id IN ({}) ORDER BY id",
                marks.join(", ")
            );
            let rows: Vec<Row> = self
                .fetch_all(
                    &sql,
                    chunk.iter().map(|s| Val::text(s.as_str())).collect(),
                    "finding buildings by source id",
                )
                .await?;
            out.extend(rows.into_iter().map(|r| (r.source, r.source_id, r.id)));
        }
        Ok(out)
    }
}

/// Grid manager first, then the other roles in the order of [`WorkerRole`](crate::model::WorkerRole).
fn sort_workers(list: &mut [Worker]) {
    list.sort_by(|a, b| (a.role, &a.name, a.id).cmp(&(b.role, &b.name, b.id)));
}
