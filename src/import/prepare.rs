//! Makes a read dataset ready to store: checks every geometry, puts orphan communities
//! under a street, gives every building a community and a grid (adding a provisional grid
//! to each community that has none), matches address points to buildings and estimates
//! missing household counts.

use std::collections::{BTreeMap, HashMap};

use geo::{
    Area, BooleanOps, Contains, ConvexHull, Distance, Euclidean, Geometry, MultiPoint,
    MultiPolygon, Point,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde::Serialize;

use super::estimate::{estimate_households, BuildingFacts, EstimateParams};
use super::ImportError;
use crate::crs::LocalProjection;
use crate::geometry::{bbox, check_storable, representative_point};
use crate::model::*;
use crate::store::{Grid, Region};

/// What is already stored and matters to a new import.
#[derive(Debug, Clone, Default)]
pub struct StoredContext {
    pub communities: Vec<Region>,
    /// Grids of published plans.
    pub grids: Vec<Grid>,
}

/// Options of the preparation.
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// Name of the street created for communities that have no parent.
    pub street_name: Option<String>,
    pub estimate: EstimateParams,
}

/// What the preparation did, for the import report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PrepareReport {
    /// Buildings assigned to a community by location.
    pub buildings_located: usize,
    /// Buildings outside every community, put in the street's unassigned-area community.
    pub buildings_outside_communities: usize,
    /// Households estimated, and in how many buildings.
    pub estimated_households: i64,
    pub estimated_buildings: usize,
    /// Address points matched to a building.
    pub addresses_matched: usize,
    /// Communities that got a provisional grid.
    pub provisional_grids: usize,
    /// Whether a street was created for parentless communities.
    pub street_created: bool,
}

type BoxTree = RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>;

fn box_tree<'a>(polys: impl Iterator<Item = &'a MultiPolygon<f64>>) -> BoxTree {
    let items = polys
        .enumerate()
        .filter_map(|(i, mp)| {
            let r = bbox(mp)?;
            Some(GeomWithData::new(
                Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                i,
            ))
        })
        .collect();
    RTree::bulk_load(items)
}

fn at(p: Point<f64>) -> AABB<[f64; 2]> {
    AABB::from_point([p.x(), p.y()])
}

/// A community candidate: its reference (source id or `@id`), boundary and name.
struct CommunityRef {
    reference: String,
    boundary: MultiPolygon<f64>,
    area: f64,
}

/// Prepares `ds` in place. `source_label` names the input in error messages.
pub fn prepare(
    ds: &mut Dataset,
    stored: &StoredContext,
    options: &PrepareOptions,
    source_label: &str,
) -> Result<PrepareReport, ImportError> {
    let mut report = PrepareReport::default();
    check_geometries(ds, source_label)?;
    check_values(ds, source_label)?;
    if ds.buildings.is_empty() && ds.regions.is_empty() {
        return Ok(report);
    }

    // Communities known to this import: the dataset's, then stored ones not re-imported.
    let mut communities: Vec<CommunityRef> = ds
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Community)
        .map(|r| CommunityRef {
            reference: r.source_id.clone(),
            area: r.boundary.unsigned_area(),
            boundary: r.boundary.clone(),
        })
        .collect();
    let reimported: std::collections::HashSet<&str> =
        ds.regions.iter().map(|r| r.source_id.as_str()).collect();
    for c in &stored.communities {
        if !(c.source == ds.source && reimported.contains(c.source_id.as_str())) {
            communities.push(CommunityRef {
                reference: format!("@{}", c.id),
                area: c.boundary.unsigned_area(),
                boundary: c.boundary.clone(),
            });
        }
    }

    // Buildings → communities: the smallest community containing a point inside the footprint.
    let tree = box_tree(communities.iter().map(|c| &c.boundary));
    let mut outside = Vec::new();
    for (i, b) in ds.buildings.iter_mut().enumerate() {
        if b.community.is_some() {
            continue;
        }
        let Some(p) = representative_point(&b.footprint) else {
            continue;
        };
        let best = tree
            .locate_in_envelope_intersecting(&at(p))
            .map(|c| c.data)
            .filter(|&ci| communities[ci].boundary.contains(&p))
            .min_by(|&a, &b| {
                communities[a]
                    .area
                    .total_cmp(&communities[b].area)
                    .then(a.cmp(&b))
            });
        match best {
            Some(ci) => {
                b.community = Some(communities[ci].reference.clone());
                report.buildings_located += 1;
            }
            None => outside.push(i),
        }
    }

    let street = attach_street(ds, options, &mut report);
    if !outside.is_empty() {
        report.buildings_outside_communities = outside.len();
        let remainder = unassigned_area(ds, &communities, &outside);
        let reference = "unassigned-area".to_string();
        ds.regions.push(RegionRecord {
            source_id: reference.clone(),
            parent: street.clone(),
            level: RegionLevel::Community,
            name: format!("{} 未划分区域", street_name(ds, options)),
            code: None,
            boundary: remainder.clone(),
        });
        for i in outside {
            ds.buildings[i].community = Some(reference.clone());
        }
        communities.push(CommunityRef {
            reference,
            area: remainder.unsigned_area(),
            boundary: remainder,
        });
    }

    report.addresses_matched = match_addresses(ds);
    estimate(ds, options, &mut report)?;
    add_provisional_grids(ds, stored, &mut report);
    assign_grids(ds, stored);
    Ok(report)
}

