//! Makes a read dataset ready to store, and fits it to what is stored: checks every
//! geometry and value, resolves references to rows of other files, puts orphan
//! communities under a street, gives every building a community and a grid (a
//! provisional grid for a community with none; real grids replace it and buildings
//! follow them), matches address points to buildings and estimates missing household
//! counts. Changes to stored rows are written down as the dataset's
//! [`Amendments`](crate::model::Amendments), applied by the store in the import's
//! transaction. Pure: reads only the [`StoredContext`] it is given.
//!
//! One step a file: [`checks`], [`references`], [`streets`] (street and unassigned
//! area), [`addresses`], [`estimates`], [`grids`] with [`coverage`] (whether grids tile
//! their community).

mod addresses;
mod checks;
pub mod coverage;
mod estimates;
mod grids;
mod references;
mod streets;

use std::collections::HashSet;

use geo::{Area, Contains, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde::Serialize;

pub use coverage::{CoverageIssue, CoverageMode, IssueKind};

use super::estimate::EstimateParams;
use super::ImportError;
use crate::geometry::{bbox, representative_point};
use crate::model::*;
use crate::store::{Building, Grid, Region};

/// What is already stored and matters to a new import.
#[derive(Debug, Clone, Default)]
pub struct StoredContext {
    /// Every stored region (districts, streets, communities).
    pub regions: Vec<Region>,
    /// Grids of published plans.
    pub grids: Vec<Grid>,
    /// Stored buildings the import may move or match: those of the communities that get
    /// grids ([`communities_to_load`]) and around unmatched address points.
    pub buildings: Vec<Building>,
    /// (source, source id, id) of stored buildings that address points of the dataset
    /// name by source id.
    pub building_ids: Vec<(String, String, i64)>,
}

/// Options of the preparation.
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// Name of the street created for communities that have no parent.
    pub street_name: Option<String>,
    pub estimate: EstimateParams,
    /// What to do with grids that do not tile their community.
    pub coverage: CoverageMode,
}

/// What the preparation did, for the import report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrepareReport {
    /// Buildings assigned to a community by location.
    pub buildings_located: usize,
    /// Buildings outside every community, put in the street's unassigned-area community.
    pub buildings_outside_communities: usize,
    /// Stored buildings of the unassigned area that moved into a community of the import.
    pub buildings_rehomed: usize,
    /// Households estimated, and in how many buildings.
    pub estimated_households: i64,
    pub estimated_buildings: usize,
    /// Address points matched to a building.
    pub addresses_matched: usize,
    /// Communities that got a provisional grid.
    pub provisional_grids: usize,
    /// Provisional grids removed because real grids arrived for their community.
    pub provisional_grids_retired: usize,
    /// Buildings (of the import or stored) given the grid holding them because their
    /// community got real grids.
    pub buildings_regridded: usize,
    /// Whether a street was created for parentless communities.
    pub street_created: bool,
    /// Whether parentless communities went under a stored street (grown to cover them).
    pub street_reused: bool,
    /// Whether the unassigned area could not be formed as the street less its
    /// communities and is the footprints of its buildings instead.
    pub unassigned_area_from_footprints: bool,
    /// Where the grids do not tile their communities (imported with `CoverageMode::List`).
    pub coverage: Vec<CoverageIssue>,
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

/// A community candidate: its reference (source id or `@id`) and boundary.
struct CommunityRef {
    reference: String,
    boundary: MultiPolygon<f64>,
    area: f64,
}

/// Checks `ds` and rewrites its references to stored rows as `@ID` (see [`references`]).
/// [`prepare`] does this too; callers run it first to learn which stored rows to load.
pub fn resolve(
    ds: &mut Dataset,
    stored: &StoredContext,
    source_label: &str,
) -> Result<(), ImportError> {
    checks::check_geometries(ds, source_label)?;
    checks::check_values(ds, source_label)?;
    references::resolve_references(ds, stored, source_label)
}

/// Source ids of stored buildings that `ds` names (address points' buildings).
pub fn building_references(ds: &Dataset) -> Vec<String> {
    references::foreign_building_references(ds)
}

