//! `wangge export`: every layer in both formats from both backends, on the demo street and
//! on real OSM imports (Helsinki PBF, Wudaokou XML), read back by GDAL (`ogrinfo` counts,
//! geometry types and CRS; `ogr2ogr` attributes and coordinates against the store;
//! GDAL's GeoPackage validator), a grids export re-imported into a fresh store, plans in
//! both formats, `--community`, the command line (standard output, progress summary) and
//! bad input refused with nothing written. An ignored test measures a large export.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use common::gdal::{ogr2ogr_geojson, ogrinfo, require_gdal, validate_gpkg};
use common::{both, shared_data, TestDb};
use geo::CoordsIter;
use serde_json::{json, Map, Value};
use wangge::export::{export_layer, export_plan, tables, Format, Layer, Output, Scope};
use wangge::import::prepare::PrepareOptions;
use wangge::model::RegionLevel;
use wangge::store::Store;

const LAYERS: [Layer; 9] = [
    Layer::Districts,
    Layer::Streets,
    Layer::Communities,
    Layer::Regions,
    Layer::Grids,
    Layer::Buildings,
    Layer::Cameras,
    Layer::Barriers,
    Layer::Addresses,
];

/// What the store holds for one layer, read without the export code: per id, the
/// attributes the export must carry and the geometry.
struct Expected {
    /// ogrinfo's name of the layer's geometry type.
    geometry: &'static str,
    fields: Vec<&'static str>,
    features: BTreeMap<i64, (Map<String, Value>, geo::Geometry<f64>)>,
}

fn reference(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |i| json!(format!("@{i}")))
}

fn props(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn names(t: &wangge::export::schema::Table) -> Vec<&'static str> {
    t.fields.iter().map(|f| f.name).collect()
}

async fn expected(db: &TestDb, layer: Layer) -> Expected {
    let s = &db.store;
    let mut features = BTreeMap::new();
    let level = match layer {
        Layer::Districts => Some(Some(RegionLevel::District)),
        Layer::Streets => Some(Some(RegionLevel::Street)),
        Layer::Communities => Some(Some(RegionLevel::Community)),
        Layer::Regions => Some(None),
        _ => None,
    };
    if let Some(level) = level {
        for r in s.regions(level, None).await.unwrap() {
            let p = json!({
                "source_id": r.source_id, "source": r.source, "level": r.level.as_ref(),
                "name": r.name, "code": r.code, "parent": reference(r.parent_id),
                "parent_id": r.parent_id,
            });
            features.insert(r.id, (props(p), geo::Geometry::MultiPolygon(r.boundary)));
        }
        return Expected {
            geometry: "Multi Polygon",
            fields: names(&tables::regions_table("x")),
            features,
        };
    }
    match layer {
        Layer::Grids => {
            let totals = s.grid_totals().await.unwrap();
            let workers = s.workers_by_grid().await.unwrap();
            let communities: HashMap<i64, String> = s
                .regions(Some(RegionLevel::Community), None)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect();
            for g in s.grids(None).await.unwrap() {
                let t = totals.get(&g.id).copied().unwrap_or_default();
                let p = json!({
                    "code": g.code, "name": g.name, "kind": g.kind.as_ref(),
                    "community": reference(Some(g.community_id)), "community_id": g.community_id,
                    "community_name": communities[&g.community_id], "plan_id": g.plan_id,
                    "provisional": g.provisional, "households": t.households,
                    "buildings": t.buildings,
                    "workers": workers.get(&g.id).map_or(0, Vec::len),
                });
                features.insert(g.id, (props(p), geo::Geometry::MultiPolygon(g.boundary)));
            }
            Expected {
                geometry: "Multi Polygon",
                fields: names(&tables::grids_table("x", String::new())),
                features,
            }
        }
        Layer::Buildings => {
            let codes: HashMap<i64, String> = s
                .grids(None)
                .await
                .unwrap()
                .into_iter()
                .map(|g| (g.id, g.code))
                .collect();
            for b in s.buildings(&Default::default()).await.unwrap() {
                let p = json!({
                    "source_id": b.source_id, "source": b.source, "name": b.name,
                    "road": b.address.road, "house_number": b.address.house_number,
                    "compound": b.address.compound, "building_no": b.address.building_no,
                    "floors": b.floors, "height_m": b.height_m, "units": b.units,
                    "building_use": b.building_use.as_ref(), "building_type": b.building_type,
                    "households": b.households, "households_estimated": b.households_estimated,
                    "community": reference(b.community_id), "community_id": b.community_id,
                    "grid_id": b.grid_id, "grid_code": b.grid_id.map(|g| codes[&g].clone()),
                });
                features.insert(b.id, (props(p), geo::Geometry::MultiPolygon(b.footprint)));
            }
            Expected {
                geometry: "Multi Polygon",
                fields: names(&tables::buildings_table("x", String::new(), false)),
                features,
            }
        }
        Layer::Cameras => {
            for c in s.cameras().await.unwrap() {
                let p = json!({
                    "source_id": c.source_id, "name": c.name,
                    "class": c.class.map(|k| k.as_ref().to_string()),
                    "direction_deg": c.direction_deg, "fov_deg": c.fov_deg, "range_m": c.range_m,
                    "stream_url": c.stream_url, "status": c.status.as_ref(),
                });
                features.insert(c.id, (props(p), geo::Geometry::Point(c.location)));
            }
            Expected {
                geometry: "Point",
                fields: names(&tables::cameras_table()),
                features,
            }
        }
        Layer::Barriers => {
            for b in s.barriers().await.unwrap() {
                let p = json!({
                    "source_id": b.source_id, "kind": b.kind.as_ref(), "class": b.class,
                    "name": b.name, "grade": b.grade.as_ref(),
                });
                features.insert(b.id, (props(p), geo::Geometry::MultiLineString(b.geometry)));
            }
            Expected {
                geometry: "Multi Line String",
                fields: names(&tables::barriers_table()),
                features,
            }
        }
        _ => {
            for a in address_points(db).await {
                let p = json!({
                    "source_id": a.1, "building": reference(a.2), "building_id": a.2,
                    "road": a.3, "house_number": a.4, "compound": a.5, "building_no": a.6,
                });
                let point = wangge::geometry::point_from_wkb(&a.7).unwrap();
                features.insert(a.0, (props(p), geo::Geometry::Point(point)));
            }
            Expected {
                geometry: "Point",
                fields: names(&tables::addresses_table()),
                features,
            }
        }
    }
}

type AddressPointRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<u8>,
);

/// The address points table read with SQL of the test's own (the store has no such read
/// besides the export's).
async fn address_points(db: &TestDb) -> Vec<AddressPointRow> {
    let columns = "id, source_id, building_id, road, house_number, compound, building_no";
    if db.name == "postgres" {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let sql = format!("SELECT {columns}, ST_AsBinary(geom) FROM address_points ORDER BY id");
        let rows = sqlx::query_as(&sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let sql = format!("SELECT {columns}, geom FROM address_points ORDER BY id");
        let rows = sqlx::query_as(&sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }
}

/// Whether an attribute read back equals the store's: numbers as numbers, JSON lists
/// also when GDAL hands them back as JSON text.
fn same_value(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => {
            (a.as_f64().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(f64::NAN)).abs() < 1e-9
        }
        (Value::Array(_) | Value::Object(_), Value::String(s)) => {
            serde_json::from_str::<Value>(s).ok().as_ref() == Some(want)
        }
        _ => want == got,
    }
}

/// Coordinates of two geometries of the same type agree within 1e-7°.
fn same_geometry(want: &geo::Geometry<f64>, got: &geo::Geometry<f64>) -> Result<(), String> {
    let (a, b) = (
        wangge::geometry::type_name(want),
        wangge::geometry::type_name(got),
    );
    if a != b {
        return Err(format!("{b} instead of {a}"));
    }
    if want.coords_count() != got.coords_count() {
        return Err(format!(
            "{} coordinates instead of {}",
            got.coords_count(),
            want.coords_count()
        ));
    }
    for (p, q) in want.coords_iter().zip(got.coords_iter()) {
        if (p.x - q.x).abs() > 1e-7 || (p.y - q.y).abs() > 1e-7 {
            return Err(format!("({}, {}) instead of ({}, {})", q.x, q.y, p.x, p.y));
        }
    }
    Ok(())
}

/// Checks a GeoJSON FeatureCollection (as GDAL wrote it back) against the store.
fn compare(label: &str, want: &Expected, got: &Value) {
    let features = got["features"].as_array().expect("features");
    assert_eq!(features.len(), want.features.len(), "{label}: features");
    for f in features {
        let id = f["id"].as_i64().unwrap_or_else(|| panic!("{label}: no id"));
        let (props, geometry) = want
            .features
            .get(&id)
            .unwrap_or_else(|| panic!("{label}: feature {id} is not in the store"));
        let got_props = f["properties"].as_object().expect("properties");
        let mut keys: Vec<&str> = got_props.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut fields = want.fields.clone();
        fields.sort_unstable();
        assert_eq!(keys, fields, "{label}: attributes of feature {id}");
        for (k, v) in props {
            let g = got_props.get(k).unwrap_or(&Value::Null);
            assert!(
                same_value(v, g),
                "{label}: feature {id} {k} is {g}, the store says {v}"
            );
        }
        let g: geojson::Geometry =
            serde_json::from_value(f["geometry"].clone()).expect("a GeoJSON geometry");
        let g = geo::Geometry::<f64>::try_from(g.value).expect("a geometry");
        if let Err(e) = same_geometry(geometry, &g) {
            panic!("{label}: feature {id} geometry: {e}");
        }
    }
}

fn file(path: &Path) -> Output {
    Output::File {
        path: path.into(),
        force: false,
    }
}

async fn export(store: &Store, layer: Layer, scope: Scope, format: Format, path: &Path) -> u64 {
    let done = export_layer(store, layer, scope, format, &file(path), &mut |_, _| {})
        .await
        .unwrap_or_else(|e| panic!("export {layer} as {format}: {e}"));
    done.tables.iter().map(|(_, n)| n).sum()
}

/// Every layer in both formats: ogrinfo's summary, GDAL's validator on GeoPackages, and
/// the features read back by ogr2ogr against the store.
async fn check_every_layer(db: &TestDb, data: &str) {
    require_gdal();
    let dir = tempfile::tempdir().unwrap();
    for layer in LAYERS {
        let want = expected(db, layer).await;
        let n = want.features.len() as u64;
        for (format, ext) in [(Format::GeoJson, "geojson"), (Format::Gpkg, "gpkg")] {
            let label = format!("{data} on {}: {layer} as {ext}", db.name);
            let path = dir.path().join(format!("{layer}.{ext}"));
            assert_eq!(
                export(&db.store, layer, Scope::default(), format, &path).await,
                n,
                "{label}"
            );
            let info = ogrinfo(&path);
            assert_eq!(info.len(), 1, "{label}: {info:?}");
            let i = &info[0];
            assert_eq!(i.name, layer.to_string(), "{label}");
            assert_eq!(i.features, n, "{label}: ogrinfo's feature count");
            assert!(i.wgs84, "{label}: CRS is not EPSG:4326");
            // An empty GeoJSON collection has no geometry type to report.
            if n > 0 || format == Format::Gpkg {
                assert_eq!(i.geometry, want.geometry, "{label}");
            }
            if format == Format::Gpkg {
                validate_gpkg(&path);
            }
            compare(&label, &want, &ogr2ogr_geojson(&path, &layer.to_string()));
        }
    }
}

#[tokio::test]
async fn every_layer_of_the_demo_street_reads_back_in_gdal() {
    for db in both().await {
        common::import_demo(&db.store, 1).await;
        check_every_layer(&db, "demo street").await;
    }
}

async fn import_osm(store: &Store, file: &str) {
    wangge::import::import_osm(
        store,
        &shared_data(file),
        &Default::default(),
        &PrepareOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("import {file}: {e}"));
}

#[tokio::test]
async fn every_layer_of_the_helsinki_import_reads_back_in_gdal() {
    for db in both().await {
        import_osm(&db.store, "helsinki/Helsinki.osm.pbf").await;
        check_every_layer(&db, "Helsinki").await;
    }
}

#[tokio::test]
async fn every_layer_of_the_wudaokou_import_reads_back_in_gdal() {
    for db in both().await {
        import_osm(&db.store, "beijing-wudaokou-2017/wudaokou.osm").await;
        check_every_layer(&db, "Wudaokou").await;
    }
}

/// A store of the same backend as `db`, empty.
async fn fresh_like(db: &TestDb) -> TestDb {
    if db.name == "postgres" {
        common::postgres().await
    } else {
        common::sqlite().await
    }
}

/// Copies the regions of `from` into the empty `to` in one import, so that they get the
/// same ids (the grids file refers to communities by `@ID`); checks they did.
async fn copy_regions(from: &Store, to: &Store) {
    let mut regions = from.regions(None, None).await.unwrap();
    regions.sort_by_key(|r| (r.level, r.id));
    let source_of: HashMap<i64, String> = regions
        .iter()
        .map(|r| (r.id, r.source_id.clone()))
        .collect();
    let mut ds = wangge::model::Dataset::new("copy");
    for r in &regions {
        ds.regions.push(wangge::model::RegionRecord {
            source_id: r.source_id.clone(),
            parent: r.parent_id.map(|p| source_of[&p].clone()),
            level: r.level,
            name: r.name.clone(),
            code: r.code.clone(),
            boundary: r.boundary.clone(),
        });
    }
    wangge::import::import_dataset(
        to,
        ds,
        "copy",
        Path::new("copy"),
        &PrepareOptions::default(),
        vec![],
    )
    .await
    .unwrap();
    let copied: Vec<(i64, String)> = to
        .regions(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.source_id))
        .collect();
    let original: Vec<(i64, String)> = regions.into_iter().map(|r| (r.id, r.source_id)).collect();
    let mut copied_sorted = copied.clone();
    copied_sorted.sort();
    let mut original_sorted = original;
    original_sorted.sort();
    assert_eq!(
        copied_sorted, original_sorted,
        "the copied regions must have the original ids"
    );
}

