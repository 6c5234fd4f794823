//! Small geometric helpers shared by import, store and API: WKB encoding (the storage
//! form in both backends), validity checks with a readable reason, envelopes and
//! representative points. Calls only the geo, geo-traits and wkb crates.

mod repair;

use geo::{BoundingRect, Geometry, InteriorPoint, MultiPolygon, Point, Rect, Validation};

use geo_traits::to_geo::ToGeoGeometry;
pub use repair::split_self_touching;

/// Why a geometry cannot be stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeometryError {
    /// Bytes that are not WKB of the expected type.
    #[error("invalid WKB: {0}")]
    Wkb(String),
    /// The geometry is of a type that this layer does not take.
    #[error("expected {expected}, found {found}")]
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    /// The geometry has no coordinates.
    #[error("empty geometry")]
    Empty,
    /// A coordinate is NaN or infinite, or outside longitude/latitude range.
    #[error("coordinate ({x}, {y}) is not a longitude/latitude in EPSG:4326")]
    OutOfRange { x: f64, y: f64 },
    /// The geometry breaks the OGC simple-feature rules (self-intersection, unclosed ring ...).
    #[error("invalid geometry: {0}")]
    Invalid(String),
}

/// Encodes a geometry as little-endian WKB.
pub fn to_wkb(geometry: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail for a geo-types geometry: it has no empty points.
    let _ = wkb::writer::write_geometry(&mut out, geometry, &Default::default());
    out
}

/// Decodes WKB into a geometry.
pub fn from_wkb(bytes: &[u8]) -> Result<Geometry<f64>, GeometryError> {
    let parsed = wkb::reader::read_wkb(bytes).map_err(|e| GeometryError::Wkb(e.to_string()))?;
    parsed.try_to_geometry().ok_or(GeometryError::Empty)
}

/// Decodes WKB that must hold a polygon or multipolygon.
pub fn multipolygon_from_wkb(bytes: &[u8]) -> Result<MultiPolygon<f64>, GeometryError> {
    into_multipolygon(from_wkb(bytes)?)
}

/// Decodes WKB that must hold a point.
pub fn point_from_wkb(bytes: &[u8]) -> Result<Point<f64>, GeometryError> {
    match from_wkb(bytes)? {
        Geometry::Point(p) => Ok(p),
        other => Err(GeometryError::WrongType {
            expected: "Point",
            found: type_name(&other),
        }),
    }
}

/// Polygon or MultiPolygon (or a collection of them) as a MultiPolygon.
pub fn into_multipolygon(geometry: Geometry<f64>) -> Result<MultiPolygon<f64>, GeometryError> {
    match geometry {
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(mp) => Ok(mp),
        Geometry::GeometryCollection(gc) => {
            let mut polygons = Vec::new();
            for g in gc {
                polygons.extend(into_multipolygon(g)?.0);
            }
            if polygons.is_empty() {
                return Err(GeometryError::Empty);
            }
            Ok(MultiPolygon(polygons))
        }
        other => Err(GeometryError::WrongType {
            expected: "Polygon or MultiPolygon",
            found: type_name(&other),
        }),
    }
}

/// The OGC type name of a geometry.
pub fn type_name(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// Checks that a geometry can be stored in EPSG:4326: not empty, every coordinate a finite
/// longitude/latitude, and valid by the OGC rules (no self-intersection, closed rings,
/// holes inside their shell, parts not overlapping).
pub fn check_storable(geometry: &Geometry<f64>) -> Result<(), GeometryError> {
    use geo::CoordsIter;
    let mut any = false;
    for c in geometry.coords_iter() {
        any = true;
        // Ranges exclude NaN; infinities fall outside them.
        if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
            return Err(GeometryError::OutOfRange { x: c.x, y: c.y });
        }
    }
    if !any {
        return Err(GeometryError::Empty);
    }
    geometry
        .check_validation()
        .map_err(|e| GeometryError::Invalid(e.to_string()))
}

/// The envelope of a geometry as `(minx, miny, maxx, maxy)`; zeros for an empty one.
pub fn envelope(geometry: &Geometry<f64>) -> (f64, f64, f64, f64) {
    match geometry.bounding_rect() {
        Some(r) => (r.min().x, r.min().y, r.max().x, r.max().y),
        None => (0.0, 0.0, 0.0, 0.0),
    }
}

/// A point guaranteed to lie inside the polygon (for centroid-like assignment).
pub fn representative_point(mp: &MultiPolygon<f64>) -> Option<Point<f64>> {
    mp.interior_point()
}

/// The envelope of a multipolygon as a `Rect`.
pub fn bbox(mp: &MultiPolygon<f64>) -> Option<Rect<f64>> {
    mp.bounding_rect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, polygon, Area};

    #[test]
    fn wkb_round_trip_keeps_multipolygon() {
        let mp = MultiPolygon(vec![polygon![
            (x: 116.0, y: 39.0), (x: 116.1, y: 39.0), (x: 116.1, y: 39.1), (x: 116.0, y: 39.0)
        ]]);
        let bytes = to_wkb(&Geometry::MultiPolygon(mp.clone()));
        let back = multipolygon_from_wkb(&bytes).unwrap();
        assert_eq!(back, mp);
        assert!((back.unsigned_area() - 0.005).abs() < 1e-12);
    }

    #[test]
    fn garbage_wkb_is_an_error() {
        assert!(matches!(from_wkb(&[1, 2, 3]), Err(GeometryError::Wkb(_))));
    }

    #[test]
    fn bow_tie_is_invalid_and_says_why() {
        let bow = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
        let err = check_storable(&Geometry::Polygon(bow)).unwrap_err();
        assert!(matches!(err, GeometryError::Invalid(_)), "{err}");
    }

    #[test]
    fn projected_metres_are_out_of_range() {
        let p = Geometry::Point(Point::new(500000.0, 4400000.0));
        assert!(matches!(
            check_storable(&p),
            Err(GeometryError::OutOfRange { .. })
        ));
    }

    #[test]
    fn line_is_not_a_polygon() {
        let g = Geometry::LineString(line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)]);
        assert!(matches!(
            into_multipolygon(g),
            Err(GeometryError::WrongType { .. })
        ));
    }
}
