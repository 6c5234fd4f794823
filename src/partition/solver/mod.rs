//! The balancing solver: assigns every node of a [`Graph`](super::Graph) to a grid so
//! that each grid is contiguous and within the household bounds, and the grids are
//! compact. Deterministic for a seed.
//!
//! How: buildings above the ceiling become grids of their own and pinned grids are kept as
//! they are; every connected part of the rest is solved on its own, with its own grid
//! count (see [`Mode`]).
//!
//! * Cold start: recursive bisection into as many grids as the mode asks. Each cut is the
//!   best of straight-line cuts along eight directions (shortest cut, households spread so
//!   that both sides keep room within the bounds), with random spanning trees when no line
//!   gives two connected sides; where the households fit no cut, a side's grid count is
//!   nudged by one, or the least-violating cut is taken.
//! * Repair of any grid left outside the bounds: short chains of boundary-node moves, then
//!   re-splitting it with a neighbour, splitting or merging it, and last re-solving its
//!   neighbourhood. `Most` and `Fewest` then add or remove grids while the bounds allow.
//! * Local search: boundary-node moves and pair re-splits (the union of two neighbouring
//!   grids cut again along the best line, then polished) that raise the sum of the grids'
//!   Polsby–Popper scores, less a pull towards the target size in `Target` mode.
//! * Warm start: the current plan is rebuilt on the graph (new buildings join a
//!   neighbouring grid), only grids outside the bounds or in pieces are repaired, and every
//!   household away from its grid costs objective, so the result stays close; grid counts
//!   change only where the bounds require it. Labels keep their warm values where they can.
//!
//! Whatever cannot be met is listed in [`Solution::issues`]: a grid outside the bounds
//! always gets an `OutOfBounds`, next to the issue that explains it (`OversizedBuilding`,
//! `SmallComponent`, or `InfeasibleComponent` for a part whose households provably fit no
//! grids).

use serde::Serialize;

use super::Graph;

mod cold;
mod count;
mod issues;
mod labels;
mod local;
mod metrics;
mod part;
mod repair;
mod run;
mod split;
mod sub;
mod warm;

#[cfg(test)]
mod gen;
#[cfg(test)]
mod tests;

pub use metrics::polsby_popper;

/// How many grids to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// About `households ÷ target` grids (within what the bounds allow).
    Target(u32),
    /// As many grids as the bounds allow.
    Most,
    /// As few grids as the bounds allow.
    Fewest,
}

/// Parameters of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    /// Floor and ceiling of households per grid (default 300 and 600).
    pub min: u32,
    pub max: u32,
    pub mode: Mode,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min: 300,
            max: 600,
            mode: Mode::Target(450),
            seed: 1,
        }
    }
}

/// The current plan to stay close to, and what must not move.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarmStart {
    /// The grid label of each node in the current plan (`None` for a new building).
    pub assignment: Vec<Option<u32>>,
    /// Nodes that must keep their current label.
    pub pinned_nodes: Vec<bool>,
    /// Labels of grids that must keep exactly their current nodes.
    pub pinned_grids: Vec<u32>,
}

/// What could not be satisfied, said plainly.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issue {
    /// One building has more households than the ceiling: it is a grid of its own.
    OversizedBuilding {
        node: u32,
        households: u32,
        units: Option<u32>,
    },
    /// A part of the community cut off by barriers has fewer households than the floor:
    /// it is a grid of its own, below the floor.
    SmallComponent { nodes: Vec<u32>, households: u64 },
    /// A connected part whose households cannot be split into grids within the bounds.
    InfeasibleComponent { nodes: Vec<u32>, households: u64 },
    /// A grid outside the bounds in the result.
    OutOfBounds { grid: u32, households: u64 },
    /// A grid whose nodes are not connected in the result.
    NotContiguous { grid: u32 },
}

/// Per-grid figures of a solution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridStats {
    pub households: u64,
    pub nodes: u32,
    pub area_m2: f64,
    pub perimeter_m: f64,
    /// 4π·area ÷ perimeter² (1 for a circle).
    pub polsby_popper: f64,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// Grid label of every node; labels are `0..grids.len()`.
    pub assignment: Vec<u32>,
    pub grids: Vec<GridStats>,
    pub issues: Vec<Issue>,
    /// Households whose grid differs from the warm start (0 without one). A node's label is
    /// compared through the grid that holds most of its warm-start grid's households.
    pub households_moved: u64,
}

/// Figures of every grid of a given `assignment` (labels `0..grids`), measured exactly as
/// [`solve`] measures its own grids (area, perimeter less the boundary shared inside the
/// grid, Polsby–Popper). Used to re-measure grids after a planner's manual move.
pub fn grid_stats(graph: &Graph, assignment: &[u32], grids: usize) -> Vec<GridStats> {
    let eff = sub::effective_perimeters(graph);
    metrics::grid_stats(graph, &eff, assignment, grids)
}

/// Splits the graph into grids.
pub fn solve(graph: &Graph, params: &Params, warm: Option<&WarmStart>) -> Solution {
    run::run(graph, params, warm)
}
