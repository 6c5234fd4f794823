//! OGC API – Features Part 4 for grids: `POST /items` (create), `PUT /items/{fid}`
//! (replace), `PATCH /items/{fid}` (update some properties and/or the geometry),
//! `DELETE /items/{fid}`, and `OPTIONS` answering `Allow` on every collection.
//!
//! A body is a GeoJSON Feature in the CRS of the `Content-Crs` request header (CRS84 when
//! absent). Writable properties: `code`, `name`, `kind`, `community_id` (set on create
//! only); the computed ones (`plan_id`, `provisional`, `buildings`, `households`) are
//! ignored; anything else is refused. The store validates and writes
//! ([`Store::create_grid`](crate::store::Store::create_grid) …) and the lookup index is
//! refreshed before answering.

use crate::auth::{Caller, Permission};
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::collections::{find, Collection};
use super::crs::{to_storage, OgcCrs};
use super::items::{content_crs, one_feature};
use super::{base_url, respond, GEOJSON};
use crate::api::{ApiError, AppState};
use crate::model::GridKind;
use crate::store::{GridEditError, GridFields, LayerFeatures};

const WRITABLE: [&str; 4] = ["code", "name", "kind", "community_id"];
const COMPUTED: [&str; 4] = ["plan_id", "provisional", "buildings", "households"];

impl From<GridEditError> for ApiError {
    fn from(e: GridEditError) -> Self {
        match e {
            GridEditError::NotFound(id) => ApiError::NotFound {
                what: "grid",
                id: id.to_string(),
            },
            GridEditError::Invalid(m) => ApiError::BadRequest(m),
            GridEditError::Conflict(m) => ApiError::Conflict(m),
            GridEditError::Store(s) => ApiError::Store(s),
        }
    }
}

fn allow_items(c: &Collection) -> &'static str {
    if c.writable {
        "GET, HEAD, POST, OPTIONS"
    } else {
        "GET, HEAD, OPTIONS"
    }
}

fn allow_item(c: &Collection) -> &'static str {
    if c.writable {
        "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    } else {
        "GET, HEAD, OPTIONS"
    }
}

/// 405 with `Allow` for a write on a read-only collection.
fn not_writable(c: &Collection, allow: &str) -> Response {
    let mut r = respond(
        StatusCode::METHOD_NOT_ALLOWED,
        "application/json",
        &json!({
            "error": format!("collection {} is read-only; only grids can be edited", c.id),
            "status": 405,
        }),
        &[],
    );
    if let Ok(v) = allow.parse() {
        r.headers_mut().insert(header::ALLOW, v);
    }
    r
}

fn allow_response(allow: &str) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = allow.parse() {
        r.headers_mut().insert(header::ALLOW, v);
    }
    r
}

/// `OPTIONS /ogc/collections/{id}/items`.
pub async fn options_items(id: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let Path(id) = id?;
    Ok(allow_response(allow_items(find(&id)?)))
}

/// `OPTIONS /ogc/collections/{id}/items/{fid}`.
pub async fn options_item(
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, fid)) = ids?;
    let c = find(&id)?;
    one_feature(&state, c, &fid, OgcCrs::Crs84).await?;
    Ok(allow_response(allow_item(c)))
}

/// The CRS of the request body.
fn body_crs(headers: &HeaderMap) -> Result<OgcCrs, ApiError> {
    match headers.get("content-crs") {
        None => Ok(OgcCrs::Crs84),
        Some(v) => {
            let text = v.to_str().map_err(|_| {
                ApiError::BadRequest("Content-Crs header is not readable text".into())
            })?;
            OgcCrs::parse(text).map_err(|e| ApiError::BadRequest(format!("Content-Crs: {e}")))
        }
    }
}

/// A request body: the Feature's geometry (converted to CRS84) and properties.
struct Body {
    geometry: Option<geo::MultiPolygon<f64>>,
    properties: Map<String, Value>,
    id: Option<Value>,
}

fn parse_body(bytes: &[u8], crs: OgcCrs, partial: bool) -> Result<Body, ApiError> {
    let bad = |m: String| ApiError::BadRequest(format!("request body: {m}"));
    let value: Value = serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
    let Value::Object(mut obj) = value else {
        return Err(bad("expected a GeoJSON Feature object".into()));
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        None if partial => {}
        Some(other) => return Err(bad(format!("type is {other:?}, expected \"Feature\""))),
        None => return Err(bad("type \"Feature\" is missing".into())),
    }
    let geometry = match obj.remove("geometry") {
        None if partial => None,
        None | Some(Value::Null) => return Err(bad("geometry is missing".into())),
        Some(g) => {
            let gj: geojson::Geometry = serde_json::from_value(g)
                .map_err(|e| bad(format!("geometry is not GeoJSON: {e}")))?;
            let geo: geo::Geometry<f64> =
                gj.try_into().map_err(|e| bad(format!("geometry: {e}")))?;
            let stored = to_storage(&geo, crs)
                .map_err(|e| bad(format!("geometry in {}: {e}", crs.uri())))?;
            Some(
                crate::geometry::into_multipolygon(stored)
                    .map_err(|e| bad(format!("geometry: {e}")))?,
            )
        }
    };
    let properties = match obj.remove("properties") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(bad("properties is not an object".into())),
    };
    for key in properties.keys() {
        if !WRITABLE.contains(&key.as_str()) && !COMPUTED.contains(&key.as_str()) {
            return Err(bad(format!(
                "unknown property {key:?}; a grid has {} (and the computed {})",
                WRITABLE.join(", "),
                COMPUTED.join(", ")
            )));
        }
    }
    Ok(Body {
        geometry,
        properties,
        id: obj.remove("id"),
    })
}

