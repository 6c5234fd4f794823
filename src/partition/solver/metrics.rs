//! Figures of a finished assignment: per-grid statistics and the checks behind
//! `OutOfBounds` and `NotContiguous`.

use std::f64::consts::PI;

use super::super::Graph;
use super::{GridStats, Issue};

/// Polsby–Popper compactness: 4π·area ÷ perimeter² (0 without a perimeter).
pub fn polsby_popper(area: f64, perimeter: f64) -> f64 {
    if perimeter > 1e-12 && area > 0.0 {
        4.0 * PI * area / (perimeter * perimeter)
    } else {
        0.0
    }
}

/// Statistics of every grid of `assignment` (labels `0..k`). `eff` holds the effective
/// cell perimeters (see `Sub::e`).
pub(super) fn grid_stats(
    graph: &Graph,
    eff: &[f64],
    assignment: &[u32],
    k: usize,
) -> Vec<GridStats> {
    let mut out: Vec<GridStats> = (0..k)
        .map(|_| GridStats {
            households: 0,
            nodes: 0,
            area_m2: 0.0,
            perimeter_m: 0.0,
            polsby_popper: 0.0,
        })
        .collect();
    for (v, node) in graph.nodes.iter().enumerate() {
        let s = &mut out[assignment[v] as usize];
        s.households += u64::from(node.households);
        s.nodes += 1;
        if node.area_m2.is_finite() && node.area_m2 > 0.0 {
            s.area_m2 += node.area_m2;
        }
        s.perimeter_m += eff[v];
        for &(u, l) in &graph.adjacency[v] {
            if (u as usize) > v
                && assignment[u as usize] == assignment[v]
                && l.is_finite()
                && l > 0.0
            {
                s.perimeter_m -= 2.0 * l;
            }
        }
    }
    for s in &mut out {
        s.perimeter_m = s.perimeter_m.max(0.0);
        s.polsby_popper = polsby_popper(s.area_m2, s.perimeter_m);
    }
    out
}

/// Labels whose nodes are not connected in the graph.
pub(super) fn disconnected(graph: &Graph, assignment: &[u32], k: usize) -> Vec<u32> {
    let n = graph.len();
    let mut first = vec![u32::MAX; k];
    let mut count = vec![0usize; k];
    for (v, &a) in assignment.iter().enumerate() {
        let a = a as usize;
        if first[a] == u32::MAX {
            first[a] = v as u32;
        }
        count[a] += 1;
    }
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for a in 0..k {
        if first[a] == u32::MAX {
            continue;
        }
        let s = first[a];
        seen[s as usize] = true;
        stack.push(s);
        let mut reached = 0;
        while let Some(v) = stack.pop() {
            reached += 1;
            for &(u, _) in &graph.adjacency[v as usize] {
                if !seen[u as usize] && assignment[u as usize] as usize == a {
                    seen[u as usize] = true;
                    stack.push(u);
                }
            }
        }
        if reached != count[a] {
            out.push(a as u32);
        }
    }
    out
}

/// `OutOfBounds` and `NotContiguous` issues of a finished assignment.
pub(super) fn grid_issues(
    graph: &Graph,
    assignment: &[u32],
    stats: &[GridStats],
    min: u64,
    max: u64,
) -> Vec<Issue> {
    let mut out = Vec::new();
    for (g, s) in stats.iter().enumerate() {
        if s.households < min || s.households > max {
            out.push(Issue::OutOfBounds {
                grid: g as u32,
                households: s.households,
            });
        }
    }
    for g in disconnected(graph, assignment, stats.len()) {
        out.push(Issue::NotContiguous { grid: g });
    }
    out
}
