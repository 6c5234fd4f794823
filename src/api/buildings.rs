//! Buildings as GeoJSON, filtered by community, grid or bounding box, with paging.

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
use crate::store::BuildingFilter;

/// Default and maximum page size of `GET /api/buildings`.
pub const DEFAULT_LIMIT: i64 = 1000;
pub const MAX_LIMIT: i64 = 10_000;

/// `GET /api/buildings` parameters.
#[derive(Debug, Deserialize)]
pub struct BuildingParams {
    pub community: Option<i64>,
    pub grid: Option<i64>,
    /// `minlon,minlat,maxlon,maxlat`
    pub bbox: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn parse_bbox(text: &str) -> Result<[f64; 4], ApiError> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            ApiError::BadRequest(format!(
                "bbox {text:?} is not four numbers minlon,minlat,maxlon,maxlat"
            ))
        })?;
    let [minx, miny, maxx, maxy] = parts[..] else {
        return Err(ApiError::BadRequest(format!(
            "bbox {text:?} must have four numbers, not {}",
            parts.len()
        )));
    };
    if !(-180.0..=180.0).contains(&minx)
        || !(-180.0..=180.0).contains(&maxx)
        || !(-90.0..=90.0).contains(&miny)
        || !(-90.0..=90.0).contains(&maxy)
    {
        return Err(ApiError::BadRequest(format!(
            "bbox {text:?} is outside longitude/latitude range"
        )));
    }
    if minx > maxx || miny > maxy {
        return Err(ApiError::BadRequest(format!(
            "bbox {text:?} has its minimum above its maximum"
        )));
    }
    Ok([minx, miny, maxx, maxy])
}

/// `GET /api/buildings?community=&grid=&bbox=&limit=&offset=`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<BuildingParams>, QueryRejection>,
) -> Result<Json<FeatureCollection>, ApiError> {
    let Query(p) = params?;
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit} is outside 1..={MAX_LIMIT}"
        )));
    }
    let offset = p.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::BadRequest(format!(
            "offset {offset} is below zero"
        )));
    }
    let filter = BuildingFilter {
        community: p.community,
        grid: p.grid,
        bbox: p.bbox.as_deref().map(parse_bbox).transpose()?,
        limit: Some(limit),
        offset: Some(offset),
        scope: caller.building_scope(),
    };
    let buildings = state.store.buildings(&filter).await?;
    Ok(Json(collection(
        buildings
            .iter()
            .map(|b| feature(b.id, b, &Geometry::MultiPolygon(b.footprint.clone())))
            .collect(),
    )))
}

/// `GET /api/buildings/{id}`: the building with its household records and their unit ×
/// floor `table` (see [`super::drill::Table`]).
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Feature>, ApiError> {
    let Path(id) = id?;
    let building = match state.store.building(id).await? {
        Some(b) if caller.sees_building(b.community_id, b.grid_id) => Some(b),
        _ => None,
    };
    let b = building.ok_or(ApiError::NotFound {
        what: "building",
        id: id.to_string(),
    })?;
    let households = state.store.households(id).await?;
    let f = feature(b.id, &b, &Geometry::MultiPolygon(b.footprint.clone()));
    let f = with_property(f, "table", json!(super::drill::table(&households)));
    Ok(Json(with_property(
        f,
        "household_records",
        json!(households),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_parsing_names_the_problem() {
        assert_eq!(parse_bbox("1,2,3,4").unwrap(), [1.0, 2.0, 3.0, 4.0]);
        for bad in ["1,2,3", "a,b,c,d", "3,2,1,4", "1,2,300,4"] {
            assert!(
                matches!(parse_bbox(bad), Err(ApiError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