fn check_geometries(ds: &Dataset, label: &str) -> Result<(), ImportError> {
    let fail = |what: &str, id: &str, e: crate::geometry::GeometryError| {
        ImportError::record(label, format!("{what} {id:?}"), e.to_string())
    };
    for r in &ds.regions {
        check_storable(&Geometry::MultiPolygon(r.boundary.clone()))
            .map_err(|e| fail("region", &r.source_id, e))?;
    }
    for g in ds.grids.iter() {
        check_storable(&Geometry::MultiPolygon(g.boundary.clone()))
            .map_err(|e| fail("grid", &g.source_id, e))?;
    }
    for b in &ds.buildings {
        check_storable(&Geometry::MultiPolygon(b.footprint.clone()))
            .map_err(|e| fail("building", &b.source_id, e))?;
    }
    for c in &ds.cameras {
        check_storable(&Geometry::Point(c.location))
            .map_err(|e| fail("camera", &c.source_id, e))?;
    }
    for a in &ds.addresses {
        check_storable(&Geometry::Point(a.location))
            .map_err(|e| fail("address point", &a.source_id, e))?;
    }
    for b in &ds.barriers {
        check_storable(&Geometry::MultiLineString(b.geometry.clone()))
            .map_err(|e| fail("barrier", &b.source_id, e))?;
    }
    Ok(())
}

/// Normalises camera directions to [0, 360) and checks the ranges the schema enforces,
/// so that a bad value is reported with its record instead of as a database error.
fn check_values(ds: &mut Dataset, label: &str) -> Result<(), ImportError> {
    let fail = |what: &str, id: &str, reason: String| {
        ImportError::record(label, format!("{what} {id:?}"), reason)
    };
    for c in ds.cameras.iter_mut() {
        if let Some(d) = c.direction_deg {
            if !d.is_finite() {
                return Err(fail(
                    "camera",
                    &c.source_id,
                    format!("direction {d} is not a number of degrees"),
                ));
            }
            c.direction_deg = Some(d.rem_euclid(360.0));
        }
        if let Some(f) = c.fov_deg.filter(|f| !(*f > 0.0 && *f <= 360.0)) {
            return Err(fail(
                "camera",
                &c.source_id,
                format!("field of view {f}° is outside (0, 360]"),
            ));
        }
        if let Some(r) = c.range_m.filter(|r| !(*r > 0.0 && r.is_finite())) {
            return Err(fail(
                "camera",
                &c.source_id,
                format!("range {r} m is not positive"),
            ));
        }
    }
    for b in &ds.buildings {
        if let Some(f) = b.floors.filter(|f| *f <= 0) {
            return Err(fail(
                "building",
                &b.source_id,
                format!("{f} floors; a building has at least one"),
            ));
        }
        if let Some(h) = b.households.filter(|h| h.value() < 0) {
            return Err(fail(
                "building",
                &b.source_id,
                format!("{} households is below zero", h.value()),
            ));
        }
    }
    for h in &ds.households {
        if h.residents < 0 || h.floating < 0 || h.floating > h.residents {
            return Err(fail(
                "household",
                &format!("{} {}", h.building, h.room),
                format!(
                    "{} residents of whom {} floating is impossible",
                    h.residents, h.floating
                ),
            ));
        }
    }
    Ok(())
}

