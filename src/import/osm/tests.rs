//! Tests of `read_osm` on small documents and on the real extracts of `../shared/data`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use geo::Area;

use super::*;
use crate::model::{BarrierGrade, BarrierKind, BuildingUse, CameraStatus, RegionLevel};

/// Writes `content` to a temporary file named `name`.
fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    let mut f = std::fs::File::create(&path).expect("create temp file");
    f.write_all(content).expect("write temp file");
    (dir, path)
}

fn read_xml_with(body: &str, communities: CommunitySource) -> OsmRead {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n{body}\n</osm>\n"
    );
    let (_dir, path) = temp_file("test.osm", doc.as_bytes());
    read_osm(&path, &OsmOptions { communities }).expect("the document reads")
}

fn read_xml(body: &str) -> OsmRead {
    read_xml_with(body, CommunitySource::Residential)
}

/// `<node>`s on a grid: node `10*x + y + 100` sits at (x, y) for x, y in 0..=4.
fn grid_nodes() -> String {
    let mut s = String::new();
    for x in 0..=4 {
        for y in 0..=4 {
            s.push_str(&format!(
                "<node id=\"{}\" lon=\"{x}\" lat=\"{y}\"/>\n",
                100 + 10 * x + y
            ));
        }
    }
    s
}

/// The grid node at (x, y).
fn n(x: i64, y: i64) -> i64 {
    100 + 10 * x + y
}

fn way(id: i64, refs: &[i64], tags: &[(&str, &str)]) -> String {
    let mut s = format!("<way id=\"{id}\">");
    for r in refs {
        s.push_str(&format!("<nd ref=\"{r}\"/>"));
    }
    for (k, v) in tags {
        s.push_str(&format!("<tag k=\"{k}\" v=\"{v}\"/>"));
    }
    s.push_str("</way>\n");
    s
}

fn relation(id: i64, members: &[(i64, &str)], tags: &[(&str, &str)]) -> String {
    let mut s = format!("<relation id=\"{id}\">");
    for (r, role) in members {
        s.push_str(&format!(
            "<member type=\"way\" ref=\"{r}\" role=\"{role}\"/>"
        ));
    }
    for (k, v) in tags {
        s.push_str(&format!("<tag k=\"{k}\" v=\"{v}\"/>"));
    }
    s.push_str("</relation>\n");
    s
}

fn skipped_for<'a>(read: &'a OsmRead, id: &str) -> Vec<&'a str> {
    read.skipped
        .iter()
        .filter(|s| s.osm_id == id)
        .map(|s| s.reason.as_str())
        .collect()
}

#[test]
fn closed_way_building_with_tags() {
    let body = grid_nodes()
        + &way(
            1,
            &[n(0, 0), n(2, 0), n(2, 1), n(0, 1), n(0, 0)],
            &[
                ("building", "apartments"),
                ("name", "Talo &amp; Koti"),
                ("addr:street", "Bulevardi"),
                ("addr:housenumber", "12"),
                ("addr:housename", "Talo A"),
                ("building:levels", "5;6"),
                ("height", "18.5 m"),
            ],
        );
    let read = read_xml(&body);
    assert_eq!(read.dataset.source, "osm");
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(read.dataset.buildings.len(), 1);
    let b = &read.dataset.buildings[0];
    assert_eq!(b.source_id, "w1");
    assert_eq!(b.name.as_deref(), Some("Talo & Koti"));
    assert_eq!(b.address.road.as_deref(), Some("Bulevardi"));
    assert_eq!(b.address.house_number.as_deref(), Some("12"));
    assert_eq!(b.address.compound.as_deref(), Some("Talo A"));
    assert_eq!(b.address.building_no, None);
    assert_eq!(b.floors, Some(6));
    assert_eq!(b.height_m, Some(18.5));
    assert_eq!(b.units, None);
    assert_eq!(b.building_type.as_deref(), Some("apartments"));
    assert_eq!(b.building_use, BuildingUse::Residential);
    assert_eq!(b.community, None);
    assert_eq!(b.grid, None);
    assert!(b.households.is_none());
    assert!((b.footprint.unsigned_area() - 2.0).abs() < 1e-12);
    // A building is not an address point; only nodes are.
    assert!(read.dataset.addresses.is_empty());
}

#[test]
fn building_no_and_open_building_ways() {
    let body = grid_nodes()
        + &way(
            1,
            &[n(0, 0), n(1, 0), n(1, 1), n(0, 0)],
            &[("building", "no")],
        )
        + &way(2, &[n(0, 0), n(1, 0), n(1, 1)], &[("building", "yes")]);
    let read = read_xml(&body);
    assert!(read.dataset.buildings.is_empty());
    assert!(skipped_for(&read, "w1").is_empty());
    assert_eq!(skipped_for(&read, "w2"), ["building: ring is not closed"]);
}

