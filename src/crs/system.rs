//! [`Crs`]: the coordinate reference systems wangge accepts, their names and URIs.

use std::fmt;

use super::CrsError;

/// First EPSG code of the CGCS2000 3-degree Gauss–Krüger zones with the zone number in the
/// false easting (EPSG:4513 is zone 25, central meridian 75°E).
pub const GK_ZONED_FIRST: u32 = 4513;
/// Last EPSG code of the zone-numbered CGCS2000 3-degree Gauss–Krüger zones (zone 45, 135°E).
pub const GK_ZONED_LAST: u32 = 4533;
/// First EPSG code of the CGCS2000 3-degree Gauss–Krüger zones with false easting 500 km
/// and no zone number ("CM 75E").
pub const GK_CM_FIRST: u32 = 4534;
/// Last EPSG code of the CGCS2000 3-degree Gauss–Krüger "CM" zones (CM 135E).
pub const GK_CM_LAST: u32 = 4554;

/// The EPSG code of CGCS2000 geographic coordinates.
pub const EPSG_CGCS2000: u32 = 4490;
/// The EPSG code of WGS 84 geographic coordinates.
pub const EPSG_WGS84: u32 = 4326;
/// The EPSG code of Web (pseudo-)Mercator.
pub const EPSG_WEB_MERCATOR: u32 = 3857;

/// The URI wangge uses for GCJ-02, which no registry defines.
pub const GCJ02_URI: &str = "http://www.opengis.net/def/crs/wangge/0/gcj02";
/// The URI wangge uses for BD-09, which no registry defines.
pub const BD09_URI: &str = "http://www.opengis.net/def/crs/wangge/0/bd09";
/// The OGC URI of WGS 84 longitude/latitude (CRS84).
pub const CRS84_URI: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// What [`Crs::parse`] accepts, for error messages.
pub(crate) const SUPPORTED: &str = "EPSG:4326 (WGS 84; also CRS84), EPSG:4490 (CGCS2000), \
     EPSG:3857 (Web Mercator), EPSG:4513–4533 (CGCS2000 3-degree Gauss–Krüger zones 25–45, \
     zone number in the easting), EPSG:4534–4554 (CGCS2000 3-degree Gauss–Krüger, CM 75E–135E), \
     gcj02 (GCJ-02, AMap/Gaode/Tencent) and bd09 (BD-09, Baidu); written as a bare code, \
     EPSG:code, urn:ogc:def:crs:EPSG::code or http://www.opengis.net/def/crs/EPSG/0/code";

/// A coordinate reference system of input or output coordinates.
///
/// Coordinates are always ordered x = easting/longitude, y = northing/latitude, whatever
/// the authority's axis order (see [`Crs::authority_axes_swapped`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// WGS 84 longitude/latitude in degrees (EPSG:4326, OGC CRS84): wangge's storage CRS.
    Wgs84,
    /// Any other EPSG code; [`Crs::parse`] only produces supported ones
    /// ([`Crs::is_supported`]) and never `Epsg(4326)`, which it normalises to [`Crs::Wgs84`].
    Epsg(u32),
    /// GCJ-02 longitude/latitude in degrees (AMap/Gaode, Tencent, Google Maps in China).
    Gcj02,
    /// BD-09 longitude/latitude in degrees (Baidu).
    Bd09,
}

