//! The slab design of a compound: building size, orientation and spacing, rows of
//! slots in a parcel, and how many slabs of how many floors give the wanted households.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::frame::Rect;

/// A building design shared by a compound.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub walkup: bool,
    pub len: f64,
    pub depth: f64,
    pub angle: f64,
    pub units: i32,
    pub rooms: i32,
    pub min_floors: i32,
    pub max_floors: i32,
    pub usual_floors: f64,
    pub gap_x: f64,
    pub gap_y: f64,
}

impl Style {
    pub fn new(rng: &mut ChaCha8Rng, walkup: bool) -> Self {
        let angle = if rng.gen_bool(0.45) {
            0.0
        } else {
            rng.gen_range(-5.0_f64..5.0).to_radians()
        };
        if walkup {
            let units = rng.gen_range(3..=5);
            Style {
                walkup,
                len: (f64::from(units) * rng.gen_range(11.5..13.5)).min(68.0),
                depth: rng.gen_range(11.0..13.0),
                angle,
                units,
                rooms: 2,
                min_floors: 5,
                max_floors: 7,
                usual_floors: 6.0,
                gap_x: rng.gen_range(10.0..14.0),
                gap_y: rng.gen_range(16.0..22.0),
            }
        } else {
            Style {
                walkup,
                len: rng.gen_range(50.0..70.0),
                depth: rng.gen_range(12.0..16.0),
                angle,
                units: rng.gen_range(2..=4),
                rooms: rng.gen_range(2..=4),
                min_floors: 6,
                max_floors: 33,
                usual_floors: rng.gen_range(10.0..28.0),
                gap_x: rng.gen_range(15.0..22.0),
                gap_y: rng.gen_range(30.0..45.0),
            }
        }
    }

    /// Size of the rotated footprint's bounding box.
    fn bbox(&self) -> (f64, f64) {
        let (s, c) = self.angle.abs().sin_cos();
        (self.len * c + self.depth * s, self.len * s + self.depth * c)
    }

    pub fn per_floor(&self) -> i32 {
        self.units * self.rooms
    }
}

/// Chooses how many of `n` slots to build and how high so the compound holds about
/// `target` households. Towers prefer using every slot, varying the homes per floor.
pub(super) fn sizing(style: &mut Style, n: usize, target: i32) -> (usize, i32) {
    let t = f64::from(target);
    let floors_for = |m: usize, per: i32| t / (m as f64 * f64::from(per));
    if !style.walkup {
        let mut best: Option<(f64, i32, i32)> = None;
        for units in 2..=4 {
            for rooms in 2..=4 {
                let f = floors_for(n, units * rooms);
                let score = (f - style.usual_floors).abs();
                if (8.0..=33.0).contains(&f) && best.is_none_or(|(b, _, _)| score < b) {
                    best = Some((score, units, rooms));
                }
            }
        }
        match best {
            Some((_, units, rooms)) => {
                style.units = units;
                style.rooms = rooms;
                let f = floors_for(n, units * rooms).round() as i32;
                return (n, f.clamp(style.min_floors, style.max_floors));
            }
            None if floors_for(n, 4) < 8.0 => {
                style.units = 2;
                style.rooms = 2;
            }
            None => {
                style.units = 4;
                style.rooms = 4;
                let f = floors_for(n, 16).round() as i32;
                return (n, f.clamp(style.min_floors, style.max_floors));
            }
        }
    }
    let per = style.per_floor();
    let m = ((t / (f64::from(per) * style.usual_floors)).round() as usize).clamp(1, n);
    let floors = (floors_for(m, per).round() as i32).clamp(style.min_floors, style.max_floors);
    (m, floors)
}

/// Slot centres of a compound (row-major from the south-west) and the row/column count.
pub(super) struct Slots {
    pub centres: Vec<((f64, f64), usize, usize)>,
    pub rows: usize,
    pub cols: usize,
}

/// Lays out rows of slabs in `parcel`, shortening the slab if the parcel is narrow.
pub(super) fn slots(rng: &mut ChaCha8Rng, style: &mut Style, parcel: Rect) -> Option<Slots> {
    if style.bbox().0 > parcel.w() {
        style.angle = 0.0;
        style.len = (parcel.w() - 1.0).floor();
        if style.walkup {
            style.units = ((style.len / 12.0) as i32).max(2);
        }
        if style.len < 30.0 {
            return None;
        }
    }
    let (bw, bh) = style.bbox();
    if bh > parcel.h() {
        return None;
    }
    let cols = ((parcel.w() + style.gap_x) / (bw + style.gap_x)).floor() as usize;
    let rows = ((parcel.h() + style.gap_y) / (bh + style.gap_y)).floor() as usize;
    // Spread the spare room: most into wider gaps, the rest as a margin.
    let spread = |n: usize, size: f64, b: f64, gap: f64, rng: &mut ChaCha8Rng| {
        let spare = size - (n as f64 * b + (n - 1) as f64 * gap);
        let gap = if n > 1 {
            gap + spare * 0.6 / (n - 1) as f64
        } else {
            gap
        };
        let left = size - (n as f64 * b + (n - 1) as f64 * gap);
        (left * rng.gen_range(0.3..0.7), gap)
    };
    let (mx, gx) = spread(cols, parcel.w(), bw, style.gap_x, rng);
    let (my, gy) = spread(rows, parcel.h(), bh, style.gap_y, rng);
    let mut centres = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            centres.push((
                (
                    parcel.x0 + mx + bw / 2.0 + c as f64 * (bw + gx),
                    parcel.y0 + my + bh / 2.0 + r as f64 * (bh + gy),
                ),
                r,
                c,
            ));
        }
    }
    Some(Slots {
        centres,
        rows,
        cols,
    })
}
