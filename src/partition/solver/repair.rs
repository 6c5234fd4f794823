//! Repair: brings grids within the bounds with as little change as possible.
//!
//! First, short chains of single-node moves (a grid above the ceiling hands a boundary
//! node to a neighbour, which may pass another one on; a grid below the floor takes one,
//! and so on), found by iterative deepening up to three moves, every move keeping its
//! source connected. When no chain helps: re-split the grid together with a neighbour
//! (recombination), split it in two (a new grid) or merge it into a neighbour. Every
//! accepted step lowers the households outside the bounds, so the pass ends.

use rand_chacha::ChaCha8Rng;

use super::cold::leaves;
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

fn dfs(
    part: &mut Part,
    s: &mut Search,
    focus: u32,
    level: usize,
    depth: usize,
    viol: u64,
    obj: f64,
) {
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
    let mut s = Search {
        v0,
        per_household,
        best: None,
        path: Vec::new(),
        checks: 0,
    };
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

/// Hands every node of grid `x` to neighbouring grids that have room, keeping `x`
/// connected while it shrinks; true when done (x is gone), else nothing changes.
fn dissolve(part: &mut Part, x: u32) -> bool {
    if part.grids[x as usize].fixed > 0 {
        return false;
    }
    let cfg = part.cfg;
    let was = part.logging;
    part.logging = true;
    let mark = part.log.len();
    let mut buf = Vec::new();
    let mut ok = true;
    while !part.members[x as usize].is_empty() {
        let last = part.members[x as usize].len() == 1;
        let list = part.members[x as usize].clone();
        let mut best: Option<(u64, f64, u32, u32)> = None;
        for &v in &list {
            part.shared(v, &mut buf);
            let h = u64::from(part.g.h[v as usize]);
            for &(b, s_b) in &buf {
                let wb = part.grids[b as usize].w;
                if cfg.viol(wb + h) > cfg.viol(wb) {
                    continue;
                }
                // Heaviest nodes first (they are the hardest to place), then most boundary.
                if best.is_none_or(|q| (h, s_b) > (q.0, q.1)) {
                    best = Some((h, s_b, v, b));
                }
            }
        }
        let Some((_, _, v, b)) = best else {
            ok = false;
            break;
        };
        if !last && !part.can_detach(v) {
            // Try the other candidates in turn.
            let mut moved = false;
            let mut cands: Vec<(u64, f64, u32, u32)> = Vec::new();
            for &u in &list {
                part.shared(u, &mut buf);
                let h = u64::from(part.g.h[u as usize]);
                for &(c, s_c) in &buf {
                    let wc = part.grids[c as usize].w;
                    if cfg.viol(wc + h) <= cfg.viol(wc) {
                        cands.push((h, s_c, u, c));
                    }
                }
            }
            cands.sort_by(|p, q| q.0.cmp(&p.0).then(q.1.total_cmp(&p.1)).then(p.2.cmp(&q.2)));
            for (_, _, u, c) in cands {
                if part.can_detach(u) {
                    part.set_label(u, c);
                    moved = true;
                    break;
                }
            }
            if !moved {
                ok = false;
                break;
            }
            continue;
        }
        part.set_label(v, b);
    }
    if !ok {
        part.undo_to(mark);
    }
    part.log.truncate(mark);
    part.logging = was;
    ok
}

/// Grid `x` and its neighbours, none holding pinned nodes (None when `x` holds one).
pub(super) fn region(part: &Part, x: u32, radius: usize) -> Option<Vec<u32>> {
    if part.grids[x as usize].fixed > 0 {
        return None;
    }
    let mut region = vec![x];
    let mut frontier = vec![x];
    for _ in 0..radius {
        let mut next = Vec::new();
        for &a in &frontier {
            for b in part.neighbours(a) {
                if part.grids[b as usize].fixed == 0 && !region.contains(&b) {
                    region.push(b);
                    next.push(b);
                }
            }
        }
        frontier = next;
    }
    region.sort_unstable();
    Some(region)
}

/// Relabels the nodes of the region's grids with `ls`: each leaf takes over the grid it
/// shares most households with; extra leaves get new grids, unused grids die.
pub(super) fn apply_leaves(part: &mut Part, region: &[u32], ls: &[Vec<u32>]) {
    let mut overlap: Vec<(u64, usize, u32)> = Vec::new();
    for (i, l) in ls.iter().enumerate() {
        let mut per: Vec<(u32, u64)> = Vec::new();
        for &v in l {
            let a = part.lab[v as usize];
            let h = u64::from(part.g.h[v as usize]) + 1;
            match per.iter_mut().find(|e| e.0 == a) {
                Some(e) => e.1 += h,
                None => per.push((a, h)),
            }
        }
        overlap.extend(per.into_iter().map(|(a, h)| (h, i, a)));
    }
    overlap.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut leaf_id = vec![NONE; ls.len()];
    let mut used: Vec<u32> = Vec::new();
    for (_, i, a) in overlap {
        if leaf_id[i] == NONE && !used.contains(&a) {
            leaf_id[i] = a;
            used.push(a);
        }
    }
    let mut spare = region.iter().copied().filter(|a| !used.contains(a));
    for id in leaf_id.iter_mut() {
        if *id == NONE {
            *id = spare.next().unwrap_or(NONE);
        }
    }
    for (i, l) in ls.iter().enumerate() {
        let id = if leaf_id[i] == NONE {
            part.new_grid(NONE)
        } else {
            leaf_id[i]
        };
        for &v in l {
            part.set_label(v, id);
        }
    }
}

/// Re-solves grid `x` together with the grids up to `radius` steps away (none holding
/// pinned nodes): their union is bisected again into as many grids, or one more or one
/// fewer; true when that lowered the violation.
fn resolve_region(
    part: &mut Part,
    rng: &mut ChaCha8Rng,
    x: u32,
    radius: usize,
    per_household: f64,
) -> bool {
    let cfg = part.cfg;
    let Some(region) = region(part, x, radius) else {
        return false;
    };
    let before: u64 = region
        .iter()
        .map(|&a| cfg.viol(part.grids[a as usize].w))
        .sum();
    if before == 0 {
        return false;
    }
    let mut set: Vec<u32> = region
        .iter()
        .flat_map(|&a| part.members[a as usize].iter().copied())
        .collect();
    set.sort_unstable();
    let k = region.len() as u32;
    let w: u64 = region.iter().map(|&a| part.grids[a as usize].w).sum();
    let mut counts = vec![k];
    if w > u64::from(k) * cfg.max {
        counts.push(k + 1);
    } else if w < u64::from(k) * cfg.min && k > 1 {
        counts.push(k - 1);
    } else {
        counts.extend([k + 1, k - 1].into_iter().filter(|&c| c >= 1));
    }
    let total = part.total_viol();
    let was = part.logging;
    part.logging = true;
    let mark = part.log.len();
    let mut kept = false;
    for kk in counts {
        let ls = leaves(part, rng, set.clone(), kk, 0);
        apply_leaves(part, &region, &ls);
        // Chains mend what the bisection left outside the bounds.
        chains(part, per_household, 4);
        if part.total_viol() < total {
            kept = true;
            break;
        }
        part.undo_to(mark);
    }
    if kept && !was {
        part.log.truncate(mark);
    }
    part.logging = was;
    kept
}

/// Rounds of chains over the violating grids, until a round changes nothing.
fn chains(part: &mut Part, per_household: f64, rounds: usize) {
    for _ in 0..rounds {
        let cfg = part.cfg;
        let bad: Vec<u32> = (0..part.grids.len() as u32)
            .filter(|&a| part.grids[a as usize].alive && cfg.viol(part.grids[a as usize].w) > 0)
            .collect();
        let mut progress = false;
        for x in bad {
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
        if !progress {
            return;
        }
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
            if gain > 0
                && best
                    .is_none_or(|b| (gain, std::cmp::Reverse(wy)) > (b.0, std::cmp::Reverse(b.1)))
            {
                best = Some((gain, wy, y));
            }
        }
        if let Some((_, _, y)) = best {
            merge(part, x, y);
            return true;
        }
        return dissolve(part, x);
    }
    false
}

/// Lowers the households outside the bounds as far as the moves above allow.
pub(super) fn repair(part: &mut Part, rng: &mut ChaCha8Rng, per_household: f64) {
    let cap = 200 + 10 * part.grids.len();
    let mut radius = 1;
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
        if progress {
            continue;
        }
        // Last resort: re-solve the neighbourhood of a violating grid, wider each time.
        while radius <= 3 && !progress {
            for &(_, x) in &bad {
                if part.grids[x as usize].alive
                    && resolve_region(part, rng, x, radius, per_household)
                {
                    progress = true;
                    break;
                }
            }
            if !progress {
                radius += 1;
            }
        }
        if !progress {
            return;
        }
    }
}
