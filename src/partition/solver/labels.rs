//! Labels of the result: grids claim warm-start identities, every identity goes to its
//! strongest claimant, and a grid keeps its warm label when that label is in range.

use super::super::Graph;
use super::sub::NONE;
use super::warm::WarmData;

/// A grid of the result before labelling: its nodes and the warm identity it claims.
pub(super) struct Out {
    pub nodes: Vec<u32>,
    pub claim: u32,
    /// Holds pinned nodes (or is a pinned grid): keeps its claim whatever else claims it.
    pub strong: bool,
}

/// The warm identity most of `nodes`' households had (ties: more nodes, lower identity).
pub(super) fn main_claim(graph: &Graph, wd: Option<&WarmData>, nodes: &[u32]) -> (u32, bool) {
    let Some(wd) = wd else { return (NONE, false) };
    let mut ids: Vec<(u32, u64)> = nodes
        .iter()
        .filter(|&&v| wd.id[v as usize] != NONE)
        .map(|&v| {
            (
                wd.id[v as usize],
                u64::from(graph.nodes[v as usize].households),
            )
        })
        .collect();
    ids.sort_unstable();
    let mut best: Option<(u64, usize, u32)> = None;
    let mut i = 0;
    while i < ids.len() {
        let id = ids[i].0;
        let (mut w, mut c) = (0, 0);
        while i < ids.len() && ids[i].0 == id {
            w += ids[i].1;
            c += 1;
            i += 1;
        }
        if best.is_none_or(|b| (w, c) > (b.0, b.1)) {
            best = Some((w, c, id));
        }
    }
    let strong = nodes.iter().any(|&v| wd.fixed[v as usize]);
    (best.map_or(NONE, |b| b.2), strong)
}

/// Labels: every claimed identity goes to its strongest claimant (pinned claimants all
/// share it); labels follow the identities, then unclaimed grids by first node.
pub(super) fn labels(graph: &Graph, wd: Option<&WarmData>, out: &[Out]) -> Vec<u32> {
    let n = graph.len();
    // Winner(s) per identity.
    let mut by_claim: Vec<(u32, usize)> = out
        .iter()
        .enumerate()
        .filter(|(_, o)| o.claim != NONE)
        .map(|(i, o)| (o.claim, i))
        .collect();
    by_claim.sort_unstable();
    let mut keep = vec![false; out.len()];
    let mut i = 0;
    while i < by_claim.len() {
        let c = by_claim[i].0;
        let j0 = i;
        while i < by_claim.len() && by_claim[i].0 == c {
            i += 1;
        }
        let group = &by_claim[j0..i];
        if group.iter().any(|&(_, o)| out[o].strong) {
            for &(_, o) in group {
                keep[o] = out[o].strong;
            }
            continue;
        }
        let matched = |o: usize| -> (u64, usize) {
            let Some(wd) = wd else { return (0, 0) };
            let mut w = 0;
            let mut cnt = 0;
            for &v in &out[o].nodes {
                if wd.id[v as usize] == c {
                    w += u64::from(graph.nodes[v as usize].households);
                    cnt += 1;
                }
            }
            (w, cnt)
        };
        let mut best: Option<((u64, usize), u32, usize)> = None;
        for &(_, o) in group {
            let key = (matched(o), out[o].nodes[0]);
            if best.is_none_or(|b| key.0 > b.0 || (key.0 == b.0 && key.1 < b.1)) {
                best = Some((key.0, key.1, o));
            }
        }
        if let Some(b) = best {
            keep[b.2] = true;
        }
    }
    // Groups: the winners of one identity share a label; every other grid is its own.
    let mut keys: Vec<((u8, u32), usize)> = out
        .iter()
        .enumerate()
        .map(|(o, g)| {
            if keep[o] {
                ((0, g.claim), o)
            } else {
                ((1, g.nodes[0]), o)
            }
        })
        .collect();
    keys.sort_unstable();
    let mut groups: Vec<((u8, u32), Vec<usize>)> = Vec::new();
    for (key, o) in keys {
        match groups.last_mut() {
            Some(g) if key.0 == 0 && g.0 == key => g.1.push(o),
            _ => groups.push((key, vec![o])),
        }
    }
    // A group keeps its warm label when that label is in range; the others fill the free
    // labels in order.
    let k = groups.len();
    let mut label_of = vec![u32::MAX; k];
    let mut taken = vec![false; k];
    if let Some(wd) = wd {
        for (i, (key, _)) in groups.iter().enumerate() {
            if key.0 == 0 {
                let want = wd.raw[key.1 as usize] as usize;
                if want < k && !taken[want] {
                    taken[want] = true;
                    label_of[i] = want as u32;
                }
            }
        }
    }
    let mut free = (0..k).filter(|&l| !taken[l]);
    for l in label_of.iter_mut() {
        if *l == u32::MAX {
            *l = free.next().expect("a free label per group") as u32;
        }
    }
    let mut assignment = vec![0u32; n];
    for (i, (_, members)) in groups.iter().enumerate() {
        for &o in members {
            for &v in &out[o].nodes {
                assignment[v as usize] = label_of[i];
            }
        }
    }
    assignment
}
