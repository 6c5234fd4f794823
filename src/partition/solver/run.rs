//! The whole run: pinned grids and oversized buildings first, then every connected part of
//! the rest on its own (cold or warm), then labels, statistics and issues.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::super::Graph;
use super::cold::cold;
use super::count::{fewer, more};
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

/// The grid count range of a part of `h` households and `m` nodes, the first count to try
/// and the direction in which counts may be adjusted (−1 fewer, +1 more, 0 either); None
/// for the range when no count fits the bounds.
struct Counts {
    range: Option<(u32, u32)>,
    first: u32,
    mid: u32,
    dir: i32,
}

fn counts(mode: Mode, h: u64, m: usize, min: u64, max: u64) -> Counts {
    let n_min = h.div_ceil(max.max(1)).max(1);
    let n_max = h.checked_div(min).unwrap_or(m as u64).min(m as u64);
    if n_min > n_max {
        let over = h.saturating_sub(n_max.max(1) * max);
        let under = (n_min * min).saturating_sub(h);
        let k = if n_max == 0 || under < over {
            n_min.min(m as u64)
        } else {
            n_max
        };
        let k = k.max(1) as u32;
        return Counts {
            range: None,
            first: k,
            mid: k,
            dir: 0,
        };
    }
    let clamp = |k: i64| k.clamp(n_min as i64, n_max as i64) as u32;
    let mid = clamp((2.0 * h as f64 / (min + max) as f64).round() as i64);
    let (first, dir) = match mode {
        Mode::Most => (n_max as u32, -1),
        Mode::Fewest => (n_min as u32, 1),
        Mode::Target(t) => {
            let k0 = clamp((h as f64 / f64::from(t.max(1))).round() as i64);
            (k0, (i64::from(mid) - i64::from(k0)).signum() as i32)
        }
    };
    Counts {
        range: Some((n_min as u32, n_max as u32)),
        first,
        mid,
        dir,
    }
}

/// The count to try after an attempt that reached `reached` grids with households left
/// outside the bounds: a step towards the middle of the bounds, the last one to it.
fn next_count(c: &Counts, reached: u32, attempt: usize) -> u32 {
    let Some((lo, hi)) = c.range else {
        return c.first;
    };
    let towards = if c.dir != 0 {
        c.dir
    } else if c.mid >= reached {
        1
    } else {
        -1
    };
    let k = match attempt {
        1 => i64::from(reached) + i64::from(towards) * (i64::from(reached) / 100).max(1),
        2 => i64::from(reached) + i64::from(towards) * (i64::from(reached) / 25).max(2),
        _ => i64::from(c.mid),
    };
    (k.clamp(i64::from(lo), i64::from(hi))) as u32
}

