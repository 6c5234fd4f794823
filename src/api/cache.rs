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
//! Each layer route declares the layers it is made of where the router is built
//! ([`cached`], [`cached_router`]): other routes (the lookup hot path among them) do not
//! pass through this middleware at all. Calls the [`store`](crate::store) and
//! [`auth`](crate::auth) only.

use std::hash::{Hash, Hasher};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;

use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::store::{Layer, LayerVersions};

use Layer::*;

/// Every layer a summary counts.
pub const SUMMARY: &[Layer] = &[Regions, Grids, Buildings, Households, Cameras, Workers];

/// Which layers the GET responses of a route are made of.
#[derive(Clone, Copy)]
pub enum Layers {
    /// Always these.
    Fixed(&'static [Layer]),
    /// Decided by the request path (a path parameter names the layer); `None`: the path
    /// is not a layer response and is not tagged.
    ByPath(fn(&str) -> Option<&'static [Layer]>),
}

impl Layers {
    fn of(self, path: &str) -> Option<&'static [Layer]> {
        match self {
            Layers::Fixed(layers) => Some(layers),
            Layers::ByPath(decide) => decide(path),
        }
    }
}

/// The middleware's state: the application's and the route's layers.
#[derive(Clone)]
pub struct Tagged {
    state: AppState,
    layers: Layers,
}

impl Tagged {
    fn new(state: &AppState, layers: Layers) -> Tagged {
        Tagged {
            state: state.clone(),
            layers,
        }
    }
}

/// `route` with ETag/304 on its GET and HEAD responses, made of `layers`.
pub fn cached(
    route: MethodRouter<AppState>,
    state: &AppState,
    layers: Layers,
) -> MethodRouter<AppState> {
    route.route_layer(axum::middleware::from_fn_with_state(
        Tagged::new(state, layers),
        middleware,
    ))
}

/// Every route of `router` with ETag/304 on its GET and HEAD responses, made of `layers`.
pub fn cached_router(
    router: Router<AppState>,
    state: &AppState,
    layers: Layers,
) -> Router<AppState> {
    router.route_layer(axum::middleware::from_fn_with_state(
        Tagged::new(state, layers),
        middleware,
    ))
}

/// Request headers that change a response's links (OGC documents link to themselves as
/// the client reached them), so enter its tag.
const LINK_HEADERS: [&str; 3] = ["host", "x-forwarded-host", "x-forwarded-proto"];

/// The weak ETag of a response to `uri` (requested with `headers`) made of `layers` at
/// `versions`, for `caller`. A scoped caller's view also depends on the region tree and
/// the grids (which decide what the scope covers), so their versions enter too.
pub fn etag(
    versions: &LayerVersions,
    layers: &[Layer],
    uri: &str,
    headers: &HeaderMap,
    caller: &Caller,
) -> String {
    // Fixed keys: the same tag from every process and replica of one build.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    versions.epoch.hash(&mut h);
    for layer in layers {
        layer.revision_name().hash(&mut h);
        versions.of(*layer).hash(&mut h);
    }
    uri.hash(&mut h);
    for name in LINK_HEADERS {
        headers.get(name).map(HeaderValue::as_bytes).hash(&mut h);
    }
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

/// The middleware: for a GET or HEAD of a layer response, identifies the caller (401
/// before anything else), reads the layer versions, answers 304 when the client's copy
/// is current, and otherwise runs the handler and tags its 200 or 204 response.
async fn middleware(
    State(Tagged { state, layers }): State<Tagged>,
    req: Request,
    next: Next,
) -> Response {
    if !(req.method() == Method::GET || req.method() == Method::HEAD) {
        return next.run(req).await;
    }
    let Some(layers) = layers.of(req.uri().path()) else {
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
    let tag = etag(&versions, layers, uri, &parts.headers, &caller);
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
    fn layers_are_fixed_or_decided_by_the_path() {
        assert_eq!(Layers::Fixed(SUMMARY).of("/anything"), Some(SUMMARY));
        let by_path = Layers::ByPath(|p| p.ends_with("/grids").then_some(&[Grids][..]));
        assert_eq!(by_path.of("/api/grids"), Some(&[Grids][..]));
        assert_eq!(by_path.of("/api/buildings"), None);
    }

    #[test]
    fn the_tag_follows_the_host_the_links_are_made_of() {
        let caller = Caller {
            principal: std::sync::Arc::new(crate::auth::Principal {
                user_id: 1,
                username: "a".into(),
                role: crate::auth::Role::Viewer,
                scope: crate::auth::Scope::all(),
            }),
            remote: None,
        };
        let versions = LayerVersions::default();
        let tag = |host: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_static(host));
            etag(&versions, &[Grids], "/ogc/collections", &h, &caller)
        };
        assert_eq!(tag("a.example"), tag("a.example"));
        assert_ne!(tag("a.example"), tag("b.example"));
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
