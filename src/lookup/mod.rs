//! Lookup requests — "which grid is responsible for this point or address?": reading
//! batches of points (CSV or GeoJSON), converting them from the caller's CRS, answering
//! each from an [`index`](crate::index) snapshot, and the [`AddressBook`] that answers
//! addresses with the [`geocode`](crate::geocode)r. Shared by the API and the CLI; reads
//! the store only to build snapshots.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;

use crate::crs::{Crs, CrsError, Transformer};
use crate::geocode::{AddressEntry, Geocoder};
use crate::index::{GridIndex, Responsible};
use crate::live::{build_blocking, Live, Snapshot};
use crate::model::Address;
use crate::store::{AddressRow, Store, StoreError, UnitAssignment, ADDRESSES_REVISION};

pub mod csv_stream;

/// Most points one batch request may carry.
pub const MAX_BATCH: usize = 10_000;

/// Why a lookup request cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// The CRS is unknown or a point cannot be converted from it.
    #[error("{0}")]
    Crs(#[from] CrsError),
    /// A coordinate is not a longitude/latitude after conversion.
    #[error("point {index}: ({x}, {y}) is not a longitude/latitude in {crs}")]
    OutOfRange {
        index: usize,
        x: f64,
        y: f64,
        crs: Crs,
    },
    /// The batch is malformed.
    #[error("{place}: {reason}")]
    Input { place: String, reason: String },
    /// The batch has more points than [`MAX_BATCH`].
    #[error("{count} points in one request; at most {MAX_BATCH} are allowed")]
    TooMany { count: usize },
    /// The batch has no point.
    #[error("the request has no point")]
    Empty,
}

fn input(place: impl Into<String>, reason: impl Into<String>) -> LookupError {
    LookupError::Input {
        place: place.into(),
        reason: reason.into(),
    }
}

/// A CSV of points: its header, its rows as read, and the point of each row.
pub type CsvPoints = (Vec<String>, Vec<Vec<String>>, Vec<(f64, f64)>);

/// Points of a CSV with a header naming the longitude and latitude columns (`lon`/`lng`/
/// `longitude`/`x` and `lat`/`latitude`/`y`).
pub fn points_from_csv(text: &str) -> Result<CsvPoints, LookupError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| input("line 1 (header)", e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.to_lowercase().as_str()))
    };
    let x = find(&["lon", "lng", "longitude", "x"]).ok_or_else(|| {
        input(
            "line 1 (header)",
            "no longitude column (lon, lng, longitude or x)",
        )
    })?;
    let y = find(&["lat", "latitude", "y"])
        .ok_or_else(|| input("line 1 (header)", "no latitude column (lat, latitude or y)"))?;
    let mut rows = Vec::new();
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            input(format!("line {line}"), e.to_string())
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if points.len() >= MAX_BATCH {
            return Err(LookupError::TooMany {
                count: points.len() + 1,
            });
        }
        let number = |i: usize, name: &str| -> Result<f64, LookupError> {
            let v = record.get(i).unwrap_or("");
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| {
                    input(
                        format!("line {line}, column {name:?}"),
                        format!("{v:?} is not a number"),
                    )
                })
        };
        points.push((number(x, &header[x])?, number(y, &header[y])?));
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok((header, rows, points))
}

