//! Lookup benchmark: how fast wangge answers "which grid is this point in?", against
//! shapely 2 (vectorised STRtree) and PostGIS (set-based join and per-point prepared
//! queries), on the same data, in one run. Run it with `scripts/bench-lookup.sh`, which
//! installs what is missing, starts a throwaway PostGIS cluster and sets:
//!
//! * `WANGGE_TEST_POSTGRES_URL` (required): `postgres://USER@HOST:PORT/` of a cluster with
//!   a PostGIS-enabled `wangge_template` database; the bench creates and drops its own
//!   database there.
//! * `WANGGE_BENCH_PYTHON` (optional): a Python with shapely >= 2 and numpy, which runs
//!   `benches/lookup_shapely.py`; without it the shapely figures are reported as skipped
//!   (with `WANGGE_BENCH_NO_PYTHON` as the reason).
//!
//! The data: `synthetic::tessellation` of 100 × 100 = 10,000 grids (~33 vertices each) in
//! 10 communities, written with `Store::write_dataset` to an SQLite file and to PostGIS;
//! 200,000 points from a fixed seed, ~90% inside the tessellation's extent, ~10% around
//! it. Every method's answers are checked against wangge's, point by point: they must
//! agree except for points lying exactly on a grid boundary (wangge and shapely's
//! `intersects` count those as inside, PostGIS `ST_Contains` does not); any other
//! difference, an HTTP status other than 200 or an unreachable PostGIS fails the bench.
//!
//! Beside wangge's own lookups (cell cache, and R-tree + exact tests alone) it times an
//! H3 cell cache at its best (h3o: every point's cell prefilled with its grid), the
//! alternative to the planar cell cache, to show what computing an H3 cell costs.
//!
//! The HTTP figures come from the real `wangge serve` binary (built by `cargo bench`,
//! serving the SQLite file) in its own process. The load clients run in this process on
//! one thread of their own (a single-threaded tokio runtime, the same for PostGIS and
//! HTTP): sqlx for PostGIS; for HTTP both reqwest (keep-alive) and a minimal HTTP/1.1
//! keep-alive client written here, which shows how much of the rate the client costs. On
//! a small machine client and server share the cores, and other work on a shared machine
//! takes its part: every load row prints the CPU seconds of the server, of the client and
//! of all other processes during the run. The per-request runs are interleaved (PostGIS,
//! reqwest, minimal; C = 1 then 8) five times and each keeps its best trial.

use std::collections::HashMap;
use std::fmt::Display;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Coord, Geometry, MultiPolygon, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Connection;
use wangge::index::{synthetic, GridIndex};
use wangge::model::{
    Dataset, GridKind, GridRecord, RegionLevel, RegionRecord, WorkerRecord, WorkerRole,
};
use wangge::store::{Grid, Store, GRIDS_REVISION};

/// 100 × 100 = 10,000 grids.
const SIDE: usize = 100;
const CELL_DEG: f64 = 0.002;
const SEGMENTS: usize = 8;
const LON0: f64 = 116.30;
const LAT0: f64 = 39.90;
const GRID_SEED: u64 = 20_240_601;
/// Each community is a band of rows of the lattice.
const COMMUNITIES: usize = 10;
const POINTS: usize = 200_000;
const POINT_SEED: u64 = 7;
const INSIDE_SHARE: f64 = 0.9;
/// Points queried one by one (PostGIS per-query), and HTTP requests, per trial.
const PER_QUERY_POINTS: usize = 20_000;
const HTTP_REQUESTS: usize = 30_000;
/// Trials of each one-request-per-point load (the best is kept).
const LOAD_TRIALS: usize = 5;
/// A load run stops after this long even if it has not done all its queries.
const LOAD_TIME_CAP: Duration = Duration::from_secs(20);
/// Each of the 3 trials of an in-process measurement repeats its pass this long at least.
const MIN_TRIAL: Duration = Duration::from_secs(1);
const CONCURRENCIES: [usize; 2] = [1, 8];

const SET_SQL: &str = "SELECT p.i, g.id \
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(x, y, i) \
     JOIN grids g ON ST_Contains(g.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))";
const PER_QUERY_SQL: &str =
    "SELECT id FROM grids WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1";

type Res<T> = Result<T, String>;

trait Ctx<T> {
    fn ctx(self, what: &str) -> Res<T>;
}

