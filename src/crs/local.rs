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
