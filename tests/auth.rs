//! Users, roles and scope end to end, on the real server over loopback and both backends:
//! a role × endpoint × in/out-of-scope matrix, masking of personal data, the audit log
//! (written, and refused by the database when anyone tries to change it), login rate
//! limiting, session expiry and logout, the publish race between two planners, and the
//! request limits.

mod common;

use common::feature_ids as ids;

use std::net::SocketAddr;
use std::time::Duration;

use geo::InteriorPoint;
use serde_json::{json, Value};
use sqlx::Connection;
use wangge::api::AppState;
use wangge::auth::{AuthConfig, Role};
use wangge::model::RegionLevel;
use wangge::store::{Building, Store};

/// Ids the matrix uses: a street, two communities of it, two grids of the first
/// community and one of the second, and a building in each of those grids.
struct Fixture {
    street: i64,
    c1: i64,
    c2: i64,
    g1: i64,
    g2: i64,
    g3: i64,
    b1: Building,
    b2: Building,
    b3: Building,
}

async fn fixture(store: &Store) -> Fixture {
    let street = store
        .regions(Some(RegionLevel::Street), None)
        .await
        .unwrap()
        .remove(0)
        .id;
    let communities = store
        .regions(Some(RegionLevel::Community), Some(street))
        .await
        .unwrap();
    let (c1, c2) = (communities[0].id, communities[1].id);
    let buildings = store.buildings(&Default::default()).await.unwrap();
    let grids1 = store.grids(Some(c1)).await.unwrap();
    let grids2 = store.grids(Some(c2)).await.unwrap();
    let with_households = |g: i64| {
        buildings
            .iter()
            .find(|b| b.grid_id == Some(g) && b.households > 0)
            .cloned()
    };
    let mut in_c1 = grids1
        .iter()
        .filter_map(|g| with_households(g.id).map(|b| (g.id, b)));
    let (g1, b1) = in_c1.next().unwrap();
    let (g2, b2) = in_c1.next().unwrap();
    let (g3, b3) = grids2
        .iter()
        .find_map(|g| with_households(g.id).map(|b| (g.id, b)))
        .unwrap();
    Fixture {
        street,
        c1,
        c2,
        g1,
        g2,
        g3,
        b1,
        b2,
        b3,
    }
}

