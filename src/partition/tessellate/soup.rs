//! Rings from a set of directed edges ("edge soup").
//!
//! Cells, pieces of cells and grids are all rebuilt the same way: every ring contributes its
//! directed edges between exactly-equal points, an edge cancels an opposite edge between
//! the same two points, and what is left is traced into rings with the interior on the
//! left (shells counter-clockwise, holes clockwise). Where a walk comes back to a point it
//! already visited, the loop is cut off as a ring of its own, so no ring touches itself.
//! This is exact: no tolerance, no intersection computed, which is why shared boundaries
//! must be built from bitwise-identical vertices.

use std::collections::HashMap;

use geo::{Coord, InteriorPoint, LineString, Polygon};

/// A ring vertex: its point, its payload, and the payload of the edge leaving it.
pub(super) type Vertex<T, S> = (Coord<f64>, T, S);

/// A traced ring and its signed area (positive: counter-clockwise shell).
pub(super) type Traced<T, S> = (Vec<Vertex<T, S>>, f64);

/// Directed edges between exactly-equal points, with a payload on vertices and edges.
pub(super) struct Soup<T, S> {
    pts: Vec<Coord<f64>>,
    tags: Vec<T>,
    ids: HashMap<(u64, u64), u32>,
    edges: Vec<(u32, u32, S)>,
    alive: Vec<bool>,
    index: HashMap<(u32, u32), Vec<u32>>,
}

