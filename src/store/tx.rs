//! A transaction on either backend, with the few statement shapes the writers need.

use sqlx::{Postgres, Sqlite, Transaction};

use super::value::{bind_as, Val};
use super::{on_backend, Context, Dialect, StoreError};

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Tx {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Postgres(_) => Dialect::Postgres,
            Tx::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// Executes a statement, returning the number of rows affected.
    pub async fn execute(
        &mut self,
        sql: &str,
        vals: Vec<Val>,
        context: &str,
    ) -> Result<u64, StoreError> {
        on_backend!(self, Tx, t => {
            let mut q = sqlx::query(sql);
            for v in vals {
                q = bind_as!(q, v);
            }
            q.execute(&mut **t).await.map(|r| r.rows_affected()).context(context)
        })
    }

    /// Runs a statement returning at most one `id` (e.g. `… RETURNING id`).
    pub async fn fetch_id(
        &mut self,
        sql: &str,
        vals: Vec<Val>,
        context: &str,
    ) -> Result<Option<i64>, StoreError> {
        on_backend!(self, Tx, t => {
            let mut q = sqlx::query_scalar::<_, i64>(sql);
            for v in vals {
                q = bind_as!(q, v);
            }
            q.fetch_optional(&mut **t).await.context(context)
        })
    }

    /// Runs a query returning `(text, id)` pairs.
    pub async fn fetch_pairs(
        &mut self,
        sql: &str,
        vals: Vec<Val>,
        context: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        on_backend!(self, Tx, t => {
            let mut q = sqlx::query_as::<_, (String, i64)>(sql);
            for v in vals {
                q = bind_as!(q, v);
            }
            q.fetch_all(&mut **t).await.context(context)
        })
    }

    /// Runs a query and maps every row.
    pub async fn fetch_all<R>(
        &mut self,
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
        on_backend!(self, Tx, t => {
            let mut q = sqlx::query_as::<_, R>(sql);
            for v in vals {
                q = bind_as!(q, v);
            }
            q.fetch_all(&mut **t).await.context(context)
        })
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), StoreError> {
        on_backend!(self, Tx, t => t.commit().await.context("committing"))
    }
}
