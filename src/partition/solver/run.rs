//! The whole run: pinned grids and oversized buildings first, then every connected part of
//! the rest on its own (cold or warm), then labels, statistics and issues.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::super::Graph;
use super::cold::cold;
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

/// A grid of the result before labelling: its nodes and the warm identity it claims.
struct Out {
    nodes: Vec<u32>,
    claim: u32,
    /// Holds pinned nodes (or is a pinned grid): keeps its claim whatever else claims it.
    strong: bool,
}

/// Grid counts to try for a part of `h` households with `m` nodes, and the direction in
/// which the bisection may adjust counts. None for the grid count range when infeasible.
fn counts(mode: Mode, h: u64, m: usize, min: u64, max: u64) -> (Vec<u32>, i32, bool) {
    let n_min = h.div_ceil(max.max(1)).max(1);
    let n_max = if min > 0 { h / min } else { m as u64 }.min(m as u64);
    if n_min > n_max {
        let over = h.saturating_sub(n_max.max(1) * max);
        let under = (n_min * min).saturating_sub(h);
        let k = if n_max == 0 || under < over { n_min.min(m as u64) } else { n_max };
        return (vec![k.max(1) as u32], 0, true);
    }
    let clamp = |k: i64| k.clamp(n_min as i64, n_max as i64);
    let (k0, dir) = match mode {
        Mode::Most => (n_max as i64, -1),
        Mode::Fewest => (n_min as i64, 1),
        Mode::Target(t) => {
            let k0 = clamp((h as f64 / f64::from(t.max(1))).round() as i64);
            let mid = clamp((2.0 * h as f64 / (min + max) as f64).round() as i64);
            (k0, (mid - k0).signum() as i32)
        }
    };
    let steps: [i64; ATTEMPTS] = [0, 1, 3, 7];
    let mut ks = Vec::new();
    for s in steps {
        let alt = if dir == 0 { [k0 + s, k0 - s] } else { [k0 + i64::from(dir) * s, i64::MIN] };
        for k in alt {
            if k == i64::MIN {
                continue;
            }
            let k = clamp(k) as u32;
            if !ks.contains(&k) {
                ks.push(k);
            }
        }
    }
    ks.truncate(ATTEMPTS);
    (ks, dir, false)
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
    let (ks, dir, infeasible) = counts(params.mode, sub.total_h, m, min, max);
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
        eta: if sub.total_area > 0.0 || sum_e <= 0.0 { 0.0 } else { f64::from(ks[0]) / sum_e },
    };
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(u64::from(nodes[0]));
    let mut part = Part::new(&sub, &cfg, warm, fixed);
    let budget = 50 * m + 1000;
    if has_warm && init(&mut part) {
        repair(&mut part, &mut rng, 2.0 * LAMBDA);
        node_moves(&mut part, &mut rng, None, budget);
    } else {
        let mut best: Option<(u64, Vec<u32>, Vec<u32>)> = None;
        for &k in &ks {
            cold(&mut part, &mut rng, k, dir);
            repair(&mut part, &mut rng, 1.0);
            let v = part.total_viol();
            if best.as_ref().is_none_or(|b| v < b.0) {
                let (lab, idents) = part.snapshot();
                best = Some((v, lab, idents));
            }
            if v == 0 {
                break;
            }
        }
        if let Some((_, lab, idents)) = best {
            part.load(lab, &idents);
        }
        node_moves(&mut part, &mut rng, None, budget);
        pair_moves(&mut part, &mut rng, SWEEPS);
        node_moves(&mut part, &mut rng, None, budget);
    }
    let out = (0..part.grids.len())
        .filter(|&a| part.grids[a].alive)
        .map(|a| {
            let mut nodes: Vec<u32> = part.members[a].iter().map(|&v| sub.glob[v as usize]).collect();
            nodes.sort_unstable();
            Out { nodes, claim: part.grids[a].ident, strong: part.grids[a].fixed > 0 }
        })
        .collect();
    (out, infeasible)
}

/// The warm identity most of `nodes`' households had (ties: more nodes, lower identity).
fn main_claim(graph: &Graph, wd: Option<&WarmData>, nodes: &[u32]) -> (u32, bool) {
    let Some(wd) = wd else { return (NONE, false) };
    let mut ids: Vec<(u32, u64)> = nodes
        .iter()
        .filter(|&&v| wd.id[v as usize] != NONE)
        .map(|&v| (wd.id[v as usize], u64::from(graph.nodes[v as usize].households)))
        .collect();
    ids.sort_unstable();
    let mut best: Option<(u64, usize, u32)> = None;
    let mut i = 0;
    while i < ids.len() {
        let id = ids[i].0;
        let (mut w, mut c) = (0, 0);
        while i < ids.len() && ids[i].0 == id {
            w += ids[i].1;
            c += 1;
            i += 1;
        }
        if best.is_none_or(|b| (w, c) > (b.0, b.1)) {
            best = Some((w, c, id));
        }
    }
    let strong = nodes.iter().any(|&v| wd.fixed[v as usize]);
    (best.map_or(NONE, |b| b.2), strong)
}

