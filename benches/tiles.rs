//! Tile benchmark: building vector tiles per second from `wangge serve` (cut from its
//! in-memory snapshot, versions checked against the store on every request) against
//! Martin (PostGIS `ST_AsMVT` per request, its tile cache off so that edits show at
//! once, as they do in wangge), and GeoJSON bbox requests (`GET /api/buildings?bbox=`)
//! against the equivalent PostGIS SQL, on the same PostGIS database, in one run. Run it
//! with `scripts/bench-tiles.sh`, which installs what is missing, builds Martin, starts a
//! throwaway PostGIS cluster and sets:
//!
//! * `WANGGE_TEST_POSTGRES_URL` (required): `postgres://USER@HOST:PORT/` of a cluster with
//!   a PostGIS-enabled `wangge_template` database; the bench creates and drops its own.
//! * `WANGGE_BENCH_MARTIN` (required): the `martin` executable.
//! * `WANGGE_BENCH_BUILDINGS` (optional, default 100000): buildings of the synthetic city.
//!
//! Data: the demo street (seed 1) plus a synthetic city of rotated rectangular buildings
//! on a jittered 25 m lattice, in one community split into 16 × 16 grids, imported with
//! `import_dataset` (so with grids assigned and households estimated as for real data).
//! Martin serves a view with the same properties as wangge's tiles (id, grid_id,
//! community_id, households, estimated) over the same tables; an index on
//! `plan_assignments (building_id)` is added for its join.
//!
//! Tiles: every z15 and z16 tile over the synthetic city, in a fixed order, the same list
//! for both servers, requested without compression (neither server gzips then). Each
//! load run requests the whole list from C concurrent keep-alive connections (reqwest);
//! runs are interleaved (wangge, Martin) three times and each keeps its best. A sample of
//! tiles is decoded from both servers and their feature ids compared.
//!
//! Edits: a building's household count is changed through the store (as another process
//! would), and the tile holding it is requested at once from both servers: the bench
//! reports whether the first answer shows the change and how long it took.

use std::collections::HashSet;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
use geozero::mvt::{Message, Tile};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::Connection;
use wangge::import::import_dataset;
use wangge::import::prepare::PrepareOptions;
use wangge::index::synthetic;
use wangge::model::{
    BuildingRecord, BuildingUse, Dataset, GridKind, GridRecord, HouseholdCount, RegionLevel,
    RegionRecord,
};
use wangge::store::{BuildingFilter, Store};

type Res<T> = Result<T, String>;

trait Ctx<T> {
    fn ctx(self, what: &str) -> Res<T>;
}

