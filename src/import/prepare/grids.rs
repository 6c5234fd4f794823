//! Every building gets a grid of its community's published plan. A community with no
//! grids gets one provisional grid covering it. When real grids arrive for a community
//! (in any file, in any order), its provisional grid goes, the grids are checked to tile
//! the community ([`coverage`](super::coverage)), and every building of the community —
//! of this import or stored — goes to the grid holding its representative point.

use std::collections::{HashMap, HashSet};

use geo::{Contains, MultiPolygon};

use super::coverage::{self, CoverageIssue, IssueKind};
use super::streets::Moved;
use super::{PrepareReport, StoredContext};
use crate::geometry::representative_point;
use crate::model::{Dataset, GridKind, GridRecord, RegionLevel, RegionRecord};
use crate::store::Grid;

/// The grid code of a community's first grid: community code (or an id derived from its
/// source id) + `001`.
fn first_grid_code(community: &RegionRecord) -> String {
    let base = community.code.clone().unwrap_or_else(|| {
        community
            .source_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase()
    });
    format!("{base}001")
}

/// A grid a building may go to: its reference (source id or `@ID`), code and boundary.
struct Candidate<'a> {
    reference: String,
    code: &'a str,
    boundary: &'a MultiPolygon<f64>,
}

/// Where the grids of this import go and what they replace.
pub(super) struct GridPlacement<'a> {
    ds_source: String,
    stored: &'a StoredContext,
    /// Dataset community source id → its stored twin (a re-import of the same source).
    twins: HashMap<String, i64>,
    /// Stored grids this import retires (provisional grids of communities getting real ones).
    retired: HashSet<i64>,
    pub issues: Vec<CoverageIssue>,
}

impl<'a> GridPlacement<'a> {
    pub(super) fn new(ds: &Dataset, stored: &'a StoredContext) -> Self {
        let twins = stored
            .regions
            .iter()
            .filter(|r| r.level == RegionLevel::Community && r.source == ds.source)
            .filter(|r| ds.regions.iter().any(|d| d.source_id == r.source_id))
            .map(|r| (r.source_id.clone(), r.id))
            .collect();
        GridPlacement {
            ds_source: ds.source.clone(),
            stored,
            twins,
            retired: HashSet::new(),
            issues: Vec::new(),
        }
    }

    /// The stored id of a community reference of the dataset.
    fn stored_id(&self, reference: &str) -> Option<i64> {
        match reference.strip_prefix('@') {
            Some(id) => id.parse().ok(),
            None => self.twins.get(reference).copied(),
        }
    }

    /// Stored published grids of community `id` still in its plan after this import.
    fn stored_grids(&self, id: Option<i64>) -> impl Iterator<Item = &'a Grid> + '_ {
        self.stored
            .grids
            .iter()
            .filter(move |g| Some(g.community_id) == id && !self.retired.contains(&g.id))
    }

