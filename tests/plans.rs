//! Balancing plans end to end: propose, inspect, diff, publish (with the race between two
//! planners), history, the lookup index following a publish, and the CLI.

mod common;

use common::multipolygon;

use std::net::SocketAddr;

use geo::{Area, BooleanOps, MultiPolygon, Validation};
use serde_json::{json, Value};
use wangge::api::AppState;
use wangge::model::RegionLevel;
use wangge::store::Store;

async fn serve(store: Store) -> (SocketAddr, AppState) {
    common::serve_store(&store).await
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

#[tokio::test]
async fn a_draft_tiles_the_community_and_publishing_replaces_its_grids() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let community = common::community(&db.store, 0).await;
        let (addr, state) = serve(db.store.clone()).await;

        let (s, draft) = post(
            addr,
            &format!("/api/communities/{}/plans", community.id),
            json!({"warm_start": false, "seed": 3}),
        )
        .await;
        assert_eq!(s, 201, "{n}: {draft}");
        let m = &draft["metrics"];
        assert!(m["violations"].as_array().unwrap().is_empty(), "{n}: {m}");
        for g in m["grids"].as_array().unwrap() {
            let h = g["households"].as_u64().unwrap();
            assert!((300..=600).contains(&h), "{n}: {g}");
            assert!(g["polsby_popper"].as_f64().unwrap() > 0.2, "{n}: {g}");
        }
        let id = draft["plan_id"].as_i64().unwrap();

        // The grids tile the community: areas add up, no overlaps, union = community, one piece each.
        let (_, plan) = get(addr, &format!("/api/plans/{id}")).await;
        assert_eq!(plan["status"], "draft");
        let grids: Vec<MultiPolygon<f64>> = plan["grids"]["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| multipolygon(&f["geometry"]))
            .collect();
        assert_eq!(grids.len(), m["grid_count"].as_u64().unwrap() as usize);
        let area = community.boundary.unsigned_area();
        let sum: f64 = grids.iter().map(|g| g.unsigned_area()).sum();
        // Cells are built in an affine local plane and community vertices come back
        // bitwise, so the tiling is exact up to float rounding (≈10⁻¹³ here); geo's boolean
        // operations snap to an integer grid (i_overlay) and add ~10⁻⁹ of their own.
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
        eprintln!(
            "{n}: {} grids, areas sum {:.1e}, union xor community {xor:.1e}, worst overlap {worst_overlap:.1e} of the community's area",
            grids.len(),
            (sum - area).abs() / area
        );
        assert!(
            worst_overlap < 1e-9,
            "{n}: grids overlap ({worst_overlap:e})"
        );
        assert!(
            xor < 1e-8,
            "{n}: union differs from the community ({xor:e})"
        );
        if n == "postgres" {
            // PostGIS (GEOS, no snapping): valid grids, and their union is the community.
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let (invalid, xor): (i64, f64) = sqlx::query_as(
                "SELECT (SELECT count(*) FROM grids WHERE plan_id = $1 AND NOT ST_IsValid(geom)),
                        ST_Area(ST_SymDifference((SELECT ST_Union(geom) FROM grids WHERE plan_id = $1), r.geom))
                        / ST_Area(r.geom)
                 FROM regions r WHERE r.id = $2",
            )
            .bind(id)
            .bind(community.id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            eprintln!("{n}: PostGIS: {invalid} invalid grids, union xor community {xor:.1e}");
            assert_eq!(invalid, 0, "{n}: invalid grids in PostGIS");
            assert!(
                xor < 1e-10,
                "{n}: PostGIS union differs from the community ({xor:e})"
            );
        }

        // Diff against the published plan agrees with the draft's own metrics.
        let (_, diff) = get(addr, &format!("/api/plans/{id}/diff")).await;
        assert_eq!(
            diff["households_moved"].as_u64(),
            m["households_moved"].as_u64(),
            "{n}: {diff}"
        );

        // Publish: the lookup index answers with the new grids at once.
        let b = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(community.id),
                ..Default::default()
            })
            .await
            .unwrap()
            .remove(0);
        let p = geo::InteriorPoint::interior_point(&b.footprint).unwrap();
        let (s, published) = post(addr, &format!("/api/plans/{id}/publish"), json!({})).await;
        assert_eq!(s, 200, "{n}: {published}");
        assert_eq!(published["status"], "published");
        let (_, found) = get(addr, &format!("/api/lookup?lon={}&lat={}", p.x(), p.y())).await;
        let new_grids: Vec<i64> = db
            .store
            .plan_grids(id)
            .await
            .unwrap()
            .iter()
            .map(|g| g.id)
            .collect();
        assert!(
            new_grids.contains(&found["grid"]["id"].as_i64().unwrap()),
            "{n}: lookup still answers the old grid: {found}"
        );
        assert!(
            !found["workers"].as_array().unwrap().is_empty(),
            "{n}: workers did not follow their grid"
        );
        assert_eq!(
            state.index.snapshot().len(),
            db.store.grids(None).await.unwrap().len()
        );

        // History: the new plan published, the previous one retired.
        let (_, history) = get(addr, &format!("/api/communities/{}/plans", community.id)).await;
        let statuses: Vec<&str> = history["plans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["published", "retired"], "{n}");
        // Publishing twice is a conflict.
        let (s, e) = post(addr, &format!("/api/plans/{id}/publish"), json!({})).await;
        assert_eq!(s, 409, "{n}: {e}");
    }
}

