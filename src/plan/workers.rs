//! Where the workers of a community's grids go when a plan is published: each old grid's
//! workers follow it to the new grid holding most of its households.
//!
//! Households are counted unit by unit where either plan splits a building by unit, so
//! the workers of a grid made of some units of one building follow those units. Pure:
//! the caller ([`super::publish`]) reads the assignments from the store.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One plan's answer to "which grid is this building, or this unit of it, in?".
#[derive(Debug, Default, Clone)]
pub struct Assignment {
    /// Building id → grid id.
    pub buildings: HashMap<i64, i64>,
    /// Building id → unit → grid id, for buildings split by unit (the units not listed are
    /// in the building's grid).
    pub units: HashMap<i64, BTreeMap<i32, i64>>,
}

impl Assignment {
    /// The assignment of `buildings` (building, grid) with the unit splits `units`
    /// (building, unit, grid).
    pub fn new(
        buildings: impl IntoIterator<Item = (i64, i64)>,
        units: impl IntoIterator<Item = (i64, i32, i64)>,
    ) -> Assignment {
        let mut by_unit: HashMap<i64, BTreeMap<i32, i64>> = HashMap::new();
        for (building, unit, grid) in units {
            by_unit.entry(building).or_default().insert(unit, grid);
        }
        Assignment {
            buildings: buildings.into_iter().collect(),
            units: by_unit,
        }
    }

    fn grid_of(&self, building: i64, unit: Option<i32>) -> Option<i64> {
        unit.and_then(|u| self.units.get(&building)?.get(&u).copied())
            .or_else(|| self.buildings.get(&building).copied())
    }
}

/// Old grid → the new grid its workers follow: the one sharing most of its households
/// (ties to the lowest new grid id). `households` gives each building's count; a building
/// missing from it counts as one. Old grids sharing nothing with the new plan are left
/// out (their workers keep only their old, retired grid).
///
/// ```
/// use std::collections::HashMap;
/// use wangge::plan::workers::{follow, Assignment};
/// // Building 1 (10 households, units 1 and 2) was split into grids 100 and 101; the new
/// // plan puts the whole building in grid 200, and building 2 in grid 201.
/// let old = Assignment::new([(1, 100), (2, 100)], [(1, 1, 100), (1, 2, 101)]);
/// let new = Assignment::new([(1, 200), (2, 201)], []);
/// let households = HashMap::from([(1, 10), (2, 3)]);
/// assert_eq!(follow(&old, &new, &households), vec![(100, 200), (101, 200)]);
/// ```
pub fn follow(
    old: &Assignment,
    new: &Assignment,
    households: &HashMap<i64, u64>,
) -> Vec<(i64, i64)> {
    let mut shared: BTreeMap<(i64, i64), f64> = BTreeMap::new();
    for &building in old.buildings.keys() {
        let count = households.get(&building).copied().unwrap_or(1) as f64;
        let units: BTreeSet<i32> = [&old.units, &new.units]
            .iter()
            .filter_map(|u| u.get(&building))
            .flat_map(|u| u.keys().copied())
            .collect();
        // A building split in neither plan moves whole; a split one unit by unit, each
        // unit weighing an equal share of the building's households.
        let parts: Vec<Option<i32>> = if units.is_empty() {
            vec![None]
        } else {
            units.into_iter().map(Some).collect()
        };
        let weight = count / parts.len() as f64;
        for unit in parts {
            if let (Some(from), Some(to)) =
                (old.grid_of(building, unit), new.grid_of(building, unit))
            {
                *shared.entry((from, to)).or_default() += weight;
            }
        }
    }
    let mut best: BTreeMap<i64, (f64, i64)> = BTreeMap::new();
    for ((from, to), n) in shared {
        let e = best.entry(from).or_insert((0.0, to));
        if n > e.0 {
            *e = (n, to);
        }
    }
    best.into_iter().map(|(from, (_, to))| (from, to)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_follow_most_households() {
        // Grid 10 held buildings 1 (5 households) and 2 (20); the new plan puts them in 30
        // and 31: grid 10's workers go to 31.
        let old = Assignment::new([(1, 10), (2, 10)], []);
        let new = Assignment::new([(1, 30), (2, 31)], []);
        let households = HashMap::from([(1, 5), (2, 20)]);
        assert_eq!(follow(&old, &new, &households), vec![(10, 31)]);
    }

    #[test]
    fn a_new_split_sends_the_workers_to_the_larger_part() {
        // Building 1 (units 1–3) was whole in grid 10; the new plan gives units 1–2 to 30
        // and unit 3 to 31.
        let old = Assignment::new([(1, 10)], []);
        let new = Assignment::new([(1, 30)], [(1, 1, 30), (1, 2, 30), (1, 3, 31)]);
        let households = HashMap::from([(1, 9)]);
        assert_eq!(follow(&old, &new, &households), vec![(10, 30)]);
    }

    #[test]
    fn split_grids_follow_their_units() {
        // Old: units 1–2 of building 1 in 10, units 3–4 in 11. New: units 1–2 in 30, 3–4
        // in 31 (renumbered grids of the same split).
        let old = Assignment::new([(1, 10)], [(1, 1, 10), (1, 2, 10), (1, 3, 11), (1, 4, 11)]);
        let new = Assignment::new([(1, 30)], [(1, 1, 30), (1, 2, 30), (1, 3, 31), (1, 4, 31)]);
        let households = HashMap::from([(1, 800)]);
        assert_eq!(follow(&old, &new, &households), vec![(10, 30), (11, 31)]);
    }

    #[test]
    fn buildings_gone_from_the_new_plan_count_for_nothing() {
        let old = Assignment::new([(1, 10), (2, 11)], []);
        let new = Assignment::new([(1, 30)], []);
        assert_eq!(follow(&old, &new, &HashMap::new()), vec![(10, 30)]);
    }
}
