//! GeoJSON import: the real Shanghai layers into both backends, and input CRSs.

mod common;

use common::{both, fingerprint, shared_data, temp_file};
use wangge::crs::Crs;
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::prepare::PrepareOptions;
use wangge::import::{import_geojson, ImportError};
use wangge::store::Store;

fn options(layer: Layer) -> GeoJsonOptions {
    GeoJsonOptions {
        layer,
        crs: None,
        source: None,
        skip_invalid: false,
    }
}

async fn load(
    store: &Store,
    file: &str,
    options: GeoJsonOptions,
) -> Result<wangge::import::ImportReport, ImportError> {
    import_geojson(
        store,
        &shared_data(file),
        &options,
        &PrepareOptions::default(),
    )
    .await
}

/// Features of a GeoJSON file whose geometry is a non-empty polygon, read with serde_json.
fn polygon_features(file: &str) -> usize {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared_data(file)).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| match f["geometry"]["type"].as_str() {
            Some("Polygon" | "MultiPolygon") => true,
            Some("GeometryCollection") => {
                !f["geometry"]["geometries"].as_array().unwrap().is_empty()
            }
            _ => false,
        })
        .count()
}

fn distinct_ids(file: &str) -> usize {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared_data(file)).unwrap()).unwrap();
    let ids: std::collections::HashSet<String> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 708);
    ids.len()
}

#[tokio::test]
async fn shanghai_layers_load_into_both_backends_with_the_same_result() {
    let expected_buildings = polygon_features("shanghai-lujiazui/buildings.geojson");
    assert_eq!(
        expected_buildings, 1321,
        "1,322 features, one an empty GeometryCollection"
    );
    let mut prints = Vec::new();
    for db in both().await {
        let s = &db.store;
        load(
            s,
            "shanghai-lujiazui/residential_areas.geojson",
            options(Layer::Communities),
        )
        .await
        .unwrap();
        load(
            s,
            "shanghai-lujiazui/roads.geojson",
            options(Layer::Barriers),
        )
        .await
        .unwrap();
        // Without --skip-invalid the empty geometry stops the import, naming the feature.
        let err = load(
            s,
            "shanghai-lujiazui/buildings.geojson",
            options(Layer::Buildings),
        )
        .await
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("buildings.geojson")
                && text.contains("4450117995")
                && text.contains("empty"),
            "{text}"
        );
        assert_eq!(
            s.counts().await.unwrap().buildings,
            0,
            "{}: the failed import wrote buildings",
            db.name
        );
        let report = load(
            s,
            "shanghai-lujiazui/buildings.geojson",
            GeoJsonOptions {
                skip_invalid: true,
                ..options(Layer::Buildings)
            },
        )
        .await
        .unwrap();
        assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
        load(
            s,
            "shanghai-lujiazui/address_points.geojson",
            options(Layer::Addresses),
        )
        .await
        .unwrap();
        let counts = s.counts().await.unwrap();
        assert_eq!(counts.buildings as usize, expected_buildings, "{}", db.name);
        // 1,025 line features, pieces of 708 distinct roads: pieces merge by id.
        assert_eq!(
            counts.barriers,
            distinct_ids("shanghai-lujiazui/roads.geojson") as i64,
            "{}",
            db.name
        );
        assert_eq!(counts.address_points, 162, "{}", db.name);
        assert!(
            counts.communities >= 18,
            "{}: 18 residential areas",
            db.name
        );
        // Heights give floors: estimated households exist and are marked as estimated.
        assert!(
            counts.households_total > 0 && counts.households_total == counts.households_estimated
        );
        let print = fingerprint(s).await;
        assert!(
            print.1.iter().all(|b| b.2.is_some()),
            "{}: a building without a grid",
            db.name
        );
        prints.push(print);
    }
    assert_eq!(
        prints[0], prints[1],
        "SQLite and PostGIS hold different data"
    );
}

/// A one-building FeatureCollection with the given ring and optional crs member.
fn building_file(ring: &[(f64, f64)], crs_member: Option<&str>) -> String {
    let coords: Vec<String> = ring
        .iter()
        .map(|(x, y)| format!("[{x:.9}, {y:.9}]"))
        .collect();
    let crs = crs_member
        .map(|c| format!(r#""crs": {{"type": "name", "properties": {{"name": "{c}"}}}},"#))
        .unwrap_or_default();
    format!(
        r#"{{"type": "FeatureCollection", {crs} "features": [{{"type": "Feature", "properties": {{"id": "b1", "floors": 6, "building": "apartments"}},
        "geometry": {{"type": "Polygon", "coordinates": [[{}]]}}}}]}}"#,
        coords.join(", ")
    )
}