/// Points of a GeoJSON FeatureCollection of Points, a single Point or MultiPoint, or a
/// JSON array of `[lon, lat]` pairs.
pub fn points_from_json(text: &str) -> Result<Vec<(f64, f64)>, LookupError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| input("body", format!("not JSON: {e}")))?;
    let pair = |v: &serde_json::Value, place: String| -> Result<(f64, f64), LookupError> {
        match v.as_array().map(|a| a.as_slice()) {
            Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => Ok((x, y)),
                _ => Err(input(place, "coordinates are not numbers")),
            },
            _ => Err(input(place, "expected [lon, lat]")),
        }
    };
    let mut points = Vec::new();
    let mut push = |p: (f64, f64)| {
        if points.len() >= MAX_BATCH {
            return Err(LookupError::TooMany {
                count: points.len() + 1,
            });
        }
        points.push(p);
        Ok(())
    };
    match value.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => {
            let features = value["features"]
                .as_array()
                .ok_or_else(|| input("body", "features is not an array"))?;
            if features.len() > MAX_BATCH {
                return Err(LookupError::TooMany {
                    count: features.len(),
                });
            }
            for (i, f) in features.iter().enumerate() {
                let g = &f["geometry"];
                if g["type"] != "Point" {
                    return Err(input(
                        format!("feature {i}"),
                        format!("geometry is {}, not a Point", g["type"]),
                    ));
                }
                push(pair(&g["coordinates"], format!("feature {i}"))?)?;
            }
        }
        Some("Feature") => push(pair(&value["geometry"]["coordinates"], "feature".into())?)?,
        Some("Point") => push(pair(&value["coordinates"], "point".into())?)?,
        Some("MultiPoint") => {
            for (i, c) in value["coordinates"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                push(pair(c, format!("point {i}"))?)?;
            }
        }
        Some(other) => {
            return Err(input(
                "body",
                format!("GeoJSON {other} is not a point or a collection of points"),
            ))
        }
        None => match value.as_array() {
            Some(list) => {
                if list.len() > MAX_BATCH {
                    return Err(LookupError::TooMany { count: list.len() });
                }
                for (i, c) in list.iter().enumerate() {
                    push(pair(c, format!("point {i}"))?)?;
                }
            }
            None => {
                return Err(input(
                    "body",
                    "expected GeoJSON points or an array of [lon, lat]",
                ))
            }
        },
    }
    if points.is_empty() {
        return Err(LookupError::Empty);
    }
    Ok(points)
}

thread_local! {
    /// PROJ objects are costly to create and not shareable between threads.
    static TRANSFORMERS: RefCell<HashMap<String, Transformer>> = RefCell::new(HashMap::new());
}

/// Converts points from `crs` to WGS 84 in place, checking the result is a lon/lat.
pub fn to_wgs84(points: &mut [(f64, f64)], crs: Crs) -> Result<(), LookupError> {
    if crs.normalized() != Crs::Wgs84 {
        TRANSFORMERS.with(|cache| -> Result<(), LookupError> {
            let mut cache = cache.borrow_mut();
            let key = crs.to_string();
            if !cache.contains_key(&key) {
                cache.insert(key.clone(), Transformer::new(crs, Crs::Wgs84)?);
            }
            let t = &cache[&key];
            for p in points.iter_mut() {
                *p = t.convert(p.0, p.1)?;
            }
            Ok(())
        })?;
    }
    for (index, &(x, y)) in points.iter().enumerate() {
        if !(x.is_finite()
            && y.is_finite()
            && (-180.0..=180.0).contains(&x)
            && (-90.0..=90.0).contains(&y))
        {
            return Err(LookupError::OutOfRange { index, x, y, crs });
        }
    }
    Ok(())
}

/// The answer for one point, as the API and CLI print it.
#[derive(Debug, serde::Serialize)]
pub struct Answer<'a> {
    pub lon: f64,
    pub lat: f64,
    pub found: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Responsible<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
}

/// Answers one WGS 84 point.
pub fn answer(index: &GridIndex, lon: f64, lat: f64) -> Answer<'_> {
    let responsible = index.responsible(lon, lat);
    Answer {
        lon,
        lat,
        found: responsible.is_some(),
        message: responsible
            .is_none()
            .then_some("the point is outside every grid"),
        responsible,
    }
}

/// Most results one geocoding request returns.
pub const MAX_GEOCODE_RESULTS: usize = 100;

/// The stored addresses with a geocoder over them: a snapshot following the store.
pub struct AddressBook {
    revision: i64,
    geocoder: Geocoder,
    /// The building's own address row (the first row of each building).
    buildings: HashMap<i64, AddressRow>,
    /// The written address of every further row of a building (its address points), by
    /// row index: a hit shows the address it matched.
    other_addresses: HashMap<usize, String>,
    /// Grid (id, code) of each unit of a building split between grids, by (building, unit).
    units: HashMap<(i64, i64), (i64, String)>,
}

