//! Cutting one tile: the features meeting the tile (plus a buffer), moved to tile
//! coordinates (extent 4096, y down), clipped to the buffered tile, simplified in tile
//! units (so the tolerance in metres halves at every zoom level), rounded to integers
//! with MVT winding (exterior rings positive area), and encoded with geozero.

use geo::{BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect, Simplify};
use geozero::mvt::tile::{Feature, Layer};
use geozero::mvt::{Message, TagsBuilder, Tile};
use geozero::ToMvt;

use super::source::{Properties, TileSet, HALF_WORLD};

/// Tile coordinate units per tile side.
pub const EXTENT: u32 = 4096;
/// Buffer around the tile, in tile units, so strokes at tile edges join seamlessly.
pub const BUFFER: f64 = 64.0;
/// Simplification tolerance, in tile units (a quarter of a pixel on a 1024-unit tile).
pub const TOLERANCE: f64 = 1.0;

/// The Web Mercator box of tile `z/x/y`: `(left, top, size)` in metres.
pub fn tile_box(z: u8, x: u32, y: u32) -> (f64, f64, f64) {
    let size = 2.0 * HALF_WORLD / f64::from(1u32 << z);
    (
        -HALF_WORLD + f64::from(x) * size,
        HALF_WORLD - f64::from(y) * size,
        size,
    )
}

/// Which features a caller may see, by `(grid, community)`.
pub type Visible = dyn Fn(Option<i64>, Option<i64>) -> bool + Send + Sync;

/// The encoded tile with layer `name` of the features `visible` keeps, or `None` when
/// none falls in it.
pub fn cut<P: Properties>(
    set: &TileSet<P>,
    name: &str,
    (z, x, y): (u8, u32, u32),
    visible: &Visible,
) -> Option<Vec<u8>> {
    let (left, top, size) = tile_box(z, x, y);
    let extent = f64::from(EXTENT);
    let scale = extent / size;
    let margin = BUFFER / scale;
    let candidates = set.meeting(
        [left - margin, top - size - margin],
        [left + size + margin, top + margin],
    );
    if candidates.is_empty() {
        return None;
    }
    let clip = Rect::new(
        Coord {
            x: -BUFFER,
            y: -BUFFER,
        },
        Coord {
            x: extent + BUFFER,
            y: extent + BUFFER,
        },
    );
    let mut tags = TagsBuilder::new();
    let mut props = Vec::new();
    let mut features = Vec::with_capacity(candidates.len());
    for f in candidates {
        if !visible(f.properties.grid_id(), f.properties.community_id()) {
            continue;
        }
        let to_tile = |c: &Coord<f64>| Coord {
            x: (c.x - left) * scale,
            y: (top - c.y) * scale,
        };
        let mut shape = MultiPolygon(
            f.geometry
                .0
                .iter()
                .map(|p| {
                    Polygon::new(
                        p.exterior().0.iter().map(to_tile).collect(),
                        p.interiors()
                            .iter()
                            .map(|r| r.0.iter().map(to_tile).collect())
                            .collect(),
                    )
                })
                .collect(),
        );
        let Some(r) = shape.bounding_rect() else {
            continue;
        };
        let inside = r.min().x >= clip.min().x
            && r.min().y >= clip.min().y
            && r.max().x <= clip.max().x
            && r.max().y <= clip.max().y;
        if !inside {
            shape = shape.intersection(&clip.to_polygon());
        }
        let shape = integer_polygons(&shape.simplify(TOLERANCE));
        if shape.0.is_empty() {
            continue;
        }
        let Ok(mut feature) = geo::Geometry::MultiPolygon(shape).to_mvt_unscaled() else {
            continue;
        };
        feature.id = Some(f.properties.id());
        props.clear();
        f.properties.tags(&mut props);
        for (key, value) in props.drain(..) {
            let (k, v) = tags.insert_ref(key, value);
            feature.tags.push(k);
            feature.tags.push(v);
        }
        features.push(feature);
    }
    if features.is_empty() {
        return None;
    }
    Some(encode(name, features, tags))
}

fn encode(name: &str, features: Vec<Feature>, tags: TagsBuilder) -> Vec<u8> {
    let (keys, values) = tags.into_tags();
    let tile = Tile {
        layers: vec![Layer {
            version: 2,
            name: name.to_string(),
            features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        }],
    };
    tile.encode_to_vec()
}

/// Twice the signed area of a closed ring (positive: clockwise on screen, y down).
fn doubled_area(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// A ring rounded to integer tile units without repeated points, oriented with the sign
/// `exterior` asks for; `None` when it collapses (fewer than 3 distinct points or no area).
fn integer_ring(ring: &LineString<f64>, exterior: bool) -> Option<LineString<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for c in &ring.0 {
        let c = Coord {
            x: c.x.round(),
            y: c.y.round(),
        };
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return None;
    }
    out.push(out[0]);
    let area = doubled_area(&out);
    if area == 0.0 {
        return None;
    }
    if (area > 0.0) != exterior {
        out.reverse();
    }
    Some(LineString(out))
}

/// Polygons rounded to integer tile units with MVT winding; collapsed rings are dropped
/// (a polygon whose exterior collapses is dropped with its holes).
fn integer_polygons(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon(
        shape
            .0
            .iter()
            .filter_map(|p| {
                let exterior = integer_ring(p.exterior(), true)?;
                let holes = p
                    .interiors()
                    .iter()
                    .filter_map(|r| integer_ring(r, false))
                    .collect();
                Some(Polygon::new(exterior, holes))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_boxes_cover_the_world() {
        let (l, t, s) = tile_box(0, 0, 0);
        assert_eq!((l, t, s), (-HALF_WORLD, HALF_WORLD, 2.0 * HALF_WORLD));
        let (l, t, s) = tile_box(1, 1, 1);
        assert_eq!((l, t, s), (0.0, 0.0, HALF_WORLD));
    }

    #[test]
    fn rings_get_mvt_winding_and_collapse_when_tiny() {
        // Counter-clockwise on screen (negative area in y-down coordinates).
        let ccw = LineString::from(vec![
            (0.0, 0.0),
            (0.0, 10.0),
            (10.0, 10.0),
            (10.0, 0.0),
            (0.0, 0.0),
        ]);
        let ext = integer_ring(&ccw, true).unwrap();
        assert!(doubled_area(&ext.0) > 0.0);
        let hole = integer_ring(&ccw, false).unwrap();
        assert!(doubled_area(&hole.0) < 0.0);
        let tiny = LineString::from(vec![(0.1, 0.1), (0.2, 0.1), (0.2, 0.2), (0.1, 0.1)]);
        assert!(integer_ring(&tiny, true).is_none());
    }
}
