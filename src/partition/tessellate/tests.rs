use std::time::Instant;

use geo::{
    unary_union, BooleanOps, Contains, Coord, LineString, MultiLineString, MultiPolygon, Point,
    Polygon, Validation,
};
use rand::{Rng, SeedableRng};

use super::*;

const LON: f64 = 116.33;
const LAT: f64 = 39.99;

/// Longitude/latitude of the point `(x, y)` metres east/north of (LON, LAT), through the
/// local plane about (LON, LAT) (affine: straight lines in these metres are straight in
/// longitude/latitude). Tessellate's own plane is about the community's interior point,
/// so figures in its metres differ from these by up to ~10⁻⁵ relative: tests compare
/// measurements made in `t.plane` with each other.
fn ll(x: f64, y: f64) -> Coord<f64> {
    let p = LocalPlane::about(LON, LAT).unwrap();
    let (lon, lat) = p.unproject(x, y);
    Coord { x: lon, y: lat }
}

/// A polygon from local-metre points (counter-clockwise), in longitude/latitude.
fn poly(pts: &[(f64, f64)]) -> Polygon<f64> {
    let mut c: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| ll(x, y)).collect();
    c.push(c[0]);
    Polygon::new(LineString::new(c), Vec::new())
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    poly(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]).into()
}

fn site(fp: MultiPolygon<f64>) -> Site {
    Site {
        footprint: fp,
        households: 10,
        units: None,
    }
}

fn square(cx: f64, cy: f64, half: f64) -> Site {
    site(rect(cx - half, cy - half, cx + half, cy + half))
}

fn zone(t: &Tessellation) -> LocalPlane {
    t.plane
}

/// Perimeter in `p`'s metres of a longitude/latitude multipolygon.
fn perimeter(p: &LocalPlane, mp: &MultiPolygon<f64>) -> f64 {
    use geo::{Euclidean, Length};
    let mut m = mp.clone();
    p.forward(&mut m);
    m.iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .map(|r| Euclidean.length(r))
        .sum()
}

fn polygons(mps: &[MultiPolygon<f64>]) -> Vec<Polygon<f64>> {
    mps.iter().flatten().cloned().collect()
}

/// Graph invariants, valid cells, node areas, and exact tiling of the community: the cell
/// areas sum to the community's, and their union is the community.
fn check_tiling(t: &Tessellation, community: &MultiPolygon<f64>) {
    t.graph.check().unwrap();
    assert_eq!(t.graph.len(), t.cells.len());
    let p = zone(t);
    let want = p.area_m2(community);
    let mut sum = 0.0;
    for (i, c) in t.cells.iter().enumerate() {
        assert!(c.is_valid(), "cell {i} invalid: {:?}", c.check_validation());
        let a = p.area_m2(c);
        let node = &t.graph.nodes[i];
        assert!(
            (a - node.area_m2).abs() <= 1e-6 * a.max(1.0),
            "cell {i}: {a} vs node {}",
            node.area_m2
        );
        assert!(node.perimeter_m >= 0.0 && node.x.is_finite() && node.y.is_finite());
        sum += a;
    }
    assert!(
        (sum - want).abs() <= 1e-12 * want,
        "cells sum to {sum} m², community {want} m²"
    );
    // Exact union (shared edges cancel, union.rs): its area is the community's and every
    // vertex lies on the community boundary.
    let all = grid_boundaries(t, &vec![0; t.cells.len()], 1).remove(0);
    assert!(all.is_valid(), "{:?}", all.check_validation());
    let ua = p.area_m2(&all);
    assert!(
        (ua - want).abs() <= 1e-12 * want,
        "union of cells {ua} m² vs community {want} m²"
    );
    let off = off_boundary(&p, &all, community);
    assert!(
        off <= 1e-6,
        "a vertex of the union lies {off} m off the community boundary"
    );
    // And by geo's boolean operations, which snap to an integer grid (i_overlay) and carry
    // a relative error of ~10⁻⁹ of their own.
    let union = unary_union(&polygons(&t.cells));
    let xor = p.area_m2(&union.xor(community));
    eprintln!(
        "tiling: cells sum {:.1e}, exact union {:.1e}, off boundary {off:.1e} m, geo xor {:.1e}",
        (sum - want).abs() / want,
        (ua - want).abs() / want,
        xor / want
    );
    assert!(
        xor <= 1e-8 * want,
        "union of cells and community differ by {xor} m² of {want} m²"
    );
}

