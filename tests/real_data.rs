//! The command centre's loop on imported real data, not the demo street: an OSM import of
//! each extract in ../shared/data (Beijing Wudaokou OSM XML, Helsinki PBF) and a GeoJSON
//! import of the Shanghai layers, on both backends, then over the real server on loopback: a balancing plan proposed, checked to
//! tile its community and published with lookups following it (plans); every building of
//! a community paged through OGC API – Features with a bbox (OGC); vector tiles of buildings
//! and grids holding the stored features (tiles); a grid worker and a community viewer
//! seeing only their own part in the API, the OGC API and the tiles (auth). The imported
//! data has no administrative codes, few names and estimated households: every reply must
//! still be whole.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;

use geo::{Area, BoundingRect, Contains, InteriorPoint, MultiPolygon};
use geozero::mvt::{Message, Tile};
use serde_json::{json, Value};
use wangge::auth::Role;
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::osm::{CommunitySource, OsmOptions};
use wangge::import::prepare::PrepareOptions;
use wangge::import::{import_geojson, import_osm};
use wangge::model::RegionLevel;
use wangge::store::{Building, BuildingFilter, Region, Store};

/// The OSM extracts, and the Shanghai layers as GeoJSON files (communities, then
/// buildings, then address points, as a planner's separate exports come).
const EXTRACTS: [&str; 3] = [
    "beijing-wudaokou-2017/wudaokou.osm",
    "helsinki/Helsinki.osm.pbf",
    "shanghai-lujiazui",
];

async fn import(store: &Store, extract: &str) {
    if extract == "shanghai-lujiazui" {
        for (file, layer) in [
            ("residential_areas.geojson", Layer::Communities),
            ("buildings.geojson", Layer::Buildings),
            ("address_points.geojson", Layer::Addresses),
        ] {
            let options = GeoJsonOptions {
                layer,
                crs: None,
                source: Some("lujiazui".into()),
                // One building of the extract has an empty geometry.
                skip_invalid: true,
            };
            let path = common::shared_data(&format!("{extract}/{file}"));
            import_geojson(store, &path, &options, &PrepareOptions::default())
                .await
                .unwrap_or_else(|e| panic!("import {file}: {e}"));
        }
        return;
    }
    import_osm(
        store,
        &common::shared_data(extract),
        &OsmOptions {
            communities: CommunitySource::Residential,
        },
        &PrepareOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("import {extract}: {e}"));
}

