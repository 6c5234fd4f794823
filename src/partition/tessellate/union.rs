//! Grid boundaries: the union of the cells of each grid.
//!
//! Neighbouring cells of a [`Tessellation`] share bitwise-identical vertices, so their
//! union is exact: the rings of all cells of a grid go into an [edge soup](super::soup),
//! shared edges cancel, and the remaining edges are traced into the grid's shells and
//! holes. A result that fails validation (which only inconsistent input could cause) is
//! recomputed with geo's `unary_union`.

use geo::{unary_union, Coord, MultiPolygon, Orient, Polygon, Validation};

use super::soup::{self, Soup};
use super::Tessellation;

/// Rings with an absolute area below this fraction of the grid's total area are slivers
/// left by rounding, and dropped.
const SLIVER_FRACTION: f64 = 1e-10;

/// The boundary of each of `grids` grids, longitude/latitude: the union of the cells of
/// the sites assigned to it (`assignment[i]` is the grid of site `i`).
///
/// Each boundary is valid, the boundaries tile the community's part covered by assigned
/// cells without overlaps, and a grid whose cells are connected (share boundary) is one
/// polygon (with holes where it surrounds other grids). A grid with no cell gets an empty
/// multipolygon; sites assigned to a grid `>= grids`, and sites beyond the end of
/// `assignment` or assignments beyond the last cell, are left out.
pub fn grid_boundaries(
    t: &Tessellation,
    assignment: &[u32],
    grids: usize,
) -> Vec<MultiPolygon<f64>> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); grids];
    for (i, &g) in assignment.iter().enumerate().take(t.cells.len()) {
        if let Some(m) = members.get_mut(g as usize) {
            m.push(i);
        }
    }
    members
        .iter()
        .map(|cells| union_of(cells.iter().map(|&i| &t.cells[i])))
        .collect()
}

/// The union of cells sharing identical vertices along shared edges.
fn union_of<'a>(cells: impl Iterator<Item = &'a MultiPolygon<f64>> + Clone) -> MultiPolygon<f64> {
    let mut s: Soup<(), ()> = Soup::new();
    let mut total = 0.0;
    for ring in cells
        .clone()
        .flatten()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    {
        let pts = &ring.0;
        let n = if pts.len() > 1 && pts.first() == pts.last() {
            pts.len() - 1
        } else {
            pts.len()
        };
        if n < 3 {
            continue;
        }
        let r: Vec<(Coord<f64>, (), ())> = pts[..n].iter().map(|&c| (c, (), ())).collect();
        total += soup::signed_area(pts[..n].iter().copied());
        s.ring(&r);
    }
    let rings: Vec<(Vec<Coord<f64>>, f64)> = s
        .rings(total.abs() * SLIVER_FRACTION)
        .into_iter()
        .map(|(r, a)| (r.into_iter().map(|v| v.0).collect(), a))
        .collect();
    let result = MultiPolygon::new(
        soup::group(&rings)
            .into_iter()
            .map(|(shell, holes)| {
                Polygon::new(
                    soup::closed(&rings[shell].0),
                    holes
                        .into_iter()
                        .map(|h| soup::closed(&rings[h].0))
                        .collect(),
                )
            })
            .collect(),
    );
    if result.is_valid() {
        return result;
    }
    let oriented: Vec<Polygon<f64>> = cells
        .flatten()
        .map(|p| p.orient(geo::orient::Direction::Default))
        .collect();
    unary_union(&oriented)
}
