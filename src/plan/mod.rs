//! Plans, the planner's use case: propose a draft by balancing one community (reading the
//! store, running [`partition`](crate::partition), writing the draft), compare a draft
//! with the published plan, and publish it. Calls the store and partition only.

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::{Intersects, MultiLineString};
use serde::{Deserialize, Serialize};

use crate::live::build_blocking;
use crate::model::{BarrierGrade, GridKind, PlanStatus, RegionLevel};
use crate::partition::solver::{self, Issue, Mode, Params, WarmStart};
use crate::partition::tessellate::{self, BarrierLine, Site};
mod split;

pub use split::UnitSplit;
pub mod moves;
pub mod workers;

pub use moves::{move_buildings, MoveRequest};

use crate::store::NewUnitAssignment;
use crate::store::{
    Building, Grid, NewGrid, NewPlan, Plan, PublishRefusal, Region, Store, StoreError,
};

/// Barrier classes that separate grids unless the request says otherwise: major roads,
/// railways and rivers.
pub const DEFAULT_HARD_BARRIERS: &[&str] = &[
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "rail",
    "light_rail",
    "subway",
    "narrow_gauge",
    "monorail",
    "river",
    "canal",
];

/// What a planner asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanRequest {
    /// Floor and ceiling of households per grid.
    pub min: u32,
    pub max: u32,
    /// Target households per grid (mode `target`).
    pub target: u32,
    /// `target`, `most` or `fewest`.
    pub mode: ModeName,
    pub seed: u64,
    /// Barrier classes that separate grids (default [`DEFAULT_HARD_BARRIERS`]).
    pub hard_barriers: Option<Vec<String>>,
    /// Buildings that keep their current grid.
    pub pinned_buildings: Vec<i64>,
    /// Current grids (ids) that keep exactly their buildings.
    pub pinned_grids: Vec<i64>,
    /// Start from the published plan and move as few households as possible (default).
    pub warm_start: bool,
    pub author: String,
}

/// Names of the modes as the API and CLI spell them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumString, strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ModeName {
    Target,
    Most,
    Fewest,
}

impl Default for PlanRequest {
    fn default() -> Self {
        PlanRequest {
            min: 300,
            max: 600,
            target: 450,
            mode: ModeName::Target,
            seed: 1,
            hard_barriers: None,
            pinned_buildings: vec![],
            pinned_grids: vec![],
            warm_start: true,
            author: "planner".into(),
        }
    }
}

/// Why a plan operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("region {0} does not exist")]
    UnknownCommunity(i64),
    #[error("region {0} is a {1}, not a community")]
    NotACommunity(i64, RegionLevel),
    #[error("plan {0} does not exist")]
    UnknownPlan(i64),
    #[error("bad parameters: {0}")]
    BadRequest(String),
    #[error("community {0} has no buildings to balance")]
    NoBuildings(i64),
    #[error("cannot tessellate community {community}: {reason}")]
    Tessellation { community: i64, reason: String },
    #[error("plan {plan} cannot be published: {reason}")]
    Conflict { plan: i64, reason: String },
    /// A manual move breaks a rule (neighbours, bounds, contiguity) or names a building or
    /// grid the draft does not have; nothing was stored.
    #[error("move refused: {0}")]
    MoveRefused(String),
    /// A manual move on a plan that is not an editable draft; nothing was stored.
    #[error("plan {plan} cannot be edited: {reason}")]
    NotEditable { plan: i64, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Figures of one grid of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridMetrics {
    pub code: String,
    pub name: String,
    pub households: u64,
    pub buildings: u32,
    pub area_m2: f64,
    pub perimeter_m: f64,
    pub polsby_popper: f64,
    pub within_bounds: bool,
}

/// A grid balancing leaves as it is: a virtual grid (school, enterprise) or a rural grid
/// of the published plan, copied into the draft with its boundary and buildings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptGrid {
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub households: u64,
    pub buildings: u32,
}