#[test]
fn multipolygon_with_two_outer_ways_and_a_hole() {
    let body = grid_nodes()
        // The outer ring 0..4 x 0..4 in two halves, the hole 1..2 x 1..2 one closed way.
        + &way(10, &[n(0, 0), n(4, 0), n(4, 4)], &[])
        + &way(11, &[n(4, 4), n(0, 4), n(0, 0)], &[])
        + &way(12, &[n(1, 1), n(2, 1), n(2, 2), n(1, 2), n(1, 1)], &[])
        + &relation(
            5,
            &[(10, "outer"), (12, "inner"), (11, "outer")],
            &[("type", "multipolygon"), ("building", "school")],
        );
    let read = read_xml(&body);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(read.dataset.buildings.len(), 1);
    let b = &read.dataset.buildings[0];
    assert_eq!(b.source_id, "r5");
    assert_eq!(b.building_use, BuildingUse::Public);
    assert_eq!(b.footprint.0.len(), 1);
    assert_eq!(
        b.footprint.0[0].interiors().len(),
        1,
        "the inner ring is a hole"
    );
    assert!((b.footprint.unsigned_area() - 15.0).abs() < 1e-9);
}

#[test]
fn multipolygon_assigns_each_hole_to_its_outer() {
    let extra = |id: i64, x: f64, y: f64| format!("<node id=\"{id}\" lon=\"{x}\" lat=\"{y}\"/>\n");
    let body = grid_nodes()
        // An island (outer 21, 1.5..2.5) with a pond (inner 23, 1.8..2.2) inside the hole
        // (inner 22, 1..3) of outer 20 (0..4): each hole goes to the smallest outer around it.
        + &extra(901, 1.5, 1.5)
        + &extra(902, 2.5, 1.5)
        + &extra(903, 2.5, 2.5)
        + &extra(904, 1.5, 2.5)
        + &extra(911, 1.8, 1.8)
        + &extra(912, 2.2, 1.8)
        + &extra(913, 2.2, 2.2)
        + &extra(914, 1.8, 2.2)
        + &way(20, &[n(0, 0), n(4, 0), n(4, 4), n(0, 4), n(0, 0)], &[])
        + &way(21, &[901, 902, 903, 904, 901], &[])
        + &way(22, &[n(1, 1), n(3, 1), n(3, 3), n(1, 3), n(1, 1)], &[])
        + &way(23, &[911, 912, 913, 914, 911], &[])
        + &relation(
            6,
            &[(23, "inner"), (21, "outer"), (22, "inner"), (20, "outer")],
            &[("type", "multipolygon"), ("building", "yes")],
        );
    let read = read_xml(&body);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    let b = &read.dataset.buildings[0];
    assert_eq!(b.footprint.0.len(), 2);
    let holes: Vec<usize> = b.footprint.0.iter().map(|p| p.interiors().len()).collect();
    assert_eq!(holes, [1, 1]);
    assert!((b.footprint.unsigned_area() - (16.0 - 4.0 + 1.0 - 0.16)).abs() < 1e-9);
}

#[test]
fn reversed_way_pieces_join() {
    let body = grid_nodes()
        + &way(30, &[n(0, 0), n(4, 0)], &[])
        + &way(31, &[n(4, 4), n(4, 0)], &[]) // reversed
        + &way(32, &[n(0, 0), n(0, 4)], &[]) // reversed, joins at the start
        + &way(33, &[n(0, 4), n(4, 4)], &[])
        + &relation(
            7,
            &[(30, "outer"), (31, "outer"), (32, "outer"), (33, "outer")],
            &[("type", "multipolygon"), ("building", "yes")],
        );
    let read = read_xml(&body);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert!((read.dataset.buildings[0].footprint.unsigned_area() - 16.0).abs() < 1e-9);
}

#[test]
fn unclosed_multipolygon_is_skipped_with_reason() {
    let body = grid_nodes()
        + &way(40, &[n(0, 0), n(4, 0), n(4, 4)], &[])
        + &way(41, &[n(4, 4), n(0, 4)], &[])
        + &relation(
            8,
            &[(40, "outer"), (41, "outer")],
            &[("type", "multipolygon"), ("building", "yes")],
        );
    let read = read_xml(&body);
    assert!(read.dataset.buildings.is_empty());
    let reasons = skipped_for(&read, "r8");
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0].starts_with("building: outer ring is not closed"),
        "{reasons:?}"
    );
    assert!(
        reasons[0].contains("n100") && reasons[0].contains("n104"),
        "{reasons:?}"
    );
}

