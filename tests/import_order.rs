//! A planner's own layers, each its own file: communities, grids and buildings imported
//! in any order give the same published plan, with no provisional grid left where real
//! grids exist, and lookups answer the imported grids. References across files resolve
//! against what is stored; grids that do not tile their community are refused (or
//! imported and listed, by option), naming where.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{BooleanOps, BoundingRect, Contains, InteriorPoint, MultiPolygon, Rect};
use serde_json::{json, Value};
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::prepare::{CoverageMode, IssueKind, PrepareOptions};
use wangge::import::{import_geojson, ImportError, ImportReport};
use wangge::index::LiveIndex;
use wangge::store::Store;

const COMMUNITIES: &str = "shanghai-lujiazui/residential_areas.geojson";
const BUILDINGS: &str = "shanghai-lujiazui/buildings.geojson";

async fn import(
    store: &Store,
    layer: Layer,
    path: &Path,
    coverage: CoverageMode,
) -> Result<ImportReport, ImportError> {
    let options = GeoJsonOptions {
        layer,
        crs: None,
        source: None,
        // The Shanghai buildings hold one feature with an empty geometry.
        skip_invalid: layer == Layer::Buildings,
    };
    let prepare = PrepareOptions {
        coverage,
        ..Default::default()
    };
    import_geojson(store, path, &options, &prepare).await
}

fn multipolygon(geometry: &Value) -> MultiPolygon<f64> {
    let g: geojson::Geometry = serde_json::from_value(geometry.clone()).unwrap();
    match geo::Geometry::<f64>::try_from(g.value).unwrap() {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        other => panic!("not a polygon: {other:?}"),
    }
}

/// Grids drawn by a planner for the Shanghai communities: each community cut at the
/// middle of its envelope into a west and an east grid (one grid when a half is empty).
/// Returns the file's features; `community` names the community by its source id.
fn planner_grids() -> Vec<Value> {
    let text = std::fs::read_to_string(common::shared_data(COMMUNITIES)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for (k, f) in v["features"].as_array().unwrap().iter().enumerate() {
        let id = f["properties"]["id"].to_string();
        let boundary = multipolygon(&f["geometry"]);
        let r = boundary.bounding_rect().unwrap();
        let mid = (r.min().x + r.max().x) / 2.0;
        let halves = [
            Rect::new((r.min().x - 1.0, r.min().y - 1.0), (mid, r.max().y + 1.0)),
            Rect::new((mid, r.min().y - 1.0), (r.max().x + 1.0, r.max().y + 1.0)),
        ];
        let mut n = 0;
        for half in halves {
            let piece = boundary.intersection(&MultiPolygon(vec![half.to_polygon()]));
            if piece.0.is_empty() {
                continue;
            }
            n += 1;
            out.push(json!({
                "type": "Feature",
                "properties": {
                    "id": format!("g{k}-{n}"),
                    "community": id,
                    "code": format!("310115{k:03}{n:03}"),
                    "name": format!("第{n}网格"),
                },
                "geometry": geojson::Geometry::from(&geo::Geometry::MultiPolygon(piece)),
            }));
        }
    }
    out
}

fn write_grids(dir: &Path, name: &str, features: Vec<Value>) -> PathBuf {
    let path = dir.join(name);
    let fc = json!({"type": "FeatureCollection", "features": features});
    std::fs::write(&path, fc.to_string()).unwrap();
    path
}

/// The published plan of a store: grid codes (provisional flag, area rounded) and each
/// building's grid code, by source id.
async fn published(store: &Store) -> (BTreeMap<String, (bool, i64)>, BTreeMap<String, String>) {
    use geo::GeodesicArea;
    let grids = store.grids(None).await.unwrap();
    let codes: BTreeMap<i64, String> = grids.iter().map(|g| (g.id, g.code.clone())).collect();
    let plan = grids
        .iter()
        .map(|g| {
            let area = g.boundary.geodesic_area_unsigned().round() as i64;
            (g.code.clone(), (g.provisional, area))
        })
        .collect();
    let buildings = store
        .buildings(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            let code = b.grid_id.and_then(|g| codes.get(&g).cloned());
            (b.source_id, code.unwrap_or_else(|| "(none)".into()))
        })
        .collect();
    (plan, buildings)
}

