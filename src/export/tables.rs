//! The exported tables: which attributes each has and how a stored row becomes a
//! feature. Attribute names are those the GeoJSON importer reads back (README, GeoJSON
//! import), so that an exported layer re-imports: `source_id` keeps the row's identity,
//! and references to other rows (`parent`, `community`, `building`) are written as
//! `@ID`, the stored id the importer resolves; the plain ids (`community_id`, `grid_id`)
//! and names beside them are for GIS users. Pure: calls only [`schema`](super::schema)
//! and the store's record types.

use std::collections::HashMap;

use geo::Geometry;

use super::schema::{field, reference, Feature, Field, FieldType as T, GeometryType, Table, Value};
use crate::store::export_read::{AddressPoint, ExportBuilding, ExportGrid};
use crate::store::{Barrier, Camera, GridTotals, Region};

const REGION_FIELDS: [Field; 7] = [
    field("source_id", T::Text),
    field("source", T::Text),
    field("level", T::Text),
    field("name", T::Text),
    field("code", T::Text),
    field("parent", T::Text),
    field("parent_id", T::Integer),
];

const GRID_FIELDS: [Field; 12] = [
    field("source_id", T::Text),
    field("code", T::Text),
    field("name", T::Text),
    field("kind", T::Text),
    field("community", T::Text),
    field("community_id", T::Integer),
    field("community_name", T::Text),
    field("plan_id", T::Integer),
    field("provisional", T::Boolean),
    field("households", T::Integer),
    field("buildings", T::Integer),
    field("workers", T::Integer),
];

const BUILDING_FIELDS: [Field; 18] = [
    field("source_id", T::Text),
    field("source", T::Text),
    field("name", T::Text),
    field("road", T::Text),
    field("house_number", T::Text),
    field("compound", T::Text),
    field("building_no", T::Text),
    field("floors", T::Integer),
    field("height_m", T::Real),
    field("units", T::Integer),
    field("building_use", T::Text),
    field("building_type", T::Text),
    field("households", T::Integer),
    field("households_estimated", T::Boolean),
    field("community", T::Text),
    field("community_id", T::Integer),
    field("grid_id", T::Integer),
    field("grid_code", T::Text),
];

const CAMERA_FIELDS: [Field; 8] = [
    field("source_id", T::Text),
    field("name", T::Text),
    field("class", T::Text),
    field("direction_deg", T::Real),
    field("fov_deg", T::Real),
    field("range_m", T::Real),
    field("stream_url", T::Text),
    field("status", T::Text),
];

const BARRIER_FIELDS: [Field; 5] = [
    field("source_id", T::Text),
    field("kind", T::Text),
    field("class", T::Text),
    field("name", T::Text),
    field("grade", T::Text),
];

const ADDRESS_FIELDS: [Field; 7] = [
    field("source_id", T::Text),
    field("building", T::Text),
    field("building_id", T::Integer),
    field("road", T::Text),
    field("house_number", T::Text),
    field("compound", T::Text),
    field("building_no", T::Text),
];

fn table(
    name: &str,
    feature: &'static str,
    description: String,
    geometry: GeometryType,
    fields: &[Field],
) -> Table {
    Table {
        name: name.to_string(),
        feature,
        description,
        geometry,
        fields: fields.to_vec(),
    }
}

/// Districts, streets, communities or all regions (`name` is the table name).
pub fn regions_table(name: &str) -> Table {
    table(
        name,
        "region",
        format!("wangge {name}: boundaries, codes and parents"),
        GeometryType::MultiPolygon,
        &REGION_FIELDS,
    )
}

/// Grids with their community and figures.
pub fn grids_table(name: &str, description: String) -> Table {
    table(
        name,
        "grid",
        description,
        GeometryType::MultiPolygon,
        &GRID_FIELDS,
    )
}

/// Buildings with their address, figures and grid; with `by_unit` (each unit's grid, for
/// a building split by unit) when `by_unit` is set.
pub fn buildings_table(name: &str, description: String, by_unit: bool) -> Table {
    let mut t = table(
        name,
        "building",
        description,
        GeometryType::MultiPolygon,
        &BUILDING_FIELDS,
    );
    if by_unit {
        t.fields.push(field("by_unit", T::Json));
    }
    t
}

pub fn cameras_table() -> Table {
    table(
        "cameras",
        "camera",
        "wangge cameras: priority class, direction, field of view, range, status".into(),
        GeometryType::Point,
        &CAMERA_FIELDS,
    )
}

pub fn barriers_table() -> Table {
    table(
        "barriers",
        "barrier",
        "wangge barriers: roads, railways and waterways that grids do not cross".into(),
        GeometryType::MultiLineString,
        &BARRIER_FIELDS,
    )
}

pub fn addresses_table() -> Table {
    table(
        "addresses",
        "address",
        "wangge address points and the buildings they belong to".into(),
        GeometryType::Point,
        &ADDRESS_FIELDS,
    )
}

