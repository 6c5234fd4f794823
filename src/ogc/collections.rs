//! The six collections (communities, streets, districts, grids, buildings, cameras): their
//! definitions and queryable properties, and `GET /ogc/collections[/{id}]`.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use strum::VariantArray;

use super::crs::{OgcCrs, ALL};
use super::{base_url, check_format, check_parameters, link, param, respond, GEOJSON, JSON};
use crate::api::{ApiError, AppState};
use crate::auth::Caller;
use crate::model::{BuildingUse, CameraClass, CameraStatus, GridKind};
use crate::store::{FeatureLayer, FeatureQuery, PropertyFilter};

/// What values a queryable property takes.
#[derive(Debug, Clone, Copy)]
pub enum QueryableKind {
    Integer,
    Text,
    /// One of a fixed list of words.
    Values(fn() -> Vec<&'static str>),
}

/// A property clients may filter on with `?name=value`.
#[derive(Debug, Clone, Copy)]
pub struct Queryable {
    pub name: &'static str,
    pub kind: QueryableKind,
    pub description: &'static str,
}

/// A feature collection.
#[derive(Debug, Clone, Copy)]
pub struct Collection {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub layer: FeatureLayer,
    /// GeoJSON geometry type of every feature.
    pub geometry: &'static str,
    pub queryables: &'static [Queryable],
    /// Whether Part 4 (create, replace, update, delete) applies.
    pub writable: bool,
}

fn words<T: VariantArray + Copy + Into<&'static str>>() -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| (*v).into()).collect()
}

const fn q(name: &'static str, kind: QueryableKind, description: &'static str) -> Queryable {
    Queryable {
        name,
        kind,
        description,
    }
}

const REGION_QUERYABLES: [Queryable; 3] = [
    q("code", QueryableKind::Text, "administrative code"),
    q("name", QueryableKind::Text, "name"),
    q(
        "parent_id",
        QueryableKind::Integer,
        "id of the parent region",
    ),
];

/// Every collection, in the order of `/ogc/collections`.
pub const COLLECTIONS: [Collection; 6] = [
    Collection {
        id: "communities",
        title: "Communities (社区)",
        description: "Communities and villages, each divided into grids.",
        layer: FeatureLayer::Communities,
        geometry: "MultiPolygon",
        queryables: &REGION_QUERYABLES,
        writable: false,
    },
    Collection {
        id: "streets",
        title: "Streets (街道)",
        description: "Sub-districts (街道/乡镇), each holding communities.",
        layer: FeatureLayer::Streets,
        geometry: "MultiPolygon",
        queryables: &REGION_QUERYABLES,
        writable: false,
    },
    Collection {
        id: "districts",
        title: "Districts (区县)",
        description: "Districts, each holding streets.",
        layer: FeatureLayer::Districts,
        geometry: "MultiPolygon",
        queryables: &REGION_QUERYABLES,
        writable: false,
    },
    Collection {
        id: "grids",
        title: "Grids (网格)",
        description: "The grids in force (of each community's published plan), with their building and household totals. Editable (OGC API – Features Part 4).",
        layer: FeatureLayer::Grids,
        geometry: "MultiPolygon",
        queryables: &[
            q("code", QueryableKind::Text, "grid code (community code + 3 digits)"),
            q("name", QueryableKind::Text, "grid name"),
            q("community_id", QueryableKind::Integer, "id of the community"),
            q("kind", QueryableKind::Values(words::<GridKind>), "kind of grid"),
        ],
        writable: true,
    },
    Collection {
        id: "buildings",
        title: "Buildings (楼栋)",
        description: "Buildings with their address, community, grid and household count.",
        layer: FeatureLayer::Buildings,
        geometry: "MultiPolygon",
        queryables: &[
            q("grid_id", QueryableKind::Integer, "id of the grid in force"),
            q("community_id", QueryableKind::Integer, "id of the community"),
            q("building_use", QueryableKind::Values(words::<BuildingUse>), "main use"),
        ],
        writable: false,
    },
    Collection {
        id: "cameras",
        title: "Cameras (视频监控)",
        description: "Surveillance cameras with their priority class, direction and status.",
        layer: FeatureLayer::Cameras,
        geometry: "Point",
        queryables: &[
            q("class", QueryableKind::Values(words::<CameraClass>), "priority class"),
            q("status", QueryableKind::Values(words::<CameraStatus>), "operating status"),
        ],
        writable: false,
    },
];

