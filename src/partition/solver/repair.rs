//! Repair: brings grids within the bounds with as little change as possible.
//!
//! First, short chains of single-node moves (a grid above the ceiling hands a boundary
//! node to a neighbour, which may pass another one on; a grid below the floor takes one,
//! and so on), found by iterative deepening up to three moves, every move keeping its
//! source connected. When no chain helps: re-split the grid together with a neighbour
//! (recombination), split it in two (a new grid) or merge it into a neighbour. Every
//! accepted step lowers the households outside the bounds, so the pass ends.

use rand_chacha::ChaCha8Rng;

use super::part::Part;
use super::split::split_pair;
use super::sub::NONE;

/// Moves examined below the first level of a chain search.
const BEAM: [usize; 3] = [usize::MAX, 8, 4];
/// Bound on contiguity checks per chain search.
const CHECKS: usize = 600;

struct Search {
    v0: u64,
    /// Value of a household brought within the bounds, against the objective.
    per_household: f64,
    best: Option<(f64, Vec<(u32, u32)>)>,
    path: Vec<(u32, u32)>,
    checks: usize,
}

/// Single-node moves that lower grid `f`'s violation: `(Δviolation, −Δobjective, node,
/// destination)`.
fn candidates(part: &mut Part, f: u32, path: &[(u32, u32)]) -> Vec<(i64, f64, u32, u32)> {
    let cfg = part.cfg;
    let wf = part.grids[f as usize].w;
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let members = part.members[f as usize].clone();
    if wf > cfg.max {
        for &v in &members {
            let h = u64::from(part.g.h[v as usize]);
            if h == 0 || part.fixed[v as usize] || path.iter().any(|p| p.0 == v) {
                continue;
            }
            let s_a = part.shared(v, &mut buf);
            for &(b, s_b) in &buf {
                let wb = part.grids[b as usize].w;
                let dv = (cfg.viol(wf - h) + cfg.viol(wb + h)) as i64
                    - (cfg.viol(wf) + cfg.viol(wb)) as i64;
                if cfg.viol(wf - h) >= cfg.viol(wf) {
                    continue;
                }
                let d = part.move_delta(v, b, s_a, s_b);
                out.push((dv, -d, v, b));
            }
        }
    } else if wf < cfg.min {
        let ep = part.next_epoch();
        for &u in &members {
            for &v in part.g.adj(u).0 {
                let b = part.lab[v as usize];
                if b == f || !part.stamp(v, ep) {
                    continue;
                }
                let h = u64::from(part.g.h[v as usize]);
                if h == 0 || part.fixed[v as usize] || path.iter().any(|p| p.0 == v) {
                    continue;
                }
                let wb = part.grids[b as usize].w;
                if cfg.viol(wf + h) >= cfg.viol(wf) {
                    continue;
                }
                let dv = (cfg.viol(wf + h) + cfg.viol(wb - h)) as i64
                    - (cfg.viol(wf) + cfg.viol(wb)) as i64;
                let s_a = part.shared(v, &mut buf);
                let s_b = buf.iter().find(|e| e.0 == f).map_or(0.0, |e| e.1);
                let d = part.move_delta(v, f, s_a, s_b);
                out.push((dv, -d, v, f));
            }
        }
    }
    out.sort_by(|p, q| p.0.cmp(&q.0).then(p.1.total_cmp(&q.1)).then(p.2.cmp(&q.2)));
    out
}

fn dfs(part: &mut Part, s: &mut Search, focus: u32, level: usize, depth: usize, viol: u64, obj: f64) {
    let cands = candidates(part, focus, &s.path);
    let mut tried = 0;
    for (dv, negd, v, b) in cands {
        if tried >= BEAM[level] || s.checks >= CHECKS {
            break;
        }
        let after = (viol as i64 + dv) as u64;
        let last = level + 1 == depth;
        if after >= s.v0 && last {
            continue;
        }
        let value = s.per_household * (s.v0 as f64 - after as f64) + obj - negd;
        if after < s.v0 && s.best.as_ref().is_some_and(|b| b.0 >= value) {
            continue;
        }
        s.checks += 1;
        if !part.can_detach(v) {
            continue;
        }
        tried += 1;
        let from = part.lab[v as usize];
        if after < s.v0 {
            let mut path = s.path.clone();
            path.push((v, b));
            s.best = Some((value, path));
            continue;
        }
        // Not better yet: pass the problem on to the grid that now violates.
        let next = if b == focus { from } else { b };
        let mark = part.log.len();
        part.set_label(v, b);
        s.path.push((v, b));
        dfs(part, s, next, level + 1, depth, after, obj - negd);
        s.path.pop();
        part.undo_to(mark);
    }
}

/// Best chain of moves that lowers the total violation, starting at grid `x`.
fn find_chain(part: &mut Part, x: u32, per_household: f64) -> Option<Vec<(u32, u32)>> {
    let v0 = part.total_viol();
    let was = part.logging;
    part.logging = true;
    let mut s = Search { v0, per_household, best: None, path: Vec::new(), checks: 0 };
    for depth in 1..=3 {
        dfs(part, &mut s, x, 0, depth, v0, 0.0);
        if s.best.is_some() || s.checks >= CHECKS {
            break;
        }
    }
    part.logging = was;
    s.best.map(|b| b.1)
}

