//! OGC API – Features on the real server on loopback over the demo street, in both
//! backends: documents, paging, bbox, property filters, CRSs, Part 4 on grids with the
//! lookup index following, bad input; and real clients (GDAL's OAPIF driver, OWSLib).

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::Command;

use geo::{BoundingRect, Contains, InteriorPoint, MapCoords};
use reqwest::Method;
use serde_json::{json, Value};
use wangge::store::Store;

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const EPSG4326: &str = "http://www.opengis.net/def/crs/EPSG/0/4326";
const EPSG3857: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";
const EPSG4490: &str = "http://www.opengis.net/def/crs/EPSG/0/4490";
const GCJ02: &str = "http://www.opengis.net/def/crs/wangge/0/gcj02";

/// The real server on loopback; every request of these tests carries an administrator's
/// API token (registered with `common::authorize`).
async fn serve(store: Store) -> SocketAddr {
    common::serve_store(&store).await.0
}

/// A response: status, headers, JSON body (or the text as a JSON string).
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

async fn call(method: Method, url: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Reply {
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap();
    let mut req = common::client(addr).request(method, url);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/geo+json")
            .body(b.to_string());
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

async fn get(url: &str) -> Reply {
    call(Method::GET, url, None, &[]).await
}

fn ids(fc: &Value) -> Vec<i64> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect()
}

fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a Value> {
    doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel)
}

/// Every coordinate pair of a GeoJSON geometry.
fn coords(g: &Value, out: &mut Vec<(f64, f64)>) {
    match g {
        Value::Array(a) if a.len() >= 2 && a[0].is_number() => {
            out.push((a[0].as_f64().unwrap(), a[1].as_f64().unwrap()))
        }
        Value::Array(a) => a.iter().for_each(|x| coords(x, out)),
        Value::Object(o) => coords(&o["coordinates"], out),
        _ => {}
    }
}