/// Figures of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanMetrics {
    /// The balanced (standard) grids.
    pub grids: Vec<GridMetrics>,
    /// Grids of the published plan that are not standard (virtual, rural): kept as they
    /// are, their buildings neither moved into balanced grids nor merged.
    #[serde(default)]
    pub kept: Vec<KeptGrid>,
    /// Households and buildings of the whole community (balanced and kept grids).
    pub households: u64,
    pub buildings: usize,
    /// Grids of the plan, balanced and kept.
    pub grid_count: usize,
    pub mean_polsby_popper: f64,
    pub min_polsby_popper: f64,
    pub min_households: u64,
    pub max_households: u64,
    /// What could not be satisfied (see the solver's issues), in words.
    pub violations: Vec<String>,
    /// Buildings above the ceiling split by unit (their household register numbers every
    /// household's unit): the groups and the grid holding each. Every group within the
    /// bounds is not a violation; the further groups' grids overlap the building's grid.
    #[serde(default)]
    pub unit_splits: Vec<UnitSplit>,
    /// Against the published plan the draft was computed from.
    pub households_moved: u64,
    pub buildings_moved: usize,
    pub runtime_ms: u128,
}

/// A draft plan and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub plan_id: i64,
    pub metrics: PlanMetrics,
}

fn mode(request: &PlanRequest) -> Mode {
    match request.mode {
        ModeName::Target => Mode::Target(request.target),
        ModeName::Most => Mode::Most,
        ModeName::Fewest => Mode::Fewest,
    }
}

fn check(request: &PlanRequest) -> Result<(), PlanError> {
    if request.min == 0 || request.min > request.max {
        return Err(PlanError::BadRequest(format!(
            "min {} and max {}: need 0 < min ≤ max",
            request.min, request.max
        )));
    }
    if request.mode == ModeName::Target && !(request.min..=request.max).contains(&request.target) {
        return Err(PlanError::BadRequest(format!(
            "target {} is outside min..max ({}..{})",
            request.target, request.min, request.max
        )));
    }
    Ok(())
}

pub(crate) async fn community(store: &Store, id: i64) -> Result<Region, PlanError> {
    let region = store
        .region(id)
        .await?
        .ok_or(PlanError::UnknownCommunity(id))?;
    if region.level != RegionLevel::Community {
        return Err(PlanError::NotACommunity(id, region.level));
    }
    Ok(region)
}