    /// Places the real grids of the dataset: retires provisional grids, checks coverage
    /// and assigns every building of the communities concerned.
    pub(super) fn place_real_grids(&mut self, ds: &mut Dataset, moved: &[Moved]) {
        let mut by_community: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, g) in ds.grids.iter().enumerate() {
            match by_community.iter_mut().find(|(c, _)| *c == g.community) {
                Some((_, list)) => list.push(i),
                None => by_community.push((g.community.clone(), vec![i])),
            }
        }
        for (community, members) in by_community {
            self.place_community(ds, &community, &members, moved);
        }
    }

    fn place_community(
        &mut self,
        ds: &mut Dataset,
        community: &str,
        members: &[usize],
        moved: &[Moved],
    ) {
        let sid = self.stored_id(community);
        let own_ids: HashSet<&str> = members
            .iter()
            .map(|&i| ds.grids[i].source_id.as_str())
            .collect();
        let mut kept = Vec::new();
        let mut retiring = Vec::new();
        for g in self.stored_grids(sid) {
            if g.provisional {
                retiring.push(g.id);
            } else if !(g.source == self.ds_source && own_ids.contains(g.source_id.as_str())) {
                kept.push(g);
            }
        }
        self.retired.extend(&retiring);
        ds.amendments.retired_grids.extend(retiring);
        let grids = ds.grids.clone();
        let candidates: Vec<Candidate> = members
            .iter()
            .map(|&i| Candidate {
                reference: grids[i].source_id.clone(),
                code: &grids[i].code,
                boundary: &grids[i].boundary,
            })
            .chain(kept.iter().map(|g| Candidate {
                reference: format!("@{}", g.id),
                code: &g.code,
                boundary: &g.boundary,
            }))
            .collect();
        let record = ds.regions.iter().find(|r| r.source_id == community);
        let region = sid.and_then(|id| self.stored.regions.iter().find(|r| r.id == id));
        let (name, boundary) = match (record, region) {
            (Some(r), _) => (r.name.clone(), r.boundary.clone()),
            (None, Some(r)) => (r.name.clone(), r.boundary.clone()),
            (None, None) => return,
        };
        let listed: Vec<(String, &MultiPolygon<f64>)> = candidates
            .iter()
            .map(|c| (c.code.to_string(), c.boundary))
            .collect();
        self.issues
            .extend(coverage::check(&name, &boundary, &listed));
        let shapes: Vec<&MultiPolygon<f64>> = candidates.iter().map(|c| c.boundary).collect();
        let at_ref = sid.map(|id| format!("@{id}"));
        let mine = |c: &Option<String>| {
            c.as_deref() == Some(community) || (at_ref.is_some() && c.as_ref() == at_ref.as_ref())
        };
        // Buildings of this import in the community.
        for b in ds.buildings.iter_mut().filter(|b| mine(&b.community)) {
            let Some(point) = representative_point(&b.footprint) else {
                continue;
            };
            let Some((i, inside)) = coverage::holder(&shapes, point) else {
                continue;
            };
            if b.grid.is_none() {
                b.grid = Some(candidates[i].reference.clone());
            }
            if !inside {
                self.issues
                    .push(in_gap(&name, &b.source_id, candidates[i].code, point));
            }
            let grid = b.grid.clone().unwrap_or_default();
            ds.amendments.assignments.push((b.source_id.clone(), grid));
        }
        // Stored buildings of the community, and those moving into it.
        let reimported: HashSet<String> =
            ds.buildings.iter().map(|b| b.source_id.clone()).collect();
        let stored_points = self
            .stored
            .buildings
            .iter()
            .filter(|b| sid.is_some() && b.community_id == sid)
            .filter(|b| !(b.source == ds.source && reimported.contains(&b.source_id)))
            .filter_map(|b| Some((format!("@{}", b.id), representative_point(&b.footprint)?)));
        let arriving = moved
            .iter()
            .filter(|m| m.community == community)
            .map(|m| (m.building.clone(), m.point));
        for (building, point) in stored_points.chain(arriving).collect::<Vec<_>>() {
            let Some((i, inside)) = coverage::holder(&shapes, point) else {
                continue;
            };
            if !inside {
                self.issues
                    .push(in_gap(&name, &building, candidates[i].code, point));
            }
            ds.amendments
                .assignments
                .push((building, candidates[i].reference.clone()));
        }
    }

    /// One provisional grid for each community of the dataset with no grids, in the
    /// dataset or stored.
    pub(super) fn add_provisional_grids(&self, ds: &mut Dataset, report: &mut PrepareReport) {
        let with_grids: HashSet<&str> = ds.grids.iter().map(|g| g.community.as_str()).collect();
        let mut added = Vec::new();
        for c in ds
            .regions
            .iter()
            .filter(|r| r.level == RegionLevel::Community)
        {
            if with_grids.contains(c.source_id.as_str()) {
                continue;
            }
            let sid = self.twins.get(&c.source_id).copied();
            if sid.is_some() && self.stored_grids(sid).next().is_some() {
                continue;
            }
            added.push(GridRecord {
                source_id: format!("provisional:{}", c.source_id),
                community: c.source_id.clone(),
                code: first_grid_code(c),
                name: format!("{} 第1网格", c.name),
                kind: GridKind::Standard,
                boundary: c.boundary.clone(),
            });
        }
        report.provisional_grids = added.len();
        ds.provisional_grids.extend(added);
    }

    /// Gives every building of the dataset with a community but no grid yet, and every
    /// stored building moving into a community without real grids of this import, the
    /// grid of its community containing it (else the community's first grid).
    pub(super) fn assign_remaining(&self, ds: &mut Dataset, moved: &[Moved]) {
        let mut grids: HashMap<String, Vec<Candidate>> = HashMap::new();
        for g in ds.grids.iter().chain(ds.provisional_grids.iter()) {
            grids
                .entry(g.community.clone())
                .or_default()
                .push(Candidate {
                    reference: g.source_id.clone(),
                    code: &g.code,
                    boundary: &g.boundary,
                });
        }
        for g in self
            .stored
            .grids
            .iter()
            .filter(|g| !self.retired.contains(&g.id))
        {
            grids
                .entry(format!("@{}", g.community_id))
                .or_default()
                .push(Candidate {
                    reference: format!("@{}", g.id),
                    code: &g.code,
                    boundary: &g.boundary,
                });
        }
        let choose = |community: &str, point: Option<geo::Point<f64>>| -> Option<String> {
            let list = grids.get(community).filter(|l| !l.is_empty()).or_else(|| {
                self.twins
                    .get(community)
                    .and_then(|id| grids.get(&format!("@{id}")))
            })?;
            let chosen = list
                .iter()
                .find(|c| point.is_some_and(|p| c.boundary.contains(&p)))
                .or_else(|| list.first())?;
            Some(chosen.reference.clone())
        };
        let with_real: HashSet<String> = ds.grids.iter().map(|g| g.community.clone()).collect();
        let mut assigned = Vec::new();
        for (i, b) in ds.buildings.iter().enumerate() {
            if b.grid.is_some() {
                continue;
            }
            let Some(c) = &b.community else { continue };
            assigned.push((i, choose(c, representative_point(&b.footprint))));
        }
        for (i, grid) in assigned {
            ds.buildings[i].grid = grid;
        }
        for m in moved.iter().filter(|m| !with_real.contains(&m.community)) {
            if let Some(grid) = choose(&m.community, Some(m.point)) {
                ds.amendments.assignments.push((m.building.clone(), grid));
            }
        }
    }
}

fn in_gap(community: &str, building: &str, code: &str, point: geo::Point<f64>) -> CoverageIssue {
    CoverageIssue {
        community: community.to_string(),
        kind: IssueKind::BuildingInGap,
        grids: vec![code.to_string()],
        building: Some(building.to_string()),
        area_m2: 0.0,
        at: [point.x(), point.y()],
    }
}
