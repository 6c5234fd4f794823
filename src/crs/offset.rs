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
    const EVILTRANSFORM_WGS_GCJ: [((f64, f64), (f64, f64)); 3] = [
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
    const GCOORD_CITIES: [((f64, f64), (f64, f64), (f64, f64)); 5] = [
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
    fn probe() {
        for (w, g) in EVILTRANSFORM_WGS_GCJ {
            let f = wgs84_to_gcj02(w.0, w.1);
            let i = gcj02_to_wgs84(g.0, g.1);
            eprintln!(
                "evil fwd {:e} {:e} inv {:e} {:e}",
                f.0 - g.0,
                f.1 - g.1,
                i.0 - w.0,
                i.1 - w.1
            );
        }
        for (w, g, b) in GCOORD_CITIES {
            let f = wgs84_to_gcj02(w.0, w.1);
            let fb = gcj02_to_bd09(g.0, g.1);
            let wb = wgs84_to_bd09(w.0, w.1);
            let ib = bd09_to_gcj02(b.0, b.1);
            eprintln!(
                "gcoord fwd {:e} {:e} gcj->bd {:e} {:e} wgs->bd {:e} {:e} bd->gcj {:e} {:e}",
                f.0 - g.0,
                f.1 - g.1,
                fb.0 - b.0,
                fb.1 - b.1,
                wb.0 - b.0,
                wb.1 - b.1,
                ib.0 - g.0,
                ib.1 - g.1
            );
        }
        let c = wgs84_to_gcj02(116.404, 39.915);
        eprintln!(
            "ct w2g {:e} {:e}",
            c.0 - 116.41024449916938,
            c.1 - 39.91640428150164
        );
        let c = gcj02_to_bd09(116.404, 39.915);
        eprintln!(
            "ct g2b {:e} {:e}",
            c.0 - 116.41036949371029,
            c.1 - 39.92133699351021
        );
        let c = bd09_to_gcj02(116.404, 39.915);
        eprintln!(
            "ct b2g {:e} {:e}",
            c.0 - 116.39762729119315,
            c.1 - 39.90865673957631
        );
        let c = gcj02_to_wgs84(116.404, 39.915);
        eprintln!(
            "ct g2w {:e} {:e}",
            c.0 - 116.39775550083061,
            c.1 - 39.91359571849836
        );
        let c = gcj02_to_wgs84(123.0, 45.0);
        eprintln!("gc g2w {:e} {:e}", c.0 - 122.99395597, c.1 - 44.99804071);
        let c = bd09_to_gcj02(123.0, 45.0);
        eprintln!("gc b2g {:e} {:e}", c.0 - 122.99363304, c.1 - 44.99365430);
        let c = bd09_to_wgs84(123.0, 45.0);
        eprintln!("gc b2w {:e} {:e}", c.0 - 122.98762210, c.1 - 44.99171540);
        let c = gcj02_to_bd09(123.0, 45.0);
        eprintln!("gc g2b {:e} {:e}", c.0 - 123.00636499, c.1 - 45.00636899);
        let c = bd09_to_wgs84(120.019809, 29.199786);
        eprintln!(
            "evil b2w {:e} {:e}",
            c.0 - 120.00877901149691,
            c.1 - 29.196131605295484
        );
        let c = bd09_to_wgs84(120.036455, 29.210504);
        eprintln!(
            "evil b2w {:e} {:e}",
            c.0 - 120.0253853970846,
            c.1 - 29.206795749156136
        );
        let _ = metres((0.0, 0.0), (0.0, 0.0));
        assert_close((0.0, 0.0), (0.0, 0.0), 0.0, "x");
    }
}