#[test]
fn multipolygon_with_missing_member_is_skipped() {
    let body = grid_nodes()
        + &way(42, &[n(0, 0), n(4, 0), n(4, 4), n(0, 0)], &[])
        + &relation(
            9,
            &[(42, "outer"), (43, "inner")],
            &[("type", "multipolygon"), ("building", "yes")],
        );
    let read = read_xml(&body);
    assert_eq!(
        skipped_for(&read, "r9"),
        ["building: member way w43 is not in the file"]
    );
}

#[test]
fn bow_tie_building_is_skipped() {
    let body = grid_nodes()
        + &way(
            50,
            &[n(0, 0), n(2, 2), n(2, 0), n(0, 2), n(0, 0)],
            &[("building", "yes")],
        );
    let read = read_xml(&body);
    assert!(read.dataset.buildings.is_empty());
    assert_eq!(
        skipped_for(&read, "w50"),
        ["building: self-intersection at (1.0000000, 1.0000000)"]
    );
}

#[test]
fn cameras_and_directions() {
    let cam = |id: i64, tags: &[(&str, &str)]| {
        let mut s = format!("<node id=\"{id}\" lat=\"60.1\" lon=\"24.9\">");
        for (k, v) in tags {
            s.push_str(&format!("<tag k=\"{k}\" v=\"{v}\"/>"));
        }
        s + "</node>\n"
    };
    let body = [
        cam(
            1,
            &[("man_made", "surveillance"), ("camera:direction", "90")],
        ),
        cam(
            2,
            &[
                ("man_made", "surveillance"),
                ("direction", "NE"),
                ("ref", "K-2"),
            ],
        ),
        cam(
            3,
            &[
                ("man_made", "surveillance"),
                ("camera:direction", "-90"),
                ("direction", "N"),
                ("name", "Kamera"),
            ],
        ),
        cam(4, &[("man_made", "surveillance"), ("direction", "forward")]),
        cam(
            5,
            &[
                ("man_made", "surveillance"),
                ("surveillance:type", "guard"),
                ("direction", "ssw"),
            ],
        ),
        cam(6, &[("man_made", "tower")]),
    ]
    .concat();
    let read = read_xml(&body);
    let c = &read.dataset.cameras;
    let ids: Vec<&str> = c.iter().map(|c| c.source_id.as_str()).collect();
    assert_eq!(ids, ["n1", "n2", "n3", "n4", "n5"]);
    let dirs: Vec<Option<f64>> = c.iter().map(|c| c.direction_deg).collect();
    assert_eq!(
        dirs,
        [Some(90.0), Some(45.0), Some(270.0), None, Some(202.5)]
    );
    assert_eq!(c[1].name.as_deref(), Some("K-2"));
    assert_eq!(c[2].name.as_deref(), Some("Kamera"));
    assert_eq!(c[0].name, None);
    assert!(c.iter().all(|c| c.status == CameraStatus::Unknown
        && c.class.is_none()
        && c.fov_deg.is_none()
        && c.range_m.is_none()
        && c.stream_url.is_none()));
    assert_eq!((c[0].location.x(), c[0].location.y()), (24.9, 60.1));
}

#[test]
fn levels_and_heights_on_buildings() {
    let ring = [n(0, 0), n(1, 0), n(1, 1), n(0, 0)];
    let cases: [(&str, &str, Option<i32>, Option<f64>); 6] = [
        ("5.5", "12", Some(6), Some(12.0)),
        ("3;7", "12.5m", Some(7), Some(12.5)),
        ("many", "40'", None, None),
        ("0", "30 ft", None, None),
        ("4 (+1 attic)", "12 m", Some(4), Some(12.0)),
        ("", "", None, None),
    ];
    let mut body = grid_nodes();
    for (i, (levels, height, _, _)) in cases.iter().enumerate() {
        body += &way(
            60 + i as i64,
            &ring,
            &[
                ("building", "yes"),
                ("building:levels", levels),
                ("height", height),
            ],
        );
    }
    let read = read_xml(&body);
    assert_eq!(read.dataset.buildings.len(), cases.len());
    for (b, (levels, height, floors, height_m)) in read.dataset.buildings.iter().zip(cases) {
        assert_eq!(b.floors, floors, "building:levels={levels:?}");
        assert_eq!(b.height_m, height_m, "height={height:?}");
    }
}

