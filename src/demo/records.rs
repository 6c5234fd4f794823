//! Turns the planned street (local metres) into model records in lon/lat: regions,
//! grids, buildings with addresses and address points, roads and the river.

use super::buildings::Plan;
use super::frame::Frame;
use super::layout::{Layout, LineClass};
use super::names::ordinal;
use crate::model::{
    Address, AddressPointRecord, BarrierGrade, BarrierKind, BarrierRecord, BuildingRecord, Dataset,
    GridKind, GridRecord, HouseholdCount, RegionLevel, RegionRecord,
};

/// Code and name of the fictitious district (5101 is Chengdu, 99 is unused).
pub(super) const DISTRICT_CODE: &str = "510199";
pub(super) const DISTRICT_NAME: &str = "锦城区";
/// Code of the street: district code + 001.
pub(super) const STREET_CODE: &str = "510199001";
/// Storey height used for `height_m`.
const STOREY_M: f64 = 3.0;

/// Source ids handed out, for the records that refer to them.
pub(super) struct Ids {
    pub communities: Vec<String>,
    /// Standard grids per community.
    pub grids: Vec<Vec<String>>,
    /// Virtual grids, one per campus.
    pub campuses: Vec<String>,
    pub buildings: Vec<String>,
}

pub(super) fn regions(ds: &mut Dataset, frame: &Frame, layout: &Layout, street: &str) -> Ids {
    let street_shape = frame.polygon(&layout.street_ring());
    let district_id = format!("demo:district:{DISTRICT_CODE}");
    let street_id = format!("demo:street:{STREET_CODE}");
    ds.regions.push(RegionRecord {
        source_id: district_id.clone(),
        parent: None,
        level: RegionLevel::District,
        name: DISTRICT_NAME.to_string(),
        code: Some(DISTRICT_CODE.to_string()),
        boundary: street_shape.clone(),
    });
    ds.regions.push(RegionRecord {
        source_id: street_id.clone(),
        parent: Some(district_id),
        level: RegionLevel::Street,
        name: street.to_string(),
        code: Some(STREET_CODE.to_string()),
        boundary: street_shape,
    });
    let mut communities = Vec::new();
    for (ci, community) in layout.communities.iter().enumerate() {
        let code = community_code(ci);
        let id = format!("demo:community:{code}");
        ds.regions.push(RegionRecord {
            source_id: id.clone(),
            parent: Some(street_id.clone()),
            level: RegionLevel::Community,
            name: format!("{}社区", community.stem),
            code: Some(code),
            boundary: frame.polygon(&community.cell.ring()),
        });
        communities.push(id);
    }
    Ids {
        communities,
        grids: Vec::new(),
        campuses: Vec::new(),
        buildings: Vec::new(),
    }
}

pub(super) fn community_code(ci: usize) -> String {
    format!("{STREET_CODE}{:03}", ci + 1)
}

/// Standard grids tile each community; each school campus adds a virtual grid inside
/// its standard grid (code 9xx, no households of its own).
pub(super) fn grids(ds: &mut Dataset, frame: &Frame, layout: &Layout, plan: &Plan, ids: &mut Ids) {
    for (ci, community) in layout.communities.iter().enumerate() {
        let code = community_code(ci);
        let mut list = Vec::new();
        for (gi, cell) in community.grids.iter().enumerate() {
            let grid_code = format!("{code}{:03}", gi + 1);
            let id = format!("demo:grid:{grid_code}");
            ds.grids.push(GridRecord {
                source_id: id.clone(),
                community: ids.communities[ci].clone(),
                code: grid_code,
                name: format!("{}社区第{}网格", community.stem, ordinal(gi + 1)),
                kind: GridKind::Standard,
                boundary: frame.polygon(&cell.ring()),
            });
            list.push(id);
        }
        ids.grids.push(list);
    }
    let mut per_community = vec![0; layout.communities.len()];
    for campus in &plan.campuses {
        let ci = campus.community;
        per_community[ci] += 1;
        let grid_code = format!("{}{:03}", community_code(ci), 900 + per_community[ci]);
        let id = format!("demo:grid:{grid_code}");
        ds.grids.push(GridRecord {
            source_id: id.clone(),
            community: ids.communities[ci].clone(),
            code: grid_code,
            name: format!("{}社区{}虚拟网格", layout.communities[ci].stem, campus.name),
            kind: GridKind::Virtual,
            boundary: frame.polygon(&campus.rect.ring()),
        });
        ids.campuses.push(id);
    }
    carve_virtual_grids(ds);
}

/// A virtual grid (a school campus) is cut out of the standard grids around it, so that the
/// grids of a community tile it without overlaps.
fn carve_virtual_grids(ds: &mut Dataset) {
    use geo::{BooleanOps, Intersects};
    let virtual_grids: Vec<(String, geo::MultiPolygon<f64>)> = ds
        .grids
        .iter()
        .filter(|g| g.kind == GridKind::Virtual)
        .map(|g| (g.community.clone(), g.boundary.clone()))
        .collect();
    for g in ds.grids.iter_mut().filter(|g| g.kind == GridKind::Standard) {
        for (community, campus) in &virtual_grids {
            if *community == g.community && g.boundary.intersects(campus) {
                g.boundary = g.boundary.difference(campus);
            }
        }
    }
}

/// Buildings and one address point at each building's entrance.
pub(super) fn buildings(
    ds: &mut Dataset,
    frame: &Frame,
    layout: &Layout,
    plan: &Plan,
    ids: &mut Ids,
) {
    for (i, b) in plan.buildings.iter().enumerate() {
        let id = format!("demo:building:{:05}", i + 1);
        let grid = match b.campus {
            Some(k) => ids.campuses[k].clone(),
            None => ids.grids[b.community][b.grid].clone(),
        };
        let address = Address {
            road: Some(layout.lines[b.road].name.clone()),
            house_number: Some(b.house_number.clone()),
            compound: b.compound.map(|k| plan.compounds[k].name.clone()),
            building_no: b.building_no.clone(),
        };
        ds.addresses.push(AddressPointRecord {
            source_id: format!("demo:address:{:05}", i + 1),
            location: frame.point(b.front(3.0)),
            address: address.clone(),
            building: Some(id.clone()),
        });
        ds.buildings.push(BuildingRecord {
            source_id: id.clone(),
            community: Some(ids.communities[b.community].clone()),
            grid: Some(grid),
            footprint: frame.polygon(&b.corners()),
            name: Some(b.name.clone()),
            address,
            floors: Some(b.floors),
            height_m: Some(f64::from(b.floors) * STOREY_M),
            units: Some(b.units),
            building_use: b.building_use,
            building_type: Some(b.building_type.to_string()),
            households: Some(HouseholdCount::Registered(b.households())),
        });
        ids.buildings.push(id);
    }
}

/// Main roads, small streets, lanes and the river.
pub(super) fn barriers(ds: &mut Dataset, frame: &Frame, layout: &Layout, plan: &Plan) {
    for (i, line) in layout.lines.iter().chain(&plan.lanes).enumerate() {
        ds.barriers.push(BarrierRecord {
            source_id: format!("demo:line:{:04}", i + 1),
            kind: if line.class == LineClass::River {
                BarrierKind::Waterway
            } else {
                BarrierKind::Road
            },
            class: line.class.tag().to_string(),
            name: Some(line.name.clone()),
            grade: BarrierGrade::Ground,
            geometry: frame.line(&line.pts),
        });
    }
}
