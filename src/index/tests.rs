use std::collections::HashMap;

use geo::{polygon, MultiPolygon, Validation};
use rand::{Rng, SeedableRng};

use super::synthetic::tessellation;
use super::*;
use crate::store::{Grid, Region};

fn grid(id: i64, community_id: i64, boundary: MultiPolygon<f64>) -> Grid {
    Grid {
        id,
        plan_id: 1,
        community_id,
        code: format!("G{id:03}"),
        name: format!("grid {id}"),
        kind: GridKind::Standard,
        provisional: false,
        source: "test".into(),
        source_id: format!("g{id}"),
        boundary,
    }
}

fn region(id: i64, parent_id: Option<i64>, level: RegionLevel) -> Region {
    Region {
        id,
        parent_id,
        level,
        name: format!("{level} {id}"),
        code: None,
        source: "t".into(),
        source_id: id.to_string(),
        boundary: MultiPolygon(vec![]),
    }
}

/// Grid 7 on the left of x = 1, grid 3 on the right, sharing the edge x = 1.
fn two_squares() -> GridIndex {
    let left = MultiPolygon(vec![
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
    ]);
    let right = MultiPolygon(vec![
        polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)],
    ]);
    let regions = vec![
        region(1, None, RegionLevel::District),
        region(2, Some(1), RegionLevel::Street),
        region(10, Some(2), RegionLevel::Community),
    ];
    GridIndex::build(
        5,
        vec![grid(7, 10, left), grid(3, 10, right)],
        regions,
        HashMap::new(),
    )
}

#[test]
fn inside_points_find_their_grid_and_outside_points_none() {
    let idx = two_squares();
    assert_eq!(idx.locate(0.5, 0.5).map(|g| g.id), Some(7));
    assert_eq!(idx.locate(1.5, 0.5).map(|g| g.id), Some(3));
    assert!(idx.locate(2.5, 0.5).is_none());
    assert!(idx.locate(-0.0001, 0.5).is_none());
    assert!(idx.locate(0.5, 1.0001).is_none());
}

#[test]
fn a_point_on_a_shared_edge_goes_to_the_lower_grid_id() {
    let idx = two_squares();
    for y in [0.0, 0.25, 0.5, 0.999, 1.0] {
        assert_eq!(idx.locate(1.0, y).map(|g| g.id), Some(3), "y = {y}");
        assert_eq!(idx.locate_uncached(1.0, y).map(|g| g.id), Some(3));
    }
    // The outer boundary belongs to its grid.
    assert_eq!(idx.locate(0.0, 0.5).map(|g| g.id), Some(7));
}

#[test]
fn responsible_walks_up_to_street_and_district() {
    let idx = two_squares();
    let r = idx.responsible(0.5, 0.5).unwrap();
    assert_eq!(r.grid.id, 7);
    assert_eq!(r.community.map(|c| c.id), Some(10));
    assert_eq!(r.street.map(|s| s.id), Some(2));
    assert_eq!(r.district.map(|d| d.id), Some(1));
    assert_eq!(idx.revision(), 5);
}

#[test]
fn a_hole_is_outside() {
    let holed = MultiPolygon(vec![polygon!(
        exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)],
        interiors: [[(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0), (x: 1.0, y: 1.0)]],
    )]);
    let idx = GridIndex::build(0, vec![grid(1, 1, holed)], vec![], HashMap::new());
    assert!(idx.locate(2.0, 2.0).is_none());
    assert_eq!(idx.locate(0.5, 2.0).map(|g| g.id), Some(1));
}

#[test]
fn synthetic_tessellation_is_valid_and_tiles_without_gaps() {
    use geo::Area;
    let t = tessellation(8, 0.01, 6, 116.0, 39.0, 1);
    assert_eq!(t.len(), 64);
    assert!(t.iter().all(|g| g.is_valid()));
    let total: f64 = t.iter().map(|g| g.unsigned_area()).sum();
    assert!((total - 0.08 * 0.08).abs() < 1e-12, "area {total}");
}

#[test]
fn the_cell_cache_agrees_with_exact_tests_everywhere() {
    let t = tessellation(30, 0.002, 8, 116.3, 39.9, 7);
    let grids = t
        .into_iter()
        .enumerate()
        .map(|(i, b)| grid(i as i64 + 1, 1, b))
        .collect();
    let idx = GridIndex::build(0, grids, vec![], HashMap::new());
    let (cells, fast) = idx.cache_stats();
    assert!(
        cells > 0 && fast * 2 > cells,
        "{fast} of {cells} cells answer without a polygon test"
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let mut found = 0;
    for _ in 0..50_000 {
        let lon = rng.gen_range(116.29..116.37);
        let lat = rng.gen_range(39.89..39.97);
        let a = idx.locate(lon, lat).map(|g| g.id);
        assert_eq!(
            a,
            idx.locate_uncached(lon, lat).map(|g| g.id),
            "({lon}, {lat})"
        );
        found += usize::from(a.is_some());
    }
    // The tessellation covers 0.06² of the 0.08² sampling box: about 56% of the points.
    assert!((25_000..31_000).contains(&found), "{found}");
    // Lattice vertices and edge points: shared by up to four grids, lowest id wins in both paths.
    for j in 0..=30 {
        for i in 0..=30 {
            let (lon, lat) = (116.3 + i as f64 * 0.002, 39.9 + j as f64 * 0.002);
            assert_eq!(
                idx.locate(lon, lat).map(|g| g.id),
                idx.locate_uncached(lon, lat).map(|g| g.id)
            );
        }
    }
}
