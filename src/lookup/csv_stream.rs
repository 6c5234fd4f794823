//! Streaming CSV batches for the command line: rows are read, answered and written a
//! chunk at a time, so a file of millions of rows runs in constant memory. Rows are kept
//! as bytes and written back unchanged (any ASCII-compatible encoding passes through);
//! only the columns wangge reads are decoded.

use std::io::Read;

use csv::{ByteRecord, Reader, ReaderBuilder};

use super::{input, to_wgs84, LookupError};
use crate::crs::Crs;

/// Rows read per chunk by [`CsvStream::next_chunk`].
pub const CHUNK_ROWS: usize = 8192;

/// The text of a field: UTF-8 when it is, else GB18030 (a superset of GBK, what Chinese
/// office software writes).
pub fn field_text(field: &[u8]) -> String {
    match std::str::from_utf8(field) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(field).0.into_owned(),
    }
}

/// One data row of a CSV batch: its line in the file and its fields as read.
#[derive(Debug, Clone)]
pub struct CsvRow {
    pub line: u64,
    pub record: ByteRecord,
}

/// A CSV file read a chunk of rows at a time, with its header.
pub struct CsvStream<R: Read> {
    reader: Reader<R>,
    header: ByteRecord,
    rows: u64,
}

impl<R: Read> CsvStream<R> {
    /// Reads the header line of `source` (a UTF-8 byte-order mark is dropped).
    pub fn new(source: R) -> Result<Self, LookupError> {
        let mut reader = ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(source);
        let mut header = reader
            .byte_headers()
            .map_err(|e| input("line 1 (header)", e.to_string()))?
            .clone();
        if let Some(first) = header.get(0) {
            if let Some(rest) = first.strip_prefix(b"\xEF\xBB\xBF") {
                let mut fixed = ByteRecord::new();
                fixed.push_field(rest);
                for f in header.iter().skip(1) {
                    fixed.push_field(f);
                }
                header = fixed;
            }
        }
        if header.is_empty() {
            return Err(input("line 1 (header)", "the file has no header line"));
        }
        Ok(CsvStream {
            reader,
            header,
            rows: 0,
        })
    }

    /// The header's fields.
    pub fn header(&self) -> &ByteRecord {
        &self.header
    }

    /// The index of the first header field named one of `names` (case-insensitive; the
    /// header may be in UTF-8 or GBK).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| {
            let h = field_text(h).to_lowercase();
            names.contains(&h.as_str())
        })
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Bytes of the input consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Up to `max` further rows; empty at the end of the file.
    pub fn next_chunk(&mut self, max: usize) -> Result<Vec<CsvRow>, LookupError> {
        let mut out = Vec::with_capacity(max.min(CHUNK_ROWS));
        let mut record = ByteRecord::new();
        while out.len() < max {
            match self.reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    return Err(input(format!("line {line}"), e.to_string()));
                }
            }
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            self.rows += 1;
            out.push(CsvRow {
                line,
                record: record.clone(),
            });
        }
        Ok(out)
    }
}

/// The longitude and latitude columns of a point CSV (`lon`/`lng`/`longitude`/`x` and
/// `lat`/`latitude`/`y`).
pub fn point_columns<R: Read>(stream: &CsvStream<R>) -> Result<(usize, usize), LookupError> {
    let x = stream
        .column(&["lon", "lng", "longitude", "x"])
        .ok_or_else(|| {
            input(
                "line 1 (header)",
                "no longitude column (lon, lng, longitude or x)",
            )
        })?;
    let y = stream
        .column(&["lat", "latitude", "y"])
        .ok_or_else(|| input("line 1 (header)", "no latitude column (lat, latitude or y)"))?;
    Ok((x, y))
}

/// The WGS 84 points of `rows` read from columns `x` and `y` in `crs`; an error names the
/// line and column.
pub fn points_of(
    rows: &[CsvRow],
    (x, y): (usize, usize),
    header: &ByteRecord,
    crs: Crs,
) -> Result<Vec<(f64, f64)>, LookupError> {
    let name = |i: usize| String::from_utf8_lossy(header.get(i).unwrap_or(b"")).into_owned();
    let number = |row: &CsvRow, i: usize| -> Result<f64, LookupError> {
        let raw = row.record.get(i).unwrap_or(b"");
        std::str::from_utf8(raw)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|f| f.is_finite())
            .ok_or_else(|| {
                input(
                    format!("line {}, column {:?}", row.line, name(i)),
                    format!("{:?} is not a number", String::from_utf8_lossy(raw)),
                )
            })
    };
    let mut points = rows
        .iter()
        .map(|r| Ok((number(r, x)?, number(r, y)?)))
        .collect::<Result<Vec<_>, LookupError>>()?;
    to_wgs84(&mut points, crs).map_err(|e| match e {
        LookupError::OutOfRange { index, x, y, crs } => input(
            format!("line {}", rows.get(index).map(|r| r.line).unwrap_or(0)),
            format!("({x}, {y}) is not a longitude/latitude in {crs}"),
        ),
        other => other,
    })?;
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_in_chunks_with_their_lines_and_bytes_unchanged() {
        let text =
            "\u{feff}id,lon,lat,名称\n1,104.06,30.67,甲\n2,104.07,30.68,乙\n3,104.08,30.69,丙\n";
        let mut s = CsvStream::new(text.as_bytes()).unwrap();
        assert_eq!(point_columns(&s).unwrap(), (1, 2));
        assert_eq!(s.header().get(0), Some(&b"id"[..]));
        let first = s.next_chunk(2).unwrap();
        assert_eq!(first.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(first[1].record.get(3), Some("乙".as_bytes()));
        let rest = s.next_chunk(2).unwrap();
        assert_eq!(rest.len(), 1);
        assert!(s.next_chunk(2).unwrap().is_empty());
        assert_eq!(s.rows_read(), 3);
        assert_eq!(s.bytes_read(), text.len() as u64);
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let text = "lon,lat\n104.06,30.67\n104.07,north\n";
        let mut s = CsvStream::new(text.as_bytes()).unwrap();
        let cols = point_columns(&s).unwrap();
        let rows = s.next_chunk(10).unwrap();
        let e = points_of(&rows, cols, &s.header().clone(), Crs::Wgs84).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3, column \"lat\": \"north\" is not a number"
        );
        let far = "lon,lat\n104.06,30.67\n500000,3400000\n";
        let mut s = CsvStream::new(far.as_bytes()).unwrap();
        let rows = s.next_chunk(10).unwrap();
        let e = points_of(&rows, (0, 1), &s.header().clone(), Crs::Wgs84).unwrap_err();
        assert!(e.to_string().starts_with("line 3: "), "{e}");
        let e = CsvStream::new("name,y\nx,1\n".as_bytes())
            .and_then(|s| point_columns(&s))
            .unwrap_err();
        assert!(e.to_string().contains("no longitude column"), "{e}");
    }
}