/// The largest distance (m, in `p`) from a vertex of `mp` to the boundary of `community`.
fn off_boundary(p: &LocalPlane, mp: &MultiPolygon<f64>, community: &MultiPolygon<f64>) -> f64 {
    use geo::{Distance, Euclidean};
    let mut c = community.clone();
    p.forward(&mut c);
    let edges: Vec<geo::Line<f64>> = c
        .iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .flat_map(|r| r.lines())
        .collect();
    let mut m = mp.clone();
    p.forward(&mut m);
    m.iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .flat_map(|r| r.0.iter())
        .map(|v| {
            edges
                .iter()
                .map(|e| Euclidean.distance(&Point::from(*v), e))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

fn lattice_sites() -> Vec<Site> {
    let mut sites = Vec::new();
    for j in 0..10 {
        for i in 0..10 {
            sites.push(square(5.0 + 10.0 * i as f64, 5.0 + 10.0 * j as f64, 2.0));
        }
    }
    sites
}

#[test]
fn lattice_cells_are_the_lattice_squares() {
    let community = rect(0.0, 0.0, 100.0, 100.0);
    let t = tessellate(&community, &lattice_sites(), &[]).unwrap();
    check_tiling(&t, &community);
    let p = zone(&t);
    // The plane is about the community's interior point, at the lattice's middle.
    let (ox, oy) = p.project(ll(50.0, 50.0).x, ll(50.0, 50.0).y);
    assert!(ox.abs() < 1.0 && oy.abs() < 1.0, "origin at ({ox}, {oy})");
    for j in 0..10 {
        for i in 0..10 {
            let k = j * 10 + i;
            let node = &t.graph.nodes[k];
            let (cx, cy) = (5.0 + 10.0 * i as f64, 5.0 + 10.0 * j as f64);
            let sq = rect(cx - 5.0, cy - 5.0, cx + 5.0, cy + 5.0);
            let (want_a, want_p) = (p.area_m2(&sq), perimeter(&p, &sq));
            assert!((want_a - 100.0).abs() < 1e-2 && (want_p - 40.0).abs() < 1e-3);
            assert!(
                (node.area_m2 - want_a).abs() < 1e-6,
                "{k}: {}",
                node.area_m2
            );
            assert!(
                (node.perimeter_m - want_p).abs() < 1e-6,
                "{k}: {}",
                node.perimeter_m
            );
            let c = ll(cx, cy);
            let (wx, wy) = p.project(c.x, c.y);
            assert!((node.x - wx).abs() < 1e-6 && (node.y - wy).abs() < 1e-6);
            assert_eq!(t.cells[k].0.len(), 1);
            let diff = p.area_m2(&t.cells[k].xor(&sq));
            assert!(diff < 1e-4, "cell {k} differs from its square by {diff} m²");
            let mut want: Vec<u32> = Vec::new();
            if j > 0 {
                want.push((k - 10) as u32);
            }
            if i > 0 {
                want.push((k - 1) as u32);
            }
            if i < 9 {
                want.push((k + 1) as u32);
            }
            if j < 9 {
                want.push((k + 10) as u32);
            }
            let got: Vec<u32> = t.graph.adjacency[k].iter().map(|e| e.0).collect();
            assert_eq!(got, want, "neighbours of {k}");
            for &(_, len) in &t.graph.adjacency[k] {
                assert!((len - 10.0).abs() < 1e-3, "{k}: shared {len}");
            }
        }
    }
    assert_eq!(t.graph.components().len(), 1);
}

#[test]
fn concave_community_tiles_and_no_cell_crosses_the_gap() {
    // A U: the notch 40..60 × 30..100 is not part of the community.
    let u: MultiPolygon<f64> = poly(&[
        (0.0, 0.0),
        (100.0, 0.0),
        (100.0, 100.0),
        (60.0, 100.0),
        (60.0, 30.0),
        (40.0, 30.0),
        (40.0, 100.0),
        (0.0, 100.0),
    ])
    .into();
    let mut sites = Vec::new();
    let mut left = Vec::new();
    let mut right = Vec::new();
    for k in 0..6 {
        let y = 40.0 + 10.0 * k as f64;
        left.push(sites.len());
        sites.push(square(37.0, y, 1.5));
        left.push(sites.len());
        sites.push(square(10.0, y, 2.0));
        right.push(sites.len());
        sites.push(square(92.0, y, 2.0));
    }
    for k in 0..5 {
        sites.push(square(10.0 + 20.0 * k as f64, 10.0, 2.0));
    }
    let t = tessellate(&u, &sites, &[]).unwrap();
    check_tiling(&t, &u);
    let p = zone(&t);
    let left_arm = rect(1.0, 31.0, 39.0, 99.0);
    let right_arm = rect(61.0, 31.0, 99.0, 99.0);
    for (i, cell) in t.cells.iter().enumerate() {
        assert_eq!(cell.0.len(), 1, "cell {i} is in {} pieces", cell.0.len());
        let l = p.area_m2(&cell.intersection(&left_arm));
        let r = p.area_m2(&cell.intersection(&right_arm));
        assert!(
            l < 1e-6 || r < 1e-6,
            "cell {i} spans the gap ({l} m², {r} m²)"
        );
    }
    for &a in &left {
        for &(b, _) in &t.graph.adjacency[a] {
            assert!(
                !right.contains(&(b as usize)),
                "{a} and {b} adjacent across the gap"
            );
        }
    }
    // The Voronoi cells of the seeds at x = 37 reach x = 64.5, into the right arm: that
    // part went to the right arm's cells.
    assert_eq!(t.graph.components().len(), 1);
}

#[test]
fn hard_barrier_cuts_adjacency_and_soft_does_not() {
    let community = rect(0.0, 0.0, 100.0, 100.0);
    let line = MultiLineString::new(vec![LineString::new(vec![
        ll(-10.0, 50.0),
        ll(110.0, 50.0),
    ])]);
    let hard = [BarrierLine {
        line: line.clone(),
        hard: true,
    }];
    let t = tessellate(&community, &lattice_sites(), &hard).unwrap();
    check_tiling(&t, &community);
    let comps = t.graph.components();
    assert_eq!(comps.len(), 2);
    assert_eq!(comps[0], (0..50).collect::<Vec<u32>>());
    assert_eq!(comps[1], (50..100).collect::<Vec<u32>>());
    let soft = [BarrierLine { line, hard: false }];
    let t = tessellate(&community, &lattice_sites(), &soft).unwrap();
    assert_eq!(t.graph.components().len(), 1);
    assert_eq!(t.graph.adjacency[45].len(), 4);
}

#[test]
fn coincident_seeds_each_get_a_cell() {
    let community = rect(0.0, 0.0, 50.0, 50.0);
    let sites = vec![
        square(10.0, 10.0, 2.0),
        square(10.0, 10.0, 2.0),
        square(30.0, 30.0, 2.0),
        // Same interior point, different footprints.
        square(25.0, 40.0, 2.0),
        square(25.0, 40.0, 4.0),
        square(10.0, 10.0, 2.0),
    ];
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    for (i, n) in t.graph.nodes.iter().enumerate() {
        assert!(n.area_m2 > 1.0, "site {i}: {} m²", n.area_m2);
        assert_eq!(t.cells[i].0.len(), 1);
    }
    // Twins share a long boundary.
    assert!(t.graph.adjacency[0]
        .iter()
        .any(|&(j, len)| j == 1 && len > 5.0));
    assert!(t.graph.adjacency[3]
        .iter()
        .any(|&(j, len)| j == 4 && len > 5.0));
}

#[test]
fn one_two_and_collinear_sites() {
    let community = rect(0.0, 0.0, 100.0, 50.0);
    let t = tessellate(&community, &[square(20.0, 20.0, 2.0)], &[]).unwrap();
    check_tiling(&t, &community);
    let p = t.plane;
    assert!((t.graph.nodes[0].area_m2 - p.area_m2(&community)).abs() < 1e-6);
    assert!((t.graph.nodes[0].perimeter_m - perimeter(&p, &community)).abs() < 1e-6);
    assert!(t.graph.adjacency[0].is_empty());

    let t = tessellate(
        &community,
        &[square(25.0, 25.0, 2.0), square(75.0, 25.0, 2.0)],
        &[],
    )
    .unwrap();
    check_tiling(&t, &community);
    assert_eq!(t.graph.adjacency[0].len(), 1);
    assert!((t.graph.adjacency[0][0].1 - 50.0).abs() < 1e-3);

    let sites: Vec<Site> = (0..5)
        .map(|k| square(10.0 + 20.0 * k as f64, 25.0, 2.0))
        .collect();
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    for k in 0..5 {
        let strip = t
            .plane
            .area_m2(&rect(20.0 * k as f64, 0.0, 20.0 * (k + 1) as f64, 50.0));
        assert!((t.graph.nodes[k].area_m2 - strip).abs() < 1e-6);
        let deg = if k == 0 || k == 4 { 1 } else { 2 };
        assert_eq!(t.graph.adjacency[k].len(), deg);
        for &(_, len) in &t.graph.adjacency[k] {
            assert!((len - 50.0).abs() < 1e-3);
        }
    }

    // Collinear along a diagonal.
    let sites: Vec<Site> = (0..4)
        .map(|k| square(10.0 + 20.0 * k as f64, 5.0 + 12.0 * k as f64, 1.0))
        .collect();
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    assert_eq!(t.graph.components().len(), 1);
}

#[test]
fn community_with_a_hole() {
    let mut community = rect(0.0, 0.0, 100.0, 100.0);
    let hole = poly(&[(41.0, 41.0), (41.0, 43.5), (43.5, 43.5), (43.5, 41.0)]);
    community.0[0].interiors_push(hole.exterior().clone());
    let mut sites = lattice_sites();
    sites[44] = square(45.0, 45.0, 1.0);
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    assert_eq!(t.cells[44].0[0].interiors().len(), 1);
    assert!((t.graph.nodes[44].area_m2 - 93.75).abs() < 1e-3);
}

#[test]
fn straddling_and_outside_sites() {
    let community = rect(0.0, 0.0, 50.0, 50.0);
    // Mostly outside, but overlapping the community: seeded in the overlap.
    let sites = vec![square(10.0, 10.0, 2.0), site(rect(45.0, 20.0, 60.0, 30.0))];
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    let sites = vec![
        square(10.0, 10.0, 2.0),
        square(20.0, 20.0, 2.0),
        square(70.0, 20.0, 2.0),
    ];
    let err = tessellate(&community, &sites, &[]).unwrap_err();
    assert_eq!(err, TessellationError::SiteOutsideCommunity { index: 2 });
    assert!(err.to_string().contains("building 2"), "{err}");
}

#[test]
fn invalid_input_is_reported() {
    let community = rect(0.0, 0.0, 50.0, 50.0);
    let sites = vec![square(10.0, 10.0, 2.0)];
    assert_eq!(
        tessellate(&MultiPolygon::new(vec![]), &sites, &[]).unwrap_err(),
        TessellationError::EmptyCommunity
    );
    assert_eq!(
        tessellate(&community, &[], &[]).unwrap_err(),
        TessellationError::NoSites
    );
    let bowtie: MultiPolygon<f64> =
        poly(&[(0.0, 0.0), (50.0, 50.0), (50.0, 0.0), (0.0, 50.0)]).into();
    assert!(matches!(
        tessellate(&bowtie, &sites, &[]).unwrap_err(),
        TessellationError::InvalidCommunity(_)
    ));
    let nan = site(MultiPolygon::new(vec![Polygon::new(
        LineString::from(vec![
            (f64::NAN, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (f64::NAN, 0.0),
        ]),
        vec![],
    )]));
    assert!(matches!(
        tessellate(&community, &[square(5.0, 5.0, 1.0), nan], &[]).unwrap_err(),
        TessellationError::InvalidSite { index: 1, .. }
    ));
    let empty = site(MultiPolygon::new(vec![]));
    assert!(matches!(
        tessellate(&community, &[empty], &[]).unwrap_err(),
        TessellationError::InvalidSite { index: 0, .. }
    ));
}

#[test]
fn grid_boundaries_of_two_halves() {
    let community = rect(0.0, 0.0, 100.0, 100.0);
    let t = tessellate(&community, &lattice_sites(), &[]).unwrap();
    let assignment: Vec<u32> = (0..100).map(|k| u32::from(k % 10 >= 5)).collect();
    let grids = grid_boundaries(&t, &assignment, 2);
    assert_eq!(grids.len(), 2);
    let p = zone(&t);
    for g in &grids {
        assert!(g.is_valid(), "{:?}", g.check_validation());
        assert_eq!(g.0.len(), 1);
        assert!(g.0[0].interiors().is_empty());
    }
    for (g, x0) in grids.iter().zip([0.0, 50.0]) {
        let want = p.area_m2(&rect(x0, 0.0, x0 + 50.0, 100.0));
        assert!(
            (p.area_m2(g) - want).abs() < 1e-6,
            "{} vs {want}",
            p.area_m2(g)
        );
    }
    let want = p.area_m2(&community);
    assert!((p.area_m2(&grids[0]) + p.area_m2(&grids[1]) - want).abs() < 1e-6 * want);
    assert!(p.area_m2(&grids[0].intersection(&grids[1])) < 1e-6);
    assert!(p.area_m2(&grids[0].xor(&rect(0.0, 0.0, 50.0, 100.0))) < 1e-3);
}

#[test]
fn grid_boundaries_with_holes_corners_and_strays() {
    let community = rect(0.0, 0.0, 100.0, 100.0);
    let t = tessellate(&community, &lattice_sites(), &[]).unwrap();
    let p = zone(&t);
    // Grid 1: the central 2 × 2 cells; grid 0 surrounds it.
    let assignment: Vec<u32> = (0..100)
        .map(|k| u32::from((4..6).contains(&(k % 10)) && (4..6).contains(&(k / 10))))
        .collect();
    let grids = grid_boundaries(&t, &assignment, 3);
    assert!(grids[0].is_valid() && grids[1].is_valid());
    assert_eq!(grids[0].0.len(), 1);
    assert_eq!(grids[0].0[0].interiors().len(), 1);
    assert_eq!(grids[1].0.len(), 1);
    let centre = p.area_m2(&rect(40.0, 40.0, 60.0, 60.0));
    assert!((p.area_m2(&grids[1]) - centre).abs() < 1e-6);
    assert!((p.area_m2(&grids[0]) - (p.area_m2(&community) - centre)).abs() < 1e-6);
    assert!(grids[2].0.is_empty());
    // Checkerboard of the first 2 × 2 block: grid 0 is two cells meeting at a corner.
    let mut assignment = vec![1u32; 100];
    assignment[0] = 0;
    assignment[11] = 0;
    assignment[99] = 7; // beyond `grids`: left out
    let grids = grid_boundaries(&t, &assignment, 2);
    assert!(grids[0].is_valid(), "{:?}", grids[0].check_validation());
    assert_eq!(grids[0].0.len(), 2);
    assert!(grids[1].is_valid(), "{:?}", grids[1].check_validation());
    let want = p.area_m2(&community)
        - 2.0 * p.area_m2(&rect(0.0, 0.0, 10.0, 10.0))
        - p.area_m2(&rect(90.0, 90.0, 100.0, 100.0));
    assert!((p.area_m2(&grids[1]) - want).abs() < 1e-6);
}

/// A 1.5 km × 1 km community at (LON, LAT) with one random small rectangle in each of
/// `nx × ny` slots.
fn random_community(nx: usize, ny: usize, seed: u64) -> (MultiPolygon<f64>, Vec<Site>) {
    let (w, h) = (1500.0, 1000.0);
    let (sw, sh) = (w / nx as f64, h / ny as f64);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut sites = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            let bw = rng.gen_range(0.2..0.7) * sw;
            let bh = rng.gen_range(0.2..0.7) * sh;
            let x0 = i as f64 * sw + rng.gen_range(0.05..0.95 - bw / sw) * sw;
            let y0 = j as f64 * sh + rng.gen_range(0.05..0.95 - bh / sh) * sh;
            let mut s = site(rect(x0, y0, x0 + bw, y0 + bh));
            s.households = rng.gen_range(10..200);
            sites.push(s);
        }
    }
    (rect(0.0, 0.0, w, h), sites)
}

fn random_run(nx: usize, ny: usize) {
    let (community, sites) = random_community(nx, ny, 7);
    let start = Instant::now();
    let t = tessellate(&community, &sites, &[]).unwrap();
    let took = start.elapsed();
    let p = zone(&t);
    let (ox, _) = p.project(LON, LAT);
    let assignment: Vec<u32> = t
        .graph
        .nodes
        .iter()
        .map(|n| ((n.x - ox) / 300.0).floor().clamp(0.0, 4.0) as u32)
        .collect();
    let start = Instant::now();
    let grids = grid_boundaries(&t, &assignment, 5);
    let took_union = start.elapsed();
    println!(
        "{} sites: tessellate {:?}, grid_boundaries (5 grids) {:?} ({} build)",
        sites.len(),
        took,
        took_union,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    check_tiling(&t, &community);
    for (i, c) in t.cells.iter().enumerate() {
        assert_eq!(c.0.len(), 1, "cell {i}");
    }
    let want = p.area_m2(&community);
    let mut sum = 0.0;
    for g in &grids {
        assert!(g.is_valid());
        assert_eq!(g.0.len(), 1);
        sum += p.area_m2(g);
    }
    assert!((sum - want).abs() < 1e-6 * want);
    assert_eq!(t.graph.components().len(), 1);
    if !cfg!(debug_assertions) {
        assert!(took.as_secs_f64() < 1.0 * (sites.len() as f64 / 2000.0).max(1.0));
        assert!(took_union.as_secs_f64() < 1.0);
    }
}

#[test]
fn random_2000_buildings() {
    random_run(50, 40);
}

/// 10,000 buildings; run with `cargo test --release --lib partition::tessellate -- --ignored --nocapture`.
#[test]
#[ignore]
fn random_10000_buildings() {
    random_run(125, 80);
}

/// Grids grown breadth-first on the graph from `k` random starts: each is connected.
fn connected_grids(t: &Tessellation, k: usize, seed: u64) -> Vec<u32> {
    let n = t.graph.len();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut grid = vec![u32::MAX; n];
    let mut queues: Vec<std::collections::VecDeque<u32>> = Vec::new();
    for g in 0..k.min(n) {
        loop {
            let s = rng.gen_range(0..n);
            if grid[s] == u32::MAX {
                grid[s] = g as u32;
                queues.push([s as u32].into());
                break;
            }
        }
    }
    let mut active = true;
    while active {
        active = false;
        for (g, q) in queues.iter_mut().enumerate() {
            while let Some(v) = q.pop_front() {
                let next = t.graph.adjacency[v as usize]
                    .iter()
                    .find(|e| grid[e.0 as usize] == u32::MAX)
                    .map(|e| e.0);
                if let Some(w) = next {
                    grid[w as usize] = g as u32;
                    q.push_front(v);
                    q.push_back(w);
                    active = true;
                    break;
                }
            }
        }
    }
    grid
}

/// Tiling, and grid boundaries of connected grids: valid, one piece each, summing to the
/// community.
fn check_all(
    community: &MultiPolygon<f64>,
    sites: &[Site],
    grids: usize,
    seed: u64,
) -> Tessellation {
    let t = tessellate(community, sites, &[]).unwrap();
    check_tiling(&t, community);
    let p = zone(&t);
    let assignment = connected_grids(&t, grids, seed);
    let comps = t.graph.components();
    if comps.len() == 1 {
        for (i, c) in t.cells.iter().enumerate() {
            assert_eq!(c.0.len(), 1, "cell {i} is in {} pieces", c.0.len());
        }
    }
    let bounds = grid_boundaries(&t, &assignment, grids);
    let want = p.area_m2(community);
    let mut sum = 0.0;
    for (g, b) in bounds.iter().enumerate() {
        assert!(b.is_valid(), "grid {g}: {:?}", b.check_validation());
        if comps.len() == 1 && !b.0.is_empty() {
            assert_eq!(b.0.len(), 1, "grid {g} is in {} pieces", b.0.len());
        }
        sum += p.area_m2(b);
    }
    let covered: f64 = (0..t.graph.len())
        .filter(|&i| (assignment[i] as usize) < grids)
        .map(|i| p.area_m2(&t.cells[i]))
        .sum();
    assert!(
        (sum - covered).abs() <= 1e-6 * want,
        "grids {sum} vs cells {covered}"
    );
    t
}

#[test]
fn community_edges_along_voronoi_edges() {
    // A U whose notch runs along the lattice's cell boundaries (x = 40, x = 60, y = 30):
    // community edges nearly coincide with Voronoi edges.
    let u: MultiPolygon<f64> = poly(&[
        (0.0, 0.0),
        (100.0, 0.0),
        (100.0, 100.0),
        (60.0, 100.0),
        (60.0, 30.0),
        (40.0, 30.0),
        (40.0, 100.0),
        (0.0, 100.0),
    ])
    .into();
    let sites: Vec<Site> = lattice_sites()
        .into_iter()
        .enumerate()
        .filter(|(k, _)| !((4..6).contains(&(k % 10)) && k / 10 >= 3))
        .map(|(_, s)| s)
        .collect();
    let t = check_all(&u, &sites, 4, 1);
    for (i, n) in t.graph.nodes.iter().enumerate() {
        assert!((n.area_m2 - 100.0).abs() < 1e-3, "{i}: {}", n.area_m2);
        for &(_, len) in &t.graph.adjacency[i] {
            assert!((len - 10.0).abs() < 1e-3);
        }
    }
    // Same with the lattice shifted by half a cell: Voronoi vertices on the community edges.
    let sites: Vec<Site> = (0..10)
        .flat_map(|j| (0..10).map(move |i| (10.0 * i as f64, 10.0 * j as f64)))
        .filter(|&(x, y)| !(x > 40.0 && x < 60.0 && y > 30.0) && x > 0.0 && y > 0.0)
        .map(|(x, y)| square(x, y, 1.0))
        .collect();
    check_all(&u, &sites, 5, 2);
}

/// A star-shaped community around (500, 500) with `n` vertices, and a hole.
fn star(n: usize, rng: &mut rand_chacha::ChaCha8Rng) -> MultiPolygon<f64> {
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            let r = rng.gen_range(150.0..450.0);
            (500.0 + r * a.cos(), 500.0 + r * a.sin())
        })
        .collect();
    let mut p = poly(&pts);
    let hole = poly(&[
        (480.0, 480.0),
        (520.0, 470.0),
        (530.0, 520.0),
        (490.0, 530.0),
    ]);
    p.interiors_push(hole.exterior().clone());
    p.into()
}

#[test]
fn random_concave_communities() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for round in 0..6 {
        let community = star(12 + 8 * round, &mut rng);
        let mut sites = Vec::new();
        while sites.len() < 150 + 50 * round {
            let (x, y) = (rng.gen_range(50.0..950.0), rng.gen_range(50.0..950.0));
            let s = square(x, y, 1.0);
            if community.contains(&Point::from(ll(x, y))) {
                sites.push(s.clone());
                // Some duplicates and tight clusters.
                if rng.gen_bool(0.05) {
                    sites.push(s);
                }
                if rng.gen_bool(0.05) {
                    sites.push(square(x + 0.0005, y, 1.0));
                }
            }
        }
        check_all(&community, &sites, 3 + round, round as u64);
    }
}

