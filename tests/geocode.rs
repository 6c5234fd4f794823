//! Address lookup over HTTP: Chinese addresses on the demo street, Latin ones on the
//! Helsinki extract, and an address book that follows imports.

mod common;

use serde_json::Value;
use wangge::api::AppState;
use wangge::import::import_osm;
use wangge::import::osm::OsmOptions;
use wangge::import::prepare::PrepareOptions;

async fn serve(state: AppState) -> std::net::SocketAddr {
    let store = state.store.clone();
    let addr = common::serve_state(state).await;
    common::authorize(addr, &store).await;
    addr
}

async fn geocode(addr: std::net::SocketAddr, q: &str) -> (u16, Value) {
    let r = common::client(addr)
        .get(format!("http://{addr}/api/geocode"))
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn chinese_addresses_find_the_building_and_its_grid() {
    for db in common::both().await {
        let dataset = wangge::demo::generate(1);
        // A residential building of the demo with a full standard address.
        let b = dataset
            .buildings
            .iter()
            .find(|b| {
                b.address.road.is_some()
                    && b.address.compound.is_some()
                    && b.address.building_no.is_some()
                    && b.units.is_some()
            })
            .unwrap()
            .clone();
        common::import_demo_dataset(&db.store, dataset).await;
        let stored = db
            .store
            .buildings(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.source_id == b.source_id)
            .unwrap();
        let addr = serve(AppState::load(db.store.clone()).await.unwrap()).await;
        let (road, number, compound, no) = (
            b.address.road.unwrap(),
            b.address.house_number.unwrap(),
            b.address.compound.unwrap(),
            b.address.building_no.unwrap(),
        );
        let full_width: String = no
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect();
        for q in [
            format!("{compound}{no}栋2单元501室"),
            format!("{compound} {no}号楼"),
            format!("{compound}{full_width}幢"),
            format!("{road}{number}号{compound}{no}栋"),
        ] {
            let (s, v) = geocode(addr, &q).await;
            assert_eq!(s, 200, "{q}");
            let top = &v["results"][0];
            assert_eq!(
                top["building_id"].as_i64(),
                Some(stored.id),
                "{}: {q} → {v}",
                db.name
            );
            assert_eq!(top["grid_id"].as_i64(), stored.grid_id, "{q}");
            assert!(top["score"].as_f64().unwrap() > 0.8, "{q}: {top}");
        }
        let (_, v) = geocode(addr, &format!("{compound}{no}栋2单元501")).await;
        assert_eq!(
            (
                v["results"][0]["unit"].as_i64(),
                v["results"][0]["room"].as_str()
            ),
            (Some(2), Some("501"))
        );
        // A road alone lists buildings on it; a partial compound name still finds it.
        let (_, v) = geocode(addr, &road).await;
        assert!(v["count"].as_i64().unwrap() >= 1);
        let partial: String = compound.chars().take(2).collect();
        let (_, v) = geocode(addr, &partial).await;
        assert!(
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["address"].as_str().unwrap().contains(&compound)),
            "{partial}: {v}"
        );
        // Errors.
        assert_eq!(geocode(addr, "  ").await.0, 400);
        let (s, _) = geocode(addr, "不存在的地址").await;
        assert_eq!(s, 200);
    }
}

#[tokio::test]
async fn latin_addresses_and_an_address_book_that_follows_imports() {
    let db = common::sqlite().await;
    let state = AppState::load(db.store.clone()).await.unwrap();
    let addr = serve(state.clone()).await;
    let (_, v) = geocode(addr, "Mannerheimintie 5").await;
    assert_eq!(v["count"], 0, "empty store");
    import_osm(
        &db.store,
        &common::shared_data("helsinki/Helsinki.osm.pbf"),
        &OsmOptions::default(),
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
    state.refresh().await.unwrap();
    let (_, v) = geocode(addr, "mannerheimintie 5").await;
    let top = &v["results"][0];
    assert_eq!(top["address"], "Mannerheimintie 5", "{v}");
    assert!(top["grid_id"].is_i64());
    let (_, v) = geocode(addr, "MANNERHEIMINTIE").await;
    assert!(v["count"].as_i64().unwrap() > 1, "a road alone: {v}");
}

/// Every role gets an answer to every query, quickly: a query above the documented maximum
/// is refused with 400 naming it (a grid worker's session cookie with a 1,600-character
/// query once got no answer at all), one at the maximum is searched.
#[tokio::test]
async fn long_queries_are_answered_for_every_role() {
    use wangge::auth::Role;
    use wangge::geocode::MAX_QUERY_CHARS;
    let db = common::sqlite().await;
    common::import_demo(&db.store, 1).await;
    let grid = db.store.grids(None).await.unwrap()[0].id;
    let addr = serve(AppState::load(db.store.clone()).await.unwrap()).await;
    let (admin, _) = common::user_with_token(&db.store, Role::Administrator, &[], &[]).await;
    let (worker, _) = common::user_with_token(&db.store, Role::GridWorker, &[], &[grid]).await;
    let (viewer, _) = common::user_with_token(&db.store, Role::Viewer, &[], &[]).await;
    let address = "锦官路66号1栋1单元101";
    let too_long = address.repeat(1600 / address.chars().count() + 1);
    let longest: String = too_long.chars().take(MAX_QUERY_CHARS).collect();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    for user in [&admin, &worker, &viewer] {
        let cookie = common::session_cookie(addr, user, common::TEST_PASSWORD).await;
        let ask = |q: String| {
            http.get(format!("http://{addr}/api/geocode"))
                .query(&[("q", q)])
                .header(reqwest::header::COOKIE, &cookie)
                .send()
        };
        let r = ask(too_long.clone()).await.expect("an answer, not a hang");
        assert_eq!(r.status(), 400, "{user}");
        let body: Value = r.json().await.unwrap();
        let message = body["error"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("at most {MAX_QUERY_CHARS}")),
            "{user}: {message}"
        );
        let r = ask(longest.clone()).await.expect("an answer, not a hang");
        assert_eq!(r.status(), 200, "{user}");
        let r = ask(address.to_string()).await.unwrap();
        assert_eq!(r.status(), 200, "{user}");
        let body: Value = r.json().await.unwrap();
        if user != &worker {
            assert!(body["count"].as_u64().unwrap() > 0, "{user}: {body}");
        }
    }
}
