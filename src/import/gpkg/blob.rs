//! The GeoPackage geometry blob (GeoPackage 1.x, §2.1.3): the header — magic `GP`,
//! version, flags (byte order of the header, envelope kind, empty, extended type), the
//! geometry's `srs_id` and its envelope — then standard WKB, decoded with the `wkb` crate.

use geo::Geometry;

use crate::geometry;

/// The parts of a blob.
#[derive(Debug, PartialEq)]
pub(super) struct Blob<'a> {
    pub srs_id: i32,
    /// The empty flag: the geometry has no coordinates.
    pub empty: bool,
    /// The standard WKB after the header.
    pub wkb: &'a [u8],
}

/// The bytes of each envelope kind (flags bits 1–3): none, xy, xyz, xym, xyzm.
const ENVELOPE_BYTES: [usize; 5] = [0, 32, 48, 48, 64];

/// Splits a blob into its header's parts and the WKB; the error is why it is not one.
pub(super) fn split(bytes: &[u8]) -> Result<Blob<'_>, String> {
    if bytes.len() < 8 || &bytes[..2] != b"GP" {
        let start: String = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
        return Err(format!(
            "the geometry is not a GeoPackage geometry blob: it starts with 0x{start}, not \"GP\""
        ));
    }
    let version = bytes[2];
    if version != 0 {
        return Err(format!(
            "the geometry blob has version {version}; GeoPackage 1 writes version 0"
        ));
    }
    let flags = bytes[3];
    if flags & 0x20 != 0 {
        return Err("the geometry blob is of an extended (non-standard) geometry type".into());
    }
    let envelope = usize::from((flags >> 1) & 0x07);
    let Some(&envelope_bytes) = ENVELOPE_BYTES.get(envelope) else {
        return Err(format!(
            "the geometry blob has envelope kind {envelope}, which is undefined"
        ));
    };
    let id = [bytes[4], bytes[5], bytes[6], bytes[7]];
    let srs_id = if flags & 0x01 == 1 {
        i32::from_le_bytes(id)
    } else {
        i32::from_be_bytes(id)
    };
    let start = 8 + envelope_bytes;
    if bytes.len() < start {
        return Err(format!(
            "the geometry blob ends inside its header ({} bytes, the header needs {start})",
            bytes.len()
        ));
    }
    Ok(Blob {
        srs_id,
        empty: flags & 0x10 != 0,
        wkb: &bytes[start..],
    })
}

/// The geometry of a blob (`empty geometry` for an empty one).
pub(super) fn geometry(blob: &Blob<'_>) -> Result<Geometry<f64>, String> {
    if blob.empty {
        return Err(geometry::GeometryError::Empty.to_string());
    }
    geometry::from_wkb(blob.wkb).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    /// A blob of `geometry` with an xy envelope, in the given header byte order.
    fn blob(geometry: &Geometry<f64>, little_endian: bool, srs_id: i32) -> Vec<u8> {
        let mut out = b"GP".to_vec();
        out.push(0);
        out.push(0b0000_0010 | u8::from(little_endian));
        if little_endian {
            out.extend(srs_id.to_le_bytes());
            for v in [1.0f64, 2.0, 3.0, 4.0] {
                out.extend(v.to_le_bytes());
            }
        } else {
            out.extend(srs_id.to_be_bytes());
            for v in [1.0f64, 2.0, 3.0, 4.0] {
                out.extend(v.to_be_bytes());
            }
        }
        out.extend(crate::geometry::to_wkb(geometry));
        out
    }

    #[test]
    fn reads_both_byte_orders_and_the_envelope() {
        let p = Geometry::Point(Point::new(121.5, 31.2));
        for le in [true, false] {
            let bytes = blob(&p, le, 4490);
            let b = split(&bytes).unwrap();
            assert_eq!(b.srs_id, 4490);
            assert!(!b.empty);
            assert_eq!(geometry(&b).unwrap(), p);
        }
    }

    #[test]
    fn empty_and_broken_blobs_say_why() {
        // As GDAL writes an empty GeometryCollection: little endian, no envelope, empty.
        let empty = [
            b'G', b'P', 0, 0x11, 0xE6, 0x10, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0,
        ];
        let b = split(&empty).unwrap();
        assert!(b.empty && b.srs_id == 4326);
        assert_eq!(geometry(&b).unwrap_err(), "empty geometry");
        let wkb = crate::geometry::to_wkb(&Geometry::Point(Point::new(1.0, 2.0)));
        assert!(split(&wkb).unwrap_err().contains("not \"GP\""));
        assert!(split(b"GP\x01\x01\0\0\0\0")
            .unwrap_err()
            .contains("version 1"));
        assert!(split(b"GP\x00\x21\0\0\0\0")
            .unwrap_err()
            .contains("extended"));
        assert!(split(b"GP\x00\x0F\0\0\0\0")
            .unwrap_err()
            .contains("envelope kind 7"));
        assert!(split(b"GP\x00\x03\0\0\0\0")
            .unwrap_err()
            .contains("ends inside"));
        let b = split(b"GP\x00\x01\0\0\0\0\x01\x02").unwrap();
        assert!(geometry(&b).unwrap_err().contains("invalid WKB"));
    }
}
