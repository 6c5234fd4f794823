//! A Shapefile shape as a `geo` geometry: points, multipoints, polylines (one part a
//! LineString, more a MultiLineString) and polygons, whose rings the format lists flat —
//! outer rings clockwise, holes counter-clockwise, in any order — assembled here: each
//! hole goes to the smallest outer ring containing it; a "hole" inside no outer ring is
//! taken as an outer ring written the wrong way round. M and Z values are dropped.

use geo::{Area, Contains, Coord, Geometry, InteriorPoint, LineString, MultiPoint, Point, Polygon};
use shapefile::record::polygon::GenericPolygon;
use shapefile::record::polyline::GenericPolyline;
use shapefile::record::traits::HasXY;
use shapefile::{PolygonRing, Shape};

/// The geometry of a shape, or why it has none.
pub(super) fn to_geometry(shape: Shape) -> Result<Geometry<f64>, String> {
    Ok(match shape {
        Shape::NullShape => return Err("the feature has no geometry".into()),
        Shape::Point(p) => point(&p),
        Shape::PointM(p) => point(&p),
        Shape::PointZ(p) => point(&p),
        Shape::Multipoint(m) => multipoint(m.points()),
        Shape::MultipointM(m) => multipoint(m.points()),
        Shape::MultipointZ(m) => multipoint(m.points()),
        Shape::Polyline(l) => polyline(&l),
        Shape::PolylineM(l) => polyline(&l),
        Shape::PolylineZ(l) => polyline(&l),
        Shape::Polygon(p) => polygon(&p)?,
        Shape::PolygonM(p) => polygon(&p)?,
        Shape::PolygonZ(p) => polygon(&p)?,
        Shape::Multipatch(_) => {
            return Err("a Multipatch (3-D surface) is not a map geometry wangge reads".into())
        }
    })
}

fn coord<P: HasXY>(p: &P) -> Coord<f64> {
    Coord { x: p.x(), y: p.y() }
}

fn point<P: HasXY>(p: &P) -> Geometry<f64> {
    Geometry::Point(Point(coord(p)))
}

fn multipoint<P: HasXY>(points: &[P]) -> Geometry<f64> {
    Geometry::MultiPoint(MultiPoint(points.iter().map(|p| Point(coord(p))).collect()))
}

fn line<P: HasXY>(points: &[P]) -> LineString<f64> {
    LineString(points.iter().map(coord).collect())
}

fn polyline<P: HasXY>(l: &GenericPolyline<P>) -> Geometry<f64> {
    let mut parts: Vec<LineString<f64>> = l.parts().iter().map(|p| line(p)).collect();
    if parts.len() == 1 {
        Geometry::LineString(parts.remove(0))
    } else {
        Geometry::MultiLineString(geo::MultiLineString(parts))
    }
}

fn polygon<P: HasXY>(p: &GenericPolygon<P>) -> Result<Geometry<f64>, String> {
    let mut outers: Vec<Polygon<f64>> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    for ring in p.rings() {
        match ring {
            PolygonRing::Outer(points) => outers.push(Polygon::new(line(points), vec![])),
            PolygonRing::Inner(points) => holes.push(line(points)),
        }
    }
    for hole in holes {
        let inside = Polygon::new(hole.clone(), vec![]).interior_point();
        let owner = inside.and_then(|pt| {
            outers
                .iter()
                .enumerate()
                .filter(|(_, o)| o.contains(&pt))
                .min_by(|(_, a), (_, b)| a.unsigned_area().total_cmp(&b.unsigned_area()))
                .map(|(i, _)| i)
        });
        match owner {
            Some(i) => outers[i].interiors_push(hole),
            None => outers.push(Polygon::new(hole, vec![])),
        }
    }
    match outers.len() {
        0 => Err("empty geometry".into()),
        1 => Ok(Geometry::Polygon(outers.remove(0))),
        _ => Ok(Geometry::MultiPolygon(geo::MultiPolygon(outers))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shapefile::Point as ShpPoint;

    fn ring(coords: &[(f64, f64)]) -> Vec<ShpPoint> {
        coords.iter().map(|&(x, y)| ShpPoint { x, y }).collect()
    }

    /// A square of side `s` at (x, y), clockwise (a shapefile outer ring) or not.
    fn square(x: f64, y: f64, s: f64, clockwise: bool) -> Vec<ShpPoint> {
        let mut c = vec![(x, y), (x, y + s), (x + s, y + s), (x + s, y), (x, y)];
        if !clockwise {
            c.reverse();
        }
        ring(&c)
    }

    #[test]
    fn holes_go_to_the_outer_ring_containing_them_in_any_order() {
        // Two parts; the hole of the first is listed after the second part.
        let shape = shapefile::Polygon::with_rings(vec![
            PolygonRing::Outer(square(0.0, 0.0, 10.0, true)),
            PolygonRing::Outer(square(20.0, 0.0, 5.0, true)),
            PolygonRing::Inner(square(2.0, 2.0, 2.0, false)),
        ]);
        let Geometry::MultiPolygon(mp) = to_geometry(Shape::Polygon(shape)).unwrap() else {
            panic!("expected a MultiPolygon")
        };
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[0].interiors().len(), 1);
        assert!(mp.0[1].interiors().is_empty());
        assert!((mp.unsigned_area() - (100.0 - 4.0 + 25.0)).abs() < 1e-9);
    }

    #[test]
    fn a_hole_in_no_outer_ring_is_an_outer_ring() {
        let shape =
            shapefile::Polygon::with_rings(vec![PolygonRing::Inner(square(0.0, 0.0, 1.0, false))]);
        let g = to_geometry(Shape::Polygon(shape)).unwrap();
        assert!(
            matches!(g, Geometry::Polygon(ref p) if p.interiors().is_empty()),
            "{g:?}"
        );
    }

    #[test]
    fn points_lines_and_null_shapes() {
        assert_eq!(
            to_geometry(Shape::Point(ShpPoint { x: 1.0, y: 2.0 })).unwrap(),
            Geometry::Point(Point::new(1.0, 2.0))
        );
        let one = shapefile::Polyline::new(ring(&[(0.0, 0.0), (1.0, 1.0)]));
        assert!(matches!(
            to_geometry(Shape::Polyline(one)).unwrap(),
            Geometry::LineString(_)
        ));
        let two = shapefile::Polyline::with_parts(vec![
            ring(&[(0.0, 0.0), (1.0, 1.0)]),
            ring(&[(2.0, 2.0), (3.0, 3.0)]),
        ]);
        assert!(matches!(
            to_geometry(Shape::Polyline(two)).unwrap(),
            Geometry::MultiLineString(_)
        ));
        assert_eq!(
            to_geometry(Shape::NullShape).unwrap_err(),
            "the feature has no geometry"
        );
    }
}
