//! Checks of a dataset before anything is prepared: every geometry storable, every value
//! within what the schema enforces, so that a bad record is reported with its source id
//! instead of as a database error.

use geo::Geometry;

use super::ImportError;
use crate::geometry::check_storable;
use crate::model::Dataset;

/// Every geometry of `ds` is a valid EPSG:4326 geometry.
pub(super) fn check_geometries(ds: &Dataset, label: &str) -> Result<(), ImportError> {
    let fail = |what: &str, id: &str, e: crate::geometry::GeometryError| {
        ImportError::record(label, format!("{what} {id:?}"), e.to_string())
    };
    for r in &ds.regions {
        check_storable(&Geometry::MultiPolygon(r.boundary.clone()))
            .map_err(|e| fail("region", &r.source_id, e))?;
    }
    for g in ds.grids.iter() {
        check_storable(&Geometry::MultiPolygon(g.boundary.clone()))
            .map_err(|e| fail("grid", &g.source_id, e))?;
    }
    for b in &ds.buildings {
        check_storable(&Geometry::MultiPolygon(b.footprint.clone()))
            .map_err(|e| fail("building", &b.source_id, e))?;
    }
    for c in &ds.cameras {
        check_storable(&Geometry::Point(c.location))
            .map_err(|e| fail("camera", &c.source_id, e))?;
    }
    for a in &ds.addresses {
        check_storable(&Geometry::Point(a.location))
            .map_err(|e| fail("address point", &a.source_id, e))?;
    }
    for b in &ds.barriers {
        check_storable(&Geometry::MultiLineString(b.geometry.clone()))
            .map_err(|e| fail("barrier", &b.source_id, e))?;
    }
    Ok(())
}

/// Normalises camera directions to [0, 360) and checks the ranges the schema enforces,
/// so that a bad value is reported with its record instead of as a database error.
pub(super) fn check_values(ds: &mut Dataset, label: &str) -> Result<(), ImportError> {
    let fail = |what: &str, id: &str, reason: String| {
        ImportError::record(label, format!("{what} {id:?}"), reason)
    };
    for c in ds.cameras.iter_mut() {
        if let Some(d) = c.direction_deg {
            if !d.is_finite() {
                return Err(fail(
                    "camera",
                    &c.source_id,
                    format!("direction {d} is not a number of degrees"),
                ));
            }
            c.direction_deg = Some(d.rem_euclid(360.0));
        }
        if let Some(f) = c.fov_deg.filter(|f| !(*f > 0.0 && *f <= 360.0)) {
            return Err(fail(
                "camera",
                &c.source_id,
                format!("field of view {f}° is outside (0, 360]"),
            ));
        }
        if let Some(r) = c.range_m.filter(|r| !(*r > 0.0 && r.is_finite())) {
            return Err(fail(
                "camera",
                &c.source_id,
                format!("range {r} m is not positive"),
            ));
        }
    }
    for b in &ds.buildings {
        if let Some(f) = b.floors.filter(|f| *f <= 0) {
            return Err(fail(
                "building",
                &b.source_id,
                format!("{f} floors; a building has at least one"),
            ));
        }
        if let Some(h) = b.households.filter(|h| h.value() < 0) {
            return Err(fail(
                "building",
                &b.source_id,
                format!("{} households is below zero", h.value()),
            ));
        }
    }
    for h in &ds.households {
        if h.residents < 0 || h.floating < 0 || h.floating > h.residents {
            return Err(fail(
                "household",
                &format!("{} {}", h.building, h.room),
                format!(
                    "{} residents of whom {} floating is impossible",
                    h.residents, h.floating
                ),
            ));
        }
    }
    Ok(())
}
