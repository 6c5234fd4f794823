//! The street plan in local metres: rows of communities separated by main roads and a
//! river, each community tiled by grid cells along smaller streets. Every road and the
//! river lie on community or grid boundaries, so blocks never straddle them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::frame::{cell_ring, nudge_away, Curve, Rect};
use super::names::Names;

/// What a boundary line is, from the biggest road down to the river.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineClass {
    Primary,
    Secondary,
    Tertiary,
    Residential,
    River,
}

impl LineClass {
    /// The OSM-like class written to the barrier record.
    pub fn tag(self) -> &'static str {
        match self {
            LineClass::Primary => "primary",
            LineClass::Secondary => "secondary",
            LineClass::Tertiary => "tertiary",
            LineClass::Residential => "residential",
            LineClass::River => "river",
        }
    }

    /// Distance (m) from the line to the nearest building: half the road plus a
    /// pavement, or a green river bank.
    pub fn setback(self) -> f64 {
        match self {
            LineClass::Primary => 24.0,
            LineClass::Secondary => 18.0,
            LineClass::Tertiary => 11.0,
            LineClass::Residential => 9.0,
            LineClass::River => 38.0,
        }
    }

    /// Preference as an address road (higher is better); 0 for the river.
    pub fn address_rank(self) -> u8 {
        match self {
            LineClass::Primary => 4,
            LineClass::Secondary => 3,
            LineClass::Tertiary => 2,
            LineClass::Residential => 1,
            LineClass::River => 0,
        }
    }
}

/// A road or river centre line.
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub name: String,
    pub class: LineClass,
    pub pts: Vec<(f64, f64)>,
}

/// The line along one side of a cell.
#[derive(Debug, Clone, Copy)]
pub(super) struct Side {
    pub class: LineClass,
    pub line: usize,
}

/// Sides in the order south, east, north, west.
pub(super) const SOUTH: usize = 0;
pub(super) const EAST: usize = 1;
pub(super) const NORTH: usize = 2;
pub(super) const WEST: usize = 3;

/// A cell between two vertical lines and two curves: a community or a grid.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub xa: f64,
    pub xb: f64,
    pub bottom: Curve,
    pub top: Curve,
    pub sides: [Side; 4],
}

impl Cell {
    pub fn ring(&self) -> Vec<(f64, f64)> {
        cell_ring(self.xa, self.xb, &self.bottom, &self.top)
    }

    /// The rectangle left for buildings once every side's setback is kept free.
    pub fn inner(&self) -> Rect {
        Rect::new(
            self.xa + self.sides[WEST].class.setback(),
            self.bottom.max_on(self.xa, self.xb) + self.sides[SOUTH].class.setback(),
            self.xb - self.sides[EAST].class.setback(),
            self.top.min_on(self.xa, self.xb) - self.sides[NORTH].class.setback(),
        )
    }

    pub fn touches(&self, class: LineClass) -> bool {
        self.sides.iter().any(|s| s.class == class)
    }
}

/// A community and its grid cells.
#[derive(Debug, Clone)]
pub(super) struct CommunityCell {
    /// Name stem such as "桂花" (the region is "桂花社区").
    pub stem: String,
    pub cell: Cell,
    pub grids: Vec<Cell>,
}

/// Where a south–north main road meets an east–west one (or crosses the river).
#[derive(Debug, Clone, Copy)]
pub(super) struct Crossing {
    pub at: (f64, f64),
    pub vertical: usize,
    pub horizontal: usize,
    /// The vertical road crosses the river on a bridge here.
    pub bridge: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub width: f64,
    pub south: Curve,
    pub north: Curve,
    pub communities: Vec<CommunityCell>,
    pub lines: Vec<Line>,
    pub crossings: Vec<Crossing>,
}

impl Layout {
    pub fn street_ring(&self) -> Vec<(f64, f64)> {
        cell_ring(0.0, self.width, &self.south, &self.north)
    }

    /// Vertical extent (min y, max y) of the street.
    pub fn y_range(&self) -> (f64, f64) {
        (
            self.south.min_on(0.0, self.width),
            self.north.max_on(0.0, self.width),
        )
    }
}

/// Area of an open ring (shoelace).
pub(super) fn ring_area(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        .abs()
        / 2.0
}

/// How far main roads run on beyond the street.
const ROAD_RUN_ON: f64 = 160.0;
/// Smallest side of a grid cell (m).
const MIN_GRID_SIDE: f64 = 165.0;

