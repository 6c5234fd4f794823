//! Household and people registers from Excel workbooks (.xlsx, numbers stored as floats,
//! Chinese headers, a chosen sheet), GBK and UTF-8 CSV, and the same workbook through
//! GDAL (`ogr2ogr -f CSV`, `ogrinfo`): the same households and people stored whatever the
//! file; bad workbooks refused with sheet, row and column, leaving the store unchanged.
//! Both backends.

mod common;

use std::path::{Path, PathBuf};

use common::{both, fingerprint, shared_data};
use rust_xlsxwriter::Workbook;
use wangge::import::geojson::{GeoJsonOptions, Layer};
use wangge::import::prepare::PrepareOptions;
use wangge::import::register::RegisterOptions;
use wangge::import::{
    import_geojson, import_households_with, import_people_with, ImportError, ImportReport,
};
use wangge::store::Store;

/// Imports the Shanghai buildings (ids such as -6651434) into `store`.
async fn buildings(store: &Store) {
    import_geojson(
        store,
        &shared_data("shanghai-lujiazui/buildings.geojson"),
        &GeoJsonOptions {
            layer: Layer::Buildings,
            crs: None,
            source: None,
            skip_invalid: true,
        },
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
}

/// The source ids of the first two buildings.
async fn two_buildings(store: &Store) -> (String, String) {
    let b = store.buildings(&Default::default()).await.unwrap();
    (b[0].source_id.clone(), b[1].source_id.clone())
}

/// A cell of a test register.
#[derive(Clone)]
enum V {
    T(&'static str),
    S(String),
    N(f64),
}

/// The households register: header (Chinese) and rows; rooms, units, floors, counts and
/// the buildings' ids (negative numbers) stored as numbers, as Excel stores what is
/// typed.
fn households(b1: &str, b2: &str) -> (Vec<&'static str>, Vec<Vec<V>>) {
    let n = |s: &str| V::N(s.parse().unwrap());
    (
        vec!["楼栋", "单元", "楼层", "房号", "状态", "人数", "流动人口"],
        vec![
            vec![
                n(b1),
                V::N(1.0),
                V::N(5.0),
                V::N(501.0),
                V::T("自住"),
                V::N(3.0),
                V::N(0.0),
            ],
            vec![
                n(b1),
                V::N(1.0),
                V::N(5.0),
                V::N(502.0),
                V::T("出租"),
                V::N(2.0),
                V::N(2.0),
            ],
            vec![
                n(b1),
                V::N(2.0),
                V::N(1.0),
                V::T("2-101"),
                V::T("空置"),
                V::N(0.0),
                V::N(0.0),
            ],
            vec![
                n(b2),
                V::N(1.0),
                V::N(12.0),
                V::N(1203.0),
                V::T("rented"),
                V::N(4.0),
                V::N(1.0),
            ],
        ],
    )
}

/// The people register: an old 15-digit ID number stored as a number, 18-digit ones as
/// text (one ending in X), phone numbers stored as numbers.
fn people(b1: &str, b2: &str) -> (Vec<&'static str>, Vec<Vec<V>>) {
    let t = |s: &str| V::S(s.to_string());
    (
        vec![
            "楼栋",
            "房号",
            "姓名",
            "身份证号",
            "户籍类型",
            "电话",
            "性别",
            "出生年份",
            "关系",
            "关爱标签",
        ],
        vec![
            vec![
                t(b1),
                V::N(501.0),
                V::T("王示例"),
                V::N(990000500101123.0),
                V::T("户籍"),
                V::N(13800138000.0),
                V::T("男"),
                V::N(1950.0),
                V::T("户主"),
                V::T("独居老人、低保"),
            ],
            vec![
                t(b1),
                V::N(502.0),
                V::T("李示例"),
                V::T("99000019900101567X"),
                V::T("流动"),
                V::T("021-5888 0000"),
                V::T("女"),
                V::N(1990.0),
                V::T("户主"),
                V::T(""),
            ],
            vec![
                t(b2),
                V::N(1203.0),
                V::T("张示例"),
                V::T("990000198502023456"),
                V::T("registered"),
                V::N(13900139000.0),
                V::T("F"),
                V::N(1985.0),
                V::T("配偶"),
                V::T("残疾"),
            ],
        ],
    )
}

/// The text a CSV holds for a cell (what the Excel user typed).
fn text(v: &V) -> String {
    match v {
        V::T(t) => t.to_string(),
        V::S(s) => s.clone(),
        V::N(n) => format!("{n}"),
    }
}

/// A workbook with a notes sheet first and the register in sheet `sheet`.
fn workbook(path: &Path, sheet: &str, header: &[&str], rows: &[Vec<V>]) {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write_string(0, 0, "户籍登记表，2026 年 11 月")
        .unwrap();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v {
                V::T(t) => {
                    ws.write_string(r, c, *t).unwrap();
                }
                V::S(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                V::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// The register as CSV text.
fn csv(header: &[&str], rows: &[Vec<V>]) -> String {
    let mut out = header.join(",") + "\n";
    for row in rows {
        out += &row.iter().map(text).collect::<Vec<_>>().join(",");
        out += "\n";
    }
    out
}

fn with_sheet(sheet: &str) -> RegisterOptions {
    RegisterOptions {
        sheet: Some(sheet.into()),
        ..Default::default()
    }
}

/// Every household and person of the store, by building source id, sorted.
async fn registers(store: &Store) -> (Vec<String>, Vec<String>) {
    let mut households = Vec::new();
    let mut people = Vec::new();
    for b in store.buildings(&Default::default()).await.unwrap() {
        for h in store.households(b.id).await.unwrap() {
            households.push(format!(
                "{} {:?} {:?} {} {:?} {} {}",
                b.source_id, h.unit, h.floor, h.room, h.status, h.residents, h.floating
            ));
            for p in store.people(h.id).await.unwrap() {
                people.push(format!(
                    "{} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
                    b.source_id,
                    h.room,
                    p.name,
                    p.id_number,
                    p.phone,
                    p.sex,
                    p.birth_year,
                    p.relation,
                    p.residence_type,
                    p.care_tags
                ));
            }
        }
    }
    households.sort();
    people.sort();
    (households, people)
}

/// Imports a households file and a people file with their options into a fresh store of
/// the backend `name`; returns what the store then holds.
async fn load(
    name: &str,
    h: (&Path, RegisterOptions),
    p: (&Path, RegisterOptions),
) -> (Vec<String>, Vec<String>) {
    let db = if name == "sqlite" {
        common::sqlite().await
    } else {
        common::postgres().await
    };
    buildings(&db.store).await;
    let report = import_households_with(&db.store, h.0, &h.1)
        .await
        .unwrap_or_else(|e| panic!("{name} {}: {e}", h.0.display()));
    assert_eq!(report.written.households.inserted, 4, "{}", h.0.display());
    import_people_with(&db.store, p.0, &p.1)
        .await
        .unwrap_or_else(|e| panic!("{name} {}: {e}", p.0.display()));
    registers(&db.store).await
}

#[tokio::test]
async fn workbooks_gbk_and_utf8_csv_give_the_same_registers() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    for db in both().await {
        buildings(&db.store).await;
        let (b1, b2) = two_buildings(&db.store).await;
        let (hh, hr) = households(&b1, &b2);
        let (ph, pr) = people(&b1, &b2);
        workbook(&d("households.xlsx"), "户籍", &hh, &hr);
        workbook(&d("people.xlsx"), "人口", &ph, &pr);
        // The reference: UTF-8 CSV with a byte-order mark and English headers.
        let english_h = [
            "building",
            "unit",
            "floor",
            "room",
            "status",
            "residents",
            "floating",
        ];
        let english_p = [
            "building",
            "room",
            "name",
            "id_number",
            "residence_type",
            "phone",
            "sex",
            "birth_year",
            "relation",
            "care_tags",
        ];
        std::fs::write(d("h-utf8.csv"), format!("\u{feff}{}", csv(&english_h, &hr))).unwrap();
        std::fs::write(d("p-utf8.csv"), format!("\u{feff}{}", csv(&english_p, &pr))).unwrap();
        // GBK with the Chinese headers, as Excel in a Chinese locale saves "CSV".
        let gbk = |t: String| encoding_rs::GBK.encode(&t).0.into_owned();
        std::fs::write(d("h-gbk.csv"), gbk(csv(&hh, &hr))).unwrap();
        std::fs::write(d("p-gbk.csv"), gbk(csv(&ph, &pr))).unwrap();
        assert!(std::str::from_utf8(&std::fs::read(d("h-gbk.csv")).unwrap()).is_err());
        // The workbook through GDAL: ogr2ogr writes the sheet as UTF-8 CSV.
        common::gdal::ogr2ogr(&[
            "-f",
            "CSV",
            &d("h-gdal.csv").to_string_lossy(),
            &d("households.xlsx").to_string_lossy(),
            "户籍",
        ]);
        let gdal_p = d("p-gdal.csv");
        common::gdal::ogr2ogr(&[
            "-f",
            "CSV",
            &gdal_p.to_string_lossy(),
            &d("people.xlsx").to_string_lossy(),
            "人口",
        ]);
        assert_eq!(
            common::gdal::feature_count(&d("households.xlsx"), "户籍"),
            4
        );
        assert_eq!(common::gdal::feature_count(&d("people.xlsx"), "人口"), 3);

        let none = RegisterOptions::default;
        let want = load(
            db.name,
            (&d("h-utf8.csv"), none()),
            (&d("p-utf8.csv"), none()),
        )
        .await;
        assert_eq!(want.0.len(), 4);
        assert_eq!(want.1.len(), 3);
        // Numbers stored as floats come back as the text typed.
        assert!(
            want.0
                .iter()
                .any(|h| h.contains(&format!("{b1} Some(1) Some(5) 501 "))),
            "{:?}",
            want.0
        );
        assert!(
            want.1
                .iter()
                .any(|p| p.contains("990000500101123 Some(\"13800138000\")")),
            "{:?}",
            want.1
        );
        assert!(want.1.iter().any(|p| p.contains("99000019900101567X")));
        assert!(want
            .1
            .iter()
            .any(|p| p.contains("[\"独居老人\", \"低保\"]")));
        let gbk_named = RegisterOptions {
            encoding: Some(encoding_rs::GBK),
            ..Default::default()
        };
        for (what, h, p) in [
            (
                "xlsx",
                (d("households.xlsx"), with_sheet("户籍")),
                (d("people.xlsx"), with_sheet("人口")),
            ),
            (
                "gbk detected",
                (d("h-gbk.csv"), none()),
                (d("p-gbk.csv"), none()),
            ),
            (
                "gbk named",
                (d("h-gbk.csv"), gbk_named.clone()),
                (d("p-gbk.csv"), gbk_named.clone()),
            ),
            (
                "through ogr2ogr",
                (d("h-gdal.csv"), none()),
                (gdal_p.clone(), none()),
            ),
        ] {
            let got = load(db.name, (&h.0, h.1), (&p.0, p.1)).await;
            assert_eq!(want, got, "{} {what}", db.name);
        }
    }
}

/// A store with the Shanghai buildings on each backend, with the two buildings' ids.
async fn seeded() -> Vec<(common::TestDb, String, String)> {
    let mut out = Vec::new();
    for db in both().await {
        buildings(&db.store).await;
        let (b1, b2) = two_buildings(&db.store).await;
        out.push((db, b1, b2));
    }
    out
}

/// `attempt` fails on every backend with an error that `check` accepts, and the store is
/// unchanged.
async fn refused<F, Fut>(
    what: &str,
    make: impl Fn(&str, &str) -> PathBuf,
    attempt: F,
    check: impl Fn(&ImportError) -> bool,
) where
    F: Fn(Store, PathBuf) -> Fut,
    Fut: std::future::Future<Output = Result<ImportReport, ImportError>>,
{
    for (db, b1, b2) in seeded().await {
        let file = make(&b1, &b2);
        let before = fingerprint(&db.store).await;
        let before_registers = registers(&db.store).await;
        match attempt(db.store.clone(), file).await {
            Ok(r) => panic!("{what} ({}): accepted: {r:?}", db.name),
            Err(e) => assert!(check(&e), "{what} ({}): {e:?}\n{e}", db.name),
        }
        assert_eq!(
            before,
            fingerprint(&db.store).await,
            "{what} ({}): the store changed",
            db.name
        );
        assert_eq!(
            before_registers,
            registers(&db.store).await,
            "{what} ({})",
            db.name
        );
    }
}

fn record(e: &ImportError, file: &str, place: &str, reason: &str) -> bool {
    matches!(e, ImportError::Record { path, place: p, reason: r }
        if path.ends_with(file) && p == place && r.contains(reason))
}

#[tokio::test]
async fn bad_workbooks_and_csv_are_refused_with_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let households_opts = |o: RegisterOptions| {
        move |s: Store, p: PathBuf| {
            let o = o.clone();
            async move { import_households_with(&s, &p, &o).await }
        }
    };
    // A sheet that does not exist: the error lists the sheets.
    refused(
        "missing sheet",
        |b1, b2| {
            let p = d.join("h.xlsx");
            let (h, r) = households(b1, b2);
            workbook(&p, "户籍", &h, &r);
            p
        },
        households_opts(with_sheet("住户")),
        |e| matches!(e, ImportError::Usage(m) if m.contains("h.xlsx") && m.contains("no sheet \"住户\"") && m.contains("\"说明\", \"户籍\"")),
    )
    .await;
    // Without --sheet the first sheet (the notes) is read: it has no register columns.
    refused(
        "first sheet is not the register",
        |b1, b2| {
            let p = d.join("h.xlsx");
            let (h, r) = households(b1, b2);
            workbook(&p, "户籍", &h, &r);
            p
        },
        households_opts(RegisterOptions::default()),
        |e| {
            record(
                e,
                "h.xlsx",
                "sheet \"说明\", row 1 (header)",
                "missing column \"room\"",
            )
        },
    )
    .await;
    // A column that does not exist.
    refused(
        "missing column",
        |b1, b2| {
            let p = d.join("h2.xlsx");
            let (mut h, mut r) = households(b1, b2);
            h.remove(5);
            for row in &mut r {
                row.remove(5);
            }
            workbook(&p, "户籍", &h, &r);
            p
        },
        households_opts(with_sheet("户籍")),
        |e| {
            record(
                e,
                "h2.xlsx",
                "sheet \"户籍\", row 1 (header)",
                "missing column \"residents\" (or 人数, 居住人数, 常住人数)",
            )
        },
    )
    .await;
    // A bad number in row 3 (the second household).
    refused(
        "bad number",
        |b1, b2| {
            let p = d.join("h3.xlsx");
            let (h, mut r) = households(b1, b2);
            r[1][5] = V::T("many");
            workbook(&p, "户籍", &h, &r);
            p
        },
        households_opts(with_sheet("户籍")),
        |e| {
            record(
                e,
                "h3.xlsx",
                "sheet \"户籍\", row 3, column \"人数\" (residents)",
                "\"many\" is not a whole number",
            )
        },
    )
    .await;
    // An 18-digit ID number typed as a number: Excel kept only 15 digits.
    refused(
        "long number",
        |b1, b2| {
            let p = d.join("p.xlsx");
            let (h, mut r) = people(b1, b2);
            r[2][3] = V::N(990000198502023456.0);
            workbook(&p, "人口", &h, &r);
            p
        },
        |s: Store, p: PathBuf| async move { import_people_with(&s, &p, &with_sheet("人口")).await },
        |e| {
            record(
                e,
                "p.xlsx",
                "sheet \"人口\", row 4, column \"身份证号\" (id_number)",
                "Excel keeps only 15",
            )
        },
    )
    .await;
    // GBK read as UTF-8 because the user said so.
    refused(
        "wrong encoding",
        |b1, b2| {
            let p = d.join("h.csv");
            let (h, r) = households(b1, b2);
            std::fs::write(&p, encoding_rs::GBK.encode(&csv(&h, &r)).0).unwrap();
            p
        },
        households_opts(RegisterOptions {
            encoding: Some(encoding_rs::UTF_8),
            ..Default::default()
        }),
        |e| record(e, "h.csv", "line 1", "not valid UTF-8 (--encoding)"),
    )
    .await;
    // --sheet on a CSV.
    refused(
        "sheet of a CSV",
        |b1, b2| {
            let p = d.join("h4.csv");
            let (h, r) = households(b1, b2);
            std::fs::write(&p, csv(&h, &r)).unwrap();
            p
        },
        households_opts(with_sheet("户籍")),
        |e| matches!(e, ImportError::Usage(m) if m.contains("--sheet is for .xlsx")),
    )
    .await;
}
