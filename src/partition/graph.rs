//! The adjacency graph of a community: one node per building (its cell), an edge between
//! cells that share boundary and are not separated by a hard barrier.

use serde::Serialize;

/// One building's cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Households of the building.
    pub households: u32,
    /// Units (单元) of the building, when known (a building above the ceiling could be
    /// split by unit).
    pub units: Option<u32>,
    /// Area of the cell, m².
    pub area_m2: f64,
    /// Perimeter of the cell, m (shared and outer boundary).
    pub perimeter_m: f64,
    /// Centroid of the cell in local metres (the tessellation's local plane).
    pub x: f64,
    pub y: f64,
}

/// Nodes and symmetric weighted adjacency.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// For each node, its neighbours and the length of boundary they share (m), sorted by
    /// neighbour, each edge listed from both ends with the same length.
    pub adjacency: Vec<Vec<(u32, f64)>>,
}

impl Graph {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when there is no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Connected components, each a sorted list of nodes, ordered by their first node.
    pub fn components(&self) -> Vec<Vec<u32>> {
        let mut seen = vec![false; self.len()];
        let mut out = Vec::new();
        for start in 0..self.len() {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![start as u32];
            let mut comp = Vec::new();
            while let Some(n) = stack.pop() {
                comp.push(n);
                for &(m, _) in &self.adjacency[n as usize] {
                    if !seen[m as usize] {
                        seen[m as usize] = true;
                        stack.push(m);
                    }
                }
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out
    }

    /// Checks the invariants (symmetry, sorted lists, no self-loops, finite lengths).
    pub fn check(&self) -> Result<(), String> {
        if self.adjacency.len() != self.nodes.len() {
            return Err(format!(
                "{} adjacency lists for {} nodes",
                self.adjacency.len(),
                self.nodes.len()
            ));
        }
        for (i, list) in self.adjacency.iter().enumerate() {
            for w in list.windows(2) {
                if w[0].0 >= w[1].0 {
                    return Err(format!("node {i}: neighbours not sorted and unique"));
                }
            }
            for &(j, len) in list {
                if j as usize == i || j as usize >= self.len() || !len.is_finite() || len < 0.0 {
                    return Err(format!("node {i}: bad edge to {j} ({len})"));
                }
                let back = self.adjacency[j as usize].binary_search_by_key(&(i as u32), |e| e.0);
                match back {
                    Ok(k)
                        if (self.adjacency[j as usize][k].1 - len).abs() <= 1e-9 * len.max(1.0) => {
                    }
                    _ => return Err(format!("edge {i}-{j} is not symmetric")),
                }
            }
        }
        Ok(())
    }
}
