//! OGC API – Features under `/ogc`: Part 1 core (landing page, conformance, OpenAPI 3.0
//! document, collections, items with bbox, paging and property filters, single items),
//! Part 2 (output, bbox and body CRSs) and Part 4 (create, replace, update and delete
//! grids).
//!
//! Owns the OGC documents and the translation of OGC parameters into
//! [`FeatureQuery`](crate::store::FeatureQuery); reads and writes go through the
//! [`store`](crate::store) only, coordinates through [`crate::crs`]. Errors are the API's
//! JSON errors ([`ApiError`](crate::api::ApiError)).

mod collections;
mod conformance;
pub mod crs;
mod items;
mod landing;
mod openapi;
mod scope;
mod transactions;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use crate::api::AppState;
use crate::store::Layer;

pub use collections::{Collection, COLLECTIONS};

/// Default number of features per page.
pub const DEFAULT_LIMIT: i64 = 100;
/// Largest page a client may ask for.
pub const MAX_LIMIT: i64 = 10_000;

/// Media type of JSON documents.
pub const JSON: &str = "application/json";
/// Media type of features and feature collections.
pub const GEOJSON: &str = "application/geo+json";
/// Media type of the OpenAPI document.
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";

/// The routes under `/ogc` (merged into the application router); the landing page
/// answers at `/ogc` and `/ogc/` (OWSLib asks for the latter).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing::landing))
        .route("/ogc/", get(landing::landing))
        .route("/ogc/conformance", get(conformance::conformance))
        .route("/ogc/api", get(openapi::document))
        .route("/ogc/collections", get(collections::list))
        .route("/ogc/collections/{collection_id}", get(collections::one))
        .route(
            "/ogc/collections/{collection_id}/items",
            get(items::items)
                .post(transactions::create)
                .options(transactions::options_items),
        )
        .route(
            "/ogc/collections/{collection_id}/items/{feature_id}",
            get(items::item)
                .put(transactions::replace)
                .patch(transactions::update)
                .delete(transactions::delete)
                .options(transactions::options_item),
        )
}

/// The layers an OGC GET response at `path` is made of, for the ETag/304 middleware
/// ([`crate::api`]'s cache): items of a collection follow its layer (grids also their
/// buildings' totals), collection documents every layer (their extents); the landing
/// page, conformance and API definition are not layer responses.
pub fn cached_layers(path: &str) -> Option<&'static [Layer]> {
    use Layer::*;
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let layers_of = |id: &str| -> Option<&'static [Layer]> {
        Some(match id {
            "communities" | "streets" | "districts" => &[Regions],
            "grids" => &[Grids, Buildings],
            "buildings" => &[Buildings],
            "cameras" => &[Cameras],
            _ => return None,
        })
    };
    match parts.as_slice() {
        ["ogc", "collections"] | ["ogc", "collections", _] => {
            Some(&[Regions, Grids, Buildings, Cameras])
        }
        ["ogc", "collections", id, "items"] | ["ogc", "collections", id, "items", _] => {
            layers_of(id)
        }
        _ => None,
    }
}

/// The absolute URL of `/ogc` as the client reached it (Host, X-Forwarded-Proto/Host).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(',').next().unwrap_or(s).trim().to_string())
    };
    let proto = get("x-forwarded-proto").unwrap_or_else(|| "http".into());
    let host = get("x-forwarded-host")
        .or_else(|| get("host"))
        .unwrap_or_else(|| "localhost".into());
    format!("{proto}://{host}/ogc")
}

/// A link object.
pub(crate) fn link(href: impl Into<String>, rel: &str, media: &str, title: &str) -> Value {
    serde_json::json!({ "href": href.into(), "rel": rel, "type": media, "title": title })
}

/// A JSON body with status, media type and extra headers.
pub(crate) fn respond(
    status: StatusCode,
    media: &str,
    body: &Value,
    extra: &[(header::HeaderName, String)],
) -> Response {
    let mut r = (status, body.to_string()).into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media) {
        h.insert(header::CONTENT_TYPE, v);
    }
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name.clone(), v);
        }
    }
    r
}

/// Percent-encodes a query component (everything but the RFC 3986 unreserved characters).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `f` parameter: only JSON encodings are offered.
pub(crate) fn check_format(value: Option<&str>) -> Result<(), crate::api::ApiError> {
    match value {
        None | Some("json" | "geojson" | "application/json" | "application/geo+json") => Ok(()),
        Some(other) => Err(crate::api::ApiError::BadRequest(format!(
            "f={other:?} is not offered: use f=json (JSON and GeoJSON only)"
        ))),
    }
}

/// Refuses any parameter outside `allowed`, and repeated parameters.
pub(crate) fn check_parameters(
    params: &[(String, String)],
    allowed: &[&str],
) -> Result<(), crate::api::ApiError> {
    for (i, (name, _)) in params.iter().enumerate() {
        if !allowed.contains(&name.as_str()) {
            return Err(crate::api::ApiError::BadRequest(format!(
                "unknown parameter {name:?}; this resource takes {}",
                allowed.join(", ")
            )));
        }
        if params[..i].iter().any(|(n, _)| n == name) {
            return Err(crate::api::ApiError::BadRequest(format!(
                "parameter {name:?} is given more than once"
            )));
        }
    }
    Ok(())
}

/// The value of parameter `name`.
pub(crate) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_paths_map_to_their_layers() {
        assert_eq!(
            cached_layers("/ogc/collections/buildings/items"),
            Some(&[Layer::Buildings][..])
        );
        assert_eq!(
            cached_layers("/ogc/collections/streets/items/3"),
            Some(&[Layer::Regions][..])
        );
        assert_eq!(
            cached_layers("/ogc/collections").map(<[Layer]>::len),
            Some(4)
        );
        assert_eq!(cached_layers("/ogc/collections/nope/items"), None);
        assert_eq!(cached_layers("/ogc/conformance"), None);
    }

    #[test]
    fn encoding_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(encode("a-b_c.d~1"), "a-b_c.d~1");
        assert_eq!(encode("1,2 3/网"), "1%2C2%203%2F%E7%BD%91");
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let p = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        assert!(check_parameters(&p(&[("f", "json")]), &["f"]).is_ok());
        assert!(check_parameters(&p(&[("g", "json")]), &["f"]).is_err());
        assert!(check_parameters(&p(&[("f", "json"), ("f", "json")]), &["f"]).is_err());
    }
}
