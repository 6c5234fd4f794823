//! Carving kept areas (virtual and rural grids) out of a community before it is
//! tessellated, so the balanced grids and the kept ones tile the community together.

use geo::{BooleanOps, Contains, Intersects, MultiPolygon, Polygon, Validation};

/// `community` minus the `kept` areas, all longitude/latitude.
///
/// When every kept polygon has no hole, lies inside one community polygon without touching
/// any of its rings and touches no other kept polygon (a school campus inside a
/// community), its exterior ring becomes a hole of that community polygon as it is: no
/// coordinate changes, so the balanced grids meet the kept ones exactly. Otherwise (a
/// kept area on the community's edge, kept areas touching each other) the difference is
/// computed with geo's boolean operations, which snap coordinates to an integer grid and
/// leave slivers of the order of 10⁻⁹ of the community's area along the kept edges.
pub fn carve(community: &MultiPolygon<f64>, kept: &[MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let pieces: Vec<&Polygon<f64>> = kept.iter().flatten().collect();
    if pieces.is_empty() {
        return community.clone();
    }
    if let Some(exact) = as_holes(community, &pieces) {
        return exact;
    }
    let mut out = community.clone();
    for k in kept {
        out = out.difference(k);
    }
    out
}

/// The community with each piece's exterior as a hole, if the simple case applies.
fn as_holes(community: &MultiPolygon<f64>, pieces: &[&Polygon<f64>]) -> Option<MultiPolygon<f64>> {
    let mut out = community.clone();
    for (i, p) in pieces.iter().enumerate() {
        if !p.interiors().is_empty() || !p.is_valid() {
            return None;
        }
        if pieces[..i].iter().any(|q| q.intersects(*p)) {
            return None;
        }
        let host = out.0.iter_mut().find(|c| {
            c.contains(*p)
                && !c.exterior().intersects(p.exterior())
                && c.interiors().iter().all(|h| !h.intersects(p.exterior()))
        })?;
        host.interiors_push(p.exterior().clone());
    }
    out.is_valid().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area};

    fn square(x0: f64, y0: f64, d: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x0 + d, y: y0), (x: x0 + d, y: y0 + d), (x: x0, y: y0 + d)]
    }

    #[test]
    fn an_inner_area_becomes_a_hole_unchanged_and_an_edge_area_is_cut() {
        let community: MultiPolygon<f64> = square(116.0, 40.0, 0.01).into();
        let school: MultiPolygon<f64> = square(116.002, 40.002, 0.002).into();
        let carved = carve(&community, std::slice::from_ref(&school));
        assert_eq!(carved.0.len(), 1);
        assert_eq!(carved.0[0].interiors().len(), 1);
        // Exactly the school's ring, coordinates untouched.
        let hole: Vec<_> = carved.0[0].interiors()[0].0.clone();
        assert_eq!(hole, school.0[0].exterior().0);
        assert_eq!(
            carved.unsigned_area() + school.unsigned_area(),
            community.unsigned_area()
        );
        // On the edge: cut with boolean operations, no hole.
        let edge: MultiPolygon<f64> = square(116.0, 40.004, 0.002).into();
        let carved = carve(&community, std::slice::from_ref(&edge));
        assert!(carved.is_valid());
        assert!(carved.0[0].interiors().is_empty());
        let rest = carved.unsigned_area() + edge.unsigned_area() - community.unsigned_area();
        assert!(rest.abs() < 1e-9 * community.unsigned_area(), "{rest}");
        // Nothing kept: the community itself.
        assert_eq!(carve(&community, &[]), community);
    }
}
