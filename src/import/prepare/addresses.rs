//! Address points without a building get the building containing them, or the nearest
//! within about 25 m — among the buildings of the import and the stored ones around the
//! points (an address layer imported after its buildings, as its own file) — and fill
//! that building's missing address parts.

use std::collections::BTreeMap;

use geo::{Contains, Distance, Euclidean, MultiPolygon};
use rstar::AABB;

use super::{box_tree, StoredContext};
use crate::model::{Address, Dataset};

/// How near an address point must be to a building to be its address, in degrees (~25 m).
const NEAR_DEG: f64 = 0.00025;

/// The envelope around the address points of `ds` that have no building, grown by the
/// matching distance: the stored buildings there are candidates.
pub(super) fn unmatched_envelope(ds: &Dataset) -> Option<[f64; 4]> {
    let mut points = ds
        .addresses
        .iter()
        .filter(|a| a.building.is_none())
        .map(|a| a.location);
    let first = points.next()?;
    let init = [first.x(), first.y(), first.x(), first.y()];
    let [a, b, c, d] = points.fold(init, |[a, b, c, d], p| {
        [a.min(p.x()), b.min(p.y()), c.max(p.x()), d.max(p.y())]
    });
    Some([a - NEAR_DEG, b - NEAR_DEG, c + NEAR_DEG, d + NEAR_DEG])
}

/// A candidate building: its reference (source id of the dataset or `@ID`) and footprint.
struct Candidate<'a> {
    reference: String,
    /// Index into `ds.buildings`, or the stored id.
    at: Place,
    footprint: &'a MultiPolygon<f64>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Dataset(usize),
    Stored(i64),
}

/// Matches address points to buildings; returns how many were matched.
pub(super) fn match_addresses(ds: &mut Dataset, stored: &StoredContext) -> usize {
    let matches = find_matches(ds, stored);
    let mut first_address: BTreeMap<Place, Address> = BTreeMap::new();
    for (a, reference, place) in &matches {
        let point = &mut ds.addresses[*a];
        point.building = Some(reference.clone());
        first_address
            .entry(*place)
            .or_insert_with(|| point.address.clone());
    }
    for (place, address) in first_address {
        match place {
            Place::Dataset(i) => ds.buildings[i].address.fill_from(&address),
            Place::Stored(id) => {
                let known = stored.buildings.iter().find(|b| b.id == id);
                let mut filled = known.map(|b| b.address.clone()).unwrap_or_default();
                let before = filled.clone();
                filled.fill_from(&address);
                if filled != before {
                    ds.amendments.building_addresses.push((id, filled));
                }
            }
        }
    }
    matches.len()
}

/// (address point index, building reference, building place) for every address point
/// without a building that has one near it.
fn find_matches(ds: &Dataset, stored: &StoredContext) -> Vec<(usize, String, Place)> {
    let own: std::collections::HashSet<&str> =
        ds.buildings.iter().map(|b| b.source_id.as_str()).collect();
    let mut candidates: Vec<Candidate> = ds
        .buildings
        .iter()
        .enumerate()
        .map(|(i, b)| Candidate {
            reference: b.source_id.clone(),
            at: Place::Dataset(i),
            footprint: &b.footprint,
        })
        .collect();
    candidates.extend(
        stored
            .buildings
            .iter()
            .filter(|b| !(b.source == ds.source && own.contains(b.source_id.as_str())))
            .map(|b| Candidate {
                reference: format!("@{}", b.id),
                at: Place::Stored(b.id),
                footprint: &b.footprint,
            }),
    );
    let tree = box_tree(candidates.iter().map(|c| c.footprint));
    let mut out = Vec::new();
    for (ai, a) in ds.addresses.iter().enumerate() {
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
            let footprint = candidates[cand.data].footprint;
            let d = if footprint.contains(&p) {
                0.0
            } else {
                Euclidean.distance(&p, footprint)
            };
            if d <= NEAR_DEG && best.is_none_or(|(bd, bi)| (d, cand.data) < (bd, bi)) {
                best = Some((d, cand.data));
            }
        }
        if let Some((_, i)) = best {
            out.push((ai, candidates[i].reference.clone(), candidates[i].at));
        }
    }
    out
}
