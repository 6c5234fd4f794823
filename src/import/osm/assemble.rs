//! Areas from OSM: a closed way, or a multipolygon / boundary relation whose outer and inner
//! member ways are joined into rings. Every failure is a sentence for the skipped list.
//! Outer rings that touch along a line or overlap (common in OSM: a building drawn as
//! several parts sharing walls) are repaired by their union; the repair is said.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::orient::{Direction, Orient};
use geo::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::{unary_union, Area, Contains, Coord, LineString, MultiPolygon, Polygon, Validation};

use super::elements::{MemberType, OsmData, Relation, Way};

/// A closed ring as node ids, with the ways it was joined from.
#[derive(Debug, Clone, PartialEq)]
struct NodeRing {
    refs: Vec<i64>,
    ways: Vec<i64>,
}

/// The area of a closed way.
pub(crate) fn way_area(data: &OsmData, way: &Way) -> Result<MultiPolygon<f64>, String> {
    if way.refs.len() < 2 || way.refs.first() != way.refs.last() {
        return Err("ring is not closed".to_owned());
    }
    if way.refs.len() < 4 {
        return Err(format!("ring has {} nodes, fewer than 4", way.refs.len()));
    }
    let ring = coord_ring(data, &way.refs)?;
    finish(vec![Polygon::new(ring, vec![])])
}

/// An assembled relation area, and what was repaired to make it valid.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RelationArea {
    pub area: MultiPolygon<f64>,
    /// Why the polygons were unioned (`polygons 0 and 1 touch on a line`), if they were.
    pub repaired: Option<String>,
}

/// The area of a multipolygon or boundary relation: members with role `outer` (or no role)
/// and `inner` that are ways; other members are ignored.
pub(crate) fn relation_area(data: &OsmData, rel: &Relation) -> Result<RelationArea, String> {
    let mut outer: Vec<(i64, &[i64])> = Vec::new();
    let mut inner: Vec<(i64, &[i64])> = Vec::new();
    for m in rel.members.iter().filter(|m| m.kind == MemberType::Way) {
        let pieces = match m.role.trim() {
            "outer" | "" => &mut outer,
            "inner" => &mut inner,
            _ => continue,
        };
        if pieces.iter().any(|(id, _)| *id == m.id) {
            continue; // the same way listed twice
        }
        let way = data
            .ways
            .get(&m.id)
            .ok_or_else(|| format!("member way w{} is not in the file", m.id))?;
        if way.refs.len() < 2 {
            return Err(format!("member way w{} has fewer than 2 nodes", m.id));
        }
        pieces.push((m.id, &way.refs));
    }
    if outer.is_empty() {
        return Err("no outer member way".to_owned());
    }
    let outer = join(&outer).map_err(|e| format!("outer {e}"))?;
    let inner = join(&inner).map_err(|e| format!("inner {e}"))?;

    let mut polygons: Vec<(Polygon<f64>, f64)> = Vec::with_capacity(outer.len());
    for ring in &outer {
        let ring = coord_ring(data, &ring.refs)
            .map_err(|e| format!("{e} (outer ring of {})", way_list(&ring.ways)))?;
        let polygon = Polygon::new(ring, vec![]);
        let area = polygon.unsigned_area();
        polygons.push((polygon, area));
    }
    let mut holes: Vec<Vec<LineString<f64>>> = vec![Vec::new(); polygons.len()];
    for ring in &inner {
        let line = coord_ring(data, &ring.refs)
            .map_err(|e| format!("{e} (inner ring of {})", way_list(&ring.ways)))?;
        let hole = Polygon::new(line.clone(), vec![]);
        // The smallest outer ring around it: an island inside a hole of a larger one
        // is itself an outer ring.
        let owner = polygons
            .iter()
            .enumerate()
            .filter(|(_, (outer, _))| outer.contains(&hole))
            .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
            .map(|(i, _)| i);
        match owner.and_then(|i| holes.get_mut(i)) {
            Some(h) => h.push(line),
            None => {
                return Err(format!(
                    "inner ring ({}) is not inside any outer ring",
                    way_list(&ring.ways)
                ))
            }
        }
    }
    let polygons = polygons
        .into_iter()
        .zip(holes)
        .map(|((p, _), holes)| Polygon::new(p.into_inner().0, holes))
        .collect();
    finish_repairing(polygons)
}

