//! The store: one storage interface over two backends, PostgreSQL + PostGIS (the system of
//! record) and embedded SQLite (the default, so the demo needs nothing installed).
//!
//! Owns the schema (`migrations/postgres`, `migrations/sqlite`), every SQL statement and
//! every transaction. Both backends run the same statements except for the geometry
//! expressions chosen by [`Dialect`]; geometry travels as WKB. Calls [`geometry`](crate::geometry)
//! and [`model`](crate::model) only; nothing outside this module writes SQL.

mod amend;
mod auth;
mod dialect;
pub mod export_read;
mod features;
mod grid_edit;
pub mod grid_fit;
mod layers;
mod plans;
mod read;
mod tx;
mod types;
mod value;
mod write;

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use auth::{AuditEntry, NewAuditEntry, NewUser, TokenOwner, User};
pub use dialect::Dialect;
pub use features::{FeatureLayer, FeaturePage, FeatureQuery, LayerFeatures, PropertyFilter};
pub use grid_edit::{GridEditError, GridFields};
pub use layers::{Layer, LayerVersions, Person, Summary};
pub use plans::{MoveRefusal, NewGrid, NewPlan, Plan, PlanMove, PublishRefusal};
pub use plans::{NewUnitAssignment, UnitAssignment};
pub use read::{BuildingFilter, BuildingScope};
pub use types::*;
pub use write::{ImportSummary, Upserts, ADDRESSES_REVISION, GRIDS_REVISION};

use value::Val;

/// Why the store refused an operation. Nothing was written when it is returned from a write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither `postgres://…` nor `sqlite:…`.
    #[error("unsupported database URL {0:?}: use postgres://… or sqlite:PATH")]
    Url(String),
    /// The database could not be reached or opened.
    #[error("cannot open database {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// Applying the schema migrations failed.
    #[error("cannot migrate database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A statement failed.
    #[error("database error while {context}: {source}")]
    Database {
        context: String,
        #[source]
        source: sqlx::Error,
    },
    /// A record references something that does not exist.
    #[error("{what} {reference:?} does not exist")]
    UnknownReference {
        what: &'static str,
        reference: String,
    },
    /// A record with this key exists already.
    #[error("{what} {key:?} exists already")]
    Duplicate { what: &'static str, key: String },
    /// A geometry given to the store is not storable.
    #[error("{what}: {reason}")]
    InvalidGeometry { what: String, reason: String },
    /// Stored data could not be decoded (corrupt geometry, unknown enumeration value).
    #[error("stored {table} {id} is corrupt: {reason}")]
    Corrupt {
        table: &'static str,
        id: i64,
        reason: String,
    },
}

/// Adds context to a sqlx error.
pub(crate) trait Context<T> {
    fn context(self, context: impl Into<String>) -> Result<T, StoreError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn context(self, context: impl Into<String>) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Database {
            context: context.into(),
            source,
        })
    }
}

/// Connection settings of a [`Store`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// PostgreSQL cancels any statement running longer (`statement_timeout`); the API
    /// answers 503 with the reason. SQLite statements are not limited.
    pub statement_timeout: std::time::Duration,
}

/// Default [`StoreOptions::statement_timeout`].
pub const DEFAULT_STATEMENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl StoreOptions {
    /// The defaults, with `WANGGE_STATEMENT_TIMEOUT_MS` read from the environment.
    pub fn from_env() -> StoreOptions {
        let statement_timeout = std::env::var("WANGGE_STATEMENT_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(std::time::Duration::from_millis)
            .unwrap_or(DEFAULT_STATEMENT_TIMEOUT);
        StoreOptions { statement_timeout }
    }
}

/// Which database is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

#[derive(Clone)]
enum Pool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// A connection pool to one database with the wangge schema applied.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

/// Runs `$body` with `$c` bound to the backend-specific pool, connection or transaction.
/// The body is compiled once per backend, like a generic function.
macro_rules! on_backend {
    ($target:expr, $enum:ident, $c:ident => $body:expr) => {
        match $target {
            $enum::Postgres($c) => $body,
            $enum::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

impl Store {
    /// Opens (creating an SQLite file if needed) the database at `url` and applies the
    /// migrations. `url` is `postgres://…`/`postgresql://…` or `sqlite:PATH`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &StoreOptions::from_env()).await
    }

    /// [`Store::open`] with explicit options.
    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        let connect = |source| StoreError::Connect {
            url: redact(url),
            source,
        };
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Migrations run on their own connection, without the statement timeout (an
            // index build may take longer); every pooled connection then has it.
            {
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
                    .await
                    .map_err(connect)?;
                sqlx::migrate!("./migrations/postgres")
                    .run(&mut conn)
                    .await?;
                let _ = sqlx::Connection::close(conn).await;
            }
            let connect_options = PgConnectOptions::from_str(url).map_err(connect)?.options([(
                "statement_timeout",
                format!("{}", options.statement_timeout.as_millis().max(1)),
            )]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .connect_with(connect_options)
                .await
                .map_err(connect)?;
            Pool::Postgres(pool)
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| connect(sqlx::Error::Io(e)))?;
                }
            }
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(connect)?
                .create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(connect)?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Pool::Sqlite(pool)
        } else {
            return Err(StoreError::Url(redact(url)));
        };
        Ok(Store { pool })
    }

    /// The backend behind this store.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Postgres(_) => Backend::Postgres,
            Pool::Sqlite(_) => Backend::Sqlite,
        }
    }

    fn dialect(&self) -> Dialect {
        Dialect::of(self.backend())
    }

    /// Starts a transaction.
    pub(crate) async fn begin(&self) -> Result<tx::Tx, StoreError> {
        Ok(match &self.pool {
            Pool::Postgres(p) => {
                tx::Tx::Postgres(p.begin().await.context("starting a transaction")?)
            }
            Pool::Sqlite(p) => tx::Tx::Sqlite(p.begin().await.context("starting a transaction")?),
        })
    }

    /// Closes every connection (lets an SQLite file be removed or copied).
    pub async fn close(&self) {
        on_backend!(&self.pool, Pool, p => p.close().await)
    }

    /// Runs a read query with `vals` bound in order and maps every row.
    async fn fetch_all<R>(
        &self,
        sql: &str,
        vals: Vec<Val>,
        context: &str,
    ) -> Result<Vec<R>, StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + Send
            + Unpin,
    {
        on_backend!(&self.pool, Pool, p => {
            let mut q = sqlx::query_as::<_, R>(sql);
            for v in vals {
                q = value::bind_as!(q, v);
            }
            q.fetch_all(p).await.context(context)
        })
    }
}

/// Hides the password of a database URL in messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_password_only() {
        assert_eq!(
            redact("postgres://wangge:secret@localhost:5432/db"),
            "postgres://wangge:***@localhost:5432/db"
        );
        assert_eq!(redact("sqlite:data/x.sqlite"), "sqlite:data/x.sqlite");
    }

    #[tokio::test]
    async fn unknown_url_scheme_is_refused() {
        let err = Store::open("mysql://x").await.err().unwrap();
        assert!(matches!(err, StoreError::Url(_)), "{err}");
    }
}
