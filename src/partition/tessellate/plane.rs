//! [`LocalPlane`]: the affine local tangent-plane projection the tessellation works in.
//!
//! An equirectangular projection about one point (`lon0`, `lat0`):
//! `x = (lon − lon0) · kx`, `y = (lat − lat0) · ky`, with `kx` and `ky` the lengths in
//! metres of one degree of longitude and of latitude at `lat0` on the WGS 84 ellipsoid
//! (`kx = N·cos φ0 · π/180`, `ky = M · π/180`, N and M the prime-vertical and meridional
//! radii of curvature). Being affine, it maps straight longitude/latitude segments to
//! straight segments (a community edge stays an edge, so cells clipped to it in the plane
//! tile the longitude/latitude polygon exactly), and its inverse is exact up to float
//! rounding (about 10⁻¹⁴ degrees).
//!
//! Areas and lengths measured in the plane are true at `lat0` and drift away from it: the
//! east–west scale varies as `cos φ / cos φ0`, a relative error of `tan φ0 · Δφ` (1.5×10⁻⁴
//! at 1 km north or south of `lat0` at latitude 40°), and the plane ignores the Earth's
//! curvature (under 10⁻⁸ at community scale). At the size of a community this is far below
//! what Polsby–Popper or grid areas need; it is not meant for larger regions.

use geo::{Area, Coord, MapCoordsInPlace, MultiPolygon};

/// WGS 84 semi-major axis, metres.
const A: f64 = 6_378_137.0;
/// WGS 84 flattening.
const F: f64 = 1.0 / 298.257_223_563;

/// An equirectangular projection about one point, in metres east and north of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalPlane {
    /// Longitude of the origin, degrees.
    pub lon0: f64,
    /// Latitude of the origin, degrees.
    pub lat0: f64,
    /// Metres per degree of longitude at `lat0`.
    pub kx: f64,
    /// Metres per degree of latitude at `lat0`.
    pub ky: f64,
}

impl LocalPlane {
    /// The plane about `(lon0, lat0)` (degrees, WGS 84). `None` unless the point is a
    /// finite longitude/latitude with |lat| < 89° (where a plane still makes sense).
    pub fn about(lon0: f64, lat0: f64) -> Option<Self> {
        let ok = lon0.is_finite()
            && lat0.is_finite()
            && (-180.0..=180.0).contains(&lon0)
            && lat0.abs() < 89.0;
        if !ok {
            return None;
        }
        let e2 = F * (2.0 - F);
        let phi = lat0.to_radians();
        let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let n = A / w;
        let m = A * (1.0 - e2) / (w * w * w);
        let deg = std::f64::consts::PI / 180.0;
        Some(LocalPlane {
            lon0,
            lat0,
            kx: n * phi.cos() * deg,
            ky: m * deg,
        })
    }

    /// Metres east and north of the origin of `(lon, lat)`.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)
    }

    /// Longitude/latitude of the point `(x, y)` metres east and north of the origin.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        (x / self.kx + self.lon0, y / self.ky + self.lat0)
    }

    /// Projects a geometry in place from longitude/latitude to metres.
    pub fn forward<G: MapCoordsInPlace<f64>>(&self, g: &mut G) {
        g.map_coords_in_place(|c| {
            let (x, y) = self.project(c.x, c.y);
            Coord { x, y }
        });
    }

    /// Unprojects a geometry in place from metres to longitude/latitude.
    pub fn inverse<G: MapCoordsInPlace<f64>>(&self, g: &mut G) {
        g.map_coords_in_place(|c| {
            let (x, y) = self.unproject(c.x, c.y);
            Coord { x, y }
        });
    }

    /// The area in m² of a longitude/latitude multipolygon measured in the plane (holes
    /// subtracted, orientation ignored). Being affine, this is the longitude/latitude
    /// area times `kx · ky`.
    pub fn area_m2(&self, mp: &MultiPolygon<f64>) -> f64 {
        mp.unsigned_area() * self.kx * self.ky
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, GeodesicArea};

    #[test]
    fn metres_per_degree_match_the_ellipsoid() {
        // Known values: at the equator a·π/180 = 111,319.49 m per degree of longitude and
        // a(1 − e²)·π/180 = 110,574.28 m per degree of latitude; at 40°, 85,393.86 and
        // 111,034.63.
        let p = LocalPlane::about(0.0, 0.0).unwrap();
        assert!((p.kx - 111_319.49).abs() < 0.01, "{}", p.kx);
        assert!((p.ky - 110_574.28).abs() < 0.01, "{}", p.ky);
        let p = LocalPlane::about(116.0, 40.0).unwrap();
        assert!((p.kx - 85_393.86).abs() < 0.01, "{}", p.kx);
        assert!((p.ky - 111_034.63).abs() < 0.01, "{}", p.ky);
        assert!(LocalPlane::about(f64::NAN, 0.0).is_none());
        assert!(LocalPlane::about(0.0, 89.5).is_none());
        assert!(LocalPlane::about(200.0, 0.0).is_none());
    }

    #[test]
    fn round_trip_is_exact_to_rounding_and_areas_agree_with_geodesic() {
        let p = LocalPlane::about(116.33, 39.99).unwrap();
        let mut worst = 0.0f64;
        for i in -50..=50 {
            for j in -50..=50 {
                let (lon, lat) = (116.33 + 1e-4 * f64::from(i), 39.99 + 1e-4 * f64::from(j));
                let (x, y) = p.project(lon, lat);
                let (l2, b2) = p.unproject(x, y);
                worst = worst.max((l2 - lon).abs()).max((b2 - lat).abs());
            }
        }
        assert!(worst <= 4.0 * f64::EPSILON * 116.33, "{worst:e}");
        // A 1 km square about the origin: within 10⁻⁵ of the geodesic area.
        let sq: MultiPolygon<f64> = polygon![
            (x: 116.324, y: 39.9855),
            (x: 116.336, y: 39.9855),
            (x: 116.336, y: 39.9945),
            (x: 116.324, y: 39.9945),
        ]
        .into();
        let (ours, geodesic) = (p.area_m2(&sq), sq.geodesic_area_unsigned());
        assert!((ours / geodesic - 1.0).abs() < 1e-5, "{ours} vs {geodesic}");
    }
}
