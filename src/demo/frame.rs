//! Local metric frame of the demo street: rectangles, piecewise-linear boundary curves,
//! and the equirectangular conversion of local metres to longitude/latitude.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};

/// Metres per degree of latitude.
const M_PER_DEG_LAT: f64 = 110_574.0;
/// Metres per degree of longitude at the equator.
const M_PER_DEG_LON: f64 = 111_320.0;

/// Converts local metres (x east, y north) to lon/lat around an origin.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    /// Longitude of local (0, 0).
    lon0: f64,
    /// Latitude of local (0, 0).
    lat0: f64,
    /// Metres per degree of longitude at `lat0`.
    kx: f64,
}

impl Frame {
    /// A frame whose local point (`cx`, `cy`) lies at (`lon`, `lat`).
    pub fn centred(lon: f64, lat: f64, cx: f64, cy: f64) -> Self {
        let kx = M_PER_DEG_LON * lat.to_radians().cos();
        Frame {
            lon0: lon - cx / kx,
            lat0: lat - cy / M_PER_DEG_LAT,
            kx,
        }
    }

    pub fn coord(&self, (x, y): (f64, f64)) -> Coord<f64> {
        Coord {
            x: self.lon0 + x / self.kx,
            y: self.lat0 + y / M_PER_DEG_LAT,
        }
    }

    pub fn point(&self, p: (f64, f64)) -> Point<f64> {
        Point(self.coord(p))
    }

    /// A polygon from an open ring (the closing point is added).
    pub fn polygon(&self, ring: &[(f64, f64)]) -> MultiPolygon<f64> {
        let coords: Vec<Coord<f64>> = ring.iter().map(|&p| self.coord(p)).collect();
        MultiPolygon(vec![Polygon::new(LineString(coords), vec![])])
    }

    pub fn line(&self, pts: &[(f64, f64)]) -> MultiLineString<f64> {
        MultiLineString(vec![LineString(
            pts.iter().map(|&p| self.coord(p)).collect(),
        )])
    }
}

/// An axis-aligned rectangle in local metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Rect { x0, y0, x1, y1 }
    }
    pub fn w(&self) -> f64 {
        self.x1 - self.x0
    }
    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }
    pub fn area(&self) -> f64 {
        self.w().max(0.0) * self.h().max(0.0)
    }
    pub fn centre(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
    /// Counter-clockwise open ring.
    pub fn ring(&self) -> Vec<(f64, f64)> {
        vec![
            (self.x0, self.y0),
            (self.x1, self.y0),
            (self.x1, self.y1),
            (self.x0, self.y1),
        ]
    }
    /// Splits off `size` metres along x, from the west end when `west`, leaving `gap`
    /// between the piece and the rest. Returns (piece, rest).
    pub fn split_x(&self, size: f64, west: bool, gap: f64) -> (Rect, Rect) {
        if west {
            (
                Rect::new(self.x0, self.y0, self.x0 + size, self.y1),
                Rect::new(self.x0 + size + gap, self.y0, self.x1, self.y1),
            )
        } else {
            (
                Rect::new(self.x1 - size, self.y0, self.x1, self.y1),
                Rect::new(self.x0, self.y0, self.x1 - size - gap, self.y1),
            )
        }
    }
    /// Like [`Rect::split_x`] along y, from the south end when `south`.
    pub fn split_y(&self, size: f64, south: bool, gap: f64) -> (Rect, Rect) {
        if south {
            (
                Rect::new(self.x0, self.y0, self.x1, self.y0 + size),
                Rect::new(self.x0, self.y0 + size + gap, self.x1, self.y1),
            )
        } else {
            (
                Rect::new(self.x0, self.y1 - size, self.x1, self.y1),
                Rect::new(self.x0, self.y0, self.x1, self.y1 - size - gap),
            )
        }
    }
}

/// A piecewise-linear curve y = f(x), given by vertices sorted by x.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Curve {
    pub pts: Vec<(f64, f64)>,
}

impl Curve {
    /// A horizontal line at `y` over [`x0`, `x1`].
    pub fn flat(x0: f64, x1: f64, y: f64) -> Self {
        Curve {
            pts: vec![(x0, y), (x1, y)],
        }
    }

    pub fn y_at(&self, x: f64) -> f64 {
        let pts = &self.pts;
        if x <= pts[0].0 {
            return pts[0].1;
        }
        for w in pts.windows(2) {
            let ((xa, ya), (xb, yb)) = (w[0], w[1]);
            if x <= xb {
                if x == xb {
                    return yb;
                }
                return ya + (yb - ya) * (x - xa) / (xb - xa);
            }
        }
        pts[pts.len() - 1].1
    }

    /// Vertices strictly between `xa` and `xb`.
    pub fn inner(&self, xa: f64, xb: f64) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.pts
            .iter()
            .copied()
            .filter(move |&(x, _)| x > xa && x < xb)
    }

    pub fn max_on(&self, xa: f64, xb: f64) -> f64 {
        self.inner(xa, xb)
            .map(|p| p.1)
            .fold(self.y_at(xa).max(self.y_at(xb)), f64::max)
    }

    pub fn min_on(&self, xa: f64, xb: f64) -> f64 {
        self.inner(xa, xb)
            .map(|p| p.1)
            .fold(self.y_at(xa).min(self.y_at(xb)), f64::min)
    }

    /// The part of the curve over [`xa`, `xb`], end points included.
    pub fn span(&self, xa: f64, xb: f64) -> Vec<(f64, f64)> {
        let mut out = vec![(xa, self.y_at(xa))];
        out.extend(self.inner(xa, xb));
        out.push((xb, self.y_at(xb)));
        out
    }
}

/// The counter-clockwise open ring of the cell between x = `xa`, x = `xb`, and the
/// curves `bottom` and `top`. Cells built from the same curves share their edges exactly.
pub(super) fn cell_ring(xa: f64, xb: f64, bottom: &Curve, top: &Curve) -> Vec<(f64, f64)> {
    let mut ring = bottom.span(xa, xb);
    let mut upper = top.span(xa, xb);
    upper.reverse();
    ring.extend(upper);
    ring
}

/// Moves `x` at least `min_gap` away from every value of `avoid`.
pub(super) fn nudge_away(mut x: f64, avoid: &[f64], min_gap: f64) -> f64 {
    for _ in 0..8 {
        match avoid.iter().find(|&&a| (a - x).abs() < min_gap) {
            Some(&a) => x = if x >= a { a + min_gap } else { a - min_gap },
            None => break,
        }
    }
    x
}

/// Rotates the rectangle of size `len` × `depth` centred at `c` by `angle` radians
/// (counter-clockwise) and returns its counter-clockwise corners.
pub(super) fn rotated_box(c: (f64, f64), len: f64, depth: f64, angle: f64) -> Vec<(f64, f64)> {
    let (s, co) = angle.sin_cos();
    [
        (-len / 2.0, -depth / 2.0),
        (len / 2.0, -depth / 2.0),
        (len / 2.0, depth / 2.0),
        (-len / 2.0, depth / 2.0),
    ]
    .iter()
    .map(|&(dx, dy)| (c.0 + dx * co - dy * s, c.1 + dx * s + dy * co))
    .collect()
}

/// The point at local offset (`dx`, `dy`) of a box centred at `c` rotated by `angle`.
pub(super) fn offset_rotated(c: (f64, f64), dx: f64, dy: f64, angle: f64) -> (f64, f64) {
    let (s, co) = angle.sin_cos();
    (c.0 + dx * co - dy * s, c.1 + dx * s + dy * co)
}
