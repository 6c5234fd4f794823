//! The whole run: pinned grids and oversized buildings first, then every connected part of
//! the rest on its own (cold or warm), then labels, statistics and issues.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::super::Graph;
use super::cold::cold;
use super::count::{counts, fewer, more, next_count, Counts};
use super::issues::{provably_infeasible, stranded};
use super::labels::{labels, main_claim, Out};
use super::local::{node_moves, pair_moves};
use super::metrics::{grid_issues, grid_stats};
use super::part::{Cfg, Part};
use super::repair::repair;
use super::sub::{effective_perimeters, Sub, NONE};
use super::warm::{households_moved, init, WarmData};
use super::{Issue, Mode, Params, Solution, WarmStart};

/// Weight of the balance term (Target mode).
const BETA: f64 = 0.1;
/// Cost per household away from its warm-start grid, in Polsby–Popper units.
const LAMBDA: f64 = 0.005;
/// Cold-start grid counts tried per part.
const ATTEMPTS: usize = 4;
/// Pair re-split rounds.
const SWEEPS: usize = 3;

/// Cold starts with the grid counts `c` suggests, each repaired, until one meets the
/// bounds; loads the best and returns its households outside the bounds.
fn cold_attempts(part: &mut Part, rng: &mut ChaCha8Rng, c: &Counts) -> u64 {
    let mut best: Option<(u64, Vec<u32>, Vec<u32>)> = None;
    let mut k = c.first;
    let mut tried = Vec::new();
    for attempt in 0..ATTEMPTS {
        if tried.contains(&k) {
            break;
        }
        tried.push(k);
        cold(part, rng, k, c.dir);
        repair(part, rng, 1.0);
        let v = part.total_viol();
        if best.as_ref().is_none_or(|b| v < b.0) {
            let (lab, idents) = part.snapshot();
            best = Some((v, lab, idents));
        }
        if v == 0 || c.range.is_none() {
            break;
        }
        k = next_count(c, part.alive_count() as u32, attempt + 1);
    }
    let (v, lab, idents) = best.expect("one attempt");
    part.load(lab, &idents);
    v
}

/// Gives the grids of a cold start the warm identities they share most households with
/// (one to one, largest first).
fn adopt_identities(part: &mut Part) {
    let mut overlap: Vec<(u64, u32, u32)> = Vec::new();
    for a in 0..part.grids.len() as u32 {
        let mut per: Vec<(u32, u64)> = Vec::new();
        for &v in &part.members[a as usize] {
            let w = part.warm[v as usize];
            if w == NONE {
                continue;
            }
            let h = u64::from(part.g.h[v as usize]) + 1;
            match per.iter_mut().find(|e| e.0 == w) {
                Some(e) => e.1 += h,
                None => per.push((w, h)),
            }
        }
        overlap.extend(per.into_iter().map(|(w, h)| (h, a, w)));
    }
    overlap.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut grid_done = vec![false; part.grids.len()];
    let mut ident_done: Vec<u32> = Vec::new();
    for (_, a, w) in overlap {
        if !grid_done[a as usize] && !ident_done.contains(&w) {
            part.grids[a as usize].ident = w;
            grid_done[a as usize] = true;
            ident_done.push(w);
        }
    }
}

/// Solves one connected part. Returns its grids and whether its grid count is infeasible.
fn solve_part(
    graph: &Graph,
    nodes: &[u32],
    eff: &[f64],
    params: &Params,
    wd: Option<&WarmData>,
    local: &mut [u32],
) -> (Vec<Out>, bool) {
    let sub = Sub::build(graph, nodes, eff, local);
    let m = sub.n();
    let (min, max) = (u64::from(params.min), u64::from(params.max));
    let c = counts(params.mode, sub.total_h, m, min, max);
    let positive: Vec<u64> = sub
        .h
        .iter()
        .filter(|&&h| h > 0)
        .map(|&h| u64::from(h))
        .collect();
    let infeasible =
        c.range.is_none() || provably_infeasible(&positive, min, max) || stranded(&sub, min, max);
    let warm: Vec<u32> = match wd {
        Some(wd) => sub.glob.iter().map(|&v| wd.id[v as usize]).collect(),
        None => vec![NONE; m],
    };
    let fixed: Vec<bool> = match wd {
        Some(wd) => sub.glob.iter().map(|&v| wd.fixed[v as usize]).collect(),
        None => vec![false; m],
    };
    let has_warm = warm.iter().any(|&w| w != NONE);
    let sum_e: f64 = sub.e.iter().sum();
    let cfg = Cfg {
        min,
        max,
        target: match params.mode {
            Mode::Target(t) => f64::from(t.max(1)),
            _ => 0.0,
        },
        beta: BETA,
        lambda: if has_warm { LAMBDA } else { 0.0 },
        eta: if sub.total_area > 0.0 || sum_e <= 0.0 {
            0.0
        } else {
            f64::from(c.first) / sum_e
        },
    };
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(u64::from(nodes[0]));
    let mut part = Part::new(&sub, &cfg, warm, fixed);
    let budget = 50 * m + 1000;
    if has_warm && init(&mut part) {
        repair(&mut part, &mut rng, 2.0 * LAMBDA);
        let v = part.total_viol();
        if v > 0 && !infeasible && part.fixed.iter().all(|&f| !f) {
            // The bounds come first: when the repair cannot meet them near the current plan,
            // a cold start may; its grids take the warm identities they overlap most.
            let (lab, idents) = part.snapshot();
            if cold_attempts(&mut part, &mut rng, &c) < v {
                adopt_identities(&mut part);
            } else {
                part.load(lab, &idents);
            }
        }
        node_moves(&mut part, &mut rng, None, budget);
    } else {
        if cold_attempts(&mut part, &mut rng, &c) == 0 {
            match params.mode {
                Mode::Most => {
                    more(&mut part, &mut rng);
                }
                Mode::Fewest => {
                    fewer(&mut part, &mut rng);
                }
                Mode::Target(_) => {}
            }
        }
        node_moves(&mut part, &mut rng, None, budget);
        pair_moves(&mut part, &mut rng, SWEEPS);
        node_moves(&mut part, &mut rng, None, budget);
    }
    let out = (0..part.grids.len())
        .filter(|&a| part.grids[a].alive)
        .map(|a| {
            let mut nodes: Vec<u32> = part.members[a]
                .iter()
                .map(|&v| sub.glob[v as usize])
                .collect();
            nodes.sort_unstable();
            Out {
                nodes,
                claim: part.grids[a].ident,
                strong: part.grids[a].fixed > 0,
            }
        })
        .collect();
    (out, infeasible)
}

