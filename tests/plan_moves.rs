//! Manual moves in a draft plan end to end, on both databases over real HTTP: a valid move
//! is stored (assignment, boundaries still tiling the community, figures), publishing
//! publishes the moved assignment and the lookup follows it; refused moves (not
//! neighbours, bounds, contiguity, unknown building or grid, a published or superseded
//! plan) answer 4xx naming the rule and change nothing.

mod common;

use common::multipolygon;

use std::net::SocketAddr;

use geo::{Area, BooleanOps, Distance, Euclidean, InteriorPoint, MultiPolygon, Validation};
use serde_json::{json, Value};
use wangge::model::RegionLevel;
use wangge::store::{Building, BuildingFilter, Region, Store};

async fn serve(store: Store) -> SocketAddr {
    common::serve_store(&store).await.0
}

async fn post(addr: SocketAddr, path: &str, body: Value) -> (u16, Value) {
    let r = common::client(addr)
        .post(format!("http://{addr}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn get(addr: SocketAddr, path: &str) -> (u16, Value) {
    let r = common::get_url(&format!("http://{addr}{path}")).await;
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The plan's grids as (id, code, boundary).
fn grids_of(plan: &Value) -> Vec<(i64, String, MultiPolygon<f64>)> {
    plan["grids"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["id"]
                    .as_i64()
                    .or_else(|| f["id"].as_i64())
                    .unwrap(),
                f["properties"]["code"].as_str().unwrap().to_string(),
                multipolygon(&f["geometry"]),
            )
        })
        .collect()
}

/// The checks of `a_draft_tiles_the_community_and_publishing_replaces_its_grids`: valid
/// grids of one piece each, areas adding up to the community's, no overlaps, union equal
/// to the community.
fn assert_tiles(n: &str, plan: &Value, community: &Region) {
    let grids: Vec<MultiPolygon<f64>> = grids_of(plan).into_iter().map(|g| g.2).collect();
    let area = community.boundary.unsigned_area();
    let sum: f64 = grids.iter().map(|g| g.unsigned_area()).sum();
    assert!(
        (sum - area).abs() / area < 1e-10,
        "{n}: grid areas {sum} vs community {area}"
    );
    let mut union = MultiPolygon::<f64>(vec![]);
    let mut worst_overlap = 0.0f64;
    for (i, g) in grids.iter().enumerate() {
        assert!(
            g.is_valid(),
            "{n}: grid {i} invalid: {:?}",
            g.check_validation()
        );
        assert_eq!(g.0.len(), 1, "{n}: grid {i} is in {} pieces", g.0.len());
        for h in &grids[i + 1..] {
            worst_overlap = worst_overlap.max(g.intersection(h).unsigned_area() / area);
        }
        union = union.union(g);
    }
    let xor = union.xor(&community.boundary).unsigned_area() / area;
    assert!(
        worst_overlap < 1e-9,
        "{n}: grids overlap ({worst_overlap:e})"
    );
    assert!(
        xor < 1e-8,
        "{n}: union differs from the community ({xor:e})"
    );
}

fn grid_households(plan: &Value, code: &str) -> u64 {
    plan["metrics"]["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == code)
        .unwrap_or_else(|| panic!("no grid {code} in {}", plan["metrics"]))["households"]
        .as_u64()
        .unwrap()
}

/// Everything a move may change: the plan (status, metrics, grids) and its assignment.
async fn snapshot(addr: SocketAddr, store: &Store, id: i64) -> (Value, Vec<(i64, i64)>) {
    let (_, plan) = get(addr, &format!("/api/plans/{id}")).await;
    (plan, store.plan_assignment(id).await.unwrap())
}

fn distance(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    Euclidean.distance(a, b)
}

#[tokio::test]
async fn manual_moves_are_checked_stored_and_published() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let communities = db
            .store
            .regions(Some(RegionLevel::Community), None)
            .await
            .unwrap();
        let community = communities[0].clone();
        let addr = serve(db.store.clone()).await;
        let (s, draft) = post(
            addr,
            &format!("/api/communities/{}/plans", community.id),
            json!({"warm_start": false, "seed": 3}),
        )
        .await;
        assert_eq!(s, 201, "{n}: {draft}");
        let id = draft["plan_id"].as_i64().unwrap();
        let buildings: Vec<Building> = db
            .store
            .buildings(&BuildingFilter {
                community: Some(community.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let households = |b: i64| {
            buildings
                .iter()
                .find(|x| x.id == b)
                .unwrap()
                .households
                .max(0) as u64
        };
        let (plan0, assign0) = snapshot(addr, &db.store, id).await;
        assert_tiles(n, &plan0, &community);
        let grids = grids_of(&plan0);
        let code_of = |gid: i64| grids.iter().find(|g| g.0 == gid).unwrap().1.clone();
        let grid_of = |b: i64| assign0.iter().find(|a| a.0 == b).unwrap().1;
        let moves = format!("/api/plans/{id}/moves");

        // Refused: nothing changes, and the error names the rule and the buildings.
        let unchanged = |what: &str, after: (Value, Vec<(i64, i64)>)| {
            assert_eq!(after.0, plan0, "{n}: {what} changed the plan");
            assert_eq!(after.1, assign0, "{n}: {what} changed the assignment");
        };
        // Not neighbours: a building of a grid whose boundary does not touch the target.
        let (far_b, far_to) = assign0
            .iter()
            .find_map(|&(b, g)| {
                let from = &grids.iter().find(|x| x.0 == g)?.2;
                let to = grids
                    .iter()
                    .find(|x| x.0 != g && distance(from, &x.2) > 1e-5)?;
                Some((b, to.1.clone()))
            })
            .expect("two grids apart");
        let (s, e) = post(
            addr,
            &moves,
            json!({"buildings": [far_b], "to_grid": far_to}),
        )
        .await;
        assert_eq!(s, 422, "{n}: {e}");
        let msg = e["error"].as_str().unwrap();
        assert!(
            msg.contains("is not a neighbour of") && msg.contains(&far_b.to_string()),
            "{n}: {msg}"
        );
        unchanged(
            "a move to a grid that is not a neighbour",
            snapshot(addr, &db.store, id).await,
        );

        // Candidates for a valid move: buildings by distance of their footprint to a
        // neighbouring grid; the nearest ones whose grid stays connected are accepted.
        let mut candidates: Vec<(f64, i64, i64, String)> = Vec::new();
        for b in &buildings {
            let from = grid_of(b.id);
            for (gid, code, boundary) in &grids {
                if *gid != from {
                    let d = distance(&b.footprint, boundary);
                    if d < 2e-4 {
                        candidates.push((d, b.id, from, code.clone()));
                    }
                }
            }
        }
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(!candidates.is_empty(), "{n}: no building near another grid");

        // Bounds: all of a grid's buildings near the target but one leave the source
        // below the floor (or the target above the ceiling).
        let (_, _, from, to) = candidates[0].clone();
        let mut many: Vec<i64> = assign0
            .iter()
            .filter(|a| a.1 == from)
            .map(|a| a.0)
            .collect();
        many.sort_by(|a, b| {
            let pos = |x: &i64| {
                candidates
                    .iter()
                    .position(|c| c.1 == *x && c.3 == to)
                    .unwrap_or(usize::MAX)
            };
            pos(a).cmp(&pos(b))
        });
        many.pop();
        let (s, e) = post(addr, &moves, json!({"buildings": many, "to_grid": to})).await;
        assert_eq!(s, 422, "{n}: {e}");
        assert!(
            e["error"]
                .as_str()
                .unwrap()
                .contains("outside the plan's bounds 300–600"),
            "{n}: {e}"
        );
        unchanged(
            "a move breaking the bounds",
            snapshot(addr, &db.store, id).await,
        );

        // Unknown building, a building of another community, unknown grid, no building.
        let other = db
            .store
            .buildings(&BuildingFilter {
                community: Some(communities[1].id),
                ..Default::default()
            })
            .await
            .unwrap()[0]
            .id;
        for (body, status, words) in [
            (
                json!({"buildings": [999_999_999], "to_grid": to}),
                422,
                "building 999999999 is not a building of draft",
            ),
            (
                json!({"buildings": [other], "to_grid": to}),
                422,
                "is not a building of draft",
            ),
            (
                json!({"buildings": [candidates[0].1], "to_grid": "NOPE"}),
                422,
                "grid \"NOPE\" is not a grid of draft",
            ),
            (
                json!({"buildings": [], "to_grid": to}),
                400,
                "at least one building",
            ),
            (json!({"buildings": [candidates[0].1]}), 400, "to_grid"),
        ] {
            let (s, e) = post(addr, &moves, body.clone()).await;
            assert_eq!(s, status, "{n}: {body} → {e}");
            assert!(
                e["error"].as_str().unwrap().contains(words),
                "{n}: {body} → {e}"
            );
        }
        unchanged(
            "unknown buildings and grids",
            snapshot(addr, &db.store, id).await,
        );

        // A valid move: the first candidate accepted.
        let mut done = None;
        for (_, b, from, to) in candidates.iter().take(40) {
            let (s, e) = post(addr, &moves, json!({"buildings": [b], "to_grid": to})).await;
            match s {
                200 => {
                    done = Some((*b, *from, to.clone(), e));
                    break;
                }
                422 => {
                    let msg = e["error"].as_str().unwrap();
                    assert!(msg.contains(&b.to_string()), "{n}: {msg}");
                    unchanged("a refused move", snapshot(addr, &db.store, id).await);
                }
                _ => panic!("{n}: moving {b} to {to}: {s} {e}"),
            }
        }
        let (moved, from, to, answer) = done.expect("one of the nearest buildings can move");
        let from_code = code_of(from);
        let (plan1, assign1) = snapshot(addr, &db.store, id).await;
        assert_eq!(answer, plan1, "{n}: the answer is the stored plan");
        assert_eq!(plan1["status"], "draft");
        let to_id = grids.iter().find(|g| g.1 == to).unwrap().0;
        assert_eq!(
            assign1.iter().find(|a| a.0 == moved).unwrap().1,
            to_id,
            "{n}: assignment not stored"
        );
        assert_eq!(
            assign1.iter().filter(|a| a.1 != grid_of(a.0)).count(),
            1,
            "{n}: only the moved building changes grid"
        );
        let hh = households(moved);
        assert_eq!(
            grid_households(&plan1, &to),
            grid_households(&plan0, &to) + hh
        );
        assert_eq!(
            grid_households(&plan1, &from_code),
            grid_households(&plan0, &from_code) - hh
        );
        assert_eq!(
            plan1["metrics"]["households"],
            plan0["metrics"]["households"]
        );
        assert_eq!(
            plan1["metrics"]["grid_count"],
            plan0["metrics"]["grid_count"]
        );
        assert_tiles(n, &plan1, &community);
        // The moved building lies in its new grid's boundary, no longer in the old one's.
        let at = buildings
            .iter()
            .find(|b| b.id == moved)
            .unwrap()
            .footprint
            .interior_point()
            .unwrap();
        let new_grids = grids_of(&plan1);
        let contains = |code: &str| {
            geo::Contains::contains(&new_grids.iter().find(|g| g.1 == code).unwrap().2, &at)
        };
        assert!(
            contains(&to) && !contains(&from_code),
            "{n}: boundaries not moved"
        );
        // The move is in the audit log, refused moves are not.
        let (_, log) = get(addr, "/api/audit?limit=50").await;
        let audited: Vec<&Value> = log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "plan.move")
            .collect();
        assert_eq!(audited.len(), 1, "{n}: {log}");
        assert_eq!(audited[0]["target"], format!("plan/{id}"));
        assert!(
            audited[0]["detail"]
                .to_string()
                .contains(&moved.to_string()),
            "{n}: {}",
            audited[0]
        );
        // Diff and metrics agree on households moved.
        let (_, diff) = get(addr, &format!("/api/plans/{id}/diff")).await;
        assert_eq!(
            diff["households_moved"].as_u64(),
            plan1["metrics"]["households_moved"].as_u64(),
            "{n}: {diff}"
        );

        // Contiguity: the building next to the target and one far inside the source grid
        // together would leave the far one cut off from the target grid.
        // Try pairs of neighbouring grids; for each, the nearest buildings of the source to
        // the target (the first of them that is a neighbour of the target passes that
        // rule) with the source building farthest from the target whose households keep
        // both grids within the bounds.
        let before = snapshot(addr, &db.store, id).await;
        let mut pairs: Vec<(i64, String)> = Vec::new();
        for c in &candidates {
            if !pairs.contains(&(c.2, c.3.clone())) {
                pairs.push((c.2, c.3.clone()));
            }
        }
        let mut contiguity = None;
        'pairs: for (src, dst) in pairs.iter().take(6) {
            let src_code = code_of(*src);
            let (src_hh, dst_hh) = (
                grid_households(&plan1, &src_code),
                grid_households(&plan1, dst),
            );
            let dst_boundary = &new_grids.iter().find(|g| &g.1 == dst).unwrap().2;
            let members: Vec<i64> = assign1
                .iter()
                .filter(|a| a.1 == *src)
                .map(|a| a.0)
                .collect();
            let near: Vec<i64> = candidates
                .iter()
                .filter(|c| &c.3 == dst && c.2 == *src && members.contains(&c.1))
                .map(|c| c.1)
                .take(5)
                .collect();
            for b in near {
                let far = members
                    .iter()
                    .filter(|&&x| x != b)
                    .filter(|&&x| {
                        let both = households(b) + households(x);
                        src_hh >= 300 + both && dst_hh + both <= 600
                    })
                    .max_by(|x, y| {
                        let d = |z: &i64| {
                            distance(
                                &buildings.iter().find(|w| w.id == *z).unwrap().footprint,
                                dst_boundary,
                            )
                        };
                        d(x).total_cmp(&d(y))
                    });
                let Some(&far) = far else { continue };
                let (s, e) =
                    post(addr, &moves, json!({"buildings": [b, far], "to_grid": dst})).await;
                assert_eq!(s, 422, "{n}: {e}");
                let msg = e["error"].as_str().unwrap().to_string();
                assert_eq!(
                    snapshot(addr, &db.store, id).await,
                    before,
                    "{n}: a refused move changed the draft"
                );
                if !msg.contains("is not a neighbour of") {
                    contiguity = Some((msg, far));
                    break 'pairs;
                }
            }
        }
        let (msg, far) = contiguity.expect("a pair of buildings to cut a grid with");
        eprintln!("{n}: moved building {moved} {from_code} → {to}; refused: {msg}");
        assert!(
            (msg.contains("would not be contiguous") && msg.contains(&far.to_string()))
                || msg.contains("unconnected parts"),
            "{n}: {msg}"
        );

        // A second draft computed now is superseded once the first is published.
        let (_, second) = post(
            addr,
            &format!("/api/communities/{}/plans", community.id),
            json!({"warm_start": false, "seed": 4}),
        )
        .await;
        let second = second["plan_id"].as_i64().unwrap();

        // Publish: the moved assignment is what is published, and the lookup follows it.
        let (s, published) = post(addr, &format!("/api/plans/{id}/publish"), json!({})).await;
        assert_eq!(s, 200, "{n}: {published}");
        let (_, found) = get(addr, &format!("/api/lookup?lon={}&lat={}", at.x(), at.y())).await;
        assert_eq!(found["grid"]["id"].as_i64(), Some(to_id), "{n}: {found}");
        let b = db.store.building(moved).await.unwrap().unwrap();
        assert_eq!(b.grid_id, Some(to_id), "{n}");

        // Published and superseded plans cannot be edited.
        let (s, e) = post(
            addr,
            &moves,
            json!({"buildings": [moved], "to_grid": from_code}),
        )
        .await;
        assert_eq!(s, 409, "{n}: {e}");
        assert!(
            e["error"]
                .as_str()
                .unwrap()
                .contains("published, not a draft"),
            "{n}: {e}"
        );
        let before = snapshot(addr, &db.store, second).await;
        let grid2 = grids_of(&before.0)[0].1.clone();
        let (s, e) = post(
            addr,
            &format!("/api/plans/{second}/moves"),
            json!({"buildings": [moved], "to_grid": grid2}),
        )
        .await;
        assert_eq!(s, 409, "{n}: {e}");
        assert!(
            e["error"]
                .as_str()
                .unwrap()
                .contains(&format!("plan {id} was published")),
            "{n}: {e}"
        );
        assert_eq!(snapshot(addr, &db.store, second).await, before, "{n}");
    }
}

#[tokio::test]
async fn moves_need_the_permission_to_compute_plans() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let community = common::community(&db.store, 0).await;
        let addr = serve(db.store.clone()).await;
        let (_, draft) = post(
            addr,
            &format!("/api/communities/{}/plans", community.id),
            json!({"warm_start": false}),
        )
        .await;
        let id = draft["plan_id"].as_i64().unwrap();
        let (_, viewer) =
            common::user_with_token(&db.store, wangge::auth::Role::Viewer, &[], &[]).await;
        let r = common::client_with(&viewer)
            .post(format!("http://{addr}/api/plans/{id}/moves"))
            .json(&json!({"buildings": [1], "to_grid": "X"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{n}");
        let r = reqwest::Client::new()
            .post(format!("http://{addr}/api/plans/{id}/moves"))
            .json(&json!({"buildings": [1], "to_grid": "X"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{n}");
    }
}

#[tokio::test]
async fn the_cli_moves_buildings_in_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cli.sqlite").display());
    let run = |args: &[String]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
            .arg("--db")
            .arg(&url)
            .args(args)
            .output()
            .unwrap()
    };
    let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    assert!(run(&args("demo --seed 1")).status.success());
    let store = Store::open(&url).await.unwrap();
    let community = common::community(&store, 0).await;
    let out = run(&args(&format!(
        "partition {} --fresh --seed 3 --json",
        community.id
    )));
    assert!(out.status.success());
    let draft: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = draft["plan_id"].as_i64().unwrap();
    let grids = store.plan_grids(id).await.unwrap();
    let before = store.plan_assignment(id).await.unwrap();
    let buildings = store
        .buildings(&BuildingFilter {
            community: Some(community.id),
            ..Default::default()
        })
        .await
        .unwrap();

    // Refused: an unknown grid; exit status 1, the reason on stderr, nothing stored.
    let out = run(&args(&format!(
        "plan move {id} --to NOPE --building {}",
        before[0].0
    )));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("grid \"NOPE\" is not a grid of draft"),
        "{err}"
    );
    assert_eq!(store.plan_assignment(id).await.unwrap(), before);

    // The buildings nearest to another grid, until one move is accepted.
    let mut candidates: Vec<(f64, i64, String)> = Vec::new();
    for b in &buildings {
        let from = before.iter().find(|a| a.0 == b.id).unwrap().1;
        for g in grids.iter().filter(|g| g.id != from) {
            candidates.push((distance(&b.footprint, &g.boundary), b.id, g.code.clone()));
        }
    }
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (moved, to) = candidates
        .iter()
        .take(20)
        .find_map(|(_, b, to)| {
            let out = run(&args(&format!("plan move {id} --to {to} --building {b}")));
            if out.status.success() {
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(text.contains(&format!("moved to grid {to}")), "{text}");
                Some((*b, to.clone()))
            } else {
                None
            }
        })
        .expect("one of the nearest buildings can move");
    let after = store.plan_assignment(id).await.unwrap();
    let to_id = grids.iter().find(|g| g.code == to).unwrap().id;
    assert_eq!(after.iter().find(|a| a.0 == moved).unwrap().1, to_id);
    assert_eq!(after.iter().zip(&before).filter(|(a, b)| a != b).count(), 1);
    let plan = store.plan(id).await.unwrap().unwrap();
    let metrics: Value = serde_json::from_str(&plan.metrics).unwrap();
    let counted = after.iter().filter(|a| a.1 == to_id).map(|a| {
        buildings
            .iter()
            .find(|b| b.id == a.0)
            .unwrap()
            .households
            .max(0) as u64
    });
    assert_eq!(
        grid_households(&json!({ "metrics": metrics }), &to),
        counted.sum::<u64>()
    );
}

#[tokio::test]
async fn kept_grids_stay_out_of_manual_moves() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        // A community whose published plan has a virtual grid (a school campus).
        let campus_grid = db
            .store
            .grids(None)
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.kind == wangge::model::GridKind::Virtual)
            .expect("the demo has school grids");
        let community = db
            .store
            .region(campus_grid.community_id)
            .await
            .unwrap()
            .unwrap();
        let addr = serve(db.store.clone()).await;
        let (s, draft) = post(
            addr,
            &format!("/api/communities/{}/plans", community.id),
            json!({"warm_start": false}),
        )
        .await;
        assert_eq!(s, 201, "{n}: {draft}");
        let id = draft["plan_id"].as_i64().unwrap();
        let moves = format!("/api/plans/{id}/moves");
        let (plan0, assign0) = snapshot(addr, &db.store, id).await;
        assert!(
            !plan0["metrics"]["kept"].as_array().unwrap().is_empty(),
            "{n}"
        );
        let grids = grids_of(&plan0);
        let kept = grids.iter().find(|g| g.1 == campus_grid.code).unwrap();
        let standard: Vec<&(i64, String, MultiPolygon<f64>)> =
            grids.iter().filter(|g| g.0 != kept.0).collect();
        let campus_building = assign0.iter().find(|a| a.1 == kept.0).unwrap().0;
        let other_building = assign0.iter().find(|a| a.1 != kept.0).unwrap().0;

        // Out of or into a kept grid: refused, nothing changes.
        for (body, words) in [
            (
                json!({"buildings": [campus_building], "to_grid": standard[0].1}),
                format!("building {campus_building} belongs to virtual grid"),
            ),
            (
                json!({"buildings": [other_building], "to_grid": kept.1}),
                format!("grid {} is a virtual grid, kept apart", kept.1),
            ),
        ] {
            let (s, e) = post(addr, &moves, body.clone()).await;
            assert_eq!(s, 422, "{n}: {body} → {e}");
            assert!(e["error"].as_str().unwrap().contains(&words), "{n}: {e}");
            assert_eq!(
                snapshot(addr, &db.store, id).await,
                (plan0.clone(), assign0.clone())
            );
        }

        // A valid move among the standard grids: the tessellation rebuilt with the kept
        // grid carved out gives boundaries that still tile the community, the kept grid
        // unchanged.
        let buildings = db
            .store
            .buildings(&BuildingFilter {
                community: Some(community.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let mut candidates: Vec<(f64, i64, String)> = Vec::new();
        for b in &buildings {
            let from = assign0.iter().find(|a| a.0 == b.id).unwrap().1;
            if from == kept.0 {
                continue;
            }
            for g in standard.iter().filter(|g| g.0 != from) {
                candidates.push((distance(&b.footprint, &g.2), b.id, g.1.clone()));
            }
        }
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut accepted = None;
        for (_, b, to) in candidates.iter().take(30) {
            let (s, e) = post(addr, &moves, json!({"buildings": [b], "to_grid": to})).await;
            if s == 200 {
                accepted = Some(e);
                break;
            }
            assert_eq!(s, 422, "{n}: {e}");
        }
        let plan1 = accepted.expect("one of the nearest buildings can move");
        assert_tiles(n, &plan1, &community);
        let kept_after = grids_of(&plan1)
            .into_iter()
            .find(|g| g.1 == campus_grid.code)
            .unwrap();
        assert_eq!(
            kept_after.2, kept.2,
            "{n}: the kept grid's boundary changed"
        );
        assert_eq!(plan1["metrics"]["kept"], plan0["metrics"]["kept"], "{n}");

        // Moves sent at once: each is applied whole or refused (409 when another came
        // first, 422 when it no longer fits); the stored draft is the applied ones and
        // still tiles the community.
        let (_, assign1) = snapshot(addr, &db.store, id).await;
        let grid_now = |b: i64| assign1.iter().find(|a| a.0 == b).unwrap().1;
        let mut picked: Vec<(i64, String)> = Vec::new();
        for (_, b, to) in &candidates {
            let to_id = standard.iter().find(|g| &g.1 == to).unwrap().0;
            if grid_now(*b) != to_id && !picked.iter().any(|p| p.0 == *b) {
                picked.push((*b, to.clone()));
            }
            if picked.len() == 3 {
                break;
            }
        }
        let tasks: Vec<_> = picked
            .iter()
            .map(|(b, to)| {
                let (path, body) = (moves.clone(), json!({"buildings": [b], "to_grid": to}));
                tokio::spawn(async move { post(addr, &path, body).await })
            })
            .collect();
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap());
        }
        let (plan2, assign2) = snapshot(addr, &db.store, id).await;
        let mut applied = 0;
        for ((b, to), (s, e)) in picked.iter().zip(&answers) {
            assert!([200, 409, 422].contains(s), "{n}: {s} {e}");
            let to_id = standard.iter().find(|g| &g.1 == to).unwrap().0;
            let now = assign2.iter().find(|a| a.0 == *b).unwrap().1;
            assert_eq!(*s == 200, now == to_id, "{n}: building {b}: {s} {e}");
            applied += usize::from(*s == 200);
        }
        assert!(applied >= 1, "{n}: none of {answers:?}");
        assert_eq!(
            assign2.iter().zip(&assign1).filter(|(x, y)| x != y).count(),
            applied,
            "{n}"
        );
        eprintln!(
            "{n}: {} moves at once: {:?}",
            picked.len(),
            answers.iter().map(|a| a.0).collect::<Vec<_>>()
        );
        assert_tiles(n, &plan2, &community);
    }
}

