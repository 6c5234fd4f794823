//! Local search: single boundary-node moves, then pair re-splits.
//!
//! A node move takes a boundary node to the neighbouring grid where the objective gains
//! most, if the gain is positive, no grid ends further outside the bounds, and its grid
//! stays connected. A pair re-split (recombination) cuts the union of two adjacent grids
//! again along the best straight line, polishes it with node moves, and keeps the result
//! only when the objective went up; otherwise every change is undone.

use std::collections::{HashMap, VecDeque};

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::part::Part;
use super::split::split_pair;

/// Smallest objective gain that counts as an improvement.
pub(super) const EPS: f64 = 1e-9;

/// Node moves until no move gains or `budget` evaluations are spent, starting from the
/// boundary nodes among `seeds` (all nodes when None). Returns the objective gained.
pub(super) fn node_moves(
    part: &mut Part,
    rng: &mut ChaCha8Rng,
    seeds: Option<&[u32]>,
    budget: usize,
) -> f64 {
    let n = part.g.n();
    let mut queue: VecDeque<u32> = VecDeque::new();
    let mut inq = std::mem::take(&mut part.inq);
    let is_boundary = |part: &Part, v: u32| {
        let a = part.lab[v as usize];
        part.g.adj(v).0.iter().any(|&u| part.lab[u as usize] != a)
    };
    match seeds {
        Some(s) => {
            for &v in s {
                if !inq[v as usize] && is_boundary(part, v) {
                    inq[v as usize] = true;
                    queue.push_back(v);
                }
            }
        }
        None => {
            let mut all: Vec<u32> = (0..n as u32).filter(|&v| is_boundary(part, v)).collect();
            all.shuffle(rng);
            for v in all {
                inq[v as usize] = true;
                queue.push_back(v);
            }
        }
    }
    let cfg = part.cfg;
    let mut buf = Vec::new();
    let mut gained = 0.0;
    let mut spent = 0;
    while let Some(v) = queue.pop_front() {
        inq[v as usize] = false;
        if spent >= budget {
            break;
        }
        spent += 1;
        if part.fixed[v as usize] {
            continue;
        }
        let s_a = part.shared(v, &mut buf);
        if buf.is_empty() {
            continue;
        }
        let a = part.lab[v as usize];
        let h = u64::from(part.g.h[v as usize]);
        let wa = part.grids[a as usize].w;
        let mut best: Option<(f64, u32)> = None;
        for &(b, s_b) in &buf {
            let wb = part.grids[b as usize].w;
            if cfg.viol(wa - h) + cfg.viol(wb + h) > cfg.viol(wa) + cfg.viol(wb) {
                continue;
            }
            let d = part.move_delta(v, b, s_a, s_b);
            if d > EPS && best.is_none_or(|x| d > x.0) {
                best = Some((d, b));
            }
        }
        let Some((d, b)) = best else { continue };
        if !part.can_detach(v) {
            continue;
        }
        part.set_label(v, b);
        gained += d;
        for &u in part.g.adj(v).0 {
            if !inq[u as usize] {
                inq[u as usize] = true;
                queue.push_back(u);
            }
        }
        if !inq[v as usize] {
            inq[v as usize] = true;
            queue.push_back(v);
        }
    }
    for v in queue {
        inq[v as usize] = false;
    }
    part.inq = inq;
    gained
}

/// Adjacent pairs of live grids (ascending).
fn pairs(part: &Part) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for v in 0..part.g.n() as u32 {
        let a = part.lab[v as usize];
        for &u in part.g.adj(v).0 {
            let b = part.lab[u as usize];
            if a < b {
                out.push((a, b));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Tries one pair re-split; true when kept (the grids changed are then in `touched`).
fn try_pair(part: &mut Part, rng: &mut ChaCha8Rng, a: u32, b: u32, touched: &mut Vec<u32>) -> bool {
    let cfg = part.cfg;
    let mut set = part.members[a as usize].clone();
    set.extend_from_slice(&part.members[b as usize]);
    set.sort_unstable();
    let pen = |part: &Part, set: &[u32]| -> f64 {
        set.iter().map(|&v| part.pen(v, part.lab[v as usize])).sum()
    };
    let before = part.grid_score(a) + part.grid_score(b) - pen(part, &set);
    let limit = cfg.viol(part.grids[a as usize].w) + cfg.viol(part.grids[b as usize].w);
    let (ia, ib) = (part.grids[a as usize].ident, part.grids[b as usize].ident);
    let Some(s) = split_pair(part, rng, &set, ia, ib, limit, false) else {
        return false;
    };
    let mark = part.log.len();
    for &v in &s.a {
        part.set_label(v, a);
    }
    for &v in &s.b {
        part.set_label(v, b);
    }
    if part.log.len() == mark {
        return false;
    }
    let mut delta = part.grid_score(a) + part.grid_score(b) - pen(part, &set) - before;
    delta += node_moves(part, rng, Some(&set), 8 * set.len() + 64);
    if delta > EPS {
        for &(v, old) in &part.log[mark..] {
            touched.push(old);
            touched.push(part.lab[v as usize]);
        }
        part.log.truncate(mark);
        true
    } else {
        part.undo_to(mark);
        false
    }
}

/// Pair re-splits over all adjacent pairs, in random order, for up to `sweeps` rounds or
/// until a round keeps nothing. A pair is tried again only when one of its grids changed
/// since its last try (the directions are fixed, so the same pair would give the same).
pub(super) fn pair_moves(part: &mut Part, rng: &mut ChaCha8Rng, sweeps: usize) -> usize {
    let was = part.logging;
    part.logging = true;
    let mut kept = 0;
    // Version of each grid, bumped when it changes; versions of a pair at its last try.
    let mut version = vec![0u32; part.grids.len()];
    let mut last: HashMap<(u32, u32), (u32, u32)> = HashMap::new();
    let mut touched = Vec::new();
    for _ in 0..sweeps {
        let mut ps = pairs(part);
        ps.shuffle(rng);
        let mut n_kept = 0;
        for (a, b) in ps {
            if !part.grids[a as usize].alive || !part.grids[b as usize].alive {
                continue;
            }
            let now = (version[a as usize], version[b as usize]);
            if last.get(&(a, b)) == Some(&now) {
                continue;
            }
            last.insert((a, b), now);
            touched.clear();
            if try_pair(part, rng, a, b, &mut touched) {
                n_kept += 1;
                touched.sort_unstable();
                touched.dedup();
                for &t in &touched {
                    if t as usize >= version.len() {
                        version.resize(t as usize + 1, 0);
                    }
                    version[t as usize] += 1;
                }
            }
        }
        kept += n_kept;
        if n_kept == 0 {
            break;
        }
    }
    part.logging = was;
    part.log.clear();
    kept
}
