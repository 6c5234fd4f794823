//! [`LocalProjection`]: the UTM zone around a place, for areas and lengths in metres.

use geo::{Area, Euclidean, Length, MapCoordsInPlace, MultiLineString, MultiPolygon};

use super::system::Crs;
use super::tmerc::TransverseMercator;
use super::CrsError;

/// UTM scale on the central meridian.
const UTM_K0: f64 = 0.9996;
/// UTM false easting, metres.
const UTM_FALSE_EASTING: f64 = 500_000.0;
/// UTM false northing in the southern hemisphere, metres.
const UTM_FALSE_NORTHING_SOUTH: f64 = 10_000_000.0;

/// The WGS 84 UTM zone around a point, for measuring WGS 84 geometries in metres.
///
/// wangge stores longitude/latitude; areas, lengths and compactness are computed after
/// projecting into the UTM zone (EPSG:326xx north, 327xx south) of the place measured.
/// The projection is conformal with scale within 0.9996–1.0010 inside its zone, so areas
/// are true to about 0.2 % there (the scale k is known; this type does not correct for it,
/// as PostGIS and QGIS do not either when measuring in UTM).
///
/// The transverse Mercator is computed in wangge (Krüger series, agreeing with PROJ to
/// well under a millimetre), so a `LocalProjection` is cheap, `Send + Sync`, and its
/// methods cannot fail. Geometries far from the zone (more than ~30° of longitude) are
/// projected with growing distortion and should use their own zone.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalProjection {
    zone: u32,
    south: bool,
    tm: TransverseMercator,
}

/// The UTM zone number (1–60) of a WGS 84 point, with the Norway and Svalbard exceptions.
fn utm_zone(lon: f64, lat: f64) -> u32 {
    let zone = (((lon + 180.0) / 6.0).floor() as i64 + 1).clamp(1, 60) as u32;
    if (56.0..64.0).contains(&lat) && (3.0..12.0).contains(&lon) {
        return 32;
    }
    if (72.0..=84.0).contains(&lat) && (0.0..42.0).contains(&lon) {
        return match lon {
            l if l < 9.0 => 31,
            l if l < 21.0 => 33,
            l if l < 33.0 => 35,
            _ => 37,
        };
    }
    zone
}

