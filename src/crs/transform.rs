//! [`Transformer`]: converts coordinates and geometries between two supported CRSs.

use geo::{Coord, Geometry, MapCoords, MultiLineString, MultiPolygon, Point};
use proj::Proj;

use super::hint::plausible;
use super::offset;
use super::system::Crs;
use super::CrsError;

/// One step of a conversion pipeline.
enum Step {
    /// GCJ-02 → WGS 84.
    GcjToWgs,
    /// BD-09 → WGS 84.
    BdToWgs,
    /// WGS 84 → GCJ-02.
    WgsToGcj,
    /// WGS 84 → BD-09.
    WgsToBd,
    /// GCJ-02 → BD-09.
    GcjToBd,
    /// BD-09 → GCJ-02.
    BdToGcj,
    /// EPSG → EPSG through PROJ, axis order normalised to easting/longitude first.
    Proj(Proj),
}

/// Converts coordinates from one [`Crs`] to another.
///
/// EPSG ↔ EPSG conversions go through PROJ (`proj_create_crs_to_crs`, with the axis order
/// normalised for visualisation, so x is always easting/longitude and y
/// northing/latitude, also for EPSG:4326, EPSG:4490 and the Gauss–Krüger zones whose EPSG
/// definitions put northing first). GCJ-02 and BD-09 pivot on WGS 84: BD-09 ↔ GCJ-02 ↔
/// WGS 84 ↔ (PROJ) ↔ EPSG, with the formulas of [`super::offset`]; GCJ-02 ↔ BD-09 is
/// direct. From a CRS to itself nothing is converted, but coordinates are still checked.
///
/// Every input coordinate is checked against its CRS ([`CrsError::OutOfRange`] for a
/// longitude of 500000 declared as EPSG:4326, a Gauss–Krüger easting outside its zone,
/// NaN...) and so is every output (finite, within ±180/±90 for degrees, within the
/// world's square for Web Mercator, within the zone's band for Gauss–Krüger).
///
/// A `Transformer` that uses PROJ owns a PROJ context, which must not be shared between
/// threads: the type is neither `Sync` nor `Send` (the `proj` crate's `Proj` holds raw
/// pointers). Build one per thread or per task, once per import rather than per feature:
/// building one costs PROJ database lookups (10–50 ms), converting a coordinate well under
/// a microsecond.
pub struct Transformer {
    from: Crs,
    to: Crs,
    steps: Vec<Step>,
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transformer")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("steps", &self.steps.len())
            .finish()
    }
}

impl Transformer {
    /// A transformer from `from` to `to`. `Epsg(4326)` is treated as [`Crs::Wgs84`]. Fails
    /// with [`CrsError::Unsupported`] for a CRS outside [`Crs::is_supported`] and with
    /// [`CrsError::Proj`] if PROJ cannot build the conversion.
    pub fn new(from: Crs, to: Crs) -> Result<Transformer, CrsError> {
        let (from, to) = (from.normalized(), to.normalized());
        for crs in [from, to] {
            if !crs.is_supported() {
                return Err(CrsError::Unsupported(crs.to_string()));
            }
        }
        let mut steps = Vec::new();
        match (from, to) {
            _ if from == to => {}
            (Crs::Gcj02, Crs::Bd09) => steps.push(Step::GcjToBd),
            (Crs::Bd09, Crs::Gcj02) => steps.push(Step::BdToGcj),
            _ => {
                match from {
                    Crs::Gcj02 => steps.push(Step::GcjToWgs),
                    Crs::Bd09 => steps.push(Step::BdToWgs),
                    _ => {}
                }
                let (a, b) = (from.proj_pivot_code(), to.proj_pivot_code());
                if a != b {
                    let proj =
                        Proj::new_known_crs(&format!("EPSG:{a}"), &format!("EPSG:{b}"), None)
                            .map_err(|e| CrsError::Proj {
                                from,
                                to,
                                reason: e.to_string(),
                            })?;
                    steps.push(Step::Proj(proj));
                }
                match to {
                    Crs::Gcj02 => steps.push(Step::WgsToGcj),
                    Crs::Bd09 => steps.push(Step::WgsToBd),
                    _ => {}
                }
            }
        }
        Ok(Transformer { from, to, steps })
    }

