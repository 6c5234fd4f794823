//! HTTP caching of the layer responses: a weak ETag from the versions of the layers a
//! response is made of, the request URI and who asks; `If-None-Match` answered with 304
//! and no body; `Cache-Control: private, no-cache` so that clients (and browsers) keep
//! the response but revalidate it on every use.
//!
//! Freshness: the versions are read from the store on every request (one small indexed
//! statement, `SELECT … FROM revisions`), not from an in-memory copy. Every write bumps
//! its layers' versions in its own transaction, whichever process makes it (this
//! server, a CLI import, another replica over the same database), so the request after
//! an edit always gets a new ETag and fresh content — no polling window, and no
//! notification to keep in sync between processes. The versions are read *before* the
//! data: a write landing between the two makes the response newer than its ETag, which
//! costs one extra download later, never a stale 304. In-memory snapshots that serve a
//! layer (the tiles) receive the versions read here (a request extension) and rebuild
//! first when they are older.
//!
//! Which layers a path depends on is the table in [`layers_for`]. Calls the
//! [`store`](crate::store) and [`auth`](crate::auth) only.

use std::hash::{Hash, Hasher};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::store::{Layer, LayerVersions};

use Layer::*;

/// Every layer a summary counts.
const SUMMARY: &[Layer] = &[Regions, Grids, Buildings, Households, Cameras, Workers];

/// The layers a GET of `path` is made of, or `None` for a path that is not a layer
/// response (not cached).
pub fn layers_for(path: &str) -> Option<&'static [Layer]> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match parts.as_slice() {
        ["api", "regions"] | ["api", "regions", _] => &[Regions],
        ["api", "regions", _, "summary"] | ["api", "grids", _, "summary"] => SUMMARY,
        // Grid features carry their buildings' totals (bumped with the grids layer) and
        // a grid's detail its workers.
        ["api", "grids"] => &[Grids],
        ["api", "grids", _] => &[Grids, Workers],
        ["api", "buildings"] => &[Buildings],
        ["api", "buildings", _] => &[Buildings, Households],
        ["api", "households", _] => &[Households],
        ["tiles", "grids.json"] | ["tiles", "grids", _, _, _] => &[Grids],
        ["tiles", "buildings.json"] | ["tiles", "buildings", _, _, _] => &[Buildings],
        _ => return crate::ogc::cached_layers(path),
    })
}

/// The weak ETag of a response to `uri` made of `layers` at `versions`, for `caller`.
/// A scoped caller's view also depends on the region tree and the grids (which decide
/// what the scope covers), so their versions enter too.
pub fn etag(versions: &LayerVersions, layers: &[Layer], uri: &str, caller: &Caller) -> String {
    // Fixed keys: the same tag from every process and replica of one build.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    versions.epoch.hash(&mut h);
    for layer in layers {
        layer.revision_name().hash(&mut h);
        versions.of(*layer).hash(&mut h);
    }
    uri.hash(&mut h);
    caller.user_id().hash(&mut h);
    caller.role().as_ref().hash(&mut h);
    caller.can_unmask().hash(&mut h);
    if !caller.sees_all() {
        let scope = caller.scope();
        scope.configured_regions.hash(&mut h);
        scope.configured_grids.hash(&mut h);
        versions.of(Regions).hash(&mut h);
        versions.of(Grids).hash(&mut h);
    }
    format!("W/\"{:016x}\"", h.finish())
}

/// Whether `If-None-Match` lists `tag` (weak comparison) or is `*`.
fn matches(headers: &HeaderMap, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let want = opaque(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || opaque(t) == want)
}

fn set_cache_headers(headers: &mut HeaderMap, tag: &str) {
    if let Ok(v) = HeaderValue::from_str(tag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
}

/// The middleware: for a GET or HEAD of a layer path, identifies the caller (401 before
/// anything else), reads the layer versions, answers 304 when the client's copy is
/// current, and otherwise runs the handler and tags its 200 or 204 response.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !(req.method() == Method::GET || req.method() == Method::HEAD) {
        return next.run(req).await;
    }
    let Some(layers) = layers_for(req.uri().path()) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let versions = match state.store.layer_versions().await {
        Ok(v) => v,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let uri = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let tag = etag(&versions, layers, uri, &caller);
    if matches(&parts.headers, &tag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set_cache_headers(response.headers_mut(), &tag);
        return response;
    }
    parts.extensions.insert(versions);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if matches!(response.status(), StatusCode::OK | StatusCode::NO_CONTENT) {
        set_cache_headers(response.headers_mut(), &tag);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_layers() {
        assert_eq!(layers_for("/api/regions"), Some(&[Regions][..]));
        assert_eq!(layers_for("/api/regions/3/summary"), Some(SUMMARY));
        assert_eq!(
            layers_for("/api/buildings/7"),
            Some(&[Buildings, Households][..])
        );
        assert_eq!(
            layers_for("/tiles/buildings/15/1/2.mvt"),
            Some(&[Buildings][..])
        );
        assert_eq!(layers_for("/tiles/grids.json"), Some(&[Grids][..]));
        assert_eq!(layers_for("/api/lookup"), None);
        assert_eq!(layers_for("/api/plans/1"), None);
    }

    #[test]
    fn if_none_match_compares_weakly_and_lists() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"abc\""),
        );
        assert!(matches(&h, "W/\"abc\""));
        assert!(!matches(&h, "W/\"abd\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches(&h, "W/\"x\""));
        assert!(!matches(&HeaderMap::new(), "W/\"x\""));
    }
}
