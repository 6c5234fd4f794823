//! What part of a collection a caller sees: the scoped reads of `/ogc` items (regions and
//! grids by id, buildings by community or grid, cameras by the grid they stand in), and
//! the 404 for a single feature outside the scope. Calls [`crate::auth`] and the store.

use crate::api::{ApiError, AppState};
use crate::auth::Caller;
use crate::store::{FeatureLayer, FeatureQuery, LayerFeatures};

/// Narrows `query` to what `caller` sees (nothing to do for a caller who sees all).
pub async fn restrict(
    state: &AppState,
    caller: &Caller,
    layer: FeatureLayer,
    query: &mut FeatureQuery,
) -> Result<(), ApiError> {
    if caller.sees_all() {
        return Ok(());
    }
    let scope = caller.scope();
    let sorted = |set: &Option<std::collections::HashSet<i64>>| {
        let mut v: Vec<i64> = set.iter().flatten().copied().collect();
        v.sort_unstable();
        v
    };
    match layer {
        FeatureLayer::Districts | FeatureLayer::Streets | FeatureLayer::Communities => {
            query.only_ids = Some(sorted(&scope.regions));
        }
        FeatureLayer::Grids => query.only_ids = Some(sorted(&scope.grids)),
        FeatureLayer::Buildings => query.buildings_in = caller.building_scope(),
        FeatureLayer::Cameras => {
            let index = state.index.snapshot();
            let ids = state
                .store
                .cameras()
                .await?
                .into_iter()
                .filter(|c| {
                    index
                        .locate(c.location.x(), c.location.y())
                        .is_some_and(|g| caller.sees_grid(g.id))
                })
                .map(|c| c.id)
                .collect();
            query.only_ids = Some(ids);
        }
    }
    Ok(())
}

/// Whether `caller` sees every feature of `found`.
pub fn sees(state: &AppState, caller: &Caller, found: &LayerFeatures) -> bool {
    if caller.sees_all() {
        return true;
    }
    match found {
        LayerFeatures::Regions(v) => v.iter().all(|r| caller.sees_region(r.id)),
        LayerFeatures::Grids(v) => v.iter().all(|g| caller.sees_grid(g.id)),
        LayerFeatures::Buildings(v) => v
            .iter()
            .all(|b| caller.sees_building(b.community_id, b.grid_id)),
        LayerFeatures::Cameras(v) => {
            let index = state.index.snapshot();
            v.iter().all(|c| {
                index
                    .locate(c.location.x(), c.location.y())
                    .is_some_and(|g| caller.sees_grid(g.id))
            })
        }
    }
}

/// 404 (the same answer as for a missing feature) when feature `fid` of `layer` exists
/// but lies outside the caller's scope.
pub async fn check_item(
    state: &AppState,
    caller: &Caller,
    layer: FeatureLayer,
    collection: &str,
    fid: &str,
) -> Result<(), ApiError> {
    if caller.sees_all() {
        return Ok(());
    }
    let not_found = || ApiError::NotFound {
        what: "feature",
        id: format!("{fid} of collection {collection}"),
    };
    let id: i64 = fid.parse().map_err(|_| not_found())?;
    match state.store.layer_feature(layer, id).await? {
        Some(found) if sees(state, caller, &found) => Ok(()),
        _ => Err(not_found()),
    }
}
