//! Lookup: the in-memory index agrees with PostGIS on real data, resolves shared edges
//! deterministically, answers batches in order within limits, and follows edits.

mod common;

use std::net::SocketAddr;

use geo::{polygon, Coord, CoordsIter, MultiPolygon};
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sqlx::Connection;
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::osm::{CommunitySource, OsmOptions};
use wangge::import::prepare::PrepareOptions;
use wangge::import::{import_geojson, import_osm};
use wangge::index::LiveIndex;
use wangge::store::Store;

/// Points to test in a store: a point inside every building, every grid vertex (on grid
/// edges, often shared), and random points over the extent (some outside every grid).
async fn probe_points(store: &Store, random: usize) -> Vec<(f64, f64)> {
    use geo::InteriorPoint;
    let mut points: Vec<(f64, f64)> = store
        .buildings(&Default::default())
        .await
        .unwrap()
        .iter()
        .filter_map(|b| b.footprint.interior_point())
        .map(|p| (p.x(), p.y()))
        .collect();
    let grids = store.grids(None).await.unwrap();
    let all: Vec<Coord<f64>> = grids
        .iter()
        .flat_map(|g| g.boundary.coords_iter())
        .collect();
    points.extend(all.iter().step_by(3).map(|c| (c.x, c.y)));
    let (minx, maxx) = all
        .iter()
        .fold((180.0f64, -180.0f64), |(a, b), c| (a.min(c.x), b.max(c.x)));
    let (miny, maxy) = all
        .iter()
        .fold((90.0f64, -90.0f64), |(a, b), c| (a.min(c.y), b.max(c.y)));
    let (dx, dy) = ((maxx - minx) * 0.1, (maxy - miny) * 0.1);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for _ in 0..random {
        points.push((
            rng.gen_range(minx - dx..maxx + dx),
            rng.gen_range(miny - dy..maxy + dy),
        ));
    }
    points
}

/// PostGIS's answer for every point: the grid whose polygon contains it (ST_Contains), and
/// for points on a boundary, the lowest id among the grids it touches (ST_Intersects).
async fn postgis_answers(url: &str, points: &[(f64, f64)]) -> Vec<Option<i64>> {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT p.i, \
           (SELECT min(g.id) FROM current_grids g WHERE ST_Contains(g.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))), \
           (SELECT min(g.id) FROM current_grids g WHERE ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))) \
         FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(x, y, i) ORDER BY p.i",
    )
    .bind(&xs)
    .bind(&ys)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(_, contains, touches)| contains.or(touches))
        .collect()
}

async fn agree_with_postgis(db: &common::TestDb, what: &str) {
    let points = probe_points(&db.store, 3000).await;
    let expected = postgis_answers(&db.url, &points).await;
    let index = LiveIndex::load(db.store.clone()).await.unwrap().snapshot();
    assert!(!index.is_empty(), "{what}: no grids");
    let mut inside = 0;
    for (p, want) in points.iter().zip(&expected) {
        let got = index.locate(p.0, p.1).map(|g| g.id);
        assert_eq!(got, *want, "{what}: point ({}, {})", p.0, p.1);
        inside += usize::from(got.is_some());
    }
    // Meaningful: most points are in some grid, and some are outside every grid.
    assert!(
        inside > points.len() / 3 && inside < points.len(),
        "{what}: {inside} of {} inside",
        points.len()
    );
}

#[tokio::test]
async fn helsinki_lookups_agree_with_postgis() {
    for communities in [CommunitySource::Residential, CommunitySource::CityBlock] {
        let db = common::postgres().await;
        import_osm(
            &db.store,
            &common::shared_data("helsinki/Helsinki.osm.pbf"),
            &OsmOptions { communities },
            &PrepareOptions::default(),
        )
        .await
        .unwrap();
        agree_with_postgis(&db, &format!("helsinki {communities}")).await;
    }
}