impl<T, E: Display> Ctx<T> for Result<T, E> {
    fn ctx(self, what: &str) -> Res<T> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it,
    // and a several-minute benchmark in a debug build is no test.
    if !std::env::args().any(|a| a == "--bench") {
        println!("lookup benchmark: skipped (run it with scripts/bench-lookup.sh or cargo bench)");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("FAILED: cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nFAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The H3 resolution of the alternative cell cache: the coarsest with at least about 100
/// cells per synthetic grid (the planar cache has about 256).
fn h3_resolution() -> h3o::Resolution {
    let grid_m2 = (CELL_DEG * 111_320.0 * LAT0.to_radians().cos()) * (CELL_DEG * 110_574.0);
    h3o::Resolution::range(h3o::Resolution::Zero, h3o::Resolution::Fifteen)
        .find(|r| r.area_m2() <= grid_m2 / 100.0)
        .unwrap_or(h3o::Resolution::Fifteen)
}

/// An H3 cell cache at its best: a hash map from the H3 cell of every point wangge placed
/// in a grid to that grid, so that every point is answered by finding its cell and one
/// map lookup, with no polygon test (a real cache would also hold cells crossed by grid
/// edges, needing tests). Seconds per pass over `points` (best of 3), and the number of
/// points whose answer differs from `answers` (the cache keeps one grid per cell).
fn h3_cache_at_its_best(points: &[(f64, f64)], answers: &[Option<u32>]) -> (f64, usize) {
    let resolution = h3_resolution();
    let cell = |x: f64, y: f64| {
        h3o::LatLng::new(y, x)
            .ok()
            .map(|ll| u64::from(ll.to_cell(resolution)))
    };
    let mut cache: rustc_hash::FxHashMap<u64, u32> = rustc_hash::FxHashMap::default();
    for (&(x, y), answer) in points.iter().zip(answers) {
        if let (Some(c), Some(grid)) = (cell(x, y), answer) {
            cache.insert(c, *grid);
        }
    }
    let (secs, _) = best_pass(|| {
        let mut found = 0usize;
        let mut sum = 0u64;
        for &(x, y) in points {
            if let Some(grid) = cell(black_box(x), black_box(y)).and_then(|c| cache.get(&c)) {
                found += 1;
                sum = sum.wrapping_add(u64::from(*grid));
            }
        }
        black_box(sum);
        found
    });
    let differ = points
        .iter()
        .zip(answers)
        .filter(|(&(x, y), answer)| cell(x, y).and_then(|c| cache.get(&c).copied()) != **answer)
        .count();
    (secs, differ)
}

/// One line of the result table.
struct Row {
    label: String,
    concurrency: usize,
    items: usize,
    seconds: f64,
    rate: f64,
    unit: &'static str,
    note: String,
}

struct Rows(Vec<Row>);

impl Rows {
    fn rate(&self, label_part: &str, concurrency: usize) -> Option<f64> {
        self.0
            .iter()
            .find(|r| r.label.contains(label_part) && r.concurrency == concurrency)
            .map(|r| r.rate)
    }
}

async fn run() -> Res<()> {
    let pg_base = std::env::var("WANGGE_TEST_POSTGRES_URL").map_err(|_| {
        "WANGGE_TEST_POSTGRES_URL is not set: run scripts/bench-lookup.sh, which starts a \
         throwaway PostGIS cluster (or point it at a cluster with a PostGIS-enabled \
         wangge_template database)"
            .to_string()
    })?;
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("== wangge lookup benchmark ==");
    println!(
        "machine: {nproc} CPU(s) [{}], {} RAM, Linux {}, load average {}",
        cpu_model(),
        mem_total(),
        read_trimmed("/proc/sys/kernel/osrelease"),
        loadavg()
    );
    println!(
        "build: {}",
        if cfg!(debug_assertions) {
            "DEBUG (debug assertions on): these figures are not a release build's"
        } else {
            "release (optimised, no debug assertions: cargo bench profile)"
        }
    );

    // ---- data -------------------------------------------------------------------------
    let polygons = synthetic::tessellation(SIDE, CELL_DEG, SEGMENTS, LON0, LAT0, GRID_SEED);
    let extent = MultiPolygon(polygons.iter().flat_map(|m| m.0.iter().cloned()).collect())
        .bounding_rect()
        .ok_or("the tessellation is empty")?;
    let vertices: usize = polygons
        .iter()
        .flat_map(|m| &m.0)
        .map(|p| p.exterior().0.len() - 1)
        .sum();
    let (dataset, codes) = make_dataset(&polygons);
    let (points, in_extent) = make_points(extent);
    println!(
        "data: {} grids ({SIDE}×{SIDE} tessellation, {CELL_DEG}°, {:.1} vertices/grid, seed \
         {GRID_SEED}) in {COMMUNITIES} communities, extent {:.3},{:.3} – {:.3},{:.3}; {} points \
         (seed {POINT_SEED}): {} in the extent, {} outside",
        thousands(polygons.len()),
        vertices as f64 / polygons.len() as f64,
        extent.min().x,
        extent.min().y,
        extent.max().x,
        extent.max().y,
        thousands(points.len()),
        thousands(in_extent),
        thousands(points.len() - in_extent)
    );

    let dir = tempfile::tempdir().ctx("creating a temporary directory")?;
    let sqlite_path = dir.path().join("bench.sqlite");
    let sqlite_url = format!("sqlite:{}", sqlite_path.display());
    let sqlite = Store::open(&sqlite_url)
        .await
        .ctx("opening the SQLite store")?;
    let pg_db = PgDatabase::create(&pg_base).await?;
    let result = bench(
        &pg_db.url,
        &sqlite,
        &sqlite_url,
        dir.path(),
        &dataset,
        &codes,
        &points,
        nproc,
    )
    .await;
    sqlite.close().await;
    pg_db.drop_it().await;
    result
}

#[allow(clippy::too_many_arguments)]
async fn bench(
    pg_url: &str,
    sqlite: &Store,
    sqlite_url: &str,
    dir: &Path,
    dataset: &Dataset,
    codes: &[String],
    points: &[(f64, f64)],
    nproc: usize,
) -> Res<()> {
    let pg = Store::open(pg_url)
        .await
        .ctx("opening the PostGIS store (is the cluster reachable?)")?;
    let t = Instant::now();
    let written = sqlite
        .write_dataset(dataset, "bench", "synthetic")
        .await
        .ctx("writing the grids to SQLite")?;
    let sqlite_write = t.elapsed();
    let t = Instant::now();
    pg.write_dataset(dataset, "bench", "synthetic")
        .await
        .ctx("writing the grids to PostGIS")?;
    let pg_write = t.elapsed();
    pg.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(pg_url)
        .await
        .ctx("connecting to PostGIS")?;
    sqlx::query("ANALYZE")
        .execute(&pool)
        .await
        .ctx("analysing the PostGIS tables")?;
    let pg_version: String = sqlx::query_scalar(
        "SELECT split_part(version(), ' on ', 1) || ', PostGIS ' || postgis_lib_version()",
    )
    .fetch_one(&pool)
    .await
    .ctx("asking PostGIS its version")?;
    println!(
        "stores: write_dataset of {} grids + {} regions + {} workers: SQLite {:.1} s, PostGIS {:.1} s ({pg_version})",
        thousands(written.grids.inserted as usize),
        written.regions.inserted,
        thousands(written.workers.inserted as usize),
        sqlite_write.as_secs_f64(),
        pg_write.as_secs_f64()
    );

    // ---- the index, from what the SQLite store gives back --------------------------------
    let mut grids = sqlite.grids(None).await.ctx("reading the grids back")?;
    grids.sort_by_key(|g| g.id);
    let regions = sqlite
        .regions(None, None)
        .await
        .ctx("reading the regions back")?;
    let workers = sqlite
        .workers_by_grid()
        .await
        .ctx("reading the workers back")?;
    let revision = sqlite
        .revision(GRIDS_REVISION)
        .await
        .ctx("reading the revision")?;
    check_round_trip(&grids, dataset, codes)?;
    let position_of_code: HashMap<&str, u32> = grids
        .iter()
        .enumerate()
        .map(|(i, g)| (g.code.as_str(), i as u32))
        .collect();
    let position_of_id: HashMap<i64, u32> = grids
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i as u32))
        .collect();

    let mut build_best = f64::INFINITY;
    let mut index = None;
    for _ in 0..3 {
        let (g, r, w) = (grids.clone(), regions.clone(), workers.clone());
        let t = Instant::now();
        let built = GridIndex::build(revision, g, r, w);
        build_best = build_best.min(t.elapsed().as_secs_f64());
        index = Some(built);
    }
    let index = index.ok_or("no index built")?;
    let (cells, inside_cells) = index.cache_stats();
    println!(
        "index: GridIndex::build {:.0} ms (best of 3); cell cache {} cells, {} ({:.1}%) answered with no polygon test",
        build_best * 1e3,
        thousands(cells),
        thousands(inside_cells),
        100.0 * inside_cells as f64 / cells.max(1) as f64
    );

    // Wangge's answer for every point, as a position in `grids` (sorted by id).
    let wangge: Vec<Option<u32>> = points
        .iter()
        .map(|&(x, y)| index.locate(x, y).map(|g| position_of_id[&g.id]))
        .collect();
    let uncached_disagree = points
        .iter()
        .zip(&wangge)
        .filter(|(&(x, y), w)| index.locate_uncached(x, y).map(|g| position_of_id[&g.id]) != **w)
        .count();
    if uncached_disagree > 0 {
        return Err(format!(
            "locate and locate_uncached disagree on {uncached_disagree} points"
        ));
    }
    let wangge_found = wangge.iter().filter(|w| w.is_some()).count();
    println!(
        "wangge answers: {} of {} points in a grid (locate and locate_uncached agree on every point)",
        thousands(wangge_found),
        thousands(points.len())
    );

    let mut rows = Rows(Vec::new());
    let mut checks: Vec<String> = Vec::new();
    // CPU µs per request of each load run: the server's, and server + client.
    let mut server_us: Vec<(&str, usize, f64, f64)> = Vec::new();

    // ---- 1. wangge in-process ---------------------------------------------------------
    println!("\n[1] wangge in-process, single thread …");
    let (secs, found) = best_pass(|| {
        let mut found = 0usize;
        let mut sum = 0i64;
        for &(x, y) in points {
            if let Some(g) = index.locate(black_box(x), black_box(y)) {
                found += 1;
                sum = sum.wrapping_add(g.id);
            }
        }
        black_box(sum);
        found
    });
    assert_eq!(found, wangge_found);
    rows.0.push(Row {
        label: "wangge GridIndex::locate (cell cache)".into(),
        concurrency: 1,
        items: points.len(),
        seconds: secs,
        rate: points.len() as f64 / secs,
        unit: "points/s",
        note: "best of 3 trials of >= 1 s".into(),
    });
    let (secs, found) = best_pass(|| {
        let mut found = 0usize;
        let mut sum = 0i64;
        for &(x, y) in points {
            if let Some(g) = index.locate_uncached(black_box(x), black_box(y)) {
                found += 1;
                sum = sum.wrapping_add(g.id);
            }
        }
        black_box(sum);
        found
    });
    assert_eq!(found, wangge_found);
    rows.0.push(Row {
        label: "wangge GridIndex::locate_uncached (R-tree + exact)".into(),
        concurrency: 1,
        items: points.len(),
        seconds: secs,
        rate: points.len() as f64 / secs,
        unit: "points/s",
        note: "best of 3 trials of >= 1 s".into(),
    });

    let (secs, differ) = h3_cache_at_its_best(points, &wangge);
    rows.0.push(Row {
        label: format!("H3 cell cache at its best (h3o, resolution {})", h3_resolution()),
        concurrency: 1,
        items: points.len(),
        seconds: secs,
        rate: points.len() as f64 / secs,
        unit: "points/s",
        note: format!(
            "every point's cell prefilled, no polygon test ({} answers differ from wangge's, in cells shared by two grids or the outside); best of 3 trials of >= 1 s",
            thousands(differ)
        ),
    });

    // ---- 2. shapely ---------------------------------------------------------------------
    println!("[2] shapely 2 vectorised …");
    write_inputs(dir, &grids, points)?;
    match std::env::var("WANGGE_BENCH_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
    {
        None => {
            let why = std::env::var("WANGGE_BENCH_NO_PYTHON")
                .unwrap_or_else(|_| "WANGGE_BENCH_PYTHON is not set".into());
            println!("    SKIPPED: shapely is not available ({why})");
            checks.push(format!("shapely: SKIPPED ({why})"));
        }
        Some(python) => {
            let out = run_shapely(&python, dir).await?;
            let f = |k: &str| out.get(k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
            let matched = out
                .get("matched_points")
                .and_then(|v| v.as_u64())
                .unwrap_or(0) as usize;
            let assign = read_i32s(&dir.join("shapely_assign.i32"))?;
            if assign.len() != points.len() {
                return Err(format!(
                    "shapely answered {} points, not {}",
                    assign.len(),
                    points.len()
                ));
            }
            let other: Vec<Option<u32>> = assign
                .iter()
                .map(|&a| (a >= 0).then_some(a as u32))
                .collect();
            let agreement = compare(&grids, points, &wangge, 0, &other);
            checks.push(format!(
                "shapely (intersects): {} points matched vs wangge {}; {}",
                thousands(matched),
                thousands(wangge_found),
                agreement
            ));
            if matched != wangge_found || agreement.real > 0 {
                return Err(format!(
                    "shapely and wangge disagree: {} vs {} points matched; {agreement}",
                    matched, wangge_found
                ));
            }
            let version = format!(
                "shapely {} / GEOS {} / numpy {}",
                out["shapely"].as_str().unwrap_or("?"),
                out["geos"].as_str().unwrap_or("?"),
                out["numpy"].as_str().unwrap_or("?")
            );
            rows.0.push(Row {
                label: "shapely STRtree.query(points, 'intersects')".into(),
                concurrency: 1,
                items: points.len(),
                seconds: f("query_s"),
                rate: points.len() as f64 / f("query_s"),
                unit: "points/s",
                note: format!(
                    "query only, best of 3; {version}; tree build {:.0} ms",
                    f("tree_build_s") * 1e3
                ),
            });
            let both = f("query_s") + f("points_create_s");
            rows.0.push(Row {
                label: "shapely points() + query".into(),
                concurrency: 1,
                items: points.len(),
                seconds: both,
                rate: points.len() as f64 / both,
                unit: "points/s",
                note: format!(
                    "incl. shapely.points(xy) {:.0} ms",
                    f("points_create_s") * 1e3
                ),
            });
        }
    }

    // ---- 3. PostGIS set-based -------------------------------------------------------------
    println!("[3] PostGIS set-based join …");
    let pg_position: HashMap<i64, u32> = {
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM grids")
            .fetch_all(&pool)
            .await
            .ctx("reading PostGIS grid ids")?;
        if rows.len() != grids.len() {
            return Err(format!(
                "PostGIS has {} grids, SQLite {}",
                rows.len(),
                grids.len()
            ));
        }
        rows.into_iter()
            .map(|(id, code)| {
                position_of_code
                    .get(code.as_str())
                    .map(|p| (id, *p))
                    .ok_or_else(|| format!("PostGIS grid code {code} is not in SQLite"))
            })
            .collect::<Res<_>>()?
    };
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let plan: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN (COSTS OFF) {SET_SQL}"))
        .bind(&xs)
        .bind(&ys)
        .fetch_all(&pool)
        .await
        .unwrap_or_else(|e| vec![format!("(no plan: {e})")]);
    let plan = plan
        .iter()
        .map(|l| l.trim().trim_start_matches("-> ").to_string())
        .collect::<Vec<_>>()
        .join(" / ");
    println!("    plan: {plan}");
    let mut set_best = f64::INFINITY;
    let mut set_rows: Vec<(i64, i64)> = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        set_rows = sqlx::query_as(SET_SQL)
            .bind(&xs)
            .bind(&ys)
            .fetch_all(&pool)
            .await
            .ctx("running the set-based PostGIS join")?;
        set_best = set_best.min(t.elapsed().as_secs_f64());
    }
    let mut set_answer: Vec<Option<u32>> = vec![None; points.len()];
    let mut duplicates = 0;
    for (i, id) in &set_rows {
        let pos = pg_position[id];
        let slot = &mut set_answer[(*i - 1) as usize];
        match slot {
            Some(p) => {
                duplicates += 1;
                *p = (*p).min(pos);
            }
            None => *slot = Some(pos),
        }
    }
    let set_found = set_answer.iter().filter(|a| a.is_some()).count();
    let agreement = compare(&grids, points, &wangge, 0, &set_answer);
    checks.push(format!(
        "PostGIS set-based (ST_Contains): {} points matched vs wangge {} (difference {}; \
         {} points in two grids); {}",
        thousands(set_found),
        thousands(wangge_found),
        wangge_found as i64 - set_found as i64,
        duplicates,
        agreement
    ));
    if agreement.real > 0 {
        return Err(format!(
            "PostGIS set-based and wangge disagree: {agreement}"
        ));
    }
    rows.0.push(Row {
        label: "PostGIS set-based join (unnest ⋈ ST_Contains, GiST)".into(),
        concurrency: 1,
        items: points.len(),
        seconds: set_best,
        rate: points.len() as f64 / set_best,
        unit: "points/s",
        note: "one statement, all rows fetched; best of 3".into(),
    });
    pool.close().await;

    // ---- 4 & 5. one request per point: PostGIS per query, wangge over HTTP -----------------
    println!("[4, 5] starting `wangge serve` on the SQLite store …");
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    // Every /api request needs a token: an administrator's, created through the store.
    wangge::auth::add_user(
        sqlite,
        "bench",
        &wangge::auth::secret::new_password(16),
        wangge::auth::Role::Administrator,
        &[],
        &[],
        true,
    )
    .await
    .map_err(|e| format!("creating the bench user: {e}"))?;
    let token = wangge::auth::issue_token(sqlite, "bench", 1)
        .await
        .map_err(|e| format!("issuing the bench token: {e}"))?;
    let _ = BENCH_TOKEN.set(token);
    let server = Server::start(sqlite_url, &web).await?;
    println!(
        "    serving on http://{} (pid {})",
        server.addr,
        server.child.id()
    );
    let sample = Arc::new(points[..PER_QUERY_POINTS.min(points.len())].to_vec());
    let n_http = HTTP_REQUESTS.min(points.len());
    let needles: Arc<Vec<String>> = Arc::new(
        wangge[..n_http]
            .iter()
            .map(|w| match w {
                Some(p) => format!("\"code\":\"{}\"", grids[*p as usize].code),
                None => "\"found\":false".to_string(),
            })
            .collect(),
    );
    let http_points = Arc::new(points[..n_http].to_vec());
    // The runs are interleaved, trial after trial, so that other work on the machine
    // weighs on every method alike; each keeps its best trial.
    let mut best: Vec<(Method, usize, Load)> = Vec::new();
    let mut keep = |method: Method, c: usize, load: Load| match best
        .iter_mut()
        .find(|(m, cc, _)| *m == method && *cc == c)
    {
        Some(entry) if entry.2.rate() >= load.rate() => {}
        Some(entry) => entry.2 = load,
        None => best.push((method, c, load)),
    };
    let mut pg_checked = Vec::new();
    for trial in 1..=LOAD_TRIALS {
        for c in CONCURRENCIES {
            println!(
                "[4] trial {trial}: PostGIS per-query prepared statement, {c} connection(s) …"
            );
            let (answers, load) =
                on_client_thread(pg_per_query(pg_url.to_string(), Arc::clone(&sample), c)).await?;
            let other: Vec<Option<u32>> = answers
                .iter()
                .map(|id| id.map(|id| pg_position[&id]))
                .collect();
            let agreement = compare(&grids, &sample, &wangge, 0, &other);
            if agreement.real > 0 {
                return Err(format!(
                    "PostGIS per-query and wangge disagree: {agreement}"
                ));
            }
            if trial == 1 {
                pg_checked.push(format!(
                    "PostGIS per-query C={c}: {} queries, {} matched vs wangge {}; {}",
                    thousands(answers.len()),
                    thousands(other.iter().filter(|o| o.is_some()).count()),
                    thousands(
                        wangge[..answers.len()]
                            .iter()
                            .filter(|w| w.is_some())
                            .count()
                    ),
                    agreement
                ));
            }
            keep(Method::PgPerQuery, c, load);
            for kind in [HttpClient::Reqwest, HttpClient::Minimal] {
                println!(
                    "[5] trial {trial}: {}, {c} keep-alive loop(s) …",
                    Method::Http(kind).label()
                );
                let load = on_client_thread(http_load(
                    kind,
                    server.addr.clone(),
                    server.child.id(),
                    Arc::clone(&http_points),
                    Arc::clone(&needles),
                    c,
                ))
                .await?;
                keep(Method::Http(kind), c, load);
            }
        }
    }
    drop(server);
    checks.extend(pg_checked);
    for method in [
        Method::PgPerQuery,
        Method::Http(HttpClient::Reqwest),
        Method::Http(HttpClient::Minimal),
    ] {
        for c in CONCURRENCIES {
            let Some((_, _, load)) = best.iter().find(|(m, cc, _)| *m == method && *cc == c) else {
                continue;
            };
            let (unit, server) = match method {
                Method::PgPerQuery => ("queries/s", "PostgreSQL"),
                Method::Http(_) => ("requests/s", "server"),
            };
            if let Method::Http(_) = method {
                checks.push(format!(
                    "{} C={c}: {LOAD_TRIALS} × {} requests, every one HTTP 200 with the same grid as in-process",
                    method.label(),
                    thousands(n_http)
                ));
            }
            server_us.push((method.label(), c, load.server_us(), load.both_us()));
            rows.0.push(load.row(method.label(), c, unit, server));
        }
    }

    print_report(&rows, &checks, &server_us, nproc);
    Ok(())
}

// ---- data --------------------------------------------------------------------------------

/// The dataset to store, and the grid code of each tessellation cell.
fn make_dataset(polygons: &[MultiPolygon<f64>]) -> (Dataset, Vec<String>) {
    let rect = |r: Rect<f64>| MultiPolygon(vec![r.to_polygon()]);
    let all = MultiPolygon(polygons.iter().flat_map(|m| m.0.iter().cloned()).collect());
    let extent = all.bounding_rect().unwrap_or(Rect::new(
        Coord { x: LON0, y: LAT0 },
        Coord { x: LON0, y: LAT0 },
    ));
    let mut ds = Dataset::new("bench");
    ds.regions.push(RegionRecord {
        source_id: "d".into(),
        parent: None,
        level: RegionLevel::District,
        name: "基准区".into(),
        code: Some("110199000000".into()),
        boundary: rect(extent),
    });
    ds.regions.push(RegionRecord {
        source_id: "s".into(),
        parent: Some("d".into()),
        level: RegionLevel::Street,
        name: "基准街道".into(),
        code: Some("110199001000".into()),
        boundary: rect(extent),
    });
    let rows_per_community = SIDE.div_ceil(COMMUNITIES);
    let mut codes = Vec::with_capacity(polygons.len());
    for k in 0..COMMUNITIES {
        let rows = k * rows_per_community..((k + 1) * rows_per_community).min(SIDE);
        let band = MultiPolygon(
            polygons[rows.start * SIDE..rows.end * SIDE]
                .iter()
                .flat_map(|m| m.0.iter().cloned())
                .collect(),
        );
        ds.regions.push(RegionRecord {
            source_id: format!("c{k}"),
            parent: Some("s".into()),
            level: RegionLevel::Community,
            name: format!("基准社区{}", k + 1),
            code: Some(format!("110199001{:03}", k + 1)),
            boundary: rect(band.bounding_rect().unwrap_or(extent)),
        });
    }
    for (idx, polygon) in polygons.iter().enumerate() {
        let (row, col) = (idx / SIDE, idx % SIDE);
        let k = row / rows_per_community;
        let within = (row % rows_per_community) * SIDE + col;
        let code = format!("110199001{:03}{within:03}", k + 1);
        ds.grids.push(GridRecord {
            source_id: format!("g{idx}"),
            community: format!("c{k}"),
            code: code.clone(),
            name: format!("第{}网格", within + 1),
            kind: GridKind::Standard,
            boundary: polygon.clone(),
        });
        ds.workers.push(WorkerRecord {
            source_id: format!("w{idx}"),
            name: format!("网格员{idx}"),
            phone: Some(format!("1380000{idx:04}")),
            role: WorkerRole::GridManager,
            grids: vec![format!("g{idx}")],
        });
        codes.push(code);
    }
    (ds, codes)
}

/// The query points and how many lie in the extent: ~90% uniform in the extent, the rest
/// uniform in a margin of a quarter of the extent around it.
fn make_points(extent: Rect<f64>) -> (Vec<(f64, f64)>, usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(POINT_SEED);
    let (minx, miny, maxx, maxy) = (
        extent.min().x,
        extent.min().y,
        extent.max().x,
        extent.max().y,
    );
    let margin = 0.25 * extent.width().max(extent.height());
    let mut points = Vec::with_capacity(POINTS);
    let mut inside = 0;
    while points.len() < POINTS {
        if rng.gen_bool(INSIDE_SHARE) {
            points.push((rng.gen_range(minx..maxx), rng.gen_range(miny..maxy)));
            inside += 1;
        } else {
            let x = rng.gen_range(minx - margin..maxx + margin);
            let y = rng.gen_range(miny - margin..maxy + margin);
            if !((minx..=maxx).contains(&x) && (miny..=maxy).contains(&y)) {
                points.push((x, y));
            }
        }
    }
    (points, inside)
}

/// The grids read back must be exactly the ones generated.
fn check_round_trip(grids: &[Grid], dataset: &Dataset, codes: &[String]) -> Res<()> {
    if grids.len() != codes.len() {
        return Err(format!(
            "the store gives back {} grids, not {}",
            grids.len(),
            codes.len()
        ));
    }
    let by_code: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    for g in grids {
        let i = by_code
            .get(g.code.as_str())
            .ok_or_else(|| format!("unknown grid code {} read back", g.code))?;
        if g.boundary != dataset.grids[*i].boundary {
            return Err(format!("grid {} changed on its way through SQLite", g.code));
        }
    }
    Ok(())
}

/// Writes the polygons (hex WKB, in `grids` order) and the points (f64 pairs) for shapely.
fn write_inputs(dir: &Path, grids: &[Grid], points: &[(f64, f64)]) -> Res<()> {
    let mut hex = String::new();
    for g in grids {
        let wkb = wangge::geometry::to_wkb(&Geometry::MultiPolygon(g.boundary.clone()));
        for b in wkb {
            hex.push_str(&format!("{b:02x}"));
        }
        hex.push('\n');
    }
    std::fs::write(dir.join("polygons.hex"), hex).ctx("writing polygons.hex")?;
    let mut bytes = Vec::with_capacity(points.len() * 16);
    for &(x, y) in points {
        bytes.extend_from_slice(&x.to_le_bytes());
        bytes.extend_from_slice(&y.to_le_bytes());
    }
    let mut f = std::fs::File::create(dir.join("points.f64")).ctx("creating points.f64")?;
    f.write_all(&bytes).ctx("writing points.f64")?;
    Ok(())
}

fn read_i32s(path: &Path) -> Res<Vec<i32>> {
    let bytes = std::fs::read(path).ctx(&format!("reading {}", path.display()))?;
    Ok(bytes
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

// ---- measuring ----------------------------------------------------------------------------

/// Seconds per pass of the fastest of 3 trials, each repeating the pass for >= 1 s, and
/// what the last pass returned.
fn best_pass(mut pass: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::INFINITY;
    let mut last = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let mut passes = 0u32;
        loop {
            last = black_box(pass());
            passes += 1;
            if start.elapsed() >= MIN_TRIAL {
                break;
            }
        }
        best = best.min(start.elapsed().as_secs_f64() / passes as f64);
    }
    (best, last)
}

/// How points compared with wangge's answers.
struct Agreement {
    same: usize,
    /// Different, but every grid named lies with the point on its boundary.
    boundary: usize,
    /// Different otherwise.
    real: usize,
    example: Option<String>,
}

impl Display for Agreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "point by point: {} same, {} differ on a boundary, {} differ otherwise",
            thousands(self.same),
            self.boundary,
            self.real
        )?;
        if let Some(e) = &self.example {
            write!(f, " (e.g. {e})")?;
        }
        Ok(())
    }
}

