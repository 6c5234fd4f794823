//! Hard barrier lines (walls, rivers, arterial roads): an R-tree of their segments, asked
//! whether the segment between two seeds crosses any of them.

use geo::{Coord, Intersects, Line};
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{RTree, AABB};

/// The segments of the hard barriers, in local metres.
pub(super) struct Barriers {
    tree: RTree<GeomWithData<RLine<[f64; 2]>, Line<f64>>>,
}

impl Barriers {
    /// An index over `segments` (zero-length segments are kept: a point barrier on the
    /// seed segment still blocks it).
    pub(super) fn new(segments: Vec<Line<f64>>) -> Self {
        let items = segments
            .into_iter()
            .map(|l| GeomWithData::new(RLine::new([l.start.x, l.start.y], [l.end.x, l.end.y]), l))
            .collect();
        Barriers {
            tree: RTree::bulk_load(items),
        }
    }

    /// Whether the segment `a`–`b` meets (crosses or touches) any barrier segment.
    pub(super) fn blocks(&self, a: Coord<f64>, b: Coord<f64>) -> bool {
        let env = AABB::from_corners([a.x.min(b.x), a.y.min(b.y)], [a.x.max(b.x), a.y.max(b.y)]);
        let seg = Line::new(a, b);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .any(|g| g.data.intersects(&seg))
    }
}
