//! How an edited grid fits its published plan (pure geometry, no database): the grids of a
//! community tile it, so an edited boundary may not overlap another grid nor extend
//! outside the community; and buildings follow boundaries, so an edit moves the buildings
//! whose representative point changes grid. Called by the grid edits of
//! [`grid_edit`](super::grid_edit).

use geo::{BooleanOps, BoundingRect, GeodesicArea, Intersects, MultiPolygon, Point};

/// Overlaps and overhangs smaller than this many square metres are digitising noise, not
/// an error (a shared edge drawn without snapping).
pub const TOLERANCE_M2: f64 = 1.0;

/// The area in square metres where `boundary` overlaps `other`.
pub fn overlap_m2(boundary: &MultiPolygon<f64>, other: &MultiPolygon<f64>) -> f64 {
    match (boundary.bounding_rect(), other.bounding_rect()) {
        (Some(a), Some(b)) if a.intersects(&b) => {
            boundary.intersection(other).geodesic_area_unsigned()
        }
        _ => 0.0,
    }
}

/// The first of `others` (id, boundary) that `boundary` overlaps by more than
/// [`TOLERANCE_M2`], with the overlap in square metres.
pub fn first_overlap(
    boundary: &MultiPolygon<f64>,
    others: &[(i64, MultiPolygon<f64>)],
) -> Option<(i64, f64)> {
    others
        .iter()
        .map(|(id, other)| (*id, overlap_m2(boundary, other)))
        .find(|(_, m2)| *m2 > TOLERANCE_M2)
}

/// The area in square metres of `boundary` outside `community`.
pub fn outside_m2(boundary: &MultiPolygon<f64>, community: &MultiPolygon<f64>) -> f64 {
    boundary.difference(community).geodesic_area_unsigned()
}

/// A building of the plan: its id, its grid and its representative point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub building: i64,
    pub grid: i64,
    pub point: Point<f64>,
}

/// The buildings that change grid when grid `edited` takes the boundary it has in
/// `grids` (every grid of the plan, id and boundary), as (building, from, to). A point
/// belongs to the grid containing it, on a shared edge to the lower id (as the lookup
/// answers). Only the edited grid gains or loses buildings: a building whose point now
/// lies in it joins it; a building of it whose point left it joins the grid now holding
/// its point, or stays when no grid does (a gap, filled by the next edit).
pub fn moves(
    edited: i64,
    grids: &[(i64, MultiPolygon<f64>)],
    buildings: &[Placed],
) -> Vec<(i64, i64, i64)> {
    let holder = |p: &Point<f64>| {
        grids
            .iter()
            .filter(|(_, boundary)| boundary.intersects(p))
            .map(|(id, _)| *id)
            .min()
    };
    buildings
        .iter()
        .filter_map(|b| {
            let to = holder(&b.point)?;
            let involved = to == edited || b.grid == edited;
            (involved && to != b.grid).then_some((b.building, b.grid, to))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, Rect};

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            Rect::new((x0, y0), (x0 + side, y0 + side)).to_polygon()
        ])
    }

    #[test]
    fn overlaps_above_the_tolerance_are_found() {
        // 0.001° squares near Beijing: about 85 m × 111 m.
        let a = square(116.300, 39.900, 0.001);
        let beside = square(116.301, 39.900, 0.001);
        let over = square(116.3009, 39.900, 0.001);
        assert!(overlap_m2(&a, &beside) < TOLERANCE_M2);
        let m2 = overlap_m2(&a, &over);
        assert!((m2 - 0.0001 * 85_000.0 * 111.0).abs() < 100.0, "{m2}");
        assert_eq!(first_overlap(&a, &[(1, beside.clone())]), None);
        assert_eq!(
            first_overlap(&a, &[(1, beside), (2, over)]).map(|(id, _)| id),
            Some(2)
        );
    }

    #[test]
    fn overhangs_are_measured() {
        let community = square(116.300, 39.900, 0.01);
        assert!(outside_m2(&square(116.301, 39.901, 0.001), &community) < TOLERANCE_M2);
        assert!(outside_m2(&square(116.3095, 39.901, 0.001), &community) > 1_000.0);
    }

    #[test]
    fn only_the_edited_grid_gains_or_loses_buildings() {
        // Grid 1 is cut in two; its east half becomes grid 3. Grid 2 lies north.
        let grids = vec![
            (1, square(116.300, 39.900, 0.001)),
            (2, square(116.300, 39.901, 0.001)),
            (3, square(116.301, 39.900, 0.001)),
        ];
        let at = |building, grid, x, y| Placed {
            building,
            grid,
            point: point! { x: x, y: y },
        };
        let buildings = [
            at(10, 1, 116.3015, 39.9005), // in the new grid 3
            at(11, 1, 116.3005, 39.9005), // stays in 1
            at(12, 2, 116.3005, 39.9015), // another grid: untouched
            at(13, 2, 116.3015, 39.9005), // in grid 3 although assigned to 2
            at(14, 3, 116.3100, 39.9100), // in no grid: stays
            at(15, 1, 116.3010, 39.9005), // on the edge of 1 and 3: the lower id
        ];
        assert_eq!(moves(3, &grids, &buildings), vec![(10, 1, 3), (13, 2, 3)]);
        // Grid 1 edited instead: its building on grid 3's ground goes there.
        assert_eq!(moves(1, &grids, &buildings), vec![(10, 1, 3)]);
    }
}
