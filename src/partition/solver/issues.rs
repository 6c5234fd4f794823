//! What can be proven impossible before solving: a part whose households fit no grid
//! count, a handful of buildings that no grouping fits, a building below the floor that
//! every possible partner would take above the ceiling. Such a part is reported as
//! `InfeasibleComponent`.

use super::sub::{Sub, NONE};

/// Whether the positive households `w` (at most 12 of them) cannot be grouped into grids
/// within `[min, max]` at all, whatever the adjacency: an exact search over subsets.
pub(super) fn provably_infeasible(w: &[u64], min: u64, max: u64) -> bool {
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
pub(super) fn stranded(sub: &Sub, min: u64, max: u64) -> bool {
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
