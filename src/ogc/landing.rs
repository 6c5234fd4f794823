//! `GET /ogc`: the landing page, linking the API definition, conformance and data.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::{
    base_url, check_format, check_parameters, link, param, respond, GEOJSON, JSON, OPENAPI,
};
use crate::api::ApiError;

/// `GET /ogc`.
pub async fn landing(
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    check_parameters(&params, &["f"])?;
    check_format(param(&params, "f"))?;
    let base = base_url(&headers);
    let body = json!({
        "title": "wangge 网格",
        "description": "Grid-based community governance: districts, streets, communities, grids, buildings and cameras as OGC API – Features (Parts 1, 2 and 4).",
        "links": [
            link(&base, "self", JSON, "This document"),
            link(format!("{base}/api"), "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
            link(format!("{base}/conformance"), "conformance", JSON, "Conformance classes implemented"),
            link(format!("{base}/collections"), "data", JSON, "The feature collections"),
            link(format!("{base}/collections/grids/items"), "item", GEOJSON, "Grids in force"),
        ],
    });
    Ok(respond(StatusCode::OK, JSON, &body, &[]))
}