/// Base of a community's grid codes: its administrative code, else an id derived from its
/// source id (as imports do).
fn code_base(c: &Region) -> String {
    c.code.clone().unwrap_or_else(|| {
        c.source_id
            .chars()
            .filter(|ch| ch.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase()
    })
}

/// Proposes a draft plan for a community and stores it, with `audit` appended to the
/// audit log in the same transaction (its target set to `plan/{the draft's id}`).
pub async fn propose(
    store: &Store,
    community_id: i64,
    request: &PlanRequest,
    audit: Option<&crate::store::NewAuditEntry>,
) -> Result<Draft, PlanError> {
    check(request)?;
    let started = std::time::Instant::now();
    let community = community(store, community_id).await?;
    let all_buildings = store
        .buildings(&crate::store::BuildingFilter {
            community: Some(community_id),
            ..Default::default()
        })
        .await?;
    let published = store.published_plan(community_id).await?;
    let all_grids = match &published {
        Some(p) => store.plan_grids(p.id).await?,
        None => vec![],
    };
    // Non-standard grids (virtual, rural) are kept apart: out of the partition, copied as
    // they are. Only standard grids are balanced.
    let (kept_grids, current_grids): (Vec<Grid>, Vec<Grid>) = all_grids
        .into_iter()
        .partition(|g| g.kind != GridKind::Standard);
    // Grids of the published plan holding only further unit groups of a split building
    // (no building of their own) are left out of the warm start: the split is redone.
    let published_units = match &published {
        Some(p) => store.plan_unit_assignment(p.id).await?,
        None => vec![],
    };
    let territorial: HashSet<i64> = all_buildings.iter().filter_map(|b| b.grid_id).collect();
    let (split_grids, current_grids): (Vec<Grid>, Vec<Grid>) =
        current_grids.into_iter().partition(|g| {
            !territorial.contains(&g.id) && published_units.iter().any(|a| a.grid_id == g.id)
        });
    let split_grid_names: BTreeMap<String, String> =
        split_grids.into_iter().map(|g| (g.code, g.name)).collect();
    let kept_index: HashMap<i64, usize> = kept_grids
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i))
        .collect();
    let (kept_buildings, buildings): (Vec<Building>, Vec<Building>) = all_buildings
        .into_iter()
        .partition(|b| b.grid_id.is_some_and(|g| kept_index.contains_key(&g)));
    if buildings.is_empty() {
        return Err(PlanError::NoBuildings(community_id));
    }
    let barriers = barrier_lines(store, &community, request).await?;
    let sites = sites_of(&buildings);

    // Warm start: each building's current grid as a label (index into current_grids).
    let label_of: HashMap<i64, u32> = current_grids
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id, i as u32))
        .collect();
    for g in &request.pinned_grids {
        if !label_of.contains_key(g) && !kept_index.contains_key(g) {
            return Err(PlanError::BadRequest(format!(
                "pinned grid {g} is not a grid of this community's published plan"
            )));
        }
    }
    let warm = if request.warm_start && !current_grids.is_empty() {
        Some(WarmStart {
            assignment: buildings
                .iter()
                .map(|b| b.grid_id.and_then(|g| label_of.get(&g).copied()))
                .collect(),
            pinned_nodes: buildings
                .iter()
                .map(|b| request.pinned_buildings.contains(&b.id))
                .collect(),
            pinned_grids: request
                .pinned_grids
                .iter()
                .filter_map(|g| label_of.get(g).copied())
                .collect(),
        })
    } else {
        None
    };
    let params = Params {
        min: request.min,
        max: request.max,
        mode: mode(request),
        seed: request.seed,
    };
    let kept_codes: Vec<String> = kept_grids.iter().map(|g| g.code.clone()).collect();
    let boundary = tessellate::carve(
        &community.boundary,
        &kept_grids
            .iter()
            .map(|g| g.boundary.clone())
            .collect::<Vec<_>>(),
    );
    let building_ids: Vec<i64> = buildings.iter().map(|b| b.id).collect();
    let outside = if kept_codes.is_empty() {
        "the community boundary".to_string()
    } else {
        format!(
            "the part of the community outside its kept grids ({})",
            kept_codes.join(", ")
        )
    };
    let (tessellation, solution, boundaries) = build_blocking("plan", move || {
        let t = tessellate::tessellate(&boundary, &sites, &barriers)
            .map_err(|e| tessellation_reason(e, &building_ids, &outside))?;
        let s = solver::solve(&t.graph, &params, warm.as_ref());
        let b = tessellate::grid_boundaries(&t, &s.assignment, s.grids.len());
        Ok::<_, String>((t, s, b))
    })
    .await?
    .map_err(|reason| PlanError::Tessellation {
        community: community_id,
        reason,
    })?;
    drop(tessellation);

    // Name the new grids: a new grid keeps the code and name of the current grid it shares
    // most households with (one-to-one, largest first); the others get new codes.
    let names = name_grids(
        &community,
        &current_grids,
        &kept_codes,
        &buildings,
        &solution.assignment,
        solution.grids.len(),
    );
    let balanced = solution.grids.len();
    let mut metrics = PlanMetrics {
        grids: Vec::new(),
        kept: kept_grids
            .iter()
            .map(|g| {
                let mine = kept_buildings.iter().filter(|b| b.grid_id == Some(g.id));
                KeptGrid {
                    code: g.code.clone(),
                    name: g.name.clone(),
                    kind: g.kind,
                    households: mine.clone().map(|b| b.households.max(0) as u64).sum(),
                    buildings: mine.count() as u32,
                }
            })
            .collect(),
        households: buildings
            .iter()
            .chain(&kept_buildings)
            .map(|b| b.households.max(0) as u64)
            .sum(),
        buildings: buildings.len() + kept_buildings.len(),
        grid_count: balanced + kept_grids.len(),
        mean_polsby_popper: 0.0,
        min_polsby_popper: 0.0,
        min_households: 0,
        max_households: 0,
        violations: Vec::new(),
        unit_splits: Vec::new(),
        households_moved: 0,
        buildings_moved: 0,
        runtime_ms: 0,
    };
    // Buildings above the ceiling are split by unit where their household register allows:
    // the solver's grid keeps the building's cell and its first unit group, each further
    // group gets a grid of its own over the same cell (see `split`).
    let base = code_base(&community);
    let mut taken: HashSet<String> = names
        .iter()
        .map(|n| n.0.clone())
        .chain(kept_codes.iter().cloned())
        .collect();
    let mut before_units: HashMap<i64, BTreeMap<i32, String>> = HashMap::new();
    for a in &published_units {
        before_units
            .entry(a.building_id)
            .or_default()
            .insert(a.unit, a.grid_code.clone());
    }
    let mut registers: HashMap<i64, split::Register> = HashMap::new();
    let mut splits: BTreeMap<u32, UnitSplit> = BTreeMap::new();
    // (label, code and name of each further group's grid), in label order.
    let mut extras: Vec<(u32, Vec<(String, String)>)> = Vec::new();
    for issue in &solution.issues {
        if let Issue::OversizedBuilding { node, .. } = issue {
            let b = &buildings[*node as usize];
            let label = solution.assignment[*node as usize];
            let register = split::register(store, b).await?;
            if let Some(mut s) = split::unit_split(b, &register, &names[label as usize].0, request)
            {
                let further = split::name_groups(
                    &s,
                    &published_units,
                    &split_grid_names,
                    &base,
                    &community.name,
                    &mut taken,
                );
                s.grids = std::iter::once(s.grid_code.clone())
                    .chain(further.iter().map(|f| f.0.clone()))
                    .collect();
                extras.push((label, further));
                splits.insert(label, s);
            }
            registers.insert(b.id, register);
        }
    }
    extras.sort_by_key(|e| e.0);
    for b in &buildings {
        if before_units.contains_key(&b.id) && !registers.contains_key(&b.id) {
            registers.insert(b.id, split::register(store, b).await?);
        }
    }
    let bounds = u64::from(request.min)..=u64::from(request.max);
    for issue in &solution.issues {
        match issue {
            // A split building's grid is described with the building.
            Issue::OutOfBounds { grid, .. } if splits.contains_key(grid) => {}
            Issue::OversizedBuilding {
                node, households, ..
            } => {
                let label = solution.assignment[*node as usize];
                match splits.get(&label) {
                    // Applied and every group within the bounds: listed in unit_splits.
                    Some(s) if s.within_bounds => {}
                    Some(s) => metrics.violations.push(format!(
                        "building {} has {households} households, above the ceiling: split by unit into {} grids ({}), {} of them outside the bounds",
                        s.building_id,
                        s.groups.len(),
                        s.groups
                            .iter()
                            .zip(&s.grids)
                            .map(|(g, code)| format!("{} in {code}: {} households", split::unit_list(&g.units), g.households))
                            .collect::<Vec<_>>()
                            .join("; "),
                        s.groups.iter().filter(|g| !bounds.contains(&g.households)).count()
                    )),
                    None => metrics.violations.push(format!(
                        "{}; its household register does not give every household a unit to split it by",
                        describe(issue, &buildings)
                    )),
                }
            }
            _ => metrics.violations.push(describe(issue, &buildings)),
        }
    }
    for (label, g) in solution.grids.iter().enumerate() {
        // A split building's grid holds only the first unit group of its households.
        let households = match splits.get(&(label as u32)) {
            Some(s) => g.households.saturating_sub(s.households) + s.groups[0].households,
            None => g.households,
        };
        metrics.grids.push(GridMetrics {
            code: names[label].0.clone(),
            name: names[label].1.clone(),
            households,
            buildings: g.nodes,
            area_m2: g.area_m2,
            perimeter_m: g.perimeter_m,
            polsby_popper: g.polsby_popper,
            within_bounds: bounds.contains(&households),
        });
    }
    for (label, further) in &extras {
        let g = &solution.grids[*label as usize];
        let s = &splits[label];
        for ((code, name), group) in further.iter().zip(s.groups.iter().skip(1)) {
            metrics.grids.push(GridMetrics {
                code: code.clone(),
                name: name.clone(),
                households: group.households,
                buildings: 1,
                area_m2: g.area_m2,
                perimeter_m: g.perimeter_m,
                polsby_popper: g.polsby_popper,
                within_bounds: bounds.contains(&group.households),
            });
        }
    }
    let extra_count: usize = extras.iter().map(|e| e.1.len()).sum();
    metrics.grid_count += extra_count;
    metrics.unit_splits = splits.values().cloned().collect();
    summarise(&mut metrics);
    // Moved: households whose grid code changes, unit by unit for buildings split before
    // or now (kept grids' buildings never move).
    let current_code: HashMap<i64, &str> = current_grids
        .iter()
        .map(|g| (g.id, g.code.as_str()))
        .collect();
    let mut after_units: HashMap<i64, BTreeMap<i32, String>> = HashMap::new();
    for s in splits.values() {
        let units = after_units.entry(s.building_id).or_default();
        for (group, code) in s.groups.iter().zip(&s.grids) {
            for u in &group.units {
                units.insert(*u, code.clone());
            }
        }
    }
    for (b, &label) in buildings.iter().zip(&solution.assignment) {
        let before = b.grid_id.and_then(|g| current_code.get(&g).copied());
        let after = names[label as usize].0.as_str();
        let moved = split::households_moved(
            b.households.max(0) as u64,
            registers.get(&b.id),
            before,
            after,
            before_units.get(&b.id),
            after_units.get(&b.id),
        );
        if moved > 0 || before.is_some_and(|c| c != after) {
            metrics.households_moved += moved;
            metrics.buildings_moved += 1;
        }
    }
    metrics.runtime_ms = started.elapsed().as_millis();
    let extra_grids: Vec<NewGrid> = extras
        .iter()
        .flat_map(|(label, further)| {
            further.iter().map(|(code, name)| NewGrid {
                code: code.clone(),
                name: name.clone(),
                kind: GridKind::Standard,
                boundary: boundaries[*label as usize].clone(),
            })
        })
        .collect();
    // Each unit of a split building and the index of its grid in NewPlan::grids.
    let mut unit_assignment = Vec::new();
    let mut next_extra = balanced + kept_grids.len();
    for (label, _) in &extras {
        let s = &splits[label];
        for (i, group) in s.groups.iter().enumerate() {
            let grid = if i == 0 {
                *label as usize
            } else {
                next_extra += 1;
                next_extra - 1
            };
            unit_assignment.extend(group.units.iter().map(|&unit| NewUnitAssignment {
                building_id: s.building_id,
                unit,
                grid,
            }));
        }
    }
    let new_plan = NewPlan {
        community_id,
        base_plan_id: published.as_ref().map(|p| p.id),
        parameters: serde_json::to_string(request).unwrap_or_default(),
        metrics: serde_json::to_string(&metrics).unwrap_or_default(),
        author: request.author.clone(),
        grids: boundaries
            .into_iter()
            .zip(&names)
            .map(|(boundary, (code, name))| NewGrid {
                code: code.clone(),
                name: name.clone(),
                kind: GridKind::Standard,
                boundary,
            })
            .chain(kept_grids.iter().map(|g| NewGrid {
                code: g.code.clone(),
                name: g.name.clone(),
                kind: g.kind,
                boundary: g.boundary.clone(),
            }))
            .chain(extra_grids)
            .collect(),
        assignment: buildings
            .iter()
            .zip(&solution.assignment)
            .map(|(b, &l)| (b.id, l as usize))
            .chain(kept_buildings.iter().filter_map(|b| {
                let k = kept_index.get(&b.grid_id?)?;
                Some((b.id, balanced + k))
            }))
            .collect(),
        audit: audit.cloned(),
    };
    let plan_id = store
        .create_plan_with_units(&new_plan, &unit_assignment)
        .await?;
    Ok(Draft { plan_id, metrics })
}

