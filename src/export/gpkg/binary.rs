//! GeoPackage geometry encoding (GeoPackage 1.3, clause 2.1.3 "Geometry Encoding"): the
//! `GeoPackageBinary` header — magic `GP`, version 0, a flags byte (little-endian, the
//! envelope indicator, not empty, standard binary), the SRS id — then the envelope
//! `[minx, maxx, miny, maxy]`, then the geometry as standard little-endian WKB (written by
//! [`geometry::to_wkb`](crate::geometry::to_wkb), the `wkb` crate). Points carry no
//! envelope (the indicator is 0), as the standard allows. Pure.

use geo::{BoundingRect, Geometry};

/// A geometry's envelope `[minx, miny, maxx, maxy]`.
pub type Envelope = [f64; 4];

/// Flags bit 0: little-endian header numbers.
const LITTLE_ENDIAN: u8 = 0b0000_0001;
/// Flags bits 1–3 = 1: the envelope is `[minx, maxx, miny, maxy]` (32 bytes).
const ENVELOPE_XY: u8 = 0b0000_0010;

/// Why a geometry cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("an empty geometry has no envelope")]
    Empty,
}

/// The GeoPackage binary of `geometry` in SRS `srs_id`, and its envelope.
pub fn encode(geometry: &Geometry<f64>, srs_id: i32) -> Result<(Vec<u8>, Envelope), EncodeError> {
    let rect = geometry.bounding_rect().ok_or(EncodeError::Empty)?;
    let envelope = [rect.min().x, rect.min().y, rect.max().x, rect.max().y];
    let point = matches!(geometry, Geometry::Point(_));
    let wkb = crate::geometry::to_wkb(geometry);
    let mut out = Vec::with_capacity(8 + if point { 0 } else { 32 } + wkb.len());
    out.extend_from_slice(b"GP");
    out.push(0);
    out.push(if point {
        LITTLE_ENDIAN
    } else {
        LITTLE_ENDIAN | ENVELOPE_XY
    });
    out.extend_from_slice(&srs_id.to_le_bytes());
    if !point {
        for v in [envelope[0], envelope[2], envelope[1], envelope[3]] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&wkb);
    Ok((out, envelope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon, Point};

    fn f64_at(bytes: &[u8], at: usize) -> f64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        f64::from_le_bytes(b)
    }

    #[test]
    fn polygons_carry_the_envelope_in_gpkg_order_then_wkb() {
        let mp = MultiPolygon(vec![polygon![
            (x: 104.0, y: 30.5), (x: 104.25, y: 30.5), (x: 104.25, y: 30.75), (x: 104.0, y: 30.5)
        ]]);
        let g = Geometry::MultiPolygon(mp);
        let Ok((bytes, envelope)) = encode(&g, 4326) else {
            panic!("encodes")
        };
        assert_eq!(&bytes[..4], &[b'G', b'P', 0, 0b0000_0011]);
        assert_eq!(&bytes[4..8], &4326i32.to_le_bytes());
        // minx, maxx, miny, maxy
        assert_eq!(f64_at(&bytes, 8), 104.0);
        assert_eq!(f64_at(&bytes, 16), 104.25);
        assert_eq!(f64_at(&bytes, 24), 30.5);
        assert_eq!(f64_at(&bytes, 32), 30.75);
        assert_eq!(envelope, [104.0, 30.5, 104.25, 30.75]);
        // Standard WKB: little-endian MultiPolygon (type 6), decodable as it was.
        assert_eq!(&bytes[40..45], &[1, 6, 0, 0, 0]);
        assert_eq!(crate::geometry::from_wkb(&bytes[40..]).ok(), Some(g));
    }

    #[test]
    fn points_have_no_envelope() {
        let g = Geometry::Point(Point::new(24.94, 60.17));
        let Ok((bytes, envelope)) = encode(&g, 4326) else {
            panic!("encodes")
        };
        assert_eq!(bytes[3], 0b0000_0001);
        assert_eq!(bytes.len(), 8 + 21);
        assert_eq!(&bytes[8..13], &[1, 1, 0, 0, 0]);
        assert_eq!(envelope, [24.94, 60.17, 24.94, 60.17]);
    }

    #[test]
    fn empty_geometries_are_refused() {
        let g = Geometry::MultiPolygon(MultiPolygon::<f64>(vec![]));
        assert_eq!(encode(&g, 4326).err(), Some(EncodeError::Empty));
    }
}
