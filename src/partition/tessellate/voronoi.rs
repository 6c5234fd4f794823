//! Voronoi cells of the seeds, clipped to the community, with vertices shared bitwise.
//!
//! The Delaunay triangulation (spade) gives each seed its Voronoi neighbours; the cell of
//! seed `i` is the intersection of the half-planes "closer to `i` than to `k`" over its
//! neighbours `k`. A region (a set of rings) is cut by one half-plane at a time
//! (Sutherland–Hodgman per ring, then an [edge soup](super::soup) pass that cancels the
//! bridges along the cutting line and splits the result into rings).
//!
//! Every vertex carries its provenance ([`Tag`]) and every edge its support ([`Sup`]), and
//! new vertices are computed from those only: the crossing of community edge `e` with the
//! bisector of `lo < hi` from the original edge and the canonical bisector, a Voronoi
//! vertex as the circumcentre of the sorted seed triple. Side tests of a vertex lying on a
//! bisector of `a, b` use the smaller of the two as its representative. So two cells that
//! share a boundary compute exactly the same points and decisions, and the cells tile the
//! community with shared, bitwise-identical vertices (no slivers, no overlaps).
//!
//! A cell whose unclipped Voronoi polygon lies wholly inside the community (no community
//! edge meets it, R-tree query) is that polygon; only the others are clipped against the
//! community rings.

use geo::Coord;
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{RTree, AABB};
use spade::{DelaunayTriangulation, HasPosition, Point2, Triangulation};

use super::soup::Soup;

/// Where a vertex comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tag {
    /// A vertex of the community or of the bounding box.
    Fixed,
    /// The crossing of boundary segment `seg` with the bisector of seeds `lo < hi`.
    Cross { seg: u32, lo: u32, hi: u32 },
    /// The circumcentre of three seeds (sorted), a Voronoi vertex.
    Circum([u32; 3]),
}

/// What an edge lies on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Sup {
    /// Boundary segment `seg` (of the community, or of the bounding box).
    Seg(u32),
    /// The bisector of seeds `lo < hi` (a Voronoi edge).
    Bis(u32, u32),
    /// An edge along the box a cell's community rings are first cut to: it lies outside
    /// the cell and never survives the cell's half-planes.
    Aux,
}

/// A ring vertex: point (local metres), provenance, support of the edge to the next vertex.
pub(super) type Vx = (Coord<f64>, Tag, Sup);
/// A ring, without its closing point.
pub(super) type Ring = Vec<Vx>;

/// Rings with an absolute area (m²) not above this are dropped as degenerate.
pub(super) const MIN_RING_AREA: f64 = 1e-9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    In,
    On,
    Out,
}

/// A vertex of a ring being cut: `on` when it lies on the cutting line.
#[derive(Clone, Copy)]
struct W {
    p: Coord<f64>,
    tag: Tag,
    sup: Sup,
    on: bool,
}

/// A seed in the triangulation.
struct SeedVertex {
    pos: Point2<f64>,
    site: u32,
}

impl HasPosition for SeedVertex {
    type Scalar = f64;
    fn position(&self) -> Point2<f64> {
        self.pos
    }
}

/// For each seed, its Delaunay neighbours (= Voronoi neighbours), sorted. Seeds must be
/// pairwise distinct.
pub(super) fn delaunay_neighbours(seeds: &[Coord<f64>]) -> Result<Vec<Vec<u32>>, String> {
    let verts: Vec<SeedVertex> = seeds
        .iter()
        .enumerate()
        .map(|(i, c)| SeedVertex {
            pos: Point2::new(c.x, c.y),
            site: i as u32,
        })
        .collect();
    let t: DelaunayTriangulation<SeedVertex> =
        DelaunayTriangulation::bulk_load(verts).map_err(|e| format!("{e:?}"))?;
    if t.num_vertices() != seeds.len() {
        return Err(format!(
            "{} of {} seeds were inserted (coincident seeds)",
            t.num_vertices(),
            seeds.len()
        ));
    }
    let mut nb = vec![Vec::new(); seeds.len()];
    for e in t.undirected_edges() {
        let [a, b] = e.vertices();
        let (a, b) = (a.data().site, b.data().site);
        nb[a as usize].push(b);
        nb[b as usize].push(a);
    }
    for list in &mut nb {
        list.sort_unstable();
        list.dedup();
    }
    Ok(nb)
}