/// Labels: every claimed identity goes to its strongest claimant (pinned claimants all
/// share it); labels follow the identities, then unclaimed grids by first node.
fn labels(graph: &Graph, wd: Option<&WarmData>, out: &[Out]) -> Vec<u32> {
    let n = graph.len();
    // Winner(s) per identity.
    let mut by_claim: Vec<(u32, usize)> =
        out.iter().enumerate().filter(|(_, o)| o.claim != NONE).map(|(i, o)| (o.claim, i)).collect();
    by_claim.sort_unstable();
    let mut keep = vec![false; out.len()];
    let mut i = 0;
    while i < by_claim.len() {
        let c = by_claim[i].0;
        let j0 = i;
        while i < by_claim.len() && by_claim[i].0 == c {
            i += 1;
        }
        let group = &by_claim[j0..i];
        if group.iter().any(|&(_, o)| out[o].strong) {
            for &(_, o) in group {
                keep[o] = out[o].strong;
            }
            continue;
        }
        let matched = |o: usize| -> (u64, usize) {
            let Some(wd) = wd else { return (0, 0) };
            let mut w = 0;
            let mut cnt = 0;
            for &v in &out[o].nodes {
                if wd.id[v as usize] == c {
                    w += u64::from(graph.nodes[v as usize].households);
                    cnt += 1;
                }
            }
            (w, cnt)
        };
        let mut best: Option<((u64, usize), u32, usize)> = None;
        for &(_, o) in group {
            let key = (matched(o), out[o].nodes[0]);
            if best.is_none_or(|b| key.0 > b.0 || (key.0 == b.0 && key.1 < b.1)) {
                best = Some((key.0, key.1, o));
            }
        }
        if let Some(b) = best {
            keep[b.2] = true;
        }
    }
    // Sort keys: claimed identities first (in identity order), then by first node.
    let mut keys: Vec<((u8, u32), usize)> = out
        .iter()
        .enumerate()
        .map(|(o, g)| if keep[o] { ((0, g.claim), o) } else { ((1, g.nodes[0]), o) })
        .collect();
    keys.sort_unstable();
    let mut assignment = vec![0u32; n];
    let mut label = 0u32;
    let mut prev: Option<(u8, u32)> = None;
    for (idx, &(key, o)) in keys.iter().enumerate() {
        if idx > 0 && !(key.0 == 0 && prev == Some(key)) {
            label += 1;
        }
        prev = Some(key);
        for &v in &out[o].nodes {
            assignment[v as usize] = label;
        }
    }
    assignment
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
        return Solution { assignment: Vec::new(), grids: Vec::new(), issues: Vec::new(), households_moved: 0 };
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
                out.push(Out { nodes, claim: id as u32, strong: true });
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
        out.push(Out { nodes: vec![v as u32], claim, strong });
        issues.push(Issue::OversizedBuilding { node: v as u32, households: node.households, units: node.units });
    }
    let mut local = vec![NONE; n];
    for comp in components(graph, &taken) {
        let h: u64 = comp.iter().map(|&v| u64::from(graph.nodes[v as usize].households)).sum();
        if h == 0 && min > 0 {
            // Cells without households next to an oversized building join it.
            let mut best: Option<(f64, u32)> = None;
            for &v in &comp {
                for &(u, l) in &graph.adjacency[v as usize] {
                    let o = oversized_grid[u as usize];
                    if o != NONE && best.is_none_or(|b| l > b.0 || (l == b.0 && o < b.1)) {
                        best = Some((l, o));
                    }
                }
            }
            if let Some((_, o)) = best {
                let g = &mut out[o as usize];
                g.nodes.extend_from_slice(&comp);
                g.nodes.sort_unstable();
                continue;
            }
        }
        if h < min {
            let (claim, strong) = main_claim(graph, wdr, &comp);
            issues.push(Issue::SmallComponent { nodes: comp.clone(), households: h });
            out.push(Out { nodes: comp, claim, strong });
            continue;
        }
        let (grids, infeasible) = solve_part(graph, &comp, &eff, params, wdr, &mut local);
        if infeasible {
            issues.push(Issue::InfeasibleComponent { nodes: comp.clone(), households: h });
        }
        out.extend(grids);
    }
    let assignment = labels(graph, wdr, &out);
    let k = assignment.iter().map(|&a| a as usize + 1).max().unwrap_or(0);
    let grids = grid_stats(graph, &eff, &assignment, k);
    issues.extend(grid_issues(graph, &assignment, &grids, min, max));
    let households_moved = warm.map_or(0, |w| households_moved(graph, w, &assignment));
    Solution { assignment, grids, issues, households_moved }
}