/// Compares `other[i]` with `wangge[offset + i]` (positions in `grids`).
fn compare(
    grids: &[Grid],
    points: &[(f64, f64)],
    wangge: &[Option<u32>],
    offset: usize,
    other: &[Option<u32>],
) -> Agreement {
    let mut a = Agreement {
        same: 0,
        boundary: 0,
        real: 0,
        example: None,
    };
    for (i, o) in other.iter().enumerate() {
        let w = wangge[offset + i];
        if w == *o {
            a.same += 1;
            continue;
        }
        let (x, y) = points[offset + i];
        let on_edge = |p: Option<u32>| {
            p.is_none_or(|p| {
                grids[p as usize]
                    .boundary
                    .coordinate_position(&Coord { x, y })
                    == CoordPos::OnBoundary
            })
        };
        if on_edge(w) && on_edge(*o) {
            a.boundary += 1;
        } else {
            a.real += 1;
            if a.example.is_none() {
                let code = |p: Option<u32>| {
                    p.map_or("none".to_string(), |p| grids[p as usize].code.clone())
                };
                a.example = Some(format!(
                    "point {i} ({x}, {y}): wangge {}, other {}",
                    code(w),
                    code(*o)
                ));
            }
        }
    }
    a
}

/// A load run: how many requests, how long, and who used the CPU meanwhile.
struct Load {
    done: usize,
    wall: f64,
    server_cpu: f64,
    client_cpu: f64,
    /// CPU seconds of every other process of the machine (other work on a shared box).
    others_cpu: f64,
}

