//! Tests of the demo generator.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use geo::{Area, BooleanOps, BoundingRect, Contains, Intersects, MultiPolygon, Rect, Validation};

use super::generate;
use super::names::check_digit;
use crate::model::{
    BuildingUse, CameraClass, CameraStatus, Dataset, GridKind, HouseholdStatus, RegionLevel,
    ResidenceType, WorkerRole,
};
use strum::VariantArray;

fn seven() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| generate(7))
}

fn area(m: &MultiPolygon<f64>) -> f64 {
    m.unsigned_area()
}

fn union_all(parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let mut acc = MultiPolygon::<f64>(vec![]);
    for p in parts {
        acc = acc.union(*p);
    }
    acc
}

fn communities(ds: &Dataset) -> Vec<&crate::model::RegionRecord> {
    ds.regions
        .iter()
        .filter(|r| r.level == RegionLevel::Community)
        .collect()
}

fn households_per_grid(ds: &Dataset) -> BTreeMap<&str, i32> {
    let mut per: BTreeMap<&str, i32> = ds.grids.iter().map(|g| (g.source_id.as_str(), 0)).collect();
    for b in &ds.buildings {
        let n = b.households.map_or(0, |h| h.value());
        *per.get_mut(b.grid.as_deref().unwrap()).unwrap() += n;
    }
    per
}

#[test]
fn deterministic_by_seed() {
    let a = format!("{:?}", generate(7));
    let b = format!("{:?}", seven());
    assert_eq!(a, b);
    let c = generate(8);
    assert_ne!(format!("{c:?}"), b);
    let fa: Vec<_> = seven().buildings.iter().map(|b| &b.footprint).collect();
    let fc: Vec<_> = c.buildings.iter().map(|b| &b.footprint).collect();
    assert_ne!(fa, fc, "different seeds give different layouts");
}

#[test]
fn regions_form_a_hierarchy() {
    let ds = seven();
    assert_eq!(ds.source, "demo");
    let district: Vec<_> = ds
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::District)
        .collect();
    let street: Vec<_> = ds
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Street)
        .collect();
    assert_eq!((district.len(), street.len()), (1, 1));
    let (district, street) = (district[0], street[0]);
    assert_eq!(district.code.as_deref(), Some("510199"));
    assert_eq!(street.code.as_deref(), Some("510199001"));
    assert!(street.name.ends_with("街道"));
    assert_eq!(street.parent.as_deref(), Some(district.source_id.as_str()));
    let comms = communities(ds);
    assert!(
        (6..=10).contains(&comms.len()),
        "{} communities",
        comms.len()
    );
    for c in &comms {
        assert_eq!(c.parent.as_deref(), Some(street.source_id.as_str()));
        let code = c.code.as_deref().unwrap();
        assert_eq!(code.len(), 12);
        assert!(code.starts_with("510199001"));
        assert!(c.name.ends_with("社区"));
    }
    // The street is the union of its communities; the district contains the street.
    let street_area = area(&street.boundary);
    let union = union_all(&comms.iter().map(|c| &c.boundary).collect::<Vec<_>>());
    let diff = area(&union.xor(&street.boundary));
    assert!(diff / street_area < 1e-6, "street vs communities: {diff}");
    let sum: f64 = comms.iter().map(|c| area(&c.boundary)).sum();
    assert!((sum - street_area).abs() / street_area < 1e-6);
    assert!(area(&street.boundary.difference(&district.boundary)) / street_area < 1e-9);
    // Plausible place: Chengdu.
    let bbox = street.boundary.bounding_rect().unwrap();
    assert!(bbox.min().x > 103.9 && bbox.max().x < 104.25);
    assert!(bbox.min().y > 30.5 && bbox.max().y < 30.75);
}

#[test]
fn grids_tile_their_community() {
    let ds = seven();
    for c in communities(ds) {
        let code = c.code.as_deref().unwrap();
        let grids: Vec<_> = ds
            .grids
            .iter()
            .filter(|g| g.community == c.source_id)
            .collect();
        assert!(grids.len() >= 2);
        let ca = area(&c.boundary);
        let sum: f64 = grids.iter().map(|g| area(&g.boundary)).sum();
        assert!((sum - ca).abs() / ca < 1e-6, "{}: {sum} vs {ca}", c.name);
        for (i, a) in grids.iter().enumerate() {
            for b in &grids[i + 1..] {
                let overlap = area(&a.boundary.intersection(&b.boundary));
                assert!(overlap / ca < 1e-9, "{} overlaps {}", a.code, b.code);
            }
        }
        let union = union_all(&grids.iter().map(|g| &g.boundary).collect::<Vec<_>>());
        assert!(area(&union.xor(&c.boundary)) / ca < 1e-6, "{}", c.name);
        for g in ds.grids.iter().filter(|g| g.community == c.source_id) {
            assert_eq!(g.code.len(), code.len() + 3);
            assert!(g.code.starts_with(code));
            assert!(g.code[code.len()..].chars().all(|ch| ch.is_ascii_digit()));
            assert!(g.name.starts_with(&c.name));
            if g.kind == GridKind::Virtual {
                assert!(c.boundary.contains(&g.boundary));
            }
        }
    }
    let codes: BTreeSet<_> = ds.grids.iter().map(|g| &g.code).collect();
    assert_eq!(codes.len(), ds.grids.len());
}