fn street_name(ds: &Dataset, options: &PrepareOptions) -> String {
    options
        .street_name
        .clone()
        .unwrap_or_else(|| format!("{} 街道", ds.source))
}

/// Puts parentless communities under a street, created when the dataset has none.
/// Returns the street's reference.
fn attach_street(
    ds: &mut Dataset,
    options: &PrepareOptions,
    report: &mut PrepareReport,
) -> Option<String> {
    if let Some(s) = ds.regions.iter().find(|r| r.level == RegionLevel::Street) {
        let reference = s.source_id.clone();
        for r in ds.regions.iter_mut() {
            if r.level == RegionLevel::Community && r.parent.is_none() {
                r.parent = Some(reference.clone());
            }
        }
        return Some(reference);
    }
    let hull = extent_hull(ds)?;
    let reference = "street".to_string();
    for r in ds.regions.iter_mut() {
        if r.level == RegionLevel::Community && r.parent.is_none() {
            r.parent = Some(reference.clone());
        }
    }
    ds.regions.push(RegionRecord {
        source_id: reference.clone(),
        parent: None,
        level: RegionLevel::Street,
        name: street_name(ds, options),
        code: None,
        boundary: hull,
    });
    report.street_created = true;
    Some(reference)
}

/// Convex hull of every community and building of the dataset.
fn extent_hull(ds: &Dataset) -> Option<MultiPolygon<f64>> {
    use geo::CoordsIter;
    let points: Vec<Point<f64>> = ds
        .regions
        .iter()
        .map(|r| &r.boundary)
        .chain(ds.buildings.iter().map(|b| &b.footprint))
        .flat_map(|mp| mp.exterior_coords_iter().map(Point::from))
        .collect();
    if points.len() < 3 {
        return None;
    }
    let hull = MultiPoint(points).convex_hull();
    (hull.unsigned_area() > 0.0).then(|| MultiPolygon(vec![hull]))
}

/// The part of the dataset's extent outside every community; when that cannot be formed,
/// the hull of the buildings left outside.
fn unassigned_area(
    ds: &Dataset,
    communities: &[CommunityRef],
    outside: &[usize],
) -> MultiPolygon<f64> {
    let hull_of_outside = || {
        use geo::CoordsIter;
        let pts: Vec<Point<f64>> = outside
            .iter()
            .flat_map(|&i| {
                ds.buildings[i]
                    .footprint
                    .exterior_coords_iter()
                    .map(Point::from)
            })
            .collect();
        MultiPolygon(vec![MultiPoint(pts).convex_hull()])
    };
    let Some(hull) = extent_hull(ds) else {
        return hull_of_outside();
    };
    let mut rest = hull;
    for c in communities {
        rest = rest.difference(&c.boundary);
    }
    let covers_all = outside.iter().all(|&i| {
        representative_point(&ds.buildings[i].footprint).is_some_and(|p| rest.contains(&p))
    });
    if covers_all && check_storable(&Geometry::MultiPolygon(rest.clone())).is_ok() {
        rest
    } else {
        hull_of_outside()
    }
}

/// Gives address points without a building the building containing them, or the nearest
/// within about 25 m; fills missing address parts of buildings from their points.
fn match_addresses(ds: &mut Dataset) -> usize {
    const NEAR_DEG: f64 = 0.00025;
    let tree = box_tree(ds.buildings.iter().map(|b| &b.footprint));
    let mut matched = 0;
    let mut first_address: BTreeMap<usize, Address> = BTreeMap::new();
    for a in ds.addresses.iter_mut() {
        if a.building.is_some() {
            continue;
        }
        let p = a.location;
        let near = AABB::from_corners(
            [p.x() - NEAR_DEG, p.y() - NEAR_DEG],
            [p.x() + NEAR_DEG, p.y() + NEAR_DEG],
        );
        let mut best: Option<(f64, usize)> = None;
        for cand in tree.locate_in_envelope_intersecting(&near) {
            let b = &ds.buildings[cand.data];
            let d = if b.footprint.contains(&p) {
                0.0
            } else {
                Euclidean.distance(&p, &b.footprint)
            };
            if d <= NEAR_DEG && best.is_none_or(|(bd, bi)| (d, cand.data) < (bd, bi)) {
                best = Some((d, cand.data));
            }
        }
        if let Some((_, bi)) = best {
            a.building = Some(ds.buildings[bi].source_id.clone());
            first_address.entry(bi).or_insert_with(|| a.address.clone());
            matched += 1;
        }
    }
    for (bi, address) in first_address {
        ds.buildings[bi].address.fill_from(&address);
    }
    matched
}