fn envelope(g: &Value) -> [f64; 4] {
    let mut c = Vec::new();
    coords(g, &mut c);
    c.iter().fold(
        [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
        |[a, b, x, y], &(px, py)| [a.min(px), b.min(py), x.max(px), y.max(py)],
    )
}

/// Follows rel=next from `url` to the end; returns every id and the pages read.
async fn read_all(url: &str) -> (Vec<i64>, usize, i64) {
    let mut next = Some(url.to_string());
    let (mut all, mut pages, mut matched) = (Vec::new(), 0, -1);
    while let Some(u) = next {
        let r = get(&u).await;
        assert_eq!(r.status, 200, "{u}: {}", r.body);
        assert_eq!(r.header("content-type"), "application/geo+json");
        let page = ids(&r.body);
        assert_eq!(r.body["numberReturned"], page.len());
        matched = r.body["numberMatched"].as_i64().unwrap();
        assert!(r.body["timeStamp"].is_string());
        all.extend(page);
        pages += 1;
        next = link(&r.body, "next").map(|l| l["href"].as_str().unwrap().to_string());
        assert!(pages < 10_000, "paging does not end");
    }
    (all, pages, matched)
}

#[tokio::test]
async fn documents_paging_bbox_filters_and_crs() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 2).await;
        let addr = serve(db.store.clone()).await;
        let base = format!("http://{addr}/ogc");

        // Landing page, API definition, conformance.
        let landing = get(&base).await;
        assert_eq!(landing.status, 200, "{n}");
        let desc = link(&landing.body, "service-desc").expect("service-desc");
        assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
        for rel in ["self", "conformance", "data"] {
            assert!(link(&landing.body, rel).is_some(), "{n}: no {rel} link");
        }
        let api = get(desc["href"].as_str().unwrap()).await;
        assert_eq!(api.status, 200);
        assert_eq!(
            api.header("content-type"),
            "application/vnd.oai.openapi+json;version=3.0"
        );
        assert!(api.body["openapi"].as_str().unwrap().starts_with("3.0"));
        let limit = &api.body["components"]["parameters"]["limit"]["schema"];
        assert_eq!(
            (limit["default"].as_i64(), limit["maximum"].as_i64()),
            (Some(100), Some(10_000))
        );
        let grid_params = api.body["paths"]["/collections/grids/items"]["get"]["parameters"]
            .as_array()
            .unwrap();
        for q in ["code", "community_id", "kind"] {
            assert!(
                grid_params.iter().any(|p| p["name"] == q),
                "{n}: grids filter {q} not declared"
            );
        }
        assert!(api.body["paths"]["/collections/grids/items/{featureId}"]["put"].is_object());
        let conf = get(&format!("{base}/conformance")).await;
        let classes: Vec<&str> = conf.body["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for c in [
            "1.0/conf/core",
            "1.0/conf/geojson",
            "1.0/conf/oas30",
            "features-2/1.0/conf/crs",
            "create-replace-delete",
            "conf/update",
        ] {
            assert!(classes.iter().any(|k| k.contains(c)), "{n}: {c} missing");
        }

        // Collections with extent, item type and CRSs.
        let cols = get(&format!("{base}/collections")).await;
        let list = cols.body["collections"].as_array().unwrap();
        let names: Vec<&str> = list.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "communities",
                "streets",
                "districts",
                "grids",
                "buildings",
                "cameras"
            ]
        );
        for c in list {
            assert_eq!(c["itemType"], "feature");
            assert_eq!(c["storageCrs"], CRS84);
            let crs: Vec<&str> = c["crs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            for u in [CRS84, EPSG4326, EPSG3857, EPSG4490, GCJ02] {
                assert!(crs.contains(&u), "{n}: {} lacks {u}", c["id"]);
            }
            let b = &c["extent"]["spatial"]["bbox"][0];
            let (x0, y0) = (b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
            assert!(
                (100.0..110.0).contains(&x0) && (25.0..35.0).contains(&y0),
                "{n}: {b}"
            );
        }
        assert_eq!(
            get(&format!("{base}/collections/grids")).await.body["id"],
            "grids"
        );
        assert_eq!(get(&format!("{base}/collections/nope")).await.status, 404);

        // Paging: every building exactly once, in id order, across pages of 50.
        let counts = db.store.counts().await.unwrap();
        let (all, pages, matched) =
            read_all(&format!("{base}/collections/buildings/items?limit=50")).await;
        assert_eq!(matched, counts.buildings, "{n}");
        assert_eq!(all.len() as i64, counts.buildings, "{n}");
        assert_eq!(pages as i64, (counts.buildings + 49) / 50);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, all, "{n}: not in id order or repeated");
        let default_page = get(&format!("{base}/collections/buildings/items")).await;
        assert_eq!(default_page.body["numberReturned"], 100);
        let p2 = get(&format!(
            "{base}/collections/buildings/items?limit=50&offset=50"
        ))
        .await;
        let prev = link(&p2.body, "prev").unwrap()["href"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(ids(&get(&prev).await.body), all[..50].to_vec());
        let (grid_ids, _, grids_matched) =
            read_all(&format!("{base}/collections/grids/items?limit=7")).await;
        assert_eq!(grids_matched, counts.grids);
        assert_eq!(grid_ids.len() as i64, counts.grids);
        let (cam_ids, _, _) = read_all(&format!("{base}/collections/cameras/items?limit=4")).await;
        assert_eq!(cam_ids.len() as i64, counts.cameras);

        // bbox: exactly the buildings whose envelope meets the box.
        let everything = get(&format!("{base}/collections/buildings/items?limit=10000")).await;
        let feats = everything.body["features"].as_array().unwrap().clone();
        let e0 = envelope(&feats[0]["geometry"]);
        let bbox = [e0[0] - 0.001, e0[1] - 0.001, e0[2] + 0.001, e0[3] + 0.001];
        let expected: BTreeSet<i64> = feats
            .iter()
            .filter(|f| {
                let e = envelope(&f["geometry"]);
                e[2] >= bbox[0] && e[0] <= bbox[2] && e[3] >= bbox[1] && e[1] <= bbox[3]
            })
            .map(|f| f["id"].as_i64().unwrap())
            .collect();
        assert!(expected.len() > 1 && expected.len() < feats.len());
        let q = format!("{},{},{},{}", bbox[0], bbox[1], bbox[2], bbox[3]);
        let (in_box, _, m) = read_all(&format!(
            "{base}/collections/buildings/items?bbox={q}&limit=3"
        ))
        .await;
        assert_eq!(
            in_box.iter().copied().collect::<BTreeSet<_>>(),
            expected,
            "{n}"
        );
        assert_eq!(m as usize, expected.len());
        // The same box in EPSG:4326 (latitude first) and in Web Mercator.
        let latlon = format!("{},{},{},{}", bbox[1], bbox[0], bbox[3], bbox[2]);
        let r = get(&format!(
            "{base}/collections/buildings/items?bbox={latlon}&bbox-crs={EPSG4326}&limit=1000"
        ))
        .await;
        assert_eq!(
            ids(&r.body).into_iter().collect::<BTreeSet<_>>(),
            expected,
            "{n}"
        );
        let merc = |lon: f64, lat: f64| {
            let r = 6_378_137.0_f64;
            (
                r * lon.to_radians(),
                r * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
                    .tan()
                    .ln(),
            )
        };
        let (mx0, my0) = merc(bbox[0], bbox[1]);
        let (mx1, my1) = merc(bbox[2], bbox[3]);
        let r = get(&format!("{base}/collections/buildings/items?bbox={mx0},{my0},{mx1},{my1}&bbox-crs={EPSG3857}&limit=1000")).await;
        assert_eq!(
            ids(&r.body).into_iter().collect::<BTreeSet<_>>(),
            expected,
            "{n}"
        );

        // Property filters.
        let communities = db
            .store
            .regions(Some(wangge::model::RegionLevel::Community), None)
            .await
            .unwrap();
        let c0 = communities[0].id;
        let r = get(&format!(
            "{base}/collections/grids/items?community_id={c0}&limit=1000"
        ))
        .await;
        let expected_grids = db.store.grids(Some(c0)).await.unwrap();
        assert_eq!(
            r.body["numberMatched"].as_i64(),
            Some(expected_grids.len() as i64)
        );
        assert!(r.body["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == c0));
        let code = &expected_grids[0].code;
        let r = get(&format!("{base}/collections/grids/items?code={code}")).await;
        assert_eq!(ids(&r.body), vec![expected_grids[0].id], "{n}");
        let r = get(&format!(
            "{base}/collections/grids/items?kind=virtual&limit=1000"
        ))
        .await;
        assert!(r.body["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["kind"] == "virtual"));
        let g0 = expected_grids[0].id;
        let r = get(&format!(
            "{base}/collections/buildings/items?grid_id={g0}&community_id={c0}&limit=1000"
        ))
        .await;
        let in_grid = buildings_in(&db.store, g0).await;
        assert_eq!(
            ids(&r.body),
            in_grid.iter().map(|b| b.id).collect::<Vec<_>>(),
            "{n}"
        );
        let cams = db.store.cameras().await.unwrap();
        let class = cams[0].class.unwrap().to_string();
        let r = get(&format!(
            "{base}/collections/cameras/items?class={class}&status=online&limit=1000"
        ))
        .await;
        let want: Vec<i64> = cams
            .iter()
            .filter(|c| {
                c.class.map(|k| k.to_string()) == Some(class.clone())
                    && c.status.to_string() == "online"
            })
            .map(|c| c.id)
            .collect();
        assert_eq!(ids(&r.body), want, "{n}");
        let r = get(&format!(
            "{base}/collections/communities/items?code={}",
            communities[0].code.clone().unwrap_or_default()
        ))
        .await;
        assert_eq!(ids(&r.body), vec![c0]);

        // CRS: a camera in every CRS, and back.
        let cam = &cams[0];
        let (lon, lat) = (cam.location.x(), cam.location.y());
        let one = |crs: &str| format!("{base}/collections/cameras/items/{}?crs={}", cam.id, crs);
        let r = get(&one(CRS84)).await;
        assert_eq!(r.header("content-crs"), format!("<{CRS84}>"));
        assert_eq!(r.body["geometry"]["coordinates"], json!([lon, lat]));
        let r = get(&one(EPSG4326)).await;
        assert_eq!(r.header("content-crs"), format!("<{EPSG4326}>"));
        assert_eq!(
            r.body["geometry"]["coordinates"],
            json!([lat, lon]),
            "{n}: EPSG:4326 is lat/lon"
        );
        let r = get(&one(EPSG3857)).await;
        let (mx, my) = merc(lon, lat);
        let c = &r.body["geometry"]["coordinates"];
        assert!(
            (c[0].as_f64().unwrap() - mx).abs() < 0.01
                && (c[1].as_f64().unwrap() - my).abs() < 0.01,
            "{c}"
        );
        let r = get(&one(GCJ02)).await;
        assert_eq!(r.header("content-crs"), format!("<{GCJ02}>"));
        let (gx, gy) = wangge::crs::wgs84_to_gcj02(lon, lat);
        let c = &r.body["geometry"]["coordinates"];
        assert!(
            (c[0].as_f64().unwrap() - gx).abs() < 1e-9
                && (c[1].as_f64().unwrap() - gy).abs() < 1e-9
        );
        assert!((gx - lon).abs() > 1e-4, "GCJ-02 is offset");
        // Round trip: a small box around the GCJ-02 point, in GCJ-02, finds the camera.
        let r = get(&format!(
            "{base}/collections/cameras/items?bbox={},{},{},{}&bbox-crs={GCJ02}&crs={GCJ02}",
            gx - 1e-6,
            gy - 1e-6,
            gx + 1e-6,
            gy + 1e-6
        ))
        .await;
        assert!(ids(&r.body).contains(&cam.id), "{n}: {}", r.body);
        let r = get(&one(EPSG4490)).await;
        let c = &r.body["geometry"]["coordinates"];
        assert!(
            (c[0].as_f64().unwrap() - lat).abs() < 1e-6
                && (c[1].as_f64().unwrap() - lon).abs() < 1e-6
        );
        let r = get(&format!(
            "{base}/collections/grids/items?crs={EPSG3857}&limit=2"
        ))
        .await;
        assert_eq!(r.header("content-crs"), format!("<{EPSG3857}>"));
        assert!(envelope(&r.body["features"][0]["geometry"])[0] > 1e7);

        // Single items.
        let b0 = all[0];
        let r = get(&format!("{base}/collections/buildings/items/{b0}")).await;
        assert_eq!((r.status, r.body["id"].as_i64()), (200, Some(b0)));
        assert_eq!(r.header("content-type"), "application/geo+json");
        assert_eq!(
            get(&format!("{base}/collections/buildings/items/99999999"))
                .await
                .status,
            404
        );
        assert_eq!(
            get(&format!("{base}/collections/buildings/items/abc"))
                .await
                .status,
            404
        );
        assert_eq!(
            get(&format!("{base}/collections/grids/items/{b0}x"))
                .await
                .status,
            404
        );

        // Bad parameters: 400 with a message naming the problem.
        for (q, word) in [
            ("colour=red", "unknown parameter"),
            ("bbox=1,2,3", "bbox"),
            ("bbox=a,b,c,d", "bbox"),
            ("bbox=105,31,104,30", "bbox"),
            ("bbox=104,30,105,300", "bbox"),
            ("limit=0", "limit"),
            ("limit=10001", "limit"),
            ("limit=ten", "limit"),
            ("offset=-1", "offset"),
            ("crs=EPSG:9999", "crs"),
            ("bbox-crs=EPSG:3857", "bbox-crs"),
            ("kind=bogus", "kind"),
            ("community_id=x", "community_id"),
            ("grid_id=1", "unknown parameter"),
            ("f=html", "f="),
            ("limit=5&limit=6", "more than once"),
        ] {
            let r = get(&format!("{base}/collections/grids/items?{q}")).await;
            assert_eq!(r.status, 400, "{n}: {q} → {}", r.body);
            let msg = r.body["error"].as_str().unwrap();
            assert!(msg.contains(word), "{n}: {q} → {msg}");
        }
        assert_eq!(get(&format!("{base}/collections?foo=1")).await.status, 400);
    }
}

/// A point well inside a grid, a tiny square around it inside the same polygon, and the
/// grid's boundary with that square cut out as a hole.
fn square_in(grid: &wangge::store::Grid) -> (geo::Point, geo::Polygon, geo::MultiPolygon) {
    for (i, poly) in grid.boundary.0.iter().enumerate() {
        let p = poly.interior_point().unwrap();
        for half in [2e-5, 1e-5, 5e-6] {
            let sq = geo::Rect::new(
                geo::coord! { x: p.x() - half, y: p.y() - half },
                geo::coord! { x: p.x() + half, y: p.y() + half },
            )
            .to_polygon();
            if poly.contains(&sq) {
                let mut holed = grid.boundary.clone();
                let mut interiors = poly.interiors().to_vec();
                interiors.push(sq.exterior().clone());
                holed.0[i] = geo::Polygon::new(poly.exterior().clone(), interiors);
                return (p, sq, holed);
            }
        }
    }
    panic!("no room in grid {}", grid.id)
}

fn polygon_json(p: &geo::MultiPolygon) -> Value {
    serde_json::to_value(geojson::Geometry::from(&geo::Geometry::MultiPolygon(
        p.clone(),
    )))
    .unwrap()
}

#[tokio::test]
async fn part4_edits_grids_and_the_lookup_follows() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 2).await;
        let addr = serve(db.store.clone()).await;
        let base = format!("http://{addr}/ogc");
        let items = format!("{base}/collections/grids/items");
        let lookup =
            |p: geo::Point| format!("http://{addr}/api/lookup?lon={}&lat={}", p.x(), p.y());

        // OPTIONS and read-only collections.
        let r = call(Method::OPTIONS, &items, None, &[]).await;
        assert!(
            r.header("allow").contains("POST"),
            "{n}: {}",
            r.header("allow")
        );
        let grids = db.store.grids(None).await.unwrap();
        let a = grids
            .iter()
            .find(|g| g.kind == wangge::model::GridKind::Standard)
            .unwrap()
            .clone();
        let r = call(Method::OPTIONS, &format!("{items}/{}", a.id), None, &[]).await;
        for m in ["GET", "PUT", "PATCH", "DELETE"] {
            assert!(r.header("allow").contains(m), "{n}: {}", r.header("allow"));
        }
        let r = call(
            Method::OPTIONS,
            &format!("{base}/collections/buildings/items"),
            None,
            &[],
        )
        .await;
        assert_eq!(r.header("allow"), "GET, HEAD, OPTIONS");
        let r = call(
            Method::POST,
            &format!("{base}/collections/buildings/items"),
            Some(&json!({})),
            &[],
        )
        .await;
        assert_eq!(r.status, 405, "{n}");
        assert!(!r.header("allow").contains("POST"));

        // ETag: the same page again is 304 until a grid changes.
        let page = format!("{items}?limit=5");
        let tagged = get(&page).await;
        let etag = tagged.header("etag");
        assert!(!etag.is_empty(), "{n}: no ETag on OGC items");
        let again = call(Method::GET, &page, None, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304, "{n}");

        let (p, sq, holed) = square_in(&a);
        let before = get(&lookup(p)).await;
        assert_eq!(before.body["grid"]["id"].as_i64(), Some(a.id), "{n}");
        let fingerprint = common::fingerprint(&db.store).await;

        // Bad input: refused with the reason, nothing stored.
        let sq_mp = geo::MultiPolygon(vec![sq.clone()]);
        let feature = |props: Value, geom: Value| json!({ "type": "Feature", "geometry": geom, "properties": props });
        let good_props = json!({ "community_id": a.community_id, "code": "OGC-T1", "name": "测试网格", "kind": "standard" });
        let bowtie = json!({ "type": "Polygon", "coordinates": [[[p.x(), p.y()], [p.x() + 1e-4, p.y() + 1e-4], [p.x() + 1e-4, p.y()], [p.x(), p.y() + 1e-4], [p.x(), p.y()]]] });
        let other_community = db
            .store
            .regions(Some(wangge::model::RegionLevel::Community), None)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id != a.community_id)
            .unwrap();
        let far = geo::MultiPolygon(vec![geo::Rect::new(
            geo::coord! { x: 10.0, y: 10.0 },
            geo::coord! { x: 10.001, y: 10.001 },
        )
        .to_polygon()]);
        let overlaps_a = format!("overlaps grid {}", a.id);
        for (body, status, word) in [
            (feature(good_props.clone(), bowtie.clone()), 400, "geometry"),
            (
                feature(
                    good_props.clone(),
                    json!({ "type": "Point", "coordinates": [p.x(), p.y()] }),
                ),
                400,
                "Polygon",
            ),
            (
                feature(
                    good_props.clone(),
                    json!({ "type": "Polygon", "coordinates": [[[500000.0, 3000000.0], [500100.0, 3000000.0], [500100.0, 3000100.0], [500000.0, 3000000.0]]] }),
                ),
                400,
                "geometry",
            ),
            (
                feature(good_props.clone(), polygon_json(&far)),
                400,
                "outside community",
            ),
            (
                feature(
                    json!({ "community_id": a.community_id }),
                    polygon_json(&sq_mp),
                ),
                400,
                "code",
            ),
            (
                feature(json!({ "code": "X1" }), polygon_json(&sq_mp)),
                400,
                "community_id",
            ),
            (
                feature(
                    json!({ "community_id": 99999999, "code": "X1" }),
                    polygon_json(&sq_mp),
                ),
                400,
                "does not exist",
            ),
            (
                feature(
                    json!({ "community_id": a.community_id, "code": "X1", "colour": "red" }),
                    polygon_json(&sq_mp),
                ),
                400,
                "colour",
            ),
            (
                feature(
                    json!({ "community_id": a.community_id, "code": "X1", "kind": "huge" }),
                    polygon_json(&sq_mp),
                ),
                400,
                "kind",
            ),
            (
                feature(
                    json!({ "community_id": a.community_id, "code": a.code }),
                    polygon_json(&sq_mp),
                ),
                409,
                "already used",
            ),
            (
                feature(
                    json!({ "community_id": other_community.id, "code": "X1" }),
                    polygon_json(&sq_mp),
                ),
                400,
                "outside community",
            ),
            (json!("not a feature"), 400, "Feature"),
            // Inside grid A: the grids of a community may not overlap.
            (
                feature(good_props.clone(), polygon_json(&sq_mp)),
                409,
                overlaps_a.as_str(),
            ),
        ] {
            let r = call(Method::POST, &items, Some(&body), &[]).await;
            assert_eq!(r.status, status, "{n}: {body} → {}", r.body);
            let msg = r.body["error"].as_str().unwrap_or_default();
            assert!(msg.contains(word), "{n}: {msg} lacks {word}");
        }
        let r = call(Method::DELETE, &format!("{items}/{}", a.id), None, &[]).await;
        assert_eq!(
            r.status, 409,
            "{n}: a grid with buildings is not deleted: {}",
            r.body
        );
        assert_eq!(
            call(Method::DELETE, &format!("{items}/99999999"), None, &[])
                .await
                .status,
            404
        );
        let r = call(
            Method::PATCH,
            &format!("{items}/{}", a.id),
            Some(&json!({ "geometry": bowtie })),
            &[],
        )
        .await;
        assert_eq!(r.status, 400, "{n}: {}", r.body);
        let r = call(
            Method::PATCH,
            &format!("{items}/{}", a.id),
            Some(&json!({ "properties": { "community_id": other_community.id } })),
            &[],
        )
        .await;
        assert_eq!(r.status, 400, "{n}: {}", r.body);
        assert_eq!(
            common::fingerprint(&db.store).await,
            fingerprint,
            "{n}: bad input changed the store"
        );
        assert_eq!(db.store.grid(a.id).await.unwrap().unwrap(), a);

        // Cut the square out of grid A: the point is in no grid.
        let r = call(
            Method::PATCH,
            &format!("{items}/{}", a.id),
            Some(&json!({ "geometry": polygon_json(&holed) })),
            &[],
        )
        .await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(get(&lookup(p)).await.body["found"], false, "{n}");

        // Create, given in Web Mercator: the new grid covers the square.
        let mut sq_3857 = geo::Geometry::MultiPolygon(sq_mp.clone());
        wangge::crs::Transformer::new(wangge::crs::Crs::Wgs84, wangge::crs::Crs::Epsg(3857))
            .unwrap()
            .convert_geometry(&mut sq_3857)
            .unwrap();
        let body = json!({ "type": "Feature", "geometry": geojson::Geometry::from(&sq_3857), "properties": good_props });
        let created = call(
            Method::POST,
            &items,
            Some(&body),
            &[("content-crs", &format!("<{EPSG3857}>"))],
        )
        .await;
        assert_eq!(created.status, 201, "{n}: {}", created.body);
        let new_id = created.body["id"].as_i64().unwrap();
        // Audited in the creating transaction, naming the new grid.
        let (entries, _) = db.store.audit_entries(5, 0).await.unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.action == "grid.create" && e.target == format!("grid/{new_id}")),
            "{n}: {entries:?}"
        );
        let fresh = call(Method::GET, &page, None, &[("if-none-match", &etag)]).await;
        assert_eq!(fresh.status, 200, "{n}: stale 304 after a create");
        assert_ne!(fresh.header("etag"), etag);
        assert_eq!(created.header("location"), format!("{items}/{new_id}"));
        let stored = get(&created.header("location")).await;
        assert_eq!(stored.body["properties"]["code"], "OGC-T1");
        assert_eq!(stored.body["properties"]["name"], "测试网格");
        let e = envelope(&stored.body["geometry"]);
        let se = sq.bounding_rect().unwrap();
        assert!(
            (e[0] - se.min().x).abs() < 1e-9 && (e[3] - se.max().y).abs() < 1e-9,
            "{n}: {e:?}"
        );
        // The point belongs to the new grid.
        let after = get(&lookup(p)).await;
        assert_eq!(
            after.body["grid"]["id"].as_i64(),
            Some(new_id),
            "{n}: {}",
            after.body
        );
        assert_eq!(after.body["grid"]["code"], "OGC-T1");

        // Update a property; replace the whole feature.
        let r = call(
            Method::PATCH,
            &format!("{items}/{new_id}"),
            Some(&json!({ "properties": { "code": "OGC-T2", "kind": "virtual" } })),
            &[],
        )
        .await;
        assert_eq!(
            (r.status, &r.body["properties"]["code"]),
            (200, &json!("OGC-T2")),
            "{n}"
        );
        assert_eq!(r.body["properties"]["name"], "测试网格");
        assert_eq!(get(&lookup(p)).await.body["grid"]["code"], "OGC-T2");
        let latlon = sq_mp.clone().map_coords(|c| geo::coord! { x: c.y, y: c.x });
        let r = call(
            Method::PUT,
            &format!("{items}/{new_id}"),
            Some(&json!({ "type": "Feature", "id": new_id, "geometry": polygon_json(&latlon), "properties": { "code": "OGC-T3" } })),
            &[("content-crs", &format!("<{EPSG4326}>"))],
        )
        .await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(
            (&r.body["properties"]["name"], &r.body["properties"]["kind"]),
            (&json!("OGC-T3"), &json!("standard"))
        );
        let e = envelope(&r.body["geometry"]);
        assert!(
            (e[0] - se.min().x).abs() < 1e-12 && (e[1] - se.min().y).abs() < 1e-12,
            "{n}: lat/lon body misread: {e:?}"
        );
        let r = call(Method::PUT, &format!("{items}/{new_id}"), Some(&json!({ "type": "Feature", "id": new_id + 1, "geometry": polygon_json(&sq_mp), "properties": { "code": "OGC-T3" } })), &[]).await;
        assert_eq!(r.status, 400, "{n}: id mismatch");

        // Delete: the point is in no grid; restore A: it is A's again.
        let r = call(Method::DELETE, &format!("{items}/{new_id}"), None, &[]).await;
        assert_eq!(r.status, 204, "{n}: {}", r.body);
        assert_eq!(get(&format!("{items}/{new_id}")).await.status, 404);
        assert_eq!(get(&lookup(p)).await.body["found"], false, "{n}");
        let r = call(
            Method::PUT,
            &format!("{items}/{}", a.id),
            Some(&json!({ "type": "Feature", "geometry": polygon_json(&a.boundary), "properties": { "code": a.code, "name": a.name, "kind": a.kind, "community_id": a.community_id, "buildings": 1 } })),
            &[],
        )
        .await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(
            get(&lookup(p)).await.body["grid"]["id"].as_i64(),
            Some(a.id)
        );
        assert_eq!(common::fingerprint(&db.store).await, fingerprint, "{n}");
    }
}