/// The circumcentre of `a, b, c`, if they are not collinear.
fn circumcentre(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> Option<Coord<f64>> {
    let (bx, by) = (b.x - a.x, b.y - a.y);
    let (cx, cy) = (c.x - a.x, c.y - a.y);
    let d = 2.0 * (bx * cy - by * cx);
    if d == 0.0 {
        return None;
    }
    let (b2, c2) = (bx * bx + by * by, cx * cx + cy * cy);
    let p = Coord {
        x: a.x + (cy * b2 - by * c2) / d,
        y: a.y + (bx * c2 - cx * b2) / d,
    };
    (p.x.is_finite() && p.y.is_finite()).then_some(p)
}

/// The community in local metres: its rings and an R-tree of its edges.
pub(super) struct Boundary {
    /// The rings (shells counter-clockwise, holes clockwise) with the bounding corners of
    /// each; edge `k` of the whole list is segment `k`.
    rings: Vec<(Ring, [Coord<f64>; 2])>,
    /// The community's edges.
    segs: Vec<[Coord<f64>; 2]>,
    /// The edges, indexed.
    tree: RTree<GeomWithData<RLine<[f64; 2]>, u32>>,
    /// The bounding corners of the community.
    extent: [Coord<f64>; 2],
}

impl Boundary {
    /// The community from its rings (local metres, shells counter-clockwise, holes
    /// clockwise, without closing points; none empty).
    pub(super) fn new(rings: &[Vec<Coord<f64>>]) -> Self {
        let mut segs = Vec::new();
        let mut tagged = Vec::new();
        for ring in rings {
            let n = ring.len();
            let mut r = Vec::with_capacity(n);
            for (k, &c) in ring.iter().enumerate() {
                r.push((c, Tag::Fixed, Sup::Seg(segs.len() as u32)));
                segs.push([c, ring[(k + 1) % n]]);
            }
            let (lo, hi) = bounds(ring.iter().copied());
            tagged.push((r, [lo, hi]));
        }
        let (lo, hi) = bounds(rings.iter().flatten().copied());
        let tree = RTree::bulk_load(
            segs.iter()
                .enumerate()
                .map(|(k, s)| {
                    GeomWithData::new(RLine::new([s[0].x, s[0].y], [s[1].x, s[1].y]), k as u32)
                })
                .collect(),
        );
        Boundary {
            rings: tagged,
            segs,
            tree,
            extent: [lo, hi],
        }
    }

    /// Whether `p` lies inside the community (crossing number of a ray towards +x, over
    /// the edges the R-tree finds on it).
    pub(super) fn contains(&self, p: Coord<f64>) -> bool {
        if p.x > self.extent[1].x {
            return false;
        }
        let env = AABB::from_corners([p.x, p.y], [self.extent[1].x + 1.0, p.y]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .filter(|g| {
                let [a, b] = self.segs[g.data as usize];
                (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x)
            })
            .count()
            % 2
            == 1
    }

    /// Whether any community edge meets the convex ring `cell` (touching counts).
    fn meets_convex(&self, cell: &Ring) -> bool {
        let (lo, hi) = bounds(cell.iter().map(|v| v.0));
        let env = AABB::from_corners([lo.x - 1e-6, lo.y - 1e-6], [hi.x + 1e-6, hi.y + 1e-6]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .any(|g| segment_meets_convex(&self.segs[g.data as usize], cell))
    }
}

/// The Voronoi diagram of the seeds, and the community it is clipped to.
pub(super) struct Diagram<'a> {
    seeds: &'a [Coord<f64>],
    neighbours: Vec<Vec<u32>>,
    community: &'a Boundary,
    /// A rectangle well outside the community, closing the unbounded cells; its edges are
    /// segments `community.segs.len()..+4`.
    bbox: Ring,
    bbox_segs: [[Coord<f64>; 2]; 4],
}

impl<'a> Diagram<'a> {
    /// The diagram of `seeds` (distinct, local metres, with their Delaunay `neighbours`)
    /// clipped to `community`.
    pub(super) fn new(
        seeds: &'a [Coord<f64>],
        neighbours: Vec<Vec<u32>>,
        community: &'a Boundary,
    ) -> Self {
        let (slo, shi) = bounds(seeds.iter().copied());
        let [clo, chi] = community.extent;
        let lo = Coord {
            x: slo.x.min(clo.x),
            y: slo.y.min(clo.y),
        };
        let hi = Coord {
            x: shi.x.max(chi.x),
            y: shi.y.max(chi.y),
        };
        let margin = (hi.x - lo.x).max(hi.y - lo.y).max(100.0);
        let corners = [
            Coord {
                x: lo.x - margin,
                y: lo.y - margin,
            },
            Coord {
                x: hi.x + margin,
                y: lo.y - margin,
            },
            Coord {
                x: hi.x + margin,
                y: hi.y + margin,
            },
            Coord {
                x: lo.x - margin,
                y: hi.y + margin,
            },
        ];
        let first = community.segs.len() as u32;
        let bbox = (0..4)
            .map(|k| (corners[k], Tag::Fixed, Sup::Seg(first + k as u32)))
            .collect();
        let bbox_segs = std::array::from_fn(|k| [corners[k], corners[(k + 1) % 4]]);
        Diagram {
            seeds,
            neighbours,
            community,
            bbox,
            bbox_segs,
        }
    }

    /// Boundary segment `e`: a community edge or an edge of the bounding rectangle.
    fn seg(&self, e: u32) -> [Coord<f64>; 2] {
        let n = self.community.segs.len();
        match self.community.segs.get(e as usize) {
            Some(s) => *s,
            None => self.bbox_segs[e as usize - n],
        }
    }

    /// The cell of seed `i` as rings (shells counter-clockwise, holes clockwise). When the
    /// Voronoi polygon meets no community edge it is returned unclipped if the seed lies in
    /// the community (and no ring otherwise). Otherwise the community rings near it are cut
    /// to its bounding box (plus a metre, so that the box lies strictly outside the cell)
    /// and then by its half-planes.
    pub(super) fn cell(&self, i: u32) -> Vec<Ring> {
        let s = self.seeds[i as usize];
        let dist = |k: u32| {
            let d = self.seeds[k as usize] - s;
            d.x.hypot(d.y)
        };
        let mut nb = self.neighbours[i as usize].clone();
        nb.sort_by(|&a, &b| dist(a).total_cmp(&dist(b)).then(a.cmp(&b)));
        let mut voronoi = vec![self.bbox.clone()];
        for &k in &nb {
            voronoi = self.cut(voronoi, i, k);
        }
        if voronoi.len() == 1 && !self.community.meets_convex(&voronoi[0]) {
            // Wholly inside or wholly outside the community: the seed decides.
            return if self.community.contains(s) {
                voronoi
            } else {
                Vec::new()
            };
        }
        let (vlo, vhi) = bounds(voronoi.iter().flatten().map(|v| v.0));
        let (blo, bhi) = (
            vlo - Coord { x: 1.0, y: 1.0 },
            vhi + Coord { x: 1.0, y: 1.0 },
        );
        let mut rings: Vec<Ring> = self
            .community
            .rings
            .iter()
            .filter(|(_, b)| {
                b[0].x <= bhi.x && b[1].x >= blo.x && b[0].y <= bhi.y && b[1].y >= blo.y
            })
            .filter_map(|(r, _)| box_clip(r, blo, bhi))
            .collect();
        for &k in &nb {
            if rings.is_empty() {
                break;
            }
            rings = self.cut(rings, i, k);
        }
        // Cancel whatever degenerate edges the cuts left, and split touching rings.
        let mut soup: Soup<Tag, Sup> = Soup::new();
        for r in &rings {
            soup.ring(r);
        }
        soup.rings(MIN_RING_AREA)
            .into_iter()
            .map(|(ring, _)| ring)
            .collect()
    }

    /// The bisector value of `p` for seeds `lo < hi`: negative when closer to `lo`.
    fn f(&self, lo: u32, hi: u32, p: Coord<f64>) -> f64 {
        let a = self.seeds[lo as usize];
        let b = self.seeds[hi as usize];
        let (mx, my) = ((a.x + b.x) * 0.5, (a.y + b.y) * 0.5);
        (b.x - a.x) * (p.x - mx) + (b.y - a.y) * (p.y - my)
    }

    /// The side of vertex `v` (of cell `i`) with respect to the half-plane "closer to `i`
    /// than to `k`".
    fn side(&self, v: &Vx, i: u32, k: u32) -> Side {
        let rep = match v.1 {
            Tag::Fixed => i,
            Tag::Cross { lo, hi, .. } => {
                if (lo == i && hi == k) || (lo == k && hi == i) {
                    return Side::On;
                }
                lo
            }
            Tag::Circum(t) => {
                if t.contains(&i) && t.contains(&k) {
                    return Side::On;
                }
                t[0]
            }
        };
        if rep == k {
            return Side::On;
        }
        let f = self.f(rep.min(k), rep.max(k), v.0);
        if f == 0.0 {
            Side::On
        } else if (f < 0.0) == (rep < k) {
            Side::In
        } else {
            Side::Out
        }
    }

    /// The crossing of the edge `a → b` (support `a.2`) with the bisector of `i` and `k`.
    fn crossing(&self, a: &Vx, b: &Vx, i: u32, k: u32) -> (Coord<f64>, Tag) {
        let (lo, hi) = (i.min(k), i.max(k));
        let near = |p: Coord<f64>| {
            let tol = 1e-6 * (1.0 + (a.0 - b.0).x.abs() + (a.0 - b.0).y.abs());
            p.x >= a.0.x.min(b.0.x) - tol
                && p.x <= a.0.x.max(b.0.x) + tol
                && p.y >= a.0.y.min(b.0.y) - tol
                && p.y <= a.0.y.max(b.0.y) + tol
        };
        match a.2 {
            Sup::Seg(e) => {
                let [p, q] = self.seg(e);
                let (fp, fq) = (self.f(lo, hi, p), self.f(lo, hi, q));
                if fp != fq {
                    let t = fp / (fp - fq);
                    let x = p + (q - p) * t;
                    if t.is_finite() && near(x) {
                        return (x, Tag::Cross { seg: e, lo, hi });
                    }
                }
            }
            Sup::Bis(x, y) => {
                if x != k && y != k {
                    let mut t = [x, y, k];
                    t.sort_unstable();
                    let s = |j: u32| self.seeds[j as usize];
                    if let Some(c) = circumcentre(s(t[0]), s(t[1]), s(t[2])) {
                        if near(c) {
                            return (c, Tag::Circum(t));
                        }
                    }
                }
            }
            Sup::Aux => {}
        }
        // Auxiliary edge, or degenerate (near-parallel lines): interpolate along the edge.
        let (fa, fb) = (self.f(lo, hi, a.0), self.f(lo, hi, b.0));
        let t = fa / (fa - fb);
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.5
        };
        (a.0 + (b.0 - a.0) * t, Tag::Fixed)
    }

    /// Cuts the region `rings` (of cell `i`) by the half-plane "closer to `i` than to `k`".
    fn cut(&self, rings: Vec<Ring>, i: u32, k: u32) -> Vec<Ring> {
        let (lo, hi) = (i.min(k), i.max(k));
        let bis = Sup::Bis(lo, hi);
        let mut out: Vec<Vec<W>> = Vec::with_capacity(rings.len());
        let mut on_line: Vec<(Coord<f64>, Tag)> = Vec::new();
        let mut bridges = 0usize;
        let mut changed = false;
        for ring in rings {
            let sides: Vec<Side> = ring.iter().map(|v| self.side(v, i, k)).collect();
            for (v, s) in ring.iter().zip(&sides) {
                if *s == Side::On {
                    on_line.push((v.0, v.1));
                }
            }
            let any_in = sides.contains(&Side::In);
            let any_out = sides.contains(&Side::Out);
            if !any_out {
                out.push(
                    ring.iter()
                        .zip(&sides)
                        .map(|(v, s)| W {
                            p: v.0,
                            tag: v.1,
                            sup: v.2,
                            on: *s == Side::On,
                        })
                        .collect(),
                );
                continue;
            }
            changed = true;
            if !any_in {
                continue;
            }
            let n = ring.len();
            let mut w = Vec::with_capacity(n + 2);
            for idx in 0..n {
                let (a, b) = (&ring[idx], &ring[(idx + 1) % n]);
                match (sides[idx], sides[(idx + 1) % n]) {
                    (Side::In, Side::Out) => {
                        w.push(W {
                            p: a.0,
                            tag: a.1,
                            sup: a.2,
                            on: false,
                        });
                        let (x, t) = self.crossing(a, b, i, k);
                        on_line.push((x, t));
                        w.push(W {
                            p: x,
                            tag: t,
                            sup: bis,
                            on: true,
                        });
                        bridges += 1;
                    }
                    (Side::On, Side::Out) => {
                        w.push(W {
                            p: a.0,
                            tag: a.1,
                            sup: bis,
                            on: true,
                        });
                        bridges += 1;
                    }
                    (Side::Out, Side::In) => {
                        let (x, t) = self.crossing(a, b, i, k);
                        on_line.push((x, t));
                        w.push(W {
                            p: x,
                            tag: t,
                            sup: a.2,
                            on: true,
                        });
                    }
                    (Side::Out, _) => {}
                    (s, _) => w.push(W {
                        p: a.0,
                        tag: a.1,
                        sup: a.2,
                        on: s == Side::On,
                    }),
                }
            }
            if w.len() >= 3 {
                out.push(w);
            }
        }
        let plain = |out: Vec<Vec<W>>| -> Vec<Ring> {
            out.into_iter()
                .map(|w| w.into_iter().map(|v| (v.p, v.tag, v.sup)).collect())
                .collect()
        };
        if !changed || bridges == 0 || (bridges == 1 && on_line.len() <= 2) {
            return plain(out);
        }
        // Bridges along the line may overlap each other and edges lying on the line:
        // split every edge on the line at every point on it, then let opposite edges
        // cancel.
        let a = self.seeds[lo as usize];
        let b = self.seeds[hi as usize];
        let dir = Coord {
            x: -(b.y - a.y),
            y: b.x - a.x,
        };
        let tau = |p: Coord<f64>| dir.x * p.x + dir.y * p.y;
        let mut pts: Vec<(f64, Coord<f64>, Tag)> =
            on_line.into_iter().map(|(p, t)| (tau(p), p, t)).collect();
        pts.sort_by(|x, y| x.0.total_cmp(&y.0));
        pts.dedup_by(|x, y| x.1 == y.1);
        let mut soup: Soup<Tag, Sup> = Soup::new();
        for w in &out {
            let ids: Vec<u32> = w.iter().map(|v| soup.vertex(v.p, v.tag)).collect();
            let n = w.len();
            for k2 in 0..n {
                let (u, v) = (&w[k2], &w[(k2 + 1) % n]);
                let (iu, iv) = (ids[k2], ids[(k2 + 1) % n]);
                if !(u.on && v.on) {
                    soup.edge(iu, iv, u.sup);
                    continue;
                }
                let (tu, tv) = (tau(u.p), tau(v.p));
                let (tmin, tmax) = (tu.min(tv), tu.max(tv));
                let from = pts.partition_point(|x| x.0 <= tmin);
                let to = pts.partition_point(|x| x.0 < tmax);
                let mut mids: Vec<u32> = Vec::new();
                if from < to {
                    for x in &pts[from..to] {
                        mids.push(soup.vertex(x.1, x.2));
                    }
                    if tu > tv {
                        mids.reverse();
                    }
                }
                let mut prev = iu;
                for m in mids {
                    soup.edge(prev, m, u.sup);
                    prev = m;
                }
                soup.edge(prev, iv, u.sup);
            }
        }
        soup.rings(MIN_RING_AREA)
            .into_iter()
            .map(|(ring, _)| ring)
            .collect()
    }
}

/// The bounding corners of some points.
fn bounds(pts: impl Iterator<Item = Coord<f64>>) -> (Coord<f64>, Coord<f64>) {
    let mut lo = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut hi = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in pts {
        lo = Coord {
            x: lo.x.min(p.x),
            y: lo.y.min(p.y),
        };
        hi = Coord {
            x: hi.x.max(p.x),
            y: hi.y.max(p.y),
        };
    }
    (lo, hi)
}

/// Cuts `ring` to the box `lo`–`hi` (Sutherland–Hodgman, one side at a time), without
/// cleaning up: the edges along the box ([`Sup::Aux`]) may overlap, which the winding
/// number tolerates and the cell's later cuts remove. `None` when nothing is left.
fn box_clip(ring: &Ring, lo: Coord<f64>, hi: Coord<f64>) -> Option<Ring> {
    let mut cur = ring.clone();
    for side in 0..4 {
        // inside(p) ⇔ the signed distance to the side's line is ≥ 0.
        let (axis_x, bound, keep_above) = match side {
            0 => (true, lo.x, true),
            1 => (true, hi.x, false),
            2 => (false, lo.y, true),
            _ => (false, hi.y, false),
        };
        let coord = |p: Coord<f64>| if axis_x { p.x } else { p.y };
        let inside = |p: Coord<f64>| {
            if keep_above {
                coord(p) >= bound
            } else {
                coord(p) <= bound
            }
        };
        if cur.iter().all(|v| inside(v.0)) {
            continue;
        }
        let n = cur.len();
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let (a, b) = (cur[k], cur[(k + 1) % n]);
            let (ia, ib) = (inside(a.0), inside(b.0));
            if ia {
                out.push(a);
            }
            if ia != ib {
                let t = (bound - coord(a.0)) / (coord(b.0) - coord(a.0));
                let mut x = a.0 + (b.0 - a.0) * t;
                if axis_x {
                    x.x = bound;
                } else {
                    x.y = bound;
                }
                out.push((x, Tag::Fixed, if ia { Sup::Aux } else { a.2 }));
            }
        }
        if out.len() < 3 {
            return None;
        }
        cur = out;
    }
    Some(cur)
}

/// Whether segment `s` meets the convex counter-clockwise ring `cell` (Cyrus–Beck, with a
/// small tolerance so that touching counts).
fn segment_meets_convex(s: &[Coord<f64>; 2], cell: &Ring) -> bool {
    let (a, d) = (s[0], s[1] - s[0]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let n = cell.len();
    for k in 0..n {
        let p = cell[k].0;
        let e = cell[(k + 1) % n].0 - p;
        let len = e.x.hypot(e.y);
        if len == 0.0 {
            continue;
        }
        // Inward normal (left of e), unit length.
        let nx = -e.y / len;
        let ny = e.x / len;
        let g0 = nx * (a.x - p.x) + ny * (a.y - p.y) + 1e-7;
        let gd = nx * d.x + ny * d.y;
        if gd == 0.0 {
            if g0 < 0.0 {
                return false;
            }
        } else {
            let t = -g0 / gd;
            if gd > 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}
