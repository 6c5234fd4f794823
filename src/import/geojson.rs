//! GeoJSON import of one layer (districts, streets, communities, grids, buildings,
//! cameras, barriers, addresses) in any supported CRS.
//!
//! Properties are read by name with a few aliases (documented in the README), so that
//! common exports (OSM-derived Tilezen layers, QGIS exports) load without renaming.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use geo::{Geometry, MultiLineString};
use geojson::{Feature, GeoJson};
use serde_json::{Map, Value};

use super::ImportError;
use crate::crs::{Crs, Transformer};
use crate::geometry::{check_storable, into_multipolygon, type_name};
use crate::model::*;

/// The layers a GeoJSON file can hold.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum Layer {
    Districts,
    Streets,
    Communities,
    Grids,
    Buildings,
    Cameras,
    Barriers,
    Addresses,
}

/// How to read a GeoJSON file.
#[derive(Debug, Clone)]
pub struct GeoJsonOptions {
    pub layer: Layer,
    /// CRS of the coordinates; `None` takes the file's `crs` member, else EPSG:4326.
    pub crs: Option<Crs>,
    /// Source name for upserts (default: the file stem).
    pub source: Option<String>,
    /// Skip unusable features (listed in the report) instead of failing the import.
    pub skip_invalid: bool,
}

/// A feature left out under `skip_invalid`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedFeature {
    pub place: String,
    pub reason: String,
}

/// Reads one layer into a dataset.
pub fn read_geojson(
    path: &Path,
    options: &GeoJsonOptions,
) -> Result<(Dataset, Vec<SkippedFeature>), ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::io(path, e))?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty { path: path.into() });
    }
    let parsed = GeoJson::from_str(&text)
        .map_err(|e| ImportError::format(path, "GeoJSON", e.to_string()))?;
    let (features, declared) = match parsed {
        GeoJson::FeatureCollection(fc) => {
            let declared = fc
                .foreign_members
                .as_ref()
                .and_then(|m| m.get("crs"))
                .and_then(|c| c.pointer("/properties/name"))
                .and_then(Value::as_str)
                .map(str::to_string);
            (fc.features, declared)
        }
        GeoJson::Feature(f) => (vec![f], None),
        GeoJson::Geometry(_) => {
            return Err(ImportError::format(
                path,
                "GeoJSON",
                "a bare geometry has no properties: give a Feature or FeatureCollection",
            ))
        }
    };
    let crs = resolve_crs(path, options.crs, declared.as_deref())?;
    let transformer = Transformer::new(crs, Crs::Wgs84).map_err(|source| ImportError::Crs {
        path: path.into(),
        source,
    })?;
    let source = options.source.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "geojson".into())
    });
    let mut ds = Dataset::new(source);
    let mut skipped = Vec::new();
    // Source id → index of the first feature with it.
    let mut first_with_id: HashMap<String, usize> = HashMap::new();
    for (index, feature) in features.iter().enumerate() {
        let place = feature_place(index, feature);
        let mut record = Dataset::new(ds.source.clone());
        match read_feature(&mut record, options.layer, index, feature, &transformer) {
            Ok(()) => {}
            Err(reason) if options.skip_invalid => {
                skipped.push(SkippedFeature { place, reason });
                continue;
            }
            Err(reason) => return Err(ImportError::record(path, place, reason)),
        }
        let id = feature_id(feature).unwrap_or_else(|| format!("feature-{index}"));
        match first_with_id.get(&id) {
            None => {
                first_with_id.insert(id, index);
                append(&mut ds, record);
            }
            // Pieces of one line (e.g. an OSM way cut at tile edges) make one barrier.
            Some(_) if options.layer == Layer::Barriers => {
                if let (Some(target), Some(piece)) = (
                    ds.barriers.iter_mut().find(|b| b.source_id == id),
                    record.barriers.pop(),
                ) {
                    target.geometry.0.extend(piece.geometry.0);
                }
            }
            Some(first) => {
                return Err(ImportError::record(
                    path,
                    place,
                    format!(
                    "id {id:?} is also the id of feature {first}; ids must be unique in a {} layer",
                    options.layer
                ),
                ))
            }
        }
    }
    Ok((ds, skipped))
}

/// Moves the records of `part` to the end of `ds`.
fn append(ds: &mut Dataset, mut part: Dataset) {
    ds.regions.append(&mut part.regions);
    ds.grids.append(&mut part.grids);
    ds.buildings.append(&mut part.buildings);
    ds.cameras.append(&mut part.cameras);
    ds.barriers.append(&mut part.barriers);
    ds.addresses.append(&mut part.addresses);
}

fn resolve_crs(
    path: &Path,
    given: Option<Crs>,
    declared: Option<&str>,
) -> Result<Crs, ImportError> {
    let declared = match declared {
        Some(name) => Some(Crs::parse(name).map_err(|source| ImportError::Crs {
            path: path.into(),
            source,
        })?),
        None => None,
    };
    match (given, declared) {
        (Some(g), Some(d)) if g.normalized() != d.normalized() => Err(ImportError::Usage(format!(
            "{}: the file declares its CRS as {d} but --crs says {g}; remove one of them",
            path.display()
        ))),
        (Some(g), _) => Ok(g),
        (None, Some(d)) => Ok(d),
        (None, None) => Ok(Crs::Wgs84),
    }
}

fn feature_place(index: usize, f: &Feature) -> String {
    match feature_id(f) {
        Some(id) => format!("feature {index} (id {id:?})"),
        None => format!("feature {index}"),
    }
}

