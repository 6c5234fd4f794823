//! The offset systems of Chinese web maps, which PROJ does not know.
//!
//! * **GCJ-02** ("Mars coordinates", used by AMap/Gaode, Tencent, Google Maps in China) is
//!   WGS 84 shifted by a published obfuscation formula evaluated on the Krasovsky ellipsoid
//!   (`a = 6378245.0`, `e² = 0.00669342162296594323`). The shift is a few hundred metres and
//!   varies smoothly. Following every public implementation, it is applied only inside
//!   China's rough bounding box, longitude 72.004–137.8347 and latitude 0.8293–55.8271
//!   ([`in_china_bbox`]); outside it GCJ-02 is WGS 84 unchanged. The box is a rectangle, not
//!   the border: points in neighbouring countries inside it are shifted too, as the web maps
//!   do.
//! * **BD-09** (Baidu) is GCJ-02 shifted again by a small polar perturbation (constant
//!   `x_pi = π·3000/180`) and offset by (0.0065°, 0.006°). It is likewise applied only
//!   inside the box (Baidu serves WGS 84 outside China), so outside the box BD-09, GCJ-02
//!   and WGS 84 coincide.
//!
//! The forward directions (WGS 84 → GCJ-02 → BD-09) are closed formulas. The inverses have
//! no closed form; they are solved by fixed-point iteration to better than 1e-12 degrees
//! (about 0.1 µm), so round trips are exact for every practical purpose. Which side of the
//! box a point is on is decided on the coordinate given, so within a few hundred metres of
//! the box's edges a round trip may cross it; no settlement of China lies there.
//!
//! All functions take and return `(longitude, latitude)` in degrees.

use std::f64::consts::PI;

/// Semi-major axis of the Krasovsky 1940 ellipsoid, on which the GCJ-02 shift is evaluated.
const KRASOVSKY_A: f64 = 6378245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid.
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// The BD-09 perturbation constant, π·3000/180.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// Convergence threshold of the inverse iterations, in degrees.
const INVERSE_TOLERANCE: f64 = 1e-12;
/// Upper bound on inverse iterations (they converge in 3–6 in practice).
const MAX_ITERATIONS: usize = 50;

/// Whether `(lon, lat)` lies in the rough bounding box of China (longitude 72.004–137.8347,
/// latitude 0.8293–55.8271, bounds included) inside which GCJ-02 and BD-09 differ from
/// WGS 84.
pub fn in_china_bbox(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

/// The GCJ-02 shift polynomial for latitude, in "metres" on the auxiliary plane;
/// `x`, `y` are longitude and latitude relative to (105°E, 35°N).
fn shift_lat(x: f64, y: f64) -> f64 {
    let mut s = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    s += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    s += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    s += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    s
}

/// The GCJ-02 shift polynomial for longitude; see [`shift_lat`].
fn shift_lon(x: f64, y: f64) -> f64 {
    let mut s = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    s += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    s += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    s += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    s
}

/// The GCJ-02 offset (Δlon, Δlat) in degrees at WGS 84 `(lon, lat)`, without the box test.
fn gcj_delta(lon: f64, lat: f64) -> (f64, f64) {
    let dlat = shift_lat(lon - 105.0, lat - 35.0);
    let dlon = shift_lon(lon - 105.0, lat - 35.0);
    let rad_lat = lat.to_radians();
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    // Divide by the meridional and the parallel radius of curvature to get radians.
    let meridian = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (magic * sqrt_magic);
    let parallel = KRASOVSKY_A / sqrt_magic * rad_lat.cos();
    (
        (dlon / parallel).to_degrees(),
        (dlat / meridian).to_degrees(),
    )
}

/// WGS 84 → GCJ-02 without the box test.
fn wgs_to_gcj_raw(lon: f64, lat: f64) -> (f64, f64) {
    let (dlon, dlat) = gcj_delta(lon, lat);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → BD-09 without the box test.
fn gcj_to_bd_raw(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// The classic one-step approximation of BD-09 → GCJ-02 (error ~1e-7°), used as the start
/// of the iteration.
fn bd_to_gcj_approx(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon - 0.0065;
    let y = lat - 0.006;
    let z = x.hypot(y) - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    (z * theta.cos(), z * theta.sin())
}

/// Solves `forward(p) = target` for `p` by fixed-point iteration `p ← p − (forward(p) − target)`,
/// which converges because both forward maps are the identity plus a slowly varying shift.
fn invert(
    forward: impl Fn(f64, f64) -> (f64, f64),
    target: (f64, f64),
    start: (f64, f64),
) -> (f64, f64) {
    let (mut lon, mut lat) = start;
    for _ in 0..MAX_ITERATIONS {
        let (flon, flat) = forward(lon, lat);
        let (elon, elat) = (flon - target.0, flat - target.1);
        lon -= elon;
        lat -= elat;
        if elon.abs() < INVERSE_TOLERANCE && elat.abs() < INVERSE_TOLERANCE {
            break;
        }
    }
    (lon, lat)
}

/// WGS 84 → GCJ-02. Points outside China's bounding box ([`in_china_bbox`]) are returned
/// unchanged.
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    wgs_to_gcj_raw(lon, lat)
}

/// GCJ-02 → WGS 84, the exact inverse of [`wgs84_to_gcj02`] by iteration (residual below
/// 1e-12°). Points outside China's bounding box are returned unchanged.
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = gcj_delta(lon, lat);
    invert(wgs_to_gcj_raw, (lon, lat), (lon - dlon, lat - dlat))
}

/// GCJ-02 → BD-09. Points outside China's bounding box are returned unchanged.
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    gcj_to_bd_raw(lon, lat)
}

