//! `GET /ogc/collections/{id}/items` (paged GeoJSON with bbox, property filters and
//! output CRS) and `GET /ogc/collections/{id}/items/{fid}`; the GeoJSON form of every
//! layer's records.

use std::collections::HashMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use geo::Geometry;
use serde_json::{json, Map, Value};

use super::collections::{find, Collection};
use super::crs::{bbox_to_storage, from_storage, OgcCrs};
use super::{
    base_url, check_format, check_parameters, encode, link, param, respond, DEFAULT_LIMIT, GEOJSON,
    JSON, MAX_LIMIT,
};
use crate::api::{ApiError, AppState};
use crate::store::{FeatureLayer, FeatureQuery, GridTotals, LayerFeatures};

/// The `Content-Crs` response header.
pub fn content_crs() -> HeaderName {
    HeaderName::from_static("content-crs")
}

/// Parameters every items request takes besides the collection's queryables.
const COMMON: [&str; 6] = ["f", "bbox", "bbox-crs", "limit", "offset", "crs"];

/// The parsed parameters of an items request.
#[derive(Debug)]
struct ItemsRequest {
    query: FeatureQuery,
    crs: OgcCrs,
}

fn parse_int(params: &[(String, String)], name: &str) -> Result<Option<i64>, ApiError> {
    param(params, name)
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                ApiError::BadRequest(format!("parameter {name}={v:?} is not an integer"))
            })
        })
        .transpose()
}

/// The output CRS named by `crs`, CRS84 when absent.
pub fn output_crs(params: &[(String, String)]) -> Result<OgcCrs, ApiError> {
    match param(params, "crs") {
        None => Ok(OgcCrs::Crs84),
        Some(v) => OgcCrs::parse(v).map_err(|e| ApiError::BadRequest(format!("crs: {e}"))),
    }
}

/// Parses `bbox` (4 or 6 numbers in the axis order of `bbox-crs`, default CRS84) into
/// CRS84 `[minlon, minlat, maxlon, maxlat]`.
fn parse_bbox(text: &str, crs_text: Option<&str>) -> Result<[f64; 4], ApiError> {
    let bad = |why: String| ApiError::BadRequest(format!("bbox={text:?}: {why}"));
    let crs = match crs_text {
        None => OgcCrs::Crs84,
        Some(c) => OgcCrs::parse(c).map_err(|e| ApiError::BadRequest(format!("bbox-crs: {e}")))?,
    };
    let numbers = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<Vec<f64>, _>>()
        .map_err(|_| bad("not a comma-separated list of numbers".into()))?;
    if numbers.iter().any(|n| !n.is_finite()) {
        return Err(bad("a number is not finite".into()));
    }
    let b = match numbers[..] {
        [a, b, c, d] => [a, b, c, d],
        // 3D box: lower corner x, y, z, upper corner x, y, z.
        [a, b, _, d, e, _] => [a, b, d, e],
        _ => {
            return Err(bad(format!(
                "expected 4 numbers (or 6 with heights), found {}",
                numbers.len()
            )))
        }
    };
    if b[0] > b[2] || b[1] > b[3] {
        return Err(bad(
            "the lower corner is above or right of the upper corner (boxes across the antimeridian are not supported)"
                .into(),
        ));
    }
    let out =
        bbox_to_storage(b, crs).map_err(|e| bad(format!("not a box in {}: {e}", crs.uri())))?;
    if !(-180.0..=180.0).contains(&out[0])
        || !(-180.0..=180.0).contains(&out[2])
        || !(-90.0..=90.0).contains(&out[1])
        || !(-90.0..=90.0).contains(&out[3])
    {
        return Err(bad(format!(
            "outside the longitude/latitude range of {}",
            crs.uri()
        )));
    }
    Ok(out)
}

fn parse_items_request(
    c: &Collection,
    params: &[(String, String)],
) -> Result<ItemsRequest, ApiError> {
    let mut allowed: Vec<&str> = COMMON.to_vec();
    allowed.extend(c.queryables.iter().map(|q| q.name));
    check_parameters(params, &allowed)?;
    check_format(param(params, "f"))?;
    let limit = parse_int(params, "limit")?.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit={limit} is out of range: it must be between 1 and {MAX_LIMIT}"
        )));
    }
    let offset = parse_int(params, "offset")?.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::BadRequest(format!(
            "offset={offset} is out of range: it must be 0 or more"
        )));
    }
    if param(params, "bbox-crs").is_some() && param(params, "bbox").is_none() {
        return Err(ApiError::BadRequest(
            "bbox-crs is given without bbox".to_string(),
        ));
    }
    let bbox = param(params, "bbox")
        .map(|b| parse_bbox(b, param(params, "bbox-crs")))
        .transpose()?;
    let mut filters = Vec::new();
    for qb in c.queryables {
        if let Some(v) = param(params, qb.name) {
            filters.push(qb.filter(v).map_err(ApiError::BadRequest)?);
        }
    }
    Ok(ItemsRequest {
        query: FeatureQuery {
            bbox,
            filters,
            limit,
            offset,
            ..Default::default()
        },
        crs: output_crs(params)?,
    })
}

