//! Property tests on generated instances (see `gen`).

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::super::Graph;
use super::gen::{edit, lattice, voronoi, Mix, Shape};
use super::{solve, Issue, Mode, Params, Solution, WarmStart};

/// What a check found.
#[derive(Debug, Default, Clone)]
struct Report {
    grids: usize,
    mean_pp: f64,
    /// Grids outside the bounds that no other issue explains.
    unexplained: usize,
    out_of_bounds: usize,
}

fn contiguous(g: &Graph, sol: &Solution, label: u32) -> bool {
    let nodes: Vec<usize> = (0..g.len()).filter(|&v| sol.assignment[v] == label).collect();
    let mut seen = vec![false; g.len()];
    let mut stack = vec![nodes[0]];
    seen[nodes[0]] = true;
    let mut count = 0;
    while let Some(v) = stack.pop() {
        count += 1;
        for &(u, _) in &g.adjacency[v] {
            if !seen[u as usize] && sol.assignment[u as usize] == label {
                seen[u as usize] = true;
                stack.push(u as usize);
            }
        }
    }
    count == nodes.len()
}

/// Checks the invariants every solution must meet.
fn check(g: &Graph, p: &Params, sol: &Solution) -> Report {
    let n = g.len();
    assert_eq!(sol.assignment.len(), n, "every node assigned");
    let k = sol.grids.len();
    let mut hh = vec![0u64; k];
    let mut cnt = vec![0u32; k];
    for v in 0..n {
        let a = sol.assignment[v] as usize;
        assert!(a < k, "label {a} out of range {k}");
        hh[a] += u64::from(g.nodes[v].households);
        cnt[a] += 1;
    }
    let (min, max) = (u64::from(p.min), u64::from(p.max));
    let mut rep = Report { grids: k, ..Report::default() };
    for a in 0..k {
        assert!(cnt[a] > 0, "label {a} unused: labels must be dense");
        assert_eq!(sol.grids[a].households, hh[a]);
        assert_eq!(sol.grids[a].nodes, cnt[a]);
        rep.mean_pp += sol.grids[a].polsby_popper / k as f64;
        let oob = hh[a] < min || hh[a] > max;
        let reported = sol.issues.contains(&Issue::OutOfBounds { grid: a as u32, households: hh[a] });
        assert_eq!(oob, reported, "grid {a} ({} households) out of bounds must be reported, and only then", hh[a]);
        if oob {
            rep.out_of_bounds += 1;
            let members: Vec<u32> = (0..n as u32).filter(|&v| sol.assignment[v as usize] == a as u32).collect();
            let explained = sol.issues.iter().any(|i| match i {
                Issue::OversizedBuilding { node, .. } => members.contains(node),
                Issue::SmallComponent { nodes, .. } => nodes.iter().all(|v| members.contains(v)),
                Issue::InfeasibleComponent { nodes, .. } => members.iter().all(|v| nodes.contains(v)),
                _ => false,
            });
            if !explained {
                rep.unexplained += 1;
            }
        }
        let cont = contiguous(g, sol, a as u32);
        assert_eq!(!cont, sol.issues.contains(&Issue::NotContiguous { grid: a as u32 }), "grid {a} contiguity");
    }
    for i in &sol.issues {
        if let Issue::OversizedBuilding { node, households, .. } = i {
            assert_eq!(*households, g.nodes[*node as usize].households);
            assert!(u64::from(*households) > max);
        }
    }
    rep
}

/// A random instance of about `n` nodes: its kind chosen by the seed.
fn instance(seed: u64, n: usize) -> (Graph, Mix, &'static str) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mix = match rng.gen_range(0..3) {
        0 => Mix::CITY,
        1 => Mix::TOWERS,
        _ => Mix::VILLAGE,
    };
    let side = (n as f64).sqrt().round() as usize;
    match rng.gen_range(0..5) {
        0 => (lattice(&mut rng, side, side, 0.0, mix), mix, "lattice4"),
        1 => (lattice(&mut rng, side, side, 1.0, mix), mix, "lattice8"),
        2 => (lattice(&mut rng, side + 3, side.saturating_sub(3).max(2), 0.4, mix), mix, "lattice+diag"),
        3 => (voronoi(&mut rng, n, Shape::default(), mix), mix, "voronoi"),
        _ => {
            let shape = Shape { lake: rng.gen(), river: rng.gen(), island: rng.gen() };
            (voronoi(&mut rng, n, shape, mix), mix, "voronoi+shape")
        }
    }
}

fn params(mode: Mode, seed: u64) -> Params {
    Params { min: 300, max: 600, mode, seed }
}

#[test]
fn explore() {
    for (n, mix) in [(2000, Mix::CITY), (2000, Mix::TOWERS), (2000, Mix::VILLAGE), (10000, Mix::CITY)] {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let g = voronoi(&mut rng, n, Shape::default(), mix);
        for mode in [Mode::Target(450), Mode::Most, Mode::Fewest] {
            let p = params(mode, 1);
            let t = Instant::now();
            let sol = solve(&g, &p, None);
            let dt = t.elapsed();
            let r = check(&g, &p, &sol);
            let h: u64 = g.nodes.iter().map(|x| u64::from(x.households)).sum();
            println!(
                "n={n} H={h} {mode:?}: k={} pp={:.3} oob={} unexpl={} {:.1} ms",
                r.grids,
                r.mean_pp,
                r.out_of_bounds,
                r.unexplained,
                dt.as_secs_f64() * 1e3
            );
        }
    }
}

#[allow(dead_code)]
fn unused(_: WarmStart, _: fn(&mut ChaCha8Rng, &Graph, f64, Mix) -> (Graph, Vec<usize>)) {
    let _ = edit;
}