#[test]
fn address_points_and_barriers() {
    let body = grid_nodes()
        + "<node id=\"1\" lat=\"1.5\" lon=\"1.5\"><tag k=\"addr:street\" v=\"成府路\"/>\
           <tag k=\"addr:housenumber\" v=\"1\"/></node>\n"
        + "<node id=\"2\" lat=\"1.5\" lon=\"1.5\"><tag k=\"addr:housenumber\" v=\"2\"/>\
           <tag k=\"addr:place\" v=\"荷清苑\"/></node>\n"
        + "<node id=\"3\" lat=\"1.5\" lon=\"1.5\"><tag k=\"addr:city\" v=\"北京\"/></node>\n"
        + &way(
            70,
            &[n(0, 0), n(4, 0)],
            &[("highway", "primary"), ("name", "成府路")],
        )
        + &way(
            71,
            &[n(0, 1), n(4, 1)],
            &[
                ("highway", "motorway_link"),
                ("bridge", "yes"),
                ("layer", "1"),
            ],
        )
        + &way(
            72,
            &[n(0, 2), n(4, 2)],
            &[("railway", "subway"), ("tunnel", "yes")],
        )
        + &way(73, &[n(0, 3), n(4, 3)], &[("waterway", "canal")])
        + &way(74, &[n(0, 4), n(4, 4)], &[("highway", "footway")])
        + &way(75, &[n(0, 4), 9999], &[("highway", "service")])
        + &way(
            76,
            &[9998, n(0, 0), 9997, n(1, 1), n(2, 2)],
            &[("highway", "residential")],
        );
    let read = read_xml(&body);
    let a = &read.dataset.addresses;
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].source_id, "n1");
    assert_eq!(a[0].address.road.as_deref(), Some("成府路"));
    assert_eq!(a[0].address.house_number.as_deref(), Some("1"));
    assert_eq!(a[1].address.compound.as_deref(), Some("荷清苑"));
    assert!(a.iter().all(|a| a.building.is_none()));

    let kinds: Vec<(&str, BarrierKind, &str, BarrierGrade)> = read
        .dataset
        .barriers
        .iter()
        .map(|b| (b.source_id.as_str(), b.kind, b.class.as_str(), b.grade))
        .collect();
    use BarrierGrade::{Bridge, Ground, Underground};
    assert_eq!(
        kinds,
        [
            ("w70", BarrierKind::Road, "primary", Ground),
            ("w71", BarrierKind::Road, "motorway_link", Bridge),
            ("w72", BarrierKind::Railway, "subway", Underground),
            ("w73", BarrierKind::Waterway, "canal", Ground),
            ("w76", BarrierKind::Road, "residential", Ground),
        ]
    );
    assert_eq!(read.dataset.barriers[0].name.as_deref(), Some("成府路"));
    assert_eq!(read.dataset.barriers[0].geometry.0.len(), 1);
    // The cut way keeps the part it has.
    assert_eq!(read.dataset.barriers[4].geometry.0.len(), 1);
    assert_eq!(read.dataset.barriers[4].geometry.0[0].0.len(), 2);
    let reasons = skipped_for(&read, "w75");
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0].starts_with("barrier: fewer than 2 resolvable nodes"),
        "{reasons:?}"
    );
}

fn community_doc() -> String {
    grid_nodes()
        + &way(
            80,
            &[n(0, 0), n(1, 0), n(1, 1), n(0, 0)],
            &[("landuse", "residential")],
        )
        + &way(
            81,
            &[n(2, 0), n(3, 0), n(3, 1), n(2, 0)],
            &[
                ("landuse", "residential"),
                ("name:en", "Garden"),
                ("name:zh", "花园"),
            ],
        )
        + &way(
            82,
            &[n(0, 2), n(1, 2), n(1, 3), n(0, 2)],
            &[("place", "city_block"), ("name:en", "Block")],
        )
        + &way(83, &[n(2, 2), n(3, 2), n(3, 3), n(2, 3), n(2, 2)], &[])
        + &way(84, &[n(0, 4), n(1, 4), n(1, 3)], &[])
        + &way(85, &[n(1, 3), n(0, 4)], &[])
        + &relation(
            90,
            &[(83, "outer")],
            &[
                ("type", "boundary"),
                ("boundary", "administrative"),
                ("admin_level", "10"),
            ],
        )
        + &relation(
            91,
            &[(84, "outer"), (85, "outer")],
            &[
                ("type", "multipolygon"),
                ("boundary", "administrative"),
                ("admin_level", "9"),
                ("name", "Kamppi"),
            ],
        )
        + &relation(
            92,
            &[(83, "outer")],
            &[("type", "boundary"), ("landuse", "residential")],
        )
}