#[tokio::test]
async fn a_draft_whose_buildings_changed_is_not_edited_by_hand() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let community = common::community(&db.store, 0).await;
        let addr = serve(db.store.clone()).await;
        let (_, draft) = post(
            addr,
            &format!("/api/communities/{}/plans", community.id),
            json!({"warm_start": false, "seed": 3}),
        )
        .await;
        let id = draft["plan_id"].as_i64().unwrap();
        let buildings = db
            .store
            .buildings(&BuildingFilter {
                community: Some(community.id),
                ..Default::default()
            })
            .await
            .unwrap();
        // The community's footprints shifted by about a metre after the draft: the cells,
        // and the borders between grids, are no longer those of the draft.
        let mut data = wangge::demo::generate(1);
        let ours: std::collections::HashSet<&str> =
            buildings.iter().map(|b| b.source_id.as_str()).collect();
        for r in data.buildings.iter_mut() {
            if ours.contains(r.source_id.as_str()) {
                geo::Translate::translate_mut(&mut r.footprint, 1e-5, 0.0);
            }
        }
        common::import_demo_dataset(&db.store, data).await;
        let (plan0, assign0) = snapshot(addr, &db.store, id).await;
        let grids = grids_of(&plan0);
        let mut candidates: Vec<(f64, i64, String)> = Vec::new();
        for b in &buildings {
            let from = assign0.iter().find(|a| a.0 == b.id).unwrap().1;
            for g in grids.iter().filter(|g| g.0 != from) {
                candidates.push((distance(&b.footprint, &g.2), b.id, g.1.clone()));
            }
        }
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut refused = None;
        for (_, b, to) in candidates.iter().take(20) {
            let (s, e) = post(
                addr,
                &format!("/api/plans/{id}/moves"),
                json!({"buildings": [b], "to_grid": to}),
            )
            .await;
            assert_ne!(s, 200, "{n}: a move on a stale draft was stored: {e}");
            if s != 422 {
                refused = Some((s, e));
                break;
            }
        }
        let (s, e) = refused.expect("a move that passes the rules");
        assert_eq!(s, 409, "{n}: {e}");
        assert!(
            e["error"]
                .as_str()
                .unwrap()
                .contains("changed since it was computed; compute a new draft"),
            "{n}: {e}"
        );
        assert_eq!(snapshot(addr, &db.store, id).await, (plan0, assign0), "{n}");
    }
}
