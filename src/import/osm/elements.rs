//! The raw OSM elements both readers collect: node coordinates, the few tagged nodes,
//! ways and relations. Only what the conversion needs is kept.

use std::collections::HashMap;

/// Tags of one element, in file order.
pub(crate) type Tags = Vec<(String, String)>;

/// The value of `key`, trimmed; `None` when absent or blank.
pub(crate) fn tag<'a>(tags: &'a [(String, String)], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A node that carries tags the conversion uses (camera or address).
#[derive(Debug, Clone)]
pub(crate) struct TaggedNode {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub tags: Tags,
}

#[derive(Debug, Clone)]
pub(crate) struct Way {
    pub id: i64,
    pub refs: Vec<i64>,
    /// Empty when the way has no tag the conversion uses.
    pub tags: Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberType {
    Node,
    Way,
    Relation,
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub kind: MemberType,
    pub id: i64,
    pub role: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Relation {
    pub id: i64,
    pub members: Vec<Member>,
    pub tags: Tags,
}

/// Everything read from one file.
#[derive(Debug, Default)]
pub(crate) struct OsmData {
    /// (id, lon, lat), sorted by id once [`Collector::finish`] ran.
    nodes: Vec<(i64, f64, f64)>,
    pub tagged_nodes: Vec<TaggedNode>,
    pub ways: HashMap<i64, Way>,
    pub relations: Vec<Relation>,
}

impl OsmData {
    /// Coordinates (lon, lat) of node `id`.
    pub fn node(&self, id: i64) -> Option<(f64, f64)> {
        self.nodes
            .binary_search_by_key(&id, |n| n.0)
            .ok()
            .and_then(|i| self.nodes.get(i))
            .map(|&(_, lon, lat)| (lon, lat))
    }

    /// True when the file held no element at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.ways.is_empty() && self.relations.is_empty()
    }
}

/// Keys whose presence makes a node worth keeping with its tags.
fn node_is_interesting<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    tags.any(|(k, v)| {
        (k == "man_made" && v == "surveillance") || k == "addr:housenumber" || k == "addr:street"
    })
}

/// Keys whose presence makes a way's tags worth keeping.
fn way_is_interesting<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    tags.any(|(k, _)| {
        matches!(
            k,
            "building" | "landuse" | "place" | "boundary" | "highway" | "railway" | "waterway"
        )
    })
}

/// Relation types the conversion assembles.
fn relation_is_interesting<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    tags.any(|(k, v)| k == "type" && matches!(v.trim(), "multipolygon" | "boundary"))
}

fn owned<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    tags.map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// Accumulates elements as a reader streams them, dropping what the conversion cannot use.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    data: OsmData,
}

impl Collector {
    /// A node; `tags` is called only if needed (it may be called twice).
    pub fn node<'a, I, F>(&mut self, id: i64, lon: f64, lat: f64, tags: F)
    where
        I: Iterator<Item = (&'a str, &'a str)>,
        F: Fn() -> I,
    {
        self.data.nodes.push((id, lon, lat));
        if node_is_interesting(tags()) {
            self.data.tagged_nodes.push(TaggedNode {
                id,
                lon,
                lat,
                tags: owned(tags()),
            });
        }
    }

    /// A way with its node references.
    pub fn way<'a, I, F>(&mut self, id: i64, refs: Vec<i64>, tags: F)
    where
        I: Iterator<Item = (&'a str, &'a str)>,
        F: Fn() -> I,
    {
        let tags = if way_is_interesting(tags()) {
            owned(tags())
        } else {
            Vec::new()
        };
        self.data.ways.insert(id, Way { id, refs, tags });
    }

    /// A relation; kept only if it is a multipolygon or a boundary.
    pub fn relation<'a, I, F>(&mut self, id: i64, members: Vec<Member>, tags: F)
    where
        I: Iterator<Item = (&'a str, &'a str)>,
        F: Fn() -> I,
    {
        if relation_is_interesting(tags()) {
            self.data.relations.push(Relation {
                id,
                members,
                tags: owned(tags()),
            });
        }
    }

    /// The collected data, with node coordinates indexed.
    pub fn finish(mut self) -> OsmData {
        let nodes = &mut self.data.nodes;
        if !nodes.is_sorted_by_key(|n| n.0) {
            // A stable sort keeps duplicates in reading order.
            nodes.sort_by_key(|n| n.0);
        }
        // Keep the last of duplicate ids (a later version in a concatenated file).
        nodes.reverse();
        nodes.dedup_by_key(|n| n.0);
        nodes.reverse();
        // The same for tagged nodes and relations (ways are keyed by id already).
        let tagged = &mut self.data.tagged_nodes;
        tagged.reverse();
        tagged.sort_by_key(|n| n.id);
        tagged.dedup_by_key(|n| n.id);
        let relations = &mut self.data.relations;
        relations.reverse();
        relations.sort_by_key(|r| r.id);
        relations.dedup_by_key(|r| r.id);
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none<'a>() -> std::iter::Empty<(&'a str, &'a str)> {
        std::iter::empty()
    }

    #[test]
    fn node_lookup_after_unsorted_input_and_duplicates() {
        let mut c = Collector::default();
        c.node(5, 1.0, 2.0, none);
        c.node(2, 3.0, 4.0, none);
        c.node(5, 9.0, 9.0, none);
        let d = c.finish();
        assert_eq!(d.node(2), Some((3.0, 4.0)));
        assert_eq!(d.node(5), Some((9.0, 9.0)));
        assert_eq!(d.node(7), None);
    }

    #[test]
    fn duplicate_tagged_nodes_and_relations_keep_the_last() {
        let mut c = Collector::default();
        let cam = || [("man_made", "surveillance")].into_iter();
        c.node(1, 0.0, 0.0, cam);
        c.node(1, 5.0, 5.0, cam);
        c.relation(2, vec![], || [("type", "multipolygon")].into_iter());
        c.relation(2, vec![], || {
            [("type", "multipolygon"), ("x", "y")].into_iter()
        });
        let d = c.finish();
        assert_eq!(d.tagged_nodes.len(), 1);
        assert_eq!(d.tagged_nodes[0].lon, 5.0);
        assert_eq!(d.relations.len(), 1);
        assert_eq!(d.relations[0].tags.len(), 2);
    }

    #[test]
    fn keeps_only_interesting_tags() {
        let mut c = Collector::default();
        c.node(1, 0.0, 0.0, || [("amenity", "bench")].into_iter());
        c.node(2, 0.0, 0.0, || [("man_made", "surveillance")].into_iter());
        c.way(3, vec![1, 2], || [("foo", "bar")].into_iter());
        c.way(4, vec![1, 2], || [("highway", "primary")].into_iter());
        c.relation(5, vec![], || [("type", "route")].into_iter());
        c.relation(6, vec![], || [("type", "multipolygon")].into_iter());
        let d = c.finish();
        assert_eq!(d.tagged_nodes.len(), 1);
        assert!(d.ways[&3].tags.is_empty());
        assert_eq!(tag(&d.ways[&4].tags, "highway"), Some("primary"));
        assert_eq!(d.relations.len(), 1);
        assert_eq!(d.relations[0].id, 6);
    }
}