/// Whether the positive households `w` (at most 12 of them) cannot be grouped into grids
/// within `[min, max]` at all, whatever the adjacency: an exact search over subsets.
fn provably_infeasible(w: &[u64], min: u64, max: u64) -> bool {
    let m = w.len();
    if m == 0 || m > 12 {
        return false;
    }
    let full = (1usize << m) - 1;
    let mut sum = vec![0u64; full + 1];
    for s in 1..=full {
        let low = s.trailing_zeros() as usize;
        sum[s] = sum[s & (s - 1)] + w[low];
    }
    // ok[s]: the items of `s` can be grouped within the bounds.
    let mut ok = vec![false; full + 1];
    ok[0] = true;
    for s in 1..=full {
        let low = s & s.wrapping_neg();
        let rest = s ^ low;
        // Groups holding the lowest item: `low` plus any subset of the rest.
        let mut sub = rest;
        loop {
            let g = sub | low;
            if sum[g] >= min && sum[g] <= max && ok[s ^ g] {
                ok[s] = true;
                break;
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
    }
    !ok[full]
}

/// Whether some building below the floor can join no grid: every building it could share
/// a grid with (directly or through cells without households) would take that grid above
/// the ceiling.
fn stranded(sub: &Sub, min: u64, max: u64) -> bool {
    let n = sub.n();
    // Zero-household regions and their two lightest positive neighbours.
    let mut region = vec![NONE; n];
    let mut lightest: Vec<[(u64, u32); 2]> = Vec::new();
    let mut stack = Vec::new();
    for s in 0..n {
        if sub.h[s] != 0 || region[s] != NONE {
            continue;
        }
        let r = lightest.len() as u32;
        let mut best = [(u64::MAX, NONE); 2];
        region[s] = r;
        stack.push(s as u32);
        while let Some(v) = stack.pop() {
            for &u in sub.adj(v).0 {
                let h = u64::from(sub.h[u as usize]);
                if h == 0 {
                    if region[u as usize] == NONE {
                        region[u as usize] = r;
                        stack.push(u);
                    }
                } else if best.iter().all(|b| b.1 != u) {
                    if h < best[0].0 {
                        best = [(h, u), best[0]];
                    } else if h < best[1].0 {
                        best[1] = (h, u);
                    }
                }
            }
        }
        lightest.push(best);
    }
    (0..n).any(|v| {
        let h = u64::from(sub.h[v]);
        if h == 0 || h >= min {
            return false;
        }
        let mut partner = u64::MAX;
        for &u in sub.adj(v as u32).0 {
            let hu = u64::from(sub.h[u as usize]);
            if hu > 0 {
                partner = partner.min(hu);
            } else {
                let b = lightest[region[u as usize] as usize];
                let other = if b[0].1 == v as u32 { b[1].0 } else { b[0].0 };
                partner = partner.min(other);
            }
        }
        partner != u64::MAX && h + partner > max
    })
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
        node_moves(&mut part, &mut rng, None, budget);
    } else {
        let mut best: Option<(u64, Vec<u32>, Vec<u32>)> = None;
        let mut k = c.first;
        let mut tried = Vec::new();
        for attempt in 0..ATTEMPTS {
            if tried.contains(&k) {
                break;
            }
            tried.push(k);
            cold(&mut part, &mut rng, k, c.dir);
            repair(&mut part, &mut rng, 1.0);
            let v = part.total_viol();
            if best.as_ref().is_none_or(|b| v < b.0) {
                let (lab, idents) = part.snapshot();
                best = Some((v, lab, idents));
            }
            if v == 0 || c.range.is_none() {
                break;
            }
            k = next_count(&c, part.alive_count() as u32, attempt + 1);
        }
        if let Some((v, lab, idents)) = best {
            part.load(lab, &idents);
            if v == 0 {
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

/// The warm identity most of `nodes`' households had (ties: more nodes, lower identity).
fn main_claim(graph: &Graph, wd: Option<&WarmData>, nodes: &[u32]) -> (u32, bool) {
    let Some(wd) = wd else { return (NONE, false) };
    let mut ids: Vec<(u32, u64)> = nodes
        .iter()
        .filter(|&&v| wd.id[v as usize] != NONE)
        .map(|&v| {
            (
                wd.id[v as usize],
                u64::from(graph.nodes[v as usize].households),
            )
        })
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
    let mut by_claim: Vec<(u32, usize)> = out
        .iter()
        .enumerate()
        .filter(|(_, o)| o.claim != NONE)
        .map(|(i, o)| (o.claim, i))
        .collect();
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
    // Groups: the winners of one identity share a label; every other grid is its own.
    let mut keys: Vec<((u8, u32), usize)> = out
        .iter()
        .enumerate()
        .map(|(o, g)| {
            if keep[o] {
                ((0, g.claim), o)
            } else {
                ((1, g.nodes[0]), o)
            }
        })
        .collect();
    keys.sort_unstable();
    let mut groups: Vec<((u8, u32), Vec<usize>)> = Vec::new();
    for (key, o) in keys {
        match groups.last_mut() {
            Some(g) if key.0 == 0 && g.0 == key => g.1.push(o),
            _ => groups.push((key, vec![o])),
        }
    }
    // A group keeps its warm label when that label is in range; the others fill the free
    // labels in order.
    let k = groups.len();
    let mut label_of = vec![u32::MAX; k];
    let mut taken = vec![false; k];
    if let Some(wd) = wd {
        for (i, (key, _)) in groups.iter().enumerate() {
            if key.0 == 0 {
                let want = wd.raw[key.1 as usize] as usize;
                if want < k && !taken[want] {
                    taken[want] = true;
                    label_of[i] = want as u32;
                }
            }
        }
    }
    let mut free = (0..k).filter(|&l| !taken[l]);
    for l in label_of.iter_mut() {
        if *l == u32::MAX {
            *l = free.next().expect("a free label per group") as u32;
        }
    }
    let mut assignment = vec![0u32; n];
    for (i, (_, members)) in groups.iter().enumerate() {
        for &o in members {
            for &v in &out[o].nodes {
                assignment[v as usize] = label_of[i];
            }
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
            let best = shared.into_iter().reduce(|a, b| if b.1 > a.1 || (b.1 == a.1 && b.0 < a.0) { b } else { a });
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