    /// The source CRS (normalised: [`Crs::Wgs84`] rather than `Epsg(4326)`).
    pub fn from(&self) -> Crs {
        self.from
    }

    /// The target CRS (normalised).
    pub fn to(&self) -> Crs {
        self.to
    }

    /// Whether source and target are the same CRS, so that conversion only checks.
    pub fn is_identity(&self) -> bool {
        self.steps.is_empty()
    }

    /// Converts one coordinate, x = easting/longitude, y = northing/latitude.
    ///
    /// Fails with [`CrsError::OutOfRange`] naming the input coordinate and the source CRS
    /// if the input is impossible in the source CRS or the result is not a valid
    /// coordinate of the target CRS.
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let out_of_range = || CrsError::OutOfRange {
            crs: self.from,
            x,
            y,
        };
        if !plausible(self.from, x, y) {
            return Err(out_of_range());
        }
        let mut p = (x, y);
        for step in &self.steps {
            p = match step {
                Step::GcjToWgs => offset::gcj02_to_wgs84(p.0, p.1),
                Step::BdToWgs => offset::bd09_to_wgs84(p.0, p.1),
                Step::WgsToGcj => offset::wgs84_to_gcj02(p.0, p.1),
                Step::WgsToBd => offset::wgs84_to_bd09(p.0, p.1),
                Step::GcjToBd => offset::gcj02_to_bd09(p.0, p.1),
                Step::BdToGcj => offset::bd09_to_gcj02(p.0, p.1),
                Step::Proj(proj) => proj.convert(p).map_err(|_| out_of_range())?,
            };
        }
        let valid = plausible(self.to, p.0, p.1);
        if valid {
            Ok(p)
        } else {
            Err(out_of_range())
        }
    }

    /// Converts one [`Coord`]; see [`Transformer::convert`].
    pub fn convert_coord(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        let (x, y) = self.convert(c.x, c.y)?;
        Ok(Coord { x, y })
    }

    /// Converts every coordinate of any `geo` geometry type in place. On error `g` is left
    /// unchanged and the error names the first offending input coordinate.
    pub fn convert_geo<G>(&self, g: &mut G) -> Result<(), CrsError>
    where
        G: MapCoords<f64, f64, Output = G>,
    {
        if self.is_identity() {
            // Only checks; nothing to rewrite.
            g.try_map_coords(|c| self.convert_coord(c))?;
            return Ok(());
        }
        *g = g.try_map_coords(|c| self.convert_coord(c))?;
        Ok(())
    }

    /// Converts a [`Geometry`] in place; see [`Transformer::convert_geo`].
    pub fn convert_geometry(&self, g: &mut Geometry<f64>) -> Result<(), CrsError> {
        self.convert_geo(g)
    }

    /// Converts a [`MultiPolygon`] in place; see [`Transformer::convert_geo`].
    pub fn convert_multi_polygon(&self, g: &mut MultiPolygon<f64>) -> Result<(), CrsError> {
        self.convert_geo(g)
    }

    /// Converts a [`MultiLineString`] in place; see [`Transformer::convert_geo`].
    pub fn convert_multi_line_string(&self, g: &mut MultiLineString<f64>) -> Result<(), CrsError> {
        self.convert_geo(g)
    }

    /// Converts a [`Point`] in place; see [`Transformer::convert_geo`].
    pub fn convert_point(&self, g: &mut Point<f64>) -> Result<(), CrsError> {
        self.convert_geo(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::offset;
    use geo::{polygon, Geometry};

    fn t(from: Crs, to: Crs) -> Transformer {
        Transformer::new(from, to).unwrap()
    }

    fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64) {
        let d = (got.0 - want.0).abs().max((got.1 - want.1).abs());
        assert!(
            d <= tol,
            "got {got:?}, want {want:?}, off by {d:e} > {tol:e}"
        );
    }

    // Expected projected values computed with PROJ 9.1.1's cs2cs (Debian proj-bin), e.g.
    // `echo "39.9 116.4" | cs2cs EPSG:4490 EPSG:4527 -f %.6f` → 4418598.001259 39448688.855734
    // (cs2cs prints in the authority's northing, easting order).
    const BEIJING: (f64, f64) = (116.4, 39.9);
    const BEIJING_4527: (f64, f64) = (39_448_688.855734, 4_418_598.001259);
    const BEIJING_4548: (f64, f64) = (448_688.855734, 4_418_598.001259);
    const SHANGHAI: (f64, f64) = (121.4737, 31.2304);
    const SHANGHAI_4528: (f64, f64) = (40_640_412.315037, 3_457_455.488582);
    const TIANANMEN: (f64, f64) = (116.3975, 39.9087);
    const TIANANMEN_3857: (f64, f64) = (12_957_310.429610, 4_852_683.668737);

    #[test]
    fn cgcs2000_to_gauss_kruger_easting_first() {
        let fwd = t(Crs::Epsg(4490), Crs::Epsg(4527));
        assert_close(
            fwd.convert(BEIJING.0, BEIJING.1).unwrap(),
            BEIJING_4527,
            1e-3,
        );
        let inv = t(Crs::Epsg(4527), Crs::Epsg(4490));
        assert_close(
            inv.convert(BEIJING_4527.0, BEIJING_4527.1).unwrap(),
            BEIJING,
            1e-8,
        );

        let cm = t(Crs::Epsg(4490), Crs::Epsg(4548));
        assert_close(
            cm.convert(BEIJING.0, BEIJING.1).unwrap(),
            BEIJING_4548,
            1e-3,
        );
        let back = t(Crs::Epsg(4548), Crs::Epsg(4490));
        assert_close(
            back.convert(BEIJING_4548.0, BEIJING_4548.1).unwrap(),
            BEIJING,
            1e-8,
        );

        let sh = t(Crs::Epsg(4490), Crs::Epsg(4528));
        assert_close(
            sh.convert(SHANGHAI.0, SHANGHAI.1).unwrap(),
            SHANGHAI_4528,
            1e-3,
        );

        // Zone-numbered and CM forms of one zone differ by the zone prefix only.
        let zoned_to_cm = t(Crs::Epsg(4527), Crs::Epsg(4548));
        assert_close(
            zoned_to_cm.convert(BEIJING_4527.0, BEIJING_4527.1).unwrap(),
            BEIJING_4548,
            1e-6,
        );
    }

    #[test]
    fn wgs84_and_cgcs2000_coincide() {
        // PROJ has only a ballpark (null) transformation between them: at the metre level
        // they are the same datum.
        let a = t(Crs::Wgs84, Crs::Epsg(4490));
        assert_close(a.convert(BEIJING.0, BEIJING.1).unwrap(), BEIJING, 1e-12);
        let b = t(Crs::Epsg(4527), Crs::Wgs84);
        assert_close(
            b.convert(BEIJING_4527.0, BEIJING_4527.1).unwrap(),
            BEIJING,
            1e-8,
        );
    }

    #[test]
    fn web_mercator_known_values() {
        let fwd = t(Crs::Wgs84, Crs::Epsg(3857));
        assert_close(
            fwd.convert(TIANANMEN.0, TIANANMEN.1).unwrap(),
            TIANANMEN_3857,
            1e-3,
        );
        let inv = t(Crs::Epsg(3857), Crs::Wgs84);
        assert_close(
            inv.convert(TIANANMEN_3857.0, TIANANMEN_3857.1).unwrap(),
            TIANANMEN,
            1e-8,
        );
        // Spherical formulas as an independent check.
        let r = 6_378_137.0;
        let x = r * TIANANMEN.0.to_radians();
        let y = r
            * (std::f64::consts::FRAC_PI_4 + TIANANMEN.1.to_radians() / 2.0)
                .tan()
                .ln();
        assert_close(TIANANMEN_3857, (x, y), 1e-3);
        // Epsg(4326) is WGS 84.
        let same = t(Crs::Epsg(4326), Crs::Epsg(3857));
        assert_eq!(same.from(), Crs::Wgs84);
        assert_close(
            same.convert(TIANANMEN.0, TIANANMEN.1).unwrap(),
            TIANANMEN_3857,
            1e-3,
        );
    }

    #[test]
    fn offset_systems_pivot_on_wgs84() {
        let (gx, gy) = offset::wgs84_to_gcj02(BEIJING.0, BEIJING.1);
        let (bx, by) = offset::wgs84_to_bd09(BEIJING.0, BEIJING.1);
        assert_close(
            t(Crs::Wgs84, Crs::Gcj02)
                .convert(BEIJING.0, BEIJING.1)
                .unwrap(),
            (gx, gy),
            0.0,
        );
        assert_close(
            t(Crs::Wgs84, Crs::Bd09)
                .convert(BEIJING.0, BEIJING.1)
                .unwrap(),
            (bx, by),
            0.0,
        );
        assert_close(
            t(Crs::Gcj02, Crs::Wgs84).convert(gx, gy).unwrap(),
            BEIJING,
            1e-9,
        );
        assert_close(
            t(Crs::Bd09, Crs::Wgs84).convert(bx, by).unwrap(),
            BEIJING,
            1e-9,
        );
        assert_close(
            t(Crs::Gcj02, Crs::Bd09).convert(gx, gy).unwrap(),
            (bx, by),
            1e-9,
        );
        assert_close(
            t(Crs::Bd09, Crs::Gcj02).convert(bx, by).unwrap(),
            (gx, gy),
            1e-9,
        );
        // Through PROJ on either side.
        assert_close(
            t(Crs::Epsg(4527), Crs::Gcj02)
                .convert(BEIJING_4527.0, BEIJING_4527.1)
                .unwrap(),
            (gx, gy),
            1e-8,
        );
        assert_close(
            t(Crs::Bd09, Crs::Epsg(4527)).convert(bx, by).unwrap(),
            BEIJING_4527,
            1e-3,
        );
        let merc = t(Crs::Wgs84, Crs::Epsg(3857))
            .convert(BEIJING.0, BEIJING.1)
            .unwrap();
        let gcj = t(Crs::Epsg(3857), Crs::Gcj02)
            .convert(merc.0, merc.1)
            .unwrap();
        assert_close(gcj, (gx, gy), 1e-8);
        let back = t(Crs::Gcj02, Crs::Epsg(3857)).convert(gx, gy).unwrap();
        assert_close(back, merc, 1e-3);
    }

    #[test]
    fn identity_checks_but_keeps_coordinates() {
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09, Crs::Epsg(4490)] {
            let id = t(crs, crs);
            assert!(id.is_identity());
            assert_eq!(id.convert(116.4, 39.9).unwrap(), (116.4, 39.9));
        }
        let id = t(Crs::Epsg(4527), Crs::Epsg(4527));
        assert_eq!(
            id.convert(BEIJING_4527.0, BEIJING_4527.1).unwrap(),
            BEIJING_4527
        );
        assert!(t(Crs::Wgs84, Crs::Epsg(4326)).is_identity());
    }

    #[test]
    fn projected_metres_declared_as_degrees_are_rejected() {
        for to in [Crs::Wgs84, Crs::Epsg(3857), Crs::Gcj02, Crs::Epsg(4527)] {
            let err = t(Crs::Wgs84, to)
                .convert(BEIJING_4527.0, BEIJING_4527.1)
                .unwrap_err();
            assert_eq!(
                err,
                CrsError::OutOfRange {
                    crs: Crs::Wgs84,
                    x: BEIJING_4527.0,
                    y: BEIJING_4527.1
                }
            );
            let msg = err.to_string();
            assert!(msg.contains("39448688.855734"), "{msg}");
            assert!(
                msg.contains("projected metres") && msg.contains("EPSG:4527"),
                "{msg}"
            );
        }
        let err = t(Crs::Wgs84, Crs::Wgs84)
            .convert(500_000.0, 4_400_000.0)
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("500000") && msg.contains("EPSG:4326"), "{msg}");
        assert!(msg.contains("EPSG:4534"), "{msg}");
    }

    #[test]
    fn swapped_and_non_finite_coordinates_are_rejected() {
        let tr = t(Crs::Epsg(4490), Crs::Epsg(4527));
        let msg = tr.convert(39.9, 116.4).unwrap_err().to_string();
        assert!(msg.contains("latitude, longitude order"), "{msg}");
        assert!(tr.convert(f64::NAN, 39.9).is_err());
        assert!(tr.convert(116.4, f64::INFINITY).is_err());
        assert!(tr.convert(-180.5, 0.0).is_err());
        assert!(t(Crs::Gcj02, Crs::Wgs84).convert(116.4, 91.0).is_err());
    }

    #[test]
    fn gauss_kruger_eastings_must_match_the_zone_form() {
        // A CM-form easting (no zone number) declared with the zone-numbered code.
        let err = t(Crs::Epsg(4527), Crs::Wgs84)
            .convert(BEIJING_4548.0, BEIJING_4548.1)
            .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(
            err,
            CrsError::OutOfRange {
                crs: Crs::Epsg(4527),
                ..
            }
        ));
        assert!(
            msg.contains("39000000") && msg.contains("EPSG:4534"),
            "{msg}"
        );
        // A zone-numbered easting declared with the CM code: the message names EPSG:4527.
        let msg = t(Crs::Epsg(4548), Crs::Wgs84)
            .convert(BEIJING_4527.0, BEIJING_4527.1)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("EPSG:4527"), "{msg}");
        // The wrong zone number.
        assert!(t(Crs::Epsg(4528), Crs::Wgs84)
            .convert(BEIJING_4527.0, BEIJING_4527.1)
            .is_err());
        // Web Mercator beyond the world.
        assert!(t(Crs::Epsg(3857), Crs::Wgs84).convert(3.0e7, 0.0).is_err());
    }

    #[test]
    fn output_outside_the_target_range_is_rejected() {
        // The pole has no Web Mercator northing.
        let err = t(Crs::Wgs84, Crs::Epsg(3857))
            .convert(116.4, 90.0)
            .unwrap_err();
        assert!(matches!(
            err,
            CrsError::OutOfRange {
                crs: Crs::Wgs84,
                ..
            }
        ));
        assert!(err.to_string().contains("cannot be converted"), "{err}");
        // 37° west of zone 39's central meridian: far outside the zone's band.
        let err = t(Crs::Wgs84, Crs::Epsg(4527))
            .convert(80.0, 40.0)
            .unwrap_err();
        assert_eq!(
            err,
            CrsError::OutOfRange {
                crs: Crs::Wgs84,
                x: 80.0,
                y: 40.0
            }
        );
    }

    #[test]
    fn unsupported_crs_is_refused() {
        let err = Transformer::new(Crs::Epsg(32650), Crs::Wgs84).unwrap_err();
        assert!(
            matches!(err, CrsError::Unsupported(ref s) if s == "EPSG:32650"),
            "{err:?}"
        );
    }

    #[test]
    fn converts_geometries_atomically() {
        let tr = t(Crs::Epsg(4527), Crs::Wgs84);
        let (x, y) = BEIJING_4527;
        let mut g = Geometry::Polygon(polygon![
            (x: x, y: y),
            (x: x + 100.0, y: y),
            (x: x + 100.0, y: y + 100.0),
            (x: x, y: y),
        ]);
        tr.convert_geometry(&mut g).unwrap();
        let Geometry::Polygon(p) = &g else { panic!() };
        let c0 = p.exterior().0[0];
        assert_close((c0.x, c0.y), BEIJING, 1e-8);
        let c1 = p.exterior().0[1];
        assert!(c1.x > BEIJING.0 && (c1.x - BEIJING.0) < 0.002, "{c1:?}");

        // One bad coordinate: error, geometry unchanged.
        let mut bad = Geometry::Polygon(polygon![
            (x: x, y: y),
            (x: 448_688.0, y: y),
            (x: x, y: y + 100.0),
            (x: x, y: y),
        ]);
        let before = bad.clone();
        let err = tr.convert_geometry(&mut bad).unwrap_err();
        assert_eq!(
            err,
            CrsError::OutOfRange {
                crs: Crs::Epsg(4527),
                x: 448_688.0,
                y
            }
        );
        assert_eq!(bad, before);

        let mut pt = geo::Point::new(BEIJING.0, BEIJING.1);
        t(Crs::Wgs84, Crs::Epsg(4548))
            .convert_point(&mut pt)
            .unwrap();
        assert_close((pt.x(), pt.y()), BEIJING_4548, 1e-3);
    }

    #[test]
    fn one_transformer_per_thread() {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        let tr = t(Crs::Epsg(4490), Crs::Epsg(4527));
                        let lon = BEIJING.0 + f64::from(i) * 0.01;
                        let (x, y) = tr.convert(lon, BEIJING.1).unwrap();
                        let back = t(Crs::Epsg(4527), Crs::Wgs84).convert(x, y).unwrap();
                        assert_close(back, (lon, BEIJING.1), 1e-8);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
}
