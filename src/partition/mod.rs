//! Balancing: splitting a community into contiguous, compact grids of 300–600 households.
//!
//! [`tessellate`] turns a community, its buildings and barrier lines into cells and an
//! adjacency [`Graph`]; [`solver`] assigns every node of the graph to a grid under hard
//! bounds and contiguity; [`tessellate::grid_boundaries`] unions the cells of each grid
//! into boundaries that tile the community. Pure: calls geo, spade and model only; the
//! plan use case (`crate::plan`) reads the store and writes the result.

pub mod graph;
pub mod solver;
pub mod tessellate;
pub mod units;

pub use graph::{Graph, Node};
