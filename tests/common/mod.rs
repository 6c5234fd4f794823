//! Shared test fixtures: a fresh store per backend, the real data files, loopback servers.
#![allow(dead_code)]

pub mod gdal;
pub mod osm_count;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use wangge::store::Store;

/// A store for one test, with whatever keeps it alive.
pub struct TestDb {
    pub name: &'static str,
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The throwaway cluster started by scripts/test.sh; tests fail without it.
pub fn postgres_base_url() -> String {
    std::env::var("WANGGE_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "WANGGE_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts \
             a throwaway PostGIS cluster (or point it at a cluster with a postgis-enabled \
             wangge_template database)"
        )
    })
}

/// A new empty PostGIS database cloned from the cluster's template.
pub async fn postgres() -> TestDb {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let base = postgres_base_url();
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let mut admin = sqlx::PgConnection::connect(&format!("{base}postgres"))
        .await
        .expect("connect to the test cluster");
    // CREATE DATABASE from one template cannot run concurrently: retry while it is busy.
    let mut tries = 0;
    loop {
        match sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE wangge_template"))
            .execute(&mut admin)
            .await
        {
            Ok(_) => break,
            Err(e) if tries < 50 && e.to_string().contains("being accessed by other users") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("create test database: {e}"),
        }
    }
    let url = format!("{base}{name}");
    let store = Store::open(&url).await.expect("open postgres store");
    TestDb {
        name: "postgres",
        store,
        url,
        _dir: None,
    }
}

/// A new SQLite file in a temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("test.sqlite").display());
    let store = Store::open(&url).await.expect("open sqlite store");
    TestDb {
        name: "sqlite",
        store,
        url,
        _dir: Some(dir),
    }
}

/// One fresh store of each backend.
pub async fn both() -> Vec<TestDb> {
    vec![sqlite().await, postgres().await]
}

/// A file of ../shared/data; fails the test clearly when it is missing.
pub fn shared_data(relative: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative);
    assert!(
        path.exists(),
        "test data {} is missing: the OpenStreetMap extracts must be in ../shared/data beside the checkout",
        path.display()
    );
    path
}

/// Writes `content` to a file in a new temporary directory.
pub fn temp_file(name: &str, content: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write temp file");
    (dir, path)
}

/// Everything a test compares to decide that two stores hold the same data, or that a
/// store is unchanged: row counts, and per building its source id, community, grid and
/// households (ids differ between backends, so they are mapped to source ids).
pub async fn fingerprint(
    store: &Store,
) -> (
    wangge::store::Counts,
    Vec<(String, Option<String>, Option<String>, i32, bool)>,
) {
    use std::collections::HashMap;
    let counts = store.counts().await.expect("counts");
    let regions: HashMap<i64, String> = store
        .regions(None, None)
        .await
        .expect("regions")
        .into_iter()
        .map(|r| (r.id, r.source_id))
        .collect();
    let grids: HashMap<i64, String> = store
        .grids(None)
        .await
        .expect("grids")
        .into_iter()
        .map(|g| (g.id, g.code))
        .collect();
    let mut buildings: Vec<_> = store
        .buildings(&Default::default())
        .await
        .expect("buildings")
        .into_iter()
        .map(|b| {
            (
                b.source_id,
                b.community_id.and_then(|c| regions.get(&c).cloned()),
                b.grid_id.and_then(|g| grids.get(&g).cloned()),
                b.households,
                b.households_estimated,
            )
        })
        .collect();
    buildings.sort();
    (counts, buildings)
}

/// Imports the demo street generated from `seed`, as `wangge demo` does (source "demo").
pub async fn import_demo(store: &Store, seed: u64) {
    import_demo_dataset(store, wangge::demo::generate(seed)).await;
}

/// The `k`-th community (by id) of `store`.
pub async fn community(store: &Store, k: usize) -> wangge::store::Region {
    store
        .regions(Some(wangge::model::RegionLevel::Community), None)
        .await
        .expect("read the communities")
        .remove(k)
}

/// Imports `dataset` (a demo street, perhaps edited by the test) under source "demo".
pub async fn import_demo_dataset(store: &Store, dataset: wangge::model::Dataset) {
    wangge::import::import_dataset(
        store,
        dataset,
        "demo",
        std::path::Path::new("demo"),
        &wangge::import::prepare::PrepareOptions::default(),
        vec![],
    )
    .await
    .expect("import the demo street");
}

