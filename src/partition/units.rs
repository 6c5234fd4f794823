//! Splitting a building above the ceiling by unit (单元): its units, in order, cut into
//! consecutive groups of households within the bounds where possible. Pure.
//!
//! The plan layer applies the groups (`crate::plan`'s `split` module): the building's own
//! grid keeps its cell and the first group, each further group becomes a grid over the
//! same cell, and the store records which grid holds each unit.

use serde::{Deserialize, Serialize};

/// Consecutive units of a building and their households.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitGroup {
    /// Unit numbers, ascending.
    pub units: Vec<i32>,
    pub households: u64,
}

/// Cuts `units` (unit number, households; any order, numbers unique) into consecutive
/// groups: first as few groups outside `min..=max` as possible, then as close to `target`
/// households each as possible (least squares). `None` when there is fewer than two units.
pub fn split_by_unit(
    units: &[(i32, u64)],
    min: u64,
    max: u64,
    target: u64,
) -> Option<Vec<UnitGroup>> {
    let mut units = units.to_vec();
    units.sort_unstable();
    let n = units.len();
    if n < 2 {
        return None;
    }
    let mut prefix = vec![0u64; n + 1];
    for (i, u) in units.iter().enumerate() {
        prefix[i + 1] = prefix[i] + u.1;
    }
    // best[i]: (groups out of bounds, squared deviation, start of the last group) for the
    // first i units.
    let mut best: Vec<(u32, u128, usize)> = vec![(u32::MAX, u128::MAX, 0); n + 1];
    best[0] = (0, 0, 0);
    for i in 1..=n {
        for j in 0..i {
            if best[j].0 == u32::MAX {
                continue;
            }
            let s = prefix[i] - prefix[j];
            let out = u32::from(!(min..=max).contains(&s));
            let dev = u128::from(s.abs_diff(target)).pow(2);
            let cand = (best[j].0 + out, best[j].1 + dev, j);
            if (cand.0, cand.1) < (best[i].0, best[i].1) {
                best[i] = cand;
            }
        }
    }
    let mut groups = Vec::new();
    let mut i = n;
    while i > 0 {
        let j = best[i].2;
        groups.push(UnitGroup {
            units: units[j..i].iter().map(|u| u.0).collect(),
            households: prefix[i] - prefix[j],
        });
        i = j;
    }
    groups.reverse();
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_consecutive_units_within_the_bounds() {
        // Four units of 180 households: two groups of 360.
        let g = split_by_unit(&[(3, 180), (1, 180), (2, 180), (4, 180)], 300, 600, 450).unwrap();
        assert_eq!(
            g,
            vec![
                UnitGroup {
                    units: vec![1, 2],
                    households: 360
                },
                UnitGroup {
                    units: vec![3, 4],
                    households: 360
                }
            ]
        );
        // Seven units of 100: 300 + 400 (each within the bounds, closest to 450).
        let seven: Vec<(i32, u64)> = (1..=7).map(|u| (u, 100)).collect();
        let g = split_by_unit(&seven, 300, 600, 450).unwrap();
        assert_eq!(
            g.iter().map(|g| g.households).collect::<Vec<_>>(),
            [300, 400]
        );
        assert_eq!(g[0].units, [1, 2, 3]);
        // A unit alone above the ceiling: the fewest groups out of bounds.
        let g = split_by_unit(&[(1, 700), (2, 200), (3, 200)], 300, 600, 450).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].units, [1]);
        assert_eq!(g[1].households, 400);
        assert!(split_by_unit(&[(1, 900)], 300, 600, 450).is_none());
    }
}