impl<T, E: std::fmt::Display> Ctx<T> for Result<T, E> {
    fn ctx(self, what: &str) -> Res<T> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

/// West and south edge of the synthetic city (east of the demo street).
const CITY_LON: f64 = 104.20;
const CITY_LAT: f64 = 30.60;
/// Lattice spacing, metres.
const SPACING_M: f64 = 25.0;
const TRIALS: usize = 3;

fn main() -> ExitCode {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it,
    // and a benchmark is not a test: say so and succeed.
    if !std::env::args().any(|a| a == "--bench") {
        println!("tile benchmark: run scripts/bench-tiles.sh (cargo bench --bench tiles)");
        return ExitCode::SUCCESS;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match rt.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tile benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Degrees per metre at the city's latitude: (longitude, latitude).
fn deg_per_m() -> (f64, f64) {
    let lat = 1.0 / 111_320.0;
    (lat / CITY_LAT.to_radians().cos(), lat)
}

/// The synthetic city: a street, one community, 16 × 16 grids and `n` buildings.
fn city(n: usize) -> (Dataset, Rect<f64>) {
    let side = (n as f64).sqrt().ceil() as usize;
    let (dx, dy) = deg_per_m();
    let width_deg = side as f64 * SPACING_M * dx;
    let height_deg = side as f64 * SPACING_M * dy;
    let extent = Rect::new(
        Coord {
            x: CITY_LON,
            y: CITY_LAT,
        },
        Coord {
            x: CITY_LON + width_deg,
            y: CITY_LAT + height_deg,
        },
    );
    let mut d = Dataset::new("bench-city");
    let boundary = MultiPolygon(vec![extent.to_polygon()]);
    d.regions.push(RegionRecord {
        source_id: "street".into(),
        parent: None,
        level: RegionLevel::Street,
        name: "合成城市街道".into(),
        code: Some("990199".into()),
        boundary: boundary.clone(),
    });
    d.regions.push(RegionRecord {
        source_id: "community".into(),
        parent: Some("street".into()),
        level: RegionLevel::Community,
        name: "合成社区".into(),
        code: Some("990199001".into()),
        boundary,
    });
    // A square tessellation stretched to the city's extent.
    let cells = 16;
    let tess = synthetic::tessellation(cells, 1.0, 4, 0.0, 0.0, 7);
    for (i, g) in tess.into_iter().enumerate() {
        let g = geo::MapCoords::map_coords(&g, |c| Coord {
            x: CITY_LON + c.x / cells as f64 * width_deg,
            y: CITY_LAT + c.y / cells as f64 * height_deg,
        });
        d.grids.push(GridRecord {
            source_id: format!("g{i}"),
            community: "community".into(),
            code: format!("990199001{i:03}"),
            name: format!("合成网格{i}"),
            kind: GridKind::Standard,
            boundary: g,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for k in 0..n {
        let (i, j) = (k % side, k / side);
        let cx = (i as f64 + 0.5) * SPACING_M + rng.gen_range(-3.0..3.0);
        let cy = (j as f64 + 0.5) * SPACING_M + rng.gen_range(-3.0..3.0);
        let (w, h) = (
            rng.gen_range(8.0..18.0) / 2.0,
            rng.gen_range(8.0..14.0) / 2.0,
        );
        let a: f64 = rng.gen_range(0.0..std::f64::consts::FRAC_PI_2);
        let (s, c) = a.sin_cos();
        let ring: Vec<Coord<f64>> = [(-w, -h), (w, -h), (w, h), (-w, h), (-w, -h)]
            .iter()
            .map(|&(x, y)| Coord {
                x: CITY_LON + (cx + x * c - y * s) * dx,
                y: CITY_LAT + (cy + x * s + y * c) * dy,
            })
            .collect();
        d.buildings.push(BuildingRecord {
            source_id: format!("b{k}"),
            community: Some("community".into()),
            grid: None,
            footprint: MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]),
            name: None,
            address: Default::default(),
            floors: Some(rng.gen_range(3..30)),
            height_m: None,
            units: None,
            building_use: BuildingUse::Residential,
            building_type: Some("apartments".into()),
            households: None,
        });
    }
    (d, extent)
}

/// Tile `(x, y)` at zoom `z` holding a longitude/latitude.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (x, y)
}

/// `[west, south, east, north]` of a tile.
fn tile_bounds(z: u8, x: u32, y: u32) -> [f64; 4] {
    let n = f64::from(1u32 << z);
    let lat = |y: u32| {
        (std::f64::consts::PI - 2.0 * std::f64::consts::PI * f64::from(y) / n)
            .sinh()
            .atan()
            .to_degrees()
    };
    [
        f64::from(x) / n * 360.0 - 180.0,
        lat(y + 1),
        f64::from(x + 1) / n * 360.0 - 180.0,
        lat(y),
    ]
}

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Res<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").ctx("finding a free port")?;
    Ok(l.local_addr().ctx("port")?.port())
}

async fn wait_ready(client: &reqwest::Client, url: &str, what: &str) -> Res<()> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(180) {
        if let Ok(r) = client.get(url).send().await {
            if r.status().as_u16() < 500 {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!("{what} did not become ready at {url}"))
}

/// One server's answers to GET requests.
struct Target {
    name: &'static str,
    base: String,
    token: Option<String>,
}

impl Target {
    fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
        let r = client.get(format!("{}{path}", self.base));
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }
}

/// Requests every path from `c` concurrent loops; returns (requests/s, bytes, non-empty).
async fn load(
    client: &reqwest::Client,
    target: &Arc<Target>,
    paths: &Arc<Vec<String>>,
    c: usize,
) -> Res<(f64, usize, usize)> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..c {
        let (client, target, paths, next) = (
            client.clone(),
            Arc::clone(target),
            Arc::clone(paths),
            Arc::clone(&next),
        );
        tasks.push(tokio::spawn(async move {
            let (mut bytes, mut full) = (0usize, 0usize);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(i) else {
                    return Ok::<_, String>((bytes, full));
                };
                let r = target.get(&client, path).send().await.ctx(target.name)?;
                let status = r.status().as_u16();
                if status != 200 && status != 204 {
                    return Err(format!("{} answered {status} to {path}", target.name));
                }
                let body = r.bytes().await.ctx(target.name)?;
                bytes += body.len();
                full += usize::from(!body.is_empty());
            }
        }));
    }
    let (mut bytes, mut full) = (0, 0);
    for t in tasks {
        let (b, f) = t.await.ctx("load task")??;
        bytes += b;
        full += f;
    }
    Ok((
        paths.len() as f64 / start.elapsed().as_secs_f64(),
        bytes,
        full,
    ))
}