/// The address book a server answers from, following the store.
pub type LiveAddressBook = Live<AddressBook>;

impl Snapshot for AddressBook {
    const REVISION: &'static str = ADDRESSES_REVISION;
    const WHAT: &'static str = "address book";

    async fn load(store: &Store, revision: i64) -> Result<Self, StoreError> {
        let rows = store.address_rows().await?;
        let units = store.current_unit_assignment().await?;
        build_blocking("address book", move || {
            AddressBook::build(revision, rows).with_units(units)
        })
        .await
    }

    fn revision(&self) -> i64 {
        self.revision
    }
}

/// One geocoding answer: a building with its standard address, grid and score.
#[derive(Debug, Clone, Serialize)]
pub struct GeocodeHit {
    pub building_id: i64,
    pub score: f64,
    /// Which parts of the query matched.
    pub matched: Vec<&'static str>,
    /// The address that matched, written out: the building's standard address, or the
    /// address point of the building that the query named.
    pub address: String,
    pub name: Option<String>,
    pub community: Option<String>,
    /// The building's grid; for a building split between grids by unit, when the query
    /// names a unit, the grid holding that unit.
    pub grid_id: Option<i64>,
    pub grid_code: Option<String>,
    /// Unit and room named by the query (a household of the building).
    pub unit: Option<u32>,
    pub room: Option<String>,
    pub lon: f64,
    pub lat: f64,
}

impl AddressBook {
    /// Builds the geocoder over `rows` (as [`Store::address_rows`] returns them).
    pub fn build(revision: i64, rows: Vec<AddressRow>) -> AddressBook {
        let entries = rows
            .iter()
            .map(|r| AddressEntry {
                building_id: r.building_id,
                address: Address {
                    road: r.road.clone(),
                    house_number: r.house_number.clone(),
                    compound: r.compound.clone(),
                    building_no: r.building_no.clone(),
                },
                name: r.name.clone(),
                community: r.community.clone(),
            })
            .collect();
        let mut buildings = HashMap::new();
        let mut other_addresses = HashMap::new();
        for (i, r) in rows.into_iter().enumerate() {
            match buildings.entry(r.building_id) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(r);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    other_addresses.insert(i, written_address(&r));
                }
            }
        }
        AddressBook {
            revision,
            geocoder: Geocoder::new(entries),
            buildings,
            other_addresses,
            units: HashMap::new(),
        }
    }

    /// Adds the units of buildings split between grids (as
    /// [`Store::current_unit_assignment`] lists them): a query naming such a unit answers
    /// the unit's grid.
    pub fn with_units(mut self, units: Vec<UnitAssignment>) -> AddressBook {
        self.units = units
            .into_iter()
            .map(|u| ((u.building_id, i64::from(u.unit)), (u.grid_id, u.grid_code)))
            .collect();
        self
    }

    /// Ranked buildings for an address query, at most `limit` (capped at
    /// [`MAX_GEOCODE_RESULTS`]).
    pub fn search(&self, query: &str, limit: usize) -> Vec<GeocodeHit> {
        self.geocoder
            .search(query, limit.min(MAX_GEOCODE_RESULTS))
            .into_iter()
            .filter_map(|m| {
                let b = self.buildings.get(&m.building_id)?;
                let (grid_id, grid_code) = match m
                    .unit
                    .and_then(|u| self.units.get(&(m.building_id, i64::from(u))))
                {
                    Some((id, code)) => (Some(*id), Some(code.clone())),
                    None => (b.grid_id, b.grid_code.clone()),
                };
                Some(GeocodeHit {
                    building_id: m.building_id,
                    score: m.score,
                    matched: m.matched,
                    address: self
                        .other_addresses
                        .get(&m.entry)
                        .cloned()
                        .unwrap_or_else(|| written_address(b)),
                    name: b.name.clone(),
                    community: b.community.clone(),
                    grid_id,
                    grid_code,
                    unit: m.unit,
                    room: m.room,
                    lon: b.lon,
                    lat: b.lat,
                })
            })
            .collect()
    }

    /// Number of buildings with an address entry.
    pub fn len(&self) -> usize {
        self.buildings.len()
    }

    /// True when no building is indexed.
    pub fn is_empty(&self) -> bool {
        self.buildings.is_empty()
    }
}