fn geometry_json(g: &Geometry<f64>, crs: OgcCrs) -> Result<Value, ApiError> {
    let converted = from_storage(g, crs).map_err(|e| {
        ApiError::BadRequest(format!("cannot express a feature in {}: {e}", crs.uri()))
    })?;
    Ok(serde_json::to_value(geojson::Geometry::from(&converted)).unwrap_or(Value::Null))
}

fn feature_json(id: i64, properties: Value, geometry: Value) -> Value {
    json!({ "type": "Feature", "id": id, "geometry": geometry, "properties": properties })
}

/// Every feature of `features` as GeoJSON in `crs` (grids with their totals).
pub fn features_json(
    features: &LayerFeatures,
    crs: OgcCrs,
    totals: &HashMap<i64, GridTotals>,
) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::with_capacity(features.len());
    match features {
        LayerFeatures::Regions(list) => {
            for r in list {
                let props = json!({
                    "name": r.name, "code": r.code, "level": r.level, "parent_id": r.parent_id,
                    "source": r.source, "source_id": r.source_id,
                });
                let g = geometry_json(&Geometry::MultiPolygon(r.boundary.clone()), crs)?;
                out.push(feature_json(r.id, props, g));
            }
        }
        LayerFeatures::Grids(list) => {
            for gr in list {
                let t = totals.get(&gr.id).copied().unwrap_or_default();
                let props = json!({
                    "code": gr.code, "name": gr.name, "kind": gr.kind,
                    "community_id": gr.community_id, "plan_id": gr.plan_id,
                    "provisional": gr.provisional,
                    "buildings": t.buildings, "households": t.households,
                });
                let g = geometry_json(&Geometry::MultiPolygon(gr.boundary.clone()), crs)?;
                out.push(feature_json(gr.id, props, g));
            }
        }
        LayerFeatures::Buildings(list) => {
            for b in list {
                let props = json!({
                    "community_id": b.community_id, "grid_id": b.grid_id,
                    "source": b.source, "source_id": b.source_id, "name": b.name,
                    "road": b.address.road, "house_number": b.address.house_number,
                    "compound": b.address.compound, "building_no": b.address.building_no,
                    "floors": b.floors, "height_m": b.height_m, "units": b.units,
                    "building_use": b.building_use, "building_type": b.building_type,
                    "households": b.households, "households_estimated": b.households_estimated,
                });
                let g = geometry_json(&Geometry::MultiPolygon(b.footprint.clone()), crs)?;
                out.push(feature_json(b.id, props, g));
            }
        }
        LayerFeatures::Cameras(list) => {
            for cam in list {
                let props = json!({
                    "source_id": cam.source_id, "name": cam.name, "class": cam.class,
                    "direction_deg": cam.direction_deg, "fov_deg": cam.fov_deg,
                    "range_m": cam.range_m, "stream_url": cam.stream_url, "status": cam.status,
                });
                let g = geometry_json(&Geometry::Point(cam.location), crs)?;
                out.push(feature_json(cam.id, props, g));
            }
        }
    }
    Ok(out)
}

/// Grid totals when the layer is grids (empty otherwise).
pub async fn totals_for(
    state: &AppState,
    layer: FeatureLayer,
) -> Result<HashMap<i64, GridTotals>, ApiError> {
    Ok(if layer == FeatureLayer::Grids {
        state.store.grid_totals().await?
    } else {
        HashMap::new()
    })
}

/// The query string of `params` with `offset` replaced.
fn with_offset(params: &[(String, String)], offset: i64) -> String {
    let mut parts: Vec<String> = params
        .iter()
        .filter(|(n, _)| n != "offset")
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    parts.join("&")
}