impl Crs {
    /// Parses a CRS name: a bare EPSG code (`4326`), `EPSG:4326` (any case),
    /// `urn:ogc:def:crs:EPSG::4326` (any version between the colons),
    /// `http(s)://www.opengis.net/def/crs/EPSG/0/4326`, `CRS84`, `OGC:CRS84`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `http://www.opengis.net/def/crs/OGC/1.3/CRS84`,
    /// `WGS84`, `gcj02` / `GCJ-02`, `bd09` / `BD-09`, and the URIs of [`Crs::uri`].
    ///
    /// EPSG:4326 and CRS84 both become [`Crs::Wgs84`]. A well-formed EPSG code wangge does
    /// not support is [`CrsError::Unsupported`]; anything else is [`CrsError::Unknown`].
    pub fn parse(s: &str) -> Result<Crs, CrsError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let compact: String = lower
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect();
        match compact.as_str() {
            "crs84" | "ogc:crs84" | "wgs84" => return Ok(Crs::Wgs84),
            "gcj02" => return Ok(Crs::Gcj02),
            "bd09" => return Ok(Crs::Bd09),
            _ => {}
        }
        let code = if let Some(rest) = lower.strip_prefix("epsg:") {
            rest
        } else if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:") {
            // urn:ogc:def:crs:{authority}:{version}:{code}, version often empty.
            let mut parts = rest.splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("epsg"), Some(_), Some(code)) => code,
                (Some("ogc"), Some(_), Some("crs84")) => return Ok(Crs::Wgs84),
                _ => return Err(CrsError::Unknown(t.to_string())),
            }
        } else if let Some(rest) = lower
            .strip_prefix("http://www.opengis.net/def/crs/")
            .or_else(|| lower.strip_prefix("https://www.opengis.net/def/crs/"))
        {
            // {authority}/{version}/{code}
            let mut parts = rest.trim_end_matches('/').splitn(3, '/');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("epsg"), Some(_), Some(code)) => code,
                (Some("ogc"), Some(_), Some("crs84")) => return Ok(Crs::Wgs84),
                (Some("wangge"), Some(_), Some("gcj02")) => return Ok(Crs::Gcj02),
                (Some("wangge"), Some(_), Some("bd09")) => return Ok(Crs::Bd09),
                _ => return Err(CrsError::Unknown(t.to_string())),
            }
        } else {
            lower.as_str()
        };
        let code = code.trim();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CrsError::Unknown(t.to_string()));
        }
        let crs = match code.parse::<u32>() {
            Ok(EPSG_WGS84) => Crs::Wgs84,
            Ok(n) => Crs::Epsg(n),
            Err(_) => return Err(CrsError::Unsupported(t.to_string())),
        };
        if crs.is_supported() {
            Ok(crs)
        } else {
            Err(CrsError::Unsupported(t.to_string()))
        }
    }

    /// The same CRS with `Epsg(4326)` written as [`Crs::Wgs84`].
    pub fn normalized(self) -> Crs {
        match self {
            Crs::Epsg(EPSG_WGS84) => Crs::Wgs84,
            other => other,
        }
    }

    /// Whether wangge converts this CRS: the offset systems, WGS 84, and the EPSG codes
    /// 4326, 4490, 3857 and 4513–4554.
    pub fn is_supported(&self) -> bool {
        match *self {
            Crs::Wgs84 | Crs::Gcj02 | Crs::Bd09 => true,
            Crs::Epsg(c) => {
                matches!(c, EPSG_WGS84 | EPSG_CGCS2000 | EPSG_WEB_MERCATOR)
                    || (GK_ZONED_FIRST..=GK_CM_LAST).contains(&c)
            }
        }
    }

    /// Whether coordinates are longitude/latitude in degrees (WGS 84, CGCS2000, GCJ-02,
    /// BD-09) rather than projected metres.
    pub fn is_geographic(&self) -> bool {
        matches!(
            self.normalized(),
            Crs::Wgs84 | Crs::Gcj02 | Crs::Bd09 | Crs::Epsg(EPSG_CGCS2000)
        )
    }

    /// The EPSG code, if the CRS has one (4326 for [`Crs::Wgs84`], none for GCJ-02/BD-09).
    pub fn epsg(&self) -> Option<u32> {
        match *self {
            Crs::Wgs84 => Some(EPSG_WGS84),
            Crs::Epsg(c) => Some(c),
            Crs::Gcj02 | Crs::Bd09 => None,
        }
    }

    /// For a CGCS2000 3-degree Gauss–Krüger CRS: its zone number (25–45) and central
    /// meridian in degrees, and whether the zone number is prefixed to the easting
    /// (EPSG:4513–4533) or not (EPSG:4534–4554).
    pub fn gauss_kruger_zone(&self) -> Option<GaussKrugerZone> {
        match *self {
            Crs::Epsg(c) if (GK_ZONED_FIRST..=GK_ZONED_LAST).contains(&c) => {
                let zone = 25 + (c - GK_ZONED_FIRST);
                Some(GaussKrugerZone {
                    zone,
                    zone_in_easting: true,
                })
            }
            Crs::Epsg(c) if (GK_CM_FIRST..=GK_CM_LAST).contains(&c) => {
                let zone = 25 + (c - GK_CM_FIRST);
                Some(GaussKrugerZone {
                    zone,
                    zone_in_easting: false,
                })
            }
            _ => None,
        }
    }

    /// Whether the authority (EPSG) orders this CRS's axes northing/latitude first, as it
    /// does for EPSG:4326, EPSG:4490 and the Gauss–Krüger zones. wangge always puts
    /// easting/longitude first, so an interface that promises authority axis order (OGC
    /// API – Features Part 2 with an EPSG URI) must swap x and y for these. CRS84
    /// ([`Crs::uri`] of [`Crs::Wgs84`]) is longitude first and needs no swap.
    pub fn authority_axes_swapped(&self) -> bool {
        match *self {
            Crs::Wgs84 | Crs::Gcj02 | Crs::Bd09 => false,
            Crs::Epsg(c) => {
                matches!(c, EPSG_WGS84 | EPSG_CGCS2000)
                    || (GK_ZONED_FIRST..=GK_CM_LAST).contains(&c)
            }
        }
    }

    /// The OGC URI: `http://www.opengis.net/def/crs/OGC/1.3/CRS84` for WGS 84 (also for
    /// `Epsg(4326)`, since wangge's axis order is longitude first),
    /// `http://www.opengis.net/def/crs/EPSG/0/{code}` for EPSG codes, and wangge's own
    /// [`GCJ02_URI`] (`http://www.opengis.net/def/crs/wangge/0/gcj02`) and [`BD09_URI`]
    /// (`.../wangge/0/bd09`) for the offset systems, which no registry defines.
    /// [`Crs::parse`] accepts all of them back.
    pub fn uri(&self) -> String {
        match self.normalized() {
            Crs::Wgs84 => CRS84_URI.to_string(),
            Crs::Epsg(c) => format!("http://www.opengis.net/def/crs/EPSG/0/{c}"),
            Crs::Gcj02 => GCJ02_URI.to_string(),
            Crs::Bd09 => BD09_URI.to_string(),
        }
    }

    /// The PROJ name of the CRS the EPSG part of a conversion uses: the CRS itself, or
    /// EPSG:4326 for the offset systems, whose conversions pivot on WGS 84.
    pub(crate) fn proj_pivot_code(&self) -> u32 {
        match *self {
            Crs::Wgs84 | Crs::Gcj02 | Crs::Bd09 => EPSG_WGS84,
            Crs::Epsg(c) => c,
        }
    }
}

