//! The street an import falls under and its unassigned area (未划分区域): communities
//! without a parent go under a street — the dataset's own, else the stored street the
//! import overlaps most (grown to cover it), else a new one — and buildings outside
//! every community go to the street's unassigned-area community, which is always the
//! street's boundary less its communities. So importing buildings before or after their
//! communities ends in the same regions: the street is the convex hull of everything
//! imported under it, and buildings of the unassigned area that a new community covers
//! move into it.

use geo::{
    Area, BooleanOps, BoundingRect, Contains, ConvexHull, CoordsIter, Geometry, Intersects,
    MultiPoint, MultiPolygon, Point,
};

use super::{CommunityRef, PrepareOptions, PrepareReport, StoredContext};
use crate::geometry::{check_storable, representative_point, split_self_touching};
use crate::model::{Dataset, RegionLevel, RegionRecord};

/// Source id of an unassigned-area community.
pub(super) const UNASSIGNED: &str = "unassigned-area";

/// Whether a source id is one an unassigned area was given (`unassigned-area`, or
/// `unassigned-area-2` … for further streets of the same source).
pub(super) fn is_unassigned(source_id: &str) -> bool {
    source_id.strip_prefix(UNASSIGNED).is_some_and(|rest| {
        rest.is_empty()
            || rest
                .strip_prefix('-')
                .is_some_and(|n| n.parse::<u32>().is_ok())
    })
}

/// The street the dataset's communities and unassigned area go under.
pub(super) struct Street {
    /// Its reference: a source id of the dataset or `@ID`.
    pub reference: String,
    /// Its boundary after this import.
    pub boundary: MultiPolygon<f64>,
    /// Its database id when it is stored already.
    pub stored: Option<i64>,
}

/// A stored building that moves out of an unassigned area into a community of the import.
pub(super) struct Moved {
    /// `@ID` of the building.
    pub building: String,
    pub point: Point<f64>,
    /// The community it moves to (a source id of the dataset).
    pub community: String,
}

fn street_name(ds: &Dataset, options: &PrepareOptions) -> String {
    options
        .street_name
        .clone()
        .unwrap_or_else(|| format!("{} 街道", ds.source))
}

fn hull_of<'a>(shapes: impl Iterator<Item = &'a MultiPolygon<f64>>) -> Option<MultiPolygon<f64>> {
    let points: Vec<Point<f64>> = shapes
        .flat_map(|mp| mp.exterior_coords_iter().map(Point::from))
        .collect();
    if points.len() < 3 {
        return None;
    }
    let hull = MultiPoint(points).convex_hull();
    (hull.unsigned_area() > 0.0).then(|| MultiPolygon(vec![hull]))
}

/// Convex hull of every region and building of the dataset.
fn extent_hull(ds: &Dataset) -> Option<MultiPolygon<f64>> {
    hull_of(
        ds.regions
            .iter()
            .map(|r| &r.boundary)
            .chain(ds.buildings.iter().map(|b| &b.footprint)),
    )
}

/// Puts parentless communities under a street and returns it; `None` when the dataset
/// has no street and does not need one (`needed` false, or nothing to take a hull of).
pub(super) fn attach_street(
    ds: &mut Dataset,
    stored: &StoredContext,
    options: &PrepareOptions,
    report: &mut PrepareReport,
    needed: bool,
) -> Option<Street> {
    let street = if let Some(s) = ds.regions.iter().find(|r| r.level == RegionLevel::Street) {
        Street {
            reference: s.source_id.clone(),
            boundary: s.boundary.clone(),
            stored: None,
        }
    } else if needed {
        let hull = extent_hull(ds)?;
        match overlapping_street(stored, &hull) {
            Some((id, boundary)) => {
                let grown = hull_of([boundary, &hull].into_iter())?;
                if grown.unsigned_area() > boundary.unsigned_area() {
                    ds.amendments.region_boundaries.push((id, grown.clone()));
                }
                report.street_reused = true;
                Street {
                    reference: format!("@{id}"),
                    boundary: grown,
                    stored: Some(id),
                }
            }
            None => {
                let reference = free_source_id(ds, stored, "street");
                ds.regions.push(RegionRecord {
                    source_id: reference.clone(),
                    parent: None,
                    level: RegionLevel::Street,
                    name: street_name(ds, options),
                    code: None,
                    boundary: hull.clone(),
                });
                report.street_created = true;
                Street {
                    reference,
                    boundary: hull,
                    stored: None,
                }
            }
        }
    } else {
        return None;
    };
    for r in ds.regions.iter_mut() {
        if r.level == RegionLevel::Community && r.parent.is_none() {
            r.parent = Some(street.reference.clone());
        }
    }
    Some(street)
}

/// The stored street whose boundary overlaps `hull` most.
fn overlapping_street<'a>(
    stored: &'a StoredContext,
    hull: &MultiPolygon<f64>,
) -> Option<(i64, &'a MultiPolygon<f64>)> {
    let envelope = hull.bounding_rect()?;
    stored
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Street)
        .filter(|r| {
            r.boundary
                .bounding_rect()
                .is_some_and(|b| b.intersects(&envelope))
        })
        .map(|r| {
            (
                r.id,
                &r.boundary,
                r.boundary.intersection(hull).unsigned_area(),
            )
        })
        .filter(|(_, _, shared)| *shared > 0.0)
        .max_by(|a, b| a.2.total_cmp(&b.2).then(b.0.cmp(&a.0)))
        .map(|(id, boundary, _)| (id, boundary))
}

