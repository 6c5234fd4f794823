//! Import of the household and people registers (columns documented in the README) from
//! CSV (UTF-8 or GBK/GB18030, [`csv`]) or an Excel workbook (.xlsx, [`xlsx`]), with
//! English or the usual Chinese headers ([`columns`]).
//!
//! A row names its building by `building` (the building's source id, e.g. `w123456` for
//! OSM) or by `building_id` (wangge's id). Every error names the row (`line 8`,
//! `sheet "户籍", row 12`) and the column.

mod columns;
mod csv;
mod table;
mod xlsx;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::ImportError;
use crate::model::*;
use table::Table;

/// Columns of a households register: required, then optional.
pub const HOUSEHOLD_COLUMNS: (&[&str], &[&str]) = (
    &["room", "status", "residents"],
    &["building", "building_id", "unit", "floor", "floating"],
);
/// Columns of a people register: required, then optional.
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

/// How to read a register file.
#[derive(Debug, Clone, Default)]
pub struct RegisterOptions {
    /// Encoding of a CSV (`None`: UTF-8 if it is valid UTF-8, else GB18030).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The sheet of a workbook (`None`: the first).
    pub sheet: Option<String>,
}

/// Whether `path` is an Excel workbook: its name ends in .xlsx/.xlsm or it is a ZIP file.
fn is_workbook(path: &Path, bytes: &[u8]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
        || bytes.starts_with(b"PK\x03\x04")
}

fn read_table(
    path: &Path,
    required: &[&str],
    options: &RegisterOptions,
) -> Result<Table, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { path: path.into() });
    }
    let table = if is_workbook(path, &bytes) {
        if options.encoding.is_some() {
            return Err(ImportError::Usage(format!(
                "{}: --encoding is for CSV files; a workbook's text is always Unicode",
                path.display()
            )));
        }
        xlsx::read(path, options.sheet.as_deref())?
    } else {
        if options.sheet.is_some() {
            return Err(ImportError::Usage(format!(
                "{}: --sheet is for .xlsx workbooks; this is a CSV file",
                path.display()
            )));
        }
        csv::read(path, &bytes, options.encoding)?
    };
    table.check_header(required)?;
    Ok(table)
}

fn known_ids(index: &BuildingIndex) -> HashSet<i64> {
    index.values().flatten().copied().collect()
}

/// Reads a households CSV (UTF-8 or GBK, detected) into a dataset of household records.
pub fn read_households(path: &Path, index: &BuildingIndex) -> Result<Dataset, ImportError> {
    read_households_with(path, index, &RegisterOptions::default())
}

/// Reads a households CSV or workbook into a dataset of household records.
pub fn read_households_with(
    path: &Path,
    index: &BuildingIndex,
    options: &RegisterOptions,
) -> Result<Dataset, ImportError> {
    let table = read_table(path, HOUSEHOLD_COLUMNS.0, options)?;
    let ids = known_ids(index);
    let mut ds = Dataset::new("register");
    let mut seen = HashSet::new();
    for row in table.rows() {
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

/// Reads a people CSV (UTF-8 or GBK, detected) into a dataset of person records.
pub fn read_people(path: &Path, index: &BuildingIndex) -> Result<Dataset, ImportError> {
    read_people_with(path, index, &RegisterOptions::default())
}

/// Reads a people CSV or workbook into a dataset of person records.
pub fn read_people_with(
    path: &Path,
    index: &BuildingIndex,
    options: &RegisterOptions,
) -> Result<Dataset, ImportError> {
    let table = read_table(path, PEOPLE_COLUMNS.0, options)?;
    let ids = known_ids(index);
    let mut ds = Dataset::new("register");
    let mut seen = HashSet::new();
    for row in table.rows() {
        let id_number = row.required("id_number")?;
        if !seen.insert(id_number.clone()) {
            return Err(row.err("id_number", "this ID number appears twice in the file"));
        }
        let sex = match row.get("sex")? {
            None => None,
            Some("M" | "m" | "男") => Some("M".to_string()),
            Some("F" | "f" | "女") => Some("F".to_string()),
            Some(other) => return Err(row.err("sex", format!("{other:?} is not M, F, 男 or 女"))),
        };
        ds.people.push(PersonRecord {
            building: row.building(index, &ids)?,
            room: row.required("room")?,
            name: row.required("name")?,
            phone: row.text("phone")?,
            sex,
            birth_year: row.integer("birth_year")?,
            relation: row.text("relation")?,
            residence_type: row.choice(
                "residence_type",
                &[("户籍", "registered"), ("流动", "floating")],
                "registered, floating (户籍, 流动)",
            )?,
            care_tags: row
                .get("care_tags")?
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