async fn call(token: Option<&str>, method: &str, url: String, body: Option<Value>) -> (u16, Value) {
    let client = match token {
        Some(t) => common::client_with(t),
        None => reqwest::Client::new(),
    };
    let req = match method {
        "POST" => client.post(&url).json(&body.unwrap_or(json!({}))),
        _ => client.get(&url),
    };
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(addr: SocketAddr, token: &str, path: &str) -> (u16, Value) {
    call(Some(token), "GET", format!("http://{addr}{path}"), None).await
}

async fn post(addr: SocketAddr, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(
        Some(token),
        "POST",
        format!("http://{addr}{path}"),
        Some(body),
    )
    .await
}

struct Users {
    admin: String,
    planner: String,
    planner_name: String,
    command: String,
    command_name: String,
    worker: String,
    viewer: String,
}

async fn users(store: &Store, f: &Fixture) -> Users {
    let (_, admin) = common::user_with_token(store, Role::Administrator, &[], &[]).await;
    let (planner_name, planner) = common::user_with_token(store, Role::Planner, &[f.c1], &[]).await;
    let (command_name, command) =
        common::user_with_token(store, Role::CommandStaff, &[f.c1], &[]).await;
    let (_, worker) = common::user_with_token(store, Role::GridWorker, &[], &[f.g1]).await;
    let (_, viewer) = common::user_with_token(store, Role::Viewer, &[f.c1], &[]).await;
    Users {
        admin,
        planner,
        planner_name,
        command,
        command_name,
        worker,
        viewer,
    }
}

#[tokio::test]
async fn roles_and_scopes_decide_every_endpoint() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let f = fixture(&db.store).await;
        let u = users(&db.store, &f).await;
        let state = AppState::load(db.store.clone()).await.unwrap();
        let addr = common::serve_state(state).await;

        // Without a token: 401 everywhere but /healthz (and the web page).
        for path in [
            "/api/stats",
            "/api/regions",
            &format!("/api/regions/{}", f.c1),
            "/api/grids",
            &format!("/api/buildings/{}", f.b1.id),
            "/api/lookup?lon=104.07&lat=30.63",
            "/api/geocode?q=1",
            "/api/me",
            "/ogc",
            "/ogc/collections/grids/items",
            "/tiles/grids.json",
            "/api/audit",
            &format!("/api/communities/{}/plans", f.c1),
        ] {
            let (s, body) = call(None, "GET", format!("http://{addr}{path}"), None).await;
            assert_eq!(s, 401, "{n}: {path}: {body}");
            assert!(
                body["error"].as_str().unwrap().contains("log in"),
                "{n}: {body}"
            );
            let (s, _) = get(addr, "wgt_not-a-token", path).await;
            assert_eq!(s, 401, "{n}: {path} with a made-up token");
        }
        let (s, _) = call(None, "GET", format!("http://{addr}/healthz"), None).await;
        assert_eq!(s, 200, "{n}: /healthz stays public");

        // The matrix of single ids: 200 in scope, 404 outside (the same answer as an
        // id that does not exist).
        let all = [&u.admin, &u.planner, &u.command, &u.worker, &u.viewer];
        let names = ["admin", "planner", "command", "worker", "viewer"];
        let cases: Vec<(String, [u16; 5])> = vec![
            (format!("/api/regions/{}", f.c1), [200, 200, 200, 200, 200]),
            (format!("/api/regions/{}", f.c2), [200, 404, 404, 404, 404]),
            (
                format!("/api/regions/{}", f.street),
                [200, 404, 404, 404, 404],
            ),
            (format!("/api/grids/{}", f.g1), [200, 200, 200, 200, 200]),
            (format!("/api/grids/{}", f.g2), [200, 200, 200, 404, 200]),
            (format!("/api/grids/{}", f.g3), [200, 404, 404, 404, 404]),
            (
                format!("/api/buildings/{}", f.b1.id),
                [200, 200, 200, 200, 200],
            ),
            (
                format!("/api/buildings/{}", f.b2.id),
                [200, 200, 200, 404, 200],
            ),
            (
                format!("/api/buildings/{}", f.b3.id),
                [200, 404, 404, 404, 404],
            ),
            (
                format!("/api/regions/{}/summary", f.c2),
                [200, 404, 404, 404, 404],
            ),
            (
                format!("/api/grids/{}/summary", f.g2),
                [200, 200, 200, 404, 200],
            ),
            (
                format!("/api/communities/{}/plans", f.c1),
                [200, 200, 200, 404, 200],
            ),
            (
                format!("/api/communities/{}/plans", f.c2),
                [200, 404, 404, 404, 404],
            ),
            ("/api/stats".into(), [200, 403, 403, 403, 403]),
            ("/api/audit".into(), [200, 403, 403, 403, 403]),
            ("/api/me".into(), [200, 200, 200, 200, 200]),
            // OGC API – Features and vector tiles follow the same scope.
            (
                format!("/ogc/collections/grids/items/{}", f.g2),
                [200, 200, 200, 404, 200],
            ),
            (
                format!("/ogc/collections/grids/items/{}", f.g3),
                [200, 404, 404, 404, 404],
            ),
            (
                format!("/ogc/collections/buildings/items/{}", f.b3.id),
                [200, 404, 404, 404, 404],
            ),
            (
                format!("/ogc/collections/communities/items/{}", f.c2),
                [200, 404, 404, 404, 404],
            ),
            ("/ogc/collections".into(), [200, 200, 200, 200, 200]),
            ("/tiles/grids.json".into(), [200, 200, 200, 200, 200]),
        ];
        for (path, expected) in &cases {
            for ((token, name), want) in all.iter().zip(names).zip(expected) {
                let (s, body) = get(addr, token, path).await;
                assert_eq!(s, *want, "{n}: {name} GET {path}: {body}");
                if s == 404 {
                    assert!(
                        body["error"].as_str().unwrap().ends_with("does not exist"),
                        "{n}: {name} {path}: {body}"
                    );
                }
            }
        }
        // An out-of-scope id and a missing id answer identically.
        let (_, outside) = get(addr, &u.viewer, &format!("/api/grids/{}", f.g3)).await;
        let (_, missing) = get(addr, &u.viewer, "/api/grids/999999999").await;
        assert_eq!(
            outside["error"]
                .as_str()
                .unwrap()
                .replace(&f.g3.to_string(), "N"),
            missing["error"].as_str().unwrap().replace("999999999", "N"),
            "{n}"
        );

        // Lists are filtered to the scope.
        let (_, regions) = get(addr, &u.planner, "/api/regions").await;
        assert_eq!(ids(&regions), vec![f.c1], "{n}: planner's regions");
        let (_, grids) = get(addr, &u.worker, "/api/grids").await;
        assert_eq!(ids(&grids), vec![f.g1], "{n}: worker's grids");
        let (_, grids) = get(addr, &u.viewer, "/api/grids").await;
        let c1_grids: Vec<i64> = db
            .store
            .grids(Some(f.c1))
            .await
            .unwrap()
            .iter()
            .map(|g| g.id)
            .collect();
        assert_eq!(ids(&grids), c1_grids, "{n}: viewer's grids");
        let (_, buildings) = get(addr, &u.worker, "/api/buildings?limit=10000").await;
        assert!(!buildings["features"].as_array().unwrap().is_empty());
        assert!(
            buildings["features"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["properties"]["grid_id"] == f.g1),
            "{n}: the worker sees a building of another grid"
        );
        let (_, buildings) = get(addr, &u.viewer, "/api/buildings?limit=10000").await;
        let in_c1 = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(f.c1),
                ..Default::default()
            })
            .await
            .unwrap()
            .len();
        assert_eq!(ids(&buildings).len(), in_c1, "{n}: viewer's buildings");
        let (_, page) = get(addr, &u.viewer, "/api/buildings?limit=5&offset=5").await;
        assert_eq!(
            ids(&page),
            ids(&buildings)[5..10].to_vec(),
            "{n}: paging within the scope"
        );
        let (_, none) = get(
            addr,
            &u.viewer,
            &format!("/api/buildings?community={}", f.c2),
        )
        .await;
        assert!(ids(&none).is_empty(), "{n}: another community's buildings");

        // Lookup and geocoding answer only within the scope.
        let p = f.b3.footprint.interior_point().unwrap();
        let path = format!("/api/lookup?lon={}&lat={}", p.x(), p.y());
        let (_, a) = get(addr, &u.admin, &path).await;
        assert_eq!(a["grid"]["id"], f.g3, "{n}");
        let (s, a) = get(addr, &u.planner, &path).await;
        assert_eq!((s, &a["found"]), (200, &json!(false)), "{n}: {a}");
        assert!(
            a.get("grid").is_none() && a.get("workers").is_none(),
            "{n}: {a}"
        );
        let (_, batch) = post(addr, &u.planner, "/api/lookup", json!([[p.x(), p.y()]])).await;
        assert_eq!(batch["results"][0]["found"], false, "{n}: {batch}");
        let q = format!(
            "{}{}",
            f.b3.address.road.clone().unwrap_or_default(),
            f.b3.address.house_number.clone().unwrap_or_default()
        );
        let url = format!("/api/geocode?q={}&limit=100", urlencode(&q));
        let (_, hits) = get(addr, &u.admin, &url).await;
        let hit_ids = |v: &Value| -> Vec<i64> {
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["building_id"].as_i64().unwrap())
                .collect()
        };
        assert!(hit_ids(&hits).contains(&f.b3.id), "{n}: {q} {hits}");
        let (_, hits) = get(addr, &u.planner, &url).await;
        assert!(
            !hit_ids(&hits).contains(&f.b3.id),
            "{n}: geocoding outside the scope"
        );
        assert!(
            hits["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| c1_grids.contains(&h["grid_id"].as_i64().unwrap())),
            "{n}: {hits}"
        );

        // OGC items are filtered by scope, with paging over the visible part.
        let (_, items) = get(addr, &u.worker, "/ogc/collections/grids/items?limit=1000").await;
        assert_eq!(ids(&items), vec![f.g1], "{n}: worker's OGC grids");
        assert_eq!(items["numberMatched"], 1, "{n}");
        let (_, items) = get(addr, &u.viewer, "/ogc/collections/grids/items?limit=1000").await;
        assert_eq!(ids(&items), c1_grids, "{n}: viewer's OGC grids");
        // A collection's extent covers the caller's part only: the worker's grid.
        let extent = |v: &Value| -> Vec<f64> {
            v["extent"]["spatial"]["bbox"][0]
                .as_array()
                .unwrap_or_else(|| panic!("{n}: no extent in {v}"))
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        let (_, mine) = get(addr, &u.worker, "/ogc/collections/grids").await;
        let (_, everything) = get(addr, &u.admin, "/ogc/collections/grids").await;
        let own = db.store.grid(f.g1).await.unwrap().unwrap();
        let r = geo::BoundingRect::bounding_rect(&own.boundary).unwrap();
        let want = [r.min().x, r.min().y, r.max().x, r.max().y];
        let got = extent(&mine);
        assert!(
            got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
            "{n}: the worker's grids extent {got:?}, their grid's {want:?}"
        );
        assert_ne!(got, extent(&everything), "{n}");
        let (_, items) = get(
            addr,
            &u.viewer,
            "/ogc/collections/buildings/items?limit=10000",
        )
        .await;
        assert_eq!(ids(&items).len(), in_c1, "{n}: viewer's OGC buildings");
        let (_, items) = get(
            addr,
            &u.viewer,
            "/ogc/collections/cameras/items?limit=10000",
        )
        .await;
        let (_, all_cameras) =
            get(addr, &u.admin, "/ogc/collections/cameras/items?limit=10000").await;
        assert!(
            ids(&items).len() < ids(&all_cameras).len(),
            "{n}: cameras are scoped"
        );
        // OGC Part 4 grid edits need the edit permission within the scope, and are audited.
        let patch = |token: String, grid: i64| async move {
            let r = common::client_with(&token)
                .patch(format!("http://{addr}/ogc/collections/grids/items/{grid}"))
                .header("content-type", "application/geo+json")
                .body(json!({"type": "Feature", "properties": {"name": "改名网格"}}).to_string())
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        };
        assert_eq!(
            patch(u.viewer.clone(), f.g1).await,
            403,
            "{n}: viewer edits"
        );
        assert_eq!(
            patch(u.command.clone(), f.g1).await,
            403,
            "{n}: command staff edits"
        );
        assert_eq!(
            patch(u.planner.clone(), f.g3).await,
            404,
            "{n}: planner edits outside"
        );
        assert_eq!(
            patch(u.planner.clone(), f.g1).await,
            200,
            "{n}: planner edits inside"
        );
        let (entries, _) = db.store.audit_entries(10, 0).await.unwrap();
        let edit = entries
            .iter()
            .find(|e| e.action == "grid.update")
            .expect("grid edit audited");
        assert_eq!(
            (edit.actor.as_str(), edit.target.clone()),
            (u.planner_name.as_str(), format!("grid/{}", f.g1)),
            "{n}"
        );

        // Plans: running and publishing need the planner permissions within the scope.
        let body = json!({"warm_start": false, "seed": 2});
        for (token, name, community, want) in [
            (&u.viewer, "viewer", f.c1, 403),
            (&u.command, "command", f.c1, 403),
            (&u.worker, "worker", f.c1, 403),
            (&u.planner, "planner", f.c2, 404),
        ] {
            let (s, e) = post(
                addr,
                token,
                &format!("/api/communities/{community}/plans"),
                body.clone(),
            )
            .await;
            assert_eq!(s, want, "{n}: {name} proposes: {e}");
        }
        let (s, draft_p) = post(
            addr,
            &u.planner,
            &format!("/api/communities/{}/plans", f.c1),
            body.clone(),
        )
        .await;
        assert_eq!(s, 201, "{n}: {draft_p}");
        let (s, draft_a) = post(
            addr,
            &u.admin,
            &format!("/api/communities/{}/plans", f.c1),
            json!({"warm_start": false, "seed": 5}),
        )
        .await;
        assert_eq!(s, 201, "{n}: {draft_a}");
        let (s, draft_c2) = post(
            addr,
            &u.admin,
            &format!("/api/communities/{}/plans", f.c2),
            body.clone(),
        )
        .await;
        assert_eq!(s, 201, "{n}: {draft_c2}");
        let (pid, aid, c2id) = (
            draft_p["plan_id"].as_i64().unwrap(),
            draft_a["plan_id"].as_i64().unwrap(),
            draft_c2["plan_id"].as_i64().unwrap(),
        );
        let (_, plan) = get(addr, &u.viewer, &format!("/api/plans/{pid}")).await;
        assert_eq!(
            plan["author"], u.planner_name,
            "{n}: the author is who is logged in"
        );
        for (token, name, plan, want) in [
            (&u.viewer, "viewer", pid, 403),
            (&u.command, "command", pid, 403),
            (&u.planner, "planner", c2id, 404),
        ] {
            let (s, e) = post(
                addr,
                token,
                &format!("/api/plans/{plan}/publish"),
                json!({}),
            )
            .await;
            assert_eq!(s, want, "{n}: {name} publishes: {e}");
        }
        for (token, plan, want) in [
            (&u.viewer, c2id, 404),
            (&u.worker, pid, 404),
            (&u.viewer, pid, 200),
        ] {
            let (s, _) = get(addr, token, &format!("/api/plans/{plan}/diff")).await;
            assert_eq!(s, want, "{n}: diff of plan {plan}");
        }
        let untouched = db.store.plan(c2id).await.unwrap().unwrap();
        assert_eq!(untouched.status, wangge::model::PlanStatus::Draft, "{n}");

        // Two planners publish drafts of the same community at once: one wins, the other
        // gets a conflict, and the community has one published plan.
        let (path_p, path_a) = (
            format!("/api/plans/{pid}/publish"),
            format!("/api/plans/{aid}/publish"),
        );
        let (r1, r2) = tokio::join!(
            post(addr, &u.planner, &path_p, json!({})),
            post(addr, &u.admin, &path_a, json!({})),
        );
        let mut statuses = [r1.0, r2.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{n}: {r1:?} {r2:?}");
        let loser = if r1.0 == 409 { &r1.1 } else { &r2.1 };
        assert!(
            loser["error"].as_str().unwrap().contains("published"),
            "{n}: {loser}"
        );
        let published = db.store.published_plan(f.c1).await.unwrap().unwrap();
        assert!(published.id == pid || published.id == aid, "{n}");

        // The grid worker follows their grid into the new plan: b1 is still theirs.
        let (s, b) = get(addr, &u.worker, &format!("/api/buildings/{}", f.b1.id)).await;
        assert_eq!(s, 200, "{n}: {b}");
        let (_, grids) = get(addr, &u.worker, "/api/grids").await;
        assert_eq!(
            ids(&grids),
            vec![b["properties"]["grid_id"].as_i64().unwrap()],
            "{n}"
        );

        // The publish is in the audit log with who, what, when and where from.
        let (s, log) = get(addr, &u.admin, "/api/audit?limit=50").await;
        assert_eq!(s, 200, "{n}: {log}");
        let entries = log["entries"].as_array().unwrap();
        let publish = entries
            .iter()
            .find(|e| e["action"] == "plan.publish")
            .unwrap_or_else(|| panic!("{n}: no publish in {log}"));
        assert_eq!(publish["target"], format!("plan/{}", published.id));
        assert_eq!(publish["remote"], "127.0.0.1", "{n}");
        assert!(publish["at"].as_str().is_some());
        let winner = if published.id == pid {
            &u.planner_name
        } else {
            ""
        };
        if !winner.is_empty() {
            assert_eq!(&publish["actor"], winner, "{n}");
        }
        assert_eq!(
            entries
                .iter()
                .filter(|e| e["action"] == "plan.publish")
                .count(),
            1,
            "{n}"
        );
        let (_, page) = get(addr, &u.admin, "/api/audit?limit=1&offset=1").await;
        assert_eq!(
            page["entries"][0]["id"], entries[1]["id"],
            "{n}: audit paging"
        );
        let (s, _) = get(addr, &u.admin, "/api/audit?limit=0").await;
        assert_eq!(s, 400, "{n}");
        let _ = u.command_name;
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn personal_data_is_masked_unless_the_role_may_unmask_and_unmasked_reads_are_audited() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let f = fixture(&db.store).await;
        let u = users(&db.store, &f).await;
        let addr = common::serve_state(AppState::load(db.store.clone()).await.unwrap()).await;
        let household = |b: i64| {
            let store = db.store.clone();
            async move {
                for h in store.households(b).await.unwrap() {
                    let people = store.people(h.id).await.unwrap();
                    if !people.is_empty() {
                        return (h.id, people);
                    }
                }
                panic!("building {b} has no household with people");
            }
        };
        let (h1, people) = household(f.b1.id).await;
        let (h2, _) = household(f.b2.id).await;
        let path = format!("/api/households/{h1}");

        // Viewers and planners see masked names, ID numbers and phones.
        for (token, name) in [(&u.viewer, "viewer"), (&u.planner, "planner")] {
            let (s, v) = get(addr, token, &path).await;
            assert_eq!(s, 200, "{n}: {name}: {v}");
            assert_eq!(v["masked"], true, "{n}: {name}");
            for (shown, real) in v["people"].as_array().unwrap().iter().zip(&people) {
                let shown_name = shown["name"].as_str().unwrap();
                assert_ne!(shown_name, real.name, "{n}: {name} sees a name");
                assert_eq!(shown_name.chars().next(), real.name.chars().next());
                assert!(shown_name.chars().skip(1).all(|c| c == '*'), "{shown_name}");
                let id = shown["id_number"].as_str().unwrap();
                assert_eq!(&id[..6], &real.id_number[..6], "{n}: area code kept");
                assert_eq!(
                    &id[id.len() - 4..],
                    &real.id_number[real.id_number.len() - 4..]
                );
                assert!(id[6..id.len() - 4].chars().all(|c| c == '*'), "{n}: {id}");
                if let (Some(phone), Some(real_phone)) = (shown["phone"].as_str(), &real.phone) {
                    assert_eq!(
                        phone,
                        format!("{}****{}", &real_phone[..3], &real_phone[7..]),
                        "{n}"
                    );
                }
                assert!(
                    !v.to_string().contains(&real.id_number),
                    "{n}: the full ID number leaks"
                );
            }
        }
        // Masked reads are not audited; unmasked ones are, with who, what and where from.
        let audited = |store: Store| async move {
            store
                .audit_entries(1000, 0)
                .await
                .unwrap()
                .0
                .into_iter()
                .filter(|e| e.action == "unmask")
                .count()
        };
        assert_eq!(audited(db.store.clone()).await, 0, "{n}");
        let (s, v) = get(addr, &u.command, &path).await;
        assert_eq!((s, &v["masked"]), (200, &json!(false)), "{n}: {v}");
        let names: Vec<&str> = v["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            "{n}"
        );
        assert_eq!(audited(db.store.clone()).await, 1, "{n}");
        let entry = db.store.audit_entries(1, 0).await.unwrap().0.remove(0);
        assert_eq!(
            (entry.actor.as_str(), entry.remote.as_str()),
            (u.command_name.as_str(), "127.0.0.1"),
            "{n}"
        );
        assert!(entry.target.contains(&h1.to_string()), "{n}: {entry:?}");
        // The grid worker sees their grid's households unmasked, not another grid's.
        let (s, v) = get(addr, &u.worker, &path).await;
        assert_eq!((s, &v["masked"]), (200, &json!(false)), "{n}");
        let (s, _) = get(addr, &u.worker, &format!("/api/households/{h2}")).await;
        assert_eq!(s, 404, "{n}: another grid's household");
        assert_eq!(audited(db.store.clone()).await, 2, "{n}");
        let _ = (&u.admin, f.g2, f.g3);
    }
}

#[tokio::test]
async fn the_audit_log_is_refused_to_every_update_and_delete_by_the_database() {
    for db in common::both().await {
        let n = db.name;
        let id = db
            .store
            .append_audit(&wangge::store::NewAuditEntry {
                actor: "tester".into(),
                action: "test".into(),
                target: "nothing".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let statements = [
            format!("UPDATE audit_log SET actor = 'someone else' WHERE id = {id}"),
            format!("DELETE FROM audit_log WHERE id = {id}"),
            "DELETE FROM audit_log".to_string(),
        ];
        let mut refusals = Vec::new();
        if db.name == "postgres" {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            for sql in statements
                .iter()
                .map(String::as_str)
                .chain(["TRUNCATE audit_log"])
            {
                let e = sqlx::query(sql).execute(&mut conn).await.expect_err(sql);
                refusals.push(e.to_string());
            }
        } else {
            let path = db.url.trim_start_matches("sqlite:");
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
                .await
                .unwrap();
            for sql in &statements {
                let e = sqlx::query(sql).execute(&mut conn).await.expect_err(sql);
                refusals.push(e.to_string());
            }
        }
        for r in &refusals {
            assert!(r.contains("append-only"), "{n}: {r}");
        }
        let (entries, total) = db.store.audit_entries(10, 0).await.unwrap();
        assert_eq!(total, 1, "{n}");
        assert_eq!(entries[0].actor, "tester", "{n}: the entry changed");
    }
}

async fn login(addr: SocketAddr, username: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}/api/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

fn session_of(r: &reqwest::Response) -> String {
    let cookie = r
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Set-Cookie in {:?}", r.headers()))
        .to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    cookie.split(';').next().unwrap().to_string()
}

async fn me_with_cookie(addr: SocketAddr, cookie: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("http://{addr}/api/me"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn login_sessions_expire_logout_ends_them_and_failures_are_rate_limited() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let f = fixture(&db.store).await;
        let (worker, _) = common::user_with_token(&db.store, Role::GridWorker, &[], &[f.g1]).await;
        let (other, _) = common::user_with_token(&db.store, Role::Viewer, &[], &[]).await;
        let config = AuthConfig {
            session_ttl: Duration::from_secs(2),
            failures_per_address: 9,
            ..Default::default()
        };
        let state = AppState::load(db.store.clone())
            .await
            .unwrap()
            .with_auth_config(config);
        let addr = common::serve_state(state).await;

        // Login answers the user as the web map needs it and sets the session cookie.
        let r = login(addr, &worker, common::TEST_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 200, "{n}");
        let cookie = session_of(&r);
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body["user"],
            json!({"username": worker, "role": "grid_worker", "scope": {"regions": [f.c1], "grids": [f.g1]}, "can_unmask": true}),
            "{n}"
        );
        let (s, me) = me_with_cookie(addr, &cookie).await;
        assert_eq!((s, &me["username"]), (200, &json!(worker)), "{n}");
        // Over plain HTTP the cookie cannot be Secure (the browser would drop it); through
        // an HTTPS proxy it is.
        let set = |r: &reqwest::Response| {
            r.headers()[reqwest::header::SET_COOKIE]
                .to_str()
                .unwrap()
                .to_string()
        };
        let plain = login(addr, &worker, common::TEST_PASSWORD).await;
        assert!(!set(&plain).contains("Secure"), "{n}: {}", set(&plain));
        let proxied = reqwest::Client::new()
            .post(format!("http://{addr}/api/login"))
            .header("X-Forwarded-Proto", "https")
            .json(&json!({"username": worker, "password": common::TEST_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(proxied.status().as_u16(), 200, "{n}");
        assert!(
            set(&proxied).ends_with("; Secure"),
            "{n}: {}",
            set(&proxied)
        );
        // The session expires.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let (s, e) = me_with_cookie(addr, &cookie).await;
        assert_eq!(s, 401, "{n}: an expired session: {e}");
        assert!(e["error"].as_str().unwrap().contains("expired"), "{n}: {e}");
        // Logout ends a session at once.
        let cookie = session_of(&login(addr, &worker, common::TEST_PASSWORD).await);
        let r = reqwest::Client::new()
            .post(format!("http://{addr}/api/logout"))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204, "{n}");
        assert_eq!(
            me_with_cookie(addr, &cookie).await.0,
            401,
            "{n}: after logout"
        );

        // Wrong passwords: 401 five times, then 429 with Retry-After even for the right one.
        for i in 0..5 {
            let r = login(addr, &worker, "wrong password").await;
            assert_eq!(r.status().as_u16(), 401, "{n}: attempt {i}");
        }
        let r = login(addr, &worker, common::TEST_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 429, "{n}");
        let retry: u64 = r.headers()[reqwest::header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry), "{n}: Retry-After {retry}");
        let e: Value = r.json().await.unwrap();
        assert!(
            e["error"]
                .as_str()
                .unwrap()
                .contains("too many failed logins"),
            "{n}: {e}"
        );
        // Another user is not locked out by those failures…
        assert_eq!(
            login(addr, &other, common::TEST_PASSWORD)
                .await
                .status()
                .as_u16(),
            200,
            "{n}"
        );
        // …but one address trying many usernames is (9 failures per address here).
        for i in 0..4 {
            let s = login(addr, &format!("nobody{i}"), "x-password")
                .await
                .status()
                .as_u16();
            assert_eq!(s, 401, "{n}: unknown user {i}");
        }
        let r = login(addr, &other, common::TEST_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 429, "{n}: the address is limited");
        let e: Value = r.json().await.unwrap();
        assert!(
            e["error"].as_str().unwrap().contains("address 127.0.0.1"),
            "{n}: {e}"
        );

        // Failed and successful logins are audited.
        let (entries, _) = db.store.audit_entries(100, 0).await.unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.action == "login.failed" && e.actor == worker),
            "{n}"
        );
        assert!(
            entries
                .iter()
                .any(|e| e.action == "login" && e.actor == worker),
            "{n}"
        );
        // A disabled user's token stops working (within the resolver's cache time).
        let (name, token) = common::user_with_token(&db.store, Role::Viewer, &[], &[]).await;
        assert_eq!(get(addr, &token, "/api/me").await.0, 200, "{n}");
        assert!(db.store.set_user_disabled(&name, true).await.unwrap());
        tokio::time::sleep(AuthConfig::default().cache_ttl + Duration::from_millis(200)).await;
        assert_eq!(
            get(addr, &token, "/api/me").await.0,
            401,
            "{n}: disabled user"
        );
    }
}

#[tokio::test]
async fn limits_on_body_size_request_time_and_statement_time_answer_clearly() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let f = fixture(&db.store).await;
        let (_, admin) = common::user_with_token(&db.store, Role::Administrator, &[], &[]).await;
        // Two servers sharing one state (and its token cache): one with the default request
        // time limit, one with 1 ms.
        let state = AppState::load(db.store.clone()).await.unwrap();
        let addr = common::serve_state(state.clone()).await;
        let hurried =
            common::serve_state(state.with_request_timeout(Duration::from_millis(1))).await;
        // Resolve the token once, so the hurried server finds it in the cache.
        assert_eq!(get(addr, &admin, "/api/me").await.0, 200);
        // A body above 1 MB is refused with 413 (lookup batches have their own 4 MB).
        let big = json!({"username": "x", "password": "y".repeat(2 * 1024 * 1024)});
        let (s, e) = call(None, "POST", format!("http://{addr}/api/login"), Some(big)).await;
        assert_eq!(s, 413, "{n}: {e}");
        assert!(
            e["error"].as_str().unwrap().contains("too large"),
            "{n}: {e}"
        );
        // Balancing takes longer than 1 ms: 503 with the reason.
        let before = db.store.plans_of(f.c1).await.unwrap().len();
        let (s, e) = post(
            hurried,
            &admin,
            &format!("/api/communities/{}/plans", f.c1),
            json!({"warm_start": false}),
        )
        .await;
        assert_eq!(s, 503, "{n}: {e}");
        assert!(
            e["error"]
                .as_str()
                .unwrap()
                .contains("took longer than the 1 ms limit"),
            "{n}: {e}"
        );
        // The write under way completes and is audited although its answer was abandoned.
        let mut stored = false;
        for _ in 0..600 {
            let audited = db
                .store
                .audit_entries(10, 0)
                .await
                .unwrap()
                .0
                .iter()
                .any(|e| e.action == "plan.propose");
            if db.store.plans_of(f.c1).await.unwrap().len() == before + 1 && audited {
                stored = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            stored,
            "{n}: the abandoned draft was not stored and audited within 60 s"
        );

        if db.name == "postgres" {
            // PostgreSQL cancels a statement at statement_timeout; the API says so with 503.
            let slow = Store::open_with(
                &db.url,
                &wangge::store::StoreOptions {
                    statement_timeout: Duration::from_millis(1),
                },
            )
            .await
            .unwrap();
            let err = slow
                .counts()
                .await
                .expect_err("counting the demo takes more than 1 ms");
            let response =
                axum::response::IntoResponse::into_response(wangge::api::ApiError::from(err));
            assert_eq!(response.status().as_u16(), 503, "{n}");
            let body = axum::body::to_bytes(response.into_body(), 10_000)
                .await
                .unwrap();
            assert!(
                String::from_utf8_lossy(&body).contains("statement timeout"),
                "{n}"
            );
        }
    }
}

