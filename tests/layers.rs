//! Layers over real HTTP on loopback, on both backends, over the demo street: vector
//! tiles decoded with geozero and checked against the store, TileJSON, drill-down
//! summaries against direct counts, the building table and masked people, ETag/304, and
//! an edit visible in the very next request.

mod common;

use common::tile_of;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::SocketAddr;

use geo::{BoundingRect, Contains, Intersects, MultiPolygon};
use geozero::mvt::tile::Layer as MvtLayer;
use geozero::mvt::{Message, Tile};
use geozero::ToGeo;
use serde_json::Value;
use wangge::auth::{add_user, issue_token, Role};
use wangge::store::{BuildingFilter, Store};
use wangge::tiles::cut::{tile_box, EXTENT};
use wangge::tiles::source::mercator;

struct Server {
    addr: SocketAddr,
    client: reqwest::Client,
}

impl Server {
    async fn get(&self, token: &str, path: &str, etag: Option<&str>) -> reqwest::Response {
        let mut r = self
            .client
            .get(format!("http://{}{path}", self.addr))
            .bearer_auth(token);
        if let Some(tag) = etag {
            r = r.header("If-None-Match", tag);
        }
        r.send().await.unwrap()
    }

    async fn json(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self.get(token, path, None).await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&body).unwrap_or(Value::String(body)),
        )
    }
}

/// The demo street in `store`, a server over it, and an administrator's token.
async fn demo_server(store: &Store) -> (Server, String) {
    common::import_demo(store, 2).await;
    add_user(
        store,
        "admin",
        "admin-pass-1",
        Role::Administrator,
        &[],
        &[],
        false,
    )
    .await
    .unwrap();
    let token = issue_token(store, "admin", 1).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let web = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
    let state = wangge::api::AppState::load(store.clone()).await.unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            wangge::api::router(state, web).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let client = reqwest::Client::new();
    (Server { addr, client }, token)
}

/// Longitude/latitude to tile coordinates of tile z/x/y.
fn to_tile(lon: f64, lat: f64, (z, x, y): (u8, u32, u32)) -> (f64, f64) {
    let (left, top, size) = tile_box(z, x, y);
    let (mx, my) = mercator(lon, lat);
    let scale = f64::from(EXTENT) / size;
    ((mx - left) * scale, (top - my) * scale)
}

/// Decoded features of the one layer of a tile: id → (properties, geometry in tile units).
type Decoded = HashMap<u64, (HashMap<String, Value>, geo::Geometry<f64>)>;

fn decode(bytes: &[u8], name: &str) -> Decoded {
    let tile = Tile::decode(bytes).expect("a valid MVT");
    assert_eq!(tile.layers.len(), 1);
    let layer: &MvtLayer = &tile.layers[0];
    assert_eq!(layer.name, name);
    assert_eq!(layer.extent, Some(EXTENT));
    let mut out = HashMap::new();
    for f in &layer.features {
        let mut props = HashMap::new();
        for pair in f.tags.chunks(2) {
            let key = layer.keys[pair[0] as usize].clone();
            let v = &layer.values[pair[1] as usize];
            let value = if let Some(s) = &v.string_value {
                Value::from(s.clone())
            } else if let Some(b) = v.bool_value {
                Value::from(b)
            } else if let Some(i) = v.int_value {
                Value::from(i)
            } else if let Some(i) = v.uint_value {
                Value::from(i)
            } else if let Some(i) = v.sint_value {
                Value::from(i)
            } else {
                Value::Null
            };
            props.insert(key, value);
        }
        let id = f.id.expect("feature id");
        let geometry = f.to_geo().expect("decodable geometry");
        assert!(
            out.insert(id, (props, geometry)).is_none(),
            "duplicate id {id}"
        );
    }
    out
}

/// A polygon's interior point, in lon/lat.
fn inner_point(mp: &MultiPolygon<f64>) -> geo::Point<f64> {
    wangge::geometry::representative_point(mp).expect("a point inside")
}

