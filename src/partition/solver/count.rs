//! Grid counts for `Most` and `Fewest`: after a plan within the bounds is found, grids are
//! added (`Most`: a grid split in two, or a neighbourhood re-solved into one grid more) or
//! removed (`Fewest`: two neighbours merged, or a neighbourhood re-solved into one grid
//! fewer) as long as every grid stays within the bounds. Also: which counts a cold start
//! tries first.

use rand_chacha::ChaCha8Rng;

use super::cold::leaves;
use super::part::Part;
use super::repair::{apply_leaves, region};
use super::split::split_pair;
use super::sub::NONE;
use super::Mode;

/// Whether every leaf is within the bounds.
fn within(part: &Part, ls: &[Vec<u32>]) -> bool {
    let cfg = part.cfg;
    ls.iter()
        .all(|l| cfg.viol(l.iter().map(|&v| u64::from(part.g.h[v as usize])).sum()) == 0)
}

/// Live grids without pinned nodes, by households (ascending).
fn by_weight(part: &Part) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..part.grids.len() as u32)
        .filter(|&a| part.grids[a as usize].alive && part.grids[a as usize].fixed == 0)
        .collect();
    ids.sort_by_key(|&a| (part.grids[a as usize].w, a));
    ids
}

/// Re-solves the neighbourhood of `x` into `delta` grids more (or fewer); true when every
/// grid of it stays within the bounds.
fn reshape(part: &mut Part, rng: &mut ChaCha8Rng, x: u32, delta: i64) -> bool {
    let cfg = part.cfg;
    let Some(region) = region(part, x, 1) else {
        return false;
    };
    let k = region.len() as i64 + delta;
    let w: u64 = region.iter().map(|&a| part.grids[a as usize].w).sum();
    if k < 1 || (k as u64) * cfg.min > w || w > (k as u64) * cfg.max {
        return false;
    }
    let mut set: Vec<u32> = region
        .iter()
        .flat_map(|&a| part.members[a as usize].iter().copied())
        .collect();
    set.sort_unstable();
    let ls = leaves(part, rng, set, k as u32, 0);
    if ls.len() as i64 != k || !within(part, &ls) {
        return false;
    }
    apply_leaves(part, &region, &ls);
    true
}

/// `Fewest`: removes grids while the bounds allow. Returns how many.
pub(super) fn fewer(part: &mut Part, rng: &mut ChaCha8Rng) -> usize {
    let cfg = part.cfg;
    let mut removed = 0;
    for x in by_weight(part) {
        if !part.grids[x as usize].alive {
            continue;
        }
        let wx = part.grids[x as usize].w;
        let mut nbrs = part.neighbours(x);
        nbrs.retain(|&y| {
            part.grids[y as usize].fixed == 0 && wx + part.grids[y as usize].w <= cfg.max
        });
        if let Some(&y) = nbrs.iter().min_by_key(|&&y| (part.grids[y as usize].w, y)) {
            for v in part.members[x as usize].clone() {
                part.set_label(v, y);
            }
            removed += 1;
        }
    }
    for x in by_weight(part) {
        if part.grids[x as usize].alive && reshape(part, rng, x, -1) {
            removed += 1;
        }
    }
    removed
}

/// `Most`: adds grids while the bounds allow. Returns how many.
pub(super) fn more(part: &mut Part, rng: &mut ChaCha8Rng) -> usize {
    let cfg = part.cfg;
    let mut added = 0;
    for x in by_weight(part).into_iter().rev() {
        if part.grids[x as usize].w < 2 * cfg.min || part.members[x as usize].len() < 2 {
            continue;
        }
        let mut set = part.members[x as usize].clone();
        set.sort_unstable();
        if let Some(s) = split_pair(part, rng, &set, part.grids[x as usize].ident, NONE, 0, true) {
            let z = part.new_grid(NONE);
            for &v in &s.b {
                part.set_label(v, z);
            }
            added += 1;
        }
    }
    for x in by_weight(part).into_iter().rev() {
        if part.grids[x as usize].alive && reshape(part, rng, x, 1) {
            added += 1;
        }
    }
    added
}

/// The grid count range of a part of `h` households and `m` nodes, the first count to try
/// and the direction in which counts may be adjusted (−1 fewer, +1 more, 0 either); None
/// for the range when no count fits the bounds.
pub(super) struct Counts {
    pub range: Option<(u32, u32)>,
    pub first: u32,
    pub mid: u32,
    pub dir: i32,
}

pub(super) fn counts(mode: Mode, h: u64, m: usize, min: u64, max: u64) -> Counts {
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
pub(super) fn next_count(c: &Counts, reached: u32, attempt: usize) -> u32 {
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