pub(super) fn build(rng: &mut ChaCha8Rng, names: &mut Names) -> Layout {
    let rows: usize = if rng.gen_bool(0.5) { 2 } else { 3 };
    let cols: Vec<usize> = if rows == 2 {
        loop {
            let a = rng.gen_range(3..=5);
            let b = rng.gen_range(3..=5);
            if a + b <= 10 {
                break vec![a, b];
            }
        }
    } else {
        (0..3).map(|_| rng.gen_range(2..=3)).collect()
    };
    // Size the street for 44–54 grids of 40,000–48,000 m² (about 450 households each).
    let grid_area: f64 = rng.gen_range(40_000.0..48_000.0);
    let grid_count: f64 = rng.gen_range(44.0..54.0);
    let communities_n: usize = cols.iter().sum();
    let community_area = grid_area * grid_count / communities_n as f64;
    let community_w = (community_area * rng.gen_range(0.75..1.1)).sqrt();
    let community_h = community_area / community_w;
    let width = (community_w * communities_n as f64 / rows as f64).round();
    let heights: Vec<f64> = (0..rows)
        .map(|_| (community_h * rng.gen_range(0.92..1.08)).round())
        .collect();
    let river_at = if rows == 2 { 1 } else { rng.gen_range(1..rows) };

    // Curves H_0 .. H_rows from south to north.
    let mut curves = Vec::with_capacity(rows + 1);
    let mut base = 0.0;
    for j in 0..=rows {
        if j > 0 {
            base += heights[j - 1];
        }
        let curve = if j == river_at {
            let n = (width / 230.0).ceil() as usize;
            let mut off: f64 = rng.gen_range(-20.0..20.0);
            Curve {
                pts: (0..=n)
                    .map(|i| {
                        off = (off + rng.gen_range(-28.0..28.0)).clamp(-45.0, 45.0);
                        (width * i as f64 / n as f64, base + off)
                    })
                    .collect(),
            }
        } else {
            let mid = width * rng.gen_range(0.3..0.7);
            Curve {
                pts: vec![
                    (0.0, base + rng.gen_range(-12.0..12.0)),
                    (mid, base + rng.gen_range(-12.0..12.0)),
                    (width, base + rng.gen_range(-12.0..12.0)),
                ],
            }
        };
        curves.push(curve);
    }
    let mut lines: Vec<Line> = Vec::new();

    // East–west lines along the curves.
    let river_name = names.river(rng);
    let mut curve_line = Vec::with_capacity(rows + 1);
    for (j, curve) in curves.iter().enumerate() {
        let (class, name, run_on) = if j == river_at {
            (LineClass::River, river_name.clone(), 450.0)
        } else if j == 0 || j == rows {
            (LineClass::Primary, names.main_road(false), ROAD_RUN_ON)
        } else {
            (LineClass::Secondary, names.main_road(false), ROAD_RUN_ON)
        };
        let mut pts = Vec::with_capacity(curve.pts.len() + 2);
        let first = curve.pts[0];
        let last = curve.pts[curve.pts.len() - 1];
        if class == LineClass::River {
            // The river comes from the west and leaves to the east with a bend each side.
            pts.push((-run_on, first.1 + rng.gen_range(-60.0..60.0)));
            pts.push((-run_on / 2.0, first.1 + rng.gen_range(-25.0..25.0)));
        } else {
            pts.push((-run_on, first.1));
        }
        pts.extend(curve.pts.iter().copied());
        if class == LineClass::River {
            pts.push((width + run_on / 2.0, last.1 + rng.gen_range(-25.0..25.0)));
            pts.push((width + run_on, last.1 + rng.gen_range(-60.0..60.0)));
        } else {
            pts.push((width + run_on, last.1));
        }
        curve_line.push(lines.len());
        lines.push(Line { name, class, pts });
    }

    // South–north roads crossing the whole street: the two edges and one avenue.
    let all_curve_x: Vec<f64> = curves
        .iter()
        .flat_map(|c| c.pts.iter().map(|p| p.0))
        .collect();
    let avenue_x = nudge_away((width * rng.gen_range(0.4..0.6)).round(), &all_curve_x, 3.0);
    let mut crossings = Vec::new();
    let mut through = Vec::new();
    for (x, avenue) in [(0.0, false), (avenue_x, true), (width, false)] {
        let idx = lines.len();
        lines.push(Line {
            name: names.main_road(avenue),
            class: LineClass::Primary,
            pts: vec![
                (x, curves[0].y_at(x) - ROAD_RUN_ON),
                (x, curves[rows].y_at(x) + ROAD_RUN_ON),
            ],
        });
        for (j, curve) in curves.iter().enumerate() {
            crossings.push(Crossing {
                at: (x, curve.y_at(x)),
                vertical: idx,
                horizontal: curve_line[j],
                bridge: j == river_at,
            });
        }
        through.push((x, idx));
    }

    // Communities, row by row.
    let mut communities = Vec::new();
    for r in 0..rows {
        let (bottom, top) = (&curves[r], &curves[r + 1]);
        let avoid: Vec<f64> = bottom.pts.iter().chain(&top.pts).map(|p| p.0).collect();
        let n = cols[r];
        let n_left = ((n as f64 * avenue_x / width).round() as usize).clamp(1, n - 1);
        let mut breaks: Vec<(f64, usize)> = vec![through[0]];
        for (a, b, k, end) in [
            (0.0, avenue_x, n_left, through[1]),
            (avenue_x, width, n - n_left, through[2]),
        ] {
            let weights: Vec<f64> = (0..k).map(|_| rng.gen_range(0.82..1.18)).collect();
            let total: f64 = weights.iter().sum();
            let mut acc = 0.0;
            for w in &weights[..k - 1] {
                acc += w;
                let x = nudge_away((a + (b - a) * acc / total).round(), &avoid, 3.0);
                let idx = lines.len();
                lines.push(Line {
                    name: names.main_road(false),
                    class: LineClass::Secondary,
                    pts: vec![(x, bottom.y_at(x)), (x, top.y_at(x))],
                });
                for j in [r, r + 1] {
                    if j != river_at {
                        crossings.push(Crossing {
                            at: (x, curves[j].y_at(x)),
                            vertical: idx,
                            horizontal: curve_line[j],
                            bridge: false,
                        });
                    }
                }
                breaks.push((x, idx));
            }
            breaks.push(end);
        }
        for w in breaks.windows(2) {
            let ((xa, wl), (xb, el)) = (w[0], w[1]);
            let side = |line: usize| Side {
                class: lines[line].class,
                line,
            };
            let cell = Cell {
                xa,
                xb,
                bottom: bottom.clone(),
                top: top.clone(),
                sides: [
                    side(curve_line[r]),
                    side(el),
                    side(curve_line[r + 1]),
                    side(wl),
                ],
            };
            let stem = names.community(communities.len());
            let grids = split_grids(rng, names, &mut lines, &cell, grid_area);
            communities.push(CommunityCell { stem, cell, grids });
        }
    }
    Layout {
        width,
        south: curves[0].clone(),
        north: curves[rows].clone(),
        communities,
        lines,
        crossings,
    }
}

