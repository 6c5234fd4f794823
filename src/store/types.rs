//! What the store returns: stored entities with their database ids, and the row shapes
//! they are decoded from (identical in both backends).

use std::str::FromStr;

use geo::{MultiLineString, MultiPolygon, Point};
use serde::Serialize;

use super::StoreError;
use crate::geometry;
use crate::model::*;

/// A stored district, street or community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: RegionLevel,
    pub name: String,
    pub code: Option<String>,
    pub source: String,
    pub source_id: String,
    #[serde(skip)]
    pub boundary: MultiPolygon<f64>,
}

/// A stored grid of some plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    pub id: i64,
    pub plan_id: i64,
    pub community_id: i64,
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    /// Created by an import to cover a community that had no grids yet.
    pub provisional: bool,
    /// Where the grid came from (an import's source, or the plan that drew it) and its id
    /// there: imports match re-imported grids by these.
    #[serde(skip)]
    pub source: String,
    #[serde(skip)]
    pub source_id: String,
    #[serde(skip)]
    pub boundary: MultiPolygon<f64>,
}

/// A stored building with its grid in the published plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Building {
    pub id: i64,
    pub community_id: Option<i64>,
    /// Grid in the community's published plan.
    pub grid_id: Option<i64>,
    pub source: String,
    pub source_id: String,
    pub name: Option<String>,
    pub address: Address,
    pub floors: Option<i32>,
    pub height_m: Option<f64>,
    pub units: Option<i32>,
    pub building_use: BuildingUse,
    pub building_type: Option<String>,
    pub households: i32,
    pub households_estimated: bool,
    #[serde(skip)]
    pub footprint: MultiPolygon<f64>,
}

/// A stored household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Household {
    pub id: i64,
    pub building_id: i64,
    pub unit: Option<i32>,
    pub floor: Option<i32>,
    pub room: String,
    pub status: HouseholdStatus,
    pub residents: i32,
    pub floating: i32,
}

/// A stored camera.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Camera {
    pub id: i64,
    pub source_id: String,
    pub name: Option<String>,
    pub class: Option<CameraClass>,
    pub direction_deg: Option<f64>,
    pub fov_deg: Option<f64>,
    pub range_m: Option<f64>,
    pub stream_url: Option<String>,
    pub status: CameraStatus,
    #[serde(skip)]
    pub location: Point<f64>,
}

/// A stored barrier line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Barrier {
    pub id: i64,
    pub source_id: String,
    pub kind: BarrierKind,
    pub class: String,
    pub name: Option<String>,
    /// At grade, on a bridge or underground.
    pub grade: BarrierGrade,
    #[serde(skip)]
    pub geometry: MultiLineString<f64>,
}

/// A stored worker with the grids they serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Worker {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub role: WorkerRole,
}

/// One standard address of a building (its own, or one of its address points), with what
/// a geocoder answer shows about the building.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AddressRow {
    pub building_id: i64,
    pub name: Option<String>,
    pub road: Option<String>,
    pub house_number: Option<String>,
    pub compound: Option<String>,
    pub building_no: Option<String>,
    pub community_id: Option<i64>,
    pub community: Option<String>,
    pub grid_id: Option<i64>,
    pub grid_code: Option<String>,
    /// A point inside the building's envelope (its centre), for showing it on a map.
    pub lon: f64,
    pub lat: f64,
}

/// Buildings and households of one grid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GridTotals {
    #[serde(skip)]
    pub grid_id: i64,
    pub buildings: i64,
    pub households: i64,
}

/// Row counts of every table, and the household total over buildings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counts {
    pub districts: i64,
    pub streets: i64,
    pub communities: i64,
    /// Grids of published plans.
    pub grids: i64,
    pub buildings: i64,
    /// Sum of the buildings' household counts (registered and estimated).
    pub households_total: i64,
    /// Of which estimated.
    pub households_estimated: i64,
    /// Household records (registered).
    pub household_records: i64,
    pub people: i64,
    pub cameras: i64,
    pub workers: i64,
    pub barriers: i64,
    pub address_points: i64,
    pub plans: i64,
}

pub(crate) fn parse_enum<T: FromStr>(
    table: &'static str,
    id: i64,
    value: &str,
) -> Result<T, StoreError> {
    T::from_str(value).map_err(|_| StoreError::Corrupt {
        table,
        id,
        reason: format!("unknown value {value:?}"),
    })
}

pub(super) fn polygons(
    table: &'static str,
    id: i64,
    wkb: &[u8],
) -> Result<MultiPolygon<f64>, StoreError> {
    geometry::multipolygon_from_wkb(wkb).map_err(|e| StoreError::Corrupt {
        table,
        id,
        reason: e.to_string(),
    })
}

#[derive(sqlx::FromRow)]
pub(crate) struct RegionRow {
    id: i64,
    parent_id: Option<i64>,
    level: String,
    name: String,
    code: Option<String>,
    source: String,
    source_id: String,
    geom: Vec<u8>,
}