#[tokio::test]
async fn two_planners_publishing_at_once_one_wins_the_other_is_told() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let community = common::community(&db.store, 1).await;
        let request = |seed| wangge::plan::PlanRequest {
            seed,
            warm_start: false,
            ..Default::default()
        };
        let a = wangge::plan::propose(&db.store, community.id, &request(1), None)
            .await
            .unwrap()
            .plan_id;
        let b = wangge::plan::propose(&db.store, community.id, &request(2), None)
            .await
            .unwrap()
            .plan_id;
        let (ra, rb) = tokio::join!(
            wangge::plan::publish(&db.store, a, None),
            wangge::plan::publish(&db.store, b, None)
        );
        let ok = usize::from(ra.is_ok()) + usize::from(rb.is_ok());
        assert_eq!(ok, 1, "{n}: {ra:?} / {rb:?}");
        let loser = if ra.is_ok() { rb } else { ra };
        let message = loser.unwrap_err().to_string();
        assert!(
            message.contains("was published for this community after this draft"),
            "{n}: {message}"
        );
        let plans = db.store.plans_of(community.id).await.unwrap();
        let published = plans
            .iter()
            .filter(|p| p.status == wangge::model::PlanStatus::Published)
            .count();
        assert_eq!(published, 1, "{n}: {plans:?}");
        // Every building of the community has exactly one grid in the published plan.
        let buildings = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(community.id),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(buildings.iter().all(|b| b.grid_id.is_some()), "{n}");
    }
}

/// Runs one SQL statement on `db` outside the store (to break it on purpose).
async fn raw_sql(db: &common::TestDb, statement: &str) {
    use sqlx::{Connection, Executor};
    if db.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        c.execute(statement).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        c.execute(statement).await.unwrap();
    }
}

