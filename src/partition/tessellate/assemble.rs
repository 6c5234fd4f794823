//! From clipped Voronoi cells to final cells: splitting each cell into connected pieces,
//! giving pieces cut off from their seed to the neighbour they share most boundary with,
//! measuring shared boundary between the final cells, and rebuilding each final cell.

use std::collections::HashMap;

use geo::Coord;

use super::soup::{self, Soup};
use super::voronoi::{Ring, Sup, MIN_RING_AREA};

/// Vertices closer than this (m) are merged before the final cells are rebuilt, so that
/// numerically near-identical Voronoi vertices become one.
const MERGE_TOLERANCE: f64 = 1e-6;

/// One connected part (a polygon) of a site's clipped Voronoi cell.
pub(super) struct Piece {
    /// The site whose Voronoi cell it is part of.
    pub site: u32,
    /// Shell first (counter-clockwise), then holes (clockwise).
    pub rings: Vec<Ring>,
}

/// A final cell in local metres: polygons, each as its shell then its holes (rings without
/// closing points).
pub(super) type LocalCell = Vec<Vec<Vec<Coord<f64>>>>;

/// Splits the rings of site `site`'s clipped cell into pieces.
pub(super) fn pieces(site: u32, rings: Vec<Ring>) -> Vec<Piece> {
    let plain: Vec<(Vec<Coord<f64>>, f64)> = rings
        .iter()
        .map(|r| {
            let pts: Vec<Coord<f64>> = r.iter().map(|v| v.0).collect();
            let area = soup::signed_area(pts.iter().copied());
            (pts, area)
        })
        .collect();
    let groups = soup::group(&plain);
    let mut slots: Vec<Option<Ring>> = rings.into_iter().map(Some).collect();
    groups
        .into_iter()
        .filter_map(|(s, holes)| {
            let mut rs = vec![slots[s].take()?];
            rs.extend(holes.into_iter().filter_map(|h| slots[h].take()));
            Some(Piece { site, rings: rs })
        })
        .collect()
}