impl TryFrom<RegionRow> for Region {
    type Error = StoreError;
    fn try_from(r: RegionRow) -> Result<Self, StoreError> {
        Ok(Region {
            level: parse_enum("regions", r.id, &r.level)?,
            boundary: polygons("regions", r.id, &r.geom)?,
            id: r.id,
            parent_id: r.parent_id,
            name: r.name,
            code: r.code,
            source: r.source,
            source_id: r.source_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct GridRow {
    id: i64,
    plan_id: i64,
    community_id: i64,
    code: String,
    name: String,
    kind: String,
    provisional: bool,
    source: String,
    source_id: String,
    geom: Vec<u8>,
}

impl TryFrom<GridRow> for Grid {
    type Error = StoreError;
    fn try_from(r: GridRow) -> Result<Self, StoreError> {
        Ok(Grid {
            kind: parse_enum("grids", r.id, &r.kind)?,
            boundary: polygons("grids", r.id, &r.geom)?,
            id: r.id,
            plan_id: r.plan_id,
            community_id: r.community_id,
            code: r.code,
            name: r.name,
            provisional: r.provisional,
            source: r.source,
            source_id: r.source_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BuildingRow {
    id: i64,
    community_id: Option<i64>,
    grid_id: Option<i64>,
    source: String,
    source_id: String,
    name: Option<String>,
    road: Option<String>,
    house_number: Option<String>,
    compound: Option<String>,
    building_no: Option<String>,
    floors: Option<i32>,
    height_m: Option<f64>,
    units: Option<i32>,
    building_use: String,
    building_type: Option<String>,
    households: i32,
    households_estimated: bool,
    geom: Vec<u8>,
}

impl TryFrom<BuildingRow> for Building {
    type Error = StoreError;
    fn try_from(r: BuildingRow) -> Result<Self, StoreError> {
        Ok(Building {
            building_use: parse_enum("buildings", r.id, &r.building_use)?,
            footprint: polygons("buildings", r.id, &r.geom)?,
            id: r.id,
            community_id: r.community_id,
            grid_id: r.grid_id,
            source: r.source,
            source_id: r.source_id,
            name: r.name,
            address: Address {
                road: r.road,
                house_number: r.house_number,
                compound: r.compound,
                building_no: r.building_no,
            },
            floors: r.floors,
            height_m: r.height_m,
            units: r.units,
            building_type: r.building_type,
            households: r.households,
            households_estimated: r.households_estimated,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct HouseholdRow {
    id: i64,
    building_id: i64,
    unit: Option<i32>,
    floor: Option<i32>,
    room: String,
    status: String,
    residents: i32,
    floating: i32,
}

impl TryFrom<HouseholdRow> for Household {
    type Error = StoreError;
    fn try_from(r: HouseholdRow) -> Result<Self, StoreError> {
        Ok(Household {
            status: parse_enum("households", r.id, &r.status)?,
            id: r.id,
            building_id: r.building_id,
            unit: r.unit,
            floor: r.floor,
            room: r.room,
            residents: r.residents,
            floating: r.floating,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CameraRow {
    id: i64,
    source_id: String,
    name: Option<String>,
    class: Option<String>,
    direction_deg: Option<f64>,
    fov_deg: Option<f64>,
    range_m: Option<f64>,
    stream_url: Option<String>,
    status: String,
    geom: Vec<u8>,
}

impl TryFrom<CameraRow> for Camera {
    type Error = StoreError;
    fn try_from(r: CameraRow) -> Result<Self, StoreError> {
        let location = geometry::point_from_wkb(&r.geom).map_err(|e| StoreError::Corrupt {
            table: "cameras",
            id: r.id,
            reason: e.to_string(),
        })?;
        Ok(Camera {
            class: match &r.class {
                Some(c) => Some(parse_enum("cameras", r.id, c)?),
                None => None,
            },
            status: parse_enum("cameras", r.id, &r.status)?,
            location,
            id: r.id,
            source_id: r.source_id,
            name: r.name,
            direction_deg: r.direction_deg,
            fov_deg: r.fov_deg,
            range_m: r.range_m,
            stream_url: r.stream_url,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BarrierRow {
    id: i64,
    source_id: String,
    kind: String,
    class: String,
    name: Option<String>,
    grade: String,
    geom: Vec<u8>,
}

impl TryFrom<BarrierRow> for Barrier {
    type Error = StoreError;
    fn try_from(r: BarrierRow) -> Result<Self, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            table: "barriers",
            id: r.id,
            reason,
        };
        let geometry = match geometry::from_wkb(&r.geom).map_err(|e| corrupt(e.to_string()))? {
            geo::Geometry::MultiLineString(m) => m,
            geo::Geometry::LineString(l) => MultiLineString(vec![l]),
            other => {
                return Err(corrupt(format!(
                    "{} is not a line",
                    geometry::type_name(&other)
                )))
            }
        };
        Ok(Barrier {
            kind: parse_enum("barriers", r.id, &r.kind)?,
            grade: parse_enum("barriers", r.id, &r.grade)?,
            geometry,
            id: r.id,
            source_id: r.source_id,
            class: r.class,
            name: r.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WorkerRow {
    id: i64,
    name: String,
    phone: Option<String>,
    role: String,
}

impl TryFrom<WorkerRow> for Worker {
    type Error = StoreError;
    fn try_from(r: WorkerRow) -> Result<Self, StoreError> {
        Ok(Worker {
            role: parse_enum("workers", r.id, &r.role)?,
            id: r.id,
            name: r.name,
            phone: r.phone,
        })
    }
}

/// Decodes every row, stopping at the first corrupt one.
pub(crate) fn decode_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}
