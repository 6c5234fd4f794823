//! References across files: a record may name a community, parent region, grid or
//! building that is not in its own file but already stored (the usual export of QGIS or
//! another system: each layer its own file). Such a reference is resolved against what is
//! stored — first the rows of the same source, then, when exactly one row of another
//! source has that source id, that row — and rewritten as `@ID`. A reference that matches
//! nothing, or rows of several other sources, is an error naming the record and why.

use std::collections::{HashMap, HashSet};

use super::{ImportError, StoredContext};
use crate::model::{Dataset, RegionLevel};

/// Stored rows of one kind a reference may point at, by source id and by database id.
#[derive(Default)]
struct Rows<'a> {
    by_source_id: HashMap<&'a str, Vec<(&'a str, i64)>>,
    ids: HashSet<i64>,
}

impl<'a> Rows<'a> {
    /// Indexes (source, source id, database id) rows.
    fn new(rows: impl Iterator<Item = (&'a str, &'a str, i64)>) -> Self {
        let mut out = Rows::default();
        for (source, source_id, id) in rows {
            out.by_source_id
                .entry(source_id)
                .or_default()
                .push((source, id));
            out.ids.insert(id);
        }
        out
    }

    /// Resolves `reference` of a record of `source`; `what` names the kind of row
    /// referred to (`community`, `grid`, …) and `plural` the layer to import first.
    fn resolve(
        &self,
        reference: &str,
        source: &str,
        what: &str,
        plural: &str,
    ) -> Result<String, String> {
        if let Some(id) = reference.strip_prefix('@') {
            let id: i64 = id
                .parse()
                .map_err(|_| format!("{what} {reference:?} is not @ followed by a database id"))?;
            return if self.ids.contains(&id) {
                Ok(reference.to_string())
            } else {
                Err(format!(
                    "{what} {reference:?} does not exist in the database"
                ))
            };
        }
        let matching = self
            .by_source_id
            .get(reference)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some((_, id)) = matching.iter().find(|(s, _)| *s == source) {
            return Ok(format!("@{id}"));
        }
        match matching {
            [(_, id)] => Ok(format!("@{id}")),
            [] => Err(format!(
                "{what} {reference:?} does not exist: it is not in this file, and no stored \
                 {what} has the source id {reference:?}; import the {plural} first, or write \
                 @ID for a stored one"
            )),
            several => {
                let mut sources: Vec<&str> = several.iter().map(|(s, _)| *s).collect();
                sources.sort_unstable();
                Err(format!(
                    "{what} {reference:?} is ambiguous: stored {plural} of the sources {} have \
                     that source id; import with --source NAME to name one, or write @ID",
                    sources.join(", ")
                ))
            }
        }
    }
}