#[tokio::test]
async fn tiles_and_tilejson_serve_the_store_layers() {
    for db in common::both().await {
        let n = db.name;
        let (srv, token) = demo_server(&db.store).await;

        // TileJSON.
        let (s, tj) = srv.json(&token, "/tiles/buildings.json").await;
        assert_eq!(s, 200, "{n}: {tj}");
        assert_eq!(tj["tilejson"], "3.0.0");
        let template = tj["tiles"][0].as_str().unwrap();
        assert_eq!(
            template,
            format!("http://{}/tiles/buildings/{{z}}/{{x}}/{{y}}.mvt", srv.addr)
        );
        assert_eq!(tj["vector_layers"][0]["id"], "buildings");
        assert!(tj["vector_layers"][0]["fields"]["estimated"].is_string());
        let b = tj["bounds"].as_array().unwrap();
        assert!(b[0].as_f64().unwrap() < b[2].as_f64().unwrap());

        // Building tiles at z16 around several buildings agree with the store.
        let buildings = db
            .store
            .buildings(&BuildingFilter::default())
            .await
            .unwrap();
        assert!(buildings.len() > 100, "{n}");
        let z = 16u8;
        let mut checked_tiles = HashSet::new();
        for building in buildings.iter().step_by(buildings.len() / 12) {
            let p = inner_point(&building.footprint);
            let (x, y) = tile_of(p.x(), p.y(), z);
            if !checked_tiles.insert((x, y)) {
                continue;
            }
            let r = srv
                .get(&token, &format!("/tiles/buildings/{z}/{x}/{y}.mvt"), None)
                .await;
            assert_eq!(r.status(), 200, "{n}");
            assert_eq!(
                r.headers()["content-type"],
                "application/vnd.mapbox-vector-tile"
            );
            assert!(r.headers()["etag"].to_str().unwrap().starts_with("W/\""));
            let features = decode(&r.bytes().await.unwrap(), "buildings");
            let (props, geometry) = features
                .get(&(building.id as u64))
                .unwrap_or_else(|| panic!("{n}: building {} not in its tile", building.id));
            assert_eq!(props["id"], building.id);
            assert_eq!(props["grid_id"], serde_json::json!(building.grid_id));
            assert_eq!(
                props["community_id"],
                serde_json::json!(building.community_id)
            );
            assert_eq!(props["households"], building.households);
            assert_eq!(props["estimated"], building.households_estimated);
            // Its inner point is inside (or within a unit of) its decoded footprint.
            let (tx, ty) = to_tile(p.x(), p.y(), (z, x, y));
            let inside = geometry.intersects(&geo::Rect::new(
                geo::coord! { x: tx - 1.0, y: ty - 1.0 },
                geo::coord! { x: tx + 1.0, y: ty + 1.0 },
            ));
            assert!(inside, "{n}: building {} geometry misplaced", building.id);
            // Every building wholly inside the tile is there, and nothing far outside.
            let (west, north) = (
                x as f64 / f64::from(1u32 << z) * 360.0 - 180.0,
                lat_of(y, z),
            );
            let (east, south) = (
                (x + 1) as f64 / f64::from(1u32 << z) * 360.0 - 180.0,
                lat_of(y + 1, z),
            );
            let tile_rect = geo::Rect::new(
                geo::coord! { x: west, y: south },
                geo::coord! { x: east, y: north },
            );
            let margin = (east - west) * 0.1;
            let buffered = geo::Rect::new(
                geo::coord! { x: west - margin, y: south - margin },
                geo::coord! { x: east + margin, y: north + margin },
            );
            for other in &buildings {
                let r = other.footprint.bounding_rect().unwrap();
                let listed = features.contains_key(&(other.id as u64));
                if tile_rect.contains(&r) {
                    assert!(
                        listed,
                        "{n}: building {} inside the tile is missing",
                        other.id
                    );
                }
                if listed {
                    assert!(
                        buffered.intersects(&r),
                        "{n}: building {} is far away",
                        other.id
                    );
                }
            }
        }
        assert!(checked_tiles.len() >= 3, "{n}");

        // Grid tiles at z14 carry the grids' properties and household totals.
        let grids = db.store.grids(None).await.unwrap();
        let totals = db.store.grid_totals().await.unwrap();
        let g = &grids[0];
        let p = inner_point(&g.boundary);
        let (x, y) = tile_of(p.x(), p.y(), 14);
        let r = srv
            .get(&token, &format!("/tiles/grids/14/{x}/{y}.mvt"), None)
            .await;
        assert_eq!(r.status(), 200, "{n}");
        let features = decode(&r.bytes().await.unwrap(), "grids");
        let (props, _) = &features[&(g.id as u64)];
        assert_eq!(props["code"], g.code.as_str());
        assert_eq!(props["name"], g.name.as_str());
        assert_eq!(props["kind"], g.kind.as_ref());
        assert_eq!(props["community_id"], g.community_id);
        assert_eq!(props["households"], totals[&g.id].households);
        for (id, (props, _)) in &features {
            assert!(
                grids.iter().any(|g| g.id as u64 == *id),
                "{n}: unknown grid {id}"
            );
            assert_eq!(props.len(), 6, "{n}: {props:?}");
        }

        // gzip when accepted.
        let r = srv
            .client
            .get(format!("http://{}/tiles/grids/14/{x}/{y}.mvt", srv.addr))
            .bearer_auth(&token)
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], "gzip", "{n}");

        // Empty tiles are 204; bad coordinates 400; unknown layers 404; no token 401.
        for (path, status) in [
            ("/tiles/buildings/16/0/0.mvt", 204),
            ("/tiles/buildings/5/24/13.mvt", 204),
            ("/tiles/buildings/16/65536/0.mvt", 400),
            ("/tiles/buildings/25/0/0.mvt", 400),
            ("/tiles/buildings/a/0/0.mvt", 400),
            ("/tiles/buildings/1/0/0.png", 400),
            ("/tiles/roads/1/0/0.mvt", 404),
            ("/tiles/roads.json", 404),
        ] {
            let r = srv.get(&token, path, None).await;
            assert_eq!(r.status().as_u16(), status, "{n}: {path}");
        }
        let r = srv
            .client
            .get(format!("http://{}/tiles/grids/14/{x}/{y}.mvt", srv.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{n}");

        // A grid worker's tiles hold only their grid's buildings.
        add_user(
            &db.store,
            "worker",
            "worker-pass-1",
            Role::GridWorker,
            &[],
            &[g.id],
            false,
        )
        .await
        .unwrap();
        let worker = issue_token(&db.store, "worker", 1).await.unwrap();
        let (x, y) = tile_of(p.x(), p.y(), 15);
        let mut seen = 0;
        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1), (u32::MAX, 0), (0, u32::MAX)] {
            let (tx, ty) = (x.wrapping_add(dx), y.wrapping_add(dy));
            let r = srv
                .get(&worker, &format!("/tiles/buildings/15/{tx}/{ty}.mvt"), None)
                .await;
            if r.status() == 204 {
                continue;
            }
            assert_eq!(r.status(), 200, "{n}");
            for (props, _) in decode(&r.bytes().await.unwrap(), "buildings").values() {
                assert_eq!(props["grid_id"], g.id, "{n}: a building of another grid");
                seen += 1;
            }
        }
        assert!(seen > 0, "{n}: the worker sees none of their buildings");
    }
}