/// Splits a community into grid cells of about `grid_area` m² along new small streets.
fn split_grids(
    rng: &mut ChaCha8Rng,
    names: &mut Names,
    lines: &mut Vec<Line>,
    community: &Cell,
    grid_area: f64,
) -> Vec<Cell> {
    let (xa, xb) = (community.xa, community.xb);
    let y_lo = community.bottom.max_on(xa, xb);
    let y_hi = community.top.min_on(xa, xb);
    let (w, h) = (xb - xa, y_hi - y_lo);
    let area = ring_area(&community.ring());
    let mut k = ((area / grid_area).round() as usize).max(2);
    // Choose sub-rows s and columns per sub-row giving the squarest cells.
    let (rows, per_row) = loop {
        let mut best: Option<(f64, usize)> = None;
        for s in 1..=3usize {
            if s > k {
                break;
            }
            let m = k.div_ceil(s);
            let (cw, ch) = (w / m as f64, h / s as f64);
            if cw.min(ch) < MIN_GRID_SIDE {
                continue;
            }
            let score = (cw / ch).ln().abs();
            if best.is_none_or(|(b, _)| score < b) {
                best = Some((score, s));
            }
        }
        if let Some((_, s)) = best {
            let per_row: Vec<usize> = (0..s).map(|i| k / s + usize::from(i < k % s)).collect();
            break (s, per_row);
        }
        if k == 1 {
            break (1, vec![1]);
        }
        k -= 1;
    };

    // Sub-row boundaries: the community curves, then flat cut streets between them.
    let mut bounds = vec![community.bottom.clone()];
    let mut bound_sides = vec![community.sides[SOUTH]];
    for i in 1..rows {
        let y = (y_lo + h * (i as f64 / rows as f64 + rng.gen_range(-0.05..0.05))).round();
        let idx = lines.len();
        lines.push(Line {
            name: names.small_street(false),
            class: LineClass::Tertiary,
            pts: vec![(xa, y), (xb, y)],
        });
        bounds.push(Curve::flat(xa, xb, y));
        bound_sides.push(Side {
            class: LineClass::Tertiary,
            line: idx,
        });
    }
    bounds.push(community.top.clone());
    bound_sides.push(community.sides[NORTH]);

    let mut grids = Vec::new();
    for (i, &m) in per_row.iter().enumerate() {
        let (bottom, top) = (&bounds[i], &bounds[i + 1]);
        let avoid: Vec<f64> = bottom.pts.iter().chain(&top.pts).map(|p| p.0).collect();
        let mut xs = vec![(xa, community.sides[WEST])];
        for j in 1..m {
            let x = (xa + w * (j as f64 / m as f64 + rng.gen_range(-0.06..0.06))).round();
            let x = nudge_away(x, &avoid, 3.0);
            let idx = lines.len();
            lines.push(Line {
                name: names.small_street(rng.gen_bool(0.5)),
                class: LineClass::Tertiary,
                pts: vec![(x, bottom.y_at(x)), (x, top.y_at(x))],
            });
            xs.push((
                x,
                Side {
                    class: LineClass::Tertiary,
                    line: idx,
                },
            ));
        }
        xs.push((xb, community.sides[EAST]));
        for pair in xs.windows(2) {
            let ((gxa, west), (gxb, east)) = (pair[0], pair[1]);
            grids.push(Cell {
                xa: gxa,
                xb: gxb,
                bottom: bottom.clone(),
                top: top.clone(),
                sides: [bound_sides[i], east, bound_sides[i + 1], west],
            });
        }
    }
    grids
}