#[tokio::test]
async fn layers_in_any_order_give_the_same_published_plan() {
    let dir = tempfile::tempdir().unwrap();
    let features = planner_grids();
    let drawn: Vec<(String, MultiPolygon<f64>)> = features
        .iter()
        .map(|f| {
            let code = f["properties"]["code"].as_str().unwrap().to_string();
            (code, multipolygon(&f["geometry"]))
        })
        .collect();
    let grids = write_grids(dir.path(), "grids.geojson", features);
    let communities = common::shared_data(COMMUNITIES);
    let buildings = common::shared_data(BUILDINGS);
    let orders: [[(Layer, &Path); 3]; 3] = [
        [
            (Layer::Communities, &communities),
            (Layer::Grids, &grids),
            (Layer::Buildings, &buildings),
        ],
        [
            (Layer::Communities, &communities),
            (Layer::Buildings, &buildings),
            (Layer::Grids, &grids),
        ],
        [
            (Layer::Buildings, &buildings),
            (Layer::Communities, &communities),
            (Layer::Grids, &grids),
        ],
    ];
    let mut results = Vec::new();
    for db in common::both().await {
        for order in &orders {
            let what = format!("{} {:?}", db.name, order.map(|(l, _)| l));
            db.store.clear().await.unwrap();
            for (layer, path) in order {
                import(&db.store, *layer, path, CoverageMode::Refuse)
                    .await
                    .unwrap_or_else(|e| panic!("{what}: {layer}: {e}"));
            }
            let (plan, assignment) = published(&db.store).await;
            // Every drawn grid is published; the provisional grids left are only those of
            // communities without real grids (the unassigned area).
            for (code, _) in &drawn {
                assert_eq!(
                    plan.get(code).map(|p| p.0),
                    Some(false),
                    "{what}: grid {code}"
                );
            }
            let stored = db.store.grids(None).await.unwrap();
            for g in stored.iter().filter(|g| g.provisional) {
                assert!(
                    !stored
                        .iter()
                        .any(|o| !o.provisional && o.community_id == g.community_id),
                    "{what}: provisional grid {} beside real grids",
                    g.code
                );
            }
            // Lookups answer the drawn grid holding each building's point.
            let index = LiveIndex::load(db.store.clone()).await.unwrap().snapshot();
            let mut inside = 0;
            for b in db.store.buildings(&Default::default()).await.unwrap() {
                let p = b.footprint.interior_point().unwrap();
                let Some((code, _)) = drawn.iter().find(|(_, g)| g.contains(&p)) else {
                    continue;
                };
                inside += 1;
                let answer = index.locate(p.x(), p.y()).map(|g| g.code.clone());
                assert_eq!(
                    answer.as_ref(),
                    Some(code),
                    "{what}: lookup at building {}",
                    b.source_id
                );
                assert_eq!(
                    assignment.get(&b.source_id),
                    Some(code),
                    "{what}: {}",
                    b.source_id
                );
            }
            assert!(inside > 40, "{what}: {inside} buildings in drawn grids");
            results.push((what, plan, assignment));
        }
    }
    let (first, plan, assignment) = &results[0];
    for (what, p, a) in &results[1..] {
        assert_eq!(p, plan, "{what} vs {first}: grids");
        assert_eq!(a, assignment, "{what} vs {first}: buildings' grids");
    }
}

#[tokio::test]
async fn references_and_coverage_are_checked_and_nothing_is_stored_on_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let communities = common::shared_data(COMMUNITIES);
    for db in common::both().await {
        import(
            &db.store,
            Layer::Communities,
            &communities,
            CoverageMode::Refuse,
        )
        .await
        .unwrap();
        let before = common::fingerprint(&db.store).await;
        let mut features = planner_grids();

        // A grid naming a community that nobody imported.
        let mut stray = features[0].clone();
        stray["properties"]["id"] = json!("stray");
        stray["properties"]["community"] = json!("no-such-community");
        let path = write_grids(dir.path(), "stray.geojson", vec![stray]);
        let e = import(&db.store, Layer::Grids, &path, CoverageMode::Refuse)
            .await
            .unwrap_err();
        match &e {
            ImportError::Record { place, reason, .. } => {
                assert_eq!(place, "grid \"stray\"", "{}", db.name);
                assert!(
                    reason.starts_with("community \"no-such-community\" does not exist"),
                    "{reason}"
                );
            }
            other => panic!("{}: {other:?}", db.name),
        }

        // The west grid of the first community drawn over its east half as well.
        let first_community = features[0]["properties"]["community"].clone();
        let east = features
            .iter()
            .position(|f| {
                f["properties"]["community"] == first_community
                    && f["properties"]["id"] != features[0]["properties"]["id"]
            })
            .expect("the first community has two halves");
        let whole = {
            let text = std::fs::read_to_string(&communities).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            v["features"][0]["geometry"].clone()
        };
        features[0]["geometry"] = whole;
        let path = write_grids(dir.path(), "overlap.geojson", features.clone());
        let e = import(&db.store, Layer::Grids, &path, CoverageMode::Refuse)
            .await
            .unwrap_err();
        let ImportError::Coverage { issues, .. } = &e else {
            panic!("{}: {e:?}", db.name)
        };
        let codes = |i: usize| {
            features[i]["properties"]["code"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(issues.len(), 1, "{}: {issues:?}", db.name);
        assert_eq!(issues[0].kind, IssueKind::Overlap);
        assert_eq!(issues[0].grids, vec![codes(0), codes(east)]);
        assert!(e.to_string().contains("--coverage list"), "{e}");
        assert_eq!(
            common::fingerprint(&db.store).await,
            before,
            "{}: refused, nothing stored",
            db.name
        );

        // Without the east half: a gap, refused too; listed and imported with List.
        features.remove(east);
        features[0]["geometry"] = planner_grids()[0]["geometry"].clone();
        let path = write_grids(dir.path(), "gap.geojson", features);
        let e = import(&db.store, Layer::Grids, &path, CoverageMode::Refuse)
            .await
            .unwrap_err();
        let ImportError::Coverage { issues, .. } = &e else {
            panic!("{}: {e:?}", db.name)
        };
        assert_eq!(
            issues.iter().map(|i| i.kind).collect::<Vec<_>>(),
            [IssueKind::Gap]
        );
        assert_eq!(common::fingerprint(&db.store).await, before, "{}", db.name);
        let report = import(&db.store, Layer::Grids, &path, CoverageMode::List)
            .await
            .unwrap();
        assert_eq!(report.prepared.coverage.len(), 1, "{}", db.name);
        assert_eq!(report.prepared.coverage[0].kind, IssueKind::Gap);
        assert!(report.written.provisional_grids_retired > 0);
    }
}