/// Latitude of the top edge of tile row `y` at zoom `z`.
fn lat_of(y: u32, z: u8) -> f64 {
    let n = std::f64::consts::PI - 2.0 * std::f64::consts::PI * f64::from(y) / f64::from(1u32 << z);
    n.sinh().atan().to_degrees()
}

#[tokio::test]
async fn summaries_agree_with_direct_counts() {
    let mut by_backend: Vec<Vec<(String, Value)>> = Vec::new();
    for db in common::both().await {
        let n = db.name;
        let (srv, token) = demo_server(&db.store).await;
        let store = &db.store;
        let regions = store.regions(None, None).await.unwrap();
        let grids = store.grids(None).await.unwrap();
        let buildings = store.buildings(&BuildingFilter::default()).await.unwrap();
        let cameras = store.cameras().await.unwrap();
        let workers = store.workers_by_grid().await.unwrap();
        let mut households = HashMap::new();
        for b in &buildings {
            households.insert(b.id, store.households(b.id).await.unwrap());
        }
        // Direct counts over a set of communities and the grids given.
        let direct =
            |communities: &HashSet<i64>, grid_ids: &HashSet<i64>, area: &MultiPolygon<f64>| {
                let bs: Vec<_> = buildings
                    .iter()
                    .filter(|b| match grid_ids.len() {
                        1 => b.grid_id.is_some_and(|g| grid_ids.contains(&g)),
                        _ => b.community_id.is_some_and(|c| communities.contains(&c)),
                    })
                    .collect();
                let hh: Vec<_> = bs.iter().flat_map(|b| households[&b.id].iter()).collect();
                let ws: BTreeSet<i64> = grid_ids
                    .iter()
                    .flat_map(|g| workers.get(g).into_iter().flatten().map(|w| w.id))
                    .collect();
                serde_json::json!({
                    "grids": grid_ids.len(),
                    "buildings": bs.len(),
                    "households": bs.iter().map(|b| i64::from(b.households)).sum::<i64>(),
                    "residents": hh.iter().map(|h| i64::from(h.residents)).sum::<i64>(),
                    "floating": hh.iter().map(|h| i64::from(h.floating)).sum::<i64>(),
                    "workers": ws.len(),
                    "cameras": cameras.iter().filter(|c| area.intersects(&c.location)).count(),
                })
            };
        let mut answers = Vec::new();
        for r in &regions {
            // The region and everything below it.
            let mut sub: HashSet<i64> = HashSet::from([r.id]);
            loop {
                let more: Vec<i64> = regions
                    .iter()
                    .filter(|x| {
                        x.parent_id.is_some_and(|p| sub.contains(&p)) && !sub.contains(&x.id)
                    })
                    .map(|x| x.id)
                    .collect();
                if more.is_empty() {
                    break;
                }
                sub.extend(more);
            }
            let gs: HashSet<i64> = grids
                .iter()
                .filter(|g| sub.contains(&g.community_id))
                .map(|g| g.id)
                .collect();
            let (s, got) = srv
                .json(&token, &format!("/api/regions/{}/summary", r.id))
                .await;
            assert_eq!(s, 200, "{n}: {got}");
            let mut want = direct(&sub, &gs, &r.boundary);
            if gs.len() == 1 {
                // A community with one grid: count its buildings by community all the same.
                let bs: Vec<_> = buildings
                    .iter()
                    .filter(|b| b.community_id.is_some_and(|c| sub.contains(&c)))
                    .collect();
                want["buildings"] = bs.len().into();
                want["households"] = bs
                    .iter()
                    .map(|b| i64::from(b.households))
                    .sum::<i64>()
                    .into();
                let hh: Vec<_> = bs.iter().flat_map(|b| households[&b.id].iter()).collect();
                want["residents"] = hh
                    .iter()
                    .map(|h| i64::from(h.residents))
                    .sum::<i64>()
                    .into();
                want["floating"] = hh.iter().map(|h| i64::from(h.floating)).sum::<i64>().into();
            }
            assert_eq!(got, want, "{n}: region {} {}", r.id, r.name);
            answers.push((format!("region {}", r.source_id), got));
        }
        for g in &grids {
            let (s, got) = srv
                .json(&token, &format!("/api/grids/{}/summary", g.id))
                .await;
            assert_eq!(s, 200, "{n}");
            let want = direct(&HashSet::new(), &HashSet::from([g.id]), &g.boundary);
            assert_eq!(got, want, "{n}: grid {}", g.code);
            answers.push((format!("grid {}", g.code), got));
        }
        // The street's totals are not trivial.
        let street = regions
            .iter()
            .find(|r| r.level.as_ref() == "street")
            .unwrap();
        let (_, s) = srv
            .json(&token, &format!("/api/regions/{}/summary", street.id))
            .await;
        for key in [
            "grids",
            "buildings",
            "households",
            "residents",
            "floating",
            "workers",
            "cameras",
        ] {
            assert!(s[key].as_i64().unwrap() > 0, "{n}: street {key} = 0: {s}");
        }
        for (path, status) in [
            ("/api/regions/999999/summary", 404),
            ("/api/grids/999999/summary", 404),
            ("/api/grids/x/summary", 400),
        ] {
            let (s, body) = srv.json(&token, path).await;
            assert_eq!(s, status, "{n}: {path}: {body}");
        }
        answers.sort_by(|a, b| a.0.cmp(&b.0));
        by_backend.push(answers);
    }
    assert_eq!(by_backend[0], by_backend[1], "the backends disagree");
}

