//! Validity of the community polygon.
//!
//! geo's [`Validation`] tests every ring for self-intersection pair by pair, which is
//! quadratic; a community with a long, detailed boundary is checked here with an R-tree
//! instead, for the properties the tessellation relies on: no two edges cross or overlap,
//! every hole lies in its shell, and no part lies inside another.

use geo::line_intersection::line_intersection;
use geo::{Coord, Line, LineIntersection, MultiPolygon, Validation};
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::RTree;

use super::soup::point_in_ring;

/// Rings longer than this (points) are checked with an R-tree rather than by geo.
const LONG_RING: usize = 1000;

/// Why `mp` (longitude/latitude) is not a valid community polygon, if it is not.
pub(super) fn check(mp: &MultiPolygon<f64>) -> Result<(), String> {
    let long = mp
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .any(|r| r.0.len() > LONG_RING);
    if !long {
        return mp.check_validation().map_err(|e| e.to_string());
    }
    // Rings as points without the closing point, with (polygon, is_shell).
    let mut rings: Vec<(Vec<Coord<f64>>, usize, bool)> = Vec::new();
    for (pi, p) in mp.iter().enumerate() {
        for (k, r) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            let mut pts = r.0.clone();
            if pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            if pts.len() < 3 {
                return Err(format!("polygon {pi} has a ring with fewer than 3 points"));
            }
            rings.push((pts, pi, k == 0));
        }
    }
    let mut items = Vec::new();
    for (ri, (pts, _, _)) in rings.iter().enumerate() {
        for k in 0..pts.len() {
            let (a, b) = (pts[k], pts[(k + 1) % pts.len()]);
            items.push(GeomWithData::new(
                RLine::new([a.x, a.y], [b.x, b.y]),
                (ri, k),
            ));
        }
    }
    let tree = RTree::bulk_load(items);
    for (x, y) in tree.intersection_candidates_with_other_tree(&tree) {
        let ((ra, ka), (rb, kb)) = (x.data, y.data);
        if (ra, ka) >= (rb, kb) {
            continue;
        }
        let seg = |r: usize, k: usize| {
            let pts = &rings[r].0;
            Line::new(pts[k], pts[(k + 1) % pts.len()])
        };
        let n = rings[ra].0.len();
        let adjacent = ra == rb && (kb == ka + 1 || (ka == 0 && kb == n - 1));
        match line_intersection(seg(ra, ka), seg(rb, kb)) {
            Some(LineIntersection::SinglePoint {
                intersection,
                is_proper: true,
            }) => {
                return Err(format!(
                    "edges cross at ({}, {})",
                    intersection.x, intersection.y
                ))
            }
            Some(LineIntersection::Collinear { intersection })
                if !adjacent || intersection.start != intersection.end =>
            {
                return Err(format!(
                    "edges overlap from ({}, {}) to ({}, {})",
                    intersection.start.x,
                    intersection.start.y,
                    intersection.end.x,
                    intersection.end.y
                ))
            }
            _ => {}
        }
    }
    // With no crossing edges, nesting is decided by any one point of a ring.
    for (ri, (pts, pi, shell)) in rings.iter().enumerate() {
        let p = pts[0];
        for (rj, (other, pj, other_shell)) in rings.iter().enumerate() {
            if ri == rj || !*other_shell {
                continue;
            }
            if *shell && pi != pj && point_in_ring(other, p) && !in_a_hole(&rings, *pj, p) {
                return Err(format!("polygons {pj} and {pi} overlap"));
            }
            if !*shell && pi == pj && !point_in_ring(other, p) {
                return Err(format!("a hole of polygon {pi} lies outside its shell"));
            }
        }
    }
    Ok(())
}

/// Whether `p` lies in a hole of polygon `poly`.
fn in_a_hole(rings: &[(Vec<Coord<f64>>, usize, bool)], poly: usize, p: Coord<f64>) -> bool {
    rings
        .iter()
        .any(|(pts, pi, shell)| *pi == poly && !shell && point_in_ring(pts, p))
}
