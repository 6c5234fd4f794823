//! Cells and adjacency of a community's buildings: Voronoi cells of the buildings clipped
//! to the community, adjacency where cells share boundary and no hard barrier separates
//! them, and the union of cells into grid boundaries. Pure geometry.
//!
//! # Method
//!
//! Everything is projected into an affine local tangent plane about the community's
//! interior point ([`LocalPlane`], equirectangular with the ellipsoid's scales at that
//! latitude), so a straight longitude/latitude community edge stays straight and the way
//! back to longitude/latitude is exact up to float rounding; community vertices are mapped
//! back to their original coordinates bitwise. Each building's seed is
//! an interior point of its footprint. Seeds closer than 1 mm to an earlier seed
//! (coincident buildings, or two footprints with the same interior point) are moved
//! deterministically along a golden-angle spiral (2 mm × √n for the n-th try) until they
//! are at least 1 mm from every other seed, so both buildings get a cell of their own.
//!
//! The Delaunay triangulation (spade) of the seeds gives each seed its Voronoi neighbours;
//! a cell is the intersection of the half-planes "closer to this seed than to that
//! neighbour", its vertices the circumcentres of Delaunay triangles, computed once from
//! the sorted seed triple so that neighbouring cells share them bitwise. A cell whose
//! Voronoi polygon lies wholly inside the community (no community edge meets it, R-tree
//! query) needs no clipping; the others are cut out of the community polygon half-plane by
//! half-plane. The cells therefore tile the community exactly, with identical vertices on
//! both sides of every shared edge.
//!
//! Where a concave community cuts a cell into several parts, the site keeps the part
//! containing its seed and each other part goes to the neighbouring cell it shares most
//! boundary with, so every cell of a connected community is one polygon and no cell
//! reaches across a gap of the community.
//!
//! Two sites are adjacent when their final cells share more than
//! [`MIN_SHARED_BOUNDARY_M`] of boundary and the segment between their seeds meets no
//! hard [`BarrierLine`] (soft barriers do not cut adjacency).
//!
//! # Degenerate input
//!
//! One site gets the whole community; two or collinear sites get strips. A building whose
//! interior point lies outside the community but whose footprint overlaps it is seeded at
//! an interior point of the overlap; a building that does not overlap the community at
//! all is an error ([`TessellationError::SiteOutsideCommunity`] names it), as are empty or
//! non-finite footprints and barriers, and an invalid community.

mod assemble;
mod barriers;
mod carve;
mod plane;
mod soup;
mod union;
mod validate;
mod voronoi;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use geo::{
    Area, BooleanOps, Coord, CoordsIter, InteriorPoint, Line, LineString, MultiLineString,
    MultiPolygon, Orient, Polygon,
};

use super::{Graph, Node};

pub use carve::carve;
pub use plane::LocalPlane;
pub use union::grid_boundaries;

/// Cells sharing less boundary than this (m) are not adjacent (cells meeting at a corner,
/// or along a Voronoi edge shortened to nothing by rounding).
pub const MIN_SHARED_BOUNDARY_M: f64 = 0.01;

/// Seeds closer than this (m) are treated as coincident and moved apart.
const MIN_SEED_DISTANCE_M: f64 = 1e-3;

/// A building to be given a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The building's footprint, longitude/latitude (WGS 84).
    pub footprint: MultiPolygon<f64>,
    /// Households of the building.
    pub households: u32,
    /// Units (单元) of the building, when known.
    pub units: Option<u32>,
}

/// A line that may separate cells: a wall, a river, an arterial road.
#[derive(Debug, Clone, PartialEq)]
pub struct BarrierLine {
    /// The line, longitude/latitude (WGS 84).
    pub line: MultiLineString<f64>,
    /// A hard barrier cuts adjacency between cells whose seeds it separates; a soft one
    /// does not.
    pub hard: bool,
}

/// A community's cells and their adjacency graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Tessellation {
    /// Node `i` is site `i`: its households and units, the area (m²), perimeter (m) and
    /// centroid (metres of [`plane`](Self::plane)) of its cell, measured in the plane.
    /// Edges join cells sharing more than [`MIN_SHARED_BOUNDARY_M`] of boundary not
    /// separated by a hard barrier, weighted by the shared length (m).
    pub graph: Graph,
    /// The cell of each site, longitude/latitude: valid, together tiling the community
    /// (their union is the community, they do not overlap, neighbouring cells share
    /// identical vertices). A cell is one polygon when the community is connected.
    pub cells: Vec<MultiPolygon<f64>>,
    /// The local plane the geometry was computed and measured in, about the community's
    /// interior point.
    pub plane: LocalPlane,
}

