//! OGC API – Features Part 2: the CRSs offered for output (`crs`), for bounding boxes
//! (`bbox-crs`) and for request bodies (`Content-Crs`), with their URIs and axis order.
//!
//! EPSG:4326 and EPSG:4490 are latitude first in OGC APIs (authority axis order), CRS84,
//! EPSG:3857, GCJ-02 and BD-09 are easting/longitude first. Conversions go through
//! [`crate::crs::Transformer`]; transformers are cached per thread because building one
//! costs PROJ database lookups.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use geo::{Geometry, MapCoords};

use crate::crs::{Crs, CrsError, Transformer, BD09_URI, CRS84_URI, GCJ02_URI};

/// A CRS offered by the OGC API, with its axis order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OgcCrs {
    /// WGS 84 longitude/latitude (the storage CRS and the default).
    Crs84,
    /// WGS 84 latitude/longitude.
    Epsg4326,
    /// Web Mercator easting/northing in metres.
    Epsg3857,
    /// CGCS2000 latitude/longitude.
    Epsg4490,
    /// GCJ-02 longitude/latitude (AMap/Gaode, Tencent).
    Gcj02,
    /// BD-09 longitude/latitude (Baidu).
    Bd09,
}

/// Every CRS offered, storage CRS first.
pub const ALL: [OgcCrs; 6] = [
    OgcCrs::Crs84,
    OgcCrs::Epsg4326,
    OgcCrs::Epsg3857,
    OgcCrs::Epsg4490,
    OgcCrs::Gcj02,
    OgcCrs::Bd09,
];

impl OgcCrs {
    /// The URI clients name it by.
    pub fn uri(self) -> &'static str {
        match self {
            OgcCrs::Crs84 => CRS84_URI,
            OgcCrs::Epsg4326 => "http://www.opengis.net/def/crs/EPSG/0/4326",
            OgcCrs::Epsg3857 => "http://www.opengis.net/def/crs/EPSG/0/3857",
            OgcCrs::Epsg4490 => "http://www.opengis.net/def/crs/EPSG/0/4490",
            OgcCrs::Gcj02 => GCJ02_URI,
            OgcCrs::Bd09 => BD09_URI,
        }
    }

    /// The `Content-Crs` header value: the URI in angle brackets.
    pub fn header(self) -> String {
        format!("<{}>", self.uri())
    }

    /// The CRS of the converter (which always orders easting/longitude first).
    pub fn crs(self) -> Crs {
        match self {
            OgcCrs::Crs84 | OgcCrs::Epsg4326 => Crs::Wgs84,
            OgcCrs::Epsg3857 => Crs::Epsg(3857),
            OgcCrs::Epsg4490 => Crs::Epsg(4490),
            OgcCrs::Gcj02 => Crs::Gcj02,
            OgcCrs::Bd09 => Crs::Bd09,
        }
    }

    /// Whether coordinates are written latitude/northing first.
    pub fn lat_first(self) -> bool {
        matches!(self, OgcCrs::Epsg4326 | OgcCrs::Epsg4490)
    }

    /// Parses a URI of [`ALL`] (also in angle brackets, as in `Content-Crs`), or the
    /// short forms `EPSG:4326`, `urn:ogc:def:crs:EPSG::4326`, `CRS84`, `gcj02`, `bd09`.
    /// An EPSG code keeps its authority axis order; CRS84 is longitude first.
    pub fn parse(text: &str) -> Result<OgcCrs, String> {
        let t = text
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        if let Some(c) = ALL.iter().find(|c| c.uri().eq_ignore_ascii_case(t)) {
            return Ok(*c);
        }
        let unsupported = || {
            format!(
                "CRS {text:?} is not offered; use one of {}",
                ALL.map(|c| c.uri()).join(", ")
            )
        };
        let lower = t.to_ascii_lowercase();
        let crs = Crs::parse(t).map_err(|_| unsupported())?;
        Ok(match crs {
            Crs::Wgs84 if lower.contains("crs84") || lower.contains("crs:84") => OgcCrs::Crs84,
            Crs::Wgs84 => OgcCrs::Epsg4326,
            Crs::Epsg(3857) => OgcCrs::Epsg3857,
            Crs::Epsg(4490) => OgcCrs::Epsg4490,
            Crs::Gcj02 => OgcCrs::Gcj02,
            Crs::Bd09 => OgcCrs::Bd09,
            _ => return Err(unsupported()),
        })
    }
}

thread_local! {
    static TRANSFORMERS: RefCell<HashMap<(Crs, Crs), Rc<Transformer>>> = RefCell::new(HashMap::new());
}

