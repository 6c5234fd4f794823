//! Coordinate reference systems of inputs and outputs: EPSG codes via PROJ, and the Chinese
//! web-map offset systems GCJ-02 and BD-09, which PROJ does not know, converted here. Calls
//! nothing else in the crate.
//!
//! * [`Crs`] names a CRS and parses the spellings users and OGC clients write
//!   ([`Crs::parse`], [`Crs::uri`]).
//! * [`Transformer`] converts coordinates and `geo` geometries between any two supported
//!   CRSs: EPSG ↔ EPSG through PROJ, GCJ-02 and BD-09 through WGS 84 (BD-09 ↔ GCJ-02 ↔
//!   WGS 84), with the formulas of [`offset`]. Coordinates are always x = easting/longitude,
//!   y = northing/latitude. Impossible coordinates (projected metres declared as EPSG:4326,
//!   swapped latitude/longitude) are rejected with [`CrsError::OutOfRange`], whose message
//!   says which CRS the numbers look like.
//! * [`wkt::identify`] tells which supported CRS a WKT definition (a Shapefile's `.prj`,
//!   a GeoPackage's spatial reference system) describes.
//! * [`LocalProjection`] projects WGS 84 geometries into the UTM zone around them, for
//!   areas and lengths in metres.
//!
//! Supported EPSG codes: 4326 (WGS 84), 4490 (CGCS2000), 3857 (Web Mercator), 4513–4533
//! (CGCS2000 3-degree Gauss–Krüger zones 25–45 with the zone number in the easting) and
//! 4534–4554 (the same zones, CM 75E–135E, without it).

mod hint;
mod local;
pub mod offset;
mod system;
mod tmerc;
mod transform;
pub mod wkt;

pub use local::LocalProjection;
pub use offset::{
    bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, in_china_bbox, wgs84_to_bd09,
    wgs84_to_gcj02,
};
pub use system::{Crs, GaussKrugerZone, BD09_URI, CRS84_URI, GCJ02_URI};
pub use transform::Transformer;

/// Why a CRS is unknown or unsupported, or a coordinate cannot be converted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The CRS name is not one wangge can read (neither an EPSG code in any accepted
    /// spelling, nor CRS84, nor gcj02/bd09).
    #[error("unknown CRS {0:?}: expected one of {supported}", supported = system::SUPPORTED)]
    Unknown(String),
    /// The CRS name is well formed (an EPSG code) but wangge does not convert it.
    #[error("unsupported CRS {0:?}: wangge supports {supported}", supported = system::SUPPORTED)]
    Unsupported(String),
    /// The coordinate `(x, y)` given in `crs` is impossible there (outside ±180/±90 for
    /// degrees, outside the zone for Gauss–Krüger, not finite), or its conversion left the
    /// valid range. `x`, `y` and `crs` are always the input coordinate and its declared CRS;
    /// the message hints at the CRS the numbers look like.
    #[error("{}", hint::out_of_range_message(*crs, *x, *y))]
    OutOfRange {
        /// The CRS the coordinate was declared in.
        crs: Crs,
        /// The input easting or longitude.
        x: f64,
        /// The input northing or latitude.
        y: f64,
    },
    /// A WKT definition that cannot be read as WKT.
    #[error("not a WKT CRS definition: {0}")]
    WktSyntax(String),
    /// A WKT definition of a CRS wangge does not convert, or does not recognise (neither an
    /// EPSG code nor a name or datum it knows).
    #[error(
        "{what} CRS {name:?}{code} in the WKT definition: wangge supports {supported}",
        what = if epsg.is_some() { "unsupported" } else { "unrecognised" },
        code = epsg.map(|c| format!(" (EPSG:{c})")).unwrap_or_default(),
        supported = system::SUPPORTED
    )]
    WktUnsupported {
        /// The CRS's name in the definition.
        name: String,
        /// Its EPSG code, when the definition gives one.
        epsg: Option<u32>,
    },
    /// A WKT definition whose parameters contradict the CRS its code or name says.
    #[error(
        "the WKT definition {name:?} has {parameter} {found}, but {crs} has {expected}: \
         the definition contradicts itself"
    )]
    WktMismatch {
        /// The CRS's name in the definition.
        name: String,
        /// The CRS its code or name says.
        crs: Crs,
        /// Which parameter: `central meridian`, `false easting`, `scale factor`.
        parameter: &'static str,
        /// The value in the definition.
        found: f64,
        /// The value of `crs`.
        expected: f64,
    },
    /// PROJ could not set up a conversion (for example its database `proj.db` is missing).
    #[error("PROJ cannot convert {from} to {to}: {reason}")]
    Proj {
        /// Source CRS.
        from: Crs,
        /// Target CRS.
        to: Crs,
        /// PROJ's message.
        reason: String,
    },
}