fn feature_id(f: &Feature) -> Option<String> {
    let props = f.properties.as_ref();
    for key in ["source_id", "id", "osm_id", "fid"] {
        if let Some(v) = props.and_then(|p| p.get(key)) {
            if let Some(s) = scalar(v) {
                return Some(s);
            }
        }
    }
    f.id.as_ref().map(|id| match id {
        geojson::feature::Id::String(s) => s.clone(),
        geojson::feature::Id::Number(n) => n.to_string(),
    })
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Property access by the first present alias.
struct Props<'a>(Option<&'a Map<String, Value>>);

impl Props<'_> {
    fn text(&self, keys: &[&str]) -> Option<String> {
        let map = self.0?;
        keys.iter().find_map(|k| map.get(*k).and_then(scalar))
    }

    fn number(&self, keys: &[&str]) -> Result<Option<f64>, String> {
        let Some(map) = self.0 else { return Ok(None) };
        for k in keys {
            match map.get(*k) {
                None | Some(Value::Null) => continue,
                Some(Value::Number(n)) => return Ok(n.as_f64()),
                Some(Value::String(s)) if s.trim().is_empty() => continue,
                Some(Value::String(s)) => {
                    let t = s.trim().trim_end_matches('m').trim();
                    return t
                        .parse::<f64>()
                        .map(Some)
                        .map_err(|_| format!("property {k:?} is {s:?}, not a number"));
                }
                Some(other) => return Err(format!("property {k:?} is {other}, not a number")),
            }
        }
        Ok(None)
    }

    fn integer(&self, keys: &[&str]) -> Result<Option<i32>, String> {
        match self.number(keys)? {
            Some(n) if n.fract() == 0.0 && n.abs() < i32::MAX as f64 => Ok(Some(n as i32)),
            Some(n) => Err(format!("property {:?} is {n}, not a whole number", keys[0])),
            None => Ok(None),
        }
    }

    fn required(&self, keys: &[&str]) -> Result<String, String> {
        self.text(keys)
            .ok_or_else(|| format!("missing property {:?}", keys[0]))
    }

    fn parsed<T: FromStr>(&self, keys: &[&str], allowed: &[&str]) -> Result<Option<T>, String> {
        match self.text(keys) {
            Some(v) => T::from_str(&v).map(Some).map_err(|_| {
                format!(
                    "property {:?} is {v:?}; expected one of {}",
                    keys[0],
                    allowed.join(", ")
                )
            }),
            None => Ok(None),
        }
    }
}

fn names<T: strum::VariantArray + AsRef<str> + 'static>() -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| v.as_ref()).collect()
}

fn read_feature(
    ds: &mut Dataset,
    layer: Layer,
    index: usize,
    f: &Feature,
    transformer: &Transformer,
) -> Result<(), String> {
    let props = Props(f.properties.as_ref());
    let source_id = feature_id(f).unwrap_or_else(|| format!("feature-{index}"));
    let Some(geometry) = &f.geometry else {
        return Err("the feature has no geometry".into());
    };
    let mut geom: Geometry<f64> = Geometry::try_from(geometry.value.clone())
        .map_err(|e| format!("unusable geometry: {e}"))?;
    transformer
        .convert_geometry(&mut geom)
        .map_err(|e| e.to_string())?;
    let polygons = |g: &Geometry<f64>| {
        let mp = into_multipolygon(g.clone()).map_err(|e| e.to_string())?;
        check_storable(&Geometry::MultiPolygon(mp.clone())).map_err(|e| e.to_string())?;
        Ok::<_, String>(mp)
    };
    let point = |g: &Geometry<f64>| match g {
        Geometry::Point(p) => {
            check_storable(g).map_err(|e| e.to_string())?;
            Ok(*p)
        }
        other => Err(format!("expected Point, found {}", type_name(other))),
    };
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
        Layer::Buildings => {
            let building_type = props.text(&["building", "building_type", "kind_detail", "type"]);
            let building_use =
                match props.parsed(&["use", "building_use"], &names::<BuildingUse>())? {
                    Some(u) => u,
                    None => use_of_type(building_type.as_deref()),
                };
            let households = match props.integer(&["households"])? {
                Some(n) if n < 0 => {
                    return Err(format!("property \"households\" is {n}, below zero"))
                }
                Some(n) if props.text(&["households_estimated"]).as_deref() == Some("true") => {
                    Some(HouseholdCount::Estimated(n))
                }
                Some(n) => Some(HouseholdCount::Registered(n)),
                None => None,
            };
            let floors = props.integer(&["floors", "levels", "building:levels"])?;
            if let Some(f) = floors.filter(|f| *f <= 0) {
                return Err(format!(
                    "property \"floors\" is {f}; a building has at least one floor"
                ));
            }
            ds.buildings.push(BuildingRecord {
                footprint: polygons(&geom)?,
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
            });
        }
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

/// The use of a building from its type, as for OSM `building=*` values.
fn use_of_type(t: Option<&str>) -> BuildingUse {
    match t {
        Some(
            "apartments" | "residential" | "house" | "detached" | "dormitory" | "terrace"
            | "semidetached_house",
        ) => BuildingUse::Residential,
        Some("commercial" | "retail" | "office" | "hotel" | "bank" | "supermarket") => {
            BuildingUse::Commercial
        }
        Some(
            "school" | "university" | "college" | "kindergarten" | "hospital" | "public" | "civic"
            | "government" | "embassy" | "place_of_worship" | "transportation" | "train_station",
        ) => BuildingUse::Public,
        Some("industrial" | "warehouse" | "factory") => BuildingUse::Industrial,
        _ => BuildingUse::Other,
    }
}