async fn get(addr: SocketAddr, token: &str, path: &str) -> (u16, Value) {
    let r = common::client_with(token)
        .get(format!("http://{addr}{path}"))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get_bytes(addr: SocketAddr, token: &str, path: &str) -> (u16, Vec<u8>) {
    let r = common::client_with(token)
        .get(format!("http://{addr}{path}"))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn post(addr: SocketAddr, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = common::client_with(token)
        .post(format!("http://{addr}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The imported community with the most households (not the unassigned area) and its
/// buildings.
async fn busiest_community(store: &Store) -> (Region, Vec<Building>) {
    let mut best: Option<(i64, Region, Vec<Building>)> = None;
    for c in store
        .regions(Some(RegionLevel::Community), None)
        .await
        .unwrap()
    {
        if c.source_id.starts_with("unassigned-area") {
            continue;
        }
        let buildings = store
            .buildings(&BuildingFilter {
                community: Some(c.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let households: i64 = buildings.iter().map(|b| i64::from(b.households)).sum();
        if best.as_ref().is_none_or(|(h, _, _)| households > *h) {
            best = Some((households, c, buildings));
        }
    }
    let (households, c, buildings) = best.expect("the import has communities");
    assert!(households > 0, "no community with households");
    eprintln!(
        "community {} ({:?}): {} buildings, {households} households",
        c.id,
        c.name,
        buildings.len()
    );
    (c, buildings)
}

/// Pages through an OGC collection's items from `first`, returning every id and the
/// last `numberMatched`.
async fn ogc_read_all(addr: SocketAddr, token: &str, first: &str) -> (Vec<i64>, i64) {
    let mut next = Some(format!("http://{addr}{first}"));
    let (mut all, mut matched, mut pages) = (Vec::new(), -1, 0);
    while let Some(url) = next {
        let r = common::client_with(token).get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        let body: Value = r.json().await.unwrap();
        all.extend(common::feature_ids(&body));
        matched = body["numberMatched"].as_i64().unwrap();
        next = body["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
        pages += 1;
        assert!(pages < 10_000, "paging does not end");
    }
    (all, matched)
}

/// Feature ids of the one layer of a vector tile, with their `grid_id` when they have one.
fn tile_features(bytes: &[u8], layer: &str) -> HashMap<u64, Option<i64>> {
    let tile = Tile::decode(bytes).expect("a valid MVT");
    assert_eq!(tile.layers.len(), 1);
    let l = &tile.layers[0];
    assert_eq!(l.name, layer);
    let grid_key = l.keys.iter().position(|k| k == "grid_id");
    l.features
        .iter()
        .map(|f| {
            let grid = grid_key.and_then(|k| {
                f.tags.chunks(2).find(|p| p[0] as usize == k).and_then(|p| {
                    let v = &l.values[p[1] as usize];
                    v.int_value
                        .or(v.sint_value)
                        .or(v.uint_value.map(|u| u as i64))
                })
            });
            (f.id.expect("feature id"), grid)
        })
        .collect()
}

#[tokio::test]
async fn a_plan_is_proposed_checked_and_published_on_each_import() {
    for extract in EXTRACTS {
        for db in common::both().await {
            let what = format!("{extract} on {}", db.name);
            import(&db.store, extract).await;
            let (community, buildings) = busiest_community(&db.store).await;
            let (addr, _) = common::serve_store(&db.store).await;
            let admin = common::token_for(addr);

            let (s, draft) = post(
                addr,
                &admin,
                &format!("/api/communities/{}/plans", community.id),
                json!({"seed": 1}),
            )
            .await;
            assert_eq!(s, 201, "{what}: {draft}");
            let id = draft["plan_id"].as_i64().unwrap();
            let (s, plan) = get(addr, &admin, &format!("/api/plans/{id}")).await;
            assert_eq!(s, 200, "{what}: {plan}");
            let grids: Vec<(i64, MultiPolygon<f64>)> = plan["grids"]["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["id"].as_i64().unwrap(),
                        common::multipolygon(&f["geometry"]),
                    )
                })
                .collect();
            assert!(!grids.is_empty(), "{what}");
            eprintln!("{what}: a draft of {} grids", grids.len());
            // The grids tile the community: their areas add up to its area.
            let area = community.boundary.unsigned_area();
            let sum: f64 = grids.iter().map(|(_, g)| g.unsigned_area()).sum();
            assert!(
                (sum - area).abs() / area < 1e-6,
                "{what}: grids cover {sum} of the community's {area}"
            );
            // Every household of the community is in one grid of the draft.
            let planned: i64 = draft["metrics"]["grids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["households"].as_i64().unwrap())
                .sum();
            let households: i64 = buildings.iter().map(|b| i64::from(b.households)).sum();
            assert_eq!(planned, households, "{what}: {}", draft["metrics"]);

            let (s, published) =
                post(addr, &admin, &format!("/api/plans/{id}/publish"), json!({})).await;
            assert_eq!(s, 200, "{what}: {published}");
            // Lookups answer the new grid holding each building's interior point.
            for b in buildings.iter().step_by((buildings.len() / 40).max(1)) {
                let p = b.footprint.interior_point().unwrap();
                let (s, found) = get(
                    addr,
                    &admin,
                    &format!("/api/lookup?lon={}&lat={}", p.x(), p.y()),
                )
                .await;
                assert_eq!(s, 200, "{what}: {found}");
                let grid = found["grid"]["id"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("{what}: building {} is in no grid: {found}", b.id));
                let (_, boundary) = grids
                    .iter()
                    .find(|(g, _)| *g == grid)
                    .unwrap_or_else(|| panic!("{what}: lookup answers {grid}, not a new grid"));
                assert!(
                    boundary.contains(&p),
                    "{what}: grid {grid} does not hold {p:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn ogc_features_page_through_every_imported_building() {
    for extract in EXTRACTS {
        for db in common::both().await {
            let what = format!("{extract} on {}", db.name);
            import(&db.store, extract).await;
            let (community, _) = busiest_community(&db.store).await;
            let (addr, _) = common::serve_store(&db.store).await;
            let admin = common::token_for(addr);

            let counts = db.store.counts().await.unwrap();
            let (all, matched) =
                ogc_read_all(addr, &admin, "/ogc/collections/buildings/items?limit=1000").await;
            assert_eq!(matched, counts.buildings, "{what}");
            let unique: BTreeSet<i64> = all.iter().copied().collect();
            assert_eq!(unique.len() as i64, counts.buildings, "{what}");

            let r = community.boundary.bounding_rect().unwrap();
            let bbox = [r.min().x, r.min().y, r.max().x, r.max().y];
            let expected: BTreeSet<i64> = db
                .store
                .buildings(&BuildingFilter {
                    bbox: Some(bbox),
                    ..Default::default()
                })
                .await
                .unwrap()
                .iter()
                .map(|b| b.id)
                .collect();
            let q = format!("{},{},{},{}", bbox[0], bbox[1], bbox[2], bbox[3]);
            let (in_box, matched) = ogc_read_all(
                addr,
                &admin,
                &format!("/ogc/collections/buildings/items?bbox={q}&limit=37"),
            )
            .await;
            assert!(!expected.is_empty(), "{what}");
            assert_eq!(matched as usize, expected.len(), "{what}");
            assert_eq!(
                in_box.into_iter().collect::<BTreeSet<_>>(),
                expected,
                "{what}"
            );

            let (grid_ids, matched) =
                ogc_read_all(addr, &admin, "/ogc/collections/grids/items?limit=50").await;
            assert_eq!(matched, counts.grids, "{what}");
            assert_eq!(grid_ids.len() as i64, counts.grids, "{what}");
            // One item of each, whatever it lacks (no code, no name, no floors).
            for (collection, item) in [("buildings", all[0]), ("grids", grid_ids[0])] {
                let (s, f) = get(
                    addr,
                    &admin,
                    &format!("/ogc/collections/{collection}/items/{item}"),
                )
                .await;
                assert_eq!(s, 200, "{what}: {f}");
                assert_eq!(f["id"], item, "{what}");
                assert!(f["properties"].is_object(), "{what}: {f}");
            }
        }
    }
}

#[tokio::test]
async fn tiles_and_scopes_hold_the_imported_features() {
    for extract in EXTRACTS {
        for db in common::both().await {
            let what = format!("{extract} on {}", db.name);
            import(&db.store, extract).await;
            let (community, buildings) = busiest_community(&db.store).await;
            let (addr, _) = common::serve_store(&db.store).await;
            let admin = common::token_for(addr);
            let own = buildings
                .iter()
                .find(|b| b.grid_id.is_some())
                .expect("a building in a grid")
                .clone();
            let grid = own.grid_id.unwrap();
            let p = own.footprint.interior_point().unwrap();

            // The administrator's tiles hold the building and its grid.
            let (x, y) = common::tile_of(p.x(), p.y(), 16);
            let (s, bytes) =
                get_bytes(addr, &admin, &format!("/tiles/buildings/16/{x}/{y}.mvt")).await;
            assert_eq!(s, 200, "{what}");
            let features = tile_features(&bytes, "buildings");
            assert_eq!(
                features.get(&(own.id as u64)),
                Some(&Some(grid)),
                "{what}: building {} not in its tile with grid {grid}",
                own.id
            );
            let (gx, gy) = common::tile_of(p.x(), p.y(), 14);
            let (s, bytes) =
                get_bytes(addr, &admin, &format!("/tiles/grids/14/{gx}/{gy}.mvt")).await;
            assert_eq!(s, 200, "{what}");
            assert!(
                tile_features(&bytes, "grids").contains_key(&(grid as u64)),
                "{what}: grid {grid} not in its tile"
            );

            // A grid worker sees their grid's buildings only, in tiles and the API.
            let (_, worker) =
                common::user_with_token(&db.store, Role::GridWorker, &[], &[grid]).await;
            let (s, bytes) =
                get_bytes(addr, &worker, &format!("/tiles/buildings/16/{x}/{y}.mvt")).await;
            assert_eq!(s, 200, "{what}");
            let seen = tile_features(&bytes, "buildings");
            assert!(seen.contains_key(&(own.id as u64)), "{what}");
            assert!(
                seen.values().all(|g| *g == Some(grid)),
                "{what}: the worker's tile holds another grid's building"
            );
            let (s, detail) = get(addr, &worker, &format!("/api/buildings/{}", own.id)).await;
            assert_eq!(s, 200, "{what}: {detail}");
            let (_, grids) = get(addr, &worker, "/api/grids").await;
            assert_eq!(common::feature_ids(&grids), vec![grid], "{what}");
            let (_, items) = get(
                addr,
                &worker,
                "/ogc/collections/buildings/items?limit=10000",
            )
            .await;
            let visible = common::feature_ids(&items);
            let in_grid = db
                .store
                .buildings(&BuildingFilter {
                    grid: Some(grid),
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(visible.len(), in_grid.len(), "{what}");
            if let Some(other) = db
                .store
                .buildings(&Default::default())
                .await
                .unwrap()
                .into_iter()
                .find(|b| b.grid_id.is_some_and(|g| g != grid))
            {
                let (s, _) = get(addr, &worker, &format!("/api/buildings/{}", other.id)).await;
                assert_eq!(s, 404, "{what}: a worker reads another grid's building");
            }

            // A viewer of the community sees its summary, not another community's.
            let (_, viewer) =
                common::user_with_token(&db.store, Role::Viewer, &[community.id], &[]).await;
            let (s, summary) = get(
                addr,
                &viewer,
                &format!("/api/regions/{}/summary", community.id),
            )
            .await;
            assert_eq!(s, 200, "{what}: {summary}");
            let other = db
                .store
                .regions(Some(RegionLevel::Community), None)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.id != community.id)
                .expect("two communities");
            let (s, _) = get(addr, &viewer, &format!("/api/regions/{}/summary", other.id)).await;
            assert_eq!(s, 404, "{what}: a viewer reads another community");
        }
    }
}
