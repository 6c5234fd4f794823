//! `GET /api/lookup` (one point) and `POST /api/lookup` (a batch), answered from the
//! in-memory index without touching the database.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::crs::Crs;
use crate::index::GridIndex;
use crate::lookup::{answer, points_from_csv, points_from_json, to_wgs84, Answer, LookupError};

/// Largest accepted batch body.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// `GET /api/lookup` parameters.
#[derive(Debug, Deserialize)]
pub struct PointParams {
    pub lon: f64,
    pub lat: f64,
    pub crs: Option<String>,
}

/// `POST /api/lookup` parameters.
#[derive(Debug, Deserialize)]
pub struct BatchParams {
    pub crs: Option<String>,
    /// Include each grid's workers (default: no, to keep batch answers small).
    #[serde(default)]
    pub workers: bool,
}

/// The answer for `caller`: a grid outside their scope is answered like no grid, with a
/// message that holds whether or not some grid contains the point (it reveals nothing).
fn scoped_answer<'a>(caller: &Caller, index: &'a GridIndex, lon: f64, lat: f64) -> Answer<'a> {
    let a = answer(index, lon, lat);
    if caller.sees_all() {
        return a;
    }
    match a.responsible {
        Some(mut r) if caller.sees_grid(r.grid.id) => {
            // A split building's other grids may lie outside the caller's scope.
            if r.by_unit.iter().any(|u| !caller.sees_grid(u.grid_id)) {
                let seen = r.by_unit.iter().filter(|u| caller.sees_grid(u.grid_id));
                r.by_unit = seen.cloned().collect();
            }
            Answer {
                responsible: Some(r),
                ..a
            }
        }
        _ => Answer {
            lon,
            lat,
            found: false,
            responsible: None,
            message: Some("the point is outside every grid you may see"),
        },
    }
}

fn parse_crs(crs: Option<&str>) -> Result<Crs, ApiError> {
    match crs {
        None => Ok(Crs::Wgs84),
        Some(c) => Crs::parse(c).map_err(|e| ApiError::BadRequest(e.to_string())),
    }
}

/// `GET /api/lookup?lon=..&lat=..[&crs=..]`.
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<PointParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params?;
    let mut point = [(p.lon, p.lat)];
    to_wgs84(&mut point, parse_crs(p.crs.as_deref())?)?;
    let index = state.index.snapshot();
    // Serialised straight from the answer (no intermediate JSON tree: this is the hot path).
    let body = serde_json::to_vec(&scoped_answer(&caller, &index, point[0].0, point[0].1))
        .unwrap_or_default();
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `POST /api/lookup[?crs=..&workers=true]` with GeoJSON points, a JSON array of
/// `[lon, lat]`, or CSV (`Content-Type: text/csv`) with lon/lat columns. One result per
/// input point, in input order.
pub async fn batch(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<BatchParams>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = params?;
    let body = body.map_err(|r| match r.status().as_u16() {
        413 => ApiError::TooLarge(format!("the body is larger than {MAX_BODY_BYTES} bytes")),
        _ => ApiError::BadRequest(r.body_text()),
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("the body is not UTF-8".into()))?;
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let mut points = if is_csv {
        let (_, _, points) = points_from_csv(text)?;
        if points.is_empty() {
            return Err(LookupError::Empty.into());
        }
        points
    } else {
        points_from_json(text)?
    };
    to_wgs84(&mut points, parse_crs(p.crs.as_deref())?)?;
    let index = state.index.snapshot();
    let results: Vec<Value> = points
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat))| {
            let mut v = serde_json::to_value(scoped_answer(&caller, &index, lon, lat))
                .unwrap_or(Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("index".into(), json!(i));
                if !p.workers {
                    obj.remove("workers");
                }
            }
            v
        })
        .collect();
    Ok(Json(
        json!({ "count": results.len(), "revision": index.revision(), "results": results }),
    ))
}