/// A 60 m × 15 m slab in Beijing, as lon/lat.
fn slab() -> Vec<(f64, f64)> {
    let (lon, lat) = (116.3275, 39.9925);
    let (dx, dy) = (0.0007, 0.000135);
    vec![
        (lon, lat),
        (lon + dx, lat),
        (lon + dx, lat + dy),
        (lon, lat + dy),
        (lon, lat),
    ]
}

async fn stored_ring(store: &Store) -> Vec<(f64, f64)> {
    let b = store.buildings(&Default::default()).await.unwrap();
    assert_eq!(b.len(), 1);
    b[0].footprint.0[0]
        .exterior()
        .0
        .iter()
        .map(|c| (c.x, c.y))
        .collect()
}

fn assert_close(a: &[(f64, f64)], b: &[(f64, f64)], tolerance_deg: f64, what: &str) {
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(b) {
        assert!(
            (p.0 - q.0).abs() < tolerance_deg && (p.1 - q.1).abs() < tolerance_deg,
            "{what}: {p:?} vs {q:?}"
        );
    }
}

#[tokio::test]
async fn web_mercator_input_lands_at_the_right_place() {
    // Spherical mercator written out independently of PROJ.
    const R: f64 = 6378137.0;
    let merc: Vec<(f64, f64)> = slab()
        .iter()
        .map(|(lon, lat)| {
            (
                R * lon.to_radians(),
                R * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
                    .tan()
                    .ln(),
            )
        })
        .collect();
    for db in both().await {
        // Declared by --crs, then by the file's own crs member.
        let (_d1, f1) = temp_file("m.geojson", building_file(&merc, None));
        let opts = GeoJsonOptions {
            crs: Some(Crs::parse("EPSG:3857").unwrap()),
            ..options(Layer::Buildings)
        };
        import_geojson(&db.store, &f1, &opts, &PrepareOptions::default())
            .await
            .unwrap();
        assert_close(
            &stored_ring(&db.store).await,
            &slab(),
            1e-8,
            "EPSG:3857 via --crs",
        );
        let (_d2, f2) = temp_file(
            "m.geojson",
            building_file(&merc, Some("urn:ogc:def:crs:EPSG::3857")),
        );
        import_geojson(
            &db.store,
            &f2,
            &options(Layer::Buildings),
            &PrepareOptions::default(),
        )
        .await
        .unwrap();
        assert_close(
            &stored_ring(&db.store).await,
            &slab(),
            1e-8,
            "EPSG:3857 via crs member",
        );
    }
}

/// A ring as (x, y) pairs.
type Ring = Vec<(f64, f64)>;

#[tokio::test]
async fn gcj02_bd09_cgcs2000_and_gauss_kruger_inputs_are_converted() {
    use wangge::crs::offset::{wgs84_to_bd09, wgs84_to_gcj02};
    use wangge::crs::Transformer;
    let wgs = slab();
    let gk = Transformer::new(Crs::Wgs84, Crs::parse("EPSG:4527").unwrap()).unwrap();
    let cases: Vec<(&str, Ring, f64)> = vec![
        (
            "gcj02",
            wgs.iter().map(|&(x, y)| wgs84_to_gcj02(x, y)).collect(),
            5e-6,
        ),
        (
            "bd09",
            wgs.iter().map(|&(x, y)| wgs84_to_bd09(x, y)).collect(),
            5e-6,
        ),
        ("EPSG:4490", wgs.clone(), 1e-6),
        (
            "EPSG:4527",
            wgs.iter()
                .map(|&(x, y)| gk.convert(x, y).unwrap())
                .collect(),
            1e-8,
        ),
    ];
    let db = common::sqlite().await;
    for (crs, ring, tolerance) in cases {
        // The offset systems move points by hundreds of metres: make sure the input differs.
        let (_d, f) = temp_file("c.geojson", building_file(&ring, None));
        let opts = GeoJsonOptions {
            crs: Some(Crs::parse(crs).unwrap()),
            ..options(Layer::Buildings)
        };
        import_geojson(&db.store, &f, &opts, &PrepareOptions::default())
            .await
            .unwrap();
        // 5e-6 degrees is about 0.5 m.
        assert_close(&stored_ring(&db.store).await, &wgs, tolerance, crs);
    }
}

#[tokio::test]
async fn a_file_and_option_that_disagree_on_the_crs_are_refused() {
    let (_d, f) = temp_file(
        "x.geojson",
        building_file(&slab(), Some("urn:ogc:def:crs:EPSG::3857")),
    );
    let db = common::sqlite().await;
    let opts = GeoJsonOptions {
        crs: Some(Crs::Wgs84),
        ..options(Layer::Buildings)
    };
    let err = import_geojson(&db.store, &f, &opts, &PrepareOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("declares"), "{err}");
}
