//! Every kind of bad input gets a clear error naming the place and the reason, and leaves
//! the store exactly as it was, in both backends — including failures in the middle of
//! the write transaction.

mod common;

use std::path::Path;

use common::{both, fingerprint, shared_data, temp_file};
use wangge::crs::Crs;
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::osm::OsmOptions;
use wangge::import::prepare::PrepareOptions;
use wangge::import::{import_geojson, import_households, import_osm, import_people, ImportError};
use wangge::store::Store;

fn buildings() -> GeoJsonOptions {
    GeoJsonOptions {
        layer: Layer::Buildings,
        crs: None,
        source: None,
        skip_invalid: false,
    }
}

async fn seeded() -> Vec<common::TestDb> {
    let mut dbs = both().await;
    for db in &mut dbs {
        import_osm(
            &db.store,
            &shared_data("helsinki/Helsinki.osm.pbf"),
            &OsmOptions::default(),
            &PrepareOptions::default(),
        )
        .await
        .unwrap();
    }
    dbs
}

/// The error an attempt must end with: its kind and, for a record, its exact place.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Io,
    Empty,
    /// A file not in the format it claims, of this format.
    Format(&'static str),
    /// One record refused, at this place.
    Record(&'static str),
    Crs,
    /// Refused by the store inside the write transaction (rolled back).
    Store,
}

/// Panics unless `e` is of the kind `expect` names, for the file `file` (its name).
fn check_kind(e: &ImportError, expect: Expect, file: &str) {
    let names_file = |p: &Path| p.to_string_lossy().ends_with(file);
    let ok = match (e, expect) {
        (ImportError::Io { path, .. }, Expect::Io) => names_file(path),
        (ImportError::Empty { path }, Expect::Empty) => names_file(path),
        (ImportError::Format { path, format, .. }, Expect::Format(f)) => {
            names_file(path) && *format == f
        }
        (ImportError::Record { path, place, .. }, Expect::Record(at)) => {
            names_file(path) && place == at
        }
        (ImportError::Crs { path, .. }, Expect::Crs) => names_file(path),
        (ImportError::Store(_), Expect::Store) => true,
        _ => false,
    };
    assert!(ok, "expected {expect:?} naming {file}, got {e:?}");
}

/// Runs `attempt` on every backend and checks it fails with an error of kind `expect`
/// naming `file`, whose message contains every one of `words`, and that the store is
/// unchanged.
async fn refused<F, Fut>(what: &str, file: &str, expect: Expect, words: &[&str], attempt: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = Result<wangge::import::ImportReport, ImportError>>,
{
    for db in seeded().await {
        let before = fingerprint(&db.store).await;
        let result = attempt(db.store.clone()).await;
        let err = match result {
            Ok(r) => panic!("{what} ({}): accepted: {r:?}", db.name),
            Err(e) => e,
        };
        check_kind(&err, expect, file);
        let err = err.to_string();
        for w in words {
            assert!(
                err.contains(w),
                "{what} ({}): error {err:?} does not mention {w:?}",
                db.name
            );
        }
        assert_eq!(
            before,
            fingerprint(&db.store).await,
            "{what} ({}): the store changed",
            db.name
        );
    }
}

fn geojson(features: &str) -> String {
    format!(r#"{{"type": "FeatureCollection", "features": [{features}]}}"#)
}

fn square(id: &str, x: f64, extra: &str) -> String {
    let y = 60.165;
    format!(
        r#"{{"type": "Feature", "properties": {{"id": "{id}"{extra}}}, "geometry": {{"type": "Polygon",
        "coordinates": [[[{x}, {y}], [{x2}, {y}], [{x2}, {y2}], [{x}, {y2}], [{x}, {y}]]]}}}}"#,
        x2 = x + 0.0002,
        y2 = y + 0.0001
    )
}

async fn gj(
    store: Store,
    path: &Path,
    options: GeoJsonOptions,
) -> Result<wangge::import::ImportReport, ImportError> {
    import_geojson(&store, path, &options, &PrepareOptions::default()).await
}

#[tokio::test]
async fn missing_files_are_named() {
    let missing = Path::new("/nonexistent/helsinki.osm.pbf");
    refused(
        "missing OSM file",
        "helsinki.osm.pbf",
        Expect::Io,
        &["/nonexistent/helsinki.osm.pbf", "cannot read"],
        |s| async move {
            import_osm(
                &s,
                missing,
                &OsmOptions::default(),
                &PrepareOptions::default(),
            )
            .await
        },
    )
    .await;
    refused(
        "missing CSV",
        "h.csv",
        Expect::Io,
        &["/nonexistent/h.csv", "cannot read"],
        |s| async move { import_households(&s, Path::new("/nonexistent/h.csv")).await },
    )
    .await;
}