#[tokio::test]
async fn demo_users_are_created_per_role_and_can_log_in() {
    let db = common::sqlite().await;
    common::import_demo(&db.store, 1).await;
    let users = wangge::auth::create_demo_users(&db.store, Some("demo-pass-1"))
        .await
        .unwrap();
    let roles: Vec<Role> = users.iter().map(|u| u.role).collect();
    assert_eq!(
        roles,
        vec![
            Role::Administrator,
            Role::Planner,
            Role::CommandStaff,
            Role::GridWorker,
            Role::Viewer
        ]
    );
    // Again: the same users are reset, not duplicated; random passwords differ.
    let again = wangge::auth::create_demo_users(&db.store, None)
        .await
        .unwrap();
    assert_eq!(db.store.users().await.unwrap().len(), 5);
    assert_ne!(again[0].password, again[1].password);
    let addr = common::serve_state(AppState::load(db.store.clone()).await.unwrap()).await;
    for u in &again {
        let r = login(addr, &u.username, &u.password).await;
        assert_eq!(r.status().as_u16(), 200, "{}", u.username);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["user"]["role"], json!(u.role));
    }
    let worker = db.store.user_by_name("demo-worker").await.unwrap().unwrap();
    assert_eq!(worker.grids.len(), 1);
    let command = db
        .store
        .user_by_name("demo-command")
        .await
        .unwrap()
        .unwrap();
    let street = db.store.region(command.regions[0]).await.unwrap().unwrap();
    assert_eq!(street.level, RegionLevel::Street);
}

