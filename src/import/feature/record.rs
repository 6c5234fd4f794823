//! One feature → one record of its layer: the aliases of the README's property table, the
//! checks (valid storable geometry of the layer's type, counts not below zero, known
//! kinds) and their error texts, the same for every vector format.

use geo::{Geometry, MultiLineString};

use super::props::Props;
use super::Layer;
use crate::geometry::{check_storable, into_multipolygon, type_name};
use crate::import::osm::tags::{barrier_grade, use_of_building_value};
use crate::model::*;

fn names<T: strum::VariantArray + AsRef<str> + 'static>() -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| v.as_ref()).collect()
}

fn polygons(g: &Geometry<f64>) -> Result<geo::MultiPolygon<f64>, String> {
    let mp = into_multipolygon(g.clone()).map_err(|e| e.to_string())?;
    check_storable(&Geometry::MultiPolygon(mp.clone())).map_err(|e| e.to_string())?;
    Ok(mp)
}

fn point(g: &Geometry<f64>) -> Result<geo::Point<f64>, String> {
    match g {
        Geometry::Point(p) => {
            check_storable(g).map_err(|e| e.to_string())?;
            Ok(*p)
        }
        other => Err(format!("expected Point, found {}", type_name(other))),
    }
}

/// Pushes the record of `layer` that the feature `source_id` with `props` and `geom`
/// (already in WGS 84) makes into `ds`; the error is the reason the feature is unusable.
pub(super) fn push_record(
    ds: &mut Dataset,
    layer: Layer,
    source_id: String,
    props: &Props<'_>,
    geom: Geometry<f64>,
) -> Result<(), String> {
    let address = Address {
        road: props.text(&["road", "addr:street", "addr_street"]),
        house_number: props.text(&["house_number", "addr:housenumber", "addr_housenumber"]),
        compound: props.text(&["compound", "addr:place", "addr_place"]),
        building_no: props.text(&["building_no"]),
    };
    match layer {
        Layer::Districts | Layer::Streets | Layer::Communities => {
            let level = match layer {
                Layer::Districts => RegionLevel::District,
                Layer::Streets => RegionLevel::Street,
                _ => RegionLevel::Community,
            };
            let name = props
                .text(&["name", "name:zh", "名称"])
                .unwrap_or_else(|| format!("{level} {source_id}"));
            ds.regions.push(RegionRecord {
                boundary: polygons(&geom)?,
                parent: props.text(&["parent"]),
                code: props.text(&["code", "adcode", "区划代码"]),
                level,
                name,
                source_id,
            });
        }
        Layer::Grids => {
            let code = props.required(&["code"])?;
            ds.grids.push(GridRecord {
                boundary: polygons(&geom)?,
                community: props.required(&["community"])?,
                name: props.text(&["name"]).unwrap_or_else(|| code.clone()),
                kind: props
                    .parsed(&["kind"], &names::<GridKind>())?
                    .unwrap_or(GridKind::Standard),
                code,
                source_id,
            });
        }
        Layer::Buildings => ds
            .buildings
            .push(building(source_id, props, &geom, address)?),
        Layer::Cameras => {
            let direction = props.number(&["direction", "direction_deg", "camera:direction"])?;
            ds.cameras.push(CameraRecord {
                location: point(&geom)?,
                name: props.text(&["name"]),
                class: props.parsed(&["class", "priority_class"], &names::<CameraClass>())?,
                direction_deg: direction.map(|d| d.rem_euclid(360.0)),
                fov_deg: props.number(&["fov", "fov_deg"])?,
                range_m: props.number(&["range", "range_m"])?,
                stream_url: props.text(&["stream_url", "url"]),
                status: props
                    .parsed(&["status"], &names::<CameraStatus>())?
                    .unwrap_or(CameraStatus::Unknown),
                source_id,
            });
        }
        Layer::Barriers => {
            let lines = match geom {
                Geometry::LineString(l) => MultiLineString(vec![l]),
                Geometry::MultiLineString(m) => m,
                other => {
                    return Err(format!(
                        "expected LineString or MultiLineString, found {}",
                        type_name(&other)
                    ))
                }
            };
            check_storable(&Geometry::MultiLineString(lines.clone())).map_err(|e| e.to_string())?;
            let kind_text = props.text(&["barrier_kind", "kind"]).unwrap_or_default();
            let kind = match kind_text.as_str() {
                "rail" | "railway" => BarrierKind::Railway,
                "water" | "waterway" | "river" | "canal" => BarrierKind::Waterway,
                _ => BarrierKind::Road,
            };
            ds.barriers.push(BarrierRecord {
                geometry: lines,
                kind,
                class: props
                    .text(&["class", "highway", "kind_detail", "kind"])
                    .unwrap_or_else(|| kind.to_string()),
                name: props.text(&["name", "name:zh"]),
                grade: grade_of(props)?,
                source_id,
            });
        }
        Layer::Addresses => {
            ds.addresses.push(AddressPointRecord {
                location: point(&geom)?,
                building: props.text(&["building"]),
                address,
                source_id,
            });
        }
    }
    Ok(())
}

fn building(
    source_id: String,
    props: &Props<'_>,
    geom: &Geometry<f64>,
    address: Address,
) -> Result<BuildingRecord, String> {
    let building_type = props.text(&["building", "building_type", "kind_detail", "type"]);
    let building_use = match props.parsed(&["use", "building_use"], &names::<BuildingUse>())? {
        Some(u) => u,
        None => building_type
            .as_deref()
            .map_or(BuildingUse::Other, use_of_building_value),
    };
    let households = match props.integer(&["households"])? {
        Some(n) if n < 0 => return Err(format!("property \"households\" is {n}, below zero")),
        Some(n) if props.flag(&["households_estimated"]) => Some(HouseholdCount::Estimated(n)),
        Some(n) => Some(HouseholdCount::Registered(n)),
        None => None,
    };
    let floors = props.integer(&["floors", "levels", "building:levels"])?;
    if let Some(f) = floors.filter(|f| *f <= 0) {
        return Err(format!(
            "property \"floors\" is {f}; a building has at least one floor"
        ));
    }
    Ok(BuildingRecord {
        footprint: polygons(geom)?,
        community: props.text(&["community"]),
        grid: props.text(&["grid"]),
        name: props.text(&["name", "name:zh"]),
        address,
        floors,
        height_m: props.number(&["height", "height_m"])?.filter(|h| *h > 0.0),
        units: props.integer(&["units"])?.filter(|u| *u > 0),
        building_use,
        building_type,
        households,
        source_id,
    })
}

/// A barrier's grade: the `grade` property (`ground`, `bridge`, `underground`), else the
/// OSM tags an export of OSM data carries (`tunnel`, `bridge`, `layer`, `covered`,
/// `location`).
fn grade_of(props: &Props<'_>) -> Result<BarrierGrade, String> {
    match props.text(&["grade"]) {
        Some(g) => g
            .parse()
            .map_err(|_| format!("grade \"{g}\" is not one of ground, bridge, underground")),
        None => Ok(barrier_grade(|k| props.text(&[k]))),
    }
}