/// Gives the buildings `outside` every community (indices into `ds.buildings`) the
/// street's unassigned area, created or reshaped; returns the stored buildings of that
/// area which a community of this import now covers.
pub(super) fn unassigned_area(
    ds: &mut Dataset,
    stored: &StoredContext,
    street: &Street,
    communities: &[CommunityRef],
    outside: &[usize],
    report: &mut PrepareReport,
) -> Vec<Moved> {
    let existing = street.stored.and_then(|sid| {
        stored.regions.iter().find(|r| {
            r.level == RegionLevel::Community
                && is_unassigned(&r.source_id)
                && r.parent_id == Some(sid)
        })
    });
    if outside.is_empty() && existing.is_none() {
        return Vec::new();
    }
    let own = existing.map(|u| format!("@{}", u.id));
    let others = communities
        .iter()
        .filter(|c| !is_unassigned(&c.reference) && Some(&c.reference) != own.as_ref());
    let mut rest = street.boundary.clone();
    let envelope = street.boundary.bounding_rect();
    for c in others {
        let near = match (envelope, c.boundary.bounding_rect()) {
            (Some(a), Some(b)) => a.intersects(&b),
            _ => false,
        };
        if near {
            rest = rest.difference(&c.boundary);
        }
    }
    let points: Vec<Point<f64>> = outside
        .iter()
        .filter_map(|&i| representative_point(&ds.buildings[i].footprint))
        .collect();
    let holds_all = |mp: &MultiPolygon<f64>| {
        points.iter().all(|p| mp.contains(p))
            && check_storable(&Geometry::MultiPolygon(mp.clone())).is_ok()
    };
    // Boolean operations may leave a ring touching itself at a vertex: cut it apart.
    if !holds_all(&rest) {
        rest = split_self_touching(&rest);
    }
    if !holds_all(&rest) {
        // What certainly holds them without covering a community: the footprints of the
        // outside buildings, with the area's stored boundary.
        let mut footprints = MultiPolygon(
            outside
                .iter()
                .flat_map(|&i| ds.buildings[i].footprint.0.iter().cloned())
                .collect(),
        );
        footprints = geo::unary_union(footprints.0.iter());
        rest = match existing {
            Some(u) => u.boundary.union(&footprints),
            None => footprints,
        };
        report.unassigned_area_from_footprints = true;
    }
    report.buildings_outside_communities = outside.len();
    let reference = match existing {
        Some(u) => {
            ds.amendments.region_boundaries.push((u.id, rest.clone()));
            for g in stored
                .grids
                .iter()
                .filter(|g| g.community_id == u.id && g.provisional)
            {
                ds.amendments.grid_boundaries.push((g.id, rest.clone()));
            }
            format!("@{}", u.id)
        }
        None => {
            let reference = free_source_id(ds, stored, UNASSIGNED);
            ds.regions.push(RegionRecord {
                source_id: reference.clone(),
                parent: Some(street.reference.clone()),
                level: RegionLevel::Community,
                name: format!("{} 未划分区域", street_name_of(ds, stored, street)),
                code: None,
                boundary: rest,
            });
            reference
        }
    };
    for &i in outside {
        ds.buildings[i].community = Some(reference.clone());
    }
    let moved = existing
        .map(|u| covered_by_new_communities(ds, stored, u.id))
        .unwrap_or_default();
    report.buildings_rehomed = moved.len();
    moved
}

/// `base`, or `base-2`, `base-3` … : the first source id that no stored region of the
/// dataset's source has, so that a second street made from another file of the same
/// source (two OSM extracts are both source `osm`) does not overwrite the first.
fn free_source_id(ds: &Dataset, stored: &StoredContext, base: &str) -> String {
    let taken = |id: &str| {
        stored
            .regions
            .iter()
            .any(|r| r.source == ds.source && r.source_id == id)
    };
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_string())
}

/// The name of `street`, for naming its unassigned area.
fn street_name_of(ds: &Dataset, stored: &StoredContext, street: &Street) -> String {
    match street.stored {
        Some(id) => stored
            .regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        None => ds
            .regions
            .iter()
            .find(|r| r.source_id == street.reference)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
    }
}

/// Stored buildings of the unassigned area `area` whose point lies in a community of
/// the dataset (the smallest one).
fn covered_by_new_communities(ds: &Dataset, stored: &StoredContext, area: i64) -> Vec<Moved> {
    let new: Vec<&RegionRecord> = ds
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Community && !is_unassigned(&r.source_id))
        .collect();
    if new.is_empty() {
        return Vec::new();
    }
    let reimported = |b: &crate::store::Building| {
        b.source == ds.source && ds.buildings.iter().any(|d| d.source_id == b.source_id)
    };
    stored
        .buildings
        .iter()
        .filter(|b| b.community_id == Some(area) && !reimported(b))
        .filter_map(|b| {
            let point = representative_point(&b.footprint)?;
            let community = new
                .iter()
                .filter(|c| c.boundary.contains(&point))
                .min_by(|a, b| {
                    a.boundary
                        .unsigned_area()
                        .total_cmp(&b.boundary.unsigned_area())
                })?;
            Some(Moved {
                building: format!("@{}", b.id),
                point,
                community: community.source_id.clone(),
            })
        })
        .collect()
}
