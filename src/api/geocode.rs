//! `GET /api/geocode?q=..&limit=..`: ranked buildings for an address, from the address book.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, AppState};
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
    params: Result<Query<GeocodeParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = params?;
    if p.q.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "q is empty: give an address, e.g. q=锦江路88号".into(),
        ));
    }
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_GEOCODE_RESULTS).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit} is outside 1..={MAX_GEOCODE_RESULTS}"
        )));
    }
    let book = state.addresses.snapshot();
    let results = book.search(&p.q, limit);
    Ok(Json(
        json!({ "query": p.q, "count": results.len(), "results": results }),
    ))
}