/// A building of `grid` whose envelope, widened by about a metre, lies inside one of the
/// grid's polygons: that box, and the polygon's index.
fn building_box_in(
    grid: &wangge::store::Grid,
    buildings: &[wangge::store::Building],
) -> (wangge::store::Building, geo::Rect, usize) {
    let margin = 1e-5;
    for b in buildings {
        let r = b.footprint.bounding_rect().unwrap();
        let rect = geo::Rect::new(
            geo::coord! { x: r.min().x - margin, y: r.min().y - margin },
            geo::coord! { x: r.max().x + margin, y: r.max().y + margin },
        );
        if let Some(i) = grid
            .boundary
            .0
            .iter()
            .position(|p| p.contains(&rect.to_polygon()))
        {
            return (b.clone(), rect, i);
        }
    }
    panic!("no building of grid {} lies well inside it", grid.id)
}

/// `boundary` with `rect` cut out of its polygon `i` as a hole.
fn with_hole(boundary: &geo::MultiPolygon, i: usize, rect: &geo::Rect) -> geo::MultiPolygon {
    let mut holed = boundary.clone();
    let mut interiors = holed.0[i].interiors().to_vec();
    interiors.push(rect.to_polygon().exterior().clone());
    holed.0[i] = geo::Polygon::new(holed.0[i].exterior().clone(), interiors);
    holed
}