impl Load {
    fn row(&self, label: &str, c: usize, unit: &'static str, server: &str) -> Row {
        let per = |s: f64| s / self.done.max(1) as f64 * 1e6;
        Row {
            label: label.into(),
            concurrency: c,
            items: self.done,
            seconds: self.wall,
            rate: self.done as f64 / self.wall,
            unit,
            note: format!(
                "best of {LOAD_TRIALS}; CPU s: {server} {:.2} ({:.0} µs/req), bench client {:.2} ({:.0} µs/req), other processes {:.2}",
                self.server_cpu,
                per(self.server_cpu),
                self.client_cpu,
                per(self.client_cpu),
                self.others_cpu
            ),
        }
    }

    fn rate(&self) -> f64 {
        self.done as f64 / self.wall
    }

    fn server_us(&self) -> f64 {
        self.server_cpu / self.done.max(1) as f64 * 1e6
    }

    /// CPU µs per request of the server and the bench client together.
    fn both_us(&self) -> f64 {
        (self.server_cpu + self.client_cpu) / self.done.max(1) as f64 * 1e6
    }
}

/// CPU seconds used so far by the server processes, this process and the whole machine.
struct CpuMark {
    server: f64,
    client: f64,
    machine: f64,
}

impl CpuMark {
    fn now(server_pids: &[u32]) -> CpuMark {
        CpuMark {
            server: server_pids
                .iter()
                .map(|p| process_cpu(&p.to_string()))
                .sum(),
            client: process_cpu("self"),
            machine: machine_busy_cpu(),
        }
    }

