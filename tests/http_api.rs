//! The real server on loopback over a demo street, in both backends.

mod common;

use std::net::SocketAddr;

use serde_json::Value;
use wangge::store::Store;

async fn serve(store: Store) -> SocketAddr {
    common::serve_store(&store).await.0
}

async fn get(addr: SocketAddr, path: &str) -> (u16, Value) {
    let r = common::get_url(&format!("http://{addr}{path}")).await;
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

#[tokio::test]
async fn the_read_api_serves_regions_grids_and_buildings() {
    for db in common::both().await {
        common::import_demo(&db.store, 2).await;
        let addr = serve(db.store.clone()).await;
        let n = db.name;

        let (s, health) = get(addr, "/healthz").await;
        assert_eq!((s, health["status"].as_str()), (200, Some("ok")), "{n}");
        assert_eq!(health["backend"], n);

        let (s, communities) = get(addr, "/api/regions?level=community").await;
        assert_eq!(s, 200);
        let communities = communities["features"].as_array().unwrap().clone();
        assert!((6..=10).contains(&communities.len()), "{n}");
        assert_eq!(communities[0]["properties"]["level"], "community");
        assert_eq!(communities[0]["geometry"]["type"], "MultiPolygon");
        let community = communities[0]["id"].as_i64().unwrap();

        let (_, grids) = get(addr, &format!("/api/grids?community={community}")).await;
        let grids = grids["features"].as_array().unwrap().clone();
        assert!(!grids.is_empty(), "{n}");
        let grid = grids[0]["id"].as_i64().unwrap();
        let (s, one) = get(addr, &format!("/api/grids/{grid}")).await;
        assert_eq!(s, 200);
        assert!(
            !one["properties"]["workers"].as_array().unwrap().is_empty(),
            "{n}: grid without workers"
        );

        let (_, in_grid) = get(addr, &format!("/api/buildings?grid={grid}")).await;
        let buildings = in_grid["features"].as_array().unwrap().clone();
        assert!(!buildings.is_empty());
        assert!(
            buildings.iter().all(|b| b["properties"]["grid_id"] == grid),
            "{n}"
        );

        // A box around the first building finds it.
        let first = &buildings[0];
        let ring = first["geometry"]["coordinates"][0][0].as_array().unwrap();
        let (x, y) = (ring[0][0].as_f64().unwrap(), ring[0][1].as_f64().unwrap());
        let (_, near) = get(
            addr,
            &format!(
                "/api/buildings?bbox={},{},{},{}&limit=50",
                x - 1e-4,
                y - 1e-4,
                x + 1e-4,
                y + 1e-4
            ),
        )
        .await;
        let near = near["features"].as_array().unwrap();
        assert!(
            near.iter().any(|b| b["id"] == first["id"]),
            "{n}: bbox misses the building"
        );

        // Paging: two pages of 5 do not overlap.
        let (_, p1) = get(addr, "/api/buildings?limit=5").await;
        let (_, p2) = get(addr, "/api/buildings?limit=5&offset=5").await;
        let ids = |v: &Value| {
            v["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&p1).len(), 5);
        assert!(ids(&p1).iter().all(|i| !ids(&p2).contains(i)));

        let id = first["id"].as_i64().unwrap();
        let (s, detail) = get(addr, &format!("/api/buildings/{id}")).await;
        assert_eq!(s, 200);
        let records = detail["properties"]["household_records"]
            .as_array()
            .unwrap();
        assert_eq!(
            records.len() as i64,
            detail["properties"]["households"].as_i64().unwrap(),
            "{n}"
        );

        let (s, stats) = get(addr, "/api/stats").await;
        assert_eq!(s, 200);
        assert!(stats["buildings"].as_i64().unwrap() > 0);

        // Errors are JSON with a reason and a 4xx status.
        for (path, status, word) in [
            ("/api/buildings/999999999", 404, "does not exist"),
            ("/api/regions/999999999", 404, "does not exist"),
            ("/api/grids/abc", 400, "abc"),
            ("/api/buildings?bbox=1,2,3", 400, "four numbers"),
            ("/api/buildings?limit=100000", 400, "limit"),
            ("/api/regions?level=planet", 400, "planet"),
        ] {
            let (s, body) = get(addr, path).await;
            assert_eq!(s, status, "{n}: {path}: {body}");
            assert!(
                body["error"].as_str().unwrap().contains(word),
                "{n}: {path}: {body}"
            );
        }

        let (s, page) = get(addr, "/").await;
        assert_eq!(s, 200, "{n}: the web page");
        assert!(page.as_str().unwrap().contains("wangge"));
    }
}
