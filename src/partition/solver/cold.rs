//! Cold start: recursive bisection of a part into `k` grids.
//!
//! A set that must become `k` grids is cut in two sets of `k1 + k2 = k` grids whose
//! households fit `[k_i·min, k_i·max]` (see [`split::bisect`]). When no cut fits, the set's
//! own grid count is nudged by one in the mode's direction (more grids for `Fewest`, fewer
//! for `Most`, towards the middle of the bounds for `Target`) if the households allow it;
//! failing that, the cut that leaves the fewest households outside the bounds is taken and
//! the repair pass deals with the rest.

use rand_chacha::ChaCha8Rng;

use super::part::Part;
use super::split::{bisect, bisect_best_effort, line_orders, split_orders, COLD_ANGLES};
use super::sub::NONE;

/// Grid counts to try instead of `k` for a set of `w` households and `m` nodes.
fn alternatives(part: &Part, k: u32, w: u64, m: usize, dir: i32) -> Vec<u32> {
    let (min, max) = (part.cfg.min, part.cfg.max);
    let fits = |kk: i64| -> bool {
        kk >= 1 && kk as usize <= m && (kk as u64) * min <= w && w <= (kk as u64) * max
    };
    let mid = (2.0 * w as f64 / (min + max).max(1) as f64).round() as i64;
    let d = if dir != 0 {
        i64::from(dir)
    } else if mid >= i64::from(k) {
        1
    } else {
        -1
    };
    let k = i64::from(k);
    [k + d, k - d]
        .into_iter()
        .filter(|&kk| fits(kk))
        .map(|kk| kk as u32)
        .collect()
}

/// Splits `set` (connected) into about `k` connected leaves by recursive bisection.
pub(super) fn leaves(
    part: &mut Part,
    rng: &mut ChaCha8Rng,
    set: Vec<u32>,
    k: u32,
    dir: i32,
) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    // Directions are drawn once; each side inherits its sorted orders from its parent.
    let orders = line_orders(part, rng, &set, COLD_ANGLES);
    let mut stack: Vec<(Vec<u32>, u32, Vec<Vec<u32>>)> = vec![(set, k.max(1), orders)];
    while let Some((set, k, orders)) = stack.pop() {
        if k <= 1 || set.len() <= 1 {
            out.push(set);
            continue;
        }
        let mut split = bisect(part, rng, &set, k, &orders);
        if split.is_none() {
            let w: u64 = set.iter().map(|&v| u64::from(part.g.h[v as usize])).sum();
            let mut as_leaf = false;
            for alt in alternatives(part, k, w, set.len(), dir) {
                if alt == 1 {
                    as_leaf = true;
                    break;
                }
                split = bisect(part, rng, &set, alt, &orders);
                if split.is_some() {
                    break;
                }
            }
            if as_leaf {
                out.push(set);
                continue;
            }
        }
        if split.is_none() {
            split = bisect_best_effort(part, rng, &set, k);
        }
        match split {
            Some(s) => {
                let (oa, ob) = split_orders(part, &orders, &s);
                stack.push((s.b, s.k2, ob));
                stack.push((s.a, s.k1, oa));
            }
            None => out.push(set),
        }
    }
    out
}

/// Builds an assignment of `k` grids (about) by recursive bisection and loads it.
pub(super) fn cold(part: &mut Part, rng: &mut ChaCha8Rng, k: u32, dir: i32) {
    let n = part.g.n();
    let all: Vec<u32> = (0..n as u32).collect();
    let ls = leaves(part, rng, all, k, dir);
    let mut lab = vec![NONE; n];
    for (i, leaf) in ls.iter().enumerate() {
        for &v in leaf {
            lab[v as usize] = i as u32;
        }
    }
    part.load(lab, &vec![NONE; ls.len()]);
}