#[tokio::test]
async fn a_draft_or_a_publish_and_its_audit_entry_are_one_transaction() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        let community = common::community(&db.store, 0).await;
        let before = db.store.published_plan(community.id).await.unwrap();
        let draft = wangge::plan::propose(&db.store, community.id, &Default::default(), None)
            .await
            .unwrap()
            .plan_id;
        let entry = wangge::store::NewAuditEntry {
            actor: "tester".into(),
            action: "plan.publish".into(),
            target: format!("plan/{draft}"),
            ..Default::default()
        };
        // The audit log refuses the entry: the publish is rolled back with it.
        let (create, drop) = if n == "sqlite" {
            (
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END",
                "DROP TRIGGER refuse_audit",
            )
        } else {
            (
                "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$; \
                 CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
                "DROP TRIGGER refuse_audit ON audit_log",
            )
        };
        raw_sql(&db, create).await;
        // A draft is not stored without its entry either.
        let drafts = db.store.plans_of(community.id).await.unwrap().len();
        let proposed = wangge::store::NewAuditEntry {
            action: "plan.propose".into(),
            ..entry.clone()
        };
        let defaults = wangge::plan::PlanRequest::default();
        let propose_audited =
            || wangge::plan::propose(&db.store, community.id, &defaults, Some(&proposed));
        let err = propose_audited().await.unwrap_err().to_string();
        assert!(err.contains("audit"), "{n}: {err}");
        assert_eq!(
            db.store.plans_of(community.id).await.unwrap().len(),
            drafts,
            "{n}: a draft was stored without its audit entry"
        );
        let err = wangge::plan::publish(&db.store, draft, Some(&entry))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("audit"), "{n}: {err}");
        let plan = db.store.plan(draft).await.unwrap().unwrap();
        assert_eq!(plan.status, wangge::model::PlanStatus::Draft, "{n}");
        assert_eq!(
            db.store
                .published_plan(community.id)
                .await
                .unwrap()
                .map(|p| p.id),
            before.as_ref().map(|p| p.id),
            "{n}: the publish was not rolled back"
        );
        // Accepted again: published and audited together.
        raw_sql(&db, drop).await;
        wangge::plan::publish(&db.store, draft, Some(&entry))
            .await
            .unwrap();
        let (entries, _) = db.store.audit_entries(10, 0).await.unwrap();
        let published: Vec<_> = entries
            .iter()
            .filter(|e| e.action == "plan.publish" && e.target == format!("plan/{draft}"))
            .collect();
        assert_eq!(published.len(), 1, "{n}: {entries:?}");
        // A draft's entry names the new plan.
        let next = propose_audited().await.unwrap();
        let (entries, _) = db.store.audit_entries(10, 0).await.unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.action == "plan.propose" && e.target == format!("plan/{}", next.plan_id)),
            "{n}: {entries:?}"
        );
    }
}