/// Re-splits grids `x` and `y` together; true when that lowered the violation.
fn recombine(part: &mut Part, rng: &mut ChaCha8Rng, x: u32, y: u32) -> bool {
    let cfg = part.cfg;
    let (wx, wy) = (part.grids[x as usize].w, part.grids[y as usize].w);
    let now = cfg.viol(wx) + cfg.viol(wy);
    if now == 0 {
        return false;
    }
    let mut set = part.members[x as usize].clone();
    set.extend_from_slice(&part.members[y as usize]);
    set.sort_unstable();
    let (ix, iy) = (part.grids[x as usize].ident, part.grids[y as usize].ident);
    match split_pair(part, rng, &set, ix, iy, now - 1, true) {
        Some(s) => {
            for &v in &s.a {
                part.set_label(v, x);
            }
            for &v in &s.b {
                part.set_label(v, y);
            }
            true
        }
        None => false,
    }
}

/// Splits grid `x` in two (a new grid); true when that lowered the violation.
fn split_grid(part: &mut Part, rng: &mut ChaCha8Rng, x: u32) -> bool {
    let now = part.cfg.viol(part.grids[x as usize].w);
    if now == 0 || part.members[x as usize].len() < 2 {
        return false;
    }
    let mut set = part.members[x as usize].clone();
    set.sort_unstable();
    let ix = part.grids[x as usize].ident;
    match split_pair(part, rng, &set, ix, NONE, now - 1, true) {
        Some(s) => {
            let z = part.new_grid(NONE);
            for &v in &s.b {
                part.set_label(v, z);
            }
            true
        }
        None => false,
    }
}

/// Merges grid `x` into neighbour `y`.
fn merge(part: &mut Part, x: u32, y: u32) {
    let list = part.members[x as usize].clone();
    for v in list {
        part.set_label(v, y);
    }
}

/// One structural fix for grid `x`; true when applied.
fn structural(part: &mut Part, rng: &mut ChaCha8Rng, x: u32) -> bool {
    let cfg = part.cfg;
    let wx = part.grids[x as usize].w;
    let mut nbrs = part.neighbours(x);
    if wx > cfg.max {
        nbrs.sort_by_key(|&y| (part.grids[y as usize].w, y));
        for &y in &nbrs {
            if wx + part.grids[y as usize].w <= 2 * cfg.max && recombine(part, rng, x, y) {
                return true;
            }
        }
        return split_grid(part, rng, x);
    }
    if wx < cfg.min {
        nbrs.sort_by_key(|&y| (std::cmp::Reverse(part.grids[y as usize].w), y));
        for &y in &nbrs {
            if wx + part.grids[y as usize].w >= 2 * cfg.min && recombine(part, rng, x, y) {
                return true;
            }
        }
        if part.grids[x as usize].fixed > 0 {
            return false;
        }
        // Merge into the neighbour where that helps most.
        let mut best: Option<(i64, u64, u32)> = None;
        for &y in &nbrs {
            let wy = part.grids[y as usize].w;
            let gain = (cfg.viol(wx) + cfg.viol(wy)) as i64 - cfg.viol(wx + wy) as i64;
            if gain > 0 && best.is_none_or(|b| (gain, std::cmp::Reverse(wy)) > (b.0, std::cmp::Reverse(b.1))) {
                best = Some((gain, wy, y));
            }
        }
        if let Some((_, _, y)) = best {
            merge(part, x, y);
            return true;
        }
    }
    false
}

/// Lowers the households outside the bounds as far as the moves above allow.
pub(super) fn repair(part: &mut Part, rng: &mut ChaCha8Rng, per_household: f64) {
    let cap = 200 + 10 * part.grids.len();
    for _ in 0..cap {
        if part.total_viol() == 0 {
            return;
        }
        let cfg = part.cfg;
        let mut bad: Vec<(u64, u32)> = (0..part.grids.len() as u32)
            .filter(|&a| part.grids[a as usize].alive)
            .map(|a| (cfg.viol(part.grids[a as usize].w), a))
            .filter(|p| p.0 > 0)
            .collect();
        bad.sort_by_key(|&(v, a)| (std::cmp::Reverse(v), a));
        let mut progress = false;
        for &(_, x) in &bad {
            if !part.grids[x as usize].alive || cfg.viol(part.grids[x as usize].w) == 0 {
                continue;
            }
            if let Some(chain) = find_chain(part, x, per_household) {
                for (v, b) in chain {
                    part.set_label(v, b);
                }
                progress = true;
            }
        }
        if progress {
            continue;
        }
        for &(_, x) in &bad {
            if part.grids[x as usize].alive && structural(part, rng, x) {
                progress = true;
                break;
            }
        }
        if !progress {
            return;
        }
    }
}