fn text_property(p: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match p.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ApiError::BadRequest(format!(
            "request body: property {key} is {other}, expected a string"
        ))),
    }
}

fn kind_property(p: &Map<String, Value>) -> Result<Option<GridKind>, ApiError> {
    text_property(p, "kind")?
        .map(|k| {
            k.parse().map_err(|_| {
                ApiError::BadRequest(format!(
                    "request body: kind {k:?} is not one of standard, virtual, rural"
                ))
            })
        })
        .transpose()
}

fn community_property(p: &Map<String, Value>) -> Result<Option<i64>, ApiError> {
    match p.get("community_id") {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "request body: community_id is {v}, expected an integer id"
            ))
        }),
    }
}

/// The 405 answer when `c` is not writable.
fn refuse_read_only(c: &Collection, allow: &str) -> Option<Response> {
    (!c.writable).then(|| not_writable(c, allow))
}

/// Answers with the stored feature after a write (after refreshing the lookup index).
async fn written(
    state: &AppState,
    headers: &HeaderMap,
    c: &Collection,
    id: i64,
    status: StatusCode,
) -> Result<Response, ApiError> {
    state.refresh().await?;
    let f = one_feature(state, c, &id.to_string(), OgcCrs::Crs84).await?;
    let location = format!("{}/collections/{}/items/{id}", base_url(headers), c.id);
    Ok(respond(
        status,
        GEOJSON,
        &Value::Object(f),
        &[
            (header::LOCATION, location),
            (content_crs(), OgcCrs::Crs84.header()),
        ],
    ))
}

/// `POST /ogc/collections/grids/items`: creates a grid in its community's published plan.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let c = find(&id)?;
    if let Some(r) = refuse_read_only(c, allow_items(c)) {
        return Ok(r);
    }
    let b = parse_body(&body, body_crs(&headers)?, false)?;
    let p = &b.properties;
    let community_id = community_property(p)?.ok_or_else(|| {
        ApiError::BadRequest("request body: property community_id is required".into())
    })?;
    editable_community(&caller, community_id)?;
    let code = text_property(p, "code")?
        .ok_or_else(|| ApiError::BadRequest("request body: property code is required".into()))?;
    let fields = GridFields {
        community_id,
        name: text_property(p, "name")?.unwrap_or_else(|| code.clone()),
        code,
        kind: kind_property(p)?.unwrap_or(GridKind::Standard),
        boundary: b.geometry.unwrap_or_else(|| geo::MultiPolygon(vec![])),
    };
    let audit = edit_entry(&caller, "grid.create", None, &fields);
    let new_id = state.store.create_grid(&fields, Some(&audit)).await?;
    written(&state, &headers, c, new_id, StatusCode::CREATED).await
}

/// 403 without the permission to edit grids; 404 when the community is outside the
/// caller's scope (as when it does not exist).
fn editable_community(caller: &Caller, community_id: i64) -> Result<(), ApiError> {
    caller.require(Permission::EditGrids, "edit grids")?;
    if caller.sees_whole_region(community_id) {
        Ok(())
    } else {
        Err(ApiError::NotFound {
            what: "community",
            id: community_id.to_string(),
        })
    }
}

/// The stored grid `fid` when the caller may edit grids (403) and sees it (404).
async fn editable(
    state: &AppState,
    caller: &Caller,
    fid: &str,
) -> Result<(i64, crate::store::Grid), ApiError> {
    caller.require(Permission::EditGrids, "edit grids")?;
    let (id, grid) = current(state, fid).await?;
    if !caller.sees_whole_region(grid.community_id) {
        return Err(ApiError::NotFound {
            what: "grid",
            id: fid.to_string(),
        });
    }
    Ok((id, grid))
}

/// The audit entry of a grid edit (of grid `id`; a new grid's id is set by the store).
fn edit_entry(
    caller: &Caller,
    action: &str,
    id: Option<i64>,
    fields: &GridFields,
) -> crate::store::NewAuditEntry {
    let detail = serde_json::json!({
        "community_id": fields.community_id,
        "code": fields.code,
        "name": fields.name,
        "kind": fields.kind,
    });
    let target = id.map(|id| format!("grid/{id}")).unwrap_or_default();
    caller.audit_entry(action, &target, detail.to_string())
}

