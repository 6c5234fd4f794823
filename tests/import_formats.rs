//! Shapefile and GeoPackage import against the GeoJSON import of the same Shanghai layers
//! (converted with GDAL's ogr2ogr at test time, in WGS 84, CGCS2000 and two Gauss–Krüger
//! zones, DBF text in UTF-8 and GBK), and every kind of bad vector file refused with its
//! kind and place, leaving the store unchanged. Both backends.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::gdal::ogr2ogr;
use common::{both, fingerprint, shared_data};
use geo::{CoordsIter, HausdorffDistance};
use wangge::crs::{Crs, CrsError};
use wangge::import::gpkg::GpkgOptions;
use wangge::import::prepare::PrepareOptions;
use wangge::import::shp::ShapefileOptions;
use wangge::import::{
    import_geojson, import_gpkg, import_shapefile, ImportError, ImportReport, Layer,
};
use wangge::store::Store;

/// The Shanghai layers in import order: name, layer, whether it holds an unusable feature
/// (buildings: one empty geometry, skipped).
const LAYERS: [(&str, Layer, bool); 4] = [
    ("residential_areas", Layer::Communities, false),
    ("roads", Layer::Barriers, false),
    ("buildings", Layer::Buildings, true),
    ("address_points", Layer::Addresses, false),
];

const STREET: &str = "陆家嘴街道";

fn prepare() -> PrepareOptions {
    PrepareOptions {
        street_name: Some(STREET.into()),
        ..Default::default()
    }
}