    fn load(&self, server_pids: &[u32], done: usize, wall: f64) -> Load {
        let end = CpuMark::now(server_pids);
        let (server_cpu, client_cpu) = (end.server - self.server, end.client - self.client);
        Load {
            done,
            wall,
            server_cpu,
            client_cpu,
            others_cpu: (end.machine - self.machine - server_cpu - client_cpu).max(0.0),
        }
    }
}

/// Runs a load generator on a thread of its own with a single-threaded tokio runtime, the
/// same for PostGIS and HTTP: one client thread, no work stealing between loops.
async fn on_client_thread<T: Send + 'static>(
    load: impl std::future::Future<Output = Res<T>> + Send + 'static,
) -> Res<T> {
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ctx("starting the client runtime")?
            .block_on(load)
    })
    .await
    .ctx("the load thread panicked")?
}

/// Runs the prepared per-point statement over `points` from `c` connections, each with
/// its own loop; returns the answer (grid id) of every point.
async fn pg_per_query(
    url: String,
    points: Arc<Vec<(f64, f64)>>,
    c: usize,
) -> Res<(Vec<Option<i64>>, Load)> {
    let pool: PgPool = PgPoolOptions::new()
        .max_connections(c as u32)
        .connect(&url)
        .await
        .ctx("connecting to PostGIS")?;
    let mut conns = Vec::new();
    let mut pids = Vec::new();
    for _ in 0..c {
        let mut conn = pool.acquire().await.ctx("connecting to PostGIS")?;
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *conn)
            .await
            .ctx("asking the backend pid")?;
        pids.push(pid as u32);
        // Prepare (sqlx caches the statement per connection) and warm up.
        for &(x, y) in points.iter().rev().take(50) {
            sqlx::query_scalar::<_, i64>(PER_QUERY_SQL)
                .bind(x)
                .bind(y)
                .fetch_optional(&mut *conn)
                .await
                .ctx("warming up the per-query statement")?;
        }
        conns.push(conn);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let mark = CpuMark::now(&pids);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (next, points) = (Arc::clone(&next), Arc::clone(&points));
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= points.len() || start.elapsed() > LOAD_TIME_CAP {
                    break;
                }
                let (x, y) = points[i];
                let id = sqlx::query_scalar::<_, i64>(PER_QUERY_SQL)
                    .bind(x)
                    .bind(y)
                    .fetch_optional(&mut *conn)
                    .await
                    .ctx("running the per-query statement")?;
                out.push((i, id));
            }
            Ok::<_, String>(out)
        }));
    }
    let mut answers = vec![None; points.len()];
    let mut done = 0;
    for t in tasks {
        for (i, id) in t.await.ctx("a query loop panicked")?? {
            answers[i] = id;
            done += 1;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let load = mark.load(&pids, done, wall);
    pool.close().await;
    // Loops take indices in order, so a time cap leaves the first `done` points answered.
    answers.truncate(done);
    Ok((answers, load))
}

/// A method measured one request at a time.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    PgPerQuery,
    Http(HttpClient),
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Method::PgPerQuery => "PostGIS per-query prepared SELECT … LIMIT 1",
            Method::Http(HttpClient::Reqwest) => "wangge HTTP GET /api/lookup (reqwest client)",
            Method::Http(HttpClient::Minimal) => "wangge HTTP GET /api/lookup (minimal client)",
        }
    }
}