/// `GET /ogc/collections/{id}/items`.
pub async fn items(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let Query(params) = params?;
    let c = find(&id)?;
    let mut req = parse_items_request(c, &params)?;
    super::scope::restrict(&state, &caller, c.layer, &mut req.query).await?;
    let page = state.store.feature_page(c.layer, &req.query).await?;
    let totals = totals_for(&state, c.layer).await?;
    let features = features_json(&page.features, req.crs, &totals)?;
    let returned = features.len() as i64;
    let items_url = format!("{}/collections/{}/items", base_url(&headers), c.id);
    let url = |q: String| {
        if q.is_empty() {
            items_url.clone()
        } else {
            format!("{items_url}?{q}")
        }
    };
    let (limit, offset) = (req.query.limit, req.query.offset);
    let mut links = vec![
        link(
            url(with_offset(&params, offset)),
            "self",
            GEOJSON,
            "This page",
        ),
        link(
            format!("{}/collections/{}", base_url(&headers), c.id),
            "collection",
            JSON,
            c.title,
        ),
    ];
    if offset + returned < page.matched {
        links.push(link(
            url(with_offset(&params, offset + returned)),
            "next",
            GEOJSON,
            "Next page",
        ));
    }
    if offset > 0 {
        links.push(link(
            url(with_offset(&params, (offset - limit).max(0))),
            "prev",
            GEOJSON,
            "Previous page",
        ));
    }
    let body = json!({
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": page.matched,
        "numberReturned": returned,
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
    });
    Ok(respond(
        StatusCode::OK,
        GEOJSON,
        &body,
        &[(content_crs(), req.crs.header())],
    ))
}

/// The feature `fid` of collection `c` as GeoJSON in `crs`, or 404.
pub async fn one_feature(
    state: &AppState,
    c: &Collection,
    fid: &str,
    crs: OgcCrs,
) -> Result<Map<String, Value>, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "feature",
        id: format!("{fid} of collection {}", c.id),
    };
    let id: i64 = fid.parse().map_err(|_| not_found())?;
    let found = state
        .store
        .layer_feature(c.layer, id)
        .await?
        .ok_or_else(not_found)?;
    let totals = totals_for(state, c.layer).await?;
    let mut list = features_json(&found, crs, &totals)?;
    match list.pop() {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(not_found()),
    }
}

/// `GET /ogc/collections/{id}/items/{fid}`.
pub async fn item(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    headers: HeaderMap,
    ids: Result<Path<(String, String)>, PathRejection>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path((id, fid)) = ids?;
    let Query(params) = params?;
    let c = find(&id)?;
    check_parameters(&params, &["f", "crs"])?;
    check_format(param(&params, "f"))?;
    let crs = output_crs(&params)?;
    super::scope::check_item(&state, &caller, c.layer, c.id, &fid).await?;
    let mut f = one_feature(&state, c, &fid, crs).await?;
    let base = base_url(&headers);
    f.insert(
        "links".into(),
        json!([
            link(
                format!("{base}/collections/{}/items/{fid}", c.id),
                "self",
                GEOJSON,
                "This feature"
            ),
            link(
                format!("{base}/collections/{}", c.id),
                "collection",
                JSON,
                c.title
            ),
        ]),
    );
    Ok(respond(
        StatusCode::OK,
        GEOJSON,
        &Value::Object(f),
        &[(content_crs(), crs.header())],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_parsing_names_the_problem() {
        assert_eq!(
            parse_bbox("104,30,105,31", None).unwrap(),
            [104.0, 30.0, 105.0, 31.0]
        );
        assert_eq!(
            parse_bbox("30,104,31,105", Some("EPSG:4326")).unwrap(),
            [104.0, 30.0, 105.0, 31.0]
        );
        assert_eq!(
            parse_bbox("104,30,0,105,31,10", None).unwrap(),
            [104.0, 30.0, 105.0, 31.0]
        );
        for bad in ["1,2,3", "a,b,c,d", "3,2,1,4", "1,2,300,4", "1,2,NaN,4"] {
            let e = parse_bbox(bad, None).unwrap_err().to_string();
            assert!(e.contains("bbox"), "{bad}: {e}");
        }
        assert!(parse_bbox("1,2,3,4", Some("EPSG:9999")).is_err());
    }

    #[test]
    fn paging_links_keep_the_other_parameters() {
        let p = vec![
            ("limit".to_string(), "5".to_string()),
            ("offset".to_string(), "10".to_string()),
            ("bbox".to_string(), "1,2,3,4".to_string()),
        ];
        assert_eq!(with_offset(&p, 15), "limit=5&bbox=1%2C2%2C3%2C4&offset=15");
        assert_eq!(with_offset(&p, 0), "limit=5&bbox=1%2C2%2C3%2C4");
    }
}
