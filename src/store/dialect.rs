//! The few SQL fragments that differ between PostGIS and SQLite, and the statement
//! builders that use them so that every other statement is written once.

use super::value::Val;
use super::Backend;

/// SQL spelling of one backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

impl Dialect {
    /// The dialect of a backend.
    pub fn of(backend: Backend) -> Dialect {
        match backend {
            Backend::Postgres => Dialect::Postgres,
            Backend::Sqlite => Dialect::Sqlite,
        }
    }

    /// Value list for a geometry bound as WKB at parameter `n` followed by its envelope at
    /// `n+1..=n+4`, matching the columns `geom, minx, miny, maxx, maxy`.
    pub fn geom_in(self, n: usize) -> String {
        let wkb = match self {
            Dialect::Postgres => format!("ST_GeomFromWKB(${n}, 4326)"),
            Dialect::Sqlite => format!("${n}"),
        };
        format!("{wkb}, ${}, ${}, ${}, ${}", n + 1, n + 2, n + 3, n + 4)
    }

    /// Assignment list setting `geom` from WKB at parameter `n` and its envelope at `n+1..=n+4`.
    pub fn geom_set(self, n: usize) -> String {
        let wkb = match self {
            Dialect::Postgres => format!("ST_GeomFromWKB(${n}, 4326)"),
            Dialect::Sqlite => format!("${n}"),
        };
        format!(
            "geom = {wkb}, minx = ${}, miny = ${}, maxx = ${}, maxy = ${}",
            n + 1,
            n + 2,
            n + 3,
            n + 4
        )
    }

    /// Select expression returning the WKB of geometry column `col`.
    pub fn geom_out(self, col: &str) -> String {
        match self {
            Dialect::Postgres => format!("ST_AsBinary({col})"),
            Dialect::Sqlite => col.to_string(),
        }
    }
}

/// Builds `INSERT INTO table (cols) VALUES (…) ON CONFLICT (key) DO UPDATE SET … RETURNING id`.
/// A column whose value is [`Val::Geom`] expands to `geom, minx, miny, maxx, maxy`.
/// With an empty `key` it is a plain insert.
pub(crate) fn upsert(
    d: Dialect,
    table: &str,
    cols: &[(&str, Val)],
    key: &[&str],
    returning: bool,
) -> String {
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut n = 1;
    for (name, v) in cols {
        if let Val::Geom(_) = v {
            names.push(format!("{name}, minx, miny, maxx, maxy"));
            values.push(d.geom_in(n));
        } else {
            names.push((*name).to_string());
            values.push(format!("${n}"));
        }
        n += v.arity();
    }
    let mut sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        values.join(", ")
    );
    if !key.is_empty() {
        let mut updates = Vec::new();
        for (name, v) in cols {
            if key.contains(name) {
                continue;
            }
            updates.push(format!("{name} = excluded.{name}"));
            if let Val::Geom(_) = v {
                for b in ["minx", "miny", "maxx", "maxy"] {
                    updates.push(format!("{b} = excluded.{b}"));
                }
            }
        }
        if updates.is_empty() {
            sql.push_str(&format!(" ON CONFLICT ({}) DO NOTHING", key.join(", ")));
        } else {
            sql.push_str(&format!(
                " ON CONFLICT ({}) DO UPDATE SET {}",
                key.join(", "),
                updates.join(", ")
            ));
        }
    }
    if returning {
        sql.push_str(" RETURNING id");
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_expands_geometry_and_skips_key_columns() {
        let g = geo::Geometry::Point(geo::Point::new(1.0, 2.0));
        let cols = [
            ("source", Val::text("osm")),
            ("source_id", Val::text("n1")),
            ("geom", Val::Geom(g)),
            ("name", Val::text("x")),
        ];
        let sql = upsert(
            Dialect::Postgres,
            "cameras",
            &cols,
            &["source", "source_id"],
            true,
        );
        assert_eq!(
            sql,
            "INSERT INTO cameras (source, source_id, geom, minx, miny, maxx, maxy, name) \
             VALUES ($1, $2, ST_GeomFromWKB($3, 4326), $4, $5, $6, $7, $8) \
             ON CONFLICT (source, source_id) DO UPDATE SET geom = excluded.geom, \
             minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, \
             maxy = excluded.maxy, name = excluded.name RETURNING id"
        );
        let lite = upsert(Dialect::Sqlite, "cameras", &cols, &[], false);
        assert!(
            lite.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            "{lite}"
        );
    }
}