/// Like [`finish`], but polygons that touch along a line or overlap are unioned first;
/// what still fails validation after the union is an error.
fn finish_repairing(polygons: Vec<Polygon<f64>>) -> Result<RelationArea, String> {
    let mp = MultiPolygon::new(polygons);
    let why = match mp.check_validation() {
        Ok(()) => {
            return Ok(RelationArea {
                area: mp.orient(Direction::Default),
                repaired: None,
            })
        }
        Err(
            e @ (InvalidMultiPolygon::ElementsTouchOnALine(..)
            | InvalidMultiPolygon::ElementsOverlaps(..)),
        ) => e.to_string(),
        Err(e) => return Err(describe_invalid(&mp, &e)),
    };
    let union = unary_union(mp.0.iter());
    let area = finish(union.0).map_err(|e| format!("{why}, and their union is invalid: {e}"))?;
    let repaired = Some(format!("{why}: unioned into {} polygon(s)", area.0.len()));
    Ok(RelationArea { area, repaired })
}

/// Validates and orients (exterior counter-clockwise, holes clockwise).
fn finish(polygons: Vec<Polygon<f64>>) -> Result<MultiPolygon<f64>, String> {
    let mp = MultiPolygon::new(polygons);
    if let Err(e) = mp.check_validation() {
        return Err(describe_invalid(&mp, &e));
    }
    Ok(mp.orient(Direction::Default))
}

