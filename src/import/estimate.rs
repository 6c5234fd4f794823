//! Household estimation where no register exists (PRODUCT.md §3.2).
//!
//! ```text
//! households = round(footprint_m2 × floors × residential_share ÷ dwelling_m2)
//! ```
//! * `floors`: the building's floors (`building:levels`), else `height ÷ 3 m` rounded,
//!   else the default of its type (table below).
//! * `residential_share` and the default floors by use / type:
//!
//! | type (OSM `building=*`) or use | share | default floors |
//! |---|---|---|
//! | apartments | 1.0 | 6 |
//! | residential, dormitory, other residential | 1.0 | 5 |
//! | house, detached, bungalow, cabin, farm | exactly 1 household | — |
//! | semidetached_house | exactly 2 households | — |
//! | mixed (housing above shops) | 0.6 | 5 |
//! | unknown (`building=yes`, other) | 0.5 | 3 |
//! | commercial, public, industrial | 0 | — |
//!
//! * `dwelling_m2`: mean gross floor area per dwelling, default 90 m² (typical of urban
//!   Chinese housing, shared areas included); `--dwelling-m2` changes it.
//!
//! Explicitly residential buildings get at least one household. Every result is marked
//! as estimated ([`HouseholdCount::Estimated`]).

use crate::model::{BuildingUse, HouseholdCount};

/// Assumed storey height when floors are derived from a height in metres.
pub const STOREY_HEIGHT_M: f64 = 3.0;
/// Default mean gross floor area of one dwelling, m².
pub const DEFAULT_DWELLING_M2: f64 = 90.0;

/// Parameters of the estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EstimateParams {
    /// Mean gross floor area of one dwelling, m².
    pub dwelling_m2: f64,
}

impl Default for EstimateParams {
    fn default() -> Self {
        EstimateParams {
            dwelling_m2: DEFAULT_DWELLING_M2,
        }
    }
}

/// What the estimate needs to know about a building.
#[derive(Debug, Clone, Copy)]
pub struct BuildingFacts<'a> {
    pub footprint_m2: f64,
    pub floors: Option<i32>,
    pub height_m: Option<f64>,
    pub building_use: BuildingUse,
    /// Raw source type, e.g. OSM `building=apartments`.
    pub building_type: Option<&'a str>,
}

/// The floors used by the estimate: recorded, else from height, else the type default.
pub fn effective_floors(facts: &BuildingFacts) -> f64 {
    if let Some(f) = facts.floors.filter(|f| *f > 0) {
        return f as f64;
    }
    if let Some(h) = facts.height_m.filter(|h| h.is_finite() && *h > 0.0) {
        return (h / STOREY_HEIGHT_M).round().max(1.0);
    }
    match (facts.building_type, facts.building_use) {
        (Some("apartments"), _) => 6.0,
        (_, BuildingUse::Residential) | (_, BuildingUse::Mixed) => 5.0,
        _ => 3.0,
    }
}

/// Building types no one lives in (OSM `building=*` values), whatever their use says.
pub const NOT_DWELLINGS: &[&str] = &[
    "garage",
    "garages",
    "parking",
    "carport",
    "shed",
    "roof",
    "hut",
    "service",
    "transformer_tower",
    "bridge",
    "greenhouse",
    "storage_tank",
    "silo",
    "kiosk",
    "toilets",
];

/// Share of the floor area that is housing.
fn residential_share(facts: &BuildingFacts) -> f64 {
    if facts
        .building_type
        .is_some_and(|t| NOT_DWELLINGS.contains(&t))
    {
        return 0.0;
    }
    match facts.building_use {
        BuildingUse::Residential => 1.0,
        BuildingUse::Mixed => 0.6,
        BuildingUse::Other => 0.5,
        BuildingUse::Commercial | BuildingUse::Public | BuildingUse::Industrial => 0.0,
    }
}