fn geojson_path(name: &str) -> PathBuf {
    shared_data(&format!("shanghai-lujiazui/{name}.geojson"))
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// How a variant holds the layers.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// One Shapefile per layer, reprojected to `epsg`, DBF text in `encoding`.
    Shapefile { epsg: u32, encoding: &'static str },
    /// One GeoPackage with a table per layer, reprojected to `epsg`.
    GeoPackage { epsg: u32 },
}

/// The Gauss–Krüger zones used: Lujiazui lies at 121.48–121.52°E, on the edge between
/// zone 40 (CM 120°E, 118.5–121.5°E) and zone 41 (CM 123°E); most of it is in zone 40, so
/// zone 40: EPSG:4549 (CM 120E, false easting 500 km) for the Shapefiles, EPSG:4528
/// (zone number in the easting) for the GeoPackage.
const FORMS: [Form; 4] = [
    Form::Shapefile {
        epsg: 4326,
        encoding: "UTF-8",
    },
    Form::Shapefile {
        epsg: 4549,
        encoding: "GBK",
    },
    Form::GeoPackage { epsg: 4490 },
    Form::GeoPackage { epsg: 4528 },
];

/// Converts every layer to `form` in `dir`; returns the file of each layer (the same
/// GeoPackage for all of them).
fn convert(dir: &Path, form: Form) -> Vec<PathBuf> {
    match form {
        Form::Shapefile { epsg, encoding } => LAYERS
            .iter()
            .map(|(name, _, _)| {
                let out = dir.join(format!("{name}.shp"));
                let srs = format!("EPSG:{epsg}");
                let lco = format!("ENCODING={encoding}");
                ogr2ogr(&[
                    "-f",
                    "ESRI Shapefile",
                    "-t_srs",
                    &srs,
                    "-lco",
                    &lco,
                    &s(&out),
                    &s(&geojson_path(name)),
                ]);
                out
            })
            .collect(),
        Form::GeoPackage { epsg } => {
            let out = dir.join(format!("lujiazui-{epsg}.gpkg"));
            for (i, (name, _, _)) in LAYERS.iter().enumerate() {
                let srs = format!("EPSG:{epsg}");
                let mut args = vec!["-f", "GPKG"];
                if i > 0 {
                    args.push("-update");
                }
                // GeoJSON ids become the fid otherwise, and road pieces share ids.
                args.extend(["-unsetFid", "-t_srs", &srs, "-nln", name]);
                let (o, g) = (s(&out), s(&geojson_path(name)));
                args.extend([o.as_str(), g.as_str()]);
                ogr2ogr(&args);
            }
            vec![out; LAYERS.len()]
        }
    }
}

async fn import_layer(
    store: &Store,
    form: Option<Form>,
    file: &Path,
    name: &str,
    layer: Layer,
    skip_invalid: bool,
) -> Result<ImportReport, ImportError> {
    match form {
        None => {
            let options = wangge::import::geojson::GeoJsonOptions {
                layer,
                crs: None,
                source: Some(name.into()),
                skip_invalid,
            };
            import_geojson(store, file, &options, &prepare()).await
        }
        Some(Form::Shapefile { .. }) => {
            let options = ShapefileOptions {
                layer,
                crs: None,
                source: Some(name.into()),
                encoding: None,
                skip_invalid,
            };
            import_shapefile(store, file, &options, &prepare()).await
        }
        Some(Form::GeoPackage { .. }) => {
            let options = GpkgOptions {
                layer,
                table: Some(name.into()),
                crs: None,
                source: Some(name.into()),
                skip_invalid,
            };
            import_gpkg(store, file, &options, &prepare()).await
        }
    }
}

/// Imports the four layers; returns the seconds the buildings layer took.
async fn import_all(store: &Store, form: Option<Form>, files: &[PathBuf]) -> f64 {
    let mut buildings_s = 0.0;
    for ((name, layer, skip), file) in LAYERS.iter().zip(files) {
        let t = Instant::now();
        let report = import_layer(store, form, file, name, *layer, *skip)
            .await
            .unwrap_or_else(|e| panic!("{form:?} {name}: {e}"));
        if *layer == Layer::Buildings {
            buildings_s = t.elapsed().as_secs_f64();
            assert_eq!(report.skipped.len(), 1, "{form:?}: {:?}", report.skipped);
            assert!(report.skipped[0].place.contains("4450117995"));
        }
    }
    buildings_s
}

/// What is compared between two imports: attributes exactly, geometries within a
/// tolerance.
struct Snapshot {
    counts: wangge::store::Counts,
    /// Buildings by source id: attributes (Debug text of the record without id and
    /// geometry) and footprint.
    buildings: Vec<(String, String, geo::MultiPolygon<f64>)>,
    regions: Vec<(String, String, geo::MultiPolygon<f64>)>,
    barriers: Vec<(String, String, geo::MultiLineString<f64>)>,
    addresses: Vec<String>,
}

async fn snapshot(store: &Store) -> Snapshot {
    let mut buildings: Vec<_> = store
        .buildings(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            let attrs = format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {}",
                b.name,
                b.address,
                b.floors,
                b.height_m,
                b.units,
                b.building_use,
                b.building_type,
                b.households,
                b.households_estimated
            );
            (b.source_id, attrs, b.footprint)
        })
        .collect();
    buildings.sort_by(|a, b| a.0.cmp(&b.0));
    let mut regions: Vec<_> = store
        .regions(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let attrs = format!("{:?} {:?} {:?}", r.level, r.name, r.code);
            (r.source_id, attrs, r.boundary)
        })
        .collect();
    regions.sort_by(|a, b| a.0.cmp(&b.0));
    let mut barriers: Vec<_> = store
        .barriers()
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            let attrs = format!("{:?} {:?} {:?}", b.kind, b.class, b.name);
            (b.source_id, attrs, b.geometry)
        })
        .collect();
    barriers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut addresses: Vec<String> = store
        .address_rows()
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                a.name, a.road, a.house_number, a.compound, a.building_no, a.community
            )
        })
        .collect();
    addresses.sort();
    Snapshot {
        counts: store.counts().await.unwrap(),
        buildings,
        regions,
        barriers,
        addresses,
    }
}

/// The rings (or lines) and their vertex counts of a geometry, for an exact structural
/// comparison whatever the ring orientation.
fn structure<G: CoordsIter<Scalar = f64>>(g: &G) -> usize {
    g.coords_count()
}