#[tokio::test]
async fn building_table_and_masked_people() {
    for db in common::both().await {
        let n = db.name;
        let (srv, admin) = demo_server(&db.store).await;
        add_user(
            &db.store,
            "viewer",
            "viewer-pass-1",
            Role::Viewer,
            &[],
            &[],
            false,
        )
        .await
        .unwrap();
        let viewer = issue_token(&db.store, "viewer", 1).await.unwrap();
        let buildings = db
            .store
            .buildings(&BuildingFilter::default())
            .await
            .unwrap();
        let b = buildings
            .iter()
            .filter(|b| !b.households_estimated)
            .max_by_key(|b| b.households)
            .unwrap();
        let (s, detail) = srv.json(&viewer, &format!("/api/buildings/{}", b.id)).await;
        assert_eq!(s, 200, "{n}");
        let table = &detail["properties"]["table"];
        let records = detail["properties"]["household_records"]
            .as_array()
            .unwrap();
        let units = table["units"].as_array().unwrap();
        let floors = table["floors"].as_array().unwrap();
        assert!(units.len() > 1 && floors.len() > 1, "{n}: {table}");
        let mut placed = 0;
        for (f, row) in table["cells"].as_array().unwrap().iter().enumerate() {
            for (u, cell) in row.as_array().unwrap().iter().enumerate() {
                for h in cell.as_array().unwrap() {
                    let record = records.iter().find(|r| r["id"] == h["id"]).unwrap();
                    assert_eq!(record["floor"], floors[f], "{n}");
                    assert_eq!(record["unit"], units[u], "{n}");
                    assert_eq!(record["room"], h["room"]);
                    assert_eq!(record["residents"], h["size"]);
                    placed += 1;
                }
            }
        }
        assert_eq!(placed, records.len(), "{n}");
        // Floors run from the top down.
        assert!(floors[0].as_i64() > floors[1].as_i64());

        // A household's people: masked for a viewer, clear for an administrator.
        let h = records
            .iter()
            .find(|r| r["residents"].as_i64() > Some(0))
            .unwrap();
        let hid = h["id"].as_i64().unwrap();
        let people = db.store.people(hid).await.unwrap();
        assert!(!people.is_empty());
        let (s, masked) = srv.json(&viewer, &format!("/api/households/{hid}")).await;
        assert_eq!(s, 200, "{n}: {masked}");
        assert_eq!(masked["masked"], true);
        assert_eq!(masked["building_id"], b.id);
        let shown = masked["people"].as_array().unwrap();
        assert_eq!(shown.len(), people.len());
        for (p, m) in people.iter().zip(shown) {
            let name = m["name"].as_str().unwrap();
            assert_eq!(name.chars().next(), p.name.chars().next());
            assert!(name.chars().skip(1).all(|c| c == '*'), "{n}: {name}");
            let id = m["id_number"].as_str().unwrap();
            assert_eq!(
                id,
                format!("{}********{}", &p.id_number[..6], &p.id_number[14..])
            );
            if let Some(phone) = &p.phone {
                assert_eq!(
                    m["phone"].as_str().unwrap(),
                    format!("{}****{}", &phone[..3], &phone[7..])
                );
            }
            assert!(!masked.to_string().contains(&p.id_number), "{n}: leak");
        }
        let (_, clear) = srv.json(&admin, &format!("/api/households/{hid}")).await;
        assert_eq!(clear["masked"], false);
        assert_eq!(
            clear["people"][0]["id_number"],
            people[0].id_number.as_str()
        );
        assert_eq!(clear["people"][0]["name"], people[0].name.as_str());
        let (s, _) = srv.json(&viewer, "/api/households/999999999").await;
        assert_eq!(s, 404, "{n}");
    }
}