#[test]
fn every_geometry_is_valid() {
    let ds = seven();
    for r in &ds.regions {
        assert!(r.boundary.is_valid(), "{}", r.name);
    }
    for g in &ds.grids {
        assert!(g.boundary.is_valid(), "{}", g.code);
    }
    for b in &ds.buildings {
        assert!(b.footprint.is_valid(), "{}", b.source_id);
    }
    for l in &ds.barriers {
        assert!(l.geometry.is_valid(), "{}", l.source_id);
    }
    for c in &ds.cameras {
        assert!(c.location.is_valid());
    }
    for a in &ds.addresses {
        assert!(a.location.is_valid());
    }
}

#[test]
fn buildings_sit_inside_their_grid_and_community() {
    let ds = seven();
    let grids: BTreeMap<_, _> = ds.grids.iter().map(|g| (g.source_id.as_str(), g)).collect();
    let regions: BTreeMap<_, _> = ds
        .regions
        .iter()
        .map(|r| (r.source_id.as_str(), r))
        .collect();
    for b in &ds.buildings {
        let grid = grids[b.grid.as_deref().unwrap()];
        let community = b.community.as_deref().unwrap();
        assert_eq!(grid.community, community);
        assert!(grid.boundary.contains(&b.footprint), "{}", b.source_id);
        assert!(
            regions[community].boundary.contains(&b.footprint),
            "{}",
            b.source_id
        );
    }
}