/// Which HTTP client a load uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HttpClient {
    /// reqwest (hyper underneath): what a Rust caller of the API would use.
    Reqwest,
    /// A minimal HTTP/1.1 keep-alive client written here (request line out, status line,
    /// Content-Length and body in), to show how much of the rate the client costs.
    Minimal,
}

/// The API token both HTTP clients send (set before the server starts).
static BENCH_TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn bench_token() -> &'static str {
    BENCH_TOKEN.get().map(String::as_str).unwrap_or("")
}

/// One keep-alive connection of the minimal client.
struct MinimalConn {
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
    request: Vec<u8>,
}

impl MinimalConn {
    async fn open(addr: &str) -> Res<MinimalConn> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .ctx("connecting to wangge serve")?;
        stream.set_nodelay(true).ctx("setting TCP_NODELAY")?;
        Ok(MinimalConn {
            stream,
            buf: Vec::with_capacity(4096),
            request: Vec::with_capacity(256),
        })
    }

    /// GETs `path`; returns the status and the body.
    async fn get(&mut self, path: &str) -> Res<(u16, &str)> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.request.clear();
        write!(
            self.request,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
            bench_token()
        )
        .ctx("formatting a request")?;
        self.stream
            .write_all(&self.request)
            .await
            .ctx("sending a request")?;
        self.buf.clear();
        let head_end = loop {
            if let Some(p) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            if self
                .stream
                .read_buf(&mut self.buf)
                .await
                .ctx("reading a response")?
                == 0
            {
                return Err("wangge serve closed the connection".into());
            }
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).ctx("response head")?;
        let status: u16 = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line in {head:?}"))?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .ok_or_else(|| format!("no Content-Length in {head:?}"))?;
        while self.buf.len() < head_end + length {
            if self
                .stream
                .read_buf(&mut self.buf)
                .await
                .ctx("reading a body")?
                == 0
            {
                return Err("wangge serve closed the connection".into());
            }
        }
        let body = std::str::from_utf8(&self.buf[head_end..head_end + length]).ctx("body")?;
        Ok((status, body))
    }
}

