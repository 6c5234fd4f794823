//! Repair of rings that touch themselves at a vertex, as boolean operations output them
//! (a street less its communities, where two communities meet the street's hull at one
//! point). Each ring is cut into simple loops at its repeated vertices; a loop of an
//! exterior that lies inside another becomes its hole (an "inverted" ring), the others
//! become polygons of their own; holes go to the smallest polygon holding them.

use std::collections::HashMap;

use geo::orient::{Direction, Orient};
use geo::{Area, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Polygon};

/// The simple closed loops of a closed ring, cut at every vertex it passes twice.
fn loops(ring: &LineString<f64>) -> Vec<LineString<f64>> {
    let coords = &ring.0;
    let mut out = Vec::new();
    let mut path: Vec<Coord<f64>> = Vec::with_capacity(coords.len());
    let mut at: HashMap<(u64, u64), usize> = HashMap::new();
    let key = |c: &Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    for c in coords.iter().take(coords.len().saturating_sub(1)) {
        if let Some(&start) = at.get(&key(c)) {
            let mut lp: Vec<Coord<f64>> = path.drain(start..).collect();
            for d in &lp {
                at.remove(&key(d));
            }
            lp.push(lp[0]);
            if lp.len() >= 4 {
                out.push(LineString::new(lp));
            }
        }
        at.insert(key(c), path.len());
        path.push(*c);
    }
    if let Some(&first) = path.first() {
        path.push(first);
        if path.len() >= 4 {
            out.push(LineString::new(path));
        }
    }
    out
}

/// `mp` with self-touching rings cut into simple ones (see the module documentation).
/// A multipolygon without repeated vertices comes back unchanged, but oriented.
pub fn split_self_touching(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let mut shells: Vec<Polygon<f64>> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    for polygon in &mp.0 {
        let outer: Vec<Polygon<f64>> = loops(polygon.exterior())
            .into_iter()
            .map(|l| Polygon::new(l, vec![]))
            .collect();
        // A loop inside another loop of the same exterior is a hole of it.
        for (i, p) in outer.iter().enumerate() {
            let inside_another = p.interior_point().is_some_and(|pt| {
                outer.iter().enumerate().any(|(j, q)| {
                    j != i && q.unsigned_area() > p.unsigned_area() && q.contains(&pt)
                })
            });
            if inside_another {
                holes.push(p.exterior().clone());
            } else {
                shells.push(p.clone());
            }
        }
        for interior in polygon.interiors() {
            holes.extend(loops(interior));
        }
    }
    let mut assigned: Vec<Vec<LineString<f64>>> = vec![Vec::new(); shells.len()];
    for hole in holes {
        let Some(pt) = Polygon::new(hole.clone(), vec![]).interior_point() else {
            continue;
        };
        let owner = shells
            .iter()
            .enumerate()
            .filter(|(_, s)| s.contains(&pt))
            .min_by(|a, b| a.1.unsigned_area().total_cmp(&b.1.unsigned_area()))
            .map(|(i, _)| i);
        if let Some(i) = owner {
            assigned[i].push(hole);
        }
    }
    let polygons = shells
        .into_iter()
        .zip(assigned)
        .map(|(s, h)| Polygon::new(s.into_inner().0, h))
        .collect();
    MultiPolygon(polygons).orient(Direction::Default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Validation};

    #[test]
    fn a_ring_touching_itself_becomes_two_polygons() {
        // Two squares meeting at (1, 1), drawn as one ring passing (1, 1) twice.
        let bow = polygon![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 2.0, y: 1.0),
            (x: 2.0, y: 2.0), (x: 1.0, y: 2.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0),
        ];
        let mp = MultiPolygon(vec![bow]);
        assert!(!mp.is_valid());
        let fixed = split_self_touching(&mp);
        assert!(fixed.is_valid(), "{:?}", fixed.check_validation());
        assert_eq!(fixed.0.len(), 2);
        assert!((fixed.unsigned_area() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn an_inverted_ring_becomes_a_hole() {
        // A 4×4 square whose ring dips in from (2, 0) to enclose the square 1..3 × 1..3
        // through the corner (2, 0): the enclosed part is a hole touching the exterior.
        let ring = polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0),
            (x: 3.0, y: 3.0), (x: 3.0, y: 1.0), (x: 2.0, y: 0.0), (x: 4.0, y: 0.0),
            (x: 4.0, y: 4.0), (x: 0.0, y: 4.0),
        ];
        let fixed = split_self_touching(&MultiPolygon(vec![ring]));
        assert!(fixed.is_valid(), "{:?}", fixed.check_validation());
        assert_eq!(fixed.0.len(), 1);
        assert_eq!(fixed.0[0].interiors().len(), 1);
        // The area is the square less the hole's: 16 − (4 + 1) = 11.
        assert!(
            (fixed.unsigned_area() - 11.0).abs() < 1e-12,
            "{}",
            fixed.unsigned_area()
        );
    }

    #[test]
    fn a_simple_polygon_is_unchanged() {
        let p = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)],
        ]);
        assert!((split_self_touching(&p).unsigned_area() - 0.5).abs() < 1e-15);
    }
}
