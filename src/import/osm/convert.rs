//! From raw OSM elements to the records of a [`Dataset`].

use std::cmp::Ordering;

use geo::{Coord, LineString, MultiLineString, Point};

use super::assemble::{relation_area, way_area};
use super::elements::{tag, OsmData, Relation, Tags, Way};
use super::tags::{
    address, barrier_grade, building_use, name, parse_direction, parse_height, parse_levels,
};
use super::{CommunitySource, OsmOptions, OsmRead, Skipped};
use crate::model::{
    AddressPointRecord, BarrierKind, BarrierRecord, BuildingRecord, CameraRecord, CameraStatus,
    Dataset, RegionLevel, RegionRecord,
};

const ROAD_CLASSES: &[&str] = &[
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
];
const RAILWAY_CLASSES: &[&str] = &[
    "rail",
    "light_rail",
    "subway",
    "tram",
    "narrow_gauge",
    "monorail",
];
const WATERWAY_CLASSES: &[&str] = &["river", "canal", "stream", "drain", "ditch"];

/// Everything of `data` as records, sorted by (element type, id).
pub(crate) fn convert(data: &OsmData, options: &OsmOptions) -> OsmRead {
    let mut out = Converter {
        data,
        dataset: Dataset::new("osm"),
        skipped: Vec::new(),
        repaired: Vec::new(),
    };
    for way in data.ways.values() {
        out.way(way, options.communities);
    }
    for rel in &data.relations {
        out.relation(rel, options.communities);
    }
    for node in &data.tagged_nodes {
        let id = format!("n{}", node.id);
        let location = Point::new(node.lon, node.lat);
        if tag(&node.tags, "man_made") == Some("surveillance") {
            out.dataset
                .cameras
                .push(camera(id.clone(), location, &node.tags));
        }
        if tag(&node.tags, "addr:housenumber").is_some() || tag(&node.tags, "addr:street").is_some()
        {
            out.dataset.addresses.push(AddressPointRecord {
                source_id: id,
                location,
                address: address(&node.tags),
                building: None,
            });
        }
    }
    let Converter {
        mut dataset,
        mut skipped,
        repaired,
        ..
    } = out;
    dataset
        .buildings
        .sort_by(|a, b| cmp_ids(&a.source_id, &b.source_id));
    dataset
        .regions
        .sort_by(|a, b| cmp_ids(&a.source_id, &b.source_id));
    dataset
        .barriers
        .sort_by(|a, b| cmp_ids(&a.source_id, &b.source_id));
    dataset
        .cameras
        .sort_by(|a, b| cmp_ids(&a.source_id, &b.source_id));
    dataset
        .addresses
        .sort_by(|a, b| cmp_ids(&a.source_id, &b.source_id));
    skipped.sort_by(|a, b| cmp_ids(&a.osm_id, &b.osm_id).then_with(|| a.reason.cmp(&b.reason)));
    OsmRead {
        dataset,
        skipped,
        repaired,
    }
}

/// Orders source ids such as `w123` by element type (node, way, relation), then numeric id.
fn cmp_ids(a: &str, b: &str) -> Ordering {
    fn key(source_id: &str) -> (u8, i64) {
        let kind = match source_id.as_bytes().first() {
            Some(b'n') => 0,
            Some(b'w') => 1,
            Some(b'r') => 2,
            _ => 3,
        };
        let id = source_id.get(1..).and_then(|s| s.parse().ok()).unwrap_or(0);
        (kind, id)
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

struct Converter<'a> {
    data: &'a OsmData,
    dataset: Dataset,
    skipped: Vec<Skipped>,
    /// Areas made valid by a repair, with what was repaired.
    repaired: Vec<Skipped>,
}

/// What a community candidate is, for its fallback name.
fn community_label(tags: &Tags, source: CommunitySource) -> Option<&'static str> {
    match source {
        CommunitySource::Residential => {
            (tag(tags, "landuse") == Some("residential")).then_some("residential")
        }
        CommunitySource::CityBlock => {
            (tag(tags, "place") == Some("city_block")).then_some("city block")
        }
        CommunitySource::AdminLevel(level) => (tag(tags, "boundary") == Some("administrative")
            && tag(tags, "admin_level").and_then(|l| l.parse::<u8>().ok()) == Some(level))
        .then_some("admin area"),
    }
}

fn is_building(tags: &Tags) -> bool {
    tag(tags, "building").is_some_and(|b| b != "no")
}