/// BD-09 → GCJ-02: the classic closed-form approximation refined by iteration into the
/// exact inverse of [`gcj02_to_bd09`] (residual below 1e-12°). Points outside China's
/// bounding box are returned unchanged.
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    invert(gcj_to_bd_raw, (lon, lat), bd_to_gcj_approx(lon, lat))
}

/// WGS 84 → BD-09 (through GCJ-02). Points outside China's bounding box are returned
/// unchanged.
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    let (glon, glat) = wgs_to_gcj_raw(lon, lat);
    gcj_to_bd_raw(glon, glat)
}

/// BD-09 → WGS 84 (through GCJ-02), the inverse of [`wgs84_to_bd09`]. Points outside
/// China's bounding box are returned unchanged.
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china_bbox(lon, lat) {
        return (lon, lat);
    }
    let gcj = invert(gcj_to_bd_raw, (lon, lat), bd_to_gcj_approx(lon, lat));
    let (dlon, dlat) = gcj_delta(gcj.0, gcj.1);
    invert(wgs_to_gcj_raw, gcj, (gcj.0 - dlon, gcj.1 - dlat))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A (longitude, latitude) pair in degrees.
    type LonLat = (f64, f64);
    /// One of the conversion functions.
    type Conversion = fn(f64, f64) -> LonLat;

    /// Great-circle distance in metres between two (lon, lat) points (haversine, mean radius).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
        let dla = la2 - la1;
        let dlo = (b.0 - a.0).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * 6_371_008.8 * h.sqrt().asin()
    }

    fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64, what: &str) {
        let d = (got.0 - want.0).abs().max((got.1 - want.1).abs());
        assert!(
            d <= tol,
            "{what}: got {got:?}, want {want:?}, off by {d:e}° > {tol:e}°"
        );
    }

    // Control points from googollee/eviltransform, python/test.py (`TESTS`, given there as
    // wgsLat, wgsLng, gcjLat, gcjLng and asserted to 6 decimal places); here (lon, lat).
    const EVILTRANSFORM_WGS_GCJ: [(LonLat, LonLat); 3] = [
        (
            (121.5272106, 31.1774276),
            (121.531541859215, 31.17530398364597),
        ), // Shanghai
        (
            (113.912316, 22.543847),
            (113.9171764808363, 22.540796131694766),
        ), // Shenzhen
        (
            (116.377817, 39.911954),
            (116.38404722455657, 39.91334545536069),
        ), // Beijing
    ];

    // Control points from hujiulong/gcoord, test/fixtures/china-cities.json (WGS84, GCJ02 and
    // BD09 of city centres, given to 7 decimals): Zhumadian, Nagqu, Shenyang, Qinzhou, Jiuquan.
    const GCOORD_CITIES: [(LonLat, LonLat, LonLat); 5] = [
        (
            (114.0164322, 33.0133556),
            (114.022306, 33.0115324),
            (114.0287781, 33.0176697),
        ),
        (
            (92.0499619, 31.4784436),
            (92.0512438, 31.4762063),
            (92.0576832, 31.4824421),
        ),
        (
            (123.4253306, 41.8032629),
            (123.4314787, 41.8057023),
            (123.438095, 41.8114013),
        ),
        (
            (108.6503952, 21.9828281),
            (108.6541485, 21.9799392),
            (108.6607283, 21.9856319),
        ),
        (
            (98.4937175, 39.7319946),
            (98.4943595, 39.7328234),
            (98.5008441, 39.7388949),
        ),
    ];

    #[test]
    fn wgs84_to_gcj02_matches_eviltransform() {
        for (wgs, gcj) in EVILTRANSFORM_WGS_GCJ {
            assert_close(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-6, "wgs84_to_gcj02");
        }
    }

    #[test]
    fn gcj02_to_wgs84_inverts_eviltransform_points() {
        for (wgs, gcj) in EVILTRANSFORM_WGS_GCJ {
            let back = gcj02_to_wgs84(gcj.0, gcj.1);
            assert_close(back, wgs, 1e-6, "gcj02_to_wgs84");
            // eviltransform's own test accepts 0.5 m for its exact inverse.
            assert!(metres(back, wgs) < 0.5, "{back:?} vs {wgs:?}");
        }
    }

    // Values from wandergis/coordtransform, test/app.js (input 116.404, 39.915; results
    // printed at full precision). Its bd09togcj02 is the one-step approximation, which the
    // iterated inverse here refines by ~4e-7°.
    #[test]
    fn matches_coordtransform_reference_values() {
        let p = (116.404, 39.915);
        assert_close(
            wgs84_to_gcj02(p.0, p.1),
            (116.41024449916938, 39.91640428150164),
            1e-9,
            "wgs84_to_gcj02",
        );
        assert_close(
            gcj02_to_bd09(p.0, p.1),
            (116.41036949371029, 39.92133699351021),
            1e-9,
            "gcj02_to_bd09",
        );
        assert_close(
            bd09_to_gcj02(p.0, p.1),
            (116.39762729119315, 39.90865673957631),
            1e-6,
            "bd09_to_gcj02",
        );
    }

    #[test]
    fn matches_gcoord_city_fixtures() {
        for (wgs, gcj, bd) in GCOORD_CITIES {
            // BD-09 ↔ GCJ-02 reproduce the fixture to its 7 decimals (two roundings: 1e-7).
            assert_close(gcj02_to_bd09(gcj.0, gcj.1), bd, 1e-7, "gcj02_to_bd09");
            assert_close(bd09_to_gcj02(bd.0, bd.1), gcj, 1e-7, "bd09_to_gcj02");
            // The fixture's GCJ-02 values sit a systematic 4–6e-6° (about 0.5 m) from the
            // published formula, which every implementation including gcoord's own code
            // uses; they seem to come from a live map service. Within 1e-5° (about 1 m):
            assert_close(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-5, "wgs84_to_gcj02");
            assert_close(wgs84_to_bd09(wgs.0, wgs.1), bd, 1e-5, "wgs84_to_bd09");
            assert_close(bd09_to_wgs84(bd.0, bd.1), wgs, 1e-5, "bd09_to_wgs84");
        }
    }

    // Values from hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts and BD09.spec.ts (input
    // 123, 45; asserted there with toBeCloseTo(…, 5), i.e. within 5e-6).
    #[test]
    fn matches_gcoord_spec_values() {
        let p = (123.0, 45.0);
        let cases: [(&str, Conversion, LonLat); 4] = [
            (
                "gcj02_to_wgs84",
                gcj02_to_wgs84,
                (122.99395597, 44.99804071),
            ),
            ("gcj02_to_bd09", gcj02_to_bd09, (123.00636499, 45.00636899)),
            ("bd09_to_gcj02", bd09_to_gcj02, (122.99363304, 44.99365430)),
            ("bd09_to_wgs84", bd09_to_wgs84, (122.98762210, 44.99171540)),
        ];
        for (name, f, want) in cases {
            assert_close(f(p.0, p.1), want, 5e-6, name);
        }
    }

    /// Every 0.5° over lon 73–135, lat 18–53.
    fn china_lattice() -> impl Iterator<Item = (f64, f64)> {
        (0..=124)
            .flat_map(|i| (0..=70).map(move |j| (73.0 + 0.5 * i as f64, 18.0 + 0.5 * j as f64)))
    }

    #[test]
    fn round_trips_over_china_are_tight() {
        let (mut worst_gcj, mut worst_bd, mut worst_gcj_bd) = (0.0f64, 0.0f64, 0.0f64);
        let mut worst_deg = 0.0f64;
        for p in china_lattice() {
            let g = wgs84_to_gcj02(p.0, p.1);
            // The shift is real everywhere in the lattice (tens to hundreds of metres).
            assert!(metres(g, p) > 1.0, "no GCJ-02 shift at {p:?}");
            let back = gcj02_to_wgs84(g.0, g.1);
            worst_gcj = worst_gcj.max(metres(back, p));
            worst_deg = worst_deg
                .max((back.0 - p.0).abs())
                .max((back.1 - p.1).abs());

            let b = wgs84_to_bd09(p.0, p.1);
            let back = bd09_to_wgs84(b.0, b.1);
            worst_bd = worst_bd.max(metres(back, p));
            worst_deg = worst_deg
                .max((back.0 - p.0).abs())
                .max((back.1 - p.1).abs());

            let b = gcj02_to_bd09(p.0, p.1);
            let back = bd09_to_gcj02(b.0, b.1);
            worst_gcj_bd = worst_gcj_bd.max(metres(back, p));
        }
        assert!(worst_gcj < 0.5, "WGS84→GCJ-02→WGS84 off by {worst_gcj} m");
        assert!(worst_bd < 0.5, "WGS84→BD-09→WGS84 off by {worst_bd} m");
        assert!(
            worst_gcj_bd < 0.5,
            "GCJ-02→BD-09→GCJ-02 off by {worst_gcj_bd} m"
        );
        // The iterations make the inverses exact, far beyond the 0.5 m asked for.
        assert!(worst_deg < 1e-9, "round trip off by {worst_deg}°");
    }

    #[test]
    fn outside_china_is_unchanged() {
        let outside = [
            (2.3522, 48.8566),    // Paris
            (-74.006, 40.7128),   // New York
            (139.6917, 35.6895),  // Tokyo, east of the box
            (151.2093, -33.8688), // Sydney
            (37.6173, 55.7558),   // Moscow, west of the box
            (100.0, 0.5),         // south of the box
            (120.0, 56.0),        // north of the box
        ];
        let fns: [Conversion; 6] = [
            wgs84_to_gcj02,
            gcj02_to_wgs84,
            gcj02_to_bd09,
            bd09_to_gcj02,
            wgs84_to_bd09,
            bd09_to_wgs84,
        ];
        for p in outside {
            assert!(!in_china_bbox(p.0, p.1));
            for f in fns {
                assert_eq!(f(p.0, p.1), p);
            }
        }
        assert!(in_china_bbox(116.4, 39.9));
        assert!(in_china_bbox(72.004, 0.8293) && in_china_bbox(137.8347, 55.8271));
    }
}