fn way_list(ways: &[i64]) -> String {
    ways.iter()
        .map(|w| format!("w{w}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Joins way pieces end to end at shared node ids into closed rings.
fn join(pieces: &[(i64, &[i64])]) -> Result<Vec<NodeRing>, String> {
    let mut pool: Vec<(i64, &[i64])> = pieces.to_vec();
    // Take pieces from the front, in member order.
    pool.reverse();
    let mut rings = Vec::new();
    while let Some((way, refs)) = pool.pop() {
        let mut ring = NodeRing {
            refs: refs.to_vec(),
            ways: vec![way],
        };
        loop {
            let (Some(&head), Some(&tail)) = (ring.refs.first(), ring.refs.last()) else {
                return Err(format!("ring ({}) is empty", way_list(&ring.ways)));
            };
            if head == tail && ring.refs.len() > 1 {
                break;
            }
            // Search from the end of the pool, i.e. in member order.
            let found = pool.iter().rposition(|(_, r)| {
                matches!((r.first(), r.last()), (Some(&a), Some(&b)) if a == tail || b == tail || a == head || b == head)
            });
            let Some(k) = found else {
                return Err(format!(
                    "ring is not closed ({} end at n{head} and n{tail})",
                    way_list(&ring.ways)
                ));
            };
            let (next_way, next) = pool.remove(k);
            ring.ways.push(next_way);
            let first = next.first().copied();
            let last = next.last().copied();
            if first == Some(tail) {
                ring.refs.extend(next.iter().skip(1));
            } else if last == Some(tail) {
                ring.refs.extend(next.iter().rev().skip(1));
            } else if last == Some(head) {
                let mut refs = next.to_vec();
                refs.extend(ring.refs.iter().skip(1));
                ring.refs = refs;
            } else {
                let mut refs: Vec<i64> = next.iter().rev().copied().collect();
                refs.extend(ring.refs.iter().skip(1));
                ring.refs = refs;
            }
        }
        if ring.refs.len() < 4 {
            return Err(format!(
                "ring ({}) has {} nodes, fewer than 4",
                way_list(&ring.ways),
                ring.refs.len()
            ));
        }
        rings.push(ring);
    }
    Ok(rings)
}

/// Coordinates of a closed ring of node ids, without repeated consecutive points.
fn coord_ring(data: &OsmData, refs: &[i64]) -> Result<LineString<f64>, String> {
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(refs.len());
    for &id in refs {
        let (x, y) = data
            .node(id)
            .ok_or_else(|| format!("node n{id} is not in the file"))?;
        let c = Coord { x, y };
        if coords.last() != Some(&c) {
            coords.push(c);
        }
    }
    if coords.len() < 4 {
        return Err(format!(
            "ring has {} distinct points, fewer than 4",
            coords.len().saturating_sub(1)
        ));
    }
    Ok(LineString::new(coords))
}

/// A sentence for a validation error, with the place of a self-intersection.
fn describe_invalid(mp: &MultiPolygon<f64>, e: &InvalidMultiPolygon) -> String {
    let InvalidMultiPolygon::InvalidPolygon(index, InvalidPolygon::SelfIntersection(role)) = e
    else {
        return format!("invalid geometry: {e}");
    };
    let polygon = mp.0.get(index.0);
    let ring = match role {
        RingRole::Exterior => polygon.map(|p| p.exterior()),
        RingRole::Interior(i) => polygon.and_then(|p| p.interiors().get(*i)),
    };
    let place = ring
        .and_then(self_intersection)
        .map(|c| format!(" at ({:.7}, {:.7})", c.x, c.y))
        .unwrap_or_default();
    let which = match (mp.0.len(), role) {
        (1, RingRole::Exterior) => String::new(),
        (1, role) => format!(" of the {role}"),
        (_, role) => format!(" of the {role} of polygon {}", index.0),
    };
    format!("self-intersection{place}{which}")
}

/// Where `ring` first crosses or touches itself, by the rule of geo's validation:
/// two segments meet at other than the point they share as neighbours.
fn self_intersection(ring: &LineString<f64>) -> Option<Coord<f64>> {
    let lines: Vec<_> = ring.lines().collect();
    for (i, a) in lines.iter().enumerate() {
        for b in lines.iter().skip(i + 1) {
            if a.start == b.end || a.end == b.start {
                continue;
            }
            match line_intersection(*a, *b) {
                Some(LineIntersection::SinglePoint { intersection, .. }) => {
                    return Some(intersection)
                }
                Some(LineIntersection::Collinear { intersection }) => {
                    return Some(intersection.start)
                }
                None => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::osm::elements::{Collector, Member};

    fn none<'a>() -> std::iter::Empty<(&'a str, &'a str)> {
        std::iter::empty()
    }

    /// Nodes 1..=4 on a unit square, 5 in the middle away from it.
    fn data(ways: &[(i64, &[i64])], members: &[(i64, &str)]) -> OsmData {
        let mut c = Collector::default();
        for (id, x, y) in [(1, 0.0, 0.0), (2, 1.0, 0.0), (3, 1.0, 1.0), (4, 0.0, 1.0)] {
            c.node(id, x, y, none);
        }
        for (id, refs) in ways {
            c.way(*id, refs.to_vec(), none);
        }
        let members = members
            .iter()
            .map(|(id, role)| Member {
                kind: MemberType::Way,
                id: *id,
                role: role.to_string(),
            })
            .collect();
        c.relation(1, members, || [("type", "multipolygon")].into_iter());
        c.finish()
    }

    #[test]
    fn joins_reversed_pieces_in_any_order() {
        let d = data(
            &[(10, &[1, 2]), (11, &[4, 3]), (12, &[1, 4]), (13, &[3, 2])],
            &[(10, "outer"), (11, "outer"), (12, "outer"), (13, "outer")],
        );
        let mp = relation_area(&d, &d.relations[0]).expect("assembles").area;
        assert_eq!(mp.0.len(), 1);
        assert!((mp.unsigned_area() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reports_open_ring_and_missing_parts() {
        let d = data(&[(10, &[1, 2, 3])], &[(10, "outer")]);
        let e = relation_area(&d, &d.relations[0]).unwrap_err();
        assert!(e.starts_with("outer ring is not closed"), "{e}");
        assert!(e.contains("n1") && e.contains("n3"), "{e}");

        let d = data(&[(10, &[1, 2, 3, 1])], &[(10, "outer"), (99, "inner")]);
        let e = relation_area(&d, &d.relations[0]).unwrap_err();
        assert_eq!(e, "member way w99 is not in the file");

        let d = data(&[(10, &[1, 2, 7, 1])], &[(10, "outer")]);
        let e = relation_area(&d, &d.relations[0]).unwrap_err();
        assert_eq!(e, "node n7 is not in the file (outer ring of w10)");

        let d = data(&[(10, &[1, 2, 3, 1])], &[(10, "inner")]);
        let e = relation_area(&d, &d.relations[0]).unwrap_err();
        assert_eq!(e, "no outer member way");
    }

    #[test]
    fn closed_way_rules() {
        let d = data(
            &[(10, &[1, 2, 3, 4, 1]), (11, &[1, 2, 1]), (12, &[1, 2, 3])],
            &[],
        );
        assert!(way_area(&d, &d.ways[&10]).is_ok());
        assert!(way_area(&d, &d.ways[&11])
            .unwrap_err()
            .contains("fewer than 4"));
        assert_eq!(
            way_area(&d, &d.ways[&12]).unwrap_err(),
            "ring is not closed"
        );
    }

    #[test]
    fn bow_tie_names_the_crossing() {
        let d = data(&[(10, &[1, 2, 4, 3, 1])], &[]);
        let e = way_area(&d, &d.ways[&10]).unwrap_err();
        assert_eq!(e, "self-intersection at (0.5000000, 0.5000000)");
    }

    #[test]
    fn outer_rings_touching_on_a_line_are_unioned() {
        // Two unit squares side by side sharing the edge 2–3: nodes 1..4 and 2, 6, 7, 3.
        let mut c = Collector::default();
        for (id, x, y) in [
            (1, 0.0, 0.0),
            (2, 1.0, 0.0),
            (3, 1.0, 1.0),
            (4, 0.0, 1.0),
            (6, 2.0, 0.0),
            (7, 2.0, 1.0),
        ] {
            c.node(id, x, y, none);
        }
        c.way(10, vec![1, 2, 3, 4, 1], none);
        c.way(11, vec![2, 6, 7, 3, 2], none);
        let members = [10, 11]
            .map(|id| Member {
                kind: MemberType::Way,
                id,
                role: "outer".into(),
            })
            .to_vec();
        c.relation(1, members, || [("type", "multipolygon")].into_iter());
        let d = c.finish();
        let got = relation_area(&d, &d.relations[0]).expect("repaired");
        assert_eq!(got.area.0.len(), 1, "one polygon after the union");
        assert!((got.area.unsigned_area() - 2.0).abs() < 1e-9);
        assert!(got.area.is_valid());
        let why = got.repaired.expect("the repair is said");
        assert!(why.contains("touch on a line"), "{why}");

        // Separate outers need no repair.
        let d = data(&[(10, &[1, 2, 3, 4, 1])], &[(10, "outer")]);
        assert_eq!(relation_area(&d, &d.relations[0]).unwrap().repaired, None);
    }

    #[test]
    fn orients_exterior_counter_clockwise() {
        let d = data(&[(10, &[1, 4, 3, 2, 1])], &[]);
        let mp = way_area(&d, &d.ways[&10]).expect("valid");
        use geo::winding_order::Winding;
        assert!(mp.0[0].exterior().is_ccw());
    }
}
