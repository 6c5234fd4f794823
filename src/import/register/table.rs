//! A register as a table of text cells, whatever file it came from (CSV, XLSX): the
//! header mapped to canonical column names, each row with its place (`line 8`,
//! `sheet "户籍", row 12`), and typed access whose errors name the place and the column as
//! the file writes it.

use std::collections::HashSet;
use std::path::PathBuf;
use std::str::FromStr;

use super::{columns, BuildingIndex};
use crate::import::ImportError;

/// One cell: its text, or why it has none usable (an XLSX date, a number too long for
/// Excel to keep).
pub(super) type Cell = Result<String, String>;

pub(super) struct Table {
    pub path: PathBuf,
    /// Where the header is: `line 1 (header)`, `sheet "户籍", row 1 (header)`.
    pub header_place: String,
    /// Canonical column names.
    pub headers: Vec<String>,
    /// The headers as the file writes them.
    pub written: Vec<String>,
    /// Each row's place (`line 3`, `sheet "户籍", row 12`) and cells.
    pub rows: Vec<(String, Vec<Cell>)>,
}

impl Table {
    /// Checks the header has every column of `required` and a building column.
    pub fn check_header(&self, required: &[&str]) -> Result<(), ImportError> {
        for column in required {
            if !self.headers.iter().any(|h| h == column) {
                let chinese = columns::chinese(column);
                let also = if chinese.is_empty() {
                    String::new()
                } else {
                    format!(" (or {})", chinese.join(", "))
                };
                return Err(ImportError::record(
                    &self.path,
                    &self.header_place,
                    format!(
                        "missing column {column:?}{also}; the header has {}",
                        self.written.join(", ")
                    ),
                ));
            }
        }
        if !self
            .headers
            .iter()
            .any(|h| h == "building" || h == "building_id")
        {
            return Err(ImportError::record(
                &self.path,
                &self.header_place,
                "missing column \"building\" (or \"building_id\", 楼栋)",
            ));
        }
        Ok(())
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(place, cells)| Row {
            table: self,
            place,
            cells,
        })
    }
}

/// One row with typed access; errors name the row and the column.
pub(super) struct Row<'a> {
    table: &'a Table,
    place: &'a str,
    cells: &'a [Cell],
}

impl Row<'_> {
    fn index(&self, column: &str) -> Option<usize> {
        self.table.headers.iter().position(|h| h == column)
    }

    /// `column "residents"`, or `column "人数" (residents)` when the file names it so.
    fn label(&self, column: &str) -> String {
        match self.index(column).map(|i| &self.table.written[i]) {
            Some(w) if w.trim() != column => format!("column {:?} ({column})", w.trim()),
            _ => format!("column {column:?}"),
        }
    }

    pub fn err(&self, column: &str, reason: impl Into<String>) -> ImportError {
        ImportError::record(
            &self.table.path,
            format!("{}, {}", self.place, self.label(column)),
            reason,
        )
    }

    /// The cell's text, `None` when the column is absent or the cell empty.
    pub fn get(&self, column: &str) -> Result<Option<&str>, ImportError> {
        let Some(i) = self.index(column) else {
            return Ok(None);
        };
        match self.cells.get(i) {
            None => Ok(None),
            Some(Ok(v)) if v.is_empty() => Ok(None),
            Some(Ok(v)) => Ok(Some(v.as_str())),
            Some(Err(reason)) => Err(self.err(column, reason.clone())),
        }
    }

    pub fn text(&self, column: &str) -> Result<Option<String>, ImportError> {
        Ok(self.get(column)?.map(str::to_string))
    }

    pub fn required(&self, column: &str) -> Result<String, ImportError> {
        self.text(column)?
            .ok_or_else(|| self.err(column, "is empty"))
    }

    pub fn integer(&self, column: &str) -> Result<Option<i32>, ImportError> {
        match self.get(column)? {
            None => Ok(None),
            Some(v) => v
                .parse::<i32>()
                .map(Some)
                .map_err(|_| self.err(column, format!("{v:?} is not a whole number"))),
        }
    }

    pub fn count(&self, column: &str) -> Result<Option<i32>, ImportError> {
        match self.integer(column)? {
            Some(n) if n < 0 => Err(self.err(column, format!("{n} is below zero"))),
            other => Ok(other),
        }
    }

    pub fn choice<T: FromStr>(
        &self,
        column: &str,
        aliases: &[(&str, &str)],
        allowed: &str,
    ) -> Result<T, ImportError> {
        let raw = self.required(column)?;
        let canonical = aliases
            .iter()
            .find(|(alias, _)| *alias == raw)
            .map(|(_, c)| *c)
            .unwrap_or(&raw);
        T::from_str(canonical)
            .map_err(|_| self.err(column, format!("{raw:?} is not one of {allowed}")))
    }

    /// The building reference as `@id`, checked against the stored buildings.
    pub fn building(
        &self,
        index: &BuildingIndex,
        known_ids: &HashSet<i64>,
    ) -> Result<String, ImportError> {
        if let Some(id) = self.get("building_id")? {
            let id: i64 = id
                .parse()
                .map_err(|_| self.err("building_id", format!("{id:?} is not a building id")))?;
            if !known_ids.contains(&id) {
                return Err(self.err("building_id", format!("no building has id {id}")));
            }
            return Ok(format!("@{id}"));
        }
        let source_id = self.required("building")?;
        match index.get(&source_id).map(Vec::as_slice) {
            Some([id]) => Ok(format!("@{id}")),
            Some(ids) if ids.len() > 1 => Err(self.err(
                "building",
                format!(
                    "{source_id:?} names {} buildings from different sources; use building_id",
                    ids.len()
                ),
            )),
            _ => Err(self.err(
                "building",
                format!("no building has source id {source_id:?}"),
            )),
        }
    }
}