/// GETs `path` with the minimal connection if there is one, else with reqwest; returns
/// the status and leaves the body in `body`.
async fn fetch(
    conn: &mut Option<MinimalConn>,
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: &mut String,
) -> Res<u16> {
    body.clear();
    match conn {
        Some(conn) => {
            let (status, text) = conn.get(path).await?;
            body.push_str(text);
            Ok(status)
        }
        None => {
            let r = client
                .get(format!("{base}{path}"))
                .bearer_auth(bench_token())
                .send()
                .await
                .ctx("HTTP request")?;
            let status = r.status().as_u16();
            let bytes = r.bytes().await.ctx("HTTP body")?;
            body.push_str(std::str::from_utf8(&bytes).ctx("HTTP body is not UTF-8")?);
            Ok(status)
        }
    }
}

/// `c` keep-alive request loops on `GET /api/lookup`, checking every answer.
async fn http_load(
    kind: HttpClient,
    addr: String,
    server_pid: u32,
    points: Arc<Vec<(f64, f64)>>,
    needles: Arc<Vec<String>>,
    c: usize,
) -> Res<Load> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .tcp_nodelay(true)
        .build()
        .ctx("building the HTTP client")?;
    let base = format!("http://{addr}");
    let pids = [server_pid];
    let next = Arc::new(AtomicUsize::new(0));
    // Each loop opens its connection and warms up before the clock starts.
    let ready = Arc::new(tokio::sync::Barrier::new(c + 1));
    let mut tasks = Vec::new();
    for k in 0..c {
        let (client, base, addr) = (client.clone(), base.clone(), addr.clone());
        let (next, points, needles) =
            (Arc::clone(&next), Arc::clone(&points), Arc::clone(&needles));
        let ready = Arc::clone(&ready);
        tasks.push(tokio::spawn(async move {
            let mut conn = match kind {
                HttpClient::Minimal => Some(MinimalConn::open(&addr).await?),
                HttpClient::Reqwest => None,
            };
            let mut path = String::with_capacity(96);
            let mut body = String::with_capacity(1024);
            for i in 0..50 {
                let (x, y) = points[points.len() - 1 - (k * 50 + i) % points.len()];
                path.clear();
                let _ = std::fmt::Write::write_fmt(
                    &mut path,
                    format_args!("/api/lookup?lon={x}&lat={y}"),
                );
                fetch(&mut conn, &client, &base, &path, &mut body).await?;
            }
            ready.wait().await;
            let start = Instant::now();
            let mut done = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= points.len() || start.elapsed() > LOAD_TIME_CAP {
                    break;
                }
                let (x, y) = points[i];
                path.clear();
                let _ = std::fmt::Write::write_fmt(
                    &mut path,
                    format_args!("/api/lookup?lon={x}&lat={y}"),
                );
                let status = fetch(&mut conn, &client, &base, &path, &mut body).await?;
                if status != 200 {
                    return Err(format!("GET {path} answered {status}: {body}"));
                }
                if !body.contains(needles[i].as_str()) {
                    return Err(format!(
                        "GET {path} answered {body}, expected {} as in-process",
                        needles[i]
                    ));
                }
                done += 1;
            }
            Ok::<_, String>(done)
        }));
    }
    ready.wait().await;
    let mark = CpuMark::now(&pids);
    let start = Instant::now();
    let mut done = 0;
    for t in tasks {
        done += t.await.ctx("a request loop panicked")??;
    }
    let wall = start.elapsed().as_secs_f64();
    Ok(mark.load(&pids, done, wall))
}