#[tokio::test]
async fn truncated_pbf_is_refused() {
    let bytes = std::fs::read(shared_data("helsinki/Helsinki.osm.pbf")).unwrap();
    let (_d, path) = temp_file("cut.osm.pbf", &bytes[..300_000]);
    refused(
        "truncated PBF",
        "cut.osm.pbf",
        Expect::Format("OSM PBF"),
        &["cut.osm.pbf", "PBF"],
        |s| {
            let path = path.clone();
            async move {
                import_osm(
                    &s,
                    &path,
                    &OsmOptions::default(),
                    &PrepareOptions::default(),
                )
                .await
            }
        },
    )
    .await;
}

#[tokio::test]
async fn empty_files_are_refused() {
    let (_d, path) = temp_file("empty.geojson", "");
    refused(
        "empty GeoJSON",
        "empty.geojson",
        Expect::Empty,
        &["empty.geojson", "empty"],
        |s| gj(s, &path, buildings()),
    )
    .await;
    let (_d2, osm) = temp_file("empty.osm", "");
    refused("empty OSM", "empty.osm", Expect::Empty, &["empty.osm", "empty"], |s| {
        let osm = osm.clone();
        async move { import_osm(&s, &osm, &OsmOptions::default(), &PrepareOptions::default()).await }
    })
    .await;
}

#[tokio::test]
async fn broken_geojson_is_refused() {
    let (_d, path) = temp_file(
        "broken.geojson",
        r#"{"type": "FeatureCollection", "features": [ {"type": "Feat"#,
    );
    refused(
        "broken GeoJSON",
        "broken.geojson",
        Expect::Format("GeoJSON"),
        &["broken.geojson", "not a valid GeoJSON", "line 1 column"],
        |s| gj(s, &path, buildings()),
    )
    .await;
}

#[tokio::test]
async fn self_intersecting_polygon_is_refused_naming_the_feature() {
    let bow = r#"{"type": "Feature", "properties": {"id": "bow"}, "geometry": {"type": "Polygon",
        "coordinates": [[[24.93, 60.16], [24.931, 60.161], [24.931, 60.16], [24.93, 60.161], [24.93, 60.16]]]}}"#;
    let (_d, path) = temp_file(
        "bow.geojson",
        geojson(&format!("{}, {bow}", square("ok", 24.94, ""))),
    );
    refused(
        "bow-tie",
        "bow.geojson",
        Expect::Record("feature 1 (id \"bow\")"),
        &["bow.geojson", "feature 1", "\"bow\"", "invalid geometry"],
        |s| gj(s, &path, buildings()),
    )
    .await;
}

#[tokio::test]
async fn wrong_and_unknown_crs_are_refused() {
    // Metres declared as longitude/latitude.
    let metres = r#"{"type": "Feature", "properties": {"id": "m"}, "geometry": {"type": "Polygon",
        "coordinates": [[[385000, 6672000], [385100, 6672000], [385100, 6672100], [385000, 6672000]]]}}"#;
    let (_d, path) = temp_file("metres.geojson", geojson(metres));
    refused(
        "metres as EPSG:4326",
        "metres.geojson",
        Expect::Record("feature 0 (id \"m\")"),
        &["metres.geojson", "feature 0", "385000"],
        |s| gj(s, &path, buildings()),
    )
    .await;
    // An unknown CRS in the file.
    let (_d2, path2) = temp_file(
        "odd.geojson",
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:99999"}}, "features": []}"#,
    );
    refused(
        "unknown CRS member",
        "odd.geojson",
        Expect::Crs,
        &["odd.geojson", "99999"],
        |s| gj(s, &path2, buildings()),
    )
    .await;
    assert!(Crs::parse("EPSG:99999").is_err());
    assert!(Crs::parse("wgs-banana").is_err());
}