/// The buildings of grid `grid` in the published plan.
async fn buildings_in(store: &Store, grid: i64) -> Vec<wangge::store::Building> {
    store
        .buildings(&wangge::store::BuildingFilter {
            grid: Some(grid),
            ..Default::default()
        })
        .await
        .unwrap()
}

/// `PATCH` of grid `id`'s geometry under the grids' `items` URL.
async fn patch_geometry(items: &str, id: i64, boundary: &geo::MultiPolygon) -> Reply {
    call(
        Method::PATCH,
        &format!("{items}/{id}"),
        Some(&json!({ "geometry": polygon_json(boundary) })),
        &[],
    )
    .await
}

#[tokio::test]
async fn part4_edits_move_buildings_with_the_boundaries() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 2).await;
        let addr = serve(db.store.clone()).await;
        let items = format!("http://{addr}/ogc/collections/grids/items");
        let grids = db.store.grids(None).await.unwrap();
        let a = grids
            .iter()
            .find(|g| g.kind == wangge::model::GridKind::Standard)
            .unwrap()
            .clone();
        let grid_of = |id: i64| {
            let store = db.store.clone();
            async move {
                store
                    .buildings(&wangge::store::BuildingFilter::default())
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|b| b.id == id)
                    .unwrap()
                    .grid_id
            }
        };
        let of_a = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                grid: Some(a.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let (b, rect, i) = building_box_in(&a, &of_a);
        let fingerprint = common::fingerprint(&db.store).await;
        let square = geo::MultiPolygon(vec![rect.to_polygon()]);
        let create = json!({ "type": "Feature", "geometry": polygon_json(&square),
            "properties": { "community_id": a.community_id, "code": "OGC-B1", "name": "楼栋网格" } });

        // Drawn over grid A: refused. Cut out of A first: the building stays in A (its
        // point is in no grid); drawn again: the building joins the new grid.
        let r = call(Method::POST, &items, Some(&create), &[]).await;
        assert_eq!(r.status, 409, "{n}: {}", r.body);
        let r = patch_geometry(&items, a.id, &with_hole(&a.boundary, i, &rect)).await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(grid_of(b.id).await, Some(a.id), "{n}");
        let r = call(Method::POST, &items, Some(&create), &[]).await;
        assert_eq!(r.status, 201, "{n}: {}", r.body);
        let new_id = r.body["id"].as_i64().unwrap();
        assert_eq!(grid_of(b.id).await, Some(new_id), "{n}");
        let moved = buildings_in(&db.store, new_id).await;
        assert_eq!(
            moved.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![b.id],
            "{n}"
        );
        let summary = common::get_url(&format!("http://{addr}/api/grids/{new_id}/summary"))
            .await
            .json::<Value>()
            .await
            .unwrap();
        assert_eq!(summary["buildings"], 1, "{n}: {summary}");
        assert_eq!(summary["households"], b.households, "{n}: {summary}");
        // The tiles' buildings layer follows too (the building's grid_id property).
        let item = get(&format!(
            "http://{addr}/ogc/collections/buildings/items/{}",
            b.id
        ))
        .await;
        assert_eq!(
            item.body["properties"]["grid_id"], new_id,
            "{n}: {}",
            item.body
        );

        // Grid A back whole: refused while the new grid holds the ground.
        let r = patch_geometry(&items, a.id, &a.boundary).await;
        assert_eq!(r.status, 409, "{n}: {}", r.body);
        assert!(
            r.body["error"]
                .as_str()
                .unwrap()
                .contains(&format!("overlaps grid {new_id} (OGC-B1)")),
            "{n}: {}",
            r.body
        );
        // The new grid shrunk to a corner (the building's point in no grid: it stays);
        // grid A takes the rest back: the building returns to A.
        let corner = geo::Rect::new(
            rect.min(),
            geo::coord! { x: rect.min().x + 5e-6, y: rect.min().y + 5e-6 },
        );
        let r = patch_geometry(
            &items,
            new_id,
            &geo::MultiPolygon(vec![corner.to_polygon()]),
        )
        .await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(grid_of(b.id).await, Some(new_id), "{n}");
        let r = patch_geometry(&items, a.id, &with_hole(&a.boundary, i, &corner)).await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(grid_of(b.id).await, Some(a.id), "{n}");
        let r = call(Method::DELETE, &format!("{items}/{new_id}"), None, &[]).await;
        assert_eq!(r.status, 204, "{n}: {}", r.body);
        let r = patch_geometry(&items, a.id, &a.boundary).await;
        assert_eq!(r.status, 200, "{n}: {}", r.body);
        assert_eq!(common::fingerprint(&db.store).await, fingerprint, "{n}");
    }
}