/// The (cached) transformer from `from` to `to`.
fn transformer(from: Crs, to: Crs) -> Result<Rc<Transformer>, CrsError> {
    TRANSFORMERS.with(|cache| {
        if let Some(t) = cache.borrow().get(&(from, to)) {
            return Ok(t.clone());
        }
        let t = Rc::new(Transformer::new(from, to)?);
        cache.borrow_mut().insert((from, to), t.clone());
        Ok(t)
    })
}

/// Converts a stored (CRS84) geometry to `to`, in `to`'s axis order.
pub fn from_storage(g: &Geometry<f64>, to: OgcCrs) -> Result<Geometry<f64>, CrsError> {
    let mut g = g.clone();
    if to.crs() != Crs::Wgs84 {
        transformer(Crs::Wgs84, to.crs())?.convert_geometry(&mut g)?;
    }
    if to.lat_first() {
        g = g.map_coords(|c| geo::Coord { x: c.y, y: c.x });
    }
    Ok(g)
}

/// Converts a geometry given in `from` (in its axis order) to CRS84 for storage.
pub fn to_storage(g: &Geometry<f64>, from: OgcCrs) -> Result<Geometry<f64>, CrsError> {
    let mut g = g.clone();
    if from.lat_first() {
        g = g.map_coords(|c| geo::Coord { x: c.y, y: c.x });
    }
    if from.crs() != Crs::Wgs84 {
        transformer(from.crs(), Crs::Wgs84)?.convert_geometry(&mut g)?;
    } else {
        // Checks the coordinates are longitudes and latitudes.
        transformer(Crs::Wgs84, Crs::Wgs84)?.convert_geometry(&mut g)?;
    }
    Ok(g)
}

/// Converts a bounding box `[a, b, c, d]` given in `from`'s axis order to
/// `[minlon, minlat, maxlon, maxlat]` in CRS84: the envelope of its edges, each sampled
/// at 16 points (the offset systems bend straight lines slightly).
pub fn bbox_to_storage(b: [f64; 4], from: OgcCrs) -> Result<[f64; 4], CrsError> {
    let [x0, y0, x1, y1] = if from.lat_first() {
        [b[1], b[0], b[3], b[2]]
    } else {
        b
    };
    if from.crs() == Crs::Wgs84 {
        return Ok([x0, y0, x1, y1]);
    }
    let t = transformer(from.crs(), Crs::Wgs84)?;
    let mut out = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    const STEPS: usize = 16;
    for i in 0..=STEPS {
        let f = i as f64 / STEPS as f64;
        let (x, y) = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
        for (px, py) in [(x, y0), (x, y1), (x0, y), (x1, y)] {
            let (lon, lat) = t.convert(px, py)?;
            out = [
                out[0].min(lon),
                out[1].min(lat),
                out[2].max(lon),
                out[3].max(lat),
            ];
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_parse_back_and_short_forms_keep_axis_order() {
        for c in ALL {
            assert_eq!(OgcCrs::parse(c.uri()), Ok(c));
            assert_eq!(OgcCrs::parse(&c.header()), Ok(c));
        }
        assert_eq!(OgcCrs::parse("EPSG:4326"), Ok(OgcCrs::Epsg4326));
        assert_eq!(OgcCrs::parse("CRS84"), Ok(OgcCrs::Crs84));
        assert_eq!(OgcCrs::parse("gcj02"), Ok(OgcCrs::Gcj02));
        assert!(OgcCrs::parse("EPSG:4513").is_err());
        assert!(OgcCrs::parse("http://example.com/crs").is_err());
    }

    #[test]
    fn epsg_4326_is_latitude_first_and_round_trips() {
        let p = Geometry::Point(geo::Point::new(104.06, 30.67));
        let out = from_storage(&p, OgcCrs::Epsg4326).unwrap();
        assert_eq!(out, Geometry::Point(geo::Point::new(30.67, 104.06)));
        assert_eq!(to_storage(&out, OgcCrs::Epsg4326).unwrap(), p);
        for c in ALL {
            let there = from_storage(&p, c).unwrap();
            let back = to_storage(&there, c).unwrap();
            let (Geometry::Point(a), Geometry::Point(b)) = (&p, &back) else {
                panic!("not a point")
            };
            assert!(
                (a.x() - b.x()).abs() < 1e-8 && (a.y() - b.y()).abs() < 1e-8,
                "{c:?}"
            );
        }
    }

    #[test]
    fn bbox_in_web_mercator_and_lat_lon() {
        let b = bbox_to_storage([30.0, 104.0, 31.0, 105.0], OgcCrs::Epsg4326).unwrap();
        assert_eq!(b, [104.0, 30.0, 105.0, 31.0]);
        let m =
            bbox_to_storage([0.0, 0.0, 111_319.490_793_273_57, 1000.0], OgcCrs::Epsg3857).unwrap();
        assert!((m[2] - 1.0).abs() < 1e-9 && m[0].abs() < 1e-12, "{m:?}");
    }
}
