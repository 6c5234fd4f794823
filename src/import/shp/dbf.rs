//! The attribute table (.dbf) of a Shapefile as property maps: its text encoding chosen
//! (`--encoding`, else the `.cpg` file, else the DBF header's language driver, else
//! detected), every text field checked to decode in it (an error names the record and the
//! field), deleted records marked, and values converted as GeoJSON would hold them
//! (numbers without decimals as integers, blank fields as null). Parsing is the `dbase`
//! crate's.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use dbase::{FieldType, FieldValue};
use serde_json::{Map, Number, Value};

use crate::import::encoding::{self, TextEncoding};
use crate::import::ImportError;

/// Language driver ids of the DBF header (byte 29) that name a Chinese code page.
const LDID_GBK: [u8; 2] = [0x4D, 0x7A];

/// An opened .dbf file.
pub(super) struct Dbf {
    pub path: PathBuf,
    pub reader: dbase::Reader<Cursor<Vec<u8>>>,
    /// Per record (in file order): marked deleted.
    pub deleted: Vec<bool>,
    pub encoding: TextEncoding,
}

/// Where a field's bytes lie in a record, for the encoding check.
struct FieldSpan {
    name: String,
    start: usize,
    len: usize,
    text: bool,
}

impl Dbf {
    /// Opens `path`; `given` is `--encoding`, `cpg` the `.cpg` file beside it, if any.
    pub fn open(
        path: &Path,
        given: Option<&'static encoding_rs::Encoding>,
        cpg: Option<&Path>,
    ) -> Result<Dbf, ImportError> {
        let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
        let header_err = |reason: String| ImportError::format(path, "DBF", reason);
        if bytes.len() < 32 {
            return Err(header_err(format!(
                "{} bytes is shorter than a DBF header",
                bytes.len()
            )));
        }
        let records = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let first = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        let size = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
        let needed = first.saturating_add(records.saturating_mul(size));
        if size == 0 || bytes.len() < needed {
            return Err(header_err(format!(
                "the header announces {records} records of {size} bytes after {first} header \
                 bytes ({needed} bytes), but the file has {}: it is truncated",
                bytes.len()
            )));
        }
        let ldid = bytes[29];
        let encoding = match (given, cpg) {
            (Some(e), _) => TextEncoding {
                encoding: e,
                by: "--encoding",
            },
            (None, Some(cpg)) => {
                let label = std::fs::read(cpg).map_err(|e| ImportError::io(cpg, e))?;
                let label = String::from_utf8_lossy(&label).trim().to_string();
                let encoding = encoding::named(&label).ok_or_else(|| {
                    ImportError::format(
                        cpg,
                        "code page (.cpg)",
                        format!(
                            "it names the encoding {label:?}, which wangge does not know; \
                             name the attribute table's encoding with --encoding ({})",
                            encoding::KNOWN
                        ),
                    )
                })?;
                TextEncoding {
                    encoding,
                    by: "the .cpg file",
                }
            }
            (None, None) if LDID_GBK.contains(&ldid) => TextEncoding {
                encoding: encoding_rs::GBK,
                by: "the .dbf header's language driver",
            },
            (None, None) => TextEncoding {
                encoding: encoding_rs::UTF_8,
                by: "detected",
            },
        };
        let build = |encoding: TextEncoding, bytes: Vec<u8>| {
            dbase::ReaderBuilder::new()
                .with_encoding(dbase::encoding::EncodingRs::from(encoding.encoding))
                .build(Cursor::new(bytes))
                .map_err(|e| header_err(e.kind().to_string()))
        };
        // The header alone, for the fields' places in a record.
        let header = build(encoding, bytes[..first].to_vec())?;
        let mut start = 1;
        let spans: Vec<FieldSpan> = header
            .fields()
            .iter()
            .map(|f| {
                let span = FieldSpan {
                    name: f.name().to_string(),
                    start,
                    len: f.length() as usize,
                    text: f.field_type() == FieldType::Character,
                };
                start += span.len;
                span
            })
            .collect();
        if start > size {
            return Err(header_err(format!(
                "its fields take {start} bytes but a record has {size}"
            )));
        }
        let record = |i: usize| &bytes[first + i * size..first + (i + 1) * size];
        let deleted: Vec<bool> = (0..records).map(|i| record(i)[0] == b'*').collect();
        let texts = |i: usize| {
            spans
                .iter()
                .filter(|s| s.text)
                .map(move |s| (s, trim(&record(i)[s.start..s.start + s.len])))
        };
        let encoding = if encoding.by == "detected" {
            encoding::detect((0..records).flat_map(|i| texts(i).map(|(_, t)| t)))
        } else {
            encoding
        };
        for i in (0..records).filter(|&i| !deleted[i]) {
            for (span, text) in texts(i) {
                if encoding.decode(text).is_none() {
                    return Err(ImportError::record(
                        path,
                        format!("record {}, field {:?}", i + 1, span.name),
                        format!(
                            "the text is not valid {}; name the file's encoding with --encoding \
                             ({})",
                            encoding.describe(),
                            encoding::KNOWN
                        ),
                    ));
                }
            }
        }
        let reader = build(encoding, bytes)?;
        Ok(Dbf {
            path: path.into(),
            reader,
            deleted,
            encoding,
        })
    }
}

/// A text field without the spaces and NULs that pad it.
fn trim(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | 0))
        .map_or(0, |p| p + 1);
    let start = bytes[..end].iter().position(|b| *b != b' ').unwrap_or(end);
    &bytes[start..end]
}

/// A number as JSON: an integer when it has no fraction (and fits exactly), else a float;
/// null for NaN.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// A DBF value as JSON.
fn value(v: FieldValue) -> Value {
    match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Value::String(s),
        FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n) => number(n),
        FieldValue::Float(Some(f)) => number(f64::from(f)),
        FieldValue::Integer(i) => Value::Number(i.into()),
        FieldValue::Logical(Some(b)) => Value::Bool(b),
        FieldValue::Date(Some(d)) => {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        FieldValue::DateTime(t) => {
            let (d, time) = (t.date(), t.time());
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                time.hours(),
                time.minutes(),
                time.seconds()
            ))
        }
        FieldValue::Character(None)
        | FieldValue::Numeric(None)
        | FieldValue::Float(None)
        | FieldValue::Logical(None)
        | FieldValue::Date(None) => Value::Null,
    }
}

/// A record's fields as a property map.
pub(super) fn properties(record: dbase::Record) -> Map<String, Value> {
    record.into_iter().map(|(k, v)| (k, value(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_kind() {
        assert_eq!(number(4450117995.0), Value::from(4450117995_i64));
        assert_eq!(number(-6651434.0), Value::from(-6651434_i64));
        assert_eq!(number(12.5), Value::from(12.5));
        assert_eq!(number(f64::NAN), Value::Null);
        assert_eq!(trim(b"  ab \0\0"), b"ab");
        assert_eq!(trim(b"    "), b"");
    }
}
