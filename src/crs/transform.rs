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
/// NaN...) and so is every output (finite, and within ±180/±90 for degrees).
///
/// A `Transformer` that uses PROJ owns a PROJ context, which must not be shared between
/// threads: the type is neither `Sync` nor `Send` (the `proj` crate's `Proj` holds raw
/// pointers). Build one per thread or per task; building one costs a PROJ database lookup
/// (around a millisecond), converting a coordinate about a microsecond.
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
        let valid = p.0.is_finite()
            && p.1.is_finite()
            && (!self.to.is_geographic()
                || ((-180.0..=180.0).contains(&p.0) && (-90.0..=90.0).contains(&p.1)));
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