type GridKey = (String, String, String, i64, Vec<(f64, f64)>);

async fn grid_keys(store: &Store) -> Vec<GridKey> {
    let mut keys: Vec<GridKey> = store
        .grids(None)
        .await
        .unwrap()
        .into_iter()
        .map(|g| {
            let coords = g.boundary.coords_iter().map(|c| (c.x, c.y)).collect();
            (
                g.code,
                g.name,
                g.kind.as_ref().to_string(),
                g.community_id,
                coords,
            )
        })
        .collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    keys
}

/// Exports the grids of `source` as GeoJSON, imports the file into a fresh store holding
/// the same regions, and compares the grids.
async fn round_trip(source: &TestDb, data: &str) {
    let label = format!("{data} on {}", source.name);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grids.geojson");
    export(
        &source.store,
        Layer::Grids,
        Scope::default(),
        Format::GeoJson,
        &path,
    )
    .await;
    let fresh = fresh_like(source).await;
    copy_regions(&source.store, &fresh.store).await;
    // The communities came without grids, so each has a provisional one: the re-imported
    // grids retire it.
    let options = wangge::import::geojson::GeoJsonOptions {
        layer: wangge::import::geojson::Layer::Grids,
        crs: None,
        source: Some("export".into()),
        skip_invalid: false,
    };
    wangge::import::import_geojson(&fresh.store, &path, &options, &PrepareOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{label}: re-import: {e}"));
    let (want, got) = (
        grid_keys(&source.store).await,
        grid_keys(&fresh.store).await,
    );
    assert!(!want.is_empty(), "{label}");
    assert_eq!(got.len(), want.len(), "{label}");
    for (w, g) in want.iter().zip(&got) {
        assert_eq!((&w.0, &w.1, &w.2, w.3), (&g.0, &g.1, &g.2, g.3), "{label}");
        // GeoJSON carries shortest round-trip decimals: the boundary comes back bitwise.
        assert_eq!(w.4, g.4, "{label}: boundary of {}", w.0);
    }
}

#[tokio::test]
async fn a_grids_export_reimports_into_a_fresh_store_with_the_same_codes_and_boundaries() {
    for db in both().await {
        common::import_demo(&db.store, 2).await;
        round_trip(&db, "demo street").await;
        let helsinki = fresh_like(&db).await;
        import_osm(&helsinki.store, "helsinki/Helsinki.osm.pbf").await;
        round_trip(&helsinki, "Helsinki").await;
    }
}

#[tokio::test]
async fn a_plan_exports_its_grids_and_assignment_in_both_formats() {
    require_gdal();
    for db in both().await {
        common::import_demo(&db.store, 4).await;
        let community = common::community(&db.store, 0).await;
        // A low ceiling splits the larger buildings by unit.
        let request = wangge::plan::PlanRequest {
            min: 10,
            max: 40,
            target: 25,
            warm_start: false,
            ..Default::default()
        };
        let draft = wangge::plan::propose(&db.store, community.id, &request, None)
            .await
            .unwrap();
        let id = draft.plan_id;
        assert!(!draft.metrics.unit_splits.is_empty(), "no unit split");
        let grids = db.store.plan_grids(id).await.unwrap();
        let buildings = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(community.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let assignment: HashMap<i64, i64> = db
            .store
            .plan_assignment(id)
            .await
            .unwrap()
            .into_iter()
            .collect();
        let mut units: HashMap<i64, Vec<Value>> = HashMap::new();
        for u in db.store.plan_unit_assignment(id).await.unwrap() {
            units
                .entry(u.building_id)
                .or_default()
                .push(json!({"unit": u.unit, "grid_id": u.grid_id, "code": u.grid_code}));
        }
        let households: HashMap<&str, u64> = draft
            .metrics
            .grids
            .iter()
            .map(|g| (g.code.as_str(), g.households))
            .collect();
        let dir = tempfile::tempdir().unwrap();

        let gpkg = dir.path().join("plan.gpkg");
        export_plan(&db.store, id, Format::Gpkg, &file(&gpkg), &mut |_, _| {})
            .await
            .unwrap();
        let info = ogrinfo(&gpkg);
        let mut layers: Vec<(&str, u64, &str)> = info
            .iter()
            .map(|i| (i.name.as_str(), i.features, i.geometry.as_str()))
            .collect();
        layers.sort_unstable();
        assert_eq!(
            layers,
            [
                ("buildings", buildings.len() as u64, "Multi Polygon"),
                ("grids", grids.len() as u64, "Multi Polygon")
            ],
            "{}",
            db.name
        );
        assert!(info.iter().all(|i| i.wgs84));
        validate_gpkg(&gpkg);
        let back = ogr2ogr_geojson(&gpkg, "buildings");
        for f in back["features"].as_array().unwrap() {
            let b = f["id"].as_i64().unwrap();
            assert_eq!(
                f["properties"]["grid_id"].as_i64(),
                assignment.get(&b).copied()
            );
            match units.get(&b) {
                Some(u) => assert!(same_value(&json!(u), &f["properties"]["by_unit"])),
                None => assert!(f["properties"]["by_unit"].is_null()),
            }
        }
        let back = ogr2ogr_geojson(&gpkg, "grids");
        for f in back["features"].as_array().unwrap() {
            let code = f["properties"]["code"].as_str().unwrap();
            if let Some(h) = households.get(code) {
                assert_eq!(f["properties"]["households"].as_u64(), Some(*h), "{code}");
            }
            assert_eq!(f["properties"]["plan_id"].as_i64(), Some(id));
        }

        // GeoJSON: one collection as `export plan` always wrote it.
        let path = dir.path().join("plan.geojson");
        export_plan(&db.store, id, Format::GeoJson, &file(&path), &mut |_, _| {})
            .await
            .unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["plan"]["id"], id);
        assert_eq!(v["plan"]["status"], "draft");
        let features = v["features"].as_array().unwrap();
        let tagged = |layer: &str| {
            features
                .iter()
                .filter(|f| f["properties"]["layer"] == layer)
                .count()
        };
        assert_eq!(tagged("grid"), grids.len());
        assert_eq!(tagged("building"), buildings.len());
        let split = features
            .iter()
            .filter(|f| f["properties"]["by_unit"].is_array())
            .count();
        assert_eq!(split, units.len());
        assert_eq!(
            ogrinfo(&path)[0].features,
            (grids.len() + buildings.len()) as u64
        );
    }
}

#[tokio::test]
async fn one_community_exports_its_own_part() {
    require_gdal();
    for db in both().await {
        common::import_demo(&db.store, 1).await;
        let c = common::community(&db.store, 2).await;
        let scope = Scope {
            community: Some(c.id),
        };
        let street = db
            .store
            .region(c.parent_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        let buildings = db
            .store
            .buildings(&wangge::store::BuildingFilter {
                community: Some(c.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let bbox = wangge::geometry::bbox(&c.boundary).unwrap();
        let cameras = db
            .store
            .cameras()
            .await
            .unwrap()
            .iter()
            .filter(|k| geo::Intersects::intersects(&bbox, &k.location))
            .count();
        let ids: std::collections::HashSet<i64> = buildings.iter().map(|b| b.id).collect();
        let addresses = address_points(&db)
            .await
            .iter()
            .filter(|a| a.2.is_some_and(|b| ids.contains(&b)))
            .count();
        let want = [
            (Layer::Communities, 1),
            (Layer::Streets, 1),
            (Layer::Districts, usize::from(street.parent_id.is_some())),
            (Layer::Regions, 2 + usize::from(street.parent_id.is_some())),
            (
                Layer::Grids,
                db.store.grids(Some(c.id)).await.unwrap().len(),
            ),
            (Layer::Buildings, buildings.len()),
            (Layer::Cameras, cameras),
            (Layer::Addresses, addresses),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (layer, n) in want {
            let path = dir.path().join(format!("{layer}.gpkg"));
            assert_eq!(
                export(&db.store, layer, scope, Format::Gpkg, &path).await,
                n as u64,
                "{} {layer}",
                db.name
            );
            assert_eq!(ogrinfo(&path)[0].features, n as u64);
        }
        assert!(buildings.len() > 10 && buildings.len() < 363);
    }
}

/// Runs the wangge binary on `url`; returns (success, stdout, stderr).
fn wangge(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
        .arg("--db")
        .arg(url)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn the_command_line_writes_to_standard_output_or_a_file() {
    require_gdal();
    for db in both().await {
        common::import_demo(&db.store, 1).await;
        let (ok, out, err) = wangge(&db.url, &["export", "layer", "cameras"]);
        assert!(ok, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["name"], "cameras");
        assert_eq!(v["features"].as_array().map(Vec::len), Some(30));
        assert!(
            err.contains("exported 30 cameras to standard output"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.gpkg");
        let p = path.to_str().unwrap();
        let (ok, _, err) = wangge(
            &db.url,
            &[
                "export",
                "layer",
                "buildings",
                "--format",
                "gpkg",
                "--out",
                p,
            ],
        );
        assert!(ok, "{err}");
        assert_eq!(ogrinfo(&path)[0].features, 363);
        // --force replaces it; only the new file is left.
        let (ok, _, err) = wangge(
            &db.url,
            &[
                "export", "layer", "grids", "--format", "gpkg", "--out", p, "--force",
            ],
        );
        assert!(ok, "{err}");
        assert_eq!(ogrinfo(&path)[0].name, "grids");
        assert_eq!(listing(dir.path()), vec![path]);
    }
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_nothing_is_written() {
    for db in both().await {
        common::import_demo(&db.store, 1).await;
        let street = db
            .store
            .regions(Some(RegionLevel::Street), None)
            .await
            .unwrap()[0]
            .id;
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("existing.gpkg");
        std::fs::write(&existing, "keep me").unwrap();
        let out = dir.path().join("out.gpkg");
        let (o, e) = (out.to_str().unwrap(), existing.to_str().unwrap());
        let street_arg = street.to_string();
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (
                vec!["export", "layer", "houses", "--out", o],
                "unknown layer \"houses\": expected one of districts, streets, communities, regions, grids, buildings, cameras, barriers, addresses",
            ),
            (
                vec!["export", "plan", "999999", "--format", "gpkg", "--out", o],
                "plan 999999 does not exist",
            ),
            (
                vec!["export", "plan", "999999"],
                "plan 999999 does not exist",
            ),
            (
                vec!["export", "layer", "buildings", "--format", "gpkg", "--out", e],
                "the file exists already; give --force to replace it",
            ),
            (
                vec!["export", "layer", "buildings", "--format", "gpkg"],
                "a GeoPackage is a file: give --out FILE.gpkg",
            ),
            (
                vec!["export", "layer", "buildings", "--community", "999999", "--out", o],
                "community 999999 does not exist",
            ),
            (
                vec!["export", "layer", "grids", "--community", &street_arg, "--out", o],
                "is not a community",
            ),
        ];
        for (args, message) in cases {
            let (ok, stdout, stderr) = wangge(&db.url, &args);
            assert!(!ok, "{args:?} succeeded");
            assert!(stderr.contains(message), "{args:?}: {stderr}");
            assert!(stdout.is_empty(), "{args:?} wrote {stdout}");
            assert_eq!(listing(dir.path()), vec![existing.clone()], "{args:?}");
            assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
        }
    }
}

/// Measures (does not assert) the time and peak memory of exporting the buildings of a
/// large synthetic store: `cargo test --test export -- --ignored --nocapture`, with
/// `WANGGE_EXPORT_BUILDINGS` buildings (default 1,000,000) on SQLite and, when
/// `WANGGE_TEST_POSTGRES_URL` is set, PostgreSQL.
#[tokio::test]
#[ignore]
async fn measure_a_large_buildings_export() {
    let n: usize = std::env::var("WANGGE_EXPORT_BUILDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut dbs = vec![common::sqlite().await];
    if std::env::var("WANGGE_TEST_POSTGRES_URL").is_ok() {
        dbs.push(common::postgres().await);
    }
    for db in dbs {
        let started = std::time::Instant::now();
        wangge::import::import_dataset(
            &db.store,
            synthetic_city(n),
            "synthetic",
            Path::new("synthetic"),
            &PrepareOptions::default(),
            vec![],
        )
        .await
        .unwrap();
        println!(
            "{}: {n} buildings written in {:.1} s",
            db.name,
            started.elapsed().as_secs_f64()
        );
        let dir = tempfile::tempdir().unwrap();
        for ext in ["gpkg", "geojson"] {
            let path = dir.path().join(format!("buildings.{ext}"));
            let out = std::process::Command::new("/usr/bin/time")
                .arg("-v")
                .arg(env!("CARGO_BIN_EXE_wangge"))
                .args(["--db", &db.url, "export", "layer", "buildings"])
                .args(["--format", ext, "--out"])
                .arg(&path)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            let pick = |key: &str| {
                err.lines()
                    .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
                    .unwrap_or_default()
            };
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            println!(
                "{}: export layer buildings --format {ext}: ok {}, wall {}, user {} s, \
                 system {} s, peak RSS {} kB, file {:.1} MB",
                db.name,
                out.status.success(),
                pick("Elapsed (wall clock) time (h:mm:ss or m:ss):"),
                pick("User time (seconds):"),
                pick("System time (seconds):"),
                pick("Maximum resident set size (kbytes):"),
                size as f64 / 1e6
            );
        }
    }
}

/// A street of one community holding `n` rectangular buildings on a 20 m lattice.
fn synthetic_city(n: usize) -> wangge::model::Dataset {
    use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
    use wangge::model::{BuildingRecord, BuildingUse, Dataset, RegionRecord};
    let side = (n as f64).sqrt().ceil() as usize;
    let (dy, dx) = (
        1.0 / 111_320.0,
        1.0 / (111_320.0 * 30.6_f64.to_radians().cos()),
    );
    let (lon, lat, step) = (104.3, 30.6, 20.0);
    let extent = Rect::new(
        Coord { x: lon, y: lat },
        Coord {
            x: lon + side as f64 * step * dx,
            y: lat + side as f64 * step * dy,
        },
    );
    let boundary = MultiPolygon(vec![extent.to_polygon()]);
    let mut d = Dataset::new("synthetic");
    for (source_id, level, parent) in [
        ("street", RegionLevel::Street, None),
        (
            "community",
            RegionLevel::Community,
            Some("street".to_string()),
        ),
    ] {
        d.regions.push(RegionRecord {
            source_id: source_id.into(),
            parent,
            level,
            name: format!("合成{source_id}"),
            code: None,
            boundary: boundary.clone(),
        });
    }
    for k in 0..n {
        let (x, y) = ((k % side) as f64 * step, (k / side) as f64 * step);
        let ring = [
            (2.0, 2.0),
            (14.0, 2.0),
            (14.0, 12.0),
            (2.0, 12.0),
            (2.0, 2.0),
        ]
        .map(|(a, b)| Coord {
            x: lon + (x + a) * dx,
            y: lat + (y + b) * dy,
        });
        d.buildings.push(BuildingRecord {
            source_id: format!("b{k}"),
            community: Some("community".into()),
            grid: None,
            footprint: MultiPolygon(vec![Polygon::new(LineString(ring.to_vec()), vec![])]),
            name: Some(format!("合成楼{k}")),
            address: wangge::model::Address {
                road: Some("合成路".into()),
                house_number: Some(k.to_string()),
                compound: None,
                building_no: None,
            },
            floors: Some(6),
            height_m: None,
            units: Some(2),
            building_use: BuildingUse::Residential,
            building_type: Some("apartments".into()),
            households: None,
        });
    }
    d
}