/// Why a community cannot be tessellated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TessellationError {
    /// The community polygon is empty or has no area.
    #[error("the community has no area: its polygon is empty or degenerate")]
    EmptyCommunity,
    /// There is no site to give a cell to.
    #[error("no buildings: a community needs at least one building to be split into cells")]
    NoSites,
    /// The community polygon is not a valid geometry (or not longitude/latitude).
    #[error("invalid community polygon: {0}")]
    InvalidCommunity(String),
    /// A site's footprint is empty or has non-finite coordinates.
    #[error("building {index}: {reason}")]
    InvalidSite {
        /// Index of the site in the input.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A site's footprint does not overlap the community at all.
    #[error("building {index} lies outside the community: its footprint does not overlap the community polygon")]
    SiteOutsideCommunity {
        /// Index of the site in the input.
        index: usize,
    },
    /// A barrier line has non-finite coordinates.
    #[error("barrier {index}: {reason}")]
    InvalidBarrier {
        /// Index of the barrier in the input.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// More sites than node ids (u32) can number.
    #[error("{0} buildings are more than the {max} a tessellation can hold", max = u32::MAX)]
    TooManySites(usize),
    /// The Delaunay triangulation of the seeds failed (should not happen for finite seeds).
    #[error("Delaunay triangulation of the buildings failed: {0}")]
    Triangulation(String),
}

/// Whether every coordinate of `g` is finite.
fn finite<G: CoordsIter<Scalar = f64>>(g: &G) -> bool {
    g.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite())
}

/// The rings of a local multipolygon without closing points or repeated points, shells
/// counter-clockwise and holes clockwise; rings of fewer than three points are left out.
fn local_rings(mp: &MultiPolygon<f64>) -> Vec<Vec<Coord<f64>>> {
    let oriented = mp.orient(geo::orient::Direction::Default);
    let mut out = Vec::new();
    for poly in &oriented {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
            for &c in &ring.0 {
                if pts.last() != Some(&c) {
                    pts.push(c);
                }
            }
            while pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            if pts.len() >= 3 {
                out.push(pts);
            }
        }
    }
    out
}

