//! The current index snapshot, replaced whole when the store changes.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::GridIndex;
use crate::store::{Store, StoreError, GRIDS_REVISION};

/// The index a server answers from. Readers take the current snapshot without waiting;
/// [`refresh`](LiveIndex::refresh) builds a new one aside and swaps it in.
pub struct LiveIndex {
    store: Store,
    current: ArcSwap<GridIndex>,
    rebuild: tokio::sync::Mutex<()>,
}

impl LiveIndex {
    /// Loads the first snapshot from the store.
    pub async fn load(store: Store) -> Result<Arc<LiveIndex>, StoreError> {
        let first = build(&store).await?;
        Ok(Arc::new(LiveIndex {
            store,
            current: ArcSwap::from_pointee(first),
            rebuild: tokio::sync::Mutex::new(()),
        }))
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<GridIndex> {
        self.current.load_full()
    }

    /// Rebuilds when the store's grids revision differs from the snapshot's (or always,
    /// with `force`). Returns whether a new snapshot was swapped in.
    pub async fn refresh(&self, force: bool) -> Result<bool, StoreError> {
        let _one_at_a_time = self.rebuild.lock().await;
        let revision = self.store.revision(GRIDS_REVISION).await?;
        if !force && revision == self.current.load().revision() {
            return Ok(false);
        }
        let next = build(&self.store).await?;
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
                        "lookup index rebuilt at revision {} ({} grids)",
                        me.current.load().revision(),
                        me.current.load().len()
                    ),
                    Ok(false) => {}
                    Err(e) => tracing::warn!("lookup index refresh failed: {e}"),
                }
            }
        })
    }
}

/// Reads the revision first, then the data, so a snapshot is at least as new as its revision.
async fn build(store: &Store) -> Result<GridIndex, StoreError> {
    let revision = store.revision(GRIDS_REVISION).await?;
    let grids = store.grids(None).await?;
    let regions = store.regions(None, None).await?;
    let workers = store.workers_by_grid().await?;
    let index = tokio::task::spawn_blocking(move || GridIndex::build(revision, grids, regions, workers))
        .await
        .map_err(|e| StoreError::Database {
            context: "building the lookup index".into(),
            source: sqlx::Error::Protocol(e.to_string()),
        })?;
    Ok(index)
}
