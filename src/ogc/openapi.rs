//! `GET /ogc/api`: the OpenAPI 3.0 definition of the OGC API, generated from the
//! collection table so every collection's property filters, the `limit` default and
//! maximum, the CRSs and the Part 4 operations on grids are declared.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::collections::COLLECTIONS;
use super::crs::{OgcCrs, ALL};
use super::{
    base_url, check_format, check_parameters, param, respond, DEFAULT_LIMIT, GEOJSON, JSON,
    MAX_LIMIT, OPENAPI,
};
use crate::api::ApiError;

fn response(description: &str, media: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { media: { "schema": schema } } })
}

fn error_responses() -> Value {
    json!({
        "400": { "$ref": "#/components/responses/BadRequest" },
        "404": { "$ref": "#/components/responses/NotFound" },
        "500": { "$ref": "#/components/responses/ServerError" },
    })
}

fn with_errors(mut ok: Map<String, Value>) -> Value {
    if let Value::Object(errors) = error_responses() {
        ok.extend(errors);
    }
    Value::Object(ok)
}

fn simple_get(summary: &str, id: &str, ok: Value) -> Value {
    let mut responses = Map::new();
    responses.insert("200".into(), ok);
    json!({ "get": {
        "summary": summary,
        "operationId": id,
        "parameters": [{ "$ref": "#/components/parameters/f" }],
        "responses": with_errors(responses),
    }})
}