#[tokio::test]
async fn a_missing_required_property_is_named() {
    let (_d, path) = temp_file(
        "grids.geojson",
        geojson(&square("g1", 24.94, r#", "community": "x""#)),
    );
    let options = GeoJsonOptions {
        layer: Layer::Grids,
        ..buildings()
    };
    refused(
        "grid without code",
        "grids.geojson",
        Expect::Record("feature 0 (id \"g1\")"),
        &["grids.geojson", "feature 0", "missing property \"code\""],
        |s| gj(s, &path, options.clone()),
    )
    .await;
}

#[tokio::test]
async fn csv_with_a_missing_column_or_a_non_number_is_refused_with_its_line() {
    let (_d, no_col) = temp_file("h1.csv", "building,room,status\nw123,101,rented\n");
    refused(
        "missing column",
        "h1.csv",
        Expect::Record("line 1 (header)"),
        &["h1.csv", "line 1", "missing column \"residents\""],
        |s| {
            let p = no_col.clone();
            async move { import_households(&s, &p).await }
        },
    )
    .await;
    // The building exists (first Helsinki building); line 3 has a non-number.
    let db = common::sqlite().await;
    import_osm(
        &db.store,
        &shared_data("helsinki/Helsinki.osm.pbf"),
        &OsmOptions::default(),
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
    let first = db.store.buildings(&Default::default()).await.unwrap()[0]
        .source_id
        .clone();
    let (_d2, nan) = temp_file(
        "h2.csv",
        format!("building,room,status,residents\n{first},101,rented,2\n{first},102,vacant,three\n"),
    );
    refused(
        "non-number",
        "h2.csv",
        Expect::Record("line 3, column \"residents\""),
        &[
            "h2.csv",
            "line 3",
            "\"residents\"",
            "\"three\" is not a whole number",
        ],
        |s| {
            let p = nan.clone();
            async move { import_households(&s, &p).await }
        },
    )
    .await;
    let (_d3, unknown) = temp_file(
        "h3.csv",
        "building,room,status,residents\nw1,101,rented,2\n",
    );
    refused(
        "unknown building",
        "h3.csv",
        Expect::Record("line 2, column \"building\""),
        &["h3.csv", "line 2", "no building has source id \"w1\""],
        |s| {
            let p = unknown.clone();
            async move { import_households(&s, &p).await }
        },
    )
    .await;
    let (_d4, status) = temp_file(
        "h4.csv",
        format!("building,room,status,residents\n{first},101,sold,2\n"),
    );
    refused(
        "bad status",
        "h4.csv",
        Expect::Record("line 2, column \"status\""),
        &["h4.csv", "line 2", "\"sold\""],
        |s| {
            let p = status.clone();
            async move { import_households(&s, &p).await }
        },
    )
    .await;
}

/// The 6th community has the administrative code of the 1st: the store's unique index
/// refuses it in the middle of the transaction, after regions were written, and
/// everything is rolled back.
#[tokio::test]
async fn a_failure_halfway_through_the_write_rolls_everything_back() {
    let features: Vec<String> = (0..6)
        .map(|i| {
            let code = if i == 5 { 0 } else { i };
            square(
                &format!("c{i}"),
                24.94 + 0.001 * i as f64,
                &format!(r#", "code": "9900{code}""#),
            )
        })
        .collect();
    let (_d, path) = temp_file("half.geojson", geojson(&features.join(", ")));
    let communities = GeoJsonOptions {
        layer: Layer::Communities,
        ..buildings()
    };
    refused(
        "duplicate code mid-write",
        "half.geojson",
        Expect::Store,
        &["writing regions", "c5"],
        |s| gj(s, &path, communities.clone()),
    )
    .await;
}

/// A building naming a grid that does not exist is refused before anything is written,
/// naming the building and the grid.
#[tokio::test]
async fn a_reference_to_a_missing_grid_names_the_record() {
    let mut features: Vec<String> = (0..5)
        .map(|i| square(&format!("ok{i}"), 24.94 + 0.001 * i as f64, ""))
        .collect();
    features.push(square("bad", 24.95, r#", "grid": "@999999""#));
    let (_d, path) = temp_file("ref.geojson", geojson(&features.join(", ")));
    refused(
        "unknown grid",
        "ref.geojson",
        Expect::Record("building \"bad\""),
        &["grid", "@999999", "does not exist"],
        |s| gj(s, &path, buildings()),
    )
    .await;
}

#[tokio::test]
async fn people_of_a_missing_household_roll_back_the_people_before_them() {
    for db in seeded().await {
        let b = db.store.buildings(&Default::default()).await.unwrap()[0]
            .source_id
            .clone();
        let (_d, h) = temp_file(
            "h.csv",
            format!("building,room,status,residents\n{b},101,rented,1\n"),
        );
        import_households(&db.store, &h).await.unwrap();
        let before = fingerprint(&db.store).await;
        let (_d2, p) = temp_file(
            "p.csv",
            format!(
                "building,room,name,id_number,residence_type\n{b},101,王示例1,990000199001011234,registered\n\
                 {b},999,李示例2,990000199001015678,floating\n"
            ),
        );
        let err = import_people(&db.store, &p).await.unwrap_err().to_string();
        assert!(
            err.contains("household") && err.contains("999"),
            "{}: {err}",
            db.name
        );
        assert_eq!(before, fingerprint(&db.store).await, "{}", db.name);
        assert_eq!(db.store.counts().await.unwrap().people, 0, "{}", db.name);
    }
}