/// Runs the `wangge` binary with `args` on `db_url`, feeding `stdin`; returns (success,
/// stdout, stderr).
fn wangge_cli(db_url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
        .arg("--db")
        .arg(db_url)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn users_are_managed_on_the_command_line_and_its_writes_audited() {
    for db in common::both().await {
        let n = db.name;
        let url = db.url.clone();
        let (ok, out, err) = wangge_cli(&url, &["demo", "--demo-password", "demo-pass-1"], "");
        assert!(ok, "{n}: {out}{err}");
        assert!(
            out.contains("demo-worker") && out.contains("demo-pass-1"),
            "{n}: {out}"
        );
        let street = db
            .store
            .regions(Some(RegionLevel::Street), None)
            .await
            .unwrap()[0]
            .id;
        let street_arg = street.to_string();
        let (ok, out, err) = wangge_cli(
            &url,
            &[
                "user",
                "add",
                "li",
                "--role",
                "planner",
                "--region",
                &street_arg,
                "--password-stdin",
            ],
            "li-password-1\n",
        );
        assert!(ok, "{n}: {out}{err}");
        assert!(
            !out.contains("password:"),
            "{n}: a given password is not printed"
        );
        // Refusals are clear: a duplicate name, a grid worker without grids, an unknown region.
        for (args, word) in [
            (
                vec!["user", "add", "li", "--role", "viewer"],
                "exists already",
            ),
            (
                vec!["user", "add", "wang", "--role", "grid_worker"],
                "--grid",
            ),
            (
                vec![
                    "user", "add", "zhao", "--role", "viewer", "--region", "999999",
                ],
                "does not exist",
            ),
            (vec!["user", "add", "qian", "--role", "king"], "king"),
        ] {
            let (ok, out, err) = wangge_cli(&url, &args, "");
            assert!(!ok && err.contains(word), "{n}: {args:?}: {out}{err}");
        }
        let (ok, token, err) = wangge_cli(&url, &["user", "token", "li", "--days", "2"], "");
        assert!(ok, "{n}: {err}");
        let token = token.trim().to_string();
        let (_, list, _) = wangge_cli(&url, &["user", "list"], "");
        assert!(
            list.contains("li ") && list.contains("planner"),
            "{n}: {list}"
        );
        assert_eq!(
            list.lines().count(),
            1 + 6,
            "{n}: header, 5 demo users and li: {list}"
        );

        let addr = common::serve_state(AppState::load(db.store.clone()).await.unwrap()).await;
        let (s, me) = get(addr, &token, "/api/me").await;
        assert_eq!((s, &me["role"]), (200, &json!("planner")), "{n}: {me}");
        assert_eq!(
            login(addr, "li", "li-password-1").await.status().as_u16(),
            200,
            "{n}"
        );
        let (ok, _, err) = wangge_cli(&url, &["user", "disable", "li"], "");
        assert!(ok, "{n}: {err}");
        tokio::time::sleep(AuthConfig::default().cache_ttl + Duration::from_millis(200)).await;
        assert_eq!(get(addr, &token, "/api/me").await.0, 401, "{n}: disabled");
        assert_eq!(
            login(addr, "li", "li-password-1").await.status().as_u16(),
            401,
            "{n}"
        );

        let (entries, _) = db.store.audit_entries(100, 0).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "import.demo",
            "user.demo",
            "user.add",
            "user.token",
            "user.disable",
        ] {
            assert!(actions.contains(&a), "{n}: {a} not audited: {actions:?}");
        }
        assert!(
            entries
                .iter()
                .all(|e| e.actor.starts_with("cli:") || e.remote == "127.0.0.1"),
            "{n}"
        );
    }
}