/// Feature ids (and the households of one id) of an MVT body.
fn ids(body: &[u8], want: Option<u64>) -> Res<(HashSet<u64>, Option<i64>)> {
    if body.is_empty() {
        return Ok((HashSet::new(), None));
    }
    let tile = Tile::decode(body).ctx("decoding a tile")?;
    let mut out = HashSet::new();
    let mut households = None;
    for layer in &tile.layers {
        for f in &layer.features {
            let id = f.id.unwrap_or(0);
            out.insert(id);
            if Some(id) == want {
                for pair in f.tags.chunks(2) {
                    if layer.keys[pair[0] as usize] == "households" {
                        let v = &layer.values[pair[1] as usize];
                        households = v
                            .int_value
                            .or(v.sint_value)
                            .or(v.uint_value.map(|u| u as i64));
                    }
                }
            }
        }
    }
    Ok((out, households))
}

fn cpu_line() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{} cores, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

async fn run() -> Res<()> {
    let base = std::env::var("WANGGE_TEST_POSTGRES_URL").map_err(|_| {
        "WANGGE_TEST_POSTGRES_URL is not set: run scripts/bench-tiles.sh".to_string()
    })?;
    let martin = std::env::var("WANGGE_BENCH_MARTIN")
        .map_err(|_| "WANGGE_BENCH_MARTIN is not set: run scripts/bench-tiles.sh".to_string())?;
    let n: usize = std::env::var("WANGGE_BENCH_BUILDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let db = format!("bench_tiles_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&format!("{base}postgres"))
        .await
        .ctx("connecting to the cluster")?;
    sqlx::query(&format!("CREATE DATABASE {db} TEMPLATE wangge_template"))
        .execute(&mut admin)
        .await
        .ctx("creating the bench database")?;
    let url = format!("{base}{db}");
    let result = bench(&url, &martin, n).await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    result
}

