//! CSV import of the household and people registers (columns documented in the README).
//!
//! A row names its building by `building` (the building's source id, e.g. `w123456` for
//! OSM) or by `building_id` (wangge's id). Every error names the line and the column.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;

use super::ImportError;
use crate::model::*;

/// Columns of a households CSV: required, then optional.
pub const HOUSEHOLD_COLUMNS: (&[&str], &[&str]) = (
    &["room", "status", "residents"],
    &["building", "building_id", "unit", "floor", "floating"],
);
/// Columns of a people CSV: required, then optional.
pub const PEOPLE_COLUMNS: (&[&str], &[&str]) = (
    &["room", "name", "id_number", "residence_type"],
    &[
        "building",
        "building_id",
        "phone",
        "sex",
        "birth_year",
        "relation",
        "care_tags",
    ],
);

/// Building source id → database ids, as [`Store::building_ids_by_source_id`](crate::store::Store::building_ids_by_source_id) returns.
pub type BuildingIndex = HashMap<String, Vec<i64>>;

struct Table {
    path: std::path::PathBuf,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

fn read_table(path: &Path, required: &[&str]) -> Result<Table, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { path: path.into() });
    }
    // Excel writes UTF-8 CSV with a byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::format(path, "CSV", e.to_string()))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    for column in required {
        if !headers.iter().any(|h| h == column) {
            return Err(ImportError::record(
                path,
                "line 1 (header)",
                format!(
                    "missing column {column:?}; the header has {}",
                    headers.join(", ")
                ),
            ));
        }
    }
    if !headers
        .iter()
        .any(|h| h == "building" || h == "building_id")
    {
        return Err(ImportError::record(
            path,
            "line 1 (header)",
            "missing column \"building\" (or \"building_id\")",
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            ImportError::record(path, format!("line {line}"), e.to_string())
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        rows.push((line, record));
    }
    Ok(Table {
        path: path.into(),
        headers,
        rows,
    })
}

/// One row with typed access; errors name the line and column.
struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn err(&self, column: &str, reason: impl Into<String>) -> ImportError {
        ImportError::record(
            &self.table.path,
            format!("line {}, column {column:?}", self.line),
            reason,
        )
    }

    fn get(&self, column: &str) -> Option<&str> {
        let i = self.table.headers.iter().position(|h| h == column)?;
        self.record.get(i).filter(|v| !v.is_empty())
    }

    fn required(&self, column: &str) -> Result<String, ImportError> {
        self.get(column)
            .map(str::to_string)
            .ok_or_else(|| self.err(column, "is empty"))
    }

    fn integer(&self, column: &str) -> Result<Option<i32>, ImportError> {
        match self.get(column) {
            None => Ok(None),
            Some(v) => v
                .parse::<i32>()
                .map(Some)
                .map_err(|_| self.err(column, format!("{v:?} is not a whole number"))),
        }
    }

    fn count(&self, column: &str) -> Result<Option<i32>, ImportError> {
        match self.integer(column)? {
            Some(n) if n < 0 => Err(self.err(column, format!("{n} is below zero"))),
            other => Ok(other),
        }
    }

    fn choice<T: FromStr>(
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
    fn building(
        &self,
        index: &BuildingIndex,
        known_ids: &HashSet<i64>,
    ) -> Result<String, ImportError> {
        if let Some(id) = self.get("building_id") {
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

fn rows(table: &Table) -> impl Iterator<Item = Row<'_>> {
    table.rows.iter().map(move |(line, record)| Row {
        table,
        line: *line,
        record,
    })
}

fn known_ids(index: &BuildingIndex) -> HashSet<i64> {
    index.values().flatten().copied().collect()
}

/// Reads a households CSV into a dataset of household records.
pub fn read_households(path: &Path, index: &BuildingIndex) -> Result<Dataset, ImportError> {
    let table = read_table(path, HOUSEHOLD_COLUMNS.0)?;
    let ids = known_ids(index);
    let mut ds = Dataset::new("register");
    let mut seen = HashSet::new();
    for row in rows(&table) {
        let building = row.building(index, &ids)?;
        let room = row.required("room")?;
        if !seen.insert((building.clone(), room.clone())) {
            return Err(row.err(
                "room",
                format!("room {room:?} of this building appears twice in the file"),
            ));
        }
        let residents = row
            .count("residents")?
            .ok_or_else(|| row.err("residents", "is empty"))?;
        let floating = row.count("floating")?.unwrap_or(0);
        if floating > residents {
            return Err(row.err(
                "floating",
                format!("{floating} floating residents but only {residents} residents"),
            ));
        }
        let status = row.choice(
            "status",
            &[
                ("自住", "owner_occupied"),
                ("出租", "rented"),
                ("空置", "vacant"),
            ],
            "owner_occupied, rented, vacant (自住, 出租, 空置)",
        )?;
        ds.households.push(HouseholdRecord {
            building,
            unit: row.integer("unit")?,
            floor: row.integer("floor")?,
            room,
            status,
            residents,
            floating,
        });
    }
    Ok(ds)
}

/// Reads a people CSV into a dataset of person records.
pub fn read_people(path: &Path, index: &BuildingIndex) -> Result<Dataset, ImportError> {
    let table = read_table(path, PEOPLE_COLUMNS.0)?;
    let ids = known_ids(index);
    let mut ds = Dataset::new("register");
    let mut seen = HashSet::new();
    for row in rows(&table) {
        let id_number = row.required("id_number")?;
        if !seen.insert(id_number.clone()) {
            return Err(row.err("id_number", "this ID number appears twice in the file"));
        }
        let sex = match row.get("sex") {
            None => None,
            Some("M" | "m" | "男") => Some("M".to_string()),
            Some("F" | "f" | "女") => Some("F".to_string()),
            Some(other) => return Err(row.err("sex", format!("{other:?} is not M, F, 男 or 女"))),
        };
        ds.people.push(PersonRecord {
            building: row.building(index, &ids)?,
            room: row.required("room")?,
            name: row.required("name")?,
            phone: row.get("phone").map(str::to_string),
            sex,
            birth_year: row.integer("birth_year")?,
            relation: row.get("relation").map(str::to_string),
            residence_type: row.choice(
                "residence_type",
                &[("户籍", "registered"), ("流动", "floating")],
                "registered, floating (户籍, 流动)",
            )?,
            care_tags: row
                .get("care_tags")
                .map(|t| {
                    t.split([';', '；', '、'])
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            id_number,
        });
    }
    Ok(ds)
}