/// Rewrites every reference of `ds` to a row that is not in `ds` as `@ID`.
pub(super) fn resolve_references(
    ds: &mut Dataset,
    stored: &StoredContext,
    label: &str,
) -> Result<(), ImportError> {
    let source = ds.source.clone();
    let fail = |what: &str, id: &str, reason: String| {
        ImportError::record(label, format!("{what} {id:?}"), reason)
    };
    let regions = Rows::new(
        stored
            .regions
            .iter()
            .map(|r| (r.source.as_str(), r.source_id.as_str(), r.id)),
    );
    let communities = Rows::new(
        stored
            .regions
            .iter()
            .filter(|r| r.level == RegionLevel::Community)
            .map(|r| (r.source.as_str(), r.source_id.as_str(), r.id)),
    );
    let grids = Rows::new(
        stored
            .grids
            .iter()
            .map(|g| (g.source.as_str(), g.source_id.as_str(), g.id)),
    );
    let buildings = Rows::new(
        stored
            .building_ids
            .iter()
            .map(|(s, sid, id)| (s.as_str(), sid.as_str(), *id)),
    );
    let own_regions: HashSet<String> = ds.regions.iter().map(|r| r.source_id.clone()).collect();
    let own_communities: HashSet<String> = ds
        .regions
        .iter()
        .filter(|r| r.level == RegionLevel::Community)
        .map(|r| r.source_id.clone())
        .collect();
    let own_grids: HashSet<String> = ds.grids.iter().map(|g| g.source_id.clone()).collect();
    let own_buildings: HashSet<String> = ds.buildings.iter().map(|b| b.source_id.clone()).collect();

    for r in ds.regions.iter_mut() {
        if let Some(p) = r.parent.as_mut().filter(|p| !own_regions.contains(*p)) {
            *p = regions
                .resolve(p, &source, "parent region", "regions")
                .map_err(|e| fail("region", &r.source_id, e))?;
        }
    }
    for g in ds.grids.iter_mut() {
        if !own_communities.contains(&g.community) {
            g.community = communities
                .resolve(&g.community, &source, "community", "communities")
                .map_err(|e| fail("grid", &g.source_id, e))?;
        }
    }
    for b in ds.buildings.iter_mut() {
        if let Some(c) = b
            .community
            .as_mut()
            .filter(|c| !own_communities.contains(*c))
        {
            *c = communities
                .resolve(c, &source, "community", "communities")
                .map_err(|e| fail("building", &b.source_id, e))?;
        }
        if let Some(g) = b.grid.as_mut().filter(|g| !own_grids.contains(*g)) {
            *g = grids
                .resolve(g, &source, "grid", "grids")
                .map_err(|e| fail("building", &b.source_id, e))?;
        }
    }
    for w in ds.workers.iter_mut() {
        for g in w.grids.iter_mut().filter(|g| !own_grids.contains(*g)) {
            *g = grids
                .resolve(g, &source, "grid", "grids")
                .map_err(|e| fail("worker", &w.source_id, e))?;
        }
    }
    for a in ds.addresses.iter_mut() {
        if let Some(b) = a.building.as_mut().filter(|b| !own_buildings.contains(*b)) {
            *b = buildings
                .resolve(b, &source, "building", "buildings")
                .map_err(|e| fail("address point", &a.source_id, e))?;
        }
    }
    Ok(())
}

/// Source ids that address points of `ds` name as their building and that are not
/// buildings of `ds`: the store is asked for these only.
pub(super) fn foreign_building_references(ds: &Dataset) -> Vec<String> {
    let own: HashSet<&str> = ds.buildings.iter().map(|b| b.source_id.as_str()).collect();
    let mut out: Vec<String> = ds
        .addresses
        .iter()
        .filter_map(|a| a.building.as_deref())
        .filter(|b| !b.starts_with('@') && !own.contains(b))
        .map(str::to_string)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Vec<(String, String, i64)> {
        vec![
            ("communities".into(), "c1".into(), 10),
            ("osm".into(), "w5".into(), 11),
            ("a".into(), "x".into(), 12),
            ("b".into(), "x".into(), 13),
        ]
    }

    fn run(reference: &str, source: &str) -> Result<String, String> {
        let rows = stored();
        let index = Rows::new(rows.iter().map(|(s, i, id)| (s.as_str(), i.as_str(), *id)));
        index.resolve(reference, source, "community", "communities")
    }

    #[test]
    fn same_source_first_then_a_unique_other_source() {
        assert_eq!(run("c1", "communities").unwrap(), "@10");
        assert_eq!(run("c1", "grids").unwrap(), "@10");
        assert_eq!(run("x", "a").unwrap(), "@12");
        assert_eq!(run("@11", "grids").unwrap(), "@11");
    }

    #[test]
    fn missing_and_ambiguous_references_say_why() {
        let e = run("c9", "grids").unwrap_err();
        assert!(e.starts_with("community \"c9\" does not exist"), "{e}");
        assert!(e.contains("import the communities first"), "{e}");
        let e = run("x", "grids").unwrap_err();
        assert!(e.contains("ambiguous") && e.contains("a, b"), "{e}");
        assert!(e.contains("--source"), "{e}");
        let e = run("@99", "grids").unwrap_err();
        assert!(e.contains("does not exist in the database"), "{e}");
        assert!(run("@x", "grids").unwrap_err().contains("not @ followed"));
    }
}
