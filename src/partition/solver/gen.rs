//! Deterministic random instances for the solver's tests: jittered lattices (4 or 8
//! neighbours, or random diagonals) and Voronoi tessellations of random points (cells
//! clipped from the bounding box by the bisectors of their nearest points, so areas,
//! perimeters and shared lengths are consistent), optionally with a lake cut out, a river
//! with a few bridges, or an island cut off entirely.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::{Graph, Node};

/// Households per building.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    /// Share of cells without households (schools, shops, green).
    pub zero: f64,
    /// Share of small houses (1–10 households); the rest are towers.
    pub small: f64,
    /// Towers: households between these.
    pub tower: (u32, u32),
    /// Share of buildings above the ceiling (700–1,200 households).
    pub oversized: f64,
}

impl Mix {
    /// Mixed city: some shops, many houses, a third towers.
    pub const CITY: Mix = Mix {
        zero: 0.15,
        small: 0.5,
        tower: (40, 300),
        oversized: 0.0,
    };
    /// Estates of towers.
    pub const TOWERS: Mix = Mix {
        zero: 0.1,
        small: 0.1,
        tower: (40, 300),
        oversized: 0.0,
    };
    /// Villages: houses only.
    pub const VILLAGE: Mix = Mix {
        zero: 0.1,
        small: 0.9,
        tower: (20, 40),
        oversized: 0.0,
    };

    pub fn draw(&self, rng: &mut ChaCha8Rng) -> u32 {
        let r: f64 = rng.gen();
        if r < self.oversized {
            rng.gen_range(700..=1200)
        } else if r < self.oversized + self.zero {
            0
        } else if r < self.oversized + self.zero + self.small {
            rng.gen_range(1..=10)
        } else {
            rng.gen_range(self.tower.0..=self.tower.1)
        }
    }
}

fn node(households: u32, area: f64, perimeter: f64, x: f64, y: f64) -> Node {
    Node {
        households,
        units: Some(households.div_ceil(60).max(1)),
        area_m2: area,
        perimeter_m: perimeter,
        x,
        y,
    }
}

fn add_edge(adj: &mut [Vec<(u32, f64)>], a: usize, b: usize, l: f64) {
    adj[a].push((b as u32, l));
    adj[b].push((a as u32, l));
}

fn finish(nodes: Vec<Node>, mut adj: Vec<Vec<(u32, f64)>>) -> Graph {
    for list in &mut adj {
        list.sort_by_key(|p| p.0);
        list.dedup_by(|p, q| p.0 == q.0);
    }
    let g = Graph {
        nodes,
        adjacency: adj,
    };
    g.check().expect("generated graph");
    g
}

/// An `nx × ny` lattice of 20 m cells with jittered centroids and sizes. `diag`: chance of
/// each diagonal contact (1.0 gives 8 neighbours, 0.0 gives 4).
pub fn lattice(rng: &mut ChaCha8Rng, nx: usize, ny: usize, diag: f64, mix: Mix) -> Graph {
    let s = 20.0;
    let n = nx * ny;
    let id = |i: usize, j: usize| j * nx + i;
    let mut adj: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    let mut perim = vec![0.0; n];
    for j in 0..ny {
        for i in 0..nx {
            let v = id(i, j);
            for (di, dj) in [(1usize, 0usize), (0, 1)] {
                let (a, b) = (i + di, j + dj);
                if a < nx && b < ny {
                    let l = s * rng.gen_range(0.8..1.2);
                    add_edge(&mut adj, v, id(a, b), l);
                    perim[v] += l;
                    perim[id(a, b)] += l;
                }
            }
            let missing = [i == 0, i + 1 == nx, j == 0, j + 1 == ny]
                .iter()
                .filter(|&&m| m)
                .count();
            perim[v] += s * missing as f64;
            if i + 1 < nx && j + 1 < ny {
                // One of the two diagonals of the square of four cells may touch.
                if rng.gen::<f64>() < diag {
                    let l = s * 0.05;
                    if rng.gen::<bool>() {
                        add_edge(&mut adj, v, id(i + 1, j + 1), l);
                        perim[v] += l;
                        perim[id(i + 1, j + 1)] += l;
                    } else {
                        add_edge(&mut adj, id(i + 1, j), id(i, j + 1), l);
                        perim[id(i + 1, j)] += l;
                        perim[id(i, j + 1)] += l;
                    }
                }
            }
        }
    }
    let nodes = (0..n)
        .map(|v| {
            let (i, j) = (v % nx, v / nx);
            let x = (i as f64 + 0.5 + rng.gen_range(-0.2..0.2)) * s;
            let y = (j as f64 + 0.5 + rng.gen_range(-0.2..0.2)) * s;
            node(
                mix.draw(rng),
                s * s * rng.gen_range(0.9..1.1),
                perim[v],
                x,
                y,
            )
        })
        .collect();
    finish(nodes, adj)
}