/// Pairs of items whose bounding boxes meet (sweep along x).
fn candidate_pairs(boxes: &[Rect<f64>]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by(|&a, &b| boxes[a].min().x.total_cmp(&boxes[b].min().x));
    let mut pairs = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if boxes[j].min().x > boxes[i].max().x {
                break;
            }
            if boxes[i].intersects(&boxes[j]) {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

#[test]
fn footprints_overlap_neither_each_other_nor_roads() {
    let ds = seven();
    let boxes: Vec<Rect<f64>> = ds
        .buildings
        .iter()
        .map(|b| b.footprint.bounding_rect().unwrap())
        .collect();
    for (i, j) in candidate_pairs(&boxes) {
        let (a, b) = (&ds.buildings[i], &ds.buildings[j]);
        assert!(
            !a.footprint.intersects(&b.footprint),
            "{} meets {}",
            a.source_id,
            b.source_id
        );
    }
    for line in &ds.barriers {
        let lb = line.geometry.bounding_rect().unwrap();
        for (b, bb) in ds.buildings.iter().zip(&boxes) {
            if lb.intersects(bb) {
                assert!(
                    !line.geometry.intersects(&b.footprint),
                    "{} crosses {}",
                    line.name.as_deref().unwrap_or("?"),
                    b.source_id
                );
            }
        }
    }
}

#[test]
fn streets_have_roads_and_a_river() {
    let ds = seven();
    let classes: BTreeSet<_> = ds.barriers.iter().map(|b| b.class.as_str()).collect();
    for class in ["primary", "secondary", "tertiary", "river"] {
        assert!(classes.contains(class), "no {class}");
    }
    let street = ds
        .regions
        .iter()
        .find(|r| r.level == RegionLevel::Street)
        .unwrap();
    let river = ds.barriers.iter().find(|b| b.class == "river").unwrap();
    // The river crosses the street, with communities on both sides.
    assert!(river.geometry.intersects(&street.boundary));
    let inside = street.boundary.clip(&river.geometry, false);
    assert!(!inside.0.is_empty());
    let touching = communities(ds)
        .iter()
        .filter(|c| c.boundary.intersects(&river.geometry))
        .count();
    assert!(touching >= 2);
}

#[test]
fn standard_grids_hold_300_to_600_households() {
    let ds = seven();
    let per = households_per_grid(ds);
    for g in &ds.grids {
        let n = per[g.source_id.as_str()];
        match g.kind {
            GridKind::Standard => assert!((300..=600).contains(&n), "{}: {n}", g.code),
            _ => assert_eq!(n, 0, "{}", g.code),
        }
    }
    let total: i32 = per.values().sum();
    assert!((15_000..=30_000).contains(&total), "{total}");
    assert_eq!(total as usize, ds.households.len());
}

#[test]
fn households_and_people_are_consistent() {
    let ds = seven();
    let mut per_building: BTreeMap<&str, i32> = BTreeMap::new();
    let mut rooms = BTreeSet::new();
    for h in &ds.households {
        *per_building.entry(h.building.as_str()).or_default() += 1;
        assert!(rooms.insert((h.building.as_str(), h.room.as_str())));
        assert!(h.floating <= h.residents);
        if h.status == HouseholdStatus::Vacant {
            assert_eq!(h.residents, 0);
        } else {
            assert!((1..=5).contains(&h.residents));
        }
    }
    for b in &ds.buildings {
        let n = b.households.unwrap().value();
        assert_eq!(n, *per_building.get(b.source_id.as_str()).unwrap_or(&0));
        if matches!(
            b.building_use,
            BuildingUse::Public | BuildingUse::Commercial
        ) {
            assert_eq!(n, 0);
        }
        assert_eq!(b.height_m, Some(f64::from(b.floors.unwrap()) * 3.0));
    }
    // People match their household.
    let mut members: BTreeMap<(&str, &str), Vec<&crate::model::PersonRecord>> = BTreeMap::new();
    for p in &ds.people {
        members
            .entry((p.building.as_str(), p.room.as_str()))
            .or_default()
            .push(p);
    }
    for h in &ds.households {
        let m = members
            .remove(&(h.building.as_str(), h.room.as_str()))
            .unwrap_or_default();
        assert_eq!(m.len() as i32, h.residents, "{}", h.room);
        let floating = m
            .iter()
            .filter(|p| p.residence_type == ResidenceType::Floating)
            .count();
        assert_eq!(floating as i32, h.floating);
        if h.residents > 0 {
            let heads = m
                .iter()
                .filter(|p| p.relation.as_deref() == Some("户主"))
                .count();
            assert_eq!(heads, 1, "{}", h.room);
        }
    }
    assert!(members.is_empty(), "people without a household");
    // Status mix.
    let n = ds.households.len() as f64;
    let share = |s| ds.households.iter().filter(|h| h.status == s).count() as f64 / n;
    assert!((share(HouseholdStatus::OwnerOccupied) - 0.65).abs() < 0.03);
    assert!((share(HouseholdStatus::Rented) - 0.25).abs() < 0.03);
    assert!((share(HouseholdStatus::Vacant) - 0.10).abs() < 0.03);
    let tags: BTreeSet<_> = ds.people.iter().flat_map(|p| &p.care_tags).collect();
    for tag in ["独居老人", "留守儿童", "残疾人"] {
        assert!(tags.contains(&tag.to_string()), "no {tag}");
    }
}

#[test]
fn room_labels_follow_building_unit_floor_door() {
    let ds = seven();
    let numbers: BTreeMap<_, _> = ds
        .buildings
        .iter()
        .map(|b| (b.source_id.as_str(), b.address.building_no.as_deref()))
        .collect();
    for h in &ds.households {
        let no = numbers[h.building.as_str()].unwrap();
        let prefix = format!("{no}-{}-{}", h.unit.unwrap(), h.floor.unwrap());
        assert!(h.room.starts_with(&prefix), "{}", h.room);
        assert_eq!(h.room.len(), prefix.len() + 2);
    }
}

#[test]
fn identities_are_obviously_fictitious() {
    let ds = seven();
    let mut ids = BTreeSet::new();
    for p in &ds.people {
        let id = &p.id_number;
        assert_eq!(id.len(), 18);
        assert!(id.starts_with("990000"));
        assert_eq!(id.chars().last().unwrap(), check_digit(&id[..17]));
        assert_eq!(&id[6..10], p.birth_year.unwrap().to_string());
        let male = id[16..17].parse::<u32>().unwrap() % 2 == 1;
        assert_eq!(p.sex.as_deref(), Some(if male { "M" } else { "F" }));
        assert!(ids.insert(id.clone()), "duplicate {id}");
        assert!(p.name.contains("示例"));
        if let Some(phone) = &p.phone {
            assert!(phone.starts_with("1990000") && phone.len() == 11);
        }
    }
    for w in &ds.workers {
        assert!(w.name.contains("示例"));
        assert!(w.phone.as_deref().unwrap().starts_with("1990000"));
    }
    // The published check digit of a known example.
    assert_eq!(check_digit("11010519491231002"), 'X');
}

#[test]
fn cameras_and_workers_cover_every_class_and_role() {
    let ds = seven();
    let classes: BTreeSet<_> = ds.cameras.iter().filter_map(|c| c.class).collect();
    assert_eq!(classes.len(), CameraClass::VARIANTS.len(), "{classes:?}");
    let statuses: BTreeSet<_> = ds.cameras.iter().map(|c| c.status).collect();
    assert!(statuses.contains(&CameraStatus::Online) && statuses.len() >= 3);
    for c in &ds.cameras {
        assert!((60.0..=110.0).contains(&c.fov_deg.unwrap()));
        assert!((30.0..=80.0).contains(&c.range_m.unwrap()));
        assert!((0.0..360.0).contains(&c.direction_deg.unwrap()));
        assert!(c.stream_url.is_none());
    }
    let roles: BTreeSet<_> = ds.workers.iter().map(|w| w.role).collect();
    assert_eq!(roles.len(), WorkerRole::VARIANTS.len());
    let grid_ids: BTreeSet<_> = ds.grids.iter().map(|g| g.source_id.as_str()).collect();
    for g in &ds.grids {
        for role in [WorkerRole::GridManager, WorkerRole::Assistant] {
            assert!(ds
                .workers
                .iter()
                .any(|w| w.role == role && w.grids == [g.source_id.clone()]));
        }
    }
    for w in &ds.workers {
        assert!(!w.grids.is_empty());
        assert!(w.grids.iter().all(|g| grid_ids.contains(g.as_str())));
    }
    let uses: BTreeSet<_> = ds
        .buildings
        .iter()
        .map(|b| (b.building_use, b.building_type.as_deref().unwrap()))
        .collect();
    for wanted in [
        (BuildingUse::Public, "school"),
        (BuildingUse::Commercial, "retail"),
        (BuildingUse::Residential, "apartments"),
    ] {
        assert!(uses.contains(&wanted), "no {wanted:?}");
    }
    assert!(ds
        .buildings
        .iter()
        .any(|b| b.building_use == BuildingUse::Mixed));
}

#[test]
fn source_ids_are_unique_and_resolve() {
    let ds = seven();
    let mut ids = BTreeSet::new();
    for id in ds
        .regions
        .iter()
        .map(|r| &r.source_id)
        .chain(ds.grids.iter().map(|g| &g.source_id))
        .chain(ds.buildings.iter().map(|b| &b.source_id))
        .chain(ds.cameras.iter().map(|c| &c.source_id))
        .chain(ds.workers.iter().map(|w| &w.source_id))
        .chain(ds.barriers.iter().map(|b| &b.source_id))
        .chain(ds.addresses.iter().map(|a| &a.source_id))
    {
        assert!(ids.insert(id.as_str()), "duplicate {id}");
    }
    for a in &ds.addresses {
        assert!(ids.contains(a.building.as_deref().unwrap()));
        assert!(!a.address.is_empty());
    }
}

/// Cheaper invariants over many seeds.
#[test]
fn many_seeds_keep_the_invariants() {
    for seed in 0..12 {
        let ds = generate(seed);
        let comms = communities(&ds).len();
        assert!((6..=10).contains(&comms), "seed {seed}: {comms}");
        for (g, n) in households_per_grid(&ds) {
            let grid = ds.grids.iter().find(|x| x.source_id == g).unwrap();
            if grid.kind == GridKind::Standard {
                assert!((300..=600).contains(&n), "seed {seed} {g}: {n}");
            }
        }
        assert!((15_000..=30_000).contains(&ds.households.len()));
        let grids: BTreeMap<_, _> = ds.grids.iter().map(|g| (g.source_id.as_str(), g)).collect();
        for b in &ds.buildings {
            let grid = grids[b.grid.as_deref().unwrap()];
            assert!(
                grid.boundary.contains(&b.footprint),
                "seed {seed} {}",
                b.source_id
            );
        }
        let classes: BTreeSet<_> = ds.cameras.iter().filter_map(|c| c.class).collect();
        assert_eq!(classes.len(), 5, "seed {seed}");
        for t in ["school", "retail", "hotel", "civic"] {
            assert!(
                ds.buildings
                    .iter()
                    .any(|b| b.building_type.as_deref() == Some(t)),
                "seed {seed}: no {t}"
            );
        }
    }
}
