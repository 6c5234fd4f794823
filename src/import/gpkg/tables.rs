//! The SQL side of a GeoPackage: opening it read-only, checking it is one, its feature
//! tables, the chosen table's geometry column and spatial reference system, and its rows
//! (every value typed as SQLite stored it). The only code that queries a GeoPackage.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{Connection, Row, TypeInfo, ValueRef};

use crate::crs::{wkt, Crs, CrsError};
use crate::import::ImportError;

/// `application_id` values of GeoPackage 1.2+ (`GPKG`) and 1.0/1.1 (`GP10`, `GP11`).
const APPLICATION_IDS: [u32; 3] = [0x4750_4B47, 0x4750_3130, 0x4750_3131];

/// One value of a row, as SQLite stored it.
enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob,
}

/// One row: its fid, the other columns' values (in [`Read::columns`] order) and the
/// geometry blob.
pub(super) struct RowData {
    pub fid: i64,
    pub values: Vec<serde_json::Value>,
    pub geometry: Option<Vec<u8>>,
}

/// What [`read`] found.
pub(super) struct Read {
    pub table: String,
    /// The table's srs_id (gpkg_geometry_columns).
    pub srs_id: i32,
    /// The CRS the spatial reference system declares; `None` for the undefined systems
    /// (srs_id 0 and -1).
    pub declared: Option<Result<Crs, CrsError>>,
    /// Names of the property columns (all but the geometry).
    pub columns: Vec<String>,
    pub rows: Vec<RowData>,
}

fn not_gpkg(path: &Path, reason: impl Into<String>) -> ImportError {
    ImportError::format(path, "GeoPackage", reason)
}

fn sql_err<'a>(path: &'a Path, what: &str) -> impl Fn(sqlx::Error) -> ImportError + 'a {
    let what = what.to_string();
    move |e| not_gpkg(path, format!("{what}: {e}"))
}

