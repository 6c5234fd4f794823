//! Independent readings of the OSM test files, written directly against the file formats
//! (osmpbf for PBF, quick-xml for XML), to check the importer's counts.

use std::collections::HashSet;
use std::path::Path;

/// Buildings an OSM file describes: closed `building=*` ways (building != no) and
/// `type=multipolygon` relations with `building=*`; plus `man_made=surveillance` nodes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OsmCounts {
    pub building_ways: usize,
    pub building_relations: usize,
    pub cameras: usize,
}

fn is_building(tags: &[(String, String)]) -> bool {
    tags.iter().any(|(k, v)| k == "building" && v != "no")
}

fn has(tags: &[(String, String)], key: &str, value: &str) -> bool {
    tags.iter().any(|(k, v)| k == key && v == value)
}

pub fn count_pbf(path: &Path) -> OsmCounts {
    use osmpbf::{Element, ElementReader};
    let mut c = OsmCounts::default();
    ElementReader::from_path(path)
        .expect("open pbf")
        .for_each(|e| {
            let tags = |it: &mut dyn Iterator<Item = (&str, &str)>| -> Vec<(String, String)> {
                it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
            };
            match e {
                Element::Way(w) => {
                    let refs: Vec<i64> = w.refs().collect();
                    if refs.len() >= 4
                        && refs.first() == refs.last()
                        && is_building(&tags(&mut w.tags()))
                    {
                        c.building_ways += 1;
                    }
                }
                Element::Relation(r) => {
                    let t = tags(&mut r.tags());
                    if has(&t, "type", "multipolygon") && is_building(&t) {
                        c.building_relations += 1;
                    }
                }
                Element::Node(n) => {
                    if has(&tags(&mut n.tags()), "man_made", "surveillance") {
                        c.cameras += 1;
                    }
                }
                Element::DenseNode(n) => {
                    if has(&tags(&mut n.tags()), "man_made", "surveillance") {
                        c.cameras += 1;
                    }
                }
            }
        })
        .expect("read pbf");
    c
}

pub fn count_xml(path: &Path) -> OsmCounts {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_file(path).expect("open xml");
    let mut buf = Vec::new();
    let mut c = OsmCounts::default();
    let mut element = String::new();
    let mut refs: Vec<String> = Vec::new();
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut seen_ways = HashSet::new();
    let attr = |e: &quick_xml::events::BytesStart, name: &[u8]| -> String {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
            .unwrap_or_default()
    };
    loop {
        match reader.read_event_into(&mut buf).expect("xml") {
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), b"node" | b"way" | b"relation") =>
            {
                element = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if element == "way" {
                    seen_ways.insert(attr(&e, b"id"));
                }
                refs.clear();
                tags.clear();
            }
            Event::Empty(e) if e.name().as_ref() == b"nd" => refs.push(attr(&e, b"ref")),
            Event::Empty(e) if e.name().as_ref() == b"tag" => {
                tags.push((attr(&e, b"k"), attr(&e, b"v")))
            }
            Event::End(e) if matches!(e.name().as_ref(), b"node" | b"way" | b"relation") => {
                match element.as_str() {
                    "way"
                        if refs.len() >= 4 && refs.first() == refs.last() && is_building(&tags) =>
                    {
                        c.building_ways += 1
                    }
                    "relation" if has(&tags, "type", "multipolygon") && is_building(&tags) => {
                        c.building_relations += 1
                    }
                    "node" if has(&tags, "man_made", "surveillance") => c.cameras += 1,
                    _ => {}
                }
                element.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    c
}
