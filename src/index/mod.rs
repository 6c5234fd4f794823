//! The in-memory lookup index: which grid is responsible for a point.
//!
//! A [`GridIndex`] is an immutable snapshot of the published grids, their regions and
//! workers: an R-tree (rstar) over the envelopes of the grids' polygon parts, exact
//! point-in-polygon tests (geo), and a [`cells`] cache that answers most points without
//! any polygon test. [`LiveIndex`] holds the current snapshot and swaps in a new one,
//! built aside, whenever the store's grids revision changes (see [`crate::live`]).
//! Reads the [`store`](crate::store); never writes.

mod cells;
pub mod synthetic;

use std::borrow::Cow;
use std::collections::HashMap;

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Coord, MultiPolygon, Polygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde::Serialize;

use crate::live::{build_blocking, Live, Snapshot};
use crate::model::{GridKind, RegionLevel};
use crate::store::{Grid, Region, Store, StoreError, UnitAssignment, Worker, GRIDS_REVISION};

/// The grid index a server answers from, following the store.
pub type LiveIndex = Live<GridIndex>;

impl Snapshot for GridIndex {
    const REVISION: &'static str = GRIDS_REVISION;
    const WHAT: &'static str = "lookup index";

    async fn load(store: &Store, revision: i64) -> Result<Self, StoreError> {
        let grids = store.grids(None).await?;
        let regions = store.regions(None, None).await?;
        let workers = store.workers_by_grid().await?;
        let units = store.current_unit_assignment().await?;
        build_blocking("lookup index", move || {
            GridIndex::build(revision, grids, regions, workers).with_units(units)
        })
        .await
    }

    fn revision(&self) -> i64 {
        self.revision
    }
}

/// A grid as the index keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct GridRef {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: GridKind,
}

/// A region as lookup results show it.
#[derive(Debug, Clone, Serialize)]
pub struct RegionRef {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub level: RegionLevel,
    #[serde(skip)]
    parent_id: Option<i64>,
}

// serde's skip_serializing_if hands over a reference to the field itself.
#[allow(clippy::ptr_arg)]
fn is_empty(list: &Cow<'_, [UnitGrid]>) -> bool {
    list.is_empty()
}

/// A unit (单元) of a building split between grids, and the grid holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitGrid {
    pub unit: i32,
    pub grid_id: i64,
    pub code: String,
}

/// The answer for one point inside a grid: the grid, its community, street and district,
/// and the workers responsible.
#[derive(Debug, Clone, Serialize)]
pub struct Responsible<'a> {
    pub grid: &'a GridRef,
    pub community: Option<&'a RegionRef>,
    pub street: Option<&'a RegionRef>,
    pub district: Option<&'a RegionRef>,
    pub workers: &'a [Worker],
    /// When the grid is one of the grids of a building split by unit (which share the
    /// building's cell): every unit of that building and the grid holding it.
    #[serde(skip_serializing_if = "is_empty")]
    pub by_unit: Cow<'a, [UnitGrid]>,
}

struct IndexedGrid {
    grid: GridRef,
    community_id: i64,
    workers: Vec<Worker>,
    by_unit: Vec<UnitGrid>,
}

type PartTree = RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>;

/// An immutable snapshot of the published grids for point lookups.
pub struct GridIndex {
    revision: i64,
    /// Sorted by grid id: on a shared edge the lowest index wins, which is the lowest id.
    grids: Vec<IndexedGrid>,
    /// Polygon parts with the index of their grid.
    parts: Vec<(u32, Polygon<f64>)>,
    tree: PartTree,
    cells: Option<cells::CellCache>,
    regions: HashMap<i64, RegionRef>,
}

