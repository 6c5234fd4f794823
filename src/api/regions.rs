//! Regions (district, street, community) and grids as GeoJSON.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use geo::Geometry;
use geojson::{Feature, FeatureCollection};
use serde::Deserialize;
use serde_json::json;

use super::features::{collection, feature, with_property};
use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::model::RegionLevel;

/// `GET /api/regions` parameters.
#[derive(Debug, Deserialize)]
pub struct RegionParams {
    pub level: Option<RegionLevel>,
    pub parent: Option<i64>,
}

/// `GET /api/regions?level=&parent=`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<RegionParams>, QueryRejection>,
) -> Result<Json<FeatureCollection>, ApiError> {
    let Query(p) = params?;
    let regions = state.store.regions(p.level, p.parent).await?;
    Ok(Json(collection(
        regions
            .iter()
            .filter(|r| caller.sees_region(r.id))
            .map(|r| feature(r.id, r, &Geometry::MultiPolygon(r.boundary.clone())))
            .collect(),
    )))
}

/// `GET /api/regions/{id}`.
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Feature>, ApiError> {
    let Path(id) = id?;
    let region = match state.store.region(id).await? {
        Some(r) if caller.sees_region(r.id) => Some(r),
        _ => None,
    };
    let r = region.ok_or(ApiError::NotFound {
        what: "region",
        id: id.to_string(),
    })?;
    Ok(Json(feature(
        r.id,
        &r,
        &Geometry::MultiPolygon(r.boundary.clone()),
    )))
}

/// `GET /api/grids` parameters.
#[derive(Debug, Deserialize)]
pub struct GridParams {
    pub community: Option<i64>,
}

/// `GET /api/grids?community=`: grids of published plans with their building and
/// household totals.
pub async fn grids(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<GridParams>, QueryRejection>,
) -> Result<Json<FeatureCollection>, ApiError> {
    let Query(p) = params?;
    let grids = state.store.grids(p.community).await?;
    let totals = state.store.grid_totals().await?;
    Ok(Json(collection(
        grids
            .iter()
            .filter(|g| caller.sees_grid(g.id))
            .map(|g| {
                let f = feature(g.id, g, &Geometry::MultiPolygon(g.boundary.clone()));
                let t = totals.get(&g.id).copied().unwrap_or_default();
                let f = with_property(f, "buildings", json!(t.buildings));
                with_property(f, "households", json!(t.households))
            })
            .collect(),
    )))
}

/// `GET /api/grids/{id}`: the grid with its workers.
pub async fn grid(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Feature>, ApiError> {
    let Path(id) = id?;
    let grid = match state.store.grid(id).await? {
        Some(g) if caller.sees_grid(g.id) => Some(g),
        _ => None,
    };
    let g = grid.ok_or(ApiError::NotFound {
        what: "grid",
        id: id.to_string(),
    })?;
    let workers = state.store.grid_workers(id).await?;
    let f = feature(g.id, &g, &Geometry::MultiPolygon(g.boundary.clone()));
    Ok(Json(with_property(f, "workers", json!(workers))))
}