/// The whole document, with `server` as its server URL.
pub fn definition(server: &str) -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/".into(),
        simple_get(
            "Landing page",
            "getLandingPage",
            response(
                "Links to the API definition, conformance and data",
                JSON,
                json!({ "type": "object" }),
            ),
        ),
    );
    paths.insert(
        "/conformance".into(),
        simple_get(
            "Conformance classes",
            "getConformance",
            response("The conformance classes", JSON, json!({ "type": "object" })),
        ),
    );
    paths.insert(
        "/api".into(),
        simple_get(
            "This API definition",
            "getApi",
            response("OpenAPI 3.0 document", OPENAPI, json!({ "type": "object" })),
        ),
    );
    paths.insert(
        "/collections".into(),
        simple_get(
            "The feature collections",
            "getCollections",
            response("The collections", JSON, json!({ "type": "object" })),
        ),
    );
    for c in &COLLECTIONS {
        let ok = |what: &str| response(what, JSON, json!({ "type": "object" }));
        paths.insert(
            format!("/collections/{}", c.id),
            simple_get(
                &format!("Describes {}", c.id),
                &format!("describe_{}", c.id),
                ok(c.title),
            ),
        );
        let mut parameters = vec![
            json!({ "$ref": "#/components/parameters/f" }),
            json!({ "$ref": "#/components/parameters/bbox" }),
            json!({ "$ref": "#/components/parameters/bbox-crs" }),
            json!({ "$ref": "#/components/parameters/limit" }),
            json!({ "$ref": "#/components/parameters/offset" }),
            json!({ "$ref": "#/components/parameters/crs" }),
        ];
        for q in c.queryables {
            parameters.push(json!({
                "name": q.name,
                "in": "query",
                "description": format!("Only features whose {} equals this value ({})", q.name, q.description),
                "required": false,
                "style": "form",
                "explode": false,
                "schema": q.schema(),
            }));
        }
        let mut items_ok = Map::new();
        items_ok.insert(
            "200".into(),
            response(
                &format!("{} as a GeoJSON FeatureCollection", c.title),
                GEOJSON,
                json!({ "$ref": "#/components/schemas/featureCollectionGeoJSON" }),
            ),
        );
        let mut items = json!({ "get": {
            "summary": format!("Features of {}", c.id),
            "operationId": format!("getFeatures_{}", c.id),
            "tags": [c.id],
            "parameters": parameters,
            "responses": with_errors(items_ok),
        }});
        let mut item_ok = Map::new();
        item_ok.insert(
            "200".into(),
            response(
                "One feature",
                GEOJSON,
                json!({ "$ref": "#/components/schemas/featureGeoJSON" }),
            ),
        );
        let mut item = json!({ "get": {
            "summary": format!("One feature of {}", c.id),
            "operationId": format!("getFeature_{}", c.id),
            "tags": [c.id],
            "parameters": [
                { "$ref": "#/components/parameters/featureId" },
                { "$ref": "#/components/parameters/f" },
                { "$ref": "#/components/parameters/crs" },
            ],
            "responses": with_errors(item_ok),
        }});
        if c.writable {
            let body = json!({
                "required": true,
                "description": "A GeoJSON Feature: Polygon or MultiPolygon geometry in the CRS of the Content-Crs header (CRS84 when absent); properties code, name, kind (standard, virtual, rural) and community_id.",
                "content": {
                    GEOJSON: { "schema": { "$ref": "#/components/schemas/featureGeoJSON" } },
                    JSON: { "schema": { "$ref": "#/components/schemas/featureGeoJSON" } },
                },
            });
            let written = |code: &str, what: &str| {
                let mut m = Map::new();
                m.insert(
                    code.into(),
                    response(
                        what,
                        GEOJSON,
                        json!({ "$ref": "#/components/schemas/featureGeoJSON" }),
                    ),
                );
                m.insert(
                    "409".into(),
                    json!({ "$ref": "#/components/responses/Conflict" }),
                );
                with_errors(m)
            };
            items["post"] = json!({
                "summary": "Creates a grid in its community's published plan",
                "operationId": "createGrid",
                "tags": [c.id],
                "parameters": [{ "$ref": "#/components/parameters/contentCrs" }],
                "requestBody": body,
                "responses": written("201", "The created grid; Location names it"),
            });
            items["options"] = json!({
                "summary": "Allowed methods",
                "operationId": "optionsGrids",
                "responses": { "204": { "description": "The Allow header lists the methods" } },
            });
            item["put"] = json!({
                "summary": "Replaces a grid's geometry and properties",
                "operationId": "replaceGrid",
                "tags": [c.id],
                "parameters": [
                    { "$ref": "#/components/parameters/featureId" },
                    { "$ref": "#/components/parameters/contentCrs" },
                ],
                "requestBody": body,
                "responses": written("200", "The replaced grid"),
            });
            item["patch"] = json!({
                "summary": "Updates some properties and/or the geometry of a grid",
                "operationId": "updateGrid",
                "tags": [c.id],
                "parameters": [
                    { "$ref": "#/components/parameters/featureId" },
                    { "$ref": "#/components/parameters/contentCrs" },
                ],
                "requestBody": {
                    "required": true,
                    "content": {
                        GEOJSON: { "schema": { "type": "object" } },
                        "application/merge-patch+json": { "schema": { "type": "object" } },
                        JSON: { "schema": { "type": "object" } },
                    },
                },
                "responses": written("200", "The updated grid"),
            });
            let mut deleted = Map::new();
            deleted.insert("204".into(), json!({ "description": "Deleted" }));
            deleted.insert(
                "409".into(),
                json!({ "$ref": "#/components/responses/Conflict" }),
            );
            item["delete"] = json!({
                "summary": "Deletes a grid without buildings or workers",
                "operationId": "deleteGrid",
                "tags": [c.id],
                "parameters": [{ "$ref": "#/components/parameters/featureId" }],
                "responses": with_errors(deleted),
            });
            item["options"] = json!({
                "summary": "Allowed methods",
                "operationId": "optionsGrid",
                "parameters": [{ "$ref": "#/components/parameters/featureId" }],
                "responses": { "204": { "description": "The Allow header lists the methods" } },
            });
        }
        paths.insert(format!("/collections/{}/items", c.id), items);
        paths.insert(format!("/collections/{}/items/{{featureId}}", c.id), item);
    }
    let crs_uris: Vec<&str> = ALL.iter().map(|c| c.uri()).collect();
    let error = json!({
        "type": "object",
        "required": ["error", "status"],
        "properties": { "error": { "type": "string" }, "status": { "type": "integer" } },
    });
    let error_response =
        |d: &str| response(d, JSON, json!({ "$ref": "#/components/schemas/exception" }));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "wangge OGC API – Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Districts, streets, communities, grids, buildings and cameras of wangge. Parts 1 (core, GeoJSON, OpenAPI 3.0), 2 (CRS) and 4 (create, replace, update, delete on grids).",
            "license": { "name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0" },
        },
        "servers": [{ "url": server }],
        "paths": paths,
        "components": {
            "parameters": {
                "f": {
                    "name": "f", "in": "query", "required": false,
                    "description": "Encoding: JSON (GeoJSON for features) only",
                    "schema": { "type": "string", "enum": ["json", "geojson", "application/json", "application/geo+json"] },
                },
                "limit": {
                    "name": "limit", "in": "query", "required": false,
                    "description": format!("Features per page: {DEFAULT_LIMIT} by default, at most {MAX_LIMIT}; more is refused with 400"),
                    "style": "form", "explode": false,
                    "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT },
                },
                "offset": {
                    "name": "offset", "in": "query", "required": false,
                    "description": "Features to skip, in id order (the rel=next and rel=prev links carry it)",
                    "style": "form", "explode": false,
                    "schema": { "type": "integer", "minimum": 0, "default": 0 },
                },
                "bbox": {
                    "name": "bbox", "in": "query", "required": false,
                    "description": "Only features whose bounding box intersects this box: minx,miny,maxx,maxy (or 6 numbers with heights) in the axis order of bbox-crs (CRS84 longitude/latitude by default)",
                    "style": "form", "explode": false,
                    "schema": { "type": "array", "minItems": 4, "maxItems": 6, "items": { "type": "number" } },
                },
                "bbox-crs": {
                    "name": "bbox-crs", "in": "query", "required": false,
                    "description": "CRS of bbox",
                    "schema": { "type": "string", "format": "uri", "enum": crs_uris, "default": OgcCrs::Crs84.uri() },
                },
                "crs": {
                    "name": "crs", "in": "query", "required": false,
                    "description": "CRS of the response geometries (the Content-Crs header repeats it); EPSG:4326 and EPSG:4490 are latitude first",
                    "schema": { "type": "string", "format": "uri", "enum": crs_uris, "default": OgcCrs::Crs84.uri() },
                },
                "contentCrs": {
                    "name": "Content-Crs", "in": "header", "required": false,
                    "description": "CRS of the request body's geometry, as <URI>",
                    "schema": { "type": "string" },
                },
                "featureId": {
                    "name": "featureId", "in": "path", "required": true,
                    "description": "Integer id of the feature",
                    "schema": { "type": "integer" },
                },
            },
            "schemas": {
                "exception": error,
                "featureGeoJSON": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": { "type": "string", "enum": ["Feature"] },
                        "id": { "type": "integer" },
                        "geometry": { "type": "object", "nullable": true },
                        "properties": { "type": "object", "nullable": true },
                    },
                },
                "featureCollectionGeoJSON": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": { "type": "string", "enum": ["FeatureCollection"] },
                        "features": { "type": "array", "items": { "$ref": "#/components/schemas/featureGeoJSON" } },
                        "numberMatched": { "type": "integer", "minimum": 0 },
                        "numberReturned": { "type": "integer", "minimum": 0 },
                        "timeStamp": { "type": "string", "format": "date-time" },
                        "links": { "type": "array", "items": { "type": "object" } },
                    },
                },
            },
            "responses": {
                "BadRequest": error_response("A parameter or the body is malformed or out of range; the message says which and why"),
                "NotFound": error_response("No such collection or feature"),
                "Conflict": error_response("The edit conflicts with stored data: a code in use, an overlap with another grid of the plan, buildings or workers still assigned"),
                "ServerError": error_response("A server error"),
            },
        },
    })
}

/// `GET /ogc/api`.
pub async fn document(
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    check_parameters(&params, &["f"])?;
    check_format(param(&params, "f"))?;
    Ok(respond(
        StatusCode::OK,
        OPENAPI,
        &definition(&base_url(&headers)),
        &[],
    ))
}
