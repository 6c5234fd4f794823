//! Command-line batches stream files of any size: `wangge lookup --file` and
//! `wangge geocode --file` answer every row in input order, keep the input columns as they
//! were (GBK too), name the line of a bad row, and report progress on standard error.

mod common;

use std::io::Write;
use std::process::Command;

use rand::{Rng, SeedableRng};
use wangge::index::LiveIndex;

/// Runs the wangge binary on `db` with `args`; returns (success, stdout, stderr).
fn wangge(db: &str, args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wangge"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run wangge");
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn lookup_file_streams_more_rows_than_an_http_batch() {
    let db = common::sqlite().await;
    common::import_demo(&db.store, 1).await;
    let index = LiveIndex::load(db.store.clone()).await.unwrap().snapshot();
    let grids = db.store.grids(None).await.unwrap();
    let (mut minx, mut miny, mut maxx, mut maxy) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
    for g in &grids {
        let (a, b, c, d) =
            wangge::geometry::envelope(&geo::Geometry::MultiPolygon(g.boundary.clone()));
        (minx, miny, maxx, maxy) = (minx.min(a), miny.min(b), maxx.max(c), maxy.max(d));
    }
    // Three times the HTTP cap, with a column in Chinese that must come back unchanged.
    let rows = 3 * wangge::lookup::MAX_BATCH;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let points: Vec<(f64, f64)> = (0..rows)
        .map(|_| (rng.gen_range(minx..maxx), rng.gen_range(miny..maxy)))
        .collect();
    let mut csv = String::from("编号,lon,lat,备注\n");
    for (i, (x, y)) in points.iter().enumerate() {
        csv.push_str(&format!("{i},{x},{y},第{i}点\n"));
    }
    let (_dir, path) = common::temp_file("points.csv", &csv);
    let (ok, out, err) = wangge(&db.url, &["lookup", "--file", path.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        err.contains(&format!("looked up {rows} points")),
        "progress summary on standard error: {err}"
    );
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("编号,lon,lat,备注,grid_id,grid_code"));
    let mut found = 0;
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0], i.to_string(), "rows in input order");
        assert_eq!(f[3], format!("第{i}点"));
        let expected = index.locate(points[i].0, points[i].1);
        assert_eq!(
            f[4],
            expected.map(|g| g.id.to_string()).unwrap_or_default(),
            "row {i}"
        );
        assert_eq!(f[5], expected.map(|g| g.code.clone()).unwrap_or_default());
        found += usize::from(expected.is_some());
    }
    assert!(
        found > rows / 2,
        "most points of the extent are in a grid: {found}"
    );
    assert_eq!(text.lines().count(), rows + 1);

    // A bad row far into the file is named by its line.
    let mut bad = csv.clone();
    bad.push_str("x,104.0,north,坏\n");
    let (_dir, path) = common::temp_file("bad.csv", &bad);
    let (ok, _, err) = wangge(&db.url, &["lookup", "--file", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "line {}, column \"lat\": \"north\" is not a number",
            rows + 2
        )),
        "{err}"
    );
    // Projected metres given as longitudes are refused with their line.
    let (_dir, path) = common::temp_file("metres.csv", "lon,lat\n104.06,30.6\n500000,3390000\n");
    let (ok, _, err) = wangge(&db.url, &["lookup", "--file", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("line 3: (500000, 3390000) is not a longitude/latitude"),
        "{err}"
    );
}

#[tokio::test]
async fn geocode_file_answers_every_row_in_its_encoding() {
    let db = common::sqlite().await;
    let dataset = wangge::demo::generate(1);
    let b = dataset
        .buildings
        .iter()
        .find(|b| {
            b.address.road.is_some()
                && b.address.compound.is_some()
                && b.address.building_no.is_some()
        })
        .unwrap()
        .clone();
    common::import_demo_dataset(&db.store, dataset).await;
    let address = format!(
        "{}{}号{}{}栋",
        b.address.road.as_deref().unwrap(),
        b.address.house_number.as_deref().unwrap_or(""),
        b.address.compound.as_deref().unwrap(),
        b.address.building_no.as_deref().unwrap()
    );
    let stored = db
        .store
        .buildings(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.source_id == b.source_id)
        .unwrap();
    let text = format!("序号,地址\n1,{address}\n2,火星大道999号\n3,{address}\n");
    for encoding in [encoding_rs::UTF_8, encoding_rs::GBK] {
        let bytes = encoding.encode(&text).0.into_owned();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("addresses.csv");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&bytes)
            .unwrap();
        let (ok, out, err) = wangge(&db.url, &["geocode", "--file", path.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert!(err.contains("geocoded 3 addresses"), "{err}");
        let (decoded, _, malformed) = encoding.decode(&out);
        assert!(
            !malformed,
            "{}: the output keeps the input's encoding",
            encoding.name()
        );
        let lines: Vec<&str> = decoded.lines().collect();
        assert_eq!(
            lines[0],
            "序号,地址,building_id,grid_id,grid_code,score,matched_address"
        );
        let first: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(first[1], address);
        assert_eq!(first[2], stored.id.to_string(), "{}", lines[1]);
        assert_eq!(first[3], stored.grid_id.unwrap().to_string());
        assert_eq!(lines[3].split(',').nth(2), Some(first[2]));
        assert_eq!(lines.len(), 4);
    }
    let (_dir, path) = common::temp_file("none.csv", "序号,名称\n1,x\n");
    let (ok, _, err) = wangge(&db.url, &["geocode", "--file", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("line 1 (header): no address column"), "{err}");
}
