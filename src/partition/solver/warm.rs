//! Warm start: reading the current plan, rebuilding it on a part, and counting the
//! households moved against it.
//!
//! Warm labels are renumbered densely in ascending order ("identities"). In a part, each
//! identity keeps its heaviest connected piece (or every piece holding a pinned node);
//! the other pieces and new nodes are orphans: an orphan piece with at least `min`
//! households becomes a grid of its own, the rest join an adjacent grid, layer by layer,
//! choosing the grid they share most boundary with.

use super::super::Graph;
use super::part::Part;
use super::sub::NONE;
use super::WarmStart;

/// The warm start, checked and indexed by node.
#[derive(Debug, Clone)]
pub(super) struct WarmData {
    /// Identity of each node (dense warm label) or NONE.
    pub id: Vec<u32>,
    /// Raw label of each identity.
    pub raw: Vec<u32>,
    /// Pinned nodes (with a warm label).
    pub fixed: Vec<bool>,
    /// Identities of pinned grids.
    pub pinned: Vec<bool>,
}

impl WarmData {
    pub fn new(graph: &Graph, w: &WarmStart) -> WarmData {
        let n = graph.len();
        let label = |v: usize| w.assignment.get(v).copied().flatten();
        let mut raw: Vec<u32> = (0..n).filter_map(label).collect();
        raw.sort_unstable();
        raw.dedup();
        let id: Vec<u32> = (0..n)
            .map(|v| label(v).map_or(NONE, |l| raw.binary_search(&l).map_or(NONE, |i| i as u32)))
            .collect();
        let fixed = (0..n)
            .map(|v| id[v] != NONE && w.pinned_nodes.get(v).copied().unwrap_or(false))
            .collect();
        let mut pinned = vec![false; raw.len()];
        for l in &w.pinned_grids {
            if let Ok(i) = raw.binary_search(l) {
                pinned[i] = true;
            }
        }
        WarmData {
            id,
            raw,
            fixed,
            pinned,
        }
    }

    /// Whether node `v` belongs to a pinned grid.
    pub fn in_pinned(&self, v: usize) -> bool {
        let i = self.id[v];
        i != NONE && self.pinned[i as usize]
    }
}

/// Households moved: for each warm label, the new grid holding most of its households
/// (ties: more nodes, then the lower label) is its match; a node moved when its new label
/// is not the match of its warm label. New nodes do not count.
pub(super) fn households_moved(graph: &Graph, w: &WarmStart, assignment: &[u32]) -> u64 {
    let n = graph.len();
    let label = |v: usize| w.assignment.get(v).copied().flatten();
    // (warm label, new label) → (households, nodes)
    let mut pairs: Vec<(u32, u32, u64)> = (0..n)
        .filter_map(|v| label(v).map(|l| (l, assignment[v], u64::from(graph.nodes[v].households))))
        .collect();
    pairs.sort_unstable_by_key(|p| (p.0, p.1));
    let mut matched: Vec<(u32, u32)> = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let l = pairs[i].0;
        let mut best: Option<(u64, u64, u32)> = None;
        while i < pairs.len() && pairs[i].0 == l {
            let g = pairs[i].1;
            let (mut hh, mut cnt) = (0u64, 0u64);
            while i < pairs.len() && pairs[i].0 == l && pairs[i].1 == g {
                hh += pairs[i].2;
                cnt += 1;
                i += 1;
            }
            // Strictly better only: ties keep the lower label (seen first).
            if best.is_none_or(|b| (hh, cnt) > (b.0, b.1)) {
                best = Some((hh, cnt, g));
            }
        }
        if let Some(b) = best {
            matched.push((l, b.2));
        }
    }
    (0..n)
        .filter_map(|v| {
            let l = label(v)?;
            let m = matched.binary_search_by_key(&l, |p| p.0).ok()?;
            (matched[m].1 != assignment[v]).then_some(u64::from(graph.nodes[v].households))
        })
        .sum()
}