/// Runs a program to completion off the async runtime; fails the test when it is missing.
/// Returns stdout and stderr (GDAL's debug messages, `CPL_DEBUG=ON`, name every URL).
async fn run(program: &'static str, args: Vec<String>, token: &str) -> (String, String) {
    let shown = format!("{program} {}", args.join(" "));
    let header = format!("Authorization: Bearer {token}");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(program)
            .args(&args)
            .env("GDAL_HTTP_HEADERS", header)
            .env("CPL_DEBUG", "ON")
            .output()
    })
        .await
        .unwrap()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}): scripts/install-deps.sh test installs gdal-bin and python3-owslib")
        });
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{shown} failed: {stdout}\n{stderr}");
    (stdout, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_reads_every_collection_across_pages() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 2).await;
        let addr = serve(db.store.clone()).await;
        let url = format!("OAPIF:http://{addr}/ogc");
        let token = common::token_for(addr);
        let (info, _) = run(
            "ogrinfo",
            vec!["-ro".into(), "-so".into(), url.clone()],
            &token,
        )
        .await;
        for c in [
            "communities",
            "streets",
            "districts",
            "grids",
            "buildings",
            "cameras",
        ] {
            assert!(info.contains(c), "{n}: ogrinfo does not list {c}: {info}");
        }
        let counts = db.store.counts().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (c, expected, page) in [
            ("communities", counts.communities, 2),
            ("streets", counts.streets, 2),
            ("districts", counts.districts, 2),
            ("grids", counts.grids, 7),
            ("buildings", counts.buildings, 40),
            ("cameras", counts.cameras, 4),
        ] {
            assert!(expected > 0);
            let (summary, _) = run(
                "ogrinfo",
                vec![
                    "-ro".into(),
                    "-so".into(),
                    "-oo".into(),
                    format!("PAGE_SIZE={page}"),
                    url.clone(),
                    c.into(),
                ],
                &token,
            )
            .await;
            assert!(
                summary.contains(&format!("Feature Count: {expected}")),
                "{n} {c}: {summary}"
            );
            let out = dir.path().join(format!("{c}.geojson"));
            let (_, debug) = run(
                "ogr2ogr",
                vec![
                    "-f".into(),
                    "GeoJSON".into(),
                    out.display().to_string(),
                    url.clone(),
                    c.into(),
                    "-oo".into(),
                    format!("PAGE_SIZE={page}"),
                ],
                &token,
            )
            .await;
            let fc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
            let features = fc["features"].as_array().unwrap();
            assert_eq!(
                features.len() as i64,
                expected,
                "{n}: ogr2ogr {c} got {} features",
                features.len()
            );
            let distinct: BTreeSet<String> = features
                .iter()
                .map(|f| f["properties"].to_string())
                .collect();
            assert_eq!(
                distinct.len() as i64,
                expected,
                "{n}: {c} features repeated across pages"
            );
            // GDAL followed rel=next: one request per page of `page` features.
            let pages = debug
                .lines()
                .filter(|l| {
                    l.contains(&format!("/collections/{c}/items?")) && l.contains("offset=")
                })
                .count() as i64;
            let want = (expected + page - 1) / page;
            assert!(
                pages >= want - 1,
                "{n} {c}: {pages} paged requests for {expected} features of {page}: {debug}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owslib_lists_collections_and_fetches_items() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 2).await;
        let addr = serve(db.store.clone()).await;
        let script = r#"
import json, sys
from owslib.ogcapi.features import Features
w = Features(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
ids = [c["id"] for c in w.collections()["collections"]]
items = w.collection_items("grids", limit=5)
second = w.collection_items("grids", limit=5, offset=5)
one = w.collection_item("cameras", str(w.collection_items("cameras", limit=1)["features"][0]["id"]))
print(json.dumps({"ids": ids, "conformance": w.conformance()["conformsTo"],
  "returned": items["numberReturned"], "matched": items["numberMatched"],
  "first": [f["id"] for f in items["features"]], "second": [f["id"] for f in second["features"]],
  "camera": one["properties"]["status"]}))
"#;
        let token = common::token_for(addr);
        let (out, _) = run(
            "/usr/bin/python3",
            vec![
                "-c".into(),
                script.into(),
                format!("http://{addr}/ogc"),
                token.clone(),
            ],
            &token,
        )
        .await;
        let v: Value =
            serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{n}: {e}: {out}"));
        assert_eq!(
            v["ids"],
            json!([
                "communities",
                "streets",
                "districts",
                "grids",
                "buildings",
                "cameras"
            ])
        );
        assert_eq!(v["returned"], 5);
        let counts = db.store.counts().await.unwrap();
        assert_eq!(v["matched"].as_i64(), Some(counts.grids));
        let first: Vec<i64> = serde_json::from_value(v["first"].clone()).unwrap();
        let second: Vec<i64> = serde_json::from_value(v["second"].clone()).unwrap();
        assert_eq!(first.len() + second.len(), 10);
        assert!(
            first.iter().all(|i| !second.contains(i)) && first.last() < second.first(),
            "{n}"
        );
        assert!(v["camera"].is_string());
        assert!(v["conformance"].as_array().unwrap().len() >= 3);
    }
}
