//! The SQL that makes an SQLite file a GeoPackage 1.3, written from the OGC GeoPackage
//! Encoding Standard 1.3 (OGC 12-128r17): the `application_id` and `user_version`
//! pragmas, the required tables `gpkg_spatial_ref_sys` (with its three required rows),
//! `gpkg_contents`, `gpkg_geometry_columns` and `gpkg_extensions`, a feature table, and the
//! R-tree spatial index extension (Annex F.3: its virtual table and its six triggers).
//! Pure: statement texts only.

use crate::export::schema::{FieldType, Table};

/// `PRAGMA application_id`: "GPKG" in ASCII.
pub const APPLICATION_ID: u32 = 0x4750_4B47;
/// `PRAGMA user_version` of GeoPackage 1.3.0.
pub const USER_VERSION: u32 = 10300;
/// The SRS of every exported geometry.
pub const SRS_ID: i32 = 4326;
/// The geometry column of every feature table.
pub const GEOMETRY_COLUMN: &str = "geom";

/// EPSG:4326 in OGC WKT (the form GeoPackage 1.3 requires in `definition`).
const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,\
298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,\
AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AUTHORITY[\"EPSG\",\"4326\"]]";

/// The statements creating the GeoPackage's own tables, in order.
pub fn core() -> Vec<String> {
    vec![
        format!("PRAGMA application_id = {APPLICATION_ID}"),
        format!("PRAGMA user_version = {USER_VERSION}"),
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, \
         srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, \
         organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)"
            .into(),
        format!(
            "INSERT INTO gpkg_spatial_ref_sys VALUES \
             ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84_WKT}', \
              'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'), \
             ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', \
              'undefined cartesian coordinate reference system'), \
             ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', \
              'undefined geographic coordinate reference system')"
        ),
        "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, \
         data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', \
         last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
         min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, \
         srs_id INTEGER, \
         CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))"
            .into(),
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, \
         column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, \
         srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, \
         CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), \
         CONSTRAINT uk_gc_table_name UNIQUE (table_name), \
         CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), \
         CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"
            .into(),
        "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, \
         extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, \
         CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
            .into(),
    ]
}

/// A double-quoted SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The GeoPackage data type of a field.
fn sql_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Integer => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Text | FieldType::Json => "TEXT",
        FieldType::Boolean => "BOOLEAN",
    }
}

/// The name of a table's R-tree.
pub fn rtree_name(table: &str) -> String {
    format!("rtree_{table}_{GEOMETRY_COLUMN}")
}

/// The statements creating a feature table, registering it (contents without an extent
/// yet, geometry column, R-tree extension) and creating its empty R-tree.
pub fn feature_table(table: &Table) -> Vec<String> {
    let mut columns = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(),
        format!("{GEOMETRY_COLUMN} {}", table.geometry.sql_name()),
    ];
    columns.extend(
        table
            .fields
            .iter()
            .map(|f| format!("{} {}", quote(f.name), sql_type(f.kind))),
    );
    let t = quote(&table.name);
    let literal = |s: &str| format!("'{}'", s.replace('\'', "''"));
    vec![
        format!("CREATE TABLE {t} ({})", columns.join(", ")),
        format!(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) \
             VALUES ({}, 'features', {}, {}, {SRS_ID})",
            literal(&table.name),
            literal(&table.name),
            literal(&table.description)
        ),
        format!(
            "INSERT INTO gpkg_geometry_columns VALUES ({}, '{GEOMETRY_COLUMN}', '{}', {SRS_ID}, 0, 0)",
            literal(&table.name),
            table.geometry.sql_name()
        ),
        format!(
            "INSERT INTO gpkg_extensions VALUES ({}, '{GEOMETRY_COLUMN}', 'gpkg_rtree_index', \
             'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            literal(&table.name)
        ),
        format!(
            "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
            quote(&rtree_name(&table.name))
        ),
    ]
}

/// `INSERT INTO table (fid, geom, fields…) VALUES (…), …` for `rows` rows.
pub fn insert_features(table: &Table, rows: usize) -> String {
    let mut names = vec!["fid".to_string(), GEOMETRY_COLUMN.to_string()];
    names.extend(table.fields.iter().map(|f| quote(f.name)));
    values_statement(&quote(&table.name), &names, rows)
}

