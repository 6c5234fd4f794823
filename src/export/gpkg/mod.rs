//! The GeoPackage writer: a new SQLite file (through sqlx's SQLite, the one the store
//! already links) made a GeoPackage 1.3 by [`ddl`], one feature table per exported table
//! with `fid` = the stored id, typed attribute columns and a `geom` column of
//! GeoPackage binary geometries ([`binary`]), the extent of each table in
//! `gpkg_contents`, and the R-tree spatial index filled as the rows are written. The whole
//! file is written in one transaction with multi-row prepared inserts (sqlx caches each
//! statement text once per connection). Writes only the file it is given; the caller
//! ([`output`](super::output)) decides where that is.

pub mod binary;
pub mod ddl;

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use super::schema::{Feature, Table, Value};
use super::{ExportError, FeatureWriter};

/// Features per insert statement (at most 2 + 19 parameters each: far below SQLite's
/// limit of 32,766 per statement).
const BATCH: usize = 100;

/// A GeoPackage being written.
pub struct GpkgWriter {
    conn: SqliteConnection,
    /// The output, for messages.
    path: PathBuf,
    /// The open table: its extent so far and its full-batch insert statements.
    open: Option<OpenTable>,
}

struct OpenTable {
    extent: Option<[f64; 4]>,
    insert_batch: String,
    rtree_batch: String,
}

impl GpkgWriter {
    /// Creates the GeoPackage at `file` (which must not exist yet) and starts its
    /// transaction; messages name it `shown` (the output it will become).
    pub async fn create(file: &Path, shown: &Path) -> Result<GpkgWriter, ExportError> {
        let path = shown;
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Delete)
            .synchronous(SqliteSynchronous::Off);
        let conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(|source| ExportError::GeoPackage {
                path: path.into(),
                context: "creating the file".into(),
                source,
            })?;
        let mut w = GpkgWriter {
            conn,
            path: path.into(),
            open: None,
        };
        w.execute("BEGIN", "starting the transaction").await?;
        for sql in ddl::core() {
            w.execute(&sql, "creating the GeoPackage tables").await?;
        }
        Ok(w)
    }

    fn error(&self, context: impl Into<String>, source: sqlx::Error) -> ExportError {
        ExportError::GeoPackage {
            path: self.path.clone(),
            context: context.into(),
            source,
        }
    }

    async fn execute(&mut self, sql: &str, context: &str) -> Result<(), ExportError> {
        match sqlx::query(sql).execute(&mut self.conn).await {
            Ok(_) => Ok(()),
            Err(e) => Err(self.error(context, e)),
        }
    }

    /// Inserts one batch of features and their R-tree entries.
    async fn insert(&mut self, table: &Table, chunk: &[Feature]) -> Result<(), ExportError> {
        let mut blobs = Vec::with_capacity(chunk.len());
        let mut envelopes = Vec::with_capacity(chunk.len());
        for f in chunk {
            let (blob, envelope) =
                binary::encode(&f.geometry, ddl::SRS_ID).map_err(|e| ExportError::Geometry {
                    table: table.name.clone(),
                    id: f.id,
                    reason: e.to_string(),
                })?;
            blobs.push(blob);
            envelopes.push(envelope);
        }
        let Some(open) = self.open.as_mut() else {
            return Err(ExportError::Internal(format!(
                "features written to {} before it was begun",
                table.name
            )));
        };
        for e in &envelopes {
            open.extent = Some(match open.extent {
                None => *e,
                Some(x) => [
                    x[0].min(e[0]),
                    x[1].min(e[1]),
                    x[2].max(e[2]),
                    x[3].max(e[3]),
                ],
            });
        }
        let full = chunk.len() == BATCH;
        let insert_sql = if full {
            open.insert_batch.clone()
        } else {
            ddl::insert_features(table, chunk.len())
        };
        let rtree_sql = if full {
            open.rtree_batch.clone()
        } else {
            ddl::insert_rtree(&table.name, chunk.len())
        };
        let mut q = sqlx::query(&insert_sql);
        for (f, blob) in chunk.iter().zip(&blobs) {
            q = q.bind(f.id).bind(blob.as_slice());
            for v in &f.values {
                q = match v {
                    Value::Null => q.bind(None::<i64>),
                    Value::Integer(i) => q.bind(*i),
                    Value::Real(r) => q.bind(*r),
                    Value::Text(t) => q.bind(t.as_str()),
                    Value::Boolean(b) => q.bind(*b),
                    Value::Json(j) => q.bind(j.to_string()),
                };
            }
        }
        if let Err(e) = q.execute(&mut self.conn).await {
            return Err(self.error(format!("writing features of {}", table.name), e));
        }
        let mut q = sqlx::query(&rtree_sql);
        for (f, e) in chunk.iter().zip(&envelopes) {
            q = q.bind(f.id).bind(e[0]).bind(e[2]).bind(e[1]).bind(e[3]);
        }
        if let Err(e) = q.execute(&mut self.conn).await {
            return Err(self.error(format!("indexing features of {}", table.name), e));
        }
        Ok(())
    }

    /// Commits and closes the file.
    pub async fn finish(mut self) -> Result<(), ExportError> {
        self.execute("COMMIT", "committing").await?;
        let path = self.path.clone();
        self.conn
            .close()
            .await
            .map_err(|source| ExportError::GeoPackage {
                path,
                context: "closing the file".into(),
                source,
            })
    }
}

impl FeatureWriter for GpkgWriter {
    async fn begin_table(&mut self, table: &Table) -> Result<(), ExportError> {
        for sql in ddl::feature_table(table) {
            self.execute(&sql, &format!("creating table {}", table.name))
                .await?;
        }
        self.open = Some(OpenTable {
            extent: None,
            insert_batch: ddl::insert_features(table, BATCH),
            rtree_batch: ddl::insert_rtree(&table.name, BATCH),
        });
        Ok(())
    }

    async fn write_features(
        &mut self,
        table: &Table,
        features: &[Feature],
    ) -> Result<(), ExportError> {
        for chunk in features.chunks(BATCH) {
            self.insert(table, chunk).await?;
        }
        Ok(())
    }

    async fn end_table(&mut self, table: &Table) -> Result<(), ExportError> {
        let extent = self.open.take().and_then(|o| o.extent);
        let [a, b, c, d] = match extent {
            Some(e) => e.map(Some),
            None => [None; 4],
        };
        let done = sqlx::query(ddl::SET_EXTENT)
            .bind(a)
            .bind(b)
            .bind(c)
            .bind(d)
            .bind(table.name.as_str())
            .execute(&mut self.conn)
            .await;
        if let Err(e) = done {
            return Err(self.error(format!("recording the extent of {}", table.name), e));
        }
        for sql in ddl::rtree_triggers(&table.name) {
            self.execute(&sql, &format!("indexing {}", table.name))
                .await?;
        }
        Ok(())
    }
}