/// The stored grid `fid`, or 404.
async fn current(state: &AppState, fid: &str) -> Result<(i64, crate::store::Grid), ApiError> {
    let not_found = || ApiError::NotFound {
        what: "grid",
        id: fid.to_string(),
    };
    let id: i64 = fid.parse().map_err(|_| not_found())?;
    match state
        .store
        .layer_feature(crate::store::FeatureLayer::Grids, id)
        .await?
    {
        Some(LayerFeatures::Grids(mut v)) => v.pop().map(|g| (id, g)).ok_or_else(not_found),
        _ => Err(not_found()),
    }
}

fn check_body_id(b: &Body, id: i64) -> Result<(), ApiError> {
    match &b.id {
        None | Some(Value::Null) => Ok(()),
        Some(v) if v.as_i64() == Some(id) || v.as_str() == Some(&id.to_string()) => Ok(()),
        Some(v) => Err(ApiError::BadRequest(format!(
            "request body: id {v} differs from the feature id {id} in the URL"
        ))),
    }
}

/// What PUT and PATCH on a grid share before reading its properties: the collection
/// (`Err(response)` when it is read-only), the grid's id and stored state when the caller
/// may edit it, and the parsed body, whose id (if any) must be the URL's.
async fn item_edit(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: &Bytes,
    partial: bool,
) -> Result<Result<(&'static Collection, i64, crate::store::Grid, Body), Response>, ApiError> {
    let Path((cid, fid)) = ids?;
    let c = find(&cid)?;
    if let Some(r) = refuse_read_only(c, allow_item(c)) {
        return Ok(Err(r));
    }
    let (id, grid) = editable(state, caller, &fid).await?;
    let b = parse_body(body, body_crs(headers)?, partial)?;
    check_body_id(&b, id)?;
    Ok(Ok((c, id, grid, b)))
}

/// Stores an edit of grid `id` (within the caller's communities), audits it as `action`
/// and answers with the grid as written.
async fn store_edit(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    c: &Collection,
    id: i64,
    fields: &GridFields,
    action: &str,
) -> Result<Response, ApiError> {
    editable_community(caller, fields.community_id)?;
    let audit = edit_entry(caller, action, Some(id), fields);
    state.store.replace_grid(id, fields, Some(&audit)).await?;
    written(state, headers, c, id, StatusCode::OK).await
}

/// `PUT /ogc/collections/grids/items/{fid}`: replaces geometry and properties (`name`
/// defaults to the code, `kind` to standard; the community cannot change).
pub async fn replace(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (c, id, grid, b) = match item_edit(&state, &caller, &headers, ids, &body, false).await? {
        Ok(edit) => edit,
        Err(refusal) => return Ok(refusal),
    };
    let p = &b.properties;
    let code = text_property(p, "code")?
        .ok_or_else(|| ApiError::BadRequest("request body: property code is required".into()))?;
    let fields = GridFields {
        community_id: community_property(p)?.unwrap_or(grid.community_id),
        name: text_property(p, "name")?.unwrap_or_else(|| code.clone()),
        code,
        kind: kind_property(p)?.unwrap_or(GridKind::Standard),
        boundary: b.geometry.unwrap_or_else(|| geo::MultiPolygon(vec![])),
    };
    store_edit(&state, &caller, &headers, c, id, &fields, "grid.replace").await
}

/// `PATCH /ogc/collections/grids/items/{fid}`: changes the given properties and/or the
/// geometry, keeping the rest.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ids: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (c, id, grid, b) = match item_edit(&state, &caller, &headers, ids, &body, true).await? {
        Ok(edit) => edit,
        Err(refusal) => return Ok(refusal),
    };
    let p = &b.properties;
    let fields = GridFields {
        community_id: community_property(p)?.unwrap_or(grid.community_id),
        code: text_property(p, "code")?.unwrap_or(grid.code),
        name: text_property(p, "name")?.unwrap_or(grid.name),
        kind: kind_property(p)?.unwrap_or(grid.kind),
        boundary: b.geometry.unwrap_or(grid.boundary),
    };
    store_edit(&state, &caller, &headers, c, id, &fields, "grid.update").await
}

/// `DELETE /ogc/collections/grids/items/{fid}`: refused (409) while buildings or workers
/// are assigned to the grid.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((cid, fid)) = ids?;
    let c = find(&cid)?;
    if let Some(r) = refuse_read_only(c, allow_item(c)) {
        return Ok(r);
    }
    let (id, grid) = editable(&state, &caller, &fid).await?;
    let audit = caller.audit_entry(
        "grid.delete",
        &format!("grid/{id}"),
        serde_json::json!({ "community_id": grid.community_id, "code": grid.code }).to_string(),
    );
    state.store.delete_grid(id, Some(&audit)).await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
