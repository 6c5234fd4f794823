//! Vector tiles and TileJSON over HTTP: `/tiles/{layer}/{z}/{x}/{y}.mvt` and
//! `/tiles/{layer}.json`. The tiles come from [`crate::tiles`]; the ETag middleware
//! ([`super::cache`]) has read the layer versions, which the snapshots must reach.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::store::{Layer, LayerVersions};
use crate::tiles::{TileError, TileLayer};

/// Media type of a Mapbox Vector Tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

impl From<TileError> for ApiError {
    fn from(e: TileError) -> Self {
        match e {
            TileError::UnknownLayer(name) => ApiError::NotFound {
                what: "tile layer",
                id: name,
            },
            TileError::OutOfRange { .. } => ApiError::BadRequest(e.to_string()),
            TileError::Store(s) => ApiError::Store(s),
        }
    }
}

/// The layer a `/tiles/{layer}…` path is made of, for the ETag middleware
/// ([`super::cache::Layers::ByPath`]); `None` for an unknown layer.
pub fn cached_layers(path: &str) -> Option<&'static [Layer]> {
    let name = path.strip_prefix("/tiles/")?.split(['/', '.']).next()?;
    Some(match TileLayer::parse(name)? {
        TileLayer::Grids => &[Layer::Grids],
        TileLayer::Buildings => &[Layer::Buildings],
    })
}

fn layer_of(name: &str) -> Result<TileLayer, ApiError> {
    TileLayer::parse(name).ok_or_else(|| TileError::UnknownLayer(name.to_string()).into())
}

/// The versions the middleware read, or read now.
async fn versions(
    state: &AppState,
    read: Option<Extension<LayerVersions>>,
) -> Result<LayerVersions, ApiError> {
    Ok(match read {
        Some(Extension(v)) => v,
        None => state.store.layer_versions().await?,
    })
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`: the tile (gzip when the client accepts it), or
/// 204 No Content for an empty tile (nothing there, or below the layer's minzoom); 400
/// for coordinates out of range, 404 for an unknown layer.
pub async fn tile(
    State(state): State<AppState>,
    caller: Caller,
    read: Option<Extension<LayerVersions>>,
    path: Result<Path<(String, String, String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((layer, z, x, y)) = path?;
    let layer = layer_of(&layer)?;
    let number = |what: &str, text: &str| {
        text.parse::<u32>().map_err(|_| {
            ApiError::BadRequest(format!(
                "tile {what} {text:?} is not a non-negative integer"
            ))
        })
    };
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(ApiError::BadRequest(format!(
            "tile {y:?} must end in .mvt (/tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt)"
        )));
    };
    let (z, x, y) = (number("z", &z)?, number("x", &x)?, number("y", y)?);
    let z = crate::tiles::check(z, x, y)?;
    let version = versions(&state, read).await?.of(layer.layer());
    let visible: Arc<crate::tiles::cut::Visible> = if caller.sees_all() {
        Arc::new(|_, _| true)
    } else {
        Arc::new(move |grid, community| caller.sees_building(community, grid))
    };
    match state.tiles.tile(layer, version, (z, x, y), visible).await? {
        None => Ok(StatusCode::NO_CONTENT.into_response()),
        Some(bytes) => Ok((
            [(header::CONTENT_TYPE, HeaderValue::from_static(MVT))],
            bytes,
        )
            .into_response()),
    }
}

/// `GET /tiles/{layer}.json`: the layer's TileJSON 3.0 document, with tile URLs on the
/// host the client used.
pub async fn tilejson(
    State(state): State<AppState>,
    _caller: Caller,
    read: Option<Extension<LayerVersions>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(file) = path?;
    let Some(name) = file.strip_suffix(".json") else {
        return Err(ApiError::NotFound {
            what: "tile document",
            id: file,
        });
    };
    let layer = layer_of(name)?;
    let version = versions(&state, read).await?.of(layer.layer());
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|s| *s == "https" || *s == "http")
        .unwrap_or("http");
    Ok(Json(
        state
            .tiles
            .tilejson(layer, version, &format!("{scheme}://{host}"))
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_name_their_layer() {
        assert_eq!(
            cached_layers("/tiles/buildings/15/1/2.mvt"),
            Some(&[Layer::Buildings][..])
        );
        assert_eq!(
            cached_layers("/tiles/grids.json"),
            Some(&[Layer::Grids][..])
        );
        assert_eq!(cached_layers("/tiles/roads/15/1/2.mvt"), None);
        assert_eq!(cached_layers("/api/grids"), None);
    }
}