/// A CGCS2000 3-degree Gauss–Krüger zone, see [`Crs::gauss_kruger_zone`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GaussKrugerZone {
    /// Zone number, 25–45; the central meridian is 3 × zone degrees east.
    pub zone: u32,
    /// Whether the false easting is `zone × 1 000 000 + 500 000` m (EPSG:4513–4533) rather
    /// than 500 000 m (EPSG:4534–4554).
    pub zone_in_easting: bool,
}

impl GaussKrugerZone {
    /// Central meridian in degrees east.
    pub fn central_meridian(&self) -> f64 {
        f64::from(self.zone * 3)
    }

    /// The EPSG code of this zone with the zone number in the easting (4513–4533).
    pub fn zoned_epsg(&self) -> u32 {
        GK_ZONED_FIRST + self.zone - 25
    }

    /// The EPSG code of this zone without the zone number (4534–4554).
    pub fn cm_epsg(&self) -> u32 {
        GK_CM_FIRST + self.zone - 25
    }
}

impl fmt::Display for Crs {
    /// `EPSG:{code}` (`EPSG:4326` for WGS 84), `GCJ-02` or `BD-09`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Crs::Wgs84 => write!(f, "EPSG:{EPSG_WGS84}"),
            Crs::Epsg(c) => write!(f, "EPSG:{c}"),
            Crs::Gcj02 => f.write_str("GCJ-02"),
            Crs::Bd09 => f.write_str("BD-09"),
        }
    }
}

impl std::str::FromStr for Crs {
    type Err = CrsError;

    /// Same as [`Crs::parse`].
    fn from_str(s: &str) -> Result<Crs, CrsError> {
        Crs::parse(s)
    }
}
