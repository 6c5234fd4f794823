//! A planner's manual move in a draft plan: buildings moved by hand to a neighbouring grid
//! of the draft, checked against the same adjacency graph balancing used, and stored with
//! the two grids' new boundaries and figures.
//!
//! The draft's tessellation is rebuilt as [`propose`](super::propose) built it: the
//! community less the draft's kept (virtual, rural) grids, one cell per building of the
//! draft's standard grids in the store's building order, the plan's hard barrier classes.
//! A move is refused, naming the buildings and the rule, when the target grid shares no
//! cell boundary with the moved buildings (across no hard barrier), when a grid involved
//! would leave the plan's bounds (or, already outside them, get farther), when a grid
//! would no longer be connected in the graph, or when a grid would be left empty. The new
//! boundaries are the union of the grids' cells ([`tessellate::grid_boundaries`]); the
//! figures are measured as the solver measures them ([`solver::grid_stats`]). Calls the
//! store and partition only.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{
    barrier_lines, community, sites_of, summarise, tessellation_reason, GridMetrics, PlanError,
    PlanMetrics, PlanRequest,
};
use crate::live::build_blocking;
use crate::model::{GridKind, PlanStatus};
use crate::partition::solver;
use crate::partition::tessellate;
use crate::partition::{Graph, Node};
use crate::store::{Building, BuildingFilter, Grid, MoveRefusal, Plan, PlanMove, Store};

/// A manual move: buildings of a draft and the draft grid they go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveRequest {
    /// Building ids (at least one).
    pub buildings: Vec<i64>,
    /// The code of the draft grid the buildings join (as in the draft's `metrics.grids`
    /// and its grid features' `code`).
    pub to_grid: String,
}

/// The node ids of `nodes` in `graph` with their edges among themselves, as a graph of
/// its own (node `i` is `nodes[i]`).
fn induced(graph: &Graph, nodes: &[u32]) -> Graph {
    let index: HashMap<u32, u32> = nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    Graph {
        nodes: nodes
            .iter()
            .map(|&n| graph.nodes[n as usize].clone())
            .collect::<Vec<Node>>(),
        adjacency: nodes
            .iter()
            .map(|&n| {
                let mut list: Vec<(u32, f64)> = graph.adjacency[n as usize]
                    .iter()
                    .filter_map(|&(m, l)| index.get(&m).map(|&i| (i, l)))
                    .collect();
                list.sort_by_key(|e| e.0);
                list
            })
            .collect(),
    }
}

/// The connected pieces of grid `label` under `assignment`, as node lists.
fn pieces(graph: &Graph, assignment: &[u32], label: u32) -> Vec<Vec<u32>> {
    let nodes: Vec<u32> = (0..assignment.len() as u32)
        .filter(|&n| assignment[n as usize] == label)
        .collect();
    induced(graph, &nodes)
        .components()
        .into_iter()
        .map(|c| c.into_iter().map(|i| nodes[i as usize]).collect())
        .collect()
}

/// How far `households` is outside `min..=max` (0 inside).
fn outside(households: u64, min: u64, max: u64) -> u64 {
    if households < min {
        min - households
    } else {
        households.saturating_sub(max)
    }
}

/// "building 5" or "buildings 5, 6".
fn ids(list: impl IntoIterator<Item = i64>) -> String {
    let list: Vec<String> = list.into_iter().map(|b| b.to_string()).collect();
    match list.len() {
        1 => format!("building {}", list[0]),
        _ => format!("buildings {}", list.join(", ")),
    }
}

/// Whether a violation text is one a move re-derives (a grid outside the bounds or not
/// contiguous), as [`describe`](super::describe) and this module word them.
fn is_grid_violation(text: &str) -> bool {
    text.starts_with("grid ")
        && (text.ends_with("outside the bounds") || text.ends_with("is not contiguous"))
}

