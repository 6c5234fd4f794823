//! Unit splits applied to a draft: a building above the ceiling whose household register
//! numbers every household's unit (单元) is divided into consecutive unit groups
//! ([`split_by_unit`]); the grid the solver gave the building keeps its cell and the first
//! group, and every further group becomes a grid of its own whose boundary is that same
//! grid's boundary (the building's cell). These grids overlap each other by design — the
//! only overlap a plan allows — and the store records which unit belongs to which grid
//! (`plan_unit_assignments`). Also: households moved counted unit by unit for buildings
//! split in the draft or in the published plan. Called by the plan use case only; reads
//! household registers from the store.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{ModeName, PlanError, PlanRequest};
use crate::partition::units::{split_by_unit, UnitGroup};
use crate::store::{Building, Store, UnitAssignment};

/// How a building above the ceiling is split by unit (from its household register).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSplit {
    pub building_id: i64,
    /// The grid the solver gave the building: it keeps the building's cell (its
    /// territorial assignment) and holds the first unit group.
    pub grid_code: String,
    pub households: u64,
    /// Consecutive units and their households; every group within the bounds when
    /// `within_bounds`.
    pub groups: Vec<UnitGroup>,
    pub within_bounds: bool,
    /// The code of the grid holding each group (same order as `groups`); the first is
    /// `grid_code`, the others are grids of this building alone whose boundary is the
    /// building's cell. Empty when the split is not applied.
    #[serde(default)]
    pub grids: Vec<String>,
}

/// A building's household register counted by unit (`None`: households without a unit).
pub(super) type Register = BTreeMap<Option<i32>, u64>;

/// Households of `b` by unit, from its register.
pub(super) async fn register(store: &Store, b: &Building) -> Result<Register, PlanError> {
    let mut per_unit = Register::new();
    for h in store.households(b.id).await? {
        *per_unit.entry(h.unit).or_default() += 1;
    }
    Ok(per_unit)
}

/// The unit split of a building above the ceiling; `None` (not split) when some household
/// has no unit, the register does not account for every household of the building, or
/// fewer than two units are known.
pub(super) fn unit_split(
    b: &Building,
    register: &Register,
    grid_code: &str,
    request: &PlanRequest,
) -> Option<UnitSplit> {
    let households = b.households.max(0) as u64;
    if register.contains_key(&None) || register.values().sum::<u64>() != households {
        return None;
    }
    let units: Vec<(i32, u64)> = register
        .iter()
        .filter_map(|(u, n)| Some(((*u)?, *n)))
        .collect();
    let target = match request.mode {
        ModeName::Target => request.target,
        _ => (request.min + request.max) / 2,
    };
    let groups = split_by_unit(
        &units,
        u64::from(request.min),
        u64::from(request.max),
        u64::from(target),
    )?;
    let within = u64::from(request.min)..=u64::from(request.max);
    Some(UnitSplit {
        building_id: b.id,
        grid_code: grid_code.to_string(),
        households,
        within_bounds: groups.iter().all(|g| within.contains(&g.households)),
        groups,
        grids: Vec::new(),
    })
}

/// Code and name for each further group of `split` (groups 1..): the code of the grid
/// that held the group's first unit in the published plan when it is still free, else
/// the next free code `{base}NNN`. Codes handed out are added to `taken`.
pub(super) fn name_groups(
    split: &UnitSplit,
    published: &[UnitAssignment],
    published_names: &BTreeMap<String, String>,
    base: &str,
    community_name: &str,
    taken: &mut HashSet<String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut next = 1;
    for g in split.groups.iter().skip(1) {
        let before = g.units.first().and_then(|u| {
            published
                .iter()
                .find(|a| a.building_id == split.building_id && a.unit == *u)
        });
        if let Some(a) = before {
            if taken.insert(a.grid_code.clone()) {
                let name = published_names
                    .get(&a.grid_code)
                    .cloned()
                    .unwrap_or_else(|| a.grid_code.clone());
                out.push((a.grid_code.clone(), name));
                continue;
            }
        }
        let code = loop {
            let c = format!("{base}{next:03}");
            next += 1;
            if taken.insert(c.clone()) {
                break c;
            }
        };
        let name = format!(
            "{community_name} 网格{}",
            &code[code.len().saturating_sub(3)..]
        );
        out.push((code, name));
    }
    out
}

/// Households of one building whose grid code changes between the published plan and the
/// draft, unit by unit where either splits the building (`before_units`, `after_units`:
/// unit → grid code; a unit not listed is in the building's grid). `None` before: the
/// building had no grid, nothing moved.
pub(super) fn households_moved(
    households: u64,
    register: Option<&Register>,
    before: Option<&str>,
    after: &str,
    before_units: Option<&BTreeMap<i32, String>>,
    after_units: Option<&BTreeMap<i32, String>>,
) -> u64 {
    let Some(before) = before else {
        return 0;
    };
    match (register, before_units.is_some() || after_units.is_some()) {
        (Some(register), true) => register
            .iter()
            .filter(|(unit, _)| {
                let code = |units: Option<&BTreeMap<i32, String>>, whole: &str| {
                    unit.and_then(|u| units?.get(&u).cloned())
                        .unwrap_or_else(|| whole.to_string())
                };
                code(before_units, before) != code(after_units, after)
            })
            .map(|(_, n)| *n)
            .sum(),
        _ => {
            if before != after {
                households
            } else {
                0
            }
        }
    }
}

/// Unit numbers as ranges: `units 1–3`, `unit 5`.
pub(super) fn unit_list(units: &[i32]) -> String {
    match units {
        [one] => format!("unit {one}"),
        [first, .., last] if (*last - *first) as usize + 1 == units.len() => {
            format!("units {first}–{last}")
        }
        _ => format!(
            "units {}",
            units
                .iter()
                .map(|u| u.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_households_are_counted_unit_by_unit() {
        let register: Register = [(Some(1), 100), (Some(2), 120), (Some(3), 90)].into();
        let split: BTreeMap<i32, String> = [(2, "B".to_string()), (3, "B".to_string())].into();
        // Not split anywhere: the whole building or nothing.
        assert_eq!(households_moved(310, None, Some("A"), "A", None, None), 0);
        assert_eq!(households_moved(310, None, Some("A"), "C", None, None), 310);
        // Split in the draft: units 2 and 3 leave A.
        assert_eq!(
            households_moved(310, Some(&register), Some("A"), "A", None, Some(&split)),
            210
        );
        // Split before and after the same way: nothing moves.
        assert_eq!(
            households_moved(
                310,
                Some(&register),
                Some("A"),
                "A",
                Some(&split),
                Some(&split)
            ),
            0
        );
        // No grid before: nothing counted as moved.
        assert_eq!(
            households_moved(310, Some(&register), None, "A", None, Some(&split)),
            0
        );
        assert_eq!(unit_list(&[1, 2, 3]), "units 1–3");
        assert_eq!(unit_list(&[4]), "unit 4");
    }
}