#[test]
fn each_community_source() {
    let names = |source: CommunitySource| -> Vec<(String, String)> {
        let read = read_xml_with(&community_doc(), source);
        assert!(read.skipped.is_empty(), "{:?}", read.skipped);
        read.dataset
            .regions
            .iter()
            .map(|r| {
                assert_eq!(r.level, RegionLevel::Community);
                assert!(r.parent.is_none() && r.code.is_none());
                (r.source_id.clone(), r.name.clone())
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        names(CommunitySource::Residential),
        pairs(&[("w80", "residential w80"), ("w81", "花园")])
    );
    assert_eq!(
        names(CommunitySource::CityBlock),
        pairs(&[("w82", "Block")])
    );
    assert_eq!(
        names(CommunitySource::AdminLevel(10)),
        pairs(&[("r90", "admin area r90")])
    );
    assert_eq!(
        names(CommunitySource::AdminLevel(9)),
        pairs(&[("r91", "Kamppi")])
    );
    assert!(names(CommunitySource::AdminLevel(8)).is_empty());
}

#[test]
fn open_community_ways() {
    let body = grid_nodes()
        + &way(
            1,
            &[n(0, 0), n(1, 0), n(1, 1)],
            &[("landuse", "residential")],
        )
        + &way(
            2,
            &[n(0, 0), n(1, 0), n(1, 1)],
            &[("boundary", "administrative"), ("admin_level", "10")],
        );
    // An open residential area is a mapping error; an open boundary way is a piece of a
    // boundary relation.
    let read = read_xml_with(&body, CommunitySource::Residential);
    assert_eq!(skipped_for(&read, "w1"), ["community: ring is not closed"]);
    let read = read_xml_with(&body, CommunitySource::AdminLevel(10));
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert!(read.dataset.regions.is_empty());
}

#[test]
fn community_source_parses_and_displays() {
    let ok = |s: &str| s.parse::<CommunitySource>().expect(s);
    assert_eq!(ok("residential"), CommunitySource::Residential);
    assert_eq!(ok(" Residential "), CommunitySource::Residential);
    assert_eq!(ok("city_block"), CommunitySource::CityBlock);
    assert_eq!(ok("city-block"), CommunitySource::CityBlock);
    assert_eq!(ok("admin_level=10"), CommunitySource::AdminLevel(10));
    assert_eq!(ok("admin:8"), CommunitySource::AdminLevel(8));
    for bad in [
        "",
        "landuse",
        "admin_level=",
        "admin:x",
        "admin:0",
        "admin:300",
    ] {
        assert!(bad.parse::<CommunitySource>().is_err(), "{bad:?}");
    }
    assert_eq!(CommunitySource::default(), CommunitySource::Residential);
    for s in [
        CommunitySource::Residential,
        CommunitySource::CityBlock,
        CommunitySource::AdminLevel(10),
    ] {
        assert_eq!(ok(&s.to_string()), s);
    }
    assert_eq!(
        CommunitySource::AdminLevel(10).to_string(),
        "admin_level=10"
    );
    assert_eq!(
        OsmOptions::default().communities,
        CommunitySource::Residential
    );
}

#[test]
fn output_is_sorted_by_type_and_id() {
    let ring = |a: i64| [n(a, 0), n(a, 1), n(a + 1, 1), n(a, 0)];
    let body = grid_nodes()
        + &way(1000, &ring(0), &[("building", "yes")])
        + &way(9, &ring(1), &[("building", "yes")])
        + &way(200, &ring(2), &[("building", "yes")])
        + &way(300, &ring(3), &[])
        + &relation(
            3,
            &[(300, "outer")],
            &[("type", "multipolygon"), ("building", "yes")],
        )
        + &way(8, &[1, 2], &[("building", "yes")])
        + &way(7, &[1, 2, 3, 1], &[("building", "yes")]);
    let read = read_xml(&body);
    let ids: Vec<&str> = read
        .dataset
        .buildings
        .iter()
        .map(|b| b.source_id.as_str())
        .collect();
    assert_eq!(ids, ["w9", "w200", "w1000", "r3"]);
    let skipped: Vec<&str> = read.skipped.iter().map(|s| s.osm_id.as_str()).collect();
    assert_eq!(skipped, ["w7", "w8"]);
}

fn read_err(name: &str, content: &[u8]) -> ImportError {
    let (_dir, path) = temp_file(name, content);
    match read_osm(&path, &OsmOptions::default()) {
        Ok(read) => panic!("{name} read: {} buildings", read.dataset.buildings.len()),
        Err(e) => e,
    }
}

#[test]
fn malformed_xml_is_a_format_error_with_position() {
    let cases: [(&str, &str); 6] = [
        (
            "<?xml version=\"1.0\"?>\n<osm>\n<node id=\"1\" lat=\"1\" lon=\"2\">\n</way>\n</osm>",
            "line",
        ),
        (
            "<?xml version=\"1.0\"?>\n<osm>\n<node id=\"1\" lat=\"1\" lon=\"2\"/>\n",
            "not closed",
        ),
        (
            "<osm><node id=\"x\" lat=\"1\" lon=\"2\"/></osm>",
            "not an integer",
        ),
        (
            "<osm><node id=\"1\" lat=\"91\" lon=\"2\"/></osm>",
            "not a coordinate",
        ),
        (
            "<osm><node id=\"1\" lat=\"1\" lon=\"2\"><tag k=\"a\"/></node></osm>",
            "without v",
        ),
        ("<?xml version=\"1.0\"?><html><body/></html>", "not <osm>"),
    ];
    for (doc, expected) in cases {
        match read_err("bad.osm", doc.as_bytes()) {
            ImportError::Format { format, reason, .. } => {
                assert_eq!(format, "OSM XML", "{doc}");
                assert!(reason.contains("at byte"), "{reason}");
                assert!(reason.contains(expected), "{doc}: {reason}");
            }
            other => panic!("{doc}: {other}"),
        }
    }
}

#[test]
fn format_errors_name_the_place_of_the_tag() {
    let doc = "<?xml version=\"1.0\"?>\n<osm>\n  <node id=\"1\" lat=\"1\" lon=\"2\"/>\n  \
               <node id=\"2\" lat=\"north\" lon=\"2\"/>\n</osm>\n";
    let expected_byte = doc.find("<node id=\"2\"").expect("in the document");
    match read_err("place.osm", doc.as_bytes()) {
        ImportError::Format { reason, .. } => assert_eq!(
            reason,
            format!("at byte {expected_byte}, line 4: node 2: lat=\"north\" is not a coordinate")
        ),
        other => panic!("{other}"),
    }
    let doc = "<osm>\n<way id=\"1\">\n<nd ref=\"x\"></nd>\n</way>\n</osm>";
    let expected_byte = doc.find("<nd").expect("in the document");
    match read_err("place.osm", doc.as_bytes()) {
        ImportError::Format { reason, .. } => {
            assert!(
                reason.starts_with(&format!("at byte {expected_byte}, line 3: ")),
                "{reason}"
            )
        }
        other => panic!("{other}"),
    }
}

#[test]
fn empty_and_missing_and_unknown_files() {
    assert!(matches!(
        read_err("empty.osm", b""),
        ImportError::Empty { .. }
    ));
    assert!(matches!(
        read_err(
            "none.osm",
            b"<?xml version=\"1.0\"?>\n<osm version=\"0.6\"></osm>"
        ),
        ImportError::Empty { .. }
    ));
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("no/such/file.osm.pbf");
    assert!(matches!(
        read_osm(&missing, &OsmOptions::default()),
        Err(ImportError::Io { .. })
    ));
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(
        read_osm(dir.path(), &OsmOptions::default()),
        Err(ImportError::Io { .. })
    ));
    match read_err("notes.txt", b"hello world") {
        ImportError::Format { reason, .. } => assert!(reason.contains("neither"), "{reason}"),
        other => panic!("{other}"),
    }
    match read_err("map.dat", b"\x1f\x8b\x08\x00\x00\x00") {
        ImportError::Format { reason, .. } => assert!(reason.contains("gzip"), "{reason}"),
        other => panic!("{other}"),
    }
    // A .pbf name with garbage content is a PBF error, never a panic.
    match read_err("x.osm.pbf", b"\x00\x00\x00\x05hello") {
        ImportError::Format { format, .. } => assert_eq!(format, "OSM PBF"),
        other => panic!("{other}"),
    }
}

#[test]
fn content_wins_over_extension() {
    let doc = format!(
        "\u{feff}  <osm version=\"0.6\">{}{}</osm>",
        grid_nodes(),
        way(
            1,
            &[n(0, 0), n(1, 0), n(1, 1), n(0, 0)],
            &[("building", "yes")]
        )
    );
    let (_dir, path) = temp_file("mislabelled.pbf", doc.as_bytes());
    let read = read_osm(&path, &OsmOptions::default()).expect("XML despite the name");
    assert_eq!(read.dataset.buildings.len(), 1);
}

// ---- the real extracts ----

fn shared(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel);
    assert!(
        path.is_file(),
        "test data {} is missing: these tests need the shared OSM extracts beside the \
         checkout (see ../shared/data/README.md)",
        path.display()
    );
    path
}

