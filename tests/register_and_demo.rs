//! The household and people registers, and the demo street, in both backends.

mod common;

use common::{both, fingerprint, shared_data, temp_file};
use wangge::import::osm::OsmOptions;
use wangge::import::prepare::PrepareOptions;
use wangge::import::{import_households, import_osm, import_people};
use wangge::model::{CameraClass, WorkerRole};

#[tokio::test]
async fn a_household_register_replaces_the_estimate_and_people_set_residents() {
    for db in both().await {
        let s = &db.store;
        import_osm(
            s,
            &shared_data("helsinki/Helsinki.osm.pbf"),
            &OsmOptions::default(),
            &PrepareOptions::default(),
        )
        .await
        .unwrap();
        let b = s.buildings(&Default::default()).await.unwrap().remove(0);
        assert!(b.households_estimated);
        let (_d, h) = temp_file(
            "households.csv",
            format!(
                "\u{feff}building,unit,floor,room,status,residents,floating\n\
                 {0},1,1,1-1-101,自住,3,0\n{0},1,1,1-1-102,rented,2,2\n{0},1,2,1-1-201,vacant,0,0\n",
                b.source_id
            ),
        );
        let report = import_households(s, &h).await.unwrap();
        assert_eq!(report.written.households.inserted, 3, "{}", db.name);
        let after = s.building(b.id).await.unwrap().unwrap();
        assert_eq!(
            (after.households, after.households_estimated),
            (3, false),
            "{}",
            db.name
        );
        // The same file again updates, and people make the resident counts.
        import_households(s, &h).await.unwrap();
        assert_eq!(
            s.counts().await.unwrap().household_records,
            3,
            "{}",
            db.name
        );
        let (_d2, p) = temp_file(
            "people.csv",
            format!(
                "building_id,room,name,id_number,residence_type,sex,birth_year,relation,care_tags\n\
                 {0},1-1-101,王示例1,990000195001011234,户籍,男,1950,户主,独居老人\n\
                 {0},1-1-102,李示例2,990000199001015678,流动,F,1990,户主,\n",
                b.id
            ),
        );
        let report = import_people(s, &p).await.unwrap();
        assert_eq!(report.written.people.inserted, 2, "{}", db.name);
        let households = s.households(b.id).await.unwrap();
        let by_room = |r: &str| households.iter().find(|h| h.room == r).unwrap().clone();
        assert_eq!(
            (by_room("1-1-101").residents, by_room("1-1-101").floating),
            (1, 0),
            "{}",
            db.name
        );
        assert_eq!(
            (by_room("1-1-102").residents, by_room("1-1-102").floating),
            (1, 1),
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn the_demo_street_is_complete_and_identical_in_both_backends() {
    let mut prints = Vec::new();
    for db in both().await {
        let dataset = wangge::demo::generate(1);
        common::import_demo_dataset(&db.store, dataset).await;
        let c = db.store.counts().await.unwrap();
        assert_eq!((c.districts, c.streets), (1, 1), "{}", db.name);
        assert!(
            (6..=10).contains(&c.communities),
            "{}: {} communities",
            db.name,
            c.communities
        );
        assert!(
            c.grids >= c.communities
                && c.household_records == c.households_total
                && c.households_estimated == 0
        );
        assert!(c.people > c.household_records, "{}", db.name);
        let print = fingerprint(&db.store).await;
        assert!(
            print.1.iter().all(|b| b.2.is_some()),
            "{}: a building without a grid",
            db.name
        );
        // Standard grids hold 300–600 households.
        let grids = db.store.grids(None).await.unwrap();
        for g in grids
            .iter()
            .filter(|g| g.kind == wangge::model::GridKind::Standard)
        {
            let households: i32 = db
                .store
                .buildings(&wangge::store::BuildingFilter {
                    grid: Some(g.id),
                    ..Default::default()
                })
                .await
                .unwrap()
                .iter()
                .map(|b| b.households)
                .sum();
            assert!(
                (300..=600).contains(&households),
                "{}: grid {} has {households}",
                db.name,
                g.code
            );
            assert!(
                !db.store.grid_workers(g.id).await.unwrap().is_empty(),
                "grid {} has no workers",
                g.code
            );
        }
        let classes: std::collections::BTreeSet<CameraClass> = db
            .store
            .cameras()
            .await
            .unwrap()
            .iter()
            .filter_map(|c| c.class)
            .collect();
        assert_eq!(classes.len(), 5, "{}: camera classes {classes:?}", db.name);
        prints.push(print);
    }
    assert_eq!(
        prints[0], prints[1],
        "SQLite and PostGIS hold different demo data"
    );
    let roles: std::collections::BTreeSet<WorkerRole> = wangge::demo::generate(1)
        .workers
        .iter()
        .map(|w| w.role)
        .collect();
    assert_eq!(roles.len(), 7);
}

#[tokio::test]
async fn the_demo_can_be_written_twice_without_duplicates() {
    let db = common::sqlite().await;
    for _ in 0..2 {
        common::import_demo(&db.store, 3).await;
    }
    let c = db.store.counts().await.unwrap();
    let fresh = wangge::demo::generate(3);
    assert_eq!(c.buildings as usize, fresh.buildings.len());
    assert_eq!(c.household_records as usize, fresh.households.len());
    assert_eq!(c.people as usize, fresh.people.len());
    assert_eq!(c.grids as usize, fresh.grids.len());
}