async fn bench(url: &str, martin: &str, n: usize) -> Res<()> {
    println!("tile benchmark: {}", cpu_line());
    let store = Store::open(url).await.ctx("opening the store")?;
    let t = Instant::now();
    import_dataset(
        &store,
        wangge::demo::generate(1),
        "demo",
        std::path::Path::new("demo"),
        &PrepareOptions::default(),
        vec![],
    )
    .await
    .ctx("writing the demo")?;
    let (dataset, extent) = city(n);
    import_dataset(
        &store,
        dataset,
        "bench",
        std::path::Path::new("bench-city"),
        &PrepareOptions::default(),
        vec![],
    )
    .await
    .ctx("writing the synthetic city")?;
    let counts = store.counts().await.ctx("counting")?;
    println!(
        "data: {} buildings ({} synthetic + the demo street), {} grids, written in {:.1} s",
        counts.buildings,
        n,
        counts.grids,
        t.elapsed().as_secs_f64()
    );
    wangge::auth::add_user(
        &store,
        "bench",
        "bench-password-1",
        wangge::auth::Role::Administrator,
        &[],
        &[],
        true,
    )
    .await
    .ctx("adding the bench user")?;
    let token = wangge::auth::issue_token(&store, "bench", 1)
        .await
        .ctx("issuing a token")?;

    // Martin's source: the same properties as wangge's building tiles.
    let mut conn = sqlx::PgConnection::connect(url).await.ctx("connecting")?;
    for sql in [
        "CREATE INDEX IF NOT EXISTS bench_plan_assignments_building ON plan_assignments (building_id)",
        "CREATE OR REPLACE VIEW bench_buildings AS SELECT b.id, pa.grid_id, b.community_id, \
         b.households, b.households_estimated AS estimated, b.geom FROM buildings b \
         LEFT JOIN (SELECT a.building_id, a.grid_id FROM plan_assignments a JOIN plans p ON p.id = a.plan_id \
         WHERE p.status = 'published') pa ON pa.building_id = b.id",
        "ANALYZE",
    ] {
        sqlx::query(sql).execute(&mut conn).await.ctx(sql)?;
    }
    let dir = tempfile::tempdir().ctx("temp dir")?;
    let config = dir.path().join("martin.yaml");
    let martin_port = free_port()?;
    std::fs::write(
        &config,
        format!(
            "listen_addresses: '127.0.0.1:{martin_port}'\ncache_size_mb: 0\n\
             postgres:\n  connection_string: '{url}'\n  auto_publish: false\n  tables:\n    buildings:\n\
             \x20     schema: public\n      table: bench_buildings\n      srid: 4326\n      geometry_column: geom\n\
             \x20     id_column: id\n      geometry_type: MULTIPOLYGON\n      minzoom: 13\n      extent: 4096\n      buffer: 64\n\
             \x20     properties:\n        grid_id: int8\n        community_id: int8\n        households: int4\n        estimated: bool\n"
        ),
    )
    .ctx("writing martin.yaml")?;
    let _martin = Process(
        Command::new(martin)
            .arg("--config")
            .arg(&config)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .ctx("starting martin")?,
    );
    let wangge_port = free_port()?;
    let _wangge = Process(
        Command::new(env!("CARGO_BIN_EXE_wangge"))
            .args(["--db", url, "serve", "--bind"])
            .arg(format!("127.0.0.1:{wangge_port}"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .ctx("starting wangge serve")?,
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .ctx("client")?;
    let t = Instant::now();
    wait_ready(
        &client,
        &format!("http://127.0.0.1:{martin_port}/health"),
        "martin",
    )
    .await?;
    wait_ready(
        &client,
        &format!("http://127.0.0.1:{wangge_port}/healthz"),
        "wangge",
    )
    .await?;
    println!(
        "servers ready in {:.1} s (wangge loads its snapshots at start)",
        t.elapsed().as_secs_f64()
    );
    let wangge = Arc::new(Target {
        name: "wangge",
        base: format!("http://127.0.0.1:{wangge_port}/tiles/buildings"),
        token: Some(token.clone()),
    });
    let martin_t = Arc::new(Target {
        name: "martin",
        base: format!("http://127.0.0.1:{martin_port}/buildings"),
        token: None,
    });

    // The same tile list for both: z15 and z16 over the city.
    let mut tiles = Vec::new();
    for z in [15u8, 16] {
        let (x0, y1) = tile_of(extent.min().x, extent.min().y, z);
        let (x1, y0) = tile_of(extent.max().x, extent.max().y, z);
        for y in y0..=y1 {
            for x in x0..=x1 {
                tiles.push((z, x, y));
            }
        }
    }
    let paths: Arc<Vec<String>> = Arc::new(
        tiles
            .iter()
            .map(|(z, x, y)| format!("/{z}/{x}/{y}.mvt"))
            .collect(),
    );
    let martin_paths: Arc<Vec<String>> = Arc::new(
        tiles
            .iter()
            .map(|(z, x, y)| format!("/{z}/{x}/{y}"))
            .collect(),
    );
    println!(
        "tiles: {} (z15 and z16 over the synthetic city)",
        tiles.len()
    );

    // Same features? Compare a sample.
    let (mut same, mut only_w, mut only_m) = (0usize, 0usize, 0usize);
    for (i, (wp, mp)) in paths.iter().zip(martin_paths.iter()).enumerate() {
        if i % 7 != 0 {
            continue;
        }
        let w = wangge.get(&client, wp).send().await.ctx("wangge tile")?;
        let m = martin_t.get(&client, mp).send().await.ctx("martin tile")?;
        let (w, _) = ids(&w.bytes().await.ctx("body")?, None)?;
        let (m, _) = ids(&m.bytes().await.ctx("body")?, None)?;
        same += w.intersection(&m).count();
        only_w += w.difference(&m).count();
        only_m += m.difference(&w).count();
    }
    println!(
        "feature ids in a sample of tiles: {same} in both, {only_w} only in wangge's, {only_m} only in Martin's"
    );

    // Tiles per second, interleaved, best of TRIALS.
    let mut rows = Vec::new();
    for c in [1usize, 4] {
        let (mut best_w, mut best_m) = ((0.0, 0, 0), (0.0, 0, 0));
        for _ in 0..TRIALS {
            let w = load(&client, &wangge, &paths, c).await?;
            let m = load(&client, &martin_t, &martin_paths, c).await?;
            if w.0 > best_w.0 {
                best_w = w;
            }
            if m.0 > best_m.0 {
                best_m = m;
            }
        }
        println!(
            "C={c}: wangge {:.0} tiles/s ({} non-empty, {:.1} MB), Martin {:.0} tiles/s ({} non-empty, {:.1} MB): ratio {:.2}",
            best_w.0,
            best_w.2,
            best_w.1 as f64 / 1e6,
            best_m.0,
            best_m.2,
            best_m.1 as f64 / 1e6,
            best_w.0 / best_m.0
        );
        rows.push((c, best_w.0, best_m.0));
    }

    // GeoJSON bbox requests: wangge's /api/buildings against the equivalent SQL.
    let boxes: Vec<[f64; 4]> = tiles
        .iter()
        .filter(|t| t.0 == 16)
        .step_by(2)
        .map(|&(z, x, y)| tile_bounds(z, x, y))
        .collect();
    let api = Arc::new(Target {
        name: "wangge api",
        base: format!("http://127.0.0.1:{wangge_port}/api/buildings"),
        token: Some(token.clone()),
    });
    let bbox_paths: Arc<Vec<String>> = Arc::new(
        boxes
            .iter()
            .map(|b| format!("?bbox={},{},{},{}&limit=10000", b[0], b[1], b[2], b[3]))
            .collect(),
    );
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .connect(url)
        .await
        .ctx("pool")?;
    let sql = "SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(\
        'type', 'Feature', 'id', f.id, 'geometry', ST_AsGeoJSON(f.geom)::json, 'properties', json_build_object(\
        'id', f.id, 'community_id', f.community_id, 'grid_id', f.grid_id, 'source', f.source, 'source_id', f.source_id, \
        'name', f.name, 'address', json_build_object('road', f.road, 'house_number', f.house_number, 'compound', f.compound, \
        'building_no', f.building_no), 'floors', f.floors, 'height_m', f.height_m, 'units', f.units, \
        'building_use', f.building_use, 'building_type', f.building_type, 'households', f.households, \
        'households_estimated', f.households_estimated)) ORDER BY f.id), '[]'::json))::text \
        FROM (SELECT b.*, pa.grid_id FROM buildings b LEFT JOIN (SELECT a.building_id, a.grid_id FROM plan_assignments a \
        JOIN plans p ON p.id = a.plan_id WHERE p.status = 'published') pa ON pa.building_id = b.id \
        WHERE b.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) ORDER BY b.id LIMIT 10000) f";
    // Same answers (feature counts) on a sample.
    for (b, p) in boxes.iter().zip(bbox_paths.iter()).step_by(10) {
        let body = api
            .get(&client, p)
            .send()
            .await
            .ctx("api")?
            .text()
            .await
            .ctx("api body")?;
        let v: serde_json::Value = serde_json::from_str(&body).ctx("api json")?;
        let text: String = sqlx::query_scalar(sql)
            .bind(b[0])
            .bind(b[1])
            .bind(b[2])
            .bind(b[3])
            .fetch_one(&pool)
            .await
            .ctx("bbox SQL")?;
        let s: serde_json::Value = serde_json::from_str(&text).ctx("sql json")?;
        let count = |v: &serde_json::Value| v["features"].as_array().map_or(0, |a| a.len());
        if count(&v) != count(&s) {
            return Err(format!(
                "bbox {b:?}: wangge {} features, SQL {}",
                count(&v),
                count(&s)
            ));
        }
    }
    let mut bbox_rows = Vec::new();
    for c in [1usize, 4] {
        let (mut best_w, mut best_s) = (0.0f64, 0.0f64);
        for _ in 0..TRIALS {
            let w = load(&client, &api, &bbox_paths, c).await?.0;
            let next = Arc::new(AtomicUsize::new(0));
            let start = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..c {
                let (pool, boxes, next) = (pool.clone(), boxes.clone(), Arc::clone(&next));
                tasks.push(tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(b) = boxes.get(i) else {
                            return Ok::<_, String>(());
                        };
                        let text: String = sqlx::query_scalar(sql)
                            .bind(b[0])
                            .bind(b[1])
                            .bind(b[2])
                            .bind(b[3])
                            .fetch_one(&pool)
                            .await
                            .ctx("bbox SQL")?;
                        std::hint::black_box(text);
                    }
                }));
            }
            for t in tasks {
                t.await.ctx("sql task")??;
            }
            let s = boxes.len() as f64 / start.elapsed().as_secs_f64();
            best_w = best_w.max(w);
            best_s = best_s.max(s);
        }
        println!(
            "GeoJSON bbox C={c}: wangge {best_w:.0} requests/s, PostGIS SQL {best_s:.0} queries/s: ratio {:.2}",
            best_w / best_s
        );
        bbox_rows.push((c, best_w, best_s));
    }

    // An edit through the store, then the tile holding it, at once.
    let buildings = store
        .buildings(&BuildingFilter {
            bbox: Some([
                extent.min().x + 0.01,
                extent.min().y + 0.01,
                extent.min().x + 0.011,
                extent.min().y + 0.011,
            ]),
            limit: Some(1),
            ..Default::default()
        })
        .await
        .ctx("a building to edit")?;
    let b = buildings.first().ok_or("no building to edit")?;
    let new_households = b.households + 1000;
    let mut edit = Dataset::new(b.source.clone());
    edit.buildings.push(BuildingRecord {
        source_id: b.source_id.clone(),
        community: b.community_id.map(|c| format!("@{c}")),
        grid: b.grid_id.map(|g| format!("@{g}")),
        footprint: b.footprint.clone(),
        name: b.name.clone(),
        address: b.address.clone(),
        floors: b.floors,
        height_m: b.height_m,
        units: b.units,
        building_use: b.building_use,
        building_type: b.building_type.clone(),
        households: Some(HouseholdCount::Estimated(new_households)),
    });
    let p = wangge::geometry::representative_point(&b.footprint).ok_or("no inner point")?;
    let (x, y) = tile_of(p.x(), p.y(), 16);
    store
        .write_dataset(&edit, "edit", "bench")
        .await
        .ctx("editing")?;
    for (target, path) in [
        (&wangge, format!("/16/{x}/{y}.mvt")),
        (&martin_t, format!("/16/{x}/{y}")),
    ] {
        let start = Instant::now();
        let body = target
            .get(&client, &path)
            .send()
            .await
            .ctx("tile")?
            .bytes()
            .await
            .ctx("body")?;
        let took = start.elapsed();
        let (_, h) = ids(&body, Some(b.id as u64))?;
        println!(
            "edit: {}'s first tile after the write shows households {:?} (written {new_households}): {}, in {:.0} ms",
            target.name,
            h,
            if h == Some(i64::from(new_households)) { "visible at once" } else { "STALE" },
            took.as_secs_f64() * 1000.0
        );
        let start = Instant::now();
        target
            .get(&client, &path)
            .send()
            .await
            .ctx("tile")?
            .bytes()
            .await
            .ctx("body")?;
        println!(
            "      the next request takes {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }

    println!("\nsummary ({}):", cpu_line());
    println!("| what | C | wangge | baseline | ratio |\n|---|---|---|---|---|");
    for (c, w, m) in rows {
        println!(
            "| building tiles z15–z16, tiles/s vs Martin | {c} | {w:.0} | {m:.0} | {:.2}× |",
            w / m
        );
    }
    for (c, w, s) in bbox_rows {
        println!(
            "| GeoJSON bbox, requests/s vs PostGIS SQL | {c} | {w:.0} | {s:.0} | {:.2}× |",
            w / s
        );
    }
    Ok(())
}