fn helsinki() -> PathBuf {
    shared("helsinki/Helsinki.osm.pbf")
}

fn wudaokou() -> PathBuf {
    shared("beijing-wudaokou-2017/wudaokou.osm")
}

#[test]
fn truncated_pbf_is_a_format_error() {
    let bytes = std::fs::read(helsinki()).expect("read Helsinki");
    for len in [300_000usize, 20, 1000, 150_000] {
        let cut = bytes.get(..len).expect("the file is longer than the cut");
        match read_err("cut.osm.pbf", cut) {
            ImportError::Format { format, reason, .. } => {
                assert_eq!(format, "OSM PBF");
                println!("truncated at {len}: {reason}");
            }
            other => panic!("truncated at {len}: {other}"),
        }
    }
    // Flipped bytes in the middle of a blob.
    let mut corrupt = bytes.clone();
    for b in corrupt.iter_mut().skip(5_000).step_by(97).take(2_000) {
        *b ^= 0x5a;
    }
    match read_err("corrupt.osm.pbf", &corrupt) {
        ImportError::Format { format, reason, .. } => {
            assert_eq!(format, "OSM PBF");
            println!("corrupt: {reason}");
        }
        other => panic!("corrupt: {other}"),
    }
}

/// Building candidates counted straight from the file: (closed ways, other ways, relations).
#[derive(Debug, Default, PartialEq)]
struct Candidates {
    closed_ways: usize,
    open_ways: usize,
    relations: usize,
}