#[tokio::test]
async fn rerunning_after_a_small_edit_moves_few_households_and_problems_are_explained() {
    let db = common::sqlite().await;
    common::import_demo(&db.store, 1).await;
    let community = common::community(&db.store, 2).await;
    let fresh = wangge::plan::propose(
        &db.store,
        community.id,
        &wangge::plan::PlanRequest {
            warm_start: false,
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    wangge::plan::publish(&db.store, fresh.plan_id, None)
        .await
        .unwrap();
    let warm = wangge::plan::propose(&db.store, community.id, &Default::default(), None)
        .await
        .unwrap();
    assert_eq!(
        warm.metrics.households_moved, 0,
        "nothing changed, nothing should move"
    );
    // Bad requests and unknown ids.
    let err = wangge::plan::propose(
        &db.store,
        community.id,
        &wangge::plan::PlanRequest {
            min: 700,
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("min 700"), "{err}");
    let street = db
        .store
        .regions(Some(RegionLevel::Street), None)
        .await
        .unwrap()
        .remove(0);
    let err = wangge::plan::propose(&db.store, street.id, &Default::default(), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a community"), "{err}");
    assert!(
        wangge::plan::propose(&db.store, 999_999, &Default::default(), None)
            .await
            .is_err()
    );
    // A floor no community can meet: said plainly, not hidden.
    let tight = wangge::plan::PlanRequest {
        min: 5000,
        max: 6000,
        target: 5500,
        warm_start: false,
        ..Default::default()
    };
    let d = wangge::plan::propose(&db.store, community.id, &tight, None)
        .await
        .unwrap();
    assert!(!d.metrics.violations.is_empty(), "{:?}", d.metrics);
}

#[tokio::test]
async fn the_cli_partitions_publishes_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cli.sqlite").display());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
            .arg("--db")
            .arg(&url)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["demo", "--seed", "4"]);
    let draft: Value = serde_json::from_str(
        &run(&["partition", "3", "--fresh", "--json", "--publish"])
            .lines()
            .take_while(|l| !l.starts_with("plan "))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let id = draft["plan_id"].as_i64().unwrap().to_string();
    let export: Value =
        serde_json::from_str(&run(&["export", "plan", &id, "--format", "geojson"])).unwrap();
    let features = export["features"].as_array().unwrap();
    let grids = features
        .iter()
        .filter(|f| f["properties"]["layer"] == "grid")
        .count();
    let buildings: Vec<&Value> = features
        .iter()
        .filter(|f| f["properties"]["layer"] == "building")
        .collect();
    assert_eq!(
        grids as u64,
        draft["metrics"]["grid_count"].as_u64().unwrap()
    );
    assert!(buildings
        .iter()
        .all(|b| b["properties"]["grid_code"].is_string()));
    assert_eq!(export["plan"]["status"], "published");

    // A draft with a low ceiling splits the larger buildings by unit: the export lists
    // each unit's grid on the building, as the draft's metrics do.
    let split: Value = serde_json::from_str(&run(&[
        "partition",
        "3",
        "--fresh",
        "--json",
        "--min",
        "10",
        "--max",
        "40",
        "--target",
        "25",
    ]))
    .unwrap();
    let splits = split["metrics"]["unit_splits"].as_array().unwrap();
    assert!(!splits.is_empty(), "no unit split at a ceiling of 40");
    let id = split["plan_id"].as_i64().unwrap().to_string();
    let export: Value =
        serde_json::from_str(&run(&["export", "plan", &id, "--format", "geojson"])).unwrap();
    let features = export["features"].as_array().unwrap();
    let listed = features
        .iter()
        .filter(|f| f["properties"]["by_unit"].is_array())
        .count();
    assert_eq!(listed, splits.len());
    for s in splits {
        let building = features
            .iter()
            .find(|f| f["properties"]["layer"] == "building" && f["id"] == s["building_id"])
            .unwrap();
        let codes: std::collections::BTreeSet<&str> = building["properties"]["by_unit"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap())
            .collect();
        let want: std::collections::BTreeSet<&str> = s["grids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(codes, want, "{s}");
        assert_eq!(building["properties"]["grid_code"], s["grid_code"]);
    }
}

#[tokio::test]
async fn virtual_grids_are_kept_apart_and_oversized_buildings_get_a_unit_split() {
    for db in common::both().await {
        let n = db.name;
        common::import_demo(&db.store, 1).await;
        // A community whose published plan has a virtual grid (a school campus).
        let virtual_grids: Vec<wangge::store::Grid> = db
            .store
            .grids(None)
            .await
            .unwrap()
            .into_iter()
            .filter(|g| g.kind == wangge::model::GridKind::Virtual)
            .collect();
        assert!(!virtual_grids.is_empty(), "{n}: the demo has school grids");
        let community_id = virtual_grids[0].community_id;
        let community = db.store.region(community_id).await.unwrap().unwrap();
        let ours: Vec<&wangge::store::Grid> = virtual_grids
            .iter()
            .filter(|g| g.community_id == community_id)
            .collect();
        let buildings = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(community_id),
                ..Default::default()
            })
            .await
            .unwrap();
        let in_virtual = |gid: i64| ours.iter().any(|g| g.id == gid);
        let campus: Vec<i64> = buildings
            .iter()
            .filter(|b| b.grid_id.is_some_and(in_virtual))
            .map(|b| b.id)
            .collect();
        assert!(!campus.is_empty(), "{n}: campus buildings");

        let draft = wangge::plan::propose(
            &db.store,
            community_id,
            &wangge::plan::PlanRequest {
                warm_start: false,
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
        let m = &draft.metrics;
        assert!(m.violations.is_empty(), "{n}: {:?}", m.violations);
        let mut kept: Vec<&str> = m.kept.iter().map(|k| k.code.as_str()).collect();
        let mut want: Vec<&str> = ours.iter().map(|g| g.code.as_str()).collect();
        kept.sort();
        want.sort();
        assert_eq!(kept, want, "{n}: kept grids");
        assert_eq!(
            m.kept.iter().map(|k| k.buildings as usize).sum::<usize>(),
            campus.len(),
            "{n}"
        );
        assert_eq!(m.grid_count, m.grids.len() + m.kept.len(), "{n}");
        assert!(
            m.grids.iter().all(|g| (300..=600).contains(&g.households)),
            "{n}"
        );
        assert_eq!(m.buildings, buildings.len(), "{n}");

        // In the draft: the virtual grids unchanged, holding exactly their buildings; the
        // standard grids hold none of them; together they tile the community.
        let grids = db.store.plan_grids(draft.plan_id).await.unwrap();
        let assignment = db.store.plan_assignment(draft.plan_id).await.unwrap();
        assert_eq!(assignment.len(), buildings.len(), "{n}");
        for v in &ours {
            let copy = grids.iter().find(|g| g.code == v.code).unwrap();
            assert_eq!(copy.kind, wangge::model::GridKind::Virtual, "{n}");
            assert_eq!(copy.name, v.name, "{n}");
            assert_eq!(copy.boundary, v.boundary, "{n}: boundary changed");
            let mut members: Vec<i64> = assignment
                .iter()
                .filter(|(_, g)| *g == copy.id)
                .map(|(b, _)| *b)
                .collect();
            let mut before: Vec<i64> = buildings
                .iter()
                .filter(|b| b.grid_id == Some(v.id))
                .map(|b| b.id)
                .collect();
            members.sort();
            before.sort();
            assert_eq!(members, before, "{n}: {} lost or gained buildings", v.code);
        }
        let area = community.boundary.unsigned_area();
        let mut union = MultiPolygon::<f64>(vec![]);
        let mut sum = 0.0;
        for g in &grids {
            assert!(g.boundary.is_valid(), "{n}: {}", g.code);
            if g.kind == wangge::model::GridKind::Standard {
                assert_eq!(g.boundary.0.len(), 1, "{n}: {} in pieces", g.code);
                for v in &ours {
                    let overlap = g.boundary.intersection(&v.boundary).unsigned_area();
                    assert!(overlap / area < 1e-9, "{n}: {} overlaps {}", g.code, v.code);
                }
            }
            sum += g.boundary.unsigned_area();
            union = union.union(&g.boundary);
        }
        let xor = union.xor(&community.boundary).unsigned_area() / area;
        eprintln!(
            "{n}: with {} kept grids: areas sum {:.1e}, union xor community {xor:.1e}",
            ours.len(),
            (sum - area).abs() / area
        );
        assert!((sum - area).abs() / area < 1e-10, "{n}: {sum} vs {area}");
        assert!(
            xor < 1e-8,
            "{n}: union differs from the community ({xor:e})"
        );

        // Published, the campus buildings still answer their virtual grid.
        wangge::plan::publish(&db.store, draft.plan_id, None)
            .await
            .unwrap();
        let after = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(community_id),
                ..Default::default()
            })
            .await
            .unwrap();
        let published = db.store.plan_grids(draft.plan_id).await.unwrap();
        for b in after.iter().filter(|b| campus.contains(&b.id)) {
            let g = published.iter().find(|g| Some(g.id) == b.grid_id).unwrap();
            assert_eq!(
                g.kind,
                wangge::model::GridKind::Virtual,
                "{n}: building {}",
                b.id
            );
        }

        // A ceiling below the largest buildings: each is split by unit as its household
        // register allows, its first group in a grid of its own.
        let largest = after
            .iter()
            .filter(|b| !campus.contains(&b.id))
            .map(|b| b.households as u32)
            .max()
            .unwrap();
        let max = (largest * 2 / 3).max(2);
        let min = (max / 3).max(1);
        let low = wangge::plan::PlanRequest {
            min,
            max,
            target: (min + max) / 2,
            warm_start: false,
            ..Default::default()
        };
        let d = wangge::plan::propose(&db.store, community_id, &low, None)
            .await
            .unwrap();
        let big: Vec<&wangge::store::Building> = after
            .iter()
            .filter(|b| b.households as u32 > max && !campus.contains(&b.id))
            .collect();
        assert!(!big.is_empty(), "{n}: buildings above {max} households");
        assert_eq!(
            d.metrics.unit_splits.len(),
            big.len(),
            "{n}: {:?}",
            d.metrics.violations
        );
        for s in &d.metrics.unit_splits {
            let b = big.iter().find(|b| b.id == s.building_id).unwrap();
            assert_eq!(s.households, b.households as u64, "{n}");
            assert_eq!(
                s.groups.iter().map(|g| g.households).sum::<u64>(),
                s.households
            );
            assert!(s.groups.len() >= 2, "{n}: {s:?}");
            let register = db.store.households(b.id).await.unwrap();
            for g in &s.groups {
                let counted = register
                    .iter()
                    .filter(|h| h.unit.is_some_and(|u| g.units.contains(&u)))
                    .count() as u64;
                assert_eq!(counted, g.households, "{n}: {s:?}");
            }
            assert_eq!(
                s.within_bounds,
                s.groups
                    .iter()
                    .all(|g| (u64::from(min)..=u64::from(max)).contains(&g.households)),
                "{n}"
            );
            // Applied (tests/unit_splits.rs): a violation only when a group is outside
            // the bounds.
            assert_eq!(
                d.metrics
                    .violations
                    .iter()
                    .any(|v| v.starts_with(&format!("building {} ", b.id))),
                !s.within_bounds,
                "{n}: {:?}",
                d.metrics.violations
            );
            let grid = d
                .metrics
                .grids
                .iter()
                .find(|g| g.code == s.grid_code)
                .unwrap();
            assert_eq!(grid.buildings, 1, "{n}: {grid:?}");
        }
        eprintln!(
            "{n}: ceiling {max}: {} buildings above it, e.g. {:?}",
            big.len(),
            d.metrics.violations.first()
        );
    }
}

/// A square community with four buildings of 50 households on each side of a river that
/// runs across it in ten segments, the river at `river_grade`, and optionally a road
/// bridge over its middle segment; returns the number of grids a fresh draft gives.
async fn grids_across_a_river(db: &common::TestDb, river_grade: &str, bridge: bool) -> usize {
    let square = |x: f64, y: f64, d: f64| json!({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]});
    let features = |items: Vec<(Value, Value)>| {
        json!({"type": "FeatureCollection", "features": items.into_iter().map(|(p, g)| {
            json!({"type": "Feature", "properties": p, "geometry": g})
        }).collect::<Vec<_>>()})
    };
    let communities = features(vec![(
        json!({"id": "c", "name": "河两岸社区"}),
        square(116.300, 40.000, 0.004),
    )]);
    let mut buildings = Vec::new();
    for (row, y) in [(0, 40.0008), (1, 40.0030)] {
        for i in 0..4 {
            buildings.push((
                json!({"id": format!("b{row}{i}"), "households": 50, "community": "c"}),
                square(116.3004 + 0.0009 * f64::from(i), y, 0.0002),
            ));
        }
    }
    let river: Vec<[f64; 2]> = (0..=10)
        .map(|i| [116.2995 + 0.0005 * f64::from(i), 40.002])
        .collect();
    let mut barriers = vec![(
        json!({"id": "river", "kind": "waterway", "class": "river", "grade": river_grade}),
        json!({"type": "LineString", "coordinates": river}),
    )];
    if bridge {
        barriers.push((
            json!({"id": "bridge", "kind": "road", "class": "primary", "bridge": "yes"}),
            json!({"type": "LineString", "coordinates": [[116.3022, 40.0015], [116.3022, 40.0025]]}),
        ));
    }
    use wangge::import::geojson::{GeoJsonOptions, Layer};
    for (layer, name, body) in [
        (Layer::Communities, "communities.geojson", communities),
        (Layer::Buildings, "buildings.geojson", features(buildings)),
        (Layer::Barriers, "barriers.geojson", features(barriers)),
    ] {
        let (_dir, path) = common::temp_file(name, body.to_string());
        let options = GeoJsonOptions {
            layer,
            crs: None,
            source: Some("river".into()),
            skip_invalid: false,
        };
        wangge::import::import_geojson(&db.store, &path, &options, &Default::default())
            .await
            .unwrap_or_else(|e| panic!("{}: import {name}: {e}", db.name));
    }
    let community = db
        .store
        .regions(Some(RegionLevel::Community), None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.source_id == "c")
        .unwrap();
    let (addr, _) = serve(db.store.clone()).await;
    let (s, draft) = post(
        addr,
        &format!("/api/communities/{}/plans", community.id),
        json!({"warm_start": false, "seed": 1}),
    )
    .await;
    assert_eq!(s, 201, "{}: {draft}", db.name);
    draft["metrics"]["grid_count"].as_u64().unwrap() as usize
}

#[tokio::test]
async fn a_river_at_grade_separates_grids_one_underground_or_bridged_does_not() {
    for (grade, bridge, want) in [
        ("ground", false, 2),
        ("underground", false, 1),
        ("ground", true, 1),
    ] {
        for db in common::both().await {
            let got = grids_across_a_river(&db, grade, bridge).await;
            assert_eq!(
                got,
                want,
                "{}: a river {grade}{} gives {got} grids",
                db.name,
                if bridge { " with a bridge" } else { "" }
            );
        }
    }
}