/// Compares `got` with `want`; returns the largest vertex distance (Hausdorff, degrees).
fn compare(what: &str, want: &Snapshot, got: &Snapshot, tolerance: f64) -> f64 {
    assert_eq!(want.counts, got.counts, "{what}: counts");
    assert_eq!(want.addresses, got.addresses, "{what}: addresses");
    let mut worst: f64 = 0.0;
    macro_rules! same {
        ($field:ident) => {
            assert_eq!(
                want.$field.len(),
                got.$field.len(),
                "{what}: {}",
                stringify!($field)
            );
            for (w, g) in want.$field.iter().zip(&got.$field) {
                assert_eq!((&w.0, &w.1), (&g.0, &g.1), "{what}: {}", stringify!($field));
                // The street and the unassigned area are not read from the files but
                // computed from all their features (simplified), where a vertex 1e-9° off
                // can flip a simplification: only their attributes are compared.
                if w.1.starts_with("Street") || w.1.contains("未划分区域") {
                    continue;
                }
                assert_eq!(
                    structure(&w.2),
                    structure(&g.2),
                    "{what}: {} {} vertices",
                    stringify!($field),
                    w.0
                );
                assert_eq!(
                    w.2 .0.len(),
                    g.2 .0.len(),
                    "{what}: {} {} parts",
                    stringify!($field),
                    w.0
                );
                let d = w.2.hausdorff_distance(&g.2);
                assert!(
                    d <= tolerance,
                    "{what}: {} {} moved by {d:e}°",
                    stringify!($field),
                    w.0
                );
                worst = worst.max(d);
            }
        };
    }
    same!(buildings);
    same!(regions);
    same!(barriers);
    for (w, g) in want.buildings.iter().zip(&got.buildings) {
        let holes = |m: &geo::MultiPolygon<f64>| -> Vec<usize> {
            m.0.iter().map(|p| p.interiors().len()).collect()
        };
        assert_eq!(
            holes(&w.2),
            holes(&g.2),
            "{what}: holes of building {}",
            w.0
        );
    }
    worst
}

#[tokio::test]
async fn shapefiles_and_geopackages_import_like_the_geojson_layers() {
    let dir = tempfile::tempdir().unwrap();
    let converted: Vec<(Form, Vec<PathBuf>)> = FORMS
        .iter()
        .enumerate()
        .map(|(i, form)| {
            let sub = dir.path().join(format!("form{i}"));
            std::fs::create_dir_all(&sub).unwrap();
            (*form, convert(&sub, *form))
        })
        .collect();
    // What GDAL wrote: a .cpg naming each encoding, and in the GBK files the GBK bytes of
    // the Chinese names (not their UTF-8 bytes).
    let gbk_areas = converted[1].1[0].with_extension("dbf");
    assert_eq!(
        std::fs::read_to_string(gbk_areas.with_extension("cpg"))
            .unwrap()
            .trim(),
        "GBK"
    );
    let dbf = std::fs::read(&gbk_areas).unwrap();
    let gbk_name = encoding_rs::GBK.encode("上港小区").0.into_owned();
    assert!(dbf
        .windows(gbk_name.len())
        .any(|w| w == gbk_name.as_slice()));
    assert!(!dbf.windows(12).any(|w| w == "上港小区".as_bytes()));
    // Without its .cpg, the GBK text of one layer is detected (GB18030 reads GBK), and so
    // is the UTF-8 of another.
    std::fs::remove_file(gbk_areas.with_extension("cpg")).unwrap();
    std::fs::remove_file(converted[0].1[0].with_extension("cpg")).unwrap();
    let mut timings = Vec::new();
    for db in both().await {
        let base = &db.store;
        let t = Instant::now();
        let geojson_files: Vec<PathBuf> = LAYERS.iter().map(|(n, _, _)| geojson_path(n)).collect();
        let geojson_s = import_all(base, None, &geojson_files).await;
        let _ = t;
        let want = snapshot(base).await;
        assert_eq!(want.counts.buildings, 1321);
        assert_eq!(want.counts.barriers, 708);
        assert_eq!(want.counts.address_points, 162);
        assert!(want.regions.iter().any(|r| r.1.contains("上港小区")));
        timings.push(format!("{} geojson {geojson_s:.2}s", db.name));
        let print = fingerprint(base).await;
        for (form, files) in &converted {
            let fresh = if db.name == "sqlite" {
                common::sqlite().await
            } else {
                common::postgres().await
            };
            let secs = import_all(&fresh.store, Some(*form), files).await;
            timings.push(format!("{} {form:?} {secs:.2}s", db.name));
            let got = snapshot(&fresh.store).await;
            let tolerance = match form {
                Form::Shapefile { epsg: 4326, .. } | Form::GeoPackage { epsg: 4490 } => 1e-7,
                // A Gauss–Krüger round trip through PROJ (forward in ogr2ogr, inverse in
                // wangge): measured 7.1e-14° at most (EPSG:4528), 2.6e-14° (EPSG:4549); asserted
                // at 1e-8° (1 mm).
                _ => 1e-8,
            };
            let worst = compare(&format!("{} {form:?}", db.name), &want, &got, tolerance);
            timings.push(format!("  largest vertex difference {worst:e}°"));
            assert_eq!(
                print,
                fingerprint(&fresh.store).await,
                "{} {form:?}",
                db.name
            );
        }
    }
    eprintln!(
        "Shanghai buildings layer import times:\n{}",
        timings.join("\n")
    );
}