fn count_pbf_candidates(path: &Path) -> Candidates {
    use osmpbf::{Element, ElementReader};
    let mut c = Candidates::default();
    let reader = ElementReader::from_path(path).expect("open PBF");
    reader
        .for_each(|e| match e {
            Element::Way(w) if w.tags().any(|(k, v)| k == "building" && v != "no") => {
                let refs: Vec<i64> = w.refs().collect();
                if refs.len() >= 4 && refs.first() == refs.last() {
                    c.closed_ways += 1;
                } else {
                    c.open_ways += 1;
                }
            }
            Element::Relation(r) => {
                let tags: Vec<(&str, &str)> = r.tags().collect();
                if tags.contains(&("type", "multipolygon"))
                    && tags.iter().any(|&(k, v)| k == "building" && v != "no")
                {
                    c.relations += 1;
                }
            }
            _ => {}
        })
        .expect("read PBF");
    c
}

fn count_xml_candidates(path: &Path) -> Candidates {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_file(path).expect("open XML");
    let mut buf = Vec::new();
    let mut c = Candidates::default();
    let (mut in_way, mut in_rel) = (false, false);
    let (mut refs, mut tags): (Vec<String>, Vec<(String, String)>) = (vec![], vec![]);
    loop {
        let event = reader.read_event_into(&mut buf).expect("XML event");
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |key: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .map(|a| a.unescape_value().expect("value").into_owned())
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    b"way" => in_way = matches!(event, Event::Start(_)),
                    b"relation" => in_rel = matches!(event, Event::Start(_)),
                    b"nd" if in_way => refs.push(attr(b"ref")),
                    b"tag" if in_way || in_rel => tags.push((attr(b"k"), attr(b"v"))),
                    _ => {}
                }
            }
            Event::End(e) if matches!(e.name().as_ref(), b"way" | b"relation") => {
                let building = tags.iter().any(|(k, v)| k == "building" && v != "no");
                if in_way && building {
                    if refs.len() >= 4 && refs.first() == refs.last() {
                        c.closed_ways += 1;
                    } else {
                        c.open_ways += 1;
                    }
                }
                if in_rel
                    && building
                    && tags.iter().any(|(k, v)| k == "type" && v == "multipolygon")
                {
                    c.relations += 1;
                }
                (in_way, in_rel) = (false, false);
                refs.clear();
                tags.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    c
}