/// Moves seeds closer than [`MIN_SEED_DISTANCE_M`] to an earlier one along a golden-angle
/// spiral around their position (2 mm × √n for the n-th try), in input order.
fn separate(seeds: &mut [Coord<f64>]) {
    let cell = MIN_SEED_DISTANCE_M;
    let bucket = |p: Coord<f64>| ((p.x / cell).floor() as i64, (p.y / cell).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<Coord<f64>>> = HashMap::new();
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    for seed in seeds.iter_mut() {
        let taken = |grid: &HashMap<(i64, i64), Vec<Coord<f64>>>, p: Coord<f64>| {
            let (bx, by) = bucket(p);
            (-1..=1).any(|dx| {
                (-1..=1).any(|dy| {
                    grid.get(&(bx + dx, by + dy)).is_some_and(|list| {
                        list.iter().any(|q| (*q - p).x.hypot((*q - p).y) < cell)
                    })
                })
            })
        };
        let origin = *seed;
        let mut p = origin;
        let mut n = 0u32;
        while taken(&grid, p) {
            n += 1;
            let r = 2.0 * cell * f64::from(n).sqrt();
            let a = f64::from(n) * golden;
            p = Coord {
                x: origin.x + r * a.cos(),
                y: origin.y + r * a.sin(),
            };
        }
        *seed = p;
        grid.entry(bucket(p)).or_default().push(p);
    }
}

/// Area (m², signed sum), area-weighted centroid sums and perimeter (m) of a local ring.
fn ring_stats(ring: &[Coord<f64>]) -> (f64, Coord<f64>, f64) {
    let o = ring[0];
    let n = ring.len();
    let (mut a2, mut cx, mut cy, mut per) = (0.0, 0.0, 0.0, 0.0);
    for k in 0..n {
        let p = ring[k] - o;
        let q = ring[(k + 1) % n] - o;
        let cross = p.x * q.y - q.x * p.y;
        a2 += cross;
        cx += (p.x + q.x) * cross;
        cy += (p.y + q.y) * cross;
        per += (q - p).x.hypot((q - p).y);
    }
    let area = a2 / 2.0;
    // Σ(centroid × area) of the ring, relative to the true origin.
    let moment = Coord {
        x: cx / 6.0 + o.x * area,
        y: cy / 6.0 + o.y * area,
    };
    (area, moment, per)
}

/// Splits `community` into one cell per site (Voronoi cells of the buildings' interior
/// points clipped to the community) and builds their adjacency graph, cut by the hard
/// `barriers`. See the [module documentation](self) for the method and for how degenerate
/// input is handled.
pub fn tessellate(
    community: &MultiPolygon<f64>,
    sites: &[Site],
    barriers: &[BarrierLine],
) -> Result<Tessellation, TessellationError> {
    if community.0.is_empty() {
        return Err(TessellationError::EmptyCommunity);
    }
    if !finite(community) {
        return Err(TessellationError::InvalidCommunity(
            "a coordinate is not a finite number".into(),
        ));
    }
    validate::check(community).map_err(TessellationError::InvalidCommunity)?;
    if community.unsigned_area() <= 0.0 {
        return Err(TessellationError::EmptyCommunity);
    }
    let ip = community
        .interior_point()
        .ok_or(TessellationError::EmptyCommunity)?;
    if sites.is_empty() {
        return Err(TessellationError::NoSites);
    }
    if sites.len() > u32::MAX as usize {
        return Err(TessellationError::TooManySites(sites.len()));
    }
    let plane = LocalPlane::about(ip.x(), ip.y()).ok_or_else(|| {
        TessellationError::InvalidCommunity(format!(
            "interior point ({}, {}) is not a longitude/latitude below 89° of latitude",
            ip.x(),
            ip.y()
        ))
    })?;

    let mut local = community.clone();
    plane.forward(&mut local);
    // Community vertices go back to their original coordinates bitwise.
    let original: HashMap<(u64, u64), Coord<f64>> = community
        .coords_iter()
        .zip(local.coords_iter())
        .map(|(ll, xy)| ((xy.x.to_bits(), xy.y.to_bits()), ll))
        .collect();
    let rings = local_rings(&local);
    if rings.is_empty() || local.unsigned_area() <= 0.0 {
        return Err(TessellationError::EmptyCommunity);
    }

    let boundary = voronoi::Boundary::new(&rings);

    // Seeds.
    let mut seeds = Vec::with_capacity(sites.len());
    for (index, site) in sites.iter().enumerate() {
        if !finite(&site.footprint) {
            return Err(TessellationError::InvalidSite {
                index,
                reason: "a footprint coordinate is not a finite number".into(),
            });
        }
        let mut fp = site.footprint.clone();
        plane.forward(&mut fp);
        let ip = fp
            .interior_point()
            .ok_or_else(|| TessellationError::InvalidSite {
                index,
                reason: "the footprint is empty".into(),
            })?;
        let seed = if boundary.contains(ip.0) {
            ip.0
        } else {
            let part = fp.intersection(&local);
            match part.interior_point() {
                Some(p) if part.unsigned_area() > 0.0 => p.0,
                _ => return Err(TessellationError::SiteOutsideCommunity { index }),
            }
        };
        seeds.push(seed);
    }
    separate(&mut seeds);

    // Hard barriers.
    let mut segments = Vec::new();
    for (index, b) in barriers.iter().enumerate() {
        if !finite(&b.line) {
            return Err(TessellationError::InvalidBarrier {
                index,
                reason: "a coordinate is not a finite number".into(),
            });
        }
        if b.hard {
            let mut line = b.line.clone();
            plane.forward(&mut line);
            for ls in &line {
                segments.extend(ls.lines());
                if ls.0.len() == 1 {
                    segments.push(Line::new(ls.0[0], ls.0[0]));
                }
            }
        }
    }
    let hard = barriers::Barriers::new(segments);

    // Cells.
    let neighbours =
        voronoi::delaunay_neighbours(&seeds).map_err(TessellationError::Triangulation)?;
    let diagram = voronoi::Diagram::new(&seeds, neighbours, &boundary);
    let cells: Vec<Vec<assemble::Piece>> = (0..sites.len() as u32)
        .map(|i| assemble::pieces(i, diagram.cell(i)))
        .collect();
    let assembly = assemble::Assembly::new(cells, &seeds);
    let local_cells = assembly.cells(sites.len());

    // Graph.
    let mut adjacency: Vec<Vec<(u32, f64)>> = vec![Vec::new(); sites.len()];
    for (a, b, len) in assembly.shared() {
        if len > MIN_SHARED_BOUNDARY_M && !hard.blocks(seeds[a as usize], seeds[b as usize]) {
            adjacency[a as usize].push((b, len));
            adjacency[b as usize].push((a, len));
        }
    }
    for list in &mut adjacency {
        list.sort_by_key(|e| e.0);
    }
    let nodes = local_cells
        .iter()
        .zip(sites)
        .zip(&seeds)
        .map(|((cell, site), seed)| {
            let (mut area, mut moment, mut perimeter) = (0.0, Coord { x: 0.0, y: 0.0 }, 0.0);
            for ring in cell.iter().flatten() {
                let (a, m, p) = ring_stats(ring);
                area += a;
                moment = moment + m;
                perimeter += p;
            }
            let c = if area > 0.0 { moment / area } else { *seed };
            Node {
                households: site.households,
                units: site.units,
                area_m2: area.max(0.0),
                perimeter_m: perimeter,
                x: c.x,
                y: c.y,
            }
        })
        .collect();

    // Cells back to longitude/latitude.
    let to_lonlat = |ring: &Vec<Coord<f64>>| {
        let mut pts: Vec<Coord<f64>> = ring
            .iter()
            .map(|c| {
                original
                    .get(&(c.x.to_bits(), c.y.to_bits()))
                    .copied()
                    .unwrap_or_else(|| {
                        let (x, y) = plane.unproject(c.x, c.y);
                        Coord { x, y }
                    })
            })
            .collect();
        pts.push(pts[0]);
        LineString::new(pts)
    };
    let cells = local_cells
        .iter()
        .map(|cell| {
            MultiPolygon::new(
                cell.iter()
                    .map(|poly| {
                        Polygon::new(
                            to_lonlat(&poly[0]),
                            poly[1..].iter().map(to_lonlat).collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    Ok(Tessellation {
        graph: Graph { nodes, adjacency },
        cells,
        plane,
    })
}