/// Options of a Voronoi instance.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Remove the cells in a round lake in the middle (non-convex community).
    pub lake: bool,
    /// Cut the edges crossing a vertical river, except three bridges.
    pub river: bool,
    /// Cut off a small island (a few cells) in a corner: a separate component.
    pub island: bool,
}

type Poly = Vec<(f64, f64, u32)>;

/// Clips `poly` to `a·x + b·y ≤ c`, labelling the new edge `lab`.
fn clip(poly: &Poly, a: f64, b: f64, c: f64, lab: u32) -> Poly {
    let mut out = Vec::with_capacity(poly.len() + 2);
    let f = |p: &(f64, f64, u32)| a * p.0 + b * p.1 - c;
    for i in 0..poly.len() {
        let p = poly[i];
        let q = poly[(i + 1) % poly.len()];
        let (fp, fq) = (f(&p), f(&q));
        let cross = |t: f64| (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1));
        if fp <= 0.0 {
            out.push(p);
            if fq > 0.0 {
                let (x, y) = cross(fp / (fp - fq));
                out.push((x, y, lab));
            }
        } else if fq <= 0.0 {
            let (x, y) = cross(fp / (fp - fq));
            out.push((x, y, p.2));
        }
    }
    out
}

/// Voronoi cells of `n` random points (about 20 m apart).
pub fn voronoi(rng: &mut ChaCha8Rng, n: usize, shape: Shape, mix: Mix) -> Graph {
    let spacing = 20.0;
    let side = (n as f64).sqrt() * spacing;
    let (w, h) = (side * 1.3, side / 1.3);
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.gen_range(0.0..w), rng.gen_range(0.0..h)))
        .collect();
    // Buckets for the nearest points.
    let bs = 2.0 * spacing;
    let (bx, by) = ((w / bs).ceil() as usize + 1, (h / bs).ceil() as usize + 1);
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); bx * by];
    for (i, p) in pts.iter().enumerate() {
        buckets[(p.1 / bs) as usize * bx + (p.0 / bs) as usize].push(i as u32);
    }
    let none = u32::MAX;
    let mut cells: Vec<Poly> = Vec::with_capacity(n);
    for (i, p) in pts.iter().enumerate() {
        let (cx, cy) = ((p.0 / bs) as i64, (p.1 / bs) as i64);
        let mut near: Vec<(f64, u32)> = Vec::new();
        for dy in -2..=2i64 {
            for dx in -2..=2i64 {
                let (x, y) = (cx + dx, cy + dy);
                if x < 0 || y < 0 || x as usize >= bx || y as usize >= by {
                    continue;
                }
                for &j in &buckets[y as usize * bx + x as usize] {
                    if j as usize != i {
                        let q = pts[j as usize];
                        near.push(((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2), j));
                    }
                }
            }
        }
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        near.truncate(20);
        let mut poly: Poly = vec![
            (0.0, 0.0, none),
            (w, 0.0, none),
            (w, h, none),
            (0.0, h, none),
        ];
        for &(_, j) in &near {
            let q = pts[j as usize];
            let (a, b) = (q.0 - p.0, q.1 - p.1);
            let c = (q.0 * q.0 + q.1 * q.1 - p.0 * p.0 - p.1 * p.1) / 2.0;
            poly = clip(&poly, a, b, c, j);
        }
        cells.push(poly);
    }
    let mut area = vec![0.0; n];
    let mut perim = vec![0.0; n];
    let mut shared: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for (i, poly) in cells.iter().enumerate() {
        for k in 0..poly.len() {
            let p = poly[k];
            let q = poly[(k + 1) % poly.len()];
            area[i] += p.0 * q.1 - q.0 * p.1;
            let l = ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt();
            perim[i] += l;
            if p.2 != none && l > 1e-9 {
                match shared[i].iter_mut().find(|e| e.0 == p.2) {
                    Some(e) => e.1 += l,
                    None => shared[i].push((p.2, l)),
                }
            }
        }
        area[i] = area[i].abs() / 2.0;
    }
    // Which cells stay.
    let (lx, ly, lr) = (w / 2.0, h / 2.0, h / 4.0);
    let keep: Vec<bool> = pts
        .iter()
        .map(|p| !shape.lake || (p.0 - lx).powi(2) + (p.1 - ly).powi(2) > lr * lr)
        .collect();
    let river_x = w * 0.3;
    let bridges = [h * 0.2, h * 0.55, h * 0.85];
    let island = |p: &(f64, f64)| p.0 > w - 2.5 * spacing && p.1 > h - 2.5 * spacing;
    let cut = |a: &(f64, f64), b: &(f64, f64)| -> bool {
        if shape.river && (a.0 - river_x) * (b.0 - river_x) < 0.0 {
            let ym = (a.1 + b.1) / 2.0;
            if !bridges.iter().any(|&y| (ym - y).abs() < spacing * 0.75) {
                return true;
            }
        }
        shape.island && island(a) != island(b)
    };
    let mut index = vec![none; n];
    let mut nodes = Vec::new();
    for i in 0..n {
        if keep[i] {
            index[i] = nodes.len() as u32;
            nodes.push(node(mix.draw(rng), area[i], perim[i], pts[i].0, pts[i].1));
        }
    }
    let mut adj: Vec<Vec<(u32, f64)>> = vec![Vec::new(); nodes.len()];
    for i in 0..n {
        for &(j, l) in &shared[i] {
            let j = j as usize;
            if j <= i || !keep[i] || !keep[j] || cut(&pts[i], &pts[j]) {
                continue;
            }
            let back = shared[j]
                .iter()
                .find(|e| e.0 as usize == i)
                .map_or(l, |e| e.1);
            add_edge(
                &mut adj,
                index[i] as usize,
                index[j] as usize,
                (l + back) / 2.0,
            );
        }
    }
    // Edges seen from one side only (truncated neighbour lists).
    for i in 0..n {
        for &(j, l) in &shared[i] {
            let j = j as usize;
            if j < i
                && keep[i]
                && keep[j]
                && !cut(&pts[i], &pts[j])
                && !shared[j].iter().any(|e| e.0 as usize == i)
            {
                add_edge(&mut adj, index[i] as usize, index[j] as usize, l);
            }
        }
    }
    // Perimeters must cover the shared lengths after averaging.
    for (v, list) in adj.iter().enumerate() {
        let s: f64 = list.iter().map(|e| e.1).sum();
        if nodes[v].perimeter_m < s {
            nodes[v].perimeter_m = s;
        }
    }
    finish(nodes, adj)
}

/// Households of `share` of the nodes drawn again (at least one node).
pub fn edit(rng: &mut ChaCha8Rng, graph: &Graph, share: f64, mix: Mix) -> (Graph, Vec<usize>) {
    let mut g = graph.clone();
    let n = g.len();
    let count = ((n as f64 * share).round() as usize).max(1);
    let mut picked = Vec::new();
    while picked.len() < count {
        let v = rng.gen_range(0..n);
        if !picked.contains(&v) {
            picked.push(v);
        }
    }
    for &v in &picked {
        g.nodes[v].households = mix.draw(rng);
    }
    (g, picked)
}