/// The collection `id`, or 404.
pub fn find(id: &str) -> Result<&'static Collection, ApiError> {
    COLLECTIONS
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::NotFound {
            what: "collection",
            id: id.to_string(),
        })
}

impl Queryable {
    /// The filter `name=value`, or a message saying why `value` is not acceptable.
    pub fn filter(&self, value: &str) -> Result<PropertyFilter, String> {
        let int = || {
            value
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("parameter {}={value:?} is not an integer", self.name))
        };
        let word = |allowed: Vec<&'static str>| {
            if allowed.contains(&value) {
                Ok(value)
            } else {
                Err(format!(
                    "parameter {}={value:?} is not one of {}",
                    self.name,
                    allowed.join(", ")
                ))
            }
        };
        let parse_word = |allowed: fn() -> Vec<&'static str>| word(allowed()).map(str::to_string);
        Ok(match (self.name, self.kind) {
            ("code", _) => PropertyFilter::Code(value.to_string()),
            ("name", _) => PropertyFilter::Name(value.to_string()),
            ("parent_id", _) => PropertyFilter::ParentId(int()?),
            ("community_id", _) => PropertyFilter::CommunityId(int()?),
            ("grid_id", _) => PropertyFilter::GridId(int()?),
            ("kind", QueryableKind::Values(v)) => {
                PropertyFilter::GridKind(parse_word(v)?.parse().map_err(|_| "kind".to_string())?)
            }
            ("building_use", QueryableKind::Values(v)) => PropertyFilter::BuildingUse(
                parse_word(v)?
                    .parse()
                    .map_err(|_| "building_use".to_string())?,
            ),
            ("class", QueryableKind::Values(v)) => PropertyFilter::CameraClass(
                parse_word(v)?.parse().map_err(|_| "class".to_string())?,
            ),
            ("status", QueryableKind::Values(v)) => PropertyFilter::CameraStatus(
                parse_word(v)?.parse().map_err(|_| "status".to_string())?,
            ),
            (name, _) => return Err(format!("parameter {name} cannot be filtered on")),
        })
    }

    /// The JSON schema of the parameter.
    pub fn schema(&self) -> Value {
        match self.kind {
            QueryableKind::Integer => json!({ "type": "integer" }),
            QueryableKind::Text => json!({ "type": "string" }),
            QueryableKind::Values(v) => json!({ "type": "string", "enum": v() }),
        }
    }
}

/// The collection document for `caller`: its extent covers the part they may see.
async fn describe(
    state: &AppState,
    caller: &Caller,
    c: &Collection,
    base: &str,
) -> Result<Value, ApiError> {
    let mut seen = FeatureQuery::default();
    super::scope::restrict(state, caller, c.layer, &mut seen).await?;
    let extent = state.store.layer_extent(c.layer, &seen).await?;
    let items = format!("{base}/collections/{}/items", c.id);
    let mut doc = json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": ALL.map(OgcCrs::uri),
        "storageCrs": OgcCrs::Crs84.uri(),
        "links": [
            link(format!("{base}/collections/{}", c.id), "self", JSON, c.title),
            link(&items, "items", GEOJSON, &format!("{} as GeoJSON", c.title)),
        ],
    });
    if let Some(b) = extent {
        doc["extent"] = json!({
            "spatial": { "bbox": [b], "crs": OgcCrs::Crs84.uri() }
        });
    }
    Ok(doc)
}

/// `GET /ogc/collections`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    check_parameters(&params, &["f"])?;
    check_format(param(&params, "f"))?;
    let base = base_url(&headers);
    let mut collections = Vec::new();
    for c in &COLLECTIONS {
        collections.push(describe(&state, &caller, c, &base).await?);
    }
    let body = json!({
        "links": [link(format!("{base}/collections"), "self", JSON, "The collections")],
        "crs": ALL.map(OgcCrs::uri),
        "collections": collections,
    });
    Ok(respond(StatusCode::OK, JSON, &body, &[]))
}

/// `GET /ogc/collections/{id}`.
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let Query(params) = params?;
    let c = find(&id)?;
    check_parameters(&params, &["f"])?;
    check_format(param(&params, "f"))?;
    let body = describe(&state, &caller, c, &base_url(&headers)).await?;
    Ok(respond(StatusCode::OK, JSON, &body, &[]))
}
