//! Grid counts for `Most` and `Fewest`: after a plan within the bounds is found, grids are
//! added (`Most`: a grid split in two, or a neighbourhood re-solved into one grid more) or
//! removed (`Fewest`: two neighbours merged, or a neighbourhood re-solved into one grid
//! fewer) as long as every grid stays within the bounds.

use rand_chacha::ChaCha8Rng;

use super::cold::leaves;
use super::part::Part;
use super::repair::{apply_leaves, region};
use super::split::split_pair;
use super::sub::NONE;

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