/// Prints the counts of `read` and returns the number of skipped buildings.
fn report(label: &str, read: &OsmRead) -> usize {
    let d = &read.dataset;
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for s in &read.skipped {
        // Group by reason without the ids and numbers that vary per element.
        let general: String = s
            .reason
            .split(" (")
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .map(|w| {
                if w.trim_start_matches(['n', 'w', 'r', '('])
                    .starts_with(|c: char| c.is_ascii_digit())
                {
                    "#"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        *reasons.entry(general).or_default() += 1;
    }
    let mut by_use: BTreeMap<String, usize> = BTreeMap::new();
    for b in &d.buildings {
        *by_use.entry(b.building_use.to_string()).or_default() += 1;
    }
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for b in &d.barriers {
        *by_kind.entry(b.kind.to_string()).or_default() += 1;
    }
    println!("== {label}");
    println!(
        "buildings {} (with floors {}, with height {}, with an address {}, by use {by_use:?})",
        d.buildings.len(),
        d.buildings.iter().filter(|b| b.floors.is_some()).count(),
        d.buildings.iter().filter(|b| b.height_m.is_some()).count(),
        d.buildings.iter().filter(|b| !b.address.is_empty()).count(),
    );
    println!("barriers {} {by_kind:?}", d.barriers.len());
    println!(
        "cameras {} (with direction {})",
        d.cameras.len(),
        d.cameras
            .iter()
            .filter(|c| c.direction_deg.is_some())
            .count()
    );
    println!("address points {}", d.addresses.len());
    println!("skipped {} by reason:", read.skipped.len());
    for (reason, count) in &reasons {
        println!("  {count:5}  {reason}");
    }
    for s in read
        .skipped
        .iter()
        .filter(|s| !s.reason.contains("not in the file"))
    {
        println!("  {} {}", s.osm_id, s.reason);
    }
    read.skipped
        .iter()
        .filter(|s| s.reason.starts_with("building:"))
        .count()
}

fn communities_per_source(path: &Path) {
    let mut sources = vec![CommunitySource::Residential, CommunitySource::CityBlock];
    sources.extend((2..=11).map(CommunitySource::AdminLevel));
    for source in sources {
        let read = read_osm(
            path,
            &OsmOptions {
                communities: source,
            },
        )
        .expect("reads");
        let skipped: Vec<String> = read
            .skipped
            .iter()
            .filter(|s| s.reason.starts_with("community:"))
            .map(|s| format!("{} {}", s.osm_id, s.reason))
            .collect();
        let names: Vec<&str> = read
            .dataset
            .regions
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        println!(
            "communities from {source}: {} (skipped {}) {names:?} {skipped:?}",
            read.dataset.regions.len(),
            skipped.len()
        );
    }
}

fn check_real(path: &Path, candidates: Candidates, read: &OsmRead, skipped_buildings: usize) {
    println!("independent count of building candidates: {candidates:?}");
    assert_eq!(
        read.dataset.buildings.len() + skipped_buildings,
        candidates.closed_ways + candidates.open_ways + candidates.relations,
        "{}: every building candidate is either a building or skipped",
        path.display()
    );
    // Every record is valid and the output is deterministic.
    use geo::Validation;
    assert!(read
        .dataset
        .buildings
        .iter()
        .all(|b| b.footprint.is_valid()));
    assert!(read.dataset.regions.iter().all(|r| r.boundary.is_valid()));
    let again = read_osm(path, &OsmOptions::default()).expect("reads again");
    let ids = |r: &OsmRead| -> Vec<String> {
        r.dataset
            .buildings
            .iter()
            .map(|b| b.source_id.clone())
            .collect()
    };
    assert_eq!(ids(read), ids(&again));
    assert_eq!(read.skipped, again.skipped);
}

#[test]
fn helsinki_pbf() {
    let path = helsinki();
    let read = read_osm(&path, &OsmOptions::default()).expect("Helsinki reads");
    let skipped_buildings = report("Helsinki.osm.pbf", &read);
    communities_per_source(&path);
    check_real(&path, count_pbf_candidates(&path), &read, skipped_buildings);
    assert_eq!(
        read.dataset.cameras.len(),
        221,
        "README: 221 man_made=surveillance nodes"
    );
    assert!(!read.dataset.barriers.is_empty());
    assert!(!read.dataset.addresses.is_empty());
}

#[test]
fn wudaokou_xml() {
    let path = wudaokou();
    let read = read_osm(&path, &OsmOptions::default()).expect("Wudaokou reads");
    let skipped_buildings = report("wudaokou.osm", &read);
    communities_per_source(&path);
    let candidates = count_xml_candidates(&path);
    assert_eq!(
        candidates.closed_ways + candidates.open_ways + candidates.relations,
        521,
        "README: 521 buildings"
    );
    check_real(&path, candidates, &read, skipped_buildings);
    assert_eq!(read.dataset.cameras.len(), 0, "README: no cameras");
    assert!(!read.dataset.barriers.is_empty());
}

/// Damaged copies of both real files end in an error or a result, never in a panic.
#[test]
fn mutated_files_never_panic() {
    let xml = std::fs::read(wudaokou()).expect("read Wudaokou");
    let pbf = std::fs::read(helsinki()).expect("read Helsinki");
    // xorshift: deterministic, no dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let markup = b"<>/\"=&;x0- \n";
    for i in 0..40 {
        let (mut bytes, name) = if i % 2 == 0 {
            (xml.clone(), "m.osm")
        } else {
            (pbf.clone(), "m.osm.pbf")
        };
        for _ in 0..1 + next() % 5 {
            let pos = (next() % bytes.len() as u64) as usize;
            let byte = if next() % 2 == 0 {
                markup[(next() % markup.len() as u64) as usize]
            } else {
                next() as u8
            };
            if let Some(b) = bytes.get_mut(pos) {
                *b = byte;
            }
        }
        if next() % 3 == 0 {
            let len = (next() % bytes.len() as u64) as usize;
            bytes.truncate(len);
        }
        let (_dir, path) = temp_file(name, &bytes);
        match read_osm(&path, &OsmOptions::default()) {
            Ok(read) => println!("{i}: read, {} buildings", read.dataset.buildings.len()),
            Err(e) => println!("{i}: {e}"),
        }
    }
}
