//! `GET /ogc/conformance`: the conformance classes wangge implements.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{check_format, check_parameters, param, respond, JSON};
use crate::api::ApiError;

/// Part 1 core, GeoJSON, OpenAPI 3.0; Part 2 CRS; Part 4 create/replace/delete, update
/// and the features class (for grids).
pub const CLASSES: [&str; 7] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

/// `GET /ogc/conformance`.
pub async fn conformance(
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    check_parameters(&params, &["f"])?;
    check_format(param(&params, "f"))?;
    Ok(respond(
        StatusCode::OK,
        JSON,
        &json!({ "conformsTo": CLASSES }),
        &[],
    ))
}
