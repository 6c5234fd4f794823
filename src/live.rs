//! Live snapshots: in-memory structures built from the store (the grid index, the address
//! book) that are replaced whole when the store's revision for them changes. Readers take
//! the current snapshot without waiting; a rebuild happens aside and is swapped in.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::store::{Store, StoreError};

/// Something built from the store that follows one of its revision counters.
pub trait Snapshot: Send + Sync + Sized + 'static {
    /// The revision counter it follows (see [`crate::store::GRIDS_REVISION`]).
    const REVISION: &'static str;
    /// What it is, for log lines.
    const WHAT: &'static str;
    /// Builds a snapshot from the store; `revision` was read before any data.
    fn load(store: &Store, revision: i64) -> impl Future<Output = Result<Self, StoreError>> + Send;
    /// The revision it was built from.
    fn revision(&self) -> i64;
}

/// The current snapshot of `T`, following the store.
pub struct Live<T> {
    store: Store,
    current: ArcSwap<T>,
    rebuild: tokio::sync::Mutex<()>,
}

impl<T: Snapshot> Live<T> {
    /// Loads the first snapshot from the store.
    pub async fn load(store: Store) -> Result<Arc<Live<T>>, StoreError> {
        let revision = store.revision(T::REVISION).await?;
        let first = T::load(&store, revision).await?;
        Ok(Arc::new(Live {
            store,
            current: ArcSwap::from_pointee(first),
            rebuild: tokio::sync::Mutex::new(()),
        }))
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<T> {
        self.current.load_full()
    }

    /// Rebuilds when the store's revision differs from the snapshot's (or always, with
    /// `force`). Returns whether a new snapshot was swapped in.
    pub async fn refresh(&self, force: bool) -> Result<bool, StoreError> {
        let _one_at_a_time = self.rebuild.lock().await;
        let revision = self.store.revision(T::REVISION).await?;
        if !force && revision == self.current.load().revision() {
            return Ok(false);
        }
        let next = T::load(&self.store, revision).await?;
        self.current.store(Arc::new(next));
        Ok(true)
    }

    /// Checks the store every `every` and refreshes when it changed, e.g. after an import
    /// by another process. Errors are logged and retried at the next tick.
    pub fn watch(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match me.refresh(false).await {
                    Ok(true) => tracing::info!(
                        "{} rebuilt at revision {}",
                        T::WHAT,
                        me.current.load().revision()
                    ),
                    Ok(false) => {}
                    Err(e) => tracing::warn!("{} refresh failed: {e}", T::WHAT),
                }
            }
        })
    }
}

/// Runs CPU-heavy snapshot building off the async workers.
pub async fn build_blocking<T: Send + 'static>(
    what: &str,
    build: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(build)
        .await
        .map_err(|e| StoreError::Database {
            context: format!("building the {what}"),
            source: sqlx::Error::Protocol(e.to_string()),
        })
}