#[test]
fn detailed_boundary() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    for nv in [1500usize, 8000] {
        let pts: Vec<(f64, f64)> = (0..nv)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / nv as f64;
                let r = 600.0 + 40.0 * (a * 7.0).sin() + rng.gen_range(0.0..3.0);
                (700.0 + r * a.cos(), 700.0 + r * a.sin())
            })
            .collect();
        let community: MultiPolygon<f64> = poly(&pts).into();
        let mut sites = Vec::new();
        while sites.len() < 2000 {
            let (x, y) = (rng.gen_range(50.0..1350.0), rng.gen_range(50.0..1350.0));
            if community.contains(&Point::from(ll(x, y))) {
                sites.push(square(x, y, 1.0));
            }
        }
        let start = Instant::now();
        let t = tessellate(&community, &sites, &[]).unwrap();
        println!("{nv} boundary vertices, 2000 sites: {:?}", start.elapsed());
        check_tiling(&t, &community);
        for c in &t.cells {
            assert_eq!(c.0.len(), 1);
        }
        // Swapping two vertices makes edges cross.
        let mut bad = pts.clone();
        bad.swap(10, 20);
        let bad: MultiPolygon<f64> = poly(&bad).into();
        let err = tessellate(&bad, &sites, &[]).unwrap_err();
        assert!(
            matches!(err, TessellationError::InvalidCommunity(_)),
            "{err}"
        );
    }
}

#[test]
fn multipart_community() {
    // Two blocks; buildings in both, then only in the first.
    let mut community = rect(0.0, 0.0, 60.0, 40.0);
    community.0.extend(rect(80.0, 0.0, 120.0, 40.0));
    let mut sites = vec![
        square(10.0, 10.0, 2.0),
        square(40.0, 30.0, 2.0),
        square(100.0, 20.0, 2.0),
    ];
    sites[1].units = Some(3);
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    assert_eq!(t.graph.nodes[1].units, Some(3));
    assert_eq!(t.cells[2].0.len(), 1);
    let block = t.plane.area_m2(&rect(80.0, 0.0, 120.0, 40.0));
    assert!((t.graph.nodes[2].area_m2 - block).abs() < 1e-6);
    assert_eq!(t.graph.components().len(), 2);
    sites.pop();
    let t = tessellate(&community, &sites, &[]).unwrap();
    check_tiling(&t, &community);
    // The second block touches no cell with a seed in it: it stays with the site whose
    // Voronoi cell covers it.
    assert_eq!(t.cells.iter().map(|c| c.0.len()).sum::<usize>(), 3);
}
