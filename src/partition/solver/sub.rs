//! One part of the graph that is solved on its own, with local indices and compact
//! (CSR) adjacency. Edges to nodes outside the part are dropped; the cell perimeters still
//! count them, since they become grid boundary.

use super::super::Graph;

/// "No value" for `u32` slots (labels, identities, indices).
pub(super) const NONE: u32 = u32::MAX;

/// A node set with local indices `0..n` and the data the solver reads.
#[derive(Debug, Clone)]
pub(super) struct Sub {
    /// Global id of each local node (ascending).
    pub glob: Vec<u32>,
    pub h: Vec<u32>,
    pub area: Vec<f64>,
    /// Effective perimeter: the cell perimeter, raised to the sum of its shared lengths when
    /// the input says less (so that a grid's perimeter is never negative).
    pub e: Vec<f64>,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    off: Vec<u32>,
    nbr: Vec<u32>,
    len: Vec<f64>,
    pub total_h: u64,
    pub total_area: f64,
}

/// Effective perimeter of every node of the graph (see [`Sub::e`]).
pub(super) fn effective_perimeters(graph: &Graph) -> Vec<f64> {
    graph
        .nodes
        .iter()
        .zip(&graph.adjacency)
        .map(|(node, adj)| {
            let shared: f64 = adj.iter().map(|&(_, l)| l).sum();
            let p = if node.perimeter_m.is_finite() {
                node.perimeter_m
            } else {
                0.0
            };
            p.max(shared)
        })
        .collect()
}

fn finite(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

impl Sub {
    /// The part made of `nodes` (global ids, ascending). `local` is a scratch array of
    /// `graph.len()` slots, all [`NONE`] on entry and on return.
    pub fn build(graph: &Graph, nodes: &[u32], eff: &[f64], local: &mut [u32]) -> Sub {
        for (i, &g) in nodes.iter().enumerate() {
            local[g as usize] = i as u32;
        }
        let n = nodes.len();
        let mut off = Vec::with_capacity(n + 1);
        let mut nbr = Vec::new();
        let mut len = Vec::new();
        off.push(0u32);
        for &g in nodes {
            for &(m, l) in &graph.adjacency[g as usize] {
                let lm = local[m as usize];
                if lm != NONE {
                    nbr.push(lm);
                    len.push(finite(l).max(0.0));
                }
            }
            off.push(nbr.len() as u32);
        }
        let mut sub = Sub {
            glob: nodes.to_vec(),
            h: Vec::with_capacity(n),
            area: Vec::with_capacity(n),
            e: Vec::with_capacity(n),
            x: Vec::with_capacity(n),
            y: Vec::with_capacity(n),
            off,
            nbr,
            len,
            total_h: 0,
            total_area: 0.0,
        };
        for &g in nodes {
            let node = &graph.nodes[g as usize];
            sub.h.push(node.households);
            sub.area.push(finite(node.area_m2).max(0.0));
            sub.e.push(eff[g as usize]);
            sub.x.push(finite(node.x));
            sub.y.push(finite(node.y));
            sub.total_h += u64::from(node.households);
        }
        sub.total_area = sub.area.iter().sum();
        for &g in nodes {
            local[g as usize] = NONE;
        }
        sub
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.glob.len()
    }

    /// Neighbours of `v` (inside the part) and the shared lengths.
    #[inline]
    pub fn adj(&self, v: u32) -> (&[u32], &[f64]) {
        let a = self.off[v as usize] as usize;
        let b = self.off[v as usize + 1] as usize;
        (&self.nbr[a..b], &self.len[a..b])
    }
}