/// Free-node components (ascending first node).
fn components(graph: &Graph, taken: &[bool]) -> Vec<Vec<u32>> {
    let n = graph.len();
    let mut seen = taken.to_vec();
    let mut out = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut comp = vec![s as u32];
        let mut k = 0;
        while k < comp.len() {
            let v = comp[k];
            k += 1;
            for &(u, _) in &graph.adjacency[v as usize] {
                if !seen[u as usize] {
                    seen[u as usize] = true;
                    comp.push(u);
                }
            }
        }
        comp.sort_unstable();
        out.push(comp);
    }
    out
}

pub(super) fn run(graph: &Graph, params: &Params, warm: Option<&WarmStart>) -> Solution {
    let n = graph.len();
    if n == 0 {
        return Solution {
            assignment: Vec::new(),
            grids: Vec::new(),
            issues: Vec::new(),
            households_moved: 0,
        };
    }
    let (min, max) = (u64::from(params.min), u64::from(params.max));
    let eff = effective_perimeters(graph);
    let wd = warm.map(|w| WarmData::new(graph, w));
    let wdr = wd.as_ref();
    let mut out: Vec<Out> = Vec::new();
    let mut issues: Vec<Issue> = Vec::new();
    let mut taken = vec![false; n];
    // Pinned grids keep exactly their nodes.
    if let Some(wd) = wdr {
        let mut by_id: Vec<Vec<u32>> = vec![Vec::new(); wd.raw.len()];
        for v in 0..n {
            if wd.in_pinned(v) {
                by_id[wd.id[v] as usize].push(v as u32);
                taken[v] = true;
            }
        }
        for (id, nodes) in by_id.into_iter().enumerate() {
            if !nodes.is_empty() {
                out.push(Out {
                    nodes,
                    claim: id as u32,
                    strong: true,
                });
            }
        }
    }
    // Buildings above the ceiling are grids of their own.
    let mut oversized_grid = vec![NONE; n];
    for (v, node) in graph.nodes.iter().enumerate() {
        if taken[v] || u64::from(node.households) <= max {
            continue;
        }
        taken[v] = true;
        oversized_grid[v] = out.len() as u32;
        let (claim, strong) = main_claim(graph, wdr, &[v as u32]);
        out.push(Out {
            nodes: vec![v as u32],
            claim,
            strong,
        });
        issues.push(Issue::OversizedBuilding {
            node: v as u32,
            households: node.households,
            units: node.units,
        });
    }
    let mut local = vec![NONE; n];
    for comp in components(graph, &taken) {
        let h: u64 = comp
            .iter()
            .map(|&v| u64::from(graph.nodes[v as usize].households))
            .sum();
        if h < min {
            // A piece below the floor that only the removal of an oversized building cut
            // off (not a component of the graph) joins that building's grid.
            let mut shared: Vec<(u32, f64)> = Vec::new();
            for &v in &comp {
                for &(u, l) in &graph.adjacency[v as usize] {
                    let o = oversized_grid[u as usize];
                    if o != NONE {
                        match shared.iter_mut().find(|e| e.0 == o) {
                            Some(e) => e.1 += l,
                            None => shared.push((o, l)),
                        }
                    }
                }
            }
            let best = shared.into_iter().reduce(|a, b| {
                if b.1 > a.1 || (b.1 == a.1 && b.0 < a.0) {
                    b
                } else {
                    a
                }
            });
            if let Some((o, _)) = best {
                let g = &mut out[o as usize];
                g.nodes.extend_from_slice(&comp);
                g.nodes.sort_unstable();
                continue;
            }
        }
        if h < min {
            let (claim, strong) = main_claim(graph, wdr, &comp);
            issues.push(Issue::SmallComponent {
                nodes: comp.clone(),
                households: h,
            });
            out.push(Out {
                nodes: comp,
                claim,
                strong,
            });
            continue;
        }
        let (grids, infeasible) = solve_part(graph, &comp, &eff, params, wdr, &mut local);
        if infeasible {
            issues.push(Issue::InfeasibleComponent {
                nodes: comp.clone(),
                households: h,
            });
        }
        out.extend(grids);
    }
    let assignment = labels(graph, wdr, &out);
    let k = assignment
        .iter()
        .map(|&a| a as usize + 1)
        .max()
        .unwrap_or(0);
    let grids = grid_stats(graph, &eff, &assignment, k);
    issues.extend(grid_issues(graph, &assignment, &grids, min, max));
    let households_moved = warm.map_or(0, |w| households_moved(graph, w, &assignment));
    Solution {
        assignment,
        grids,
        issues,
        households_moved,
    }
}
