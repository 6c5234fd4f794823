//! A register workbook (.xlsx) as a [`Table`]: the first sheet, or the one `--sheet`
//! names; the first row of its used range is the header. Cells become text as the
//! register expects it: numbers that Excel stores as floats without a fraction as whole
//! numbers (room 501.0 → `501`, an ID number typed as a number → its digits), up to the
//! 15 significant digits Excel keeps — a longer number has lost digits in the file and is
//! refused, as are dates. Rows are numbered as Excel numbers them.

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};

use super::columns;
use super::table::{Cell, Table};
use crate::import::ImportError;

/// The largest whole number Excel stores exactly (15 significant digits).
const EXCEL_DIGITS_LIMIT: f64 = 1e15;

/// A cell as register text.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.trim().to_string()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < EXCEL_DIGITS_LIMIT => {
            Ok(format!("{}", *f as i64))
        }
        Data::Float(f) if f.fract() == 0.0 => Err(format!(
            "{f:e} is stored as a number of 16 or more digits, and Excel keeps only 15: the \
             last digits are lost in the file; format the column as text and enter it again"
        )),
        Data::Float(f) => Ok(f.to_string()),
        Data::Bool(b) => Ok(b.to_string()),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            Err("holds a date or time; expected text or a number".into())
        }
        Data::Error(e) => Err(format!("holds the Excel error {e}")),
    }
}

/// Reads sheet `sheet` (default: the first) of the workbook at `path`.
pub(super) fn read(path: &Path, sheet: Option<&str>) -> Result<Table, ImportError> {
    let mut book: Xlsx<_> = open_workbook(path)
        .map_err(|e: calamine::XlsxError| ImportError::format(path, "XLSX", e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                ImportError::Usage(format!(
                    "{}: there is no sheet {s:?}; its sheets are {}",
                    path.display(),
                    names
                        .iter()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| ImportError::format(path, "XLSX", "the workbook has no sheet"))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| ImportError::format(path, "XLSX", format!("sheet {name:?}: {e}")))?;
    let Some((first_row, _)) = range.start() else {
        return Err(ImportError::Empty { path: path.into() });
    };
    let mut rows = range.rows();
    let header_row = first_row + 1;
    let written: Vec<String> = rows
        .next()
        .map(|r| {
            r.iter()
                .map(|c| cell(c).unwrap_or_default())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut table_rows = Vec::new();
    for (i, r) in rows.enumerate() {
        if r.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let row_number = u64::from(header_row) + 1 + i as u64;
        table_rows.push((
            format!("sheet {name:?}, row {row_number}"),
            r.iter().map(cell).collect(),
        ));
    }
    Ok(Table {
        path: path.into(),
        header_place: format!("sheet {name:?}, row {header_row} (header)"),
        headers: written.iter().map(|h| columns::canonical(h)).collect(),
        written,
        rows: table_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_the_text_typed() {
        assert_eq!(cell(&Data::Float(501.0)), Ok("501".into()));
        assert_eq!(
            cell(&Data::Float(110101199001011.0)),
            Ok("110101199001011".into())
        );
        assert_eq!(cell(&Data::Float(13800138000.0)), Ok("13800138000".into()));
        assert_eq!(cell(&Data::Float(2.5)), Ok("2.5".into()));
        assert_eq!(cell(&Data::Int(7)), Ok("7".into()));
        assert_eq!(
            cell(&Data::String(" 3-2-501 ".into())),
            Ok("3-2-501".into())
        );
        let err = cell(&Data::Float(110101199001011234.0)).unwrap_err();
        assert!(err.contains("15"), "{err}");
    }
}
