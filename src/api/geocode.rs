//! `GET /api/geocode?q=..&limit=..`: ranked buildings for an address, from the address book.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::geocode::check_query;
use crate::lookup::MAX_GEOCODE_RESULTS;

/// Default number of results.
pub const DEFAULT_LIMIT: usize = 10;

/// `GET /api/geocode` parameters.
#[derive(Debug, Deserialize)]
pub struct GeocodeParams {
    pub q: String,
    pub limit: Option<usize>,
}

/// `GET /api/geocode?q=..&limit=..`.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<GeocodeParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = params?;
    check_query(&p.q).map_err(|e| ApiError::BadRequest(format!("q: {e}")))?;
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_GEOCODE_RESULTS).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit} is outside 1..={MAX_GEOCODE_RESULTS}"
        )));
    }
    let book = state.addresses.snapshot();
    // A scoped caller gets the best matches among the buildings they may see.
    let results: Vec<_> = if caller.sees_all() {
        book.search(&p.q, limit)
    } else {
        book.search(&p.q, MAX_GEOCODE_RESULTS)
            .into_iter()
            .filter(|h| h.grid_id.is_some_and(|g| caller.sees_grid(g)))
            .take(limit)
            .collect()
    };
    Ok(Json(
        json!({ "query": p.q, "count": results.len(), "results": results }),
    ))
}