#[tokio::test]
async fn wudaokou_and_shanghai_lookups_agree_with_postgis() {
    let db = common::postgres().await;
    import_osm(
        &db.store,
        &common::shared_data("beijing-wudaokou-2017/wudaokou.osm"),
        &OsmOptions::default(),
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
    agree_with_postgis(&db, "wudaokou").await;
    let db = common::postgres().await;
    let options = GeoJsonOptions {
        layer: Layer::Communities,
        crs: None,
        source: None,
        skip_invalid: false,
    };
    import_geojson(
        &db.store,
        &common::shared_data("shanghai-lujiazui/residential_areas.geojson"),
        &options,
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
    let options = GeoJsonOptions {
        layer: Layer::Buildings,
        skip_invalid: true,
        ..options
    };
    import_geojson(
        &db.store,
        &common::shared_data("shanghai-lujiazui/buildings.geojson"),
        &options,
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
    agree_with_postgis(&db, "shanghai").await;
}

#[tokio::test]
async fn demo_lookups_agree_with_postgis_on_shared_edges_too() {
    let db = common::postgres().await;
    common::import_demo(&db.store, 1).await;
    agree_with_postgis(&db, "demo").await;
    // A vertex shared by two grids goes to the lower id.
    let grids = db.store.grids(None).await.unwrap();
    let index = LiveIndex::load(db.store.clone()).await.unwrap().snapshot();
    let mut shared = 0;
    for a in &grids {
        for c in a.boundary.coords_iter().step_by(2) {
            let owners: Vec<i64> = grids
                .iter()
                .filter(|g| geo::Intersects::intersects(&g.boundary, &geo::Point::from(c)))
                .map(|g| g.id)
                .collect();
            if owners.len() >= 2 {
                shared += 1;
                // One of the grids that touch it, the same with and without the cell cache.
                // (Which one follows the interior-first rule checked against PostGIS above;
                // boolean operations leave slivers of 1e-5 m², so "on the edge" is up to
                // floating point.)
                let got = index.locate(c.x, c.y).map(|g| g.id);
                assert!(
                    got.is_some_and(|g| owners.contains(&g)),
                    "{got:?} not in {owners:?}"
                );
                assert_eq!(got, index.locate_uncached(c.x, c.y).map(|g| g.id));
            }
        }
    }
    assert!(shared > 50, "only {shared} shared vertices checked");
    // The demo's grids tile: overlaps are floating-point slivers only.
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let (overlap,): (f64,) = sqlx::query_as(
        "SELECT COALESCE(SUM(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) \
         FROM current_grids a JOIN current_grids b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(overlap < 0.01, "demo grids overlap by {overlap} m²");
}

async fn serve(store: Store) -> (SocketAddr, std::sync::Arc<LiveIndex>) {
    let (addr, state) = common::serve_store(&store).await;
    (addr, state.index.clone())
}

async fn demo_server() -> (common::TestDb, SocketAddr, std::sync::Arc<LiveIndex>) {
    let db = common::sqlite().await;
    common::import_demo(&db.store, 1).await;
    let (addr, index) = serve(db.store.clone()).await;
    (db, addr, index)
}

#[tokio::test]
async fn single_point_lookup_over_http_names_the_responsible_people() {
    let (db, addr, _) = demo_server().await;
    let b = db
        .store
        .buildings(&Default::default())
        .await
        .unwrap()
        .remove(0);
    let p = geo::InteriorPoint::interior_point(&b.footprint).unwrap();
    let get = |url: String| async move {
        let r = common::get_url(&url).await;
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    let (s, v) = get(format!(
        "http://{addr}/api/lookup?lon={}&lat={}",
        p.x(),
        p.y()
    ))
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["found"], true);
    assert_eq!(v["grid"]["id"].as_i64(), b.grid_id);
    assert_eq!(v["community"]["id"].as_i64(), b.community_id);
    assert_eq!(v["street"]["level"], "street");
    assert_eq!(v["district"]["level"], "district");
    let workers = v["workers"].as_array().unwrap();
    assert_eq!(
        workers[0]["role"], "grid_manager",
        "grid manager first: {workers:?}"
    );
    // The same place given in GCJ-02 (as an AMap click would) finds the same grid.
    let (gx, gy) = wangge::crs::offset::wgs84_to_gcj02(p.x(), p.y());
    let (_, v2) = get(format!(
        "http://{addr}/api/lookup?lon={gx}&lat={gy}&crs=gcj02"
    ))
    .await;
    assert_eq!(v2["grid"]["id"], v["grid"]["id"]);
    // Outside every grid: said plainly.
    let (s, out) = get(format!("http://{addr}/api/lookup?lon=0&lat=0")).await;
    assert_eq!((s, &out["found"]), (200, &Value::Bool(false)));
    assert!(out["message"].as_str().unwrap().contains("outside"));
    for bad in [
        "lon=abc&lat=1",
        "lon=500000&lat=4000000",
        "lon=1&lat=2&crs=EPSG:99999",
    ] {
        let (s, e) = get(format!("http://{addr}/api/lookup?{bad}")).await;
        assert_eq!(s, 400, "{bad}: {e}");
    }
}

#[tokio::test]
async fn batch_lookup_keeps_order_and_enforces_limits() {
    let (db, addr, index) = demo_server().await;
    let points = probe_points(&db.store, 500).await;
    let client = common::client(addr);
    let body =
        serde_json::to_string(&points.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>()).unwrap();
    let v: Value = client
        .post(format!("http://{addr}/api/lookup"))
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), points.len());
    let snapshot = index.snapshot();
    let mut outside = 0;
    for (i, (r, p)) in results.iter().zip(&points).enumerate() {
        assert_eq!(r["index"], i);
        assert_eq!((r["lon"].as_f64().unwrap(), r["lat"].as_f64().unwrap()), *p);
        assert_eq!(
            r["grid"]["id"].as_i64(),
            snapshot.locate(p.0, p.1).map(|g| g.id)
        );
        assert!(r.get("workers").is_none(), "workers only on request");
        outside += usize::from(r["found"] == false);
    }
    assert!(outside > 0 && outside < points.len());
    // CSV in, same answers.
    let mut csv = String::from("id,lon,lat\n");
    for (i, p) in points.iter().take(100).enumerate() {
        csv.push_str(&format!("{i},{},{}\n", p.0, p.1));
    }
    let r = client
        .post(format!("http://{addr}/api/lookup?workers=true"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 100);
    assert_eq!(v["results"][0]["grid"], results[0]["grid"]);
    // Limits and bad bodies.
    let too_many =
        serde_json::to_string(&vec![[104.06, 30.63]; wangge::lookup::MAX_BATCH + 1]).unwrap();
    let r = client
        .post(format!("http://{addr}/api/lookup"))
        .body(too_many)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert!(r.text().await.unwrap().contains("10000"));
    let huge = "x".repeat(5 * 1024 * 1024);
    let r = client
        .post(format!("http://{addr}/api/lookup"))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    for (body, ctype, word) in [
        ("{not json", "application/json", "not JSON"),
        ("[]", "application/json", "no point"),
        ("lon,lat\n1,x\n", "text/csv", "line 2"),
        (
            r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#,
            "application/json",
            "LineString",
        ),
    ] {
        let r = client
            .post(format!("http://{addr}/api/lookup"))
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{body}");
        let e: Value = r.json().await.unwrap();
        assert!(e["error"].as_str().unwrap().contains(word), "{body}: {e}");
    }
}

/// Moves a grid's boundary away: the index built aside sees the edit at once after a
/// refresh, and a running server's watcher picks up an edit made behind its back.
#[tokio::test]
async fn the_index_follows_grid_edits_without_a_restart() {
    let (db, addr, index) = demo_server().await;
    let grids = db.store.grids(None).await.unwrap();
    let g = &grids[0];
    let p = geo::InteriorPoint::interior_point(&g.boundary).unwrap();
    let before = index.snapshot();
    assert_eq!(before.locate(p.x(), p.y()).map(|x| x.id), Some(g.id));
    // Edit: move the grid 1 degree east (as a planner's edit would change its shape).
    let moved: MultiPolygon<f64> = geo::Translate::translate(&g.boundary, 1.0, 0.0);
    db.store.update_grid_boundary(g.id, &moved).await.unwrap();
    assert!(
        index.refresh(false).await.unwrap(),
        "the revision did not change"
    );
    let after = index.snapshot();
    assert_ne!(
        after.locate(p.x(), p.y()).map(|x| x.id),
        Some(g.id),
        "the index missed the edit"
    );
    assert_eq!(after.locate(p.x() + 1.0, p.y()).map(|x| x.id), Some(g.id));
    // Old readers keep their consistent snapshot.
    assert_eq!(before.locate(p.x(), p.y()).map(|x| x.id), Some(g.id));
    // A server with a watcher follows an edit made by another writer within its period.
    let _watch = index.watch(std::time::Duration::from_millis(100));
    db.store
        .update_grid_boundary(g.id, &g.boundary)
        .await
        .unwrap();
    let url = format!("http://{addr}/api/lookup?lon={}&lat={}", p.x(), p.y());
    let mut seen = false;
    for _ in 0..50 {
        let v: Value = common::get_url(&url).await.json().await.unwrap();
        if v["grid"]["id"].as_i64() == Some(g.id) {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the server did not follow the edit within 5 s");
    // An invalid boundary is refused and changes nothing.
    let bow = MultiPolygon(vec![
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
    ]);
    assert!(db.store.update_grid_boundary(g.id, &bow).await.is_err());
    assert!(db
        .store
        .update_grid_boundary(999_999, &g.boundary)
        .await
        .is_err());
}