/// A standard address written the way its script writes it: `锦江路88号 锦绣花园3栋`, or
/// `Mannerheimintie 12`.
pub fn written_address(r: &AddressRow) -> String {
    let cjk = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
    };
    let mut parts = Vec::new();
    if cjk(&r.road) || cjk(&r.compound) {
        let mut road = r.road.clone().unwrap_or_default();
        if let Some(n) = &r.house_number {
            road.push_str(n);
            if !n.ends_with('号') {
                road.push('号');
            }
        }
        parts.push(road);
        let mut place = r.compound.clone().unwrap_or_default();
        if let Some(b) = &r.building_no {
            place.push_str(b);
            if b.chars().all(|c| c.is_ascii_alphanumeric()) {
                place.push('栋');
            }
        }
        parts.push(place);
    } else {
        let street = [r.road.as_deref(), r.house_number.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        parts.push(street);
        parts.push(r.compound.clone().unwrap_or_default());
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_points_keep_their_rows_and_name_bad_lines() {
        let (header, rows, points) =
            points_from_csv("name,lng,lat\na,116.3,39.9\nb,116.4,40.0\n").unwrap();
        assert_eq!(header, ["name", "lng", "lat"]);
        assert_eq!(rows[1], ["b", "116.4", "40.0"]);
        assert_eq!(points, [(116.3, 39.9), (116.4, 40.0)]);
        let err = points_from_csv("lon,lat\n1,2\n3,x\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("\"lat\"") && err.contains("\"x\""),
            "{err}"
        );
        assert!(points_from_csv("a,b\n1,2\n")
            .unwrap_err()
            .to_string()
            .contains("longitude"));
    }

    #[test]
    fn json_points_in_every_form() {
        let fc = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        assert_eq!(points_from_json(fc).unwrap(), [(1.0, 2.0)]);
        assert_eq!(
            points_from_json("[[1,2],[3,4]]").unwrap(),
            [(1.0, 2.0), (3.0, 4.0)]
        );
        assert_eq!(
            points_from_json(r#"{"type":"MultiPoint","coordinates":[[5,6]]}"#).unwrap(),
            [(5.0, 6.0)]
        );
        assert!(matches!(points_from_json("[]"), Err(LookupError::Empty)));
        assert!(points_from_json(r#"{"type":"LineString","coordinates":[]}"#).is_err());
    }

    #[test]
    fn batches_above_the_limit_are_refused() {
        let many = format!("[{}]", vec!["[1,2]"; MAX_BATCH + 1].join(","));
        assert!(matches!(
            points_from_json(&many),
            Err(LookupError::TooMany { .. })
        ));
        let mut csv = String::from("lon,lat\n");
        for _ in 0..=MAX_BATCH {
            csv.push_str("1,2\n");
        }
        assert!(matches!(
            points_from_csv(&csv),
            Err(LookupError::TooMany { .. })
        ));
    }

    #[test]
    fn offset_and_projected_inputs_are_converted_and_checked() {
        let mut p = [crate::crs::offset::wgs84_to_gcj02(116.3975, 39.9087)];
        to_wgs84(&mut p, Crs::Gcj02).unwrap();
        assert!(
            (p[0].0 - 116.3975).abs() < 1e-6 && (p[0].1 - 39.9087).abs() < 1e-6,
            "{p:?}"
        );
        let mut metres = [(12958000.0, 4852000.0)];
        assert!(matches!(
            to_wgs84(&mut metres, Crs::Wgs84),
            Err(LookupError::OutOfRange { .. })
        ));
    }
}
