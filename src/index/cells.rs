//! A uniform cell cache over the grid polygons: each cell of a regular lattice over the
//! extent is either empty, wholly inside one grid (answered with no polygon test), or
//! "mixed" with the short list of polygon parts to test exactly.
//!
//! A cell is mixed when some polygon edge touches it (closed rectangles, slightly
//! enlarged, so no edge is missed); two side-by-side cells that no edge touches lie in the
//! same region, so each run of such cells in a row is classified by one exact lookup.

use geo::{Coord, Intersects, Line, Polygon, Rect};

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    /// No grid covers the cell.
    Empty,
    /// The whole cell lies in this grid (index into the grid list).
    Inside(u32),
    /// Test these parts (range into the candidate list).
    Mixed { start: u32, len: u32 },
}

/// The lattice and its cells.
#[derive(Debug, Clone)]
pub(crate) struct CellCache {
    minx: f64,
    miny: f64,
    inv_size: f64,
    size: f64,
    cols: usize,
    rows: usize,
    cells: Vec<Cell>,
    candidates: Vec<u32>,
}

/// Enough cells that most points of a typical grid fall in an "inside" cell.
const CELLS_PER_PART: f64 = 256.0;
const MAX_CELLS: f64 = 16_000_000.0;

impl CellCache {
    /// Builds the cache over `parts` (polygon, grid index). `parts_in` lists the parts whose
    /// envelope meets a rectangle; `locate` answers one point exactly (the slow path).
    pub fn build(
        parts: &[(u32, Polygon<f64>)],
        extent: Rect<f64>,
        parts_in: impl Fn(Rect<f64>) -> Vec<u32>,
        locate: impl Fn(Coord<f64>) -> Option<u32>,
    ) -> Option<CellCache> {
        let (w, h) = (extent.width(), extent.height());
        if parts.is_empty() || !(w > 0.0 && h > 0.0) {
            return None;
        }
        let target = (parts.len() as f64 * CELLS_PER_PART).min(MAX_CELLS);
        let size = (w * h / target).sqrt();
        let cols = ((w / size).ceil() as usize).max(1);
        let rows = ((h / size).ceil() as usize).max(1);
        let mut cache = CellCache {
            minx: extent.min().x,
            miny: extent.min().y,
            inv_size: 1.0 / size,
            size,
            cols,
            rows,
            cells: vec![Cell::Empty; cols * rows],
            candidates: Vec::new(),
        };
        let mut touched = vec![false; cols * rows];
        for (_, polygon) in parts {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for line in ring.lines() {
                    cache.mark_line(line, &mut touched);
                }
            }
        }
        for row in 0..rows {
            let mut run_value: Option<Cell> = None;
            for col in 0..cols {
                let i = row * cols + col;
                let rect = cache.rect(col, row);
                if touched[i] {
                    run_value = None;
                    let list = parts_in(rect);
                    cache.cells[i] = if list.is_empty() {
                        Cell::Empty
                    } else {
                        let start = cache.candidates.len() as u32;
                        cache.candidates.extend(&list);
                        Cell::Mixed {
                            start,
                            len: list.len() as u32,
                        }
                    };
                } else {
                    let value = *run_value.get_or_insert_with(|| match locate(rect.center()) {
                        Some(g) => Cell::Inside(g),
                        None => Cell::Empty,
                    });
                    cache.cells[i] = value;
                }
            }
        }
        Some(cache)
    }

    fn rect(&self, col: usize, row: usize) -> Rect<f64> {
        let x = self.minx + col as f64 * self.size;
        let y = self.miny + row as f64 * self.size;
        Rect::new(
            Coord { x, y },
            Coord {
                x: x + self.size,
                y: y + self.size,
            },
        )
    }

    /// Marks every cell a segment touches (its closed rectangle grown by a small margin).
    fn mark_line(&self, line: Line<f64>, touched: &mut [bool]) {
        let margin = self.size * 1e-6;
        let clamp = |v: f64, n: usize| (v.max(0.0) as usize).min(n - 1);
        let (x0, x1) = (line.start.x.min(line.end.x), line.start.x.max(line.end.x));
        let (y0, y1) = (line.start.y.min(line.end.y), line.start.y.max(line.end.y));
        let c0 = clamp(
            ((x0 - margin - self.minx) * self.inv_size).floor(),
            self.cols,
        );
        let c1 = clamp(
            ((x1 + margin - self.minx) * self.inv_size).floor(),
            self.cols,
        );
        let r0 = clamp(
            ((y0 - margin - self.miny) * self.inv_size).floor(),
            self.rows,
        );
        let r1 = clamp(
            ((y1 + margin - self.miny) * self.inv_size).floor(),
            self.rows,
        );
        let single = c0 == c1 || r0 == r1;
        for row in r0..=r1 {
            for col in c0..=c1 {
                let i = row * self.cols + col;
                if touched[i] {
                    continue;
                }
                let hit = single || {
                    let r = self.rect(col, row);
                    let grown = Rect::new(
                        Coord {
                            x: r.min().x - margin,
                            y: r.min().y - margin,
                        },
                        Coord {
                            x: r.max().x + margin,
                            y: r.max().y + margin,
                        },
                    );
                    line.intersects(&grown)
                };
                if hit {
                    touched[i] = true;
                }
            }
        }
    }

    /// The cell of a point, or `None` outside the lattice.
    #[inline]
    pub fn cell(&self, x: f64, y: f64) -> Option<Cell> {
        let fx = (x - self.minx) * self.inv_size;
        let fy = (y - self.miny) * self.inv_size;
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (col, row) = (fx as usize, fy as usize);
        if col >= self.cols || row >= self.rows {
            return None;
        }
        Some(self.cells[row * self.cols + col])
    }

    /// The candidate parts of a mixed cell.
    #[inline]
    pub fn candidates(&self, start: u32, len: u32) -> &[u32] {
        &self.candidates[start as usize..(start + len) as usize]
    }

    /// Number of cells, and of those answered without a polygon test.
    pub fn stats(&self) -> (usize, usize) {
        let inside = self
            .cells
            .iter()
            .filter(|c| !matches!(c, Cell::Mixed { .. }))
            .count();
        (self.cells.len(), inside)
    }
}