pub fn region_feature(r: Region) -> Feature {
    Feature {
        id: r.id,
        geometry: Geometry::MultiPolygon(r.boundary),
        values: vec![
            r.source_id.into(),
            r.source.into(),
            r.level.as_ref().into(),
            r.name.into(),
            r.code.into(),
            reference(r.parent_id),
            r.parent_id.into(),
        ],
    }
}

/// Figures of grids beside their rows: buildings and households, workers.
#[derive(Debug, Clone, Default)]
pub struct GridFigures {
    pub totals: HashMap<i64, GridTotals>,
    pub workers: HashMap<i64, i64>,
}

pub fn grid_feature(g: ExportGrid, figures: &GridFigures) -> Feature {
    let totals = figures.totals.get(&g.grid.id).copied().unwrap_or_default();
    let workers = figures.workers.get(&g.grid.id).copied().unwrap_or(0);
    let grid = g.grid;
    Feature {
        id: grid.id,
        geometry: Geometry::MultiPolygon(grid.boundary),
        values: vec![
            grid.source_id.into(),
            grid.code.into(),
            grid.name.into(),
            grid.kind.as_ref().into(),
            reference(Some(grid.community_id)),
            grid.community_id.into(),
            g.community_name.into(),
            grid.plan_id.into(),
            grid.provisional.into(),
            totals.households.into(),
            totals.buildings.into(),
            workers.into(),
        ],
    }
}

/// A building; `by_unit` is `Some` for a table with that field (the building's units and
/// their grids, `None` inside when it is not split).
pub fn building_feature(
    row: ExportBuilding,
    by_unit: Option<Option<serde_json::Value>>,
) -> Feature {
    let b = row.building;
    let mut values = vec![
        b.source_id.into(),
        b.source.into(),
        b.name.into(),
        b.address.road.into(),
        b.address.house_number.into(),
        b.address.compound.into(),
        b.address.building_no.into(),
        b.floors.into(),
        b.height_m.into(),
        b.units.into(),
        b.building_use.as_ref().into(),
        b.building_type.into(),
        b.households.into(),
        b.households_estimated.into(),
        reference(b.community_id),
        b.community_id.into(),
        b.grid_id.into(),
        row.grid_code.into(),
    ];
    if let Some(units) = by_unit {
        values.push(units.map_or(Value::Null, Value::Json));
    }
    Feature {
        id: b.id,
        geometry: Geometry::MultiPolygon(b.footprint),
        values,
    }
}

pub fn camera_feature(c: Camera) -> Feature {
    Feature {
        id: c.id,
        geometry: Geometry::Point(c.location),
        values: vec![
            c.source_id.into(),
            c.name.into(),
            c.class.map(|k| k.as_ref().to_string()).into(),
            c.direction_deg.into(),
            c.fov_deg.into(),
            c.range_m.into(),
            c.stream_url.into(),
            c.status.as_ref().into(),
        ],
    }
}

pub fn barrier_feature(b: Barrier) -> Feature {
    Feature {
        id: b.id,
        geometry: Geometry::MultiLineString(b.geometry),
        values: vec![
            b.source_id.into(),
            b.kind.as_ref().into(),
            b.class.into(),
            b.name.into(),
            b.grade.as_ref().into(),
        ],
    }
}

pub fn address_feature(a: AddressPoint) -> Feature {
    Feature {
        id: a.id,
        geometry: Geometry::Point(a.location),
        values: vec![
            a.source_id.into(),
            reference(a.building_id),
            a.building_id.into(),
            a.address.road.into(),
            a.address.house_number.into(),
            a.address.compound.into(),
            a.address.building_no.into(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CameraClass, CameraStatus};

    fn assert_fits(table: &Table, feature: &Feature) {
        assert_eq!(table.fields.len(), feature.values.len(), "{}", table.name);
    }

    #[test]
    fn every_feature_has_one_value_per_field() {
        let camera = Camera {
            id: 3,
            source_id: "n1".into(),
            name: None,
            class: Some(CameraClass::TrafficNode),
            direction_deg: Some(90.0),
            fov_deg: None,
            range_m: None,
            stream_url: None,
            status: CameraStatus::Online,
            location: geo::Point::new(104.0, 30.6),
        };
        let f = camera_feature(camera);
        assert_fits(&cameras_table(), &f);
        assert_eq!(f.values[2], Value::Text("traffic_node".into()));
        assert_eq!(f.values[4], Value::Null);
        let a = address_feature(AddressPoint {
            id: 1,
            source_id: "n2".into(),
            building_id: Some(12),
            address: Default::default(),
            location: geo::Point::new(1.0, 2.0),
        });
        assert_fits(&addresses_table(), &a);
        assert_eq!(a.values[1], Value::Text("@12".into()));
    }

    #[test]
    fn only_plan_buildings_carry_by_unit() {
        assert_eq!(
            buildings_table("b", String::new(), false).fields.len(),
            BUILDING_FIELDS.len()
        );
        let with = buildings_table("b", String::new(), true);
        assert_eq!(with.fields.last().map(|f| f.name), Some("by_unit"));
    }
}
