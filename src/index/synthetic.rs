//! Deterministic synthetic grid tessellations for tests and benchmarks: an `n × n`
//! lattice of jittered quadrilaterals whose edges are subdivided and wiggled, so each
//! grid has about `4 × segments` vertices and neighbours share their edges exactly.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n × n` grids of about `cell_deg` degrees from `(lon0, lat0)`, each a valid polygon;
/// the grid at column `i`, row `j` is element `j * n + i`.
pub fn tessellation(
    n: usize,
    cell_deg: f64,
    segments: usize,
    lon0: f64,
    lat0: f64,
    seed: u64,
) -> Vec<MultiPolygon<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let segments = segments.max(1);
    // Lattice vertices, jittered inside the lattice (the outer border stays straight).
    let mut vertex = vec![Coord { x: 0.0, y: 0.0 }; (n + 1) * (n + 1)];
    for j in 0..=n {
        for i in 0..=n {
            let jitter = |rng: &mut ChaCha8Rng, at_border: bool| {
                if at_border {
                    0.0
                } else {
                    rng.gen_range(-0.25..0.25) * cell_deg
                }
            };
            let dx = jitter(&mut rng, i == 0 || i == n);
            let dy = jitter(&mut rng, j == 0 || j == n);
            vertex[j * (n + 1) + i] = Coord {
                x: lon0 + i as f64 * cell_deg + dx,
                y: lat0 + j as f64 * cell_deg + dy,
            };
        }
    }
    let v = |i: usize, j: usize| vertex[j * (n + 1) + i];
    // Interior points of every edge, generated once so both neighbours use them.
    let mut wiggle = |a: Coord<f64>, b: Coord<f64>, border: bool| -> Vec<Coord<f64>> {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt();
        (1..segments)
            .map(|k| {
                let t = k as f64 / segments as f64;
                let off = if border {
                    0.0
                } else {
                    rng.gen_range(-0.04..0.04) * cell_deg
                };
                Coord {
                    x: a.x + dx * t - dy / len * off,
                    y: a.y + dy * t + dx / len * off,
                }
            })
            .collect()
    };
    let mut horizontal = Vec::with_capacity(n * (n + 1));
    for j in 0..=n {
        for i in 0..n {
            horizontal.push(wiggle(v(i, j), v(i + 1, j), j == 0 || j == n));
        }
    }
    let mut vertical = Vec::with_capacity(n * (n + 1));
    for i in 0..=n {
        for j in 0..n {
            vertical.push(wiggle(v(i, j), v(i, j + 1), i == 0 || i == n));
        }
    }
    let mut out = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            let mut ring = vec![v(i, j)];
            ring.extend(&horizontal[j * n + i]);
            ring.push(v(i + 1, j));
            ring.extend(&vertical[(i + 1) * n + j]);
            ring.push(v(i + 1, j + 1));
            ring.extend(horizontal[(j + 1) * n + i].iter().rev());
            ring.push(v(i, j + 1));
            ring.extend(vertical[i * n + j].iter().rev());
            ring.push(v(i, j));
            out.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
        }
    }
    out
}