/// Moves buildings of draft `plan_id` to its grid `request.to_grid`, checks the move on
/// the draft's adjacency graph, and stores it with the new boundaries and figures in one
/// transaction, with `audit` appended to the audit log. Returns the updated plan. Nothing
/// is stored when the move is refused.
pub async fn move_buildings(
    store: &Store,
    plan_id: i64,
    request: &MoveRequest,
    audit: Option<crate::store::NewAuditEntry>,
) -> Result<Plan, PlanError> {
    let plan = store
        .plan(plan_id)
        .await?
        .ok_or(PlanError::UnknownPlan(plan_id))?;
    if plan.status != PlanStatus::Draft {
        return Err(PlanError::NotEditable {
            plan: plan_id,
            reason: format!("it is {}, not a draft", plan.status),
        });
    }
    if request.buildings.is_empty() {
        return Err(PlanError::BadRequest(
            "buildings: give at least one building id to move".into(),
        ));
    }
    let moving: BTreeSet<i64> = request.buildings.iter().copied().collect();
    let published = store.published_plan(plan.community_id).await?;
    if published.as_ref().map(|p| p.id) != plan.base_plan_id {
        return Err(PlanError::NotEditable {
            plan: plan_id,
            reason: superseded(published.as_ref().map(|p| p.id)),
        });
    }
    let params: PlanRequest = serde_json::from_str(&plan.parameters).map_err(|e| {
        PlanError::BadRequest(format!(
            "plan {plan_id}: its stored parameters are unreadable: {e}"
        ))
    })?;
    let mut metrics: PlanMetrics = serde_json::from_str(&plan.metrics).map_err(|e| {
        PlanError::BadRequest(format!(
            "plan {plan_id}: its stored metrics are unreadable: {e}"
        ))
    })?;
    let community = community(store, plan.community_id).await?;
    let grids = store.plan_grids(plan_id).await?;
    let grid_of: HashMap<i64, i64> = store.plan_assignment(plan_id).await?.into_iter().collect();
    let by_id: HashMap<i64, &Grid> = grids.iter().map(|g| (g.id, g)).collect();

    // The target grid.
    let to = grids
        .iter()
        .find(|g| g.code == request.to_grid)
        .ok_or_else(|| {
            PlanError::MoveRefused(format!(
                "grid {:?} is not a grid of draft {plan_id}",
                request.to_grid
            ))
        })?;
    if to.kind != GridKind::Standard {
        return Err(PlanError::MoveRefused(format!(
            "grid {} is a {} grid, kept apart by balancing: buildings cannot be moved into it",
            to.code, to.kind
        )));
    }

    // Buildings of the draft's standard grids, in the store's order (as propose read them).
    let all = store
        .buildings(&BuildingFilter {
            community: Some(plan.community_id),
            ..Default::default()
        })
        .await?;
    let mut moved_grids: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &b in &moving {
        let grid = grid_of.get(&b).and_then(|g| by_id.get(g)).ok_or_else(|| {
            PlanError::MoveRefused(format!(
                "building {b} is not a building of draft {plan_id} (community {})",
                plan.community_id
            ))
        })?;
        if grid.kind != GridKind::Standard {
            return Err(PlanError::MoveRefused(format!(
                "building {b} belongs to {} grid {}, kept apart by balancing: it cannot be moved",
                grid.kind, grid.code
            )));
        }
        if grid.id == to.id {
            return Err(PlanError::MoveRefused(format!(
                "building {b} is already in grid {}",
                to.code
            )));
        }
        moved_grids.entry(grid.id).or_default().push(b);
    }
    let standard: Vec<&Grid> = grids
        .iter()
        .filter(|g| g.kind == GridKind::Standard)
        .collect();
    let label_of: HashMap<i64, u32> = standard
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i as u32))
        .collect();
    let mut buildings: Vec<Building> = Vec::new();
    let mut kept_boundaries = Vec::new();
    for g in grids.iter().filter(|g| g.kind != GridKind::Standard) {
        kept_boundaries.push(g.boundary.clone());
    }
    let mut unassigned = Vec::new();
    for b in &all {
        match grid_of.get(&b.id) {
            Some(g) if label_of.contains_key(g) => buildings.push(b.clone()),
            Some(_) => {}
            None => unassigned.push(b.id),
        }
    }
    if !unassigned.is_empty() {
        return Err(PlanError::NotEditable {
            plan: plan_id,
            reason: format!(
                "{} added to the community after the draft was computed; compute a new draft",
                ids(unassigned.iter().copied().take(10))
            ),
        });
    }
    // A building split by unit weighs, in its grid, the households of the units that grid
    // holds (the first group), as the draft's figures count them; its other groups' grids
    // share its cell and have no building of their own.
    for split in metrics.unit_splits.iter().filter(|s| !s.grids.is_empty()) {
        let own = split
            .grids
            .iter()
            .position(|c| *c == split.grid_code)
            .and_then(|i| split.groups.get(i));
        if let (Some(b), Some(group)) = (
            buildings.iter_mut().find(|b| b.id == split.building_id),
            own,
        ) {
            b.households = i32::try_from(group.households).unwrap_or(i32::MAX);
        }
        if moving.contains(&split.building_id) && split.grids.contains(&to.code) {
            return Err(PlanError::MoveRefused(format!(
                "building {} is split by unit and grid {} already holds some of its units: move it to another grid",
                split.building_id, to.code
            )));
        }
    }
    let mut assignment: Vec<u32> = buildings
        .iter()
        .map(|b| label_of[&grid_of[&b.id]])
        .collect();
    let node_of: HashMap<i64, u32> = buildings
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id, i as u32))
        .collect();

    // The tessellation propose built.
    let barriers = barrier_lines(store, &community, &params).await?;
    let sites = sites_of(&buildings);
    let boundary = tessellate::carve(&community.boundary, &kept_boundaries);
    let building_ids: Vec<i64> = buildings.iter().map(|b| b.id).collect();
    let area = if kept_boundaries.is_empty() {
        "the community boundary".to_string()
    } else {
        "the part of the community outside its kept grids".to_string()
    };
    let t = build_blocking("plan move", move || {
        tessellate::tessellate(&boundary, &sites, &barriers)
            .map_err(|e| tessellation_reason(e, &building_ids, &area))
    })
    .await?
    .map_err(|reason| PlanError::Tessellation {
        community: plan.community_id,
        reason,
    })?;
    let graph = &t.graph;
    let to_label = label_of[&to.id];
    let code = |label: u32| standard[label as usize].code.as_str();

    // Neighbours: some moved building shares cell boundary (across no hard barrier) with
    // the target grid.
    let moved_nodes: Vec<u32> = moving.iter().map(|b| node_of[b]).collect();
    if !moved_nodes.iter().any(|&n| {
        graph.adjacency[n as usize]
            .iter()
            .any(|&(m, _)| assignment[m as usize] == to_label)
    }) {
        return Err(PlanError::MoveRefused(format!(
            "grid {} is not a neighbour of {}: their cells share no boundary, or only across a hard barrier",
            to.code,
            ids(moving.iter().copied())
        )));
    }
    let before = solver::grid_stats(graph, &assignment, standard.len());
    let stored = |code: &str| {
        metrics
            .grids
            .iter()
            .find(|g| g.code == code)
            .map(|g| g.households)
    };
    for &n in &moved_nodes {
        assignment[n as usize] = to_label;
    }
    let after = solver::grid_stats(graph, &assignment, standard.len());
    let (min, max) = (u64::from(params.min), u64::from(params.max));
    let mut involved: Vec<u32> = moved_grids.keys().map(|g| label_of[g]).collect();
    involved.push(to_label);
    // The grids' stored figures must be those of their buildings' cells (split buildings
    // weighed by their grid's units), else households changed since the draft.
    for &label in &involved {
        let counted = before[label as usize].households;
        if stored(code(label)) != Some(counted) {
            return Err(PlanError::NotEditable {
                plan: plan_id,
                reason: format!(
                    "grid {}'s figures in the draft ({} households) are not those of its buildings now ({counted}): households changed since the draft was computed; compute a new draft",
                    code(label),
                    stored(code(label)).map_or("none".to_string(), |h| h.to_string())
                ),
            });
        }
    }
    for (&from, list) in &moved_grids {
        let label = label_of[&from];
        if after[label as usize].nodes == 0 {
            return Err(PlanError::MoveRefused(format!(
                "moving {} would leave grid {} without buildings",
                ids(list.iter().copied()),
                code(label)
            )));
        }
    }
    for &label in &involved {
        let (b, a) = (
            before[label as usize].households,
            after[label as usize].households,
        );
        let (was, now) = (outside(b, min, max), outside(a, min, max));
        if now > 0 && now >= was {
            return Err(PlanError::MoveRefused(format!(
                "moving {} would leave grid {} with {a} households, outside the plan's bounds {min}–{max}",
                ids(moving.iter().copied()),
                code(label)
            )));
        }
    }
    for &label in &involved {
        let parts = pieces(graph, &assignment, label);
        if parts.len() > 1 {
            let text =
                if label == to_label {
                    let cut: Vec<i64> = parts
                        .iter()
                        .filter(|p| !p.iter().any(|n| !moved_nodes.contains(n)))
                        .flatten()
                        .map(|&n| buildings[n as usize].id)
                        .collect();
                    format!(
                    "grid {} would not be contiguous: {} would not be connected to the rest of it",
                    code(label),
                    ids(if cut.is_empty() { moving.iter().copied().collect() } else { cut })
                )
                } else {
                    format!(
                        "moving {} out of grid {} would cut it into {} unconnected parts",
                        ids(moving.iter().copied()),
                        code(label),
                        parts.len()
                    )
                };
            return Err(PlanError::MoveRefused(text));
        }
    }

    // Boundaries and figures of the grids involved. The other grids' boundaries, rebuilt
    // from the same cells, must be the stored ones: else buildings changed since the draft
    // was computed and the new boundaries would not fit the stored ones.
    let boundaries = tessellate::grid_boundaries(&t, &assignment, standard.len());
    for (label, (g, rebuilt)) in standard.iter().zip(&boundaries).enumerate() {
        if !involved.contains(&(label as u32)) && after[label].nodes > 0 && *rebuilt != g.boundary {
            return Err(PlanError::NotEditable {
                plan: plan_id,
                reason: format!(
                    "grid {}'s cells are no longer those of the draft: buildings of the community changed since it was computed; compute a new draft",
                    g.code
                ),
            });
        }
    }
    let within = min..=max;
    for &label in &involved {
        let s = &after[label as usize];
        let g = standard[label as usize];
        let m = GridMetrics {
            code: g.code.clone(),
            name: g.name.clone(),
            households: s.households,
            buildings: s.nodes,
            area_m2: s.area_m2,
            perimeter_m: s.perimeter_m,
            polsby_popper: s.polsby_popper,
            within_bounds: within.contains(&s.households),
        };
        match metrics.grids.iter_mut().find(|x| x.code == g.code) {
            Some(x) => *x = m,
            None => metrics.grids.push(m),
        }
    }
    // Grids outside the bounds or in pieces, re-derived for every balanced grid from the
    // draft's figures (the two grids just measured, the others as stored).
    metrics.violations.retain(|v| !is_grid_violation(v));
    for g in &metrics.grids {
        if !within.contains(&g.households) {
            metrics.violations.push(format!(
                "grid {} has {} households, outside the bounds",
                g.code, g.households
            ));
        }
    }
    for (label, s) in after.iter().enumerate() {
        if s.nodes > 0 && pieces(graph, &assignment, label as u32).len() > 1 {
            metrics
                .violations
                .push(format!("grid {} is not contiguous", code(label as u32)));
        }
    }
    for split in &mut metrics.unit_splits {
        if moving.contains(&split.building_id) {
            for code in split.grids.iter_mut().filter(|c| **c == split.grid_code) {
                code.clone_from(&to.code);
            }
            split.grid_code = to.code.clone();
        }
    }
    summarise(&mut metrics);
    // Moved against the published plan, by grid code (as propose and diff count them):
    // only the moved buildings change their status.
    if let Some(p) = &published {
        let old_codes: HashMap<i64, String> = store
            .plan_grids(p.id)
            .await?
            .into_iter()
            .map(|g| (g.id, g.code))
            .collect();
        let old_of: HashMap<i64, &String> = store
            .plan_assignment(p.id)
            .await?
            .into_iter()
            .filter_map(|(b, g)| Some((b, old_codes.get(&g)?)))
            .collect();
        for &b in &moving {
            let Some(old) = old_of.get(&b) else { continue };
            let households = buildings[node_of[&b] as usize].households.max(0) as u64;
            let was = **old != by_id[&grid_of[&b]].code;
            let now = **old != to.code;
            if was && !now {
                metrics.households_moved = metrics.households_moved.saturating_sub(households);
                metrics.buildings_moved = metrics.buildings_moved.saturating_sub(1);
            } else if now && !was {
                metrics.households_moved += households;
                metrics.buildings_moved += 1;
            }
        }
    }

    let involved_ids: HashSet<i64> = involved.iter().map(|&l| standard[l as usize].id).collect();
    let change = PlanMove {
        plan_id,
        expected_metrics: plan.metrics.clone(),
        metrics: serde_json::to_string(&metrics).unwrap_or_default(),
        base_plan_id: plan.base_plan_id,
        buildings: moving.iter().map(|b| (*b, grid_of[b])).collect(),
        to_grid: to.id,
        boundaries: standard
            .iter()
            .zip(boundaries)
            .filter(|(g, _)| involved_ids.contains(&g.id))
            .map(|(g, b)| (g.id, b))
            .collect(),
        audit,
    };
    match store.move_buildings(&change).await? {
        Ok(()) => {}
        Err(MoveRefusal::NotDraft(status)) => {
            return Err(PlanError::NotEditable {
                plan: plan_id,
                reason: format!("it is {status}, not a draft"),
            })
        }
        Err(MoveRefusal::Superseded { published_plan_id }) => {
            return Err(PlanError::NotEditable {
                plan: plan_id,
                reason: superseded(published_plan_id),
            })
        }
        Err(MoveRefusal::Changed) => {
            return Err(PlanError::NotEditable {
                plan: plan_id,
                reason: "the draft changed while the move was checked (another move came first); reload it and try again".into(),
            })
        }
    }
    store
        .plan(plan_id)
        .await?
        .ok_or(PlanError::UnknownPlan(plan_id))
}