impl LocalProjection {
    /// The UTM zone of WGS 84 `(lon, lat)` (degrees), southern-hemisphere variant for
    /// negative latitudes. Fails with [`CrsError::OutOfRange`] if the point is not a valid
    /// longitude/latitude.
    pub fn around(lon: f64, lat: f64) -> Result<Self, CrsError> {
        let valid = lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat);
        if !valid {
            return Err(CrsError::OutOfRange {
                crs: Crs::Wgs84,
                x: lon,
                y: lat,
            });
        }
        Ok(Self::utm(utm_zone(lon, lat), lat < 0.0))
    }

    /// UTM zone `zone` (clamped to 1–60), north or south.
    pub fn utm(zone: u32, south: bool) -> Self {
        let zone = zone.clamp(1, 60);
        let lon0 = f64::from(zone) * 6.0 - 183.0;
        let false_northing = if south { UTM_FALSE_NORTHING_SOUTH } else { 0.0 };
        LocalProjection {
            zone,
            south,
            tm: TransverseMercator::new(lon0, UTM_K0, UTM_FALSE_EASTING, false_northing),
        }
    }

    /// The EPSG code of the zone: 32600 + zone in the north, 32700 + zone in the south.
    pub fn zone_epsg(&self) -> u32 {
        if self.south {
            32700 + self.zone
        } else {
            32600 + self.zone
        }
    }

    /// The zone as a [`Crs`] (`Epsg(326xx)` or `Epsg(327xx)`), for naming it; it is not
    /// among the CRSs [`super::Transformer`] converts.
    pub fn crs(&self) -> Crs {
        Crs::Epsg(self.zone_epsg())
    }

    /// Projects WGS 84 `(lon, lat)` in degrees to `(easting, northing)` in metres.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        self.tm.forward(lon, lat)
    }

    /// Unprojects `(easting, northing)` in metres to WGS 84 `(lon, lat)` in degrees.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        self.tm.inverse(x, y)
    }

    /// Projects any `geo` geometry in place from longitude/latitude to metres.
    pub fn forward<G: MapCoordsInPlace<f64>>(&self, g: &mut G) {
        g.map_coords_in_place(|c| {
            let (x, y) = self.tm.forward(c.x, c.y);
            geo::Coord { x, y }
        });
    }

    /// Unprojects any `geo` geometry in place from metres to longitude/latitude.
    pub fn inverse<G: MapCoordsInPlace<f64>>(&self, g: &mut G) {
        g.map_coords_in_place(|c| {
            let (x, y) = self.tm.inverse(c.x, c.y);
            geo::Coord { x, y }
        });
    }

    /// The area in square metres of a WGS 84 multipolygon (projected copy, unsigned area;
    /// holes subtracted).
    pub fn area_m2(&self, mp: &MultiPolygon<f64>) -> f64 {
        let mut projected = mp.clone();
        self.forward(&mut projected);
        projected.unsigned_area()
    }

    /// The length in metres of a WGS 84 multilinestring (projected copy, Euclidean length).
    pub fn length_m(&self, ls: &MultiLineString<f64>) -> f64 {
        let mut projected = ls.clone();
        self.forward(&mut projected);
        Euclidean.length(&projected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Geodesic, GeodesicArea, LineString};
    use proj::Proj;

    fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64) {
        let d = (got.0 - want.0).abs().max((got.1 - want.1).abs());
        assert!(
            d <= tol,
            "got {got:?}, want {want:?}, off by {d:e} > {tol:e}"
        );
    }

    #[test]
    fn chooses_the_utm_zone() {
        assert_eq!(
            LocalProjection::around(116.4, 39.9).unwrap().zone_epsg(),
            32650
        );
        assert_eq!(
            LocalProjection::around(121.47, 31.23).unwrap().zone_epsg(),
            32651
        );
        assert_eq!(
            LocalProjection::around(87.6, 43.8).unwrap().zone_epsg(),
            32645
        );
        assert_eq!(
            LocalProjection::around(151.2, -33.9).unwrap().zone_epsg(),
            32756
        );
        assert_eq!(
            LocalProjection::around(-180.0, 0.0).unwrap().zone_epsg(),
            32601
        );
        assert_eq!(
            LocalProjection::around(180.0, 0.0).unwrap().zone_epsg(),
            32660
        );
        assert_eq!(
            LocalProjection::around(5.3, 60.4).unwrap().zone_epsg(),
            32632
        ); // Bergen
        assert_eq!(
            LocalProjection::around(15.6, 78.2).unwrap().zone_epsg(),
            32633
        ); // Svalbard
        assert_eq!(
            LocalProjection::around(116.4, 39.9).unwrap().crs(),
            Crs::Epsg(32650)
        );
        for (lon, lat) in [(500_000.0, 40.0), (116.0, 95.0), (f64::NAN, 0.0)] {
            let err = LocalProjection::around(lon, lat).unwrap_err();
            assert!(
                matches!(
                    err,
                    CrsError::OutOfRange {
                        crs: Crs::Wgs84,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
    }

    // Expected values from PROJ 9.1.1's cs2cs, e.g.
    // `echo "39.9 116.4" | cs2cs EPSG:4326 EPSG:32650 -f %.6f` → 448709.380192 4416830.562172.
    #[test]
    fn matches_cs2cs_utm_values() {
        let cases = [
            (32650, (116.4, 39.9), (448_709.380192, 4_416_830.562172)),
            (32650, (120.0, 40.0), (756_099.647970, 4_432_069.056899)),
            (32650, (117.0, 0.0), (500_000.0, 0.0)),
            // 17° from the central meridian, far outside the zone.
            (32650, (100.0, 70.0), (-141_577.148724, 7_856_129.599154)),
            (
                32756,
                (151.2093, -33.8688),
                (334_368.633648, 6_250_948.345385),
            ),
        ];
        for (epsg, ll, xy) in cases {
            let p = LocalProjection::utm(epsg % 100, epsg > 32700);
            assert_eq!(p.zone_epsg(), epsg);
            assert_close(p.project(ll.0, ll.1), xy, 1e-6);
            assert_close(p.unproject(xy.0, xy.1), ll, 1e-10);
        }
    }

    #[test]
    fn agrees_with_proj_over_a_zone() {
        for (zone, south) in [(50, false), (45, false), (56, true)] {
            let p = LocalProjection::utm(zone, south);
            let proj =
                Proj::new_known_crs("EPSG:4326", &format!("EPSG:{}", p.zone_epsg()), None).unwrap();
            let cm = f64::from(zone) * 6.0 - 183.0;
            let (mut worst_fwd, mut worst_inv) = (0.0f64, 0.0f64);
            for i in -12..=12 {
                for j in 0..=16 {
                    let lon = cm + 0.5 * f64::from(i);
                    let lat = if south {
                        -5.0 * f64::from(j)
                    } else {
                        5.0 * f64::from(j)
                    };
                    let ours = p.project(lon, lat);
                    let theirs = proj.convert((lon, lat)).unwrap();
                    worst_fwd = worst_fwd
                        .max((ours.0 - theirs.0).abs())
                        .max((ours.1 - theirs.1).abs());
                    let back = p.unproject(theirs.0, theirs.1);
                    worst_inv = worst_inv
                        .max((back.0 - lon).abs())
                        .max((back.1 - lat).abs());
                }
            }
            assert!(
                worst_fwd < 1e-3,
                "zone {zone}: forward off by {worst_fwd} m"
            );
            assert!(
                worst_inv < 1e-11,
                "zone {zone}: inverse off by {worst_inv}°"
            );
        }
    }

    #[test]
    fn area_of_a_small_square_at_latitude_40() {
        let (lon, lat, d) = (117.0, 40.0, 0.001);
        let sq: MultiPolygon<f64> = polygon![
            (x: lon, y: lat),
            (x: lon + d, y: lat),
            (x: lon + d, y: lat + d),
            (x: lon, y: lat + d),
            (x: lon, y: lat),
        ]
        .into();
        let p = LocalProjection::around(lon, lat).unwrap();
        let area = p.area_m2(&sq);
        let expected = 111.2 * 85.3;
        assert!(
            (area / expected - 1.0).abs() < 0.005,
            "{area} m² vs {expected} m²"
        );
        // And against the geodesic area on the ellipsoid (UTM scale near the central
        // meridian is 0.9996, so the projected area is 0.08 % smaller).
        let geodesic = sq.geodesic_area_unsigned();
        assert!(
            (area / geodesic - 1.0).abs() < 0.001,
            "{area} vs {geodesic}"
        );
        // Metres in both directions.
        let mut m = sq.clone();
        p.forward(&mut m);
        let ring = &m.0[0].exterior().0;
        let (w, h) = (ring[1].x - ring[0].x, ring[2].y - ring[1].y);
        assert!(
            (w / 85.3 - 1.0).abs() < 0.005 && (h / 111.2 - 1.0).abs() < 0.005,
            "{w} × {h}"
        );
        p.inverse(&mut m);
        for (a, b) in m.0[0].exterior().0.iter().zip(&sq.0[0].exterior().0) {
            assert_close((a.x, a.y), (b.x, b.y), 1e-10);
        }
    }

    #[test]
    fn area_subtracts_holes_and_ignores_orientation() {
        let p = LocalProjection::around(116.4, 39.9).unwrap();
        let outer = LineString::from(vec![
            (116.40, 39.90),
            (116.40, 39.91),
            (116.41, 39.91),
            (116.41, 39.90),
            (116.40, 39.90),
        ]);
        let hole = LineString::from(vec![
            (116.402, 39.902),
            (116.404, 39.902),
            (116.404, 39.904),
            (116.402, 39.904),
            (116.402, 39.902),
        ]);
        let full = p.area_m2(&geo::Polygon::new(outer.clone(), vec![]).into());
        let holed = p.area_m2(&geo::Polygon::new(outer, vec![hole.clone()]).into());
        let hole_area = p.area_m2(&geo::Polygon::new(hole, vec![]).into());
        assert!(full > 0.0 && holed > 0.0);
        assert!((full - holed - hole_area).abs() < 1e-6 * full);
    }

    #[test]
    fn length_of_lines() {
        let p = LocalProjection::around(116.4, 39.9).unwrap();
        let ls = MultiLineString::new(vec![
            LineString::from(vec![(117.0, 39.5), (117.0, 40.5)]),
            LineString::from(vec![(116.4, 39.9), (116.41, 39.9), (116.41, 39.91)]),
        ]);
        let len = p.length_m(&ls);
        let geodesic = Geodesic.length(&ls);
        assert!((len / geodesic - 1.0).abs() < 0.001, "{len} vs {geodesic}");
        assert!((len - (111_040.0 + 853.0 + 1110.0)).abs() < 200.0, "{len}");
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LocalProjection>();
    }
}
