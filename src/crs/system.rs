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
    /// `http(s)://www.opengis.net/def/crs/EPSG/0/4326`, `CRS84`, `CRS:84`, `OGC:CRS84`,
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
            "crs84" | "crs:84" | "ogc:crs84" | "wgs84" => return Ok(Crs::Wgs84),
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

impl serde::Serialize for Crs {
    /// Serialises as the [`Display`](fmt::Display) form (`EPSG:4490`, `GCJ-02`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Crs {
    /// Deserialises any string [`Crs::parse`] accepts.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Crs, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Crs::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wgs84_spellings() {
        for s in [
            "4326",
            "EPSG:4326",
            "epsg:4326",
            " EPSG:4326 ",
            "urn:ogc:def:crs:EPSG::4326",
            "urn:ogc:def:crs:EPSG:9.9.1:4326",
            "http://www.opengis.net/def/crs/EPSG/0/4326",
            "https://www.opengis.net/def/crs/EPSG/0/4326",
            "CRS84",
            "CRS:84",
            "OGC:CRS84",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            "WGS84",
            "wgs-84",
        ] {
            assert_eq!(Crs::parse(s), Ok(Crs::Wgs84), "{s}");
        }
    }

    #[test]
    fn parses_offset_systems() {
        for s in ["gcj02", "GCJ-02", "gcj-02", "GCJ02", "gcj_02", GCJ02_URI] {
            assert_eq!(Crs::parse(s), Ok(Crs::Gcj02), "{s}");
        }
        for s in ["bd09", "BD-09", "bd-09", "BD09", BD09_URI] {
            assert_eq!(Crs::parse(s), Ok(Crs::Bd09), "{s}");
        }
    }

    #[test]
    fn parses_supported_epsg_codes() {
        assert_eq!(Crs::parse("EPSG:4490"), Ok(Crs::Epsg(4490)));
        assert_eq!(Crs::parse("3857"), Ok(Crs::Epsg(3857)));
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:EPSG::4527"),
            Ok(Crs::Epsg(4527))
        );
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/EPSG/0/4549"),
            Ok(Crs::Epsg(4549))
        );
        for code in 4513..=4554 {
            assert_eq!(Crs::parse(&format!("EPSG:{code}")), Ok(Crs::Epsg(code)));
        }
    }

    #[test]
    fn rejects_unsupported_codes_naming_them() {
        for s in [
            "EPSG:4512",
            "4555",
            "EPSG:32650",
            "urn:ogc:def:crs:EPSG::2000",
            "http://www.opengis.net/def/crs/EPSG/0/9999",
            "99999999999",
        ] {
            match Crs::parse(s) {
                Err(e @ CrsError::Unsupported(_)) => {
                    let msg = e.to_string();
                    assert!(msg.contains(s), "{msg}");
                    assert!(msg.contains("EPSG:4490") && msg.contains("gcj02"), "{msg}");
                }
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_garbage_as_unknown() {
        for s in [
            "",
            "  ",
            "foo",
            "EPSG:",
            "EPSG:abc",
            "EPSG:-4326",
            "urn:ogc:def:crs:EPSG::",
            "urn:x:4326",
            "http://example.com/4326",
            "http://www.opengis.net/def/crs/FOO/0/1",
            "4326.0",
            "gcj03",
        ] {
            assert!(
                matches!(Crs::parse(s), Err(CrsError::Unknown(_))),
                "{s:?}: {:?}",
                Crs::parse(s)
            );
        }
    }

    #[test]
    fn uris_and_display() {
        assert_eq!(
            Crs::Wgs84.uri(),
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        );
        assert_eq!(Crs::Epsg(4326).uri(), Crs::Wgs84.uri());
        assert_eq!(
            Crs::Epsg(4490).uri(),
            "http://www.opengis.net/def/crs/EPSG/0/4490"
        );
        assert_eq!(
            Crs::Gcj02.uri(),
            "http://www.opengis.net/def/crs/wangge/0/gcj02"
        );
        assert_eq!(
            Crs::Bd09.uri(),
            "http://www.opengis.net/def/crs/wangge/0/bd09"
        );
        assert_eq!(Crs::Wgs84.to_string(), "EPSG:4326");
        assert_eq!(Crs::Epsg(3857).to_string(), "EPSG:3857");
        assert_eq!(Crs::Gcj02.to_string(), "GCJ-02");
        assert_eq!(Crs::Bd09.to_string(), "BD-09");
        // Every supported CRS parses back from its URI and its display form.
        let mut all = vec![
            Crs::Wgs84,
            Crs::Gcj02,
            Crs::Bd09,
            Crs::Epsg(4490),
            Crs::Epsg(3857),
        ];
        all.extend((4513..=4554).map(Crs::Epsg));
        for crs in all {
            assert_eq!(Crs::parse(&crs.uri()), Ok(crs));
            assert_eq!(crs.to_string().parse::<Crs>(), Ok(crs));
        }
    }

    #[test]
    fn serde_uses_the_display_form() {
        use serde::de::value::{Error, StrDeserializer};
        use serde::de::IntoDeserializer;
        use serde::Deserialize;
        let de: StrDeserializer<'_, Error> = "urn:ogc:def:crs:EPSG::4527".into_deserializer();
        assert_eq!(Crs::deserialize(de), Ok(Crs::Epsg(4527)));
        let de: StrDeserializer<'_, Error> = "EPSG:1".into_deserializer();
        let err = Crs::deserialize(de).unwrap_err().to_string();
        assert!(err.contains("unsupported CRS \"EPSG:1\""), "{err}");
    }

    #[test]
    fn classifies() {
        assert!(Crs::Wgs84.is_geographic() && Crs::Epsg(4490).is_geographic());
        assert!(Crs::Gcj02.is_geographic() && Crs::Bd09.is_geographic());
        assert!(!Crs::Epsg(3857).is_geographic() && !Crs::Epsg(4527).is_geographic());
        let z = Crs::Epsg(4527).gauss_kruger_zone().unwrap();
        assert_eq!(
            (z.zone, z.zone_in_easting, z.central_meridian()),
            (39, true, 117.0)
        );
        assert_eq!((z.zoned_epsg(), z.cm_epsg()), (4527, 4548));
        let z = Crs::Epsg(4548).gauss_kruger_zone().unwrap();
        assert_eq!((z.zone, z.zone_in_easting), (39, false));
        let first = Crs::Epsg(4534).gauss_kruger_zone().unwrap();
        assert_eq!(first.central_meridian(), 75.0);
        let last = Crs::Epsg(4554).gauss_kruger_zone().unwrap();
        assert_eq!(last.central_meridian(), 135.0);
        assert_eq!(Crs::Epsg(4513).gauss_kruger_zone().unwrap().zone, 25);
        assert_eq!(Crs::Epsg(4533).gauss_kruger_zone().unwrap().zone, 45);
        assert!(Crs::Epsg(3857).gauss_kruger_zone().is_none());
        assert!(Crs::Epsg(4490).authority_axes_swapped());
        assert!(Crs::Epsg(4527).authority_axes_swapped());
        assert!(!Crs::Wgs84.authority_axes_swapped() && !Crs::Epsg(3857).authority_axes_swapped());
        assert_eq!(Crs::Gcj02.epsg(), None);
        assert_eq!(Crs::Wgs84.epsg(), Some(4326));
    }
}