/// The `wangge serve` child process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    async fn start(sqlite_url: &str, web: &Path) -> Res<Server> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wangge"))
            .arg("--db")
            .arg(sqlite_url)
            .args(["serve", "--bind", "127.0.0.1:0", "--web"])
            .arg(web)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ctx("starting wangge serve")?;
        let stdout = child.stdout.take().ok_or("no stdout of wangge serve")?;
        let mut server = Server {
            child,
            addr: String::new(),
        };
        let read = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            reader.read_line(&mut line).map(|_| (line, reader))
        });
        let (line, reader) = tokio::time::timeout(Duration::from_secs(120), read)
            .await
            .map_err(|_| "wangge serve did not start within 120 s".to_string())?
            .ctx("waiting for wangge serve")?
            .ctx("reading wangge serve's output")?;
        // Keep the pipe open (and drained) while the server runs.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut reader.into_inner(), &mut std::io::sink());
        });
        server.addr = line
            .split("on http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .map(str::to_string)
            .ok_or_else(|| format!("unexpected output of wangge serve: {line:?}"))?;
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the shapely script and returns its JSON line.
async fn run_shapely(python: &str, dir: &Path) -> Res<serde_json::Value> {
    let script: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/lookup_shapely.py");
    let (python, dir) = (python.to_string(), dir.to_path_buf());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&python)
            .arg(&script)
            .arg(&dir)
            .stdin(Stdio::null())
            .output()
    })
    .await
    .ctx("running shapely")?
    .ctx("starting the shapely script")?;
    if !out.status.success() {
        return Err(format!(
            "the shapely script failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    serde_json::from_str(line).ctx(&format!("reading the shapely output {line:?}"))
}

// ---- PostGIS database ----------------------------------------------------------------------

/// A database of the bench's own, cloned from `wangge_template`, dropped at the end.
struct PgDatabase {
    base: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create(base: &str) -> Res<PgDatabase> {
        let name = format!("wangge_bench_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&format!("{base}postgres"))
            .await
            .ctx(&format!(
                "PostGIS is unreachable at {}",
                wangge::store::redact(base)
            ))?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await
            .ctx("dropping an old bench database")?;
        sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE wangge_template"))
            .execute(&mut admin)
            .await
            .ctx("creating the bench database from wangge_template")?;
        let _ = admin.close().await;
        Ok(PgDatabase {
            url: format!("{base}{name}"),
            base: base.to_string(),
            name,
        })
    }

    async fn drop_it(&self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&format!("{}postgres", self.base)).await
        {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin)
            .await;
            let _ = admin.close().await;
        }
    }
}

// ---- machine facts -------------------------------------------------------------------------

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The 1, 5 and 15 minute load averages (other work on a shared machine skews timings).
fn loadavg() -> String {
    read_trimmed("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn mem_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "? GiB".into())
}

/// User + system CPU seconds of a process (`self` or a pid); 0 when unreadable.
fn process_cpu(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command: state is field 3, utime 14, stime 15 (in USER_HZ = 100 ticks).
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (tick(11) + tick(12)) as f64 / 100.0
}

/// Busy CPU seconds of the whole machine since boot (all CPUs, USER_HZ = 100 ticks).
fn machine_busy_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let values: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    (total - idle) as f64 / 100.0
}

// ---- report -------------------------------------------------------------------------------

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn print_report(
    rows: &Rows,
    checks: &[String],
    server_us: &[(&str, usize, f64, f64)],
    nproc: usize,
) {
    println!(
        "\n== results ({nproc} CPU(s), {} build, load average now {}) ==",
        if cfg!(debug_assertions) {
            "DEBUG"
        } else {
            "release"
        },
        loadavg()
    );
    println!(
        "{:<54} {:>4} {:>9} {:>9} {:>14}  notes",
        "method", "C", "items", "time s", "rate"
    );
    for r in &rows.0 {
        println!(
            "{:<54} {:>4} {:>9} {:>9.3} {:>14}  {}",
            r.label,
            r.concurrency,
            thousands(r.items),
            r.seconds,
            format!(
                "{} {}",
                thousands(r.rate.round() as usize),
                r.unit.split('/').next().unwrap_or("")
            ),
            r.note
        );
    }
    println!("(rate unit: per second; C = concurrent loops / connections)");

    println!("\n== ratios ==");
    let cached = rows.rate("wangge GridIndex::locate (", 1);
    let uncached = rows.rate("wangge GridIndex::locate_uncached", 1);
    let shapely = rows.rate("shapely STRtree", 1);
    let set = rows.rate("PostGIS set-based", 1);
    let ratio = |name: &str, a: Option<f64>, b: Option<f64>, target: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => {
            let r = a / b;
            let verdict = match target {
                Some(t) if r >= t => format!("target >= {t}×: MET"),
                Some(t) => format!("target >= {t}×: MISSED"),
                None => String::new(),
            };
            println!("{name:<62} {r:>8.1}×  {verdict}");
        }
        _ => println!("{name:<62}      n/a  (not measured)"),
    };
    ratio(
        "wangge in-process ÷ shapely vectorised (query only)",
        cached,
        shapely,
        Some(10.0),
    );
    ratio(
        "wangge in-process ÷ shapely vectorised (points() + query)",
        cached,
        rows.rate("shapely points() + query", 1),
        None,
    );
    ratio(
        "wangge locate_uncached ÷ shapely vectorised",
        uncached,
        shapely,
        None,
    );
    ratio(
        "wangge cell cache gain (locate ÷ locate_uncached)",
        cached,
        uncached,
        None,
    );
    ratio(
        "wangge cell cache ÷ an H3 cell cache at its best",
        cached,
        rows.rate("H3 cell cache at its best", 1),
        None,
    );
    ratio("wangge in-process ÷ PostGIS set-based", cached, set, None);
    for c in CONCURRENCIES {
        ratio(
            &format!("wangge HTTP (reqwest client) ÷ PostGIS per-query, C = {c}"),
            rows.rate("(reqwest client)", c),
            rows.rate("PostGIS per-query", c),
            Some(2.0),
        );
    }
    for c in CONCURRENCIES {
        ratio(
            &format!("wangge HTTP (minimal client) ÷ PostGIS per-query, C = {c}"),
            rows.rate("(minimal client)", c),
            rows.rate("PostGIS per-query", c),
            Some(2.0),
        );
    }
    let us = |label: &str, c: usize, both: bool| {
        server_us
            .iter()
            .find(|(l, cc, _, _)| l.contains(label) && *cc == c)
            .map(|(_, _, server, total)| if both { *total } else { *server })
    };
    println!(
        "CPU cost per request (from /proc; independent of what else runs on the machine, \
         which skews the rates above when it is shared):"
    );
    for c in CONCURRENCIES {
        ratio(
            &format!("server CPU/request: PostgreSQL ÷ wangge serve (reqwest), C = {c}"),
            us("PostGIS per-query", c, false),
            us("(reqwest client)", c, false),
            None,
        );
    }
    for c in CONCURRENCIES {
        for client in ["(reqwest client)", "(minimal client)"] {
            ratio(
                &format!("server+client CPU/request: PostGIS ÷ HTTP {client}, C = {c}"),
                us("PostGIS per-query", c, true),
                us(client, c, true),
                None,
            );
        }
    }

    println!("\n== agreement ==");
    for c in checks {
        println!("{c}");
    }
}
