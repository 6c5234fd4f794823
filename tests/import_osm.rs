//! OpenStreetMap import into both backends, checked against independent readings of the
//! real extracts in ../shared/data.

mod common;

use common::osm_count::{count_pbf, count_xml};
use common::{both, fingerprint, shared_data};
use wangge::import::osm::{CommunitySource, OsmOptions};
use wangge::import::prepare::PrepareOptions;
use wangge::import::{import_osm, ImportReport};

fn skipped_buildings(report: &ImportReport) -> usize {
    report
        .skipped
        .iter()
        .filter(|s| s.reason.starts_with("building"))
        .count()
}

async fn import_into_both(
    file: &str,
    communities: CommunitySource,
) -> Vec<(common::TestDb, ImportReport)> {
    let path = shared_data(file);
    let mut out = Vec::new();
    for db in both().await {
        let report = import_osm(
            &db.store,
            &path,
            &OsmOptions { communities },
            &PrepareOptions::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: import {file}: {e}", db.name));
        out.push((db, report));
    }
    out
}

/// The unassigned area of an import is the street less its communities: it overlaps no
/// community (by more than digitising noise), and neither does its grid any other grid.
async fn unassigned_area_overlaps_nothing(store: &wangge::store::Store, what: &str) {
    use geo::{Area, BooleanOps};
    use wangge::model::RegionLevel;
    let communities = store
        .regions(Some(RegionLevel::Community), None)
        .await
        .unwrap();
    let unassigned: Vec<_> = communities
        .iter()
        .filter(|c| c.source_id == "unassigned-area")
        .collect();
    assert!(!unassigned.is_empty(), "{what}: no unassigned area");
    // 1 m² in degrees² at these latitudes is well below 1e-9.
    for u in &unassigned {
        for c in communities.iter().filter(|c| c.id != u.id) {
            let shared = u.boundary.intersection(&c.boundary).unsigned_area();
            assert!(
                shared < 1e-9,
                "{what}: the unassigned area overlaps {} by {shared} deg²",
                c.name
            );
        }
    }
    let grids = store.grids(None).await.unwrap();
    for (i, a) in grids.iter().enumerate() {
        for b in grids.iter().skip(i + 1) {
            let shared = a.boundary.intersection(&b.boundary).unsigned_area();
            assert!(
                shared < 1e-9,
                "{what}: grids {} and {} overlap by {shared} deg²",
                a.code,
                b.code
            );
        }
    }
}

#[tokio::test]
async fn helsinki_pbf_counts_match_an_independent_reading_in_both_backends() {
    let expected = count_pbf(&shared_data("helsinki/Helsinki.osm.pbf"));
    let results = import_into_both("helsinki/Helsinki.osm.pbf", CommunitySource::Residential).await;
    let mut prints = Vec::new();
    for (db, report) in &results {
        let counts = db.store.counts().await.unwrap();
        // Every building of the file is imported or reported as skipped with its reason.
        assert_eq!(
            counts.buildings as usize + skipped_buildings(report),
            expected.building_ways + expected.building_relations,
            "{}: imported + skipped buildings vs independent count {expected:?}",
            db.name
        );
        // Skipped buildings are those cut at the extract's edge (nodes outside the file);
        // a multipolygon whose outer rings touch on a line is repaired and imported.
        assert!(
            report
                .skipped
                .iter()
                .filter(|s| s.reason.starts_with("building"))
                .all(|s| s.reason.contains("is not in the file")),
            "{}: buildings skipped for other reasons than the extract's edge: {:?}",
            db.name,
            report.skipped
        );
        let repaired = report
            .repaired
            .iter()
            .find(|r| r.place == "r1858248")
            .unwrap_or_else(|| panic!("{}: r1858248 not repaired: {:?}", db.name, report.repaired));
        assert!(
            repaired.reason.contains("touch on a line"),
            "{}",
            repaired.reason
        );
        let building = db
            .store
            .buildings(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .find(|b| b.source_id == "r1858248")
            .unwrap_or_else(|| panic!("{}: r1858248 was not imported", db.name));
        assert!(
            geo::Validation::is_valid(&building.footprint),
            "{}",
            db.name
        );
        assert!(
            counts.buildings >= 440,
            "{}: {} buildings",
            db.name,
            counts.buildings
        );
        assert_eq!(counts.cameras as usize, expected.cameras, "{}", db.name);
        assert_eq!(expected.cameras, 221);
        assert!(
            counts.communities >= 12,
            "{}: {} communities",
            db.name,
            counts.communities
        );
        // Every community got a provisional grid, so every building has a grid.
        assert_eq!(counts.grids, counts.communities, "{}", db.name);
        assert!(
            counts.households_total > 0 && counts.households_total == counts.households_estimated
        );
        prints.push(fingerprint(&db.store).await);
    }
    assert!(
        prints[0].1.iter().all(|b| b.2.is_some()),
        "a building without a grid"
    );
    assert_eq!(
        prints[0], prints[1],
        "SQLite and PostGIS hold different data"
    );
}

#[tokio::test]
async fn wudaokou_xml_counts_match_an_independent_reading_in_both_backends() {
    let expected = count_xml(&shared_data("beijing-wudaokou-2017/wudaokou.osm"));
    assert_eq!(
        expected.building_ways + expected.building_relations,
        521,
        "README: 521 buildings"
    );
    let results = import_into_both(
        "beijing-wudaokou-2017/wudaokou.osm",
        CommunitySource::Residential,
    )
    .await;
    let mut prints = Vec::new();
    for (db, report) in &results {
        let counts = db.store.counts().await.unwrap();
        assert_eq!(
            counts.buildings as usize + skipped_buildings(report),
            521,
            "{}: imported + skipped",
            db.name
        );
        assert!(
            counts.buildings >= 500,
            "{}: only {} buildings",
            db.name,
            counts.buildings
        );
        unassigned_area_overlaps_nothing(&db.store, &format!("wudaokou {}", db.name)).await;
        assert_eq!(counts.cameras, 0);
        assert!(
            counts.communities >= 6,
            "{}: {} communities (6 named compounds)",
            db.name,
            counts.communities
        );
        prints.push(fingerprint(&db.store).await);
    }
    assert_eq!(
        prints[0], prints[1],
        "SQLite and PostGIS hold different data"
    );
}

#[tokio::test]
async fn city_blocks_can_be_the_communities() {
    for (db, _) in import_into_both("helsinki/Helsinki.osm.pbf", CommunitySource::CityBlock).await {
        let counts = db.store.counts().await.unwrap();
        assert!(
            counts.communities >= 29,
            "{}: {} communities from 29 city blocks",
            db.name,
            counts.communities
        );
    }
}

#[tokio::test]
async fn reimporting_the_same_file_updates_instead_of_duplicating() {
    let path = shared_data("helsinki/Helsinki.osm.pbf");
    for db in both().await {
        let options = OsmOptions::default();
        let first = import_osm(&db.store, &path, &options, &PrepareOptions::default())
            .await
            .unwrap();
        let before = fingerprint(&db.store).await;
        let second = import_osm(&db.store, &path, &options, &PrepareOptions::default())
            .await
            .unwrap();
        let after = fingerprint(&db.store).await;
        assert_eq!(before, after, "{}: a re-import changed the data", db.name);
        assert_eq!(second.written.buildings.inserted, 0, "{}", db.name);
        assert_eq!(
            second.written.buildings.updated, first.written.buildings.inserted,
            "{}",
            db.name
        );
        assert_eq!(
            second.written.provisional_grids, 0,
            "{}: provisional grids twice",
            db.name
        );
    }
}

#[tokio::test]
async fn postgis_holds_valid_geometries_with_gist_indexes() {
    let db = common::postgres().await;
    import_osm(
        &db.store,
        &shared_data("helsinki/Helsinki.osm.pbf"),
        &OsmOptions::default(),
        &PrepareOptions::default(),
    )
    .await
    .unwrap();
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    for table in ["regions", "grids", "buildings"] {
        let (invalid, srid): (i64, Option<i32>) = sqlx::query_as(&format!(
            "SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom)), max(ST_SRID(geom)) FROM {table}"
        ))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(invalid, 0, "{table}: invalid geometries");
        assert_eq!(srid, Some(4326), "{table}: SRID");
    }
    let gist: Vec<(String,)> = sqlx::query_as(
        "SELECT tablename::text FROM pg_indexes WHERE indexdef ILIKE '%USING gist%' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let tables: Vec<&str> = gist.iter().map(|t| t.0.as_str()).collect();
    for t in [
        "address_points",
        "barriers",
        "buildings",
        "cameras",
        "grids",
        "regions",
    ] {
        assert!(tables.contains(&t), "no GiST index on {t}: {tables:?}");
    }
    // The database refuses an invalid polygon even from SQL written by hand.
    let bad = sqlx::query(
        "INSERT INTO buildings (source, source_id, building_use, households, households_estimated, geom, minx, miny, maxx, maxy) \
         VALUES ('sql', 'x', 'other', 0, true, ST_GeomFromText('MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))', 4326), 0, 0, 1, 1)",
    )
    .execute(&mut conn)
    .await;
    assert!(bad.is_err(), "a bow-tie polygon was accepted");
}

/// Two extracts of the same source (`osm`) in one database: each gets its own street and
/// unassigned area; the second does not overwrite the first.
#[tokio::test]
async fn two_extracts_in_one_database_keep_their_streets() {
    use wangge::model::RegionLevel;
    for db in both().await {
        let mut buildings = 0;
        for file in [
            "helsinki/Helsinki.osm.pbf",
            "beijing-wudaokou-2017/wudaokou.osm",
        ] {
            let report = import_osm(
                &db.store,
                &shared_data(file),
                &OsmOptions::default(),
                &PrepareOptions::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {file}: {e}", db.name));
            buildings += report.written.buildings.inserted;
        }
        let counts = db.store.counts().await.unwrap();
        assert_eq!(counts.buildings as u64, buildings, "{}", db.name);
        let streets = db
            .store
            .regions(Some(RegionLevel::Street), None)
            .await
            .unwrap();
        assert_eq!(streets.len(), 2, "{}: {streets:?}", db.name);
        let communities = db
            .store
            .regions(Some(RegionLevel::Community), None)
            .await
            .unwrap();
        let unassigned: Vec<_> = communities
            .iter()
            .filter(|c| c.source_id.starts_with("unassigned-area"))
            .collect();
        assert_eq!(unassigned.len(), 2, "{}", db.name);
        assert_ne!(
            unassigned[0].parent_id, unassigned[1].parent_id,
            "{}",
            db.name
        );
        // Every building still has a grid of its own street's communities.
        let grids = db.store.grids(None).await.unwrap();
        for b in db.store.buildings(&Default::default()).await.unwrap() {
            let grid = grids.iter().find(|g| Some(g.id) == b.grid_id);
            assert_eq!(
                grid.map(|g| g.community_id),
                b.community_id,
                "{}: {}",
                db.name,
                b.source_id
            );
        }
    }
}