/// The barrier lines near a community, hard where their class is one of the request's hard
/// barrier classes (default [`DEFAULT_HARD_BARRIERS`]) and they run at grade: a line in a
/// tunnel or underground separates nothing on the ground, a line on a bridge is not a
/// wall, and the bridge is a crossing of the hard lines it spans (their segments that it
/// meets are left out).
pub(crate) async fn barrier_lines(
    store: &Store,
    community: &Region,
    request: &PlanRequest,
) -> Result<Vec<BarrierLine>, PlanError> {
    let hard: Vec<String> = request.hard_barriers.clone().unwrap_or_else(|| {
        DEFAULT_HARD_BARRIERS
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    let bbox = crate::geometry::bbox(&community.boundary);
    let near: Vec<_> = store
        .barriers()
        .await?
        .into_iter()
        .filter(|b| {
            let (minx, miny, maxx, maxy) =
                crate::geometry::envelope(&geo::Geometry::MultiLineString(b.geometry.clone()));
            bbox.is_some_and(|r| {
                maxx >= r.min().x && minx <= r.max().x && maxy >= r.min().y && miny <= r.max().y
            })
        })
        .collect();
    let bridges: Vec<&MultiLineString<f64>> = near
        .iter()
        .filter(|b| b.grade == BarrierGrade::Bridge)
        .map(|b| &b.geometry)
        .collect();
    Ok(near
        .iter()
        .map(|b| {
            let hard = b.grade == BarrierGrade::Ground && hard.iter().any(|h| h == &b.class);
            BarrierLine {
                line: if hard {
                    crossed_by_bridges(&b.geometry, &bridges)
                } else {
                    b.geometry.clone()
                },
                hard,
            }
        })
        .collect())
}

/// `line` without the segments that a bridge meets: where a bridge spans a river or a
/// railway, that stretch of it is a crossing.
fn crossed_by_bridges(
    line: &MultiLineString<f64>,
    bridges: &[&MultiLineString<f64>],
) -> MultiLineString<f64> {
    if bridges.is_empty() {
        return line.clone();
    }
    let mut parts = Vec::new();
    for ls in line {
        let mut current: Vec<geo::Coord<f64>> = Vec::new();
        for segment in ls.lines() {
            if bridges.iter().any(|b| b.intersects(&segment)) {
                if current.len() >= 2 {
                    parts.push(geo::LineString(std::mem::take(&mut current)));
                }
                current.clear();
                continue;
            }
            if current.is_empty() {
                current.push(segment.start);
            }
            current.push(segment.end);
        }
        if current.len() >= 2 {
            parts.push(geo::LineString(current));
        }
    }
    MultiLineString(parts)
}

/// The tessellation sites of buildings, in their order.
pub(crate) fn sites_of(buildings: &[Building]) -> Vec<Site> {
    buildings
        .iter()
        .map(|b| Site {
            footprint: b.footprint.clone(),
            households: b.households.max(0) as u32,
            units: b.units.and_then(|u| u32::try_from(u).ok()),
        })
        .collect()
}

/// A tessellation error in words, naming buildings by id (`building_ids[i]` is site `i`)
/// and the area they must lie in (`outside`).
pub(crate) fn tessellation_reason(
    e: tessellate::TessellationError,
    building_ids: &[i64],
    outside: &str,
) -> String {
    match e {
        tessellate::TessellationError::SiteOutsideCommunity { index } => format!(
            "building {} lies outside {outside}",
            building_ids.get(index).copied().unwrap_or(-1)
        ),
        tessellate::TessellationError::InvalidSite { index, reason } => format!(
            "building {}: {reason}",
            building_ids.get(index).copied().unwrap_or(-1)
        ),
        other => other.to_string(),
    }
}

fn summarise(m: &mut PlanMetrics) {
    let pp: Vec<f64> = m.grids.iter().map(|g| g.polsby_popper).collect();
    if !pp.is_empty() {
        m.mean_polsby_popper = pp.iter().sum::<f64>() / pp.len() as f64;
        m.min_polsby_popper = pp.iter().copied().fold(f64::INFINITY, f64::min);
    }
    m.min_households = m.grids.iter().map(|g| g.households).min().unwrap_or(0);
    m.max_households = m.grids.iter().map(|g| g.households).max().unwrap_or(0);
}

/// An issue in words, naming buildings by id.
fn describe(issue: &Issue, buildings: &[Building]) -> String {
    let id = |n: &u32| buildings.get(*n as usize).map(|b| b.id).unwrap_or(-1);
    match issue {
        Issue::OversizedBuilding { node, households, units } => match units {
            Some(u) if *u > 1 => format!("building {} has {households} households, above the ceiling: it is a grid of its own (it has {u} units)", id(node)),
            _ => format!("building {} has {households} households, above the ceiling: it is a grid of its own", id(node)),
        },
        Issue::SmallComponent { nodes, households } => format!(
            "{} buildings cut off by barriers hold only {households} households, below the floor: they form a grid of their own",
            nodes.len()
        ),
        Issue::InfeasibleComponent { nodes, households } => format!(
            "{} connected buildings hold {households} households, which cannot be split into grids within the bounds",
            nodes.len()
        ),
        Issue::OutOfBounds { grid, households } => format!("grid {grid} has {households} households, outside the bounds"),
        Issue::NotContiguous { grid } => format!("grid {grid} is not contiguous"),
    }
}

/// (code, name) of every new grid label.
fn name_grids(
    community: &Region,
    current: &[Grid],
    reserved: &[String],
    buildings: &[Building],
    assignment: &[u32],
    grids: usize,
) -> Vec<(String, String)> {
    let index_of: HashMap<i64, usize> =
        current.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    let mut shared: BTreeMap<(usize, u32), u64> = BTreeMap::new();
    for (b, &label) in buildings.iter().zip(assignment) {
        if let Some(i) = b.grid_id.and_then(|g| index_of.get(&g)) {
            *shared.entry((*i, label)).or_default() += b.households.max(0) as u64 + 1;
        }
    }
    let mut pairs: Vec<((usize, u32), u64)> = shared.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut names: Vec<Option<(String, String)>> = vec![None; grids];
    let mut used_old = vec![false; current.len()];
    for ((old, label), _) in pairs {
        if !used_old[old] && names[label as usize].is_none() {
            used_old[old] = true;
            names[label as usize] = Some((current[old].code.clone(), current[old].name.clone()));
        }
    }
    let base = code_base(community);
    let mut taken: std::collections::HashSet<String> = names
        .iter()
        .flatten()
        .map(|(c, _)| c.clone())
        .chain(reserved.iter().cloned())
        .collect();
    let mut next = 1;
    names
        .into_iter()
        .map(|n| {
            n.unwrap_or_else(|| {
                let code = loop {
                    let c = format!("{base}{next:03}");
                    next += 1;
                    if taken.insert(c.clone()) {
                        break c;
                    }
                };
                let name = format!(
                    "{} 网格{}",
                    community.name,
                    &code[code.len().saturating_sub(3)..]
                );
                (code, name)
            })
        })
        .collect()
}

/// A building whose grid changes between the published plan and a draft.
#[derive(Debug, Clone, Serialize)]
pub struct Move {
    pub building_id: i64,
    pub households: i64,
    pub from: Option<String>,
    pub to: Option<String>,
    /// For a building split by unit in either plan: the units that make this move (the
    /// building's other units may move elsewhere or stay). Empty: the whole building.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<i32>,
}

/// A draft compared with the community's published plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanDiff {
    pub plan_id: i64,
    pub published_plan_id: Option<i64>,
    pub buildings_moved: usize,
    pub households_moved: i64,
    pub grids_added: Vec<String>,
    pub grids_removed: Vec<String>,
    pub moves: Vec<Move>,
}

/// Compares a plan with the published plan of its community, by grid code.
pub async fn diff(store: &Store, plan_id: i64) -> Result<PlanDiff, PlanError> {
    let plan = store
        .plan(plan_id)
        .await?
        .ok_or(PlanError::UnknownPlan(plan_id))?;
    let published = store.published_plan(plan.community_id).await?;
    let codes = |grids: Vec<Grid>| {
        grids
            .into_iter()
            .map(|g| (g.id, g.code))
            .collect::<HashMap<i64, String>>()
    };
    let new_codes = codes(store.plan_grids(plan.id).await?);
    let (old_codes, old_assign) = match &published {
        Some(p) => (
            codes(store.plan_grids(p.id).await?),
            store.plan_assignment(p.id).await?,
        ),
        None => (HashMap::new(), vec![]),
    };
    let old_of: HashMap<i64, &String> = old_assign
        .iter()
        .filter_map(|(b, g)| Some((*b, old_codes.get(g)?)))
        .collect();
    let households: HashMap<i64, i64> = store
        .buildings(&crate::store::BuildingFilter {
            community: Some(plan.community_id),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|b| (b.id, i64::from(b.households)))
        .collect();
    let units_of = |rows: Vec<crate::store::UnitAssignment>| {
        let mut map: HashMap<i64, BTreeMap<i32, String>> = HashMap::new();
        for u in rows {
            map.entry(u.building_id)
                .or_default()
                .insert(u.unit, u.grid_code);
        }
        map
    };
    let new_units = units_of(store.plan_unit_assignment(plan.id).await?);
    let old_units = match &published {
        Some(p) => units_of(store.plan_unit_assignment(p.id).await?),
        None => HashMap::new(),
    };
    let mut moves = Vec::new();
    for (building, grid) in store.plan_assignment(plan.id).await? {
        let to = new_codes.get(&grid).cloned();
        let from = old_of.get(&building).map(|c| (*c).clone());
        let (before, after) = (old_units.get(&building), new_units.get(&building));
        if before.is_none() && after.is_none() {
            if from != to {
                moves.push(Move {
                    building_id: building,
                    households: households.get(&building).copied().unwrap_or(0),
                    from,
                    to,
                    units: vec![],
                });
            }
            continue;
        }
        // Split in either plan: unit by unit, grouped by (from, to).
        // (from, to) → (units, households).
        type Pair = (Option<String>, Option<String>);
        let mut pairs: BTreeMap<Pair, (Vec<i32>, i64)> = BTreeMap::new();
        let mut per_unit: BTreeMap<Option<i32>, i64> = BTreeMap::new();
        for h in store.households(building).await? {
            *per_unit.entry(h.unit).or_default() += 1;
        }
        for (unit, n) in per_unit {
            let code = |units: Option<&BTreeMap<i32, String>>, whole: Option<&String>| {
                unit.and_then(|u| units?.get(&u)).or(whole).cloned()
            };
            let (a, b) = (code(before, from.as_ref()), code(after, to.as_ref()));
            if a != b {
                let e = pairs.entry((a, b)).or_default();
                e.0.extend(unit);
                e.1 += n;
            }
        }
        for ((a, b), (units, n)) in pairs {
            moves.push(Move {
                building_id: building,
                households: n,
                from: a,
                to: b,
                units,
            });
        }
    }
    let mut added: Vec<String> = new_codes
        .values()
        .filter(|c| !old_codes.values().any(|o| o == *c))
        .cloned()
        .collect();
    let mut removed: Vec<String> = old_codes
        .values()
        .filter(|c| !new_codes.values().any(|n| n == *c))
        .cloned()
        .collect();
    added.sort();
    removed.sort();
    Ok(PlanDiff {
        plan_id,
        published_plan_id: published.map(|p| p.id),
        buildings_moved: moves
            .iter()
            .map(|m| m.building_id)
            .collect::<HashSet<_>>()
            .len(),
        households_moved: moves.iter().map(|m| m.households).sum(),
        grids_added: added,
        grids_removed: removed,
        moves,
    })
}

/// Publishes a draft: its grids replace the community's grids in one transaction, the old
/// plan is kept as retired history, and workers follow their grid to the new grid holding
/// most of its households ([`workers::follow`], unit by unit in buildings split by unit).
/// `audit` is appended to the audit log in the publishing transaction.
pub async fn publish(
    store: &Store,
    plan_id: i64,
    audit: Option<&crate::store::NewAuditEntry>,
) -> Result<Plan, PlanError> {
    let plan = store
        .plan(plan_id)
        .await?
        .ok_or(PlanError::UnknownPlan(plan_id))?;
    let mut worker_moves = Vec::new();
    if let Some(old) = store.published_plan(plan.community_id).await? {
        let households: HashMap<i64, u64> = store
            .buildings(&crate::store::BuildingFilter {
                community: Some(plan.community_id),
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|b| (b.id, b.households.max(0) as u64 + 1))
            .collect();
        let assignment = |id: i64| async move {
            let units = store.plan_unit_assignment(id).await?;
            Ok::<_, crate::store::StoreError>(workers::Assignment::new(
                store.plan_assignment(id).await?,
                units
                    .into_iter()
                    .map(|u| (u.building_id, u.unit, u.grid_id)),
            ))
        };
        worker_moves = workers::follow(
            &assignment(old.id).await?,
            &assignment(plan.id).await?,
            &households,
        );
    }
    match store.publish_plan(plan_id, &worker_moves, audit).await? {
        Ok(()) => {}
        Err(PublishRefusal::NotDraft(status)) => {
            return Err(PlanError::Conflict { plan: plan_id, reason: format!("it is {status}, not a draft") })
        }
        Err(PublishRefusal::Superseded { published_plan_id }) => {
            return Err(PlanError::Conflict {
                plan: plan_id,
                reason: match published_plan_id {
                    Some(p) => format!("plan {p} was published for this community after this draft was computed; compute a new draft"),
                    None => "the plan it was computed against is no longer published; compute a new draft".into(),
                },
            })
        }
    }
    let published = store
        .plan(plan_id)
        .await?
        .ok_or(PlanError::UnknownPlan(plan_id))?;
    debug_assert_eq!(published.status, PlanStatus::Published);
    Ok(published)
}

#[cfg(test)]
mod tests {
    use geo::{line_string, LineString, MultiLineString};

    use super::crossed_by_bridges;

    #[test]
    fn a_bridge_opens_the_segment_of_the_river_it_spans() {
        // A river of three segments along y = 0; a bridge crosses the middle one.
        let river = MultiLineString(vec![line_string![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 3.0, y: 0.0)
        ]]);
        let bridge = MultiLineString(vec![line_string![(x: 1.5, y: -0.5), (x: 1.5, y: 0.5)]]);
        let open = crossed_by_bridges(&river, &[&bridge]);
        let want: Vec<LineString<f64>> = vec![
            line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0)],
            line_string![(x: 2.0, y: 0.0), (x: 3.0, y: 0.0)],
        ];
        assert_eq!(open.0, want);
        // No bridge, or one elsewhere: the river is whole.
        assert_eq!(crossed_by_bridges(&river, &[]), river);
        let far = MultiLineString(vec![line_string![(x: 5.0, y: -1.0), (x: 5.0, y: 1.0)]]);
        assert_eq!(crossed_by_bridges(&river, &[&far]), river);
    }
}