#[tokio::test]
async fn etags_revalidate_and_an_edit_shows_in_the_next_request() {
    for db in common::both().await {
        let n = db.name;
        let (srv, token) = demo_server(&db.store).await;
        let grids = db.store.grids(None).await.unwrap();
        let g = grids
            .iter()
            .max_by_key(|g| g.boundary.0[0].exterior().0.len())
            .unwrap();
        let p = inner_point(&g.boundary);
        let (x, y) = tile_of(p.x(), p.y(), 15);
        let tile_path = format!("/tiles/grids/15/{x}/{y}.mvt");
        let paths = [
            tile_path.clone(),
            format!("/api/grids/{}", g.id),
            "/api/grids".to_string(),
            format!("/api/grids/{}/summary", g.id),
            "/api/regions".to_string(),
            "/tiles/grids.json".to_string(),
        ];
        let mut tags = HashMap::new();
        for path in &paths {
            let r = srv.get(&token, path, None).await;
            assert_eq!(r.status(), 200, "{n}: {path}");
            assert_eq!(
                r.headers()["cache-control"],
                "private, no-cache",
                "{n}: {path}"
            );
            let tag = r.headers()["etag"].to_str().unwrap().to_string();
            // Revalidation: 304 with no body, the same tag.
            let again = srv.get(&token, path, Some(&tag)).await;
            assert_eq!(again.status(), 304, "{n}: {path}");
            assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
            assert!(again.bytes().await.unwrap().is_empty());
            // Another URI has another tag.
            assert!(tags.values().all(|t| *t != tag), "{n}: {path}");
            tags.insert(path.clone(), tag);
        }
        let before = decode(
            &srv.get(&token, &tile_path, None)
                .await
                .bytes()
                .await
                .unwrap(),
            "grids",
        );

        // Edit through the store (as another process would), then ask at once.
        let center = (p.x(), p.y());
        let shrunk = geo::MultiPolygon(
            g.boundary
                .0
                .iter()
                .map(|poly| {
                    use geo::MapCoords;
                    poly.map_coords(|c| {
                        geo::coord! {
                            x: center.0 + (c.x - center.0) * 0.5,
                            y: center.1 + (c.y - center.1) * 0.5,
                        }
                    })
                })
                .collect(),
        );
        db.store.update_grid_boundary(g.id, &shrunk).await.unwrap();

        for path in &paths {
            let r = srv.get(&token, path, Some(&tags[path])).await;
            let changed = path != "/api/regions";
            if changed {
                assert_eq!(r.status(), 200, "{n}: {path} still 304 after the edit");
                assert_ne!(
                    r.headers()["etag"].to_str().unwrap(),
                    tags[path],
                    "{n}: {path}"
                );
            } else {
                assert_eq!(r.status(), 304, "{n}: {path}: another layer's edit");
            }
        }
        let after = decode(
            &srv.get(&token, &tile_path, None)
                .await
                .bytes()
                .await
                .unwrap(),
            "grids",
        );
        let area = |d: &Decoded| {
            use geo::Area;
            d[&(g.id as u64)].1.unsigned_area()
        };
        let ratio = area(&after) / area(&before);
        // The grid may be clipped by the tile: its visible area shrinks, by up to 4x.
        assert!(ratio < 0.9 && ratio > 0.2, "{n}: area ratio {ratio}");
        let (_, detail) = srv.json(&token, &format!("/api/grids/{}", g.id)).await;
        let ring = detail["geometry"]["coordinates"][0][0][0]
            .as_array()
            .unwrap();
        let first = shrunk.0[0].exterior().0[0];
        assert!(
            (ring[0].as_f64().unwrap() - first.x).abs() < 1e-9,
            "{n}: stale grid"
        );
        assert!(
            (ring[1].as_f64().unwrap() - first.y).abs() < 1e-9,
            "{n}: stale grid"
        );

        // A building's household count changed by an import shows in the next building
        // tile and building response.
        let b = db
            .store
            .buildings(&BuildingFilter {
                grid: Some(g.id),
                limit: Some(1),
                ..Default::default()
            })
            .await
            .unwrap()
            .remove(0);
        let bp = inner_point(&b.footprint);
        let (x, y) = tile_of(bp.x(), bp.y(), 16);
        let tile_path = format!("/tiles/buildings/16/{x}/{y}.mvt");
        let detail_path = format!("/api/buildings/{}", b.id);
        let r = srv.get(&token, &tile_path, None).await;
        let tile_tag = r.headers()["etag"].to_str().unwrap().to_string();
        let r = srv.get(&token, &detail_path, None).await;
        let detail_tag = r.headers()["etag"].to_str().unwrap().to_string();
        let mut edit = wangge::model::Dataset::new(b.source.clone());
        edit.buildings.push(wangge::model::BuildingRecord {
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
            households: Some(wangge::model::HouseholdCount::Estimated(b.households + 777)),
        });
        db.store.write_dataset(&edit, "edit", "test").await.unwrap();
        let r = srv.get(&token, &tile_path, Some(&tile_tag)).await;
        assert_eq!(
            r.status(),
            200,
            "{n}: building tile still 304 after the edit"
        );
        let features = decode(&r.bytes().await.unwrap(), "buildings");
        assert_eq!(
            features[&(b.id as u64)].0["households"],
            b.households + 777,
            "{n}: stale building tile"
        );
        let r = srv.get(&token, &detail_path, Some(&detail_tag)).await;
        assert_eq!(
            r.status(),
            200,
            "{n}: building detail still 304 after the edit"
        );
    }
}