// ---- Bad vector files: each refused with its kind and place, the store unchanged.

/// A store holding the Shanghai communities (from GeoJSON) on each backend.
async fn seeded() -> Vec<common::TestDb> {
    let mut dbs = both().await;
    for db in &mut dbs {
        import_layer(
            &db.store,
            None,
            &geojson_path("residential_areas"),
            "residential_areas",
            Layer::Communities,
            false,
        )
        .await
        .unwrap();
    }
    dbs
}

/// `attempt` fails on every backend with an error `check` accepts; the store is unchanged.
async fn refused<F, Fut>(what: &str, attempt: F, check: impl Fn(&ImportError) -> bool)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = Result<ImportReport, ImportError>>,
{
    for db in seeded().await {
        let before = fingerprint(&db.store).await;
        match attempt(db.store.clone()).await {
            Ok(r) => panic!("{what} ({}): accepted: {r:?}", db.name),
            Err(e) => assert!(check(&e), "{what} ({}): {e:?}\n{e}", db.name),
        }
        assert_eq!(
            before,
            fingerprint(&db.store).await,
            "{what} ({}): the store changed",
            db.name
        );
    }
}

fn shp_options(crs: Option<Crs>) -> ShapefileOptions {
    ShapefileOptions {
        layer: Layer::Buildings,
        crs,
        source: None,
        encoding: None,
        skip_invalid: true,
    }
}

fn gpkg_options(table: Option<&str>) -> GpkgOptions {
    GpkgOptions {
        layer: Layer::Buildings,
        table: table.map(str::to_string),
        crs: None,
        source: None,
        skip_invalid: true,
    }
}

/// The buildings layer as a Shapefile in `epsg` in `dir`.
fn buildings_shp(dir: &Path, epsg: u32, encoding: &str) -> PathBuf {
    let out = dir.join("buildings.shp");
    let srs = format!("EPSG:{epsg}");
    let lco = format!("ENCODING={encoding}");
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        "-t_srs",
        &srs,
        "-lco",
        &lco,
        &s(&out),
        &s(&geojson_path("buildings")),
    ]);
    out
}

/// The record (numbered from 1) of a Shapefile whose bytes reach past `offset`, read from
/// its .shx: 100 header bytes, then (offset, length) in 16-bit words, big-endian.
fn record_at(shx: &Path, offset: usize) -> usize {
    let index = std::fs::read(shx).unwrap();
    let word = |at: usize| {
        u32::from_be_bytes([index[at], index[at + 1], index[at + 2], index[at + 3]]) as usize * 2
    };
    (0..(index.len() - 100) / 8)
        .find(|i| word(100 + i * 8) + 8 + word(104 + i * 8) > offset)
        .map(|i| i + 1)
        .unwrap()
}