/// The stored communities whose buildings an import of `ds` (resolved) may move: those
/// getting grids, and the unassigned areas that new communities may cover.
pub fn communities_to_load(ds: &Dataset, stored: &StoredContext) -> Vec<i64> {
    let mut out: Vec<i64> = ds
        .grids
        .iter()
        .filter_map(|g| match g.community.strip_prefix('@') {
            Some(id) => id.parse().ok(),
            None => stored
                .regions
                .iter()
                .find(|r| r.source == ds.source && r.source_id == g.community)
                .map(|r| r.id),
        })
        .collect();
    if ds.regions.iter().any(|r| r.level == RegionLevel::Community) {
        out.extend(
            stored
                .regions
                .iter()
                .filter(|r| {
                    r.level == RegionLevel::Community && streets::is_unassigned(&r.source_id)
                })
                .map(|r| r.id),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The envelope of address points without a building, around which stored buildings
/// are candidates for them.
pub fn address_envelope(ds: &Dataset) -> Option<[f64; 4]> {
    addresses::unmatched_envelope(ds)
}

/// Prepares `ds` in place. `source_label` names the input in error messages.
pub fn prepare(
    ds: &mut Dataset,
    stored: &StoredContext,
    options: &PrepareOptions,
    source_label: &str,
) -> Result<PrepareReport, ImportError> {
    let mut report = PrepareReport::default();
    resolve(ds, stored, source_label)?;
    if ds.buildings.is_empty()
        && ds.regions.is_empty()
        && ds.grids.is_empty()
        && ds.addresses.is_empty()
    {
        return Ok(report);
    }
    let communities = known_communities(ds, stored);
    let outside = locate_buildings(ds, &communities, &mut report);
    let parentless = ds
        .regions
        .iter()
        .any(|r| r.level == RegionLevel::Community && r.parent.is_none());
    let street = streets::attach_street(
        ds,
        stored,
        options,
        &mut report,
        parentless || !outside.is_empty(),
    );
    let moved = match &street {
        Some(street) => {
            streets::unassigned_area(ds, stored, street, &communities, &outside, &mut report)
        }
        None => Vec::new(),
    };
    for m in &moved {
        if let Some(id) = m.building.strip_prefix('@').and_then(|id| id.parse().ok()) {
            ds.amendments
                .building_communities
                .push((id, m.community.clone()));
        }
    }
    report.addresses_matched = addresses::match_addresses(ds, stored);
    estimates::estimate(ds, options, &mut report)?;
    let mut placement = grids::GridPlacement::new(ds, stored);
    placement.place_real_grids(ds, &moved);
    placement.add_provisional_grids(ds, &mut report);
    placement.assign_remaining(ds, &moved);
    report.provisional_grids_retired = ds.amendments.retired_grids.len();
    report.buildings_regridded = ds.amendments.assignments.len();
    let issues = std::mem::take(&mut placement.issues);
    if !issues.is_empty() && options.coverage == CoverageMode::Refuse {
        return Err(ImportError::Coverage {
            path: source_label.into(),
            issues,
        });
    }
    report.coverage = issues;
    Ok(report)
}

/// Communities known to this import: the dataset's, then stored ones not re-imported.
fn known_communities(ds: &Dataset, stored: &StoredContext) -> Vec<CommunityRef> {
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
    let reimported: HashSet<&str> = ds.regions.iter().map(|r| r.source_id.as_str()).collect();
    for c in stored
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Community)
    {
        if !(c.source == ds.source && reimported.contains(c.source_id.as_str())) {
            communities.push(CommunityRef {
                reference: format!("@{}", c.id),
                area: c.boundary.unsigned_area(),
                boundary: c.boundary.clone(),
            });
        }
    }
    communities
}

/// Buildings → communities: the smallest community containing a point inside the
/// footprint. Returns the indices of the buildings outside every community.
fn locate_buildings(
    ds: &mut Dataset,
    communities: &[CommunityRef],
    report: &mut PrepareReport,
) -> Vec<usize> {
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
    outside
}
