//! Household estimates for buildings without a count (see [`crate::import::estimate`]).

use super::{ImportError, PrepareOptions, PrepareReport};
use crate::crs::LocalProjection;
use crate::geometry::representative_point;
use crate::import::estimate::{estimate_households, BuildingFacts};
use crate::model::Dataset;

/// Estimates the households of every building of `ds` that has no count.
pub(super) fn estimate(
    ds: &mut Dataset,
    options: &PrepareOptions,
    report: &mut PrepareReport,
) -> Result<(), ImportError> {
    let Some(first) = ds
        .buildings
        .iter()
        .find(|b| b.households.is_none())
        .and_then(|b| representative_point(&b.footprint))
    else {
        return Ok(());
    };
    let projection = LocalProjection::around(first.x(), first.y())
        .map_err(|e| ImportError::Usage(format!("cannot set up a metric projection: {e}")))?;
    for b in ds.buildings.iter_mut().filter(|b| b.households.is_none()) {
        let facts = BuildingFacts {
            footprint_m2: projection.area_m2(&b.footprint),
            floors: b.floors,
            height_m: b.height_m,
            building_use: b.building_use,
            building_type: b.building_type.as_deref(),
        };
        let count = estimate_households(&facts, &options.estimate);
        report.estimated_buildings += 1;
        report.estimated_households += i64::from(count.value());
        b.households = Some(count);
    }
    Ok(())
}