fn superseded(published: Option<i64>) -> String {
    match published {
        Some(p) => format!("plan {p} was published for this community after this draft was computed; compute a new draft"),
        None => "the plan it was computed against is no longer published; compute a new draft".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: usize) -> Graph {
        let node = Node {
            households: 1,
            units: None,
            area_m2: 1.0,
            perimeter_m: 4.0,
            x: 0.0,
            y: 0.0,
        };
        Graph {
            nodes: vec![node; n],
            adjacency: (0..n as u32)
                .map(|i| {
                    let mut v = Vec::new();
                    if i > 0 {
                        v.push((i - 1, 1.0));
                    }
                    if (i as usize) + 1 < n {
                        v.push((i + 1, 1.0));
                    }
                    v
                })
                .collect(),
        }
    }

    #[test]
    fn pieces_follow_the_graph() {
        let g = path(5);
        assert_eq!(pieces(&g, &[0, 0, 0, 1, 1], 0), vec![vec![0, 1, 2]]);
        assert_eq!(pieces(&g, &[0, 1, 0, 1, 1], 0), vec![vec![0], vec![2]]);
        assert_eq!(pieces(&g, &[0, 1, 0, 1, 1], 1).len(), 2);
        let sub = induced(&g, &[1, 3, 4]);
        assert!(sub.check().is_ok());
        assert_eq!(sub.components(), vec![vec![0], vec![1, 2]]);
    }

    #[test]
    fn distance_outside_the_bounds() {
        assert_eq!(outside(300, 300, 600), 0);
        assert_eq!(outside(299, 300, 600), 1);
        assert_eq!(outside(650, 300, 600), 50);
    }

    #[test]
    fn grid_violations_are_recognised() {
        assert!(is_grid_violation(
            "grid 3 has 700 households, outside the bounds"
        ));
        assert!(is_grid_violation("grid C001 is not contiguous"));
        assert!(!is_grid_violation(
            "building 5 has 700 households, above the ceiling: it is a grid of its own"
        ));
    }
}
