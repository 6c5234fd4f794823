//! The HTTP API (axum): health, statistics and the first read-only JSON/GeoJSON endpoints
//! over regions, grids and buildings, plus the web map's static files.
//!
//! Handlers call the [`store`](crate::store) only through its public methods and turn
//! its records into GeoJSON; the API never writes SQL.

mod auth;
mod buildings;
mod cache;
mod drill;
mod error;
mod features;
mod geocode;
mod lookup;
mod plans;
mod regions;
mod tiles;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::index::LiveIndex;
use crate::lookup::LiveAddressBook;
use crate::store::{Backend, Store, StoreError};

/// What every handler shares: one reference-counted [`Shared`], so that the clone axum
/// makes for every request and middleware is one atomic increment (the fields are read
/// through `Deref`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The contents of [`AppState`].
#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    /// The lookup index, following the store.
    pub index: Arc<LiveIndex>,
    /// The address book (geocoder), following the store.
    pub addresses: Arc<LiveAddressBook>,
    /// The vector-tile snapshots, following the layer versions.
    pub tiles: Arc<crate::tiles::TileLayers>,
    /// Logins, sessions, tokens and the audit log.
    pub auth: Arc<crate::auth::Auth>,
    /// Longest time a request may take before it is answered 503.
    pub request_timeout: std::time::Duration,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Default for [`Shared::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl AppState {
    /// Opens the in-memory snapshots over `store`.
    pub async fn load(store: Store) -> Result<AppState, StoreError> {
        Ok(AppState(Arc::new(Shared {
            index: LiveIndex::load(store.clone()).await?,
            addresses: LiveAddressBook::load(store.clone()).await?,
            tiles: crate::tiles::TileLayers::load(store.clone()).await?,
            auth: Arc::new(crate::auth::Auth::new(
                store.clone(),
                crate::auth::AuthConfig::default(),
            )),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            store,
        })))
    }

    /// The same state with other authentication settings (session lifetime, limits).
    pub fn with_auth_config(self, config: crate::auth::AuthConfig) -> AppState {
        let mut shared = Shared::clone(&self);
        shared.auth = Arc::new(crate::auth::Auth::new(self.store.clone(), config));
        AppState(Arc::new(shared))
    }

    /// The same state with another request time limit.
    pub fn with_request_timeout(self, limit: std::time::Duration) -> AppState {
        let mut shared = Shared::clone(&self);
        shared.request_timeout = limit;
        AppState(Arc::new(shared))
    }

    /// Follows writes made by other processes (CLI imports), checking every `every`.
    pub fn watch(&self, every: std::time::Duration) {
        self.index.watch(every);
        self.addresses.watch(every);
        self.tiles.watch(every);
    }

    /// Rebuilds every snapshot whose revision changed (after a write by this process).
    pub async fn refresh(&self) -> Result<(), StoreError> {
        self.index.refresh(false).await?;
        self.addresses.refresh(false).await?;
        self.tiles.refresh().await?;
        Ok(())
    }
}

/// The whole application: API routes, then static files from `web_dir`.
///
/// Layers, outermost first: tracing and compression on everything; on every route but
/// `GET /api/lookup`, the request time limit and the 1 MB body limit; on layer responses
/// only, the ETag/304 middleware ([`cache`]), each route naming the layers it is made of.
/// The single-point lookup is answered from memory in constant time, so it carries no
/// timer: it is the hot path the HTTP benchmark measures.
pub fn router(state: AppState, web_dir: PathBuf) -> Router {
    use crate::store::Layer::*;
    use cache::{cached, cached_router, Layers::*};
    let limit = state.request_timeout;
    let time_limit = move || {
        axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                auth::time_limit(limit, req, next)
            },
        )
    };
    let s = &state;
    Router::new()
        .route("/healthz", get(health))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/me", get(auth::me))
        .route("/api/audit", get(auth::audit))
        .route("/api/stats", get(stats))
        .route(
            "/api/regions",
            cached(get(regions::list), s, Fixed(&[Regions])),
        )
        .route(
            "/api/regions/{id}",
            cached(get(regions::one), s, Fixed(&[Regions])),
        )
        // Grid features carry their buildings' totals (bumped with the grids layer) and
        // a grid's detail its workers.
        .route(
            "/api/grids",
            cached(get(regions::grids), s, Fixed(&[Grids])),
        )
        .route(
            "/api/grids/{id}",
            cached(get(regions::grid), s, Fixed(&[Grids, Workers])),
        )
        .route(
            "/api/buildings",
            cached(get(buildings::list), s, Fixed(&[Buildings])),
        )
        .route(
            "/api/buildings/{id}",
            cached(get(buildings::one), s, Fixed(&[Buildings, Households])),
        )
        .route(
            "/api/regions/{id}/summary",
            cached(get(drill::region_summary), s, Fixed(cache::SUMMARY)),
        )
        .route(
            "/api/grids/{id}/summary",
            cached(get(drill::grid_summary), s, Fixed(cache::SUMMARY)),
        )
        .route(
            "/api/households/{id}",
            cached(get(drill::household), s, Fixed(&[Households])),
        )
        .route(
            "/tiles/{layer}/{z}/{x}/{y}",
            cached(get(tiles::tile), s, ByPath(tiles::cached_layers)),
        )
        .route(
            "/tiles/{file}",
            cached(get(tiles::tilejson), s, ByPath(tiles::cached_layers)),
        )
        .route("/api/geocode", get(geocode::search))
        .route(
            "/api/communities/{id}/plans",
            get(plans::history).post(plans::propose),
        )
        .route("/api/plans/{id}", get(plans::one))
        .route("/api/plans/{id}/diff", get(plans::diff))
        .route("/api/plans/{id}/publish", post(plans::publish))
        .route("/api/plans/{id}/moves", post(plans::moves))
        // Every /ogc document needs a logged-in caller (items are also filtered by scope).
        .merge(cached_router(
            crate::ogc::router().route_layer(axum::middleware::from_extractor_with_state::<
                crate::auth::Caller,
                _,
            >(state.clone())),
            s,
            ByPath(crate::ogc::cached_layers),
        ))
        .fallback_service(ServeDir::new(web_dir).append_index_html_on_directories(true))
        .layer(DefaultBodyLimit::max(auth::MAX_BODY_BYTES))
        .layer(time_limit())
        // Added after the layers above, so that they do not wrap it: the batch has its own
        // body limit and keeps the time limit, the single point neither.
        .route(
            "/api/lookup",
            get(lookup::one).merge(
                post(lookup::batch)
                    .layer(DefaultBodyLimit::max(lookup::MAX_BODY_BYTES))
                    .layer(time_limit()),
            ),
        )
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let counts = state.store.counts().await?;
    let backend = match state.store.backend() {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
    };
    Ok(Json(
        json!({ "status": "ok", "backend": backend, "buildings": counts.buildings }),
    ))
}

async fn stats(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: crate::auth::Caller,
) -> Result<Json<crate::store::Counts>, ApiError> {
    // The counts cover the whole database: only for callers who see all of it.
    if !caller.sees_all() {
        return Err(ApiError::Forbidden(
            "the statistics cover the whole database and your scope is a part of it: \
             use the summaries of your regions and grids"
                .into(),
        ));
    }
    Ok(Json(state.store.counts().await?))
}