/// `INSERT INTO rtree (id, minx, maxx, miny, maxy) VALUES (…), …` for `rows` rows.
pub fn insert_rtree(table: &str, rows: usize) -> String {
    let names = ["id", "minx", "maxx", "miny", "maxy"].map(String::from);
    values_statement(&quote(&rtree_name(table)), &names, rows)
}

/// Anonymous `?` parameters, bound in order: SQLite looks a named parameter (`$N`) up by a
/// linear search, which would make binding a 2,000-parameter statement quadratic.
fn values_statement(table: &str, names: &[String], rows: usize) -> String {
    let tuple = format!("({})", vec!["?"; names.len()].join(", "));
    let tuples = vec![tuple; rows];
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        tuples.join(", ")
    )
}

/// Sets a table's extent (min_x, min_y, max_x, max_y, null for an empty table) and last
/// change; the fifth parameter is the table name.
pub const SET_EXTENT: &str = "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, \
     max_y = ?, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?";

/// The six triggers keeping a table's R-tree in step with its geometries (Annex F.3 of
/// GeoPackage 1.3). They call `ST_IsEmpty`, `ST_MinX` … which GeoPackage readers
/// (GDAL, QGIS) provide; they are created after the rows and the R-tree are written, so
/// the export itself never fires them.
pub fn rtree_triggers(table: &str) -> Vec<String> {
    let t = quote(table);
    let c = GEOMETRY_COLUMN;
    let r = quote(&rtree_name(table));
    let name = |suffix: &str| quote(&format!("{}_{suffix}", rtree_name(table)));
    let insert_new = format!(
        "INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), \
         ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));"
    );
    vec![
        format!(
            "CREATE TRIGGER {} AFTER INSERT ON {t} \
             WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c})) \
             BEGIN {insert_new} END",
            name("insert")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t} \
             WHEN OLD.fid = NEW.fid AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) \
             BEGIN {insert_new} END",
            name("update1")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t} \
             WHEN OLD.fid = NEW.fid AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) \
             BEGIN DELETE FROM {r} WHERE id = OLD.fid; END",
            name("update2")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t} \
             WHEN OLD.fid != NEW.fid AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) \
             BEGIN DELETE FROM {r} WHERE id = OLD.fid; {insert_new} END",
            name("update3")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE ON {t} \
             WHEN OLD.fid != NEW.fid AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) \
             BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END",
            name("update4")
        ),
        format!(
            "CREATE TRIGGER {} AFTER DELETE ON {t} WHEN old.{c} NOT NULL \
             BEGIN DELETE FROM {r} WHERE id = OLD.fid; END",
            name("delete")
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::schema::{field, GeometryType};

    fn table() -> Table {
        Table {
            name: "cameras".into(),
            feature: "camera",
            description: "it's here".into(),
            geometry: GeometryType::Point,
            fields: vec![
                field("name", FieldType::Text),
                field("online", FieldType::Boolean),
            ],
        }
    }

    #[test]
    fn feature_tables_have_fid_geom_and_typed_columns() {
        let sql = feature_table(&table());
        assert_eq!(
            sql[0],
            "CREATE TABLE \"cameras\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \
             geom POINT, \"name\" TEXT, \"online\" BOOLEAN)"
        );
        assert!(sql[1].contains("'it''s here'"), "{}", sql[1]);
        assert!(sql[4].contains("\"rtree_cameras_geom\" USING rtree(id, minx, maxx, miny, maxy)"));
    }

    #[test]
    fn multi_row_inserts_bind_anonymous_parameters_in_order() {
        assert_eq!(
            insert_rtree("cameras", 2),
            "INSERT INTO \"rtree_cameras_geom\" (id, minx, maxx, miny, maxy) \
             VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)"
        );
        assert!(insert_features(&table(), 1).ends_with("VALUES (?, ?, ?, ?)"));
    }

    #[test]
    fn six_triggers_named_as_the_standard_names_them() {
        let names: Vec<String> = rtree_triggers("t")
            .iter()
            .filter_map(|s| s.split('"').nth(1).map(String::from))
            .collect();
        assert_eq!(
            names,
            ["insert", "update1", "update2", "update3", "update4", "delete"]
                .map(|s| format!("rtree_t_geom_{s}"))
        );
    }
}