#[tokio::test]
async fn broken_shapefiles_are_refused_naming_the_file_and_the_record() {
    let dir = tempfile::tempdir().unwrap();
    // Missing .dbf, then missing .shx.
    for missing in ["dbf", "shx"] {
        let sub = dir.path().join(format!("no-{missing}"));
        std::fs::create_dir_all(&sub).unwrap();
        let shp = buildings_shp(&sub, 4326, "UTF-8");
        std::fs::remove_file(shp.with_extension(missing)).unwrap();
        refused(
            &format!("missing .{missing}"),
            |s| {
                let shp = shp.clone();
                async move { import_shapefile(&s, &shp, &shp_options(None), &prepare()).await }
            },
            |e| {
                matches!(e, ImportError::Missing { path, missing: m, .. }
                    if path.ends_with("buildings.shp") && m.ends_with(format!("buildings.{missing}")))
                    && e.to_string().contains(&format!("buildings.{missing} is missing"))
            },
        )
        .await;
    }
    // A .shp cut in the middle of a record.
    let sub = dir.path().join("truncated");
    std::fs::create_dir_all(&sub).unwrap();
    let shp = buildings_shp(&sub, 4326, "UTF-8");
    let bytes = std::fs::read(&shp).unwrap();
    let cut = bytes.len() / 2;
    std::fs::write(&shp, &bytes[..cut]).unwrap();
    let n = record_at(&shp.with_extension("shx"), cut);
    refused(
        "truncated .shp",
        |s| {
            let shp = shp.clone();
            async move { import_shapefile(&s, &shp, &shp_options(None), &prepare()).await }
        },
        |e| {
            matches!(e, ImportError::Format { path, format: "Shapefile", reason }
                if path.ends_with("buildings.shp")
                    && reason.contains(&format!("ends inside record {n}:")))
        },
    )
    .await;
    // A .prj of a CRS wangge does not convert (UTM zone 51N, Shanghai's).
    let sub = dir.path().join("utm");
    std::fs::create_dir_all(&sub).unwrap();
    let shp = buildings_shp(&sub, 32651, "UTF-8");
    refused(
        "unsupported .prj",
        |s| {
            let shp = shp.clone();
            async move { import_shapefile(&s, &shp, &shp_options(None), &prepare()).await }
        },
        |e| {
            matches!(e, ImportError::Crs { path, source: CrsError::WktUnsupported { name, .. } }
                if path.ends_with("buildings.prj") && name == "WGS_1984_UTM_Zone_51N")
                && e.to_string().contains("EPSG:4490")
        },
    )
    .await;
    // A .prj (Gauss–Krüger CM 120E) contradicting --crs.
    let sub = dir.path().join("gk");
    std::fs::create_dir_all(&sub).unwrap();
    let shp = buildings_shp(&sub, 4549, "GBK");
    refused(
        ".prj against --crs",
        |s| {
            let shp = shp.clone();
            async move {
                import_shapefile(&s, &shp, &shp_options(Some(Crs::Wgs84)), &prepare()).await
            }
        },
        |e| {
            matches!(e, ImportError::Usage(m)
                if m.contains("buildings.shp: its .prj declares its CRS as EPSG:4549 but --crs says EPSG:4326"))
        },
    )
    .await;
    // GBK text read as UTF-8 because the user said so: the record and field are named.
    refused(
        "wrong --encoding",
        |s| {
            let shp = shp.clone();
            async move {
                let options = ShapefileOptions {
                    encoding: Some(encoding_rs::UTF_8),
                    ..shp_options(None)
                };
                import_shapefile(&s, &shp, &options, &prepare()).await
            }
        },
        |e| {
            matches!(e, ImportError::Record { path, place, reason }
                if path.ends_with("buildings.dbf") && place.starts_with("record ")
                    && place.contains(", field \"") && reason.contains("not valid UTF-8 (--encoding)"))
        },
    )
    .await;
}

/// The GeoPackage of `tables` (layer names) in EPSG:4490, in `dir`.
fn gpkg(dir: &Path, name: &str, tables: &[&str]) -> PathBuf {
    let out = dir.join(name);
    for (i, t) in tables.iter().enumerate() {
        let mut args = vec!["-f", "GPKG"];
        if i > 0 {
            args.push("-update");
        }
        let (o, g) = (s(&out), s(&geojson_path(t)));
        args.extend(["-unsetFid", "-t_srs", "EPSG:4490", "-nln", t, &o, &g]);
        ogr2ogr(&args);
    }
    out
}