/// Distance from `p` to the boundary of a piece, and whether `p` lies inside it.
fn locate(piece: &Piece, p: Coord<f64>) -> (f64, bool) {
    let mut best = f64::INFINITY;
    let mut inside = false;
    for (k, ring) in piece.rings.iter().enumerate() {
        let pts: Vec<Coord<f64>> = ring.iter().map(|v| v.0).collect();
        let within = soup::point_in_ring(&pts, p);
        if k == 0 {
            inside = within;
        } else if within {
            inside = false;
        }
        for j in 0..pts.len() {
            best = best.min(segment_distance(p, pts[j], pts[(j + 1) % pts.len()]));
        }
    }
    (best, inside)
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 {
        (((p - a).x * d.x + (p - a).y * d.y) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = a + d * t;
    (p - q).x.hypot((p - q).y)
}

/// The pieces, their owners and the shared boundary between them.
pub(super) struct Assembly {
    pieces: Vec<Piece>,
    /// The site each piece finally belongs to.
    owner: Vec<u32>,
    /// (piece, neighbouring piece, length m) for every Voronoi edge of every piece.
    links: Vec<(u32, u32, f64)>,
}

impl Assembly {
    /// Assembles the pieces of all sites (`cells[i]` = pieces of site `i`; `seeds` in the
    /// same local metres). Each site keeps the piece containing its seed (or the nearest
    /// one); every other piece goes to the owner of the adjacent pieces it shares most
    /// boundary with, repeatedly, so that pieces cut off behind a concave part of the
    /// community join the cell on their side. A piece touching no owned piece stays with
    /// its site.
    pub(super) fn new(cells: Vec<Vec<Piece>>, seeds: &[Coord<f64>]) -> Self {
        const NONE: u32 = u32::MAX;
        let mut pieces = Vec::new();
        let mut of_site: Vec<Vec<u32>> = Vec::with_capacity(cells.len());
        let mut owner = Vec::new();
        for (i, cell) in cells.into_iter().enumerate() {
            let ids: Vec<u32> = (pieces.len()..pieces.len() + cell.len())
                .map(|k| k as u32)
                .collect();
            let main = if cell.len() <= 1 {
                0
            } else {
                let located: Vec<(f64, bool)> = cell.iter().map(|p| locate(p, seeds[i])).collect();
                located.iter().position(|l| l.1).unwrap_or_else(|| {
                    (0..located.len())
                        .min_by(|&a, &b| located[a].0.total_cmp(&located[b].0))
                        .unwrap_or(0)
                })
            };
            for k in 0..cell.len() {
                owner.push(if k == main { i as u32 } else { NONE });
            }
            pieces.extend(cell);
            of_site.push(ids);
        }

        // Every Voronoi edge of every piece, with the piece on its other side.
        let mut links = Vec::new();
        for (pid, piece) in pieces.iter().enumerate() {
            for ring in &piece.rings {
                for (j, v) in ring.iter().enumerate() {
                    let Sup::Bis(lo, hi) = v.2 else { continue };
                    let w = ring[(j + 1) % ring.len()].0;
                    let other = if lo == piece.site { hi } else { lo };
                    let candidates = &of_site[other as usize];
                    let neighbour = match candidates.len() {
                        0 => continue,
                        1 => candidates[0],
                        _ => {
                            let mid = (v.0 + w) * 0.5;
                            *candidates
                                .iter()
                                .min_by(|&&a, &&b| {
                                    locate(&pieces[a as usize], mid)
                                        .0
                                        .total_cmp(&locate(&pieces[b as usize], mid).0)
                                })
                                .expect("candidates not empty")
                        }
                    };
                    let len = (w - v.0).x.hypot((w - v.0).y);
                    links.push((pid as u32, neighbour, len));
                }
            }
        }

        // Detached pieces join the owner they share most boundary with, round by round.
        let detached: Vec<u32> = (0..pieces.len() as u32)
            .filter(|&p| owner[p as usize] == NONE)
            .collect();
        if !detached.is_empty() {
            let mut around: HashMap<u32, Vec<(u32, f64)>> = HashMap::new();
            for &(a, b, len) in &links {
                // A piece touching another only at a (rounded) point does not join it.
                if owner[a as usize] == NONE && len > 10.0 * MERGE_TOLERANCE {
                    around.entry(a).or_default().push((b, len));
                }
            }
            loop {
                let mut changes = Vec::new();
                for &p in &detached {
                    if owner[p as usize] != NONE {
                        continue;
                    }
                    let mut by_owner: Vec<(u32, f64)> = Vec::new();
                    for &(q, len) in around.get(&p).map(Vec::as_slice).unwrap_or(&[]) {
                        let o = owner[q as usize];
                        if o == NONE {
                            continue;
                        }
                        match by_owner.iter_mut().find(|e| e.0 == o) {
                            Some(e) => e.1 += len,
                            None => by_owner.push((o, len)),
                        }
                    }
                    let best = by_owner
                        .into_iter()
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
                    if let Some((o, _)) = best {
                        changes.push((p, o));
                    }
                }
                if changes.is_empty() {
                    break;
                }
                for (p, o) in changes {
                    owner[p as usize] = o;
                }
            }
            for &p in &detached {
                if owner[p as usize] == NONE {
                    owner[p as usize] = pieces[p as usize].site;
                }
            }
        }
        Assembly {
            pieces,
            owner,
            links,
        }
    }

    /// Boundary shared between the final cells of different sites: `(a, b, length m)`
    /// with `a < b`, sorted.
    pub(super) fn shared(&self) -> Vec<(u32, u32, f64)> {
        let mut acc: HashMap<(u32, u32), f64> = HashMap::new();
        for &(p, q, len) in &self.links {
            let (a, b) = (self.owner[p as usize], self.owner[q as usize]);
            if a != b {
                *acc.entry((a.min(b), a.max(b))).or_default() += len;
            }
        }
        // Every edge was counted from both of its sides.
        let mut out: Vec<(u32, u32, f64)> =
            acc.into_iter().map(|(k, v)| (k.0, k.1, v / 2.0)).collect();
        out.sort_by_key(|x| (x.0, x.1));
        out
    }

    /// The final cell of each of `n` sites, its pieces merged, with vertices closer than
    /// [`MERGE_TOLERANCE`] merged across all cells.
    pub(super) fn cells(&self, n: usize) -> Vec<LocalCell> {
        let mut owned: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (p, &o) in self.owner.iter().enumerate() {
            owned[o as usize].push(p as u32);
        }
        let mut merger = Merger::default();
        owned
            .iter()
            .map(|ps| {
                let mut s: Soup<(), ()> = Soup::new();
                for &p in ps {
                    for ring in &self.pieces[p as usize].rings {
                        let r: Vec<(Coord<f64>, (), ())> =
                            ring.iter().map(|v| (merger.get(v.0), (), ())).collect();
                        s.ring(&r);
                    }
                }
                let rings: Vec<(Vec<Coord<f64>>, f64)> = s
                    .rings(MIN_RING_AREA)
                    .into_iter()
                    .map(|(r, a)| (r.into_iter().map(|v| v.0).collect(), a))
                    .collect();
                soup::group(&rings)
                    .into_iter()
                    .map(|(shell, holes)| {
                        std::iter::once(shell)
                            .chain(holes)
                            .map(|k| rings[k].0.clone())
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }
}

/// Maps points to representatives: the first point seen within [`MERGE_TOLERANCE`].
#[derive(Default)]
struct Merger {
    exact: HashMap<(u64, u64), Coord<f64>>,
    buckets: HashMap<(i64, i64), Vec<Coord<f64>>>,
}

impl Merger {
    fn get(&mut self, c: Coord<f64>) -> Coord<f64> {
        let key = ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits());
        if let Some(&r) = self.exact.get(&key) {
            return r;
        }
        let (bx, by) = (
            (c.x / MERGE_TOLERANCE).floor() as i64,
            (c.y / MERGE_TOLERANCE).floor() as i64,
        );
        let mut best: Option<(f64, Coord<f64>)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &r in self.buckets.get(&(bx + dx, by + dy)).into_iter().flatten() {
                    let d = (r - c).x.hypot((r - c).y);
                    if d <= MERGE_TOLERANCE && best.is_none_or(|b| d < b.0) {
                        best = Some((d, r));
                    }
                }
            }
        }
        let r = match best {
            Some((_, r)) => r,
            None => {
                self.buckets.entry((bx, by)).or_default().push(c);
                c
            }
        };
        self.exact.insert(key, r);
        r
    }
}