impl GridIndex {
    /// Builds a snapshot from published grids, all regions and the workers of each grid.
    pub fn build(
        revision: i64,
        mut grids: Vec<Grid>,
        regions: Vec<Region>,
        mut workers: HashMap<i64, Vec<Worker>>,
    ) -> GridIndex {
        grids.sort_by_key(|g| g.id);
        let mut parts = Vec::new();
        let mut indexed = Vec::with_capacity(grids.len());
        for (i, g) in grids.into_iter().enumerate() {
            for polygon in g.boundary.0 {
                parts.push((i as u32, polygon));
            }
            indexed.push(IndexedGrid {
                by_unit: Vec::new(),
                workers: workers.remove(&g.id).unwrap_or_default(),
                community_id: g.community_id,
                grid: GridRef {
                    id: g.id,
                    code: g.code,
                    name: g.name,
                    kind: g.kind,
                },
            });
        }
        let tree = RTree::bulk_load(
            parts
                .iter()
                .enumerate()
                .filter_map(|(i, (_, p))| {
                    let r = p.bounding_rect()?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i as u32,
                    ))
                })
                .collect(),
        );
        let regions = regions
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    RegionRef {
                        id: r.id,
                        name: r.name,
                        code: r.code,
                        level: r.level,
                        parent_id: r.parent_id,
                    },
                )
            })
            .collect();
        let mut index = GridIndex {
            revision,
            grids: indexed,
            parts,
            tree,
            cells: None,
            regions,
        };
        let extent =
            MultiPolygon(index.parts.iter().map(|(_, p)| p.clone()).collect()).bounding_rect();
        if let Some(extent) = extent {
            index.cells = cells::CellCache::build(
                &index.parts,
                extent,
                |r| index.parts_meeting(r),
                |c| index.locate_exact(c),
            );
        }
        index
    }

    /// Adds the units of buildings split between grids (as
    /// [`Store::current_unit_assignment`] lists them): each grid holding units of such a
    /// building answers with the building's whole list in [`Responsible::by_unit`].
    pub fn with_units(mut self, units: Vec<UnitAssignment>) -> GridIndex {
        let mut by_building: HashMap<i64, Vec<UnitGrid>> = HashMap::new();
        for u in units {
            by_building
                .entry(u.building_id)
                .or_default()
                .push(UnitGrid {
                    unit: u.unit,
                    grid_id: u.grid_id,
                    code: u.grid_code,
                });
        }
        for list in by_building.into_values() {
            let mut list = list;
            list.sort_by_key(|u| u.unit);
            let mut grids: Vec<i64> = list.iter().map(|u| u.grid_id).collect();
            grids.sort_unstable();
            grids.dedup();
            for id in grids {
                if let Ok(i) = self.grids.binary_search_by_key(&id, |g| g.grid.id) {
                    self.grids[i].by_unit = list.clone();
                }
            }
        }
        self
    }

    /// The store revision this snapshot was built from.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    /// Number of grids.
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    /// True when there is no grid.
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// Parts whose envelope meets a rectangle, in ascending order.
    fn parts_meeting(&self, r: Rect<f64>) -> Vec<u32> {
        let aabb = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut list: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&aabb)
            .map(|e| e.data)
            .collect();
        list.sort_unstable();
        list
    }

    /// The grid among `parts` responsible for the point: the lowest grid containing it in
    /// its interior; for a point only on boundaries (a shared edge), the lowest grid it
    /// touches.
    #[inline]
    fn first_containing(&self, parts: impl Iterator<Item = u32>, p: Coord<f64>) -> Option<u32> {
        let mut inside: Option<u32> = None;
        let mut on_edge: Option<u32> = None;
        for i in parts {
            let (g, polygon) = &self.parts[i as usize];
            match polygon.coordinate_position(&p) {
                CoordPos::Inside => inside = Some(inside.map_or(*g, |x| x.min(*g))),
                CoordPos::OnBoundary => on_edge = Some(on_edge.map_or(*g, |x| x.min(*g))),
                CoordPos::Outside => {}
            }
        }
        inside.or(on_edge)
    }

    /// The slow path: R-tree candidates and exact tests, no cell cache.
    fn locate_exact(&self, p: Coord<f64>) -> Option<u32> {
        let candidates = self.tree.locate_all_at_point(&[p.x, p.y]).map(|e| e.data);
        self.first_containing(candidates, p)
    }

    /// The grid containing `(lon, lat)`: a point on an edge shared by two grids belongs to
    /// the one with the lower id (where grids overlap, one containing the point in its
    /// interior wins); `None` outside every grid.
    #[inline]
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&GridRef> {
        let p = Coord { x: lon, y: lat };
        let found = match self
            .cells
            .as_ref()
            .and_then(|c| c.cell(lon, lat).map(|cell| (c, cell)))
        {
            Some((_, cells::Cell::Empty)) => None,
            Some((_, cells::Cell::Inside(g))) => Some(g),
            Some((c, cells::Cell::Mixed { start, len })) => {
                self.first_containing(c.candidates(start, len).iter().copied(), p)
            }
            None => self.locate_exact(p),
        };
        found.map(|g| &self.grids[g as usize].grid)
    }

    /// [`locate`](Self::locate) without the cell cache (for checking the cache).
    pub fn locate_uncached(&self, lon: f64, lat: f64) -> Option<&GridRef> {
        self.locate_exact(Coord { x: lon, y: lat })
            .map(|g| &self.grids[g as usize].grid)
    }

    /// Everything about the grid responsible for `(lon, lat)`.
    pub fn responsible(&self, lon: f64, lat: f64) -> Option<Responsible<'_>> {
        let grid = self.locate(lon, lat)?;
        let entry = self
            .grids
            .binary_search_by_key(&grid.id, |g| g.grid.id)
            .ok()?;
        let entry = &self.grids[entry];
        let community = self.regions.get(&entry.community_id);
        let mut street = None;
        let mut district = None;
        let mut parent = community.and_then(|c| c.parent_id);
        // Walk up at most a few levels (a cycle in bad data must not hang a lookup).
        for _ in 0..4 {
            let Some(r) = parent.and_then(|id| self.regions.get(&id)) else {
                break;
            };
            match r.level {
                RegionLevel::Street if street.is_none() => street = Some(r),
                RegionLevel::District if district.is_none() => district = Some(r),
                _ => {}
            }
            parent = r.parent_id;
        }
        Some(Responsible {
            grid,
            community,
            street,
            district,
            workers: &entry.workers,
            by_unit: Cow::Borrowed(&entry.by_unit),
        })
    }

    /// Cells of the cache, and of those answered without a polygon test.
    pub fn cache_stats(&self) -> (usize, usize) {
        self.cells.as_ref().map(|c| c.stats()).unwrap_or((0, 0))
    }
}

#[cfg(test)]
mod tests;