fn estimate(
    ds: &mut Dataset,
    options: &PrepareOptions,
    report: &mut PrepareReport,
) -> Result<(), ImportError> {
    let Some(first) = ds
        .buildings
        .iter()
        .find(|b| b.households.is_none())
        .and_then(|b| representative_point(&b.footprint))
    else {
        return Ok(());
    };
    let projection = LocalProjection::around(first.x(), first.y())
        .map_err(|e| ImportError::Usage(format!("cannot set up a metric projection: {e}")))?;
    for b in ds.buildings.iter_mut().filter(|b| b.households.is_none()) {
        let facts = BuildingFacts {
            footprint_m2: projection.area_m2(&b.footprint),
            floors: b.floors,
            height_m: b.height_m,
            building_use: b.building_use,
            building_type: b.building_type.as_deref(),
        };
        let count = estimate_households(&facts, &options.estimate);
        report.estimated_buildings += 1;
        report.estimated_households += i64::from(count.value());
        b.households = Some(count);
    }
    Ok(())
}

/// The grid code of a community's first grid: community code (or an id derived from its
/// source id) + `001`.
fn first_grid_code(community: &RegionRecord) -> String {
    let base = community.code.clone().unwrap_or_else(|| {
        community
            .source_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase()
    });
    format!("{base}001")
}

fn add_provisional_grids(ds: &mut Dataset, stored: &StoredContext, report: &mut PrepareReport) {
    let with_grids: std::collections::HashSet<&str> =
        ds.grids.iter().map(|g| g.community.as_str()).collect();
    let stored_by_source: HashMap<&str, i64> = stored
        .communities
        .iter()
        .filter(|c| c.source == ds.source)
        .map(|c| (c.source_id.as_str(), c.id))
        .collect();
    let mut added = Vec::new();
    for c in ds
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Community)
    {
        if with_grids.contains(c.source_id.as_str()) {
            continue;
        }
        let has_stored_grids = stored_by_source
            .get(c.source_id.as_str())
            .is_some_and(|id| stored.grids.iter().any(|g| g.community_id == *id));
        if has_stored_grids {
            continue;
        }
        added.push(GridRecord {
            source_id: format!("provisional:{}", c.source_id),
            community: c.source_id.clone(),
            code: first_grid_code(c),
            name: format!("{} 第1网格", c.name),
            kind: GridKind::Standard,
            boundary: c.boundary.clone(),
        });
    }
    report.provisional_grids = added.len();
    ds.provisional_grids.extend(added);
}

/// Gives every building with a community but no grid the grid of its community that
/// contains it (else the community's first grid).
fn assign_grids(ds: &mut Dataset, stored: &StoredContext) {
    // Community reference → (grid reference, boundary), in the dataset and in the store.
    let stored_ref: HashMap<&str, String> = stored
        .communities
        .iter()
        .filter(|c| c.source == ds.source)
        .map(|c| (c.source_id.as_str(), format!("@{}", c.id)))
        .collect();
    let mut grids: HashMap<String, Vec<(String, &MultiPolygon<f64>)>> = HashMap::new();
    for g in ds.grids.iter().chain(ds.provisional_grids.iter()) {
        grids
            .entry(g.community.clone())
            .or_default()
            .push((g.source_id.clone(), &g.boundary));
    }
    for g in &stored.grids {
        let key = format!("@{}", g.community_id);
        grids
            .entry(key)
            .or_default()
            .push((format!("@{}", g.id), &g.boundary));
    }
    for b in ds.buildings.iter_mut().filter(|b| b.grid.is_none()) {
        let Some(c) = &b.community else { continue };
        let candidates = grids
            .get(c)
            .or_else(|| stored_ref.get(c.as_str()).and_then(|r| grids.get(r)));
        let Some(candidates) = candidates else {
            continue;
        };
        let p = representative_point(&b.footprint);
        let chosen = candidates
            .iter()
            .find(|(_, boundary)| p.is_some_and(|p| boundary.contains(&p)))
            .or_else(|| candidates.first());
        b.grid = chosen.map(|(r, _)| r.clone());
    }
}
