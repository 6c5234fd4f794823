//! A register CSV as a [`Table`]: comma-separated with a header line, in UTF-8 (a
//! byte-order mark is accepted) or GBK/GB18030, named by `--encoding` or detected (valid
//! UTF-8 is UTF-8, anything else GB18030). A line that does not decode is named.

use std::path::Path;

use super::columns;
use super::table::Table;
use crate::import::encoding::{self, TextEncoding};
use crate::import::ImportError;

/// Decodes `bytes` strictly; the error names the first line that does not decode.
fn decode(path: &Path, bytes: &[u8], encoding: TextEncoding) -> Result<String, ImportError> {
    if let Some(text) = encoding.decode(bytes) {
        return Ok(text);
    }
    // Line feeds are never part of a GBK or GB18030 character, so lines decode alone.
    let line = bytes
        .split(|b| *b == b'\n')
        .position(|l| encoding.decode(l).is_none())
        .map_or(1, |i| i + 1);
    Err(ImportError::record(
        path,
        format!("line {line}"),
        format!(
            "the text is not valid {}; name the file's encoding with --encoding ({})",
            encoding.describe(),
            encoding::KNOWN
        ),
    ))
}

/// Reads a register CSV; `given` is `--encoding`.
pub(super) fn read(
    path: &Path,
    bytes: &[u8],
    given: Option<&'static encoding_rs::Encoding>,
) -> Result<Table, ImportError> {
    let encoding = match given {
        Some(e) => TextEncoding {
            encoding: e,
            by: "--encoding",
        },
        None => encoding::detect([bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)]),
    };
    let text = decode(path, bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let written: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::format(path, "CSV", e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            ImportError::record(path, format!("line {line}"), e.to_string())
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        rows.push((
            format!("line {line}"),
            record.iter().map(|v| Ok(v.to_string())).collect(),
        ));
    }
    Ok(Table {
        path: path.into(),
        header_place: "line 1 (header)".into(),
        headers: written.iter().map(|h| columns::canonical(h)).collect(),
        written,
        rows,
    })
}