/// The hash key of a point: its bits, with -0.0 folded into 0.0.
fn key(c: Coord<f64>) -> (u64, u64) {
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

impl<T: Copy, S: Copy> Soup<T, S> {
    /// An empty soup.
    pub(super) fn new() -> Self {
        Soup {
            pts: Vec::new(),
            tags: Vec::new(),
            ids: HashMap::new(),
            edges: Vec::new(),
            alive: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// The id of point `c` (the first payload given for a point is kept).
    pub(super) fn vertex(&mut self, c: Coord<f64>, tag: T) -> u32 {
        let next = self.pts.len() as u32;
        let id = *self.ids.entry(key(c)).or_insert(next);
        if id == next {
            self.pts.push(c);
            self.tags.push(tag);
        }
        id
    }

    /// Adds the directed edge `a → b`, or cancels an existing `b → a`. Zero-length edges
    /// are ignored.
    pub(super) fn edge(&mut self, a: u32, b: u32, payload: S) {
        if a == b {
            return;
        }
        if let Some(list) = self.index.get_mut(&(b, a)) {
            if let Some(k) = list.pop() {
                self.alive[k as usize] = false;
                return;
            }
        }
        let k = self.edges.len() as u32;
        self.edges.push((a, b, payload));
        self.alive.push(true);
        self.index.entry((a, b)).or_default().push(k);
    }

    /// Adds the edges of a closed ring (the last vertex connects to the first).
    pub(super) fn ring(&mut self, ring: &[Vertex<T, S>]) {
        let ids: Vec<u32> = ring.iter().map(|v| self.vertex(v.0, v.1)).collect();
        for (k, v) in ring.iter().enumerate() {
            self.edge(ids[k], ids[(k + 1) % ids.len()], v.2);
        }
    }

    /// Traces the remaining edges into rings, dropping rings whose absolute area is not
    /// above `min_area`. At a point with several outgoing edges the walk takes the first
    /// one clockwise from the edge it came in by, which keeps the faces apart.
    pub(super) fn rings(self, min_area: f64) -> Vec<Traced<T, S>> {
        const NONE: u32 = u32::MAX;
        let n = self.pts.len();
        let mut out: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (k, e) in self.edges.iter().enumerate() {
            if self.alive[k] {
                out[e.0 as usize].push(k as u32);
            }
        }
        let mut used = vec![false; self.edges.len()];
        let mut pos = vec![NONE; n];
        let mut path: Vec<u32> = Vec::new();
        let mut result = Vec::new();
        for start in 0..n {
            while let Some(&first) = out[start].iter().find(|&&k| !used[k as usize]) {
                used[first as usize] = true;
                path.clear();
                path.push(first);
                pos[start] = 0;
                loop {
                    let last = self.edges[*path.last().expect("walk not empty") as usize];
                    let cur = last.1 as usize;
                    if pos[cur] != NONE {
                        let ring: Vec<u32> = path.drain(pos[cur] as usize..).collect();
                        for &e in &ring {
                            pos[self.edges[e as usize].0 as usize] = NONE;
                        }
                        let ring: Vec<Vertex<T, S>> = ring
                            .iter()
                            .map(|&e| {
                                let (a, _, s) = self.edges[e as usize];
                                (self.pts[a as usize], self.tags[a as usize], s)
                            })
                            .collect();
                        let area = signed_area(ring.iter().map(|v| v.0));
                        if area.abs() > min_area {
                            result.push((ring, area));
                        }
                        if path.is_empty() {
                            break;
                        }
                        continue;
                    }
                    let Some(next) = self.pick(&out[cur], &used, last.0 as usize, cur) else {
                        // A dangling walk (cannot happen for closed input rings).
                        for &e in &path {
                            pos[self.edges[e as usize].0 as usize] = NONE;
                        }
                        path.clear();
                        break;
                    };
                    used[next as usize] = true;
                    pos[cur] = path.len() as u32;
                    path.push(next);
                }
            }
        }
        result
    }

    /// Among the unused edges in `cands` leaving `cur`, the first clockwise from the
    /// direction back to `prev`.
    fn pick(&self, cands: &[u32], used: &[bool], prev: usize, cur: usize) -> Option<u32> {
        let mut free = cands.iter().copied().filter(|&k| !used[k as usize]);
        let first = free.next()?;
        let Some(second) = free.next() else {
            return Some(first);
        };
        let c = self.pts[cur];
        let back = self.pts[prev] - c;
        let cw = |k: u32| {
            let d = self.pts[self.edges[k as usize].1 as usize] - c;
            let ccw = (back.x * d.y - back.y * d.x).atan2(back.x * d.x + back.y * d.y);
            let a = -ccw;
            if a <= 0.0 {
                a + std::f64::consts::TAU
            } else {
                a
            }
        };
        let mut best = (cw(first), first);
        for k in std::iter::once(second).chain(free) {
            let a = cw(k);
            if a < best.0 {
                best = (a, k);
            }
        }
        Some(best.1)
    }
}

/// Signed area of a ring given without its closing point (positive when counter-clockwise),
/// computed relative to its first point for precision.
pub(super) fn signed_area(ring: impl Iterator<Item = Coord<f64>> + Clone) -> f64 {
    let mut it = ring.clone();
    let Some(o) = it.next() else {
        return 0.0;
    };
    let mut sum = 0.0;
    let mut prev = Coord { x: 0.0, y: 0.0 };
    for c in ring.skip(1) {
        let d = c - o;
        sum += prev.x * d.y - prev.y * d.x;
        prev = d;
    }
    sum * 0.5
}

/// Whether `p` lies inside the ring `ring` (without its closing point), by crossing number.
pub(super) fn point_in_ring(ring: &[Coord<f64>], p: Coord<f64>) -> bool {
    let mut inside = false;
    let n = ring.len();
    for k in 0..n {
        let a = ring[k];
        let b = ring[(k + 1) % n];
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if p.x < x {
                inside = !inside;
            }
        }
    }
    inside
}

/// A closed `LineString` from a ring given without its closing point.
pub(super) fn closed(ring: &[Coord<f64>]) -> LineString<f64> {
    let mut coords = ring.to_vec();
    if let Some(&first) = ring.first() {
        coords.push(first);
    }
    LineString::new(coords)
}

/// Groups rings (with signed areas: shells > 0, holes < 0) into polygons: the index of
/// each shell and of its holes. A hole goes to the smallest shell containing a point
/// inside it; a hole inside no shell is dropped.
pub(super) fn group(rings: &[(Vec<Coord<f64>>, f64)]) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = rings
        .iter()
        .enumerate()
        .filter(|(_, r)| r.1 > 0.0)
        .map(|(k, _)| (k, Vec::new()))
        .collect();
    for (h, ring) in rings.iter().enumerate().filter(|(_, r)| r.1 < 0.0) {
        if out.len() == 1 {
            out[0].1.push(h);
            continue;
        }
        let Some(p) = Polygon::new(closed(&ring.0), Vec::new()).interior_point() else {
            continue;
        };
        let best = out
            .iter_mut()
            .filter(|(s, _)| point_in_ring(&rings[*s].0, p.0))
            .min_by(|a, b| rings[a.0].1.total_cmp(&rings[b.0].1));
        if let Some((_, holes)) = best {
            holes.push(h);
        }
    }
    out
}