/// Estimates the households of one building.
pub fn estimate_households(facts: &BuildingFacts, params: &EstimateParams) -> HouseholdCount {
    match facts.building_type {
        Some("house" | "detached" | "bungalow" | "cabin" | "farm") => {
            return HouseholdCount::Estimated(1)
        }
        Some("semidetached_house") => return HouseholdCount::Estimated(2),
        _ => {}
    }
    let area = if facts.footprint_m2.is_finite() {
        facts.footprint_m2.max(0.0)
    } else {
        0.0
    };
    let dwelling = if params.dwelling_m2 > 0.0 {
        params.dwelling_m2
    } else {
        DEFAULT_DWELLING_M2
    };
    let raw = area * effective_floors(facts) * residential_share(facts) / dwelling;
    let mut n = raw.round().min(i32::MAX as f64) as i32;
    if facts.building_use == BuildingUse::Residential {
        n = n.max(1);
    }
    HouseholdCount::Estimated(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        area: f64,
        floors: Option<i32>,
        height: Option<f64>,
        u: BuildingUse,
        t: Option<&'static str>,
    ) -> BuildingFacts<'static> {
        BuildingFacts {
            footprint_m2: area,
            floors,
            height_m: height,
            building_use: u,
            building_type: t,
        }
    }

    #[test]
    fn tower_with_levels() {
        // 800 m² × 18 floors ÷ 90 m² = 160 households.
        let f = facts(
            800.0,
            Some(18),
            None,
            BuildingUse::Residential,
            Some("apartments"),
        );
        assert_eq!(
            estimate_households(&f, &EstimateParams::default()),
            HouseholdCount::Estimated(160)
        );
    }

    #[test]
    fn garages_and_sheds_hold_no_households() {
        let p = EstimateParams::default();
        for t in ["garages", "shed", "roof"] {
            let f = facts(900.0, Some(2), None, BuildingUse::Other, Some(t));
            assert_eq!(
                estimate_households(&f, &p),
                HouseholdCount::Estimated(0),
                "{t}"
            );
        }
        // An unknown building of the same size is half housing: 900 × 2 × 0.5 ÷ 90.
        let f = facts(900.0, Some(2), None, BuildingUse::Other, Some("yes"));
        assert_eq!(estimate_households(&f, &p), HouseholdCount::Estimated(10));
    }

    #[test]
    fn height_gives_floors_when_levels_missing() {
        // 45 m ÷ 3 m = 15 floors; 600 × 15 ÷ 90 = 100.
        let f = facts(
            600.0,
            None,
            Some(45.0),
            BuildingUse::Residential,
            Some("residential"),
        );
        assert_eq!(effective_floors(&f), 15.0);
        assert_eq!(
            estimate_households(&f, &EstimateParams::default()).value(),
            100
        );
    }

    #[test]
    fn type_defaults_apply_last() {
        let f = facts(
            900.0,
            None,
            None,
            BuildingUse::Residential,
            Some("apartments"),
        );
        assert_eq!(effective_floors(&f), 6.0);
        assert_eq!(
            estimate_households(&f, &EstimateParams::default()).value(),
            60
        );
        // Unknown type: 3 floors, half housing: 600 × 3 × 0.5 ÷ 90 = 10.
        let y = facts(600.0, None, None, BuildingUse::Other, Some("yes"));
        assert_eq!(
            estimate_households(&y, &EstimateParams::default()).value(),
            10
        );
    }

    #[test]
    fn non_residential_has_no_households() {
        let f = facts(5000.0, Some(5), None, BuildingUse::Public, Some("school"));
        assert_eq!(
            estimate_households(&f, &EstimateParams::default()).value(),
            0
        );
    }

    #[test]
    fn houses_are_one_household_and_small_flats_at_least_one() {
        let h = facts(
            150.0,
            Some(2),
            None,
            BuildingUse::Residential,
            Some("house"),
        );
        assert_eq!(
            estimate_households(&h, &EstimateParams::default()).value(),
            1
        );
        let tiny = facts(
            20.0,
            Some(1),
            None,
            BuildingUse::Residential,
            Some("residential"),
        );
        assert_eq!(
            estimate_households(&tiny, &EstimateParams::default()).value(),
            1
        );
    }

    #[test]
    fn dwelling_size_is_a_parameter_and_result_is_marked_estimated() {
        let f = facts(600.0, Some(5), None, BuildingUse::Residential, None);
        let r = estimate_households(&f, &EstimateParams { dwelling_m2: 60.0 });
        assert_eq!(r, HouseholdCount::Estimated(50));
        assert!(r.is_estimated());
    }
}