/// Runs SQL statements on an SQLite file (writable), as another program would.
async fn sqlite_exec(path: &Path, statements: &[String]) {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    for sql in statements {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

#[tokio::test]
async fn broken_geopackages_are_refused_naming_the_file_table_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let two = gpkg(dir.path(), "two.gpkg", &["buildings", "residential_areas"]);
    refused(
        "two feature tables, no --table",
        |s| {
            let f = two.clone();
            async move { import_gpkg(&s, &f, &gpkg_options(None), &prepare()).await }
        },
        |e| {
            matches!(e, ImportError::Usage(m)
                if m.contains("two.gpkg: it holds 2 feature tables (\"buildings\", \"residential_areas\"): choose one with --table"))
        },
    )
    .await;
    refused(
        "a table that does not exist",
        |s| {
            let f = two.clone();
            async move { import_gpkg(&s, &f, &gpkg_options(Some("roads")), &prepare()).await }
        },
        |e| {
            matches!(e, ImportError::Usage(m)
                if m.contains("two.gpkg: there is no feature table \"roads\"; its feature tables are \"buildings\", \"residential_areas\""))
        },
    )
    .await;
    // An SQLite file that is not a GeoPackage: a wangge store.
    let other = common::sqlite().await;
    let store_file = PathBuf::from(other.url.trim_start_matches("sqlite:"));
    refused(
        "a wangge SQLite store",
        |s| {
            let f = store_file.clone();
            async move { import_gpkg(&s, &f, &gpkg_options(None), &prepare()).await }
        },
        |e| {
            matches!(e, ImportError::Format { path, format: "GeoPackage", reason }
                if path.ends_with("test.sqlite") && reason.contains("no gpkg_contents table"))
        },
    )
    .await;
    // Another application's SQLite file with GeoPackage tables in it.
    let foreign = gpkg(dir.path(), "foreign.gpkg", &["buildings"]);
    sqlite_exec(&foreign, &["PRAGMA application_id = 1179602769".into()]).await;
    refused(
        "wrong application_id",
        |s| {
            let f = foreign.clone();
            async move { import_gpkg(&s, &f, &gpkg_options(None), &prepare()).await }
        },
        |e| {
            matches!(e, ImportError::Format { format: "GeoPackage", reason, .. }
                if reason.contains("application_id is 0x464F4F51 (\"FOOQ\"), not GPKG"))
        },
    )
    .await;
    // Not even SQLite.
    let text = dir.path().join("text.gpkg");
    std::fs::write(&text, "not a database").unwrap();
    refused(
        "a text file",
        |s| {
            let f = text.clone();
            async move { import_gpkg(&s, &f, &gpkg_options(None), &prepare()).await }
        },
        |e| matches!(e, ImportError::Format { format: "GeoPackage", reason, .. } if reason.contains("not an SQLite database")),
    )
    .await;
    // A geometry that is bare WKB instead of a GeoPackage blob, in row fid 5.
    let bare = gpkg(dir.path(), "bare.gpkg", &["buildings"]);
    let wkb: String = wangge::geometry::to_wkb(&geo::Geometry::Point(geo::Point::new(121.5, 31.2)))
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let mut statements: Vec<String> = Vec::new();
    {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&bare);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        // GDAL's triggers call its spatial SQL functions, which plain SQLite lacks.
        let triggers: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'buildings'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        statements.extend(triggers.iter().map(|t| format!("DROP TRIGGER \"{t}\"")));
    }
    statements.push(format!(
        "UPDATE buildings SET geom = X'{wkb}' WHERE fid = 5"
    ));
    sqlite_exec(&bare, &statements).await;
    refused(
        "bare WKB",
        |s| {
            let f = bare.clone();
            async move {
                let options = GpkgOptions {
                    skip_invalid: false,
                    ..gpkg_options(None)
                };
                import_gpkg(&s, &f, &options, &prepare()).await
            }
        },
        |e| {
            matches!(e, ImportError::Record { path, place, reason }
                if path.ends_with("bare.gpkg") && place.starts_with("table \"buildings\", fid 5 (id ")
                    && reason.contains("not a GeoPackage geometry blob") && reason.contains("not \"GP\""))
        },
    )
    .await;
}