/// `"name"` for SQL, with inner quotes doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Opens `path` and reads the feature table `table` (required when there are several).
pub(super) async fn read(path: &Path, table: Option<&str>) -> Result<Read, ImportError> {
    let head = {
        use std::io::Read as _;
        let mut f = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
        let mut head = [0u8; 16];
        let n = f.read(&mut head).map_err(|e| ImportError::io(path, e))?;
        head[..n].to_vec()
    };
    if head.is_empty() {
        return Err(ImportError::Empty { path: path.into() });
    }
    if head != b"SQLite format 3\0" {
        return Err(not_gpkg(path, "it is not an SQLite database"));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(sql_err(path, "cannot open it"))?;
    let result = read_open(path, &mut conn, table).await;
    let _ = conn.close().await;
    result
}

async fn read_open(
    path: &Path,
    conn: &mut SqliteConnection,
    table: Option<&str>,
) -> Result<Read, ImportError> {
    let app: i64 = sqlx::query_scalar("PRAGMA application_id")
        .fetch_one(&mut *conn)
        .await
        .map_err(sql_err(path, "cannot read its application_id"))?;
    let app = app as u32;
    if app != 0 && !APPLICATION_IDS.contains(&app) {
        let text: String = app
            .to_be_bytes()
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        return Err(not_gpkg(
            path,
            format!("its application_id is 0x{app:08X} ({text:?}), not GPKG: it is another application's SQLite file"),
        ));
    }
    let has_contents: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_contents'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(sql_err(path, "cannot list its tables"))?;
    if has_contents == 0 {
        return Err(not_gpkg(
            path,
            "it has no gpkg_contents table: it is an SQLite database but not a GeoPackage",
        ));
    }
    let features: Vec<String> = sqlx::query_scalar(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(sql_err(path, "cannot read gpkg_contents"))?;
    let table = choose_table(path, &features, table)?;
    let geometry: Option<(String, i64)> = sqlx::query_as(
        "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?",
    )
    .bind(&table)
    .fetch_optional(&mut *conn)
    .await
    .map_err(sql_err(path, "cannot read gpkg_geometry_columns"))?;
    let Some((geometry_column, srs_id)) = geometry else {
        return Err(not_gpkg(
            path,
            format!("table {table:?} has no row in gpkg_geometry_columns"),
        ));
    };
    let srs_id = srs_id as i32;
    let declared = spatial_reference(path, conn, srs_id).await?;
    let info: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT name, pk FROM pragma_table_info({})",
        quote_literal(&table)
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(sql_err(path, "cannot read the table's columns"))?;
    if info.is_empty() {
        return Err(not_gpkg(
            path,
            format!("gpkg_contents lists table {table:?}, but the file has no such table"),
        ));
    }
    let pk = info.iter().find(|(_, pk)| *pk == 1).map(|(n, _)| n.clone());
    let columns: Vec<String> = info
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| !n.eq_ignore_ascii_case(&geometry_column))
        .collect();
    let fid_expr = pk.as_deref().map(quoted).unwrap_or_else(|| "rowid".into());
    let sql = format!(
        "SELECT {fid_expr} AS \"wangge fid\", {} FROM {} ORDER BY 1",
        std::iter::once(quoted(&geometry_column))
            .chain(columns.iter().map(|c| quoted(c)))
            .collect::<Vec<_>>()
            .join(", "),
        quoted(&table)
    );
    let rows = sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(sql_err(path, &format!("cannot read table {table:?}")))?;
    let rows = rows
        .iter()
        .map(|r| row(path, &table, r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Read {
        table,
        srs_id,
        declared,
        columns,
        rows,
    })
}

/// A text for SQL, quoted.
fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn choose_table(
    path: &Path,
    features: &[String],
    wanted: Option<&str>,
) -> Result<String, ImportError> {
    let list = || {
        features
            .iter()
            .map(|t| format!("{t:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (wanted, features) {
        (_, []) => Err(not_gpkg(
            path,
            "it holds no feature table (gpkg_contents lists none with data_type 'features')",
        )),
        (Some(w), _) => features
            .iter()
            .find(|t| t.eq_ignore_ascii_case(w))
            .cloned()
            .ok_or_else(|| {
                ImportError::Usage(format!(
                    "{}: there is no feature table {w:?}; its feature tables are {}",
                    path.display(),
                    list()
                ))
            }),
        (None, [only]) => Ok(only.clone()),
        (None, _) => Err(ImportError::Usage(format!(
            "{}: it holds {} feature tables ({}): choose one with --table",
            path.display(),
            features.len(),
            list()
        ))),
    }
}

/// The CRS that spatial reference system `srs_id` declares.
async fn spatial_reference(
    path: &Path,
    conn: &mut SqliteConnection,
    srs_id: i32,
) -> Result<Option<Result<Crs, CrsError>>, ImportError> {
    if srs_id == 0 || srs_id == -1 {
        return Ok(None);
    }
    let srs: Option<(String, String, i64, String)> = sqlx::query_as(
        "SELECT srs_name, organization, organization_coordsys_id, definition \
         FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
    )
    .bind(srs_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(sql_err(path, "cannot read gpkg_spatial_ref_sys"))?;
    let Some((name, organization, code, definition)) = srs else {
        return Err(not_gpkg(
            path,
            format!("srs_id {srs_id} is not in gpkg_spatial_ref_sys"),
        ));
    };
    if organization.eq_ignore_ascii_case("EPSG") {
        return Ok(Some(Crs::parse(&format!("EPSG:{code}")).map_err(|_| {
            CrsError::WktUnsupported {
                name,
                epsg: u32::try_from(code).ok(),
            }
        })));
    }
    if definition.trim().eq_ignore_ascii_case("undefined") {
        return Ok(None);
    }
    Ok(Some(wkt::identify(&definition)))
}

/// One row's fid, geometry and values.
fn row(path: &Path, table: &str, r: &SqliteRow) -> Result<RowData, ImportError> {
    let fid: i64 = r.try_get(0).map_err(|e| {
        ImportError::record(
            path,
            format!("table {table:?}"),
            format!("a row without an integer fid: {e}"),
        )
    })?;
    let bad = |e: sqlx::Error| {
        ImportError::record(
            PathBuf::from(path),
            format!("table {table:?}, fid {fid}"),
            e.to_string(),
        )
    };
    let geometry = match cell(r, 1).map_err(bad)? {
        (_, Some(bytes)) => Some(bytes),
        (Cell::Null, None) => None,
        (_, None) => {
            return Err(ImportError::record(
                path,
                format!("table {table:?}, fid {fid}"),
                "the geometry column holds a value that is not a blob",
            ))
        }
    };
    let mut values = Vec::with_capacity(r.columns().len().saturating_sub(2));
    for i in 2..r.columns().len() {
        values.push(json(cell(r, i).map_err(bad)?.0));
    }
    Ok(RowData {
        fid,
        values,
        geometry,
    })
}

/// The value of column `i` as SQLite stored it, and its bytes when it is a blob.
fn cell(r: &SqliteRow, i: usize) -> Result<(Cell, Option<Vec<u8>>), sqlx::Error> {
    let raw = r.try_get_raw(i)?;
    if raw.is_null() {
        return Ok((Cell::Null, None));
    }
    let kind = raw.type_info().name().to_string();
    Ok(match kind.as_str() {
        "INTEGER" => (Cell::Integer(r.try_get_unchecked(i)?), None),
        "REAL" => (Cell::Real(r.try_get_unchecked(i)?), None),
        "BLOB" => (Cell::Blob, Some(r.try_get_unchecked(i)?)),
        _ => (Cell::Text(r.try_get_unchecked(i)?), None),
    })
}

/// A column's value as JSON (blobs other than the geometry are left out as null).
fn json(value: Cell) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Cell::Null | Cell::Blob => Value::Null,
        Cell::Integer(i) => Value::from(i),
        Cell::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        Cell::Text(t) => Value::String(t),
    }
}