/// Loads the warm assignment of a part (see the module notes). False when no node of the
/// part has a warm label (nothing to start from).
pub(super) fn init(part: &mut Part) -> bool {
    let g = part.g;
    let n = g.n();
    if part.warm.iter().all(|&w| w == NONE) {
        return false;
    }
    // Pieces of each identity.
    let mut piece = vec![NONE; n];
    // (identity, households, nodes, has pinned, first node)
    let mut info: Vec<(u32, u64, u32, bool, u32)> = Vec::new();
    let mut stack = Vec::new();
    for s in 0..n {
        let id = part.warm[s];
        if id == NONE || piece[s] != NONE {
            continue;
        }
        let p = info.len() as u32;
        let mut rec = (id, 0u64, 0u32, false, s as u32);
        piece[s] = p;
        stack.push(s as u32);
        while let Some(v) = stack.pop() {
            rec.1 += u64::from(g.h[v as usize]);
            rec.2 += 1;
            rec.3 |= part.fixed[v as usize];
            for &u in g.adj(v).0 {
                if part.warm[u as usize] == id && piece[u as usize] == NONE {
                    piece[u as usize] = p;
                    stack.push(u);
                }
            }
        }
        info.push(rec);
    }
    // Main pieces: those with a pinned node, else the heaviest.
    let mut order: Vec<u32> = (0..info.len() as u32).collect();
    order.sort_by(|&p, &q| {
        let (a, b) = (&info[p as usize], &info[q as usize]);
        a.0.cmp(&b.0)
            .then(b.3.cmp(&a.3))
            .then(b.1.cmp(&a.1))
            .then(b.2.cmp(&a.2))
            .then(a.4.cmp(&b.4))
    });
    let mut grid_of_piece = vec![NONE; info.len()];
    let mut idents: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let id = info[order[i] as usize].0;
        let gi = idents.len() as u32;
        idents.push(id);
        grid_of_piece[order[i] as usize] = gi;
        i += 1;
        while i < order.len() && info[order[i] as usize].0 == id {
            if info[order[i] as usize].3 {
                grid_of_piece[order[i] as usize] = gi;
            }
            i += 1;
        }
    }
    let mut lab: Vec<u32> = (0..n)
        .map(|v| {
            if piece[v] == NONE {
                NONE
            } else {
                grid_of_piece[piece[v] as usize]
            }
        })
        .collect();
    // Orphan pieces heavy enough to be grids of their own.
    let mut seen = vec![false; n];
    for s in 0..n {
        if lab[s] != NONE || seen[s] {
            continue;
        }
        let mut comp = vec![s as u32];
        seen[s] = true;
        let mut k = 0;
        let mut w = 0u64;
        while k < comp.len() {
            let v = comp[k];
            k += 1;
            w += u64::from(g.h[v as usize]);
            for &u in g.adj(v).0 {
                if lab[u as usize] == NONE && !seen[u as usize] {
                    seen[u as usize] = true;
                    comp.push(u);
                }
            }
        }
        if w >= part.cfg.min.max(1) {
            let gi = idents.len() as u32;
            idents.push(NONE);
            for v in comp {
                lab[v as usize] = gi;
            }
        }
    }
    // The rest joins adjacent grids, layer by layer.
    let mut rest: Vec<u32> = (0..n as u32).filter(|&v| lab[v as usize] == NONE).collect();
    while !rest.is_empty() {
        let mut layer: Vec<(u32, u32)> = Vec::new();
        let mut acc: Vec<(u32, f64)> = Vec::new();
        for &v in &rest {
            acc.clear();
            let (nb, ln) = g.adj(v);
            for (&u, &l) in nb.iter().zip(ln) {
                let b = lab[u as usize];
                if b == NONE {
                    continue;
                }
                match acc.iter_mut().find(|e| e.0 == b) {
                    Some(e) => e.1 += l,
                    None => acc.push((b, l)),
                }
            }
            let best = acc.iter().copied().reduce(|x, y| {
                if y.1 > x.1 || (y.1 == x.1 && y.0 < x.0) {
                    y
                } else {
                    x
                }
            });
            if let Some((b, _)) = best {
                layer.push((v, b));
            }
        }
        if layer.is_empty() {
            break;
        }
        for &(v, b) in &layer {
            lab[v as usize] = b;
        }
        rest.retain(|&v| lab[v as usize] == NONE);
    }
    // A part is connected, so nothing is left; should anything be, it is a grid of its own.
    if !rest.is_empty() {
        let gi = idents.len() as u32;
        idents.push(NONE);
        for v in rest {
            lab[v as usize] = gi;
        }
    }
    part.load(lab, &idents);
    true
}