/// Starts the real server over a fresh [`AppState`](wangge::api::AppState) of `store` and
/// registers an administrator's token for [`client`] and [`get_url`].
pub async fn serve_store(store: &Store) -> (std::net::SocketAddr, wangge::api::AppState) {
    let state = wangge::api::AppState::load(store.clone())
        .await
        .expect("load the application state");
    let addr = serve_state(state.clone()).await;
    authorize(addr, store).await;
    (addr, state)
}

// ---- Authentication helpers: every /api endpoint but /healthz and /api/login needs a
// session or an API token.

/// The token that [`client`] and [`get_url`] send to each test server, by address.
static TOKENS: std::sync::Mutex<Option<std::collections::HashMap<std::net::SocketAddr, String>>> =
    std::sync::Mutex::new(None);

/// Starts the real server over `state` on a loopback port, with client addresses (as
/// `wangge serve` runs it); returns its address.
pub async fn serve_state(state: wangge::api::AppState) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The web map's sources (web/dist is built by npm and may be missing).
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web/public");
    let app = wangge::api::router(state, web)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Creates a user of `role` scoped to `regions` / `grids` (none: everything) with the
/// password [`TEST_PASSWORD`] and returns (username, API token).
pub async fn user_with_token(
    store: &Store,
    role: wangge::auth::Role,
    regions: &[i64],
    grids: &[i64],
) -> (String, String) {
    static N: AtomicU32 = AtomicU32::new(0);
    let username = format!(
        "{role}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    wangge::auth::add_user(store, &username, TEST_PASSWORD, role, regions, grids, false)
        .await
        .expect("create a test user");
    let token = wangge::auth::issue_token(store, &username, 1)
        .await
        .expect("issue a test token");
    (username, token)
}

/// The password of users made by [`user_with_token`].
pub const TEST_PASSWORD: &str = "test-password-1";

/// Creates an administrator and makes [`client`] and [`get_url`] send their token to the
/// server at `addr`; returns the token.
pub async fn authorize(addr: std::net::SocketAddr, store: &Store) -> String {
    let (_, token) = user_with_token(store, wangge::auth::Role::Administrator, &[], &[]).await;
    TOKENS
        .lock()
        .unwrap()
        .get_or_insert_with(Default::default)
        .insert(addr, token.clone());
    token
}

/// The token registered for `addr` by [`authorize`].
pub fn token_for(addr: std::net::SocketAddr) -> String {
    TOKENS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|m| m.get(&addr).cloned())
        .unwrap_or_else(|| panic!("no token for {addr}: call common::authorize first"))
}

/// A client sending `token` as `Authorization: Bearer`.
pub fn client_with(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// A client sending the administrator token registered for `addr`.
pub fn client(addr: std::net::SocketAddr) -> reqwest::Client {
    client_with(&token_for(addr))
}

/// `GET url` with the token registered for the url's address.
pub async fn get_url(url: &str) -> reqwest::Response {
    let addr: std::net::SocketAddr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("{url} does not start with http://ADDR/"));
    client(addr).get(url).send().await.unwrap()
}

/// Logs `username` in through `POST /api/login` and returns the session cookie
/// (`wangge_session=…`) to send back as the `Cookie` header.
pub async fn session_cookie(addr: std::net::SocketAddr, username: &str, password: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/api/login"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login of {username}");
    r.headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie for {username}"))
        .to_string()
}

// ---- Reading replies.

/// A GeoJSON geometry of a reply as a multipolygon.
pub fn multipolygon(v: &serde_json::Value) -> geo::MultiPolygon<f64> {
    let g: geojson::Geometry = serde_json::from_value(v.clone()).unwrap();
    let g: geo::Geometry<f64> = g.try_into().unwrap();
    wangge::geometry::into_multipolygon(g).unwrap()
}

/// The ids of a FeatureCollection's features, in order.
pub fn feature_ids(v: &serde_json::Value) -> Vec<i64> {
    v["features"]
        .as_array()
        .unwrap_or_else(|| panic!("not a feature collection: {v}"))
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect()
}

/// The tile `(x, y)` at zoom `z` holding a longitude/latitude (Web Mercator tiling).
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor()
        as u32;
    (x, y)
}