impl Converter<'_> {
    fn skip(&mut self, osm_id: &str, what: &str, reason: String) {
        self.skipped.push(Skipped {
            osm_id: osm_id.to_owned(),
            reason: format!("{what}: {reason}"),
        });
    }

    fn way(&mut self, way: &Way, communities: CommunitySource) {
        if way.tags.is_empty() {
            return;
        }
        let id = format!("w{}", way.id);
        let wants_building = is_building(&way.tags);
        // An open administrative boundary way is a piece of a boundary relation, not an area.
        let closed = way.refs.len() > 1 && way.refs.first() == way.refs.last();
        let community = community_label(&way.tags, communities)
            .filter(|_| closed || !matches!(communities, CommunitySource::AdminLevel(_)));
        if wants_building || community.is_some() {
            match way_area(self.data, way) {
                Ok(area) => {
                    if wants_building {
                        self.dataset
                            .buildings
                            .push(building(id.clone(), area.clone(), &way.tags));
                    }
                    if let Some(label) = community {
                        self.dataset
                            .regions
                            .push(region(id.clone(), label, area, &way.tags));
                    }
                }
                Err(reason) => {
                    if wants_building {
                        self.skip(&id, "building", reason.clone());
                    }
                    if community.is_some() {
                        self.skip(&id, "community", reason);
                    }
                }
            }
        }
        if let Some((kind, class)) = barrier_kind(&way.tags) {
            match line(self.data, &way.refs) {
                Ok(geometry) => self.dataset.barriers.push(BarrierRecord {
                    source_id: id,
                    kind,
                    class: class.to_owned(),
                    name: tag(&way.tags, "name").map(str::to_owned),
                    grade: barrier_grade(|k| tag(&way.tags, k).map(str::to_owned)),
                    geometry,
                }),
                Err(reason) => self.skip(&id, "barrier", reason),
            }
        }
    }

    fn relation(&mut self, rel: &Relation, communities: CommunitySource) {
        let id = format!("r{}", rel.id);
        let kind = tag(&rel.tags, "type");
        let multipolygon = kind == Some("multipolygon");
        let wants_building = multipolygon && is_building(&rel.tags);
        let community = community_label(&rel.tags, communities).filter(|_| {
            multipolygon
                || (kind == Some("boundary")
                    && matches!(communities, CommunitySource::AdminLevel(_)))
        });
        if !wants_building && community.is_none() {
            return;
        }
        match relation_area(self.data, rel) {
            Ok(assembled) => {
                let area = assembled.area;
                if let Some(why) = assembled.repaired {
                    let what = if wants_building {
                        "building"
                    } else {
                        "community"
                    };
                    self.repaired.push(Skipped {
                        osm_id: id.clone(),
                        reason: format!("{what}: {why}"),
                    });
                }
                if wants_building {
                    self.dataset
                        .buildings
                        .push(building(id.clone(), area.clone(), &rel.tags));
                }
                if let Some(label) = community {
                    self.dataset
                        .regions
                        .push(region(id, label, area, &rel.tags));
                }
            }
            Err(reason) => {
                if wants_building {
                    self.skip(&id, "building", reason.clone());
                }
                if community.is_some() {
                    self.skip(&id, "community", reason);
                }
            }
        }
    }
}

fn building(source_id: String, footprint: geo::MultiPolygon<f64>, tags: &Tags) -> BuildingRecord {
    BuildingRecord {
        source_id,
        community: None,
        grid: None,
        footprint,
        name: name(tags),
        address: address(tags),
        floors: tag(tags, "building:levels").and_then(parse_levels),
        height_m: tag(tags, "height").and_then(parse_height),
        units: None,
        building_use: building_use(tags),
        building_type: tag(tags, "building").map(str::to_owned),
        households: None,
    }
}

fn region(
    source_id: String,
    label: &str,
    boundary: geo::MultiPolygon<f64>,
    tags: &Tags,
) -> RegionRecord {
    let name = tag(tags, "name")
        .or_else(|| tag(tags, "name:zh"))
        .or_else(|| tag(tags, "name:en"))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{label} {source_id}"));
    RegionRecord {
        source_id,
        parent: None,
        level: RegionLevel::Community,
        name,
        code: None,
        boundary,
    }
}

fn barrier_kind(tags: &Tags) -> Option<(BarrierKind, &str)> {
    let classes = [
        ("highway", ROAD_CLASSES, BarrierKind::Road),
        ("railway", RAILWAY_CLASSES, BarrierKind::Railway),
        ("waterway", WATERWAY_CLASSES, BarrierKind::Waterway),
    ];
    classes.into_iter().find_map(|(key, classes, kind)| {
        tag(tags, key)
            .filter(|v| classes.contains(v))
            .map(|v| (kind, v))
    })
}

/// The line of a way: its resolvable nodes. A node missing from the file (a way cut by the
/// extract) ends one part of the line; parts of one point are dropped.
fn line(data: &OsmData, refs: &[i64]) -> Result<MultiLineString<f64>, String> {
    let mut parts: Vec<LineString<f64>> = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    let mut resolved = 0usize;
    for &id in refs {
        match data.node(id) {
            Some((x, y)) => {
                resolved += 1;
                let c = Coord { x, y };
                if current.last() != Some(&c) {
                    current.push(c);
                }
            }
            None => {
                if current.len() >= 2 {
                    parts.push(LineString::new(std::mem::take(&mut current)));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        parts.push(LineString::new(current));
    }
    if parts.is_empty() {
        return Err(format!(
            "fewer than 2 resolvable nodes in a row ({resolved} of {} nodes in the file)",
            refs.len()
        ));
    }
    Ok(MultiLineString::new(parts))
}

fn camera(source_id: String, location: Point<f64>, tags: &Tags) -> CameraRecord {
    let direction = tag(tags, "camera:direction")
        .or_else(|| tag(tags, "direction"))
        .and_then(parse_direction);
    CameraRecord {
        source_id,
        location,
        name: tag(tags, "name")
            .or_else(|| tag(tags, "ref"))
            .map(str::to_owned),
        class: None,
        direction_deg: direction,
        fov_deg: None,
        range_m: None,
        stream_url: None,
        status: CameraStatus::Unknown,
    }
}
