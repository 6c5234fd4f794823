//! Buildings of the street in local metres: residential compounds (小区) of towers or
//! walk-ups, shop-front mixed buildings, and the public facilities (schools, markets,
//! hotels, kindergartens, community offices). Each grid's free rectangle is cut into
//! parcels, and the towers' floors are tuned so every standard grid holds 300–600
//! households.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::frame::{offset_rotated, rotated_box, Rect};
use super::layout::{Cell, Layout, Line, LineClass, EAST, NORTH, SOUTH, WEST};
use super::names::Names;
use crate::model::BuildingUse;

/// A non-residential purpose a grid can host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Facility {
    School,
    Office,
    Market,
    Hotel,
    Kindergarten,
}

/// A residential compound (小区).
#[derive(Debug, Clone)]
pub(super) struct Compound {
    pub name: String,
    pub walkup: bool,
    pub rect: Rect,
}

/// A school campus, stored as a virtual grid inside its standard grid.
#[derive(Debug, Clone)]
pub(super) struct Campus {
    pub community: usize,
    pub rect: Rect,
    pub name: String,
}

#[derive(Debug, Clone)]
pub(super) struct Building {
    pub community: usize,
    pub grid: usize,
    /// Index of the campus (virtual grid) the building belongs to.
    pub campus: Option<usize>,
    pub centre: (f64, f64),
    /// Rotation from east–west, radians counter-clockwise.
    pub angle: f64,
    pub len: f64,
    pub depth: f64,
    pub floors: i32,
    pub units: i32,
    /// Households per floor and unit.
    pub rooms: i32,
    /// Lowest floor with homes; 0 when the building has none.
    pub first_home_floor: i32,
    pub min_floors: i32,
    pub max_floors: i32,
    pub building_use: BuildingUse,
    pub building_type: &'static str,
    pub name: String,
    /// Index into the layout's lines of the address road.
    pub road: usize,
    pub house_number: String,
    pub compound: Option<usize>,
    pub building_no: Option<String>,
    pub facility: Option<Facility>,
    /// An internet café (网吧) on the ground floor.
    pub internet_cafe: bool,
}

impl Building {
    pub fn corners(&self) -> Vec<(f64, f64)> {
        rotated_box(self.centre, self.len, self.depth, self.angle)
    }

    pub fn households(&self) -> i32 {
        if self.first_home_floor == 0 {
            0
        } else {
            self.units * self.rooms * (self.floors - self.first_home_floor + 1).max(0)
        }
    }

    /// A point `d` metres in front of the middle of the south face (the entrance side).
    pub fn front(&self, d: f64) -> (f64, f64) {
        offset_rotated(self.centre, 0.0, -(self.depth / 2.0 + d), self.angle)
    }
}

/// The buildings and what they belong to.
#[derive(Debug, Clone, Default)]
pub(super) struct Plan {
    pub buildings: Vec<Building>,
    pub compounds: Vec<Compound>,
    pub campuses: Vec<Campus>,
    /// Lanes between compounds (class residential).
    pub lanes: Vec<Line>,
}

/// Households a standard grid aims at, before the ±40 tolerance of the tuning.
const TARGET: std::ops::RangeInclusive<i32> = 400..=500;
const TOLERANCE: i32 = 40;
/// Gap between parcels of a grid (m).
const PARCEL_GAP: f64 = 16.0;
/// Width of the gap holding a lane between two compounds.
const LANE_GAP: f64 = 20.0;

/// A building design shared by a compound.
#[derive(Debug, Clone, Copy)]
struct Style {
    walkup: bool,
    len: f64,
    depth: f64,
    angle: f64,
    units: i32,
    rooms: i32,
    min_floors: i32,
    max_floors: i32,
    usual_floors: f64,
    gap_x: f64,
    gap_y: f64,
}

impl Style {
    fn new(rng: &mut ChaCha8Rng, walkup: bool) -> Self {
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

    fn per_floor(&self) -> i32 {
        self.units * self.rooms
    }
}

/// Chooses how many of `n` slots to build and how high so the compound holds about
/// `target` households. Towers prefer using every slot, varying the homes per floor.
fn sizing(style: &mut Style, n: usize, target: i32) -> (usize, i32) {
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
struct Slots {
    centres: Vec<((f64, f64), usize, usize)>,
    rows: usize,
    cols: usize,
}

/// Lays out rows of slabs in `parcel`, shortening the slab if the parcel is narrow.
fn slots(rng: &mut ChaCha8Rng, style: &mut Style, parcel: Rect) -> Option<Slots> {
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

/// The best address side of `rect` inside `cell`: a road along a side the rectangle
/// touches, the biggest first; else the biggest road around the cell.
fn gate(cell: &Cell, rect: Rect) -> usize {
    let inner = cell.inner();
    let touching = [
        rect.y0 <= inner.y0 + 0.5,
        rect.x1 >= inner.x1 - 0.5,
        rect.y1 >= inner.y1 - 0.5,
        rect.x0 <= inner.x0 + 0.5,
    ];
    for only_touching in [true, false] {
        let mut best: Option<(u8, usize)> = None;
        for s in [SOUTH, EAST, WEST, NORTH] {
            let rank = cell.sides[s].class.address_rank();
            if rank == 0 || (only_touching && !touching[s]) {
                continue;
            }
            if best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, s));
            }
        }
        if let Some((_, s)) = best {
            return s;
        }
    }
    WEST
}

/// House number (门牌号) on the road of `side` for a gate at `pos`: numbers grow east-
/// and northwards, even on the north/east side of a road, odd on the other.
fn house_number(side: usize, pos: (f64, f64)) -> String {
    let along = if side == SOUTH || side == NORTH {
        pos.0
    } else {
        pos.1
    } + 300.0;
    let base = (along / 12.0).floor() as i32;
    let n = if side == SOUTH || side == WEST {
        2 * base + 2
    } else {
        2 * base + 1
    };
    n.to_string()
}

/// Everything a facility building needs besides its place.
struct FacilitySpec {
    facility: Facility,
    len: f64,
    depth: f64,
    floors: i32,
}

impl FacilitySpec {
    fn new(rng: &mut ChaCha8Rng, facility: Facility) -> Self {
        let (len, depth, floors): (f64, f64, i32) = match facility {
            Facility::Office => (
                rng.gen_range(30.0..40.0),
                rng.gen_range(16.0..20.0),
                rng.gen_range(3..=4),
            ),
            Facility::Market => (rng.gen_range(52.0..64.0), rng.gen_range(34.0..42.0), 2),
            Facility::Hotel => (
                rng.gen_range(40.0..50.0),
                rng.gen_range(15.0..18.0),
                rng.gen_range(8..=14),
            ),
            Facility::Kindergarten => (rng.gen_range(34.0..44.0), rng.gen_range(20.0..26.0), 3),
            Facility::School => (80.0, 17.0, 5),
        };
        FacilitySpec {
            facility,
            len: len.round(),
            depth: depth.round(),
            floors,
        }
    }
}

struct Planner<'a> {
    rng: &'a mut ChaCha8Rng,
    names: &'a mut Names,
    layout: &'a Layout,
    plan: Plan,
}

/// Plans every building of the street.
pub(super) fn plan(rng: &mut ChaCha8Rng, names: &mut Names, layout: &Layout) -> Plan {
    let reserved = reserve(rng, layout);
    let mut planner = Planner {
        rng,
        names,
        layout,
        plan: Plan::default(),
    };
    for (ci, community) in layout.communities.iter().enumerate() {
        let old_share = planner.rng.gen_range(0.2..0.55);
        for gi in 0..community.grids.len() {
            let facilities = &reserved.facilities[ci][gi];
            let shop = reserved.shop_front.contains(&(ci, gi));
            planner.grid(ci, gi, facilities, shop, old_share);
        }
    }
    // One or two internet cafés on the ground floor of shop-front buildings.
    let mixed: Vec<usize> = (0..planner.plan.buildings.len())
        .filter(|&i| planner.plan.buildings[i].building_use == BuildingUse::Mixed)
        .collect();
    let cafes = planner.rng.gen_range(1..=2);
    for &i in mixed.choose_multiple(planner.rng, cafes) {
        planner.plan.buildings[i].internet_cafe = true;
    }
    planner.plan
}

/// Facilities reserved per community and grid, and the grids with a shop-front row.
struct Reserved {
    facilities: Vec<Vec<Vec<Facility>>>,
    shop_front: Vec<(usize, usize)>,
}

fn reserve(rng: &mut ChaCha8Rng, layout: &Layout) -> Reserved {
    let inner: Vec<Vec<Rect>> = layout
        .communities
        .iter()
        .map(|c| c.grids.iter().map(Cell::inner).collect())
        .collect();
    let mut facilities: Vec<Vec<Vec<Facility>>> =
        inner.iter().map(|g| vec![Vec::new(); g.len()]).collect();
    let n = layout.communities.len();

    // Schools go to the grids with the longest free side.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, grids) in inner.iter().enumerate() {
        for (gi, r) in grids.iter().enumerate() {
            let score = r.w().max(r.h()) - if r.w().min(r.h()) < 100.0 { 1e3 } else { 0.0 };
            candidates.push((score, ci, gi));
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut school_grid: Vec<Option<usize>> = vec![None; n];
    let schools = if n >= 8 { 2 } else { 1 };
    for &(_, ci, gi) in &candidates {
        if school_grid.iter().flatten().count() >= schools {
            break;
        }
        if school_grid[ci].is_none() {
            school_grid[ci] = Some(gi);
            facilities[ci][gi].push(Facility::School);
        }
    }

    // The largest grid without a school, falling back to any grid.
    let largest = |ci: usize, avoid: &[Option<usize>]| -> usize {
        let grids = &inner[ci];
        let free = |gi: &usize| !avoid.contains(&Some(*gi));
        let pick = |filter: &dyn Fn(&usize) -> bool| {
            (0..grids.len())
                .filter(|gi| filter(gi))
                .max_by(|&a, &b| grids[a].area().total_cmp(&grids[b].area()))
        };
        pick(&free).or_else(|| pick(&|_| true)).unwrap_or(0)
    };
    let mut office_grid = vec![0; n];
    for ci in 0..n {
        office_grid[ci] = largest(ci, &[school_grid[ci]]);
        facilities[ci][office_grid[ci]].push(Facility::Office);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    for &ci in order.iter().take((n / 4).max(1)) {
        let gi = largest(ci, &[school_grid[ci], Some(office_grid[ci])]);
        facilities[ci][gi].push(Facility::Market);
    }
    let random_grid = |rng: &mut ChaCha8Rng, ci: usize| -> usize {
        let options: Vec<usize> = (0..inner[ci].len())
            .filter(|&gi| Some(gi) != school_grid[ci])
            .collect();
        options.choose(rng).copied().unwrap_or(0)
    };
    let hotels = if n >= 8 { 2 } else { 1 };
    for _ in 0..hotels {
        let ci = rng.gen_range(0..n);
        let gi = random_grid(rng, ci);
        facilities[ci][gi].push(Facility::Hotel);
    }
    for (ci, grids) in facilities.iter_mut().enumerate() {
        if rng.gen_bool(0.5) {
            grids[random_grid(rng, ci)].push(Facility::Kindergarten);
        }
    }
    for grids in &mut facilities {
        for list in grids {
            list.sort();
            list.dedup();
        }
    }
    let shop_front = (0..3)
        .map(|_| {
            let ci = rng.gen_range(0..n);
            (ci, rng.gen_range(0..inner[ci].len()))
        })
        .collect();
    Reserved {
        facilities,
        shop_front,
    }
}

impl Planner<'_> {
    fn cell(&self, ci: usize, gi: usize) -> &Cell {
        &self.layout.communities[ci].grids[gi]
    }

    fn grid(&mut self, ci: usize, gi: usize, facilities: &[Facility], shop: bool, old: f64) {
        let cell = self.cell(ci, gi).clone();
        let first = self.plan.buildings.len();
        let mut rest = cell.inner();
        if facilities.contains(&Facility::School) {
            let along_x = rest.w() >= rest.h();
            let long = rest.w().max(rest.h());
            let size = (long * self.rng.gen_range(0.4..0.5))
                .clamp(95.0, 150.0)
                .min(long - PARCEL_GAP - 75.0)
                .max(80.0)
                .round();
            let (campus, r) = if along_x {
                rest.split_x(size, self.rng.gen_bool(0.5), PARCEL_GAP)
            } else {
                rest.split_y(size, self.rng.gen_bool(0.5), PARCEL_GAP)
            };
            rest = r;
            self.school(ci, gi, &cell, campus);
        }
        let others: Vec<FacilitySpec> = facilities
            .iter()
            .filter(|&&f| f != Facility::School)
            .map(|&f| FacilitySpec::new(self.rng, f))
            .collect();
        if !others.is_empty() {
            rest = self.facility_strip(ci, gi, &cell, rest, others);
        }

        // One or two compounds, with a lane between two.
        let target = self.rng.gen_range(TARGET);
        let along_x = rest.w() >= rest.h();
        let long = rest.w().max(rest.h());
        let parcels = if long > 190.0 {
            let size = ((long - LANE_GAP) * self.rng.gen_range(0.42..0.58)).round();
            let (a, b) = if along_x {
                rest.split_x(size, true, LANE_GAP)
            } else {
                rest.split_y(size, true, LANE_GAP)
            };
            self.lane(&cell, rest, a, along_x);
            vec![a, b]
        } else {
            vec![rest]
        };
        let total_area: f64 = parcels.iter().map(Rect::area).sum();
        let riverside = cell.touches(LineClass::River);
        for (k, parcel) in parcels.iter().enumerate() {
            let share = (f64::from(target) * parcel.area() / total_area).round() as i32;
            let walkup = !riverside && self.rng.gen_bool(old);
            let shop = (shop && k == 0) || self.rng.gen_bool(0.12);
            self.compound(ci, gi, &cell, *parcel, share, walkup, shop);
        }
        self.tune(first, target);
    }

    /// Adjusts floors of the grid's homes until the household count is near `target`.
    fn tune(&mut self, first: usize, target: i32) {
        let homes: Vec<usize> = (first..self.plan.buildings.len())
            .filter(|&i| self.plan.buildings[i].first_home_floor > 0)
            .collect();
        if homes.is_empty() {
            return;
        }
        let count = |p: &Plan| -> i32 { homes.iter().map(|&i| p.buildings[i].households()).sum() };
        let mut total = count(&self.plan);
        let mut k = 0;
        let mut stuck = 0;
        while (total < target - TOLERANCE || total > target + TOLERANCE) && stuck < homes.len() {
            let b = &mut self.plan.buildings[homes[k % homes.len()]];
            k += 1;
            let before = b.households();
            if total < target && b.floors < b.max_floors {
                b.floors += 1;
            } else if total > target && b.floors > b.min_floors {
                b.floors -= 1;
            } else {
                stuck += 1;
                continue;
            }
            stuck = 0;
            total += b.households() - before;
        }
    }

    fn lane(&mut self, cell: &Cell, rest: Rect, first: Rect, along_x: bool) {
        let inner = cell.inner();
        let pts = if along_x {
            let x = first.x1 + LANE_GAP / 2.0;
            let y0 = if rest.y0 <= inner.y0 + 0.5 {
                cell.bottom.y_at(x)
            } else {
                rest.y0
            };
            let y1 = if rest.y1 >= inner.y1 - 0.5 {
                cell.top.y_at(x)
            } else {
                rest.y1
            };
            vec![(x, y0), (x, y1)]
        } else {
            let y = first.y1 + LANE_GAP / 2.0;
            let x0 = if rest.x0 <= inner.x0 + 0.5 {
                cell.xa
            } else {
                rest.x0
            };
            let x1 = if rest.x1 >= inner.x1 - 0.5 {
                cell.xb
            } else {
                rest.x1
            };
            vec![(x0, y), (x1, y)]
        };
        self.plan.lanes.push(Line {
            name: self.names.small_street(true),
            class: LineClass::Residential,
            pts,
        });
    }

    fn school(&mut self, ci: usize, gi: usize, cell: &Cell, campus: Rect) {
        let stem = &self.layout.communities[ci].stem;
        let name = format!("{stem}小学");
        let side = gate(cell, campus);
        let number = house_number(side, campus.centre());
        let index = self.plan.campuses.len();
        self.plan.campuses.push(Campus {
            community: ci,
            rect: campus,
            name: name.clone(),
        });
        let margin = 8.0;
        let teach_len = (campus.w() - 2.0 * margin).min(84.0).floor();
        let teach_depth = 17.0;
        let hall_len = 36.0_f64.min(campus.w() - 2.0 * margin);
        let hall_depth = 18.0;
        let parts = [
            (
                "教学楼",
                (
                    campus.x0 + margin + teach_len / 2.0,
                    campus.y1 - margin - teach_depth / 2.0,
                ),
                teach_len,
                teach_depth,
                self.rng.gen_range(4..=5),
            ),
            (
                "综合楼",
                (
                    campus.x0 + margin + hall_len / 2.0,
                    campus.y0 + margin + hall_depth / 2.0,
                ),
                hall_len,
                hall_depth,
                3,
            ),
        ];
        for (part, centre, len, depth, floors) in parts {
            self.plan.buildings.push(Building {
                community: ci,
                grid: gi,
                campus: Some(index),
                centre,
                angle: 0.0,
                len,
                depth,
                floors,
                units: 1,
                rooms: 0,
                first_home_floor: 0,
                min_floors: floors,
                max_floors: floors,
                building_use: BuildingUse::Public,
                building_type: "school",
                name: format!("{name}{part}"),
                road: cell.sides[side].line,
                house_number: number.clone(),
                compound: None,
                building_no: None,
                facility: Some(Facility::School),
                internet_cafe: false,
            });
        }
    }

    /// Places facilities in a strip along one side of `rest`; returns what is left.
    /// Facilities that do not fit are dropped, the least important first.
    fn facility_strip(
        &mut self,
        ci: usize,
        gi: usize,
        cell: &Cell,
        rest: Rect,
        mut specs: Vec<FacilitySpec>,
    ) -> Rect {
        const GAP: f64 = 15.0;
        const MIN_REST: f64 = 70.0;
        while !specs.is_empty() {
            let max_len = specs.iter().map(|s| s.len).fold(0.0, f64::max);
            let max_depth = specs.iter().map(|s| s.depth).fold(0.0, f64::max);
            let sum_len: f64 = specs.iter().map(|s| s.len).sum::<f64>();
            let sum_depth: f64 = specs.iter().map(|s| s.depth).sum::<f64>();
            let gaps = GAP * (specs.len() - 1) as f64;
            // Vertical strip (items stacked northwards) or horizontal strip (eastwards).
            let vertical_fits =
                sum_depth + gaps <= rest.h() && rest.w() - max_len - PARCEL_GAP >= MIN_REST;
            let horizontal_fits =
                sum_len + gaps <= rest.w() && rest.h() - max_depth - PARCEL_GAP >= MIN_REST;
            let vertical = match (vertical_fits, horizontal_fits) {
                (true, true) => rest.w() >= rest.h(),
                (v, h) if v || h => v,
                _ => {
                    specs.pop();
                    continue;
                }
            };
            let (strip, left) = if vertical {
                rest.split_x(max_len.ceil(), self.rng.gen_bool(0.5), PARCEL_GAP)
            } else {
                rest.split_y(max_depth.ceil(), self.rng.gen_bool(0.5), PARCEL_GAP)
            };
            let spare = if vertical {
                strip.h() - sum_depth
            } else {
                strip.w() - sum_len
            };
            let gap = spare / specs.len() as f64;
            let mut at = if vertical { strip.y0 } else { strip.x0 } + gap / 2.0;
            let side = gate(cell, strip);
            for spec in specs {
                let centre = if vertical {
                    let c = (strip.centre().0, at + spec.depth / 2.0);
                    at += spec.depth + gap;
                    c
                } else {
                    let c = (at + spec.len / 2.0, strip.centre().1);
                    at += spec.len + gap;
                    c
                };
                self.facility(ci, gi, cell, side, centre, spec);
            }
            return left;
        }
        rest
    }

    fn facility(
        &mut self,
        ci: usize,
        gi: usize,
        cell: &Cell,
        side: usize,
        centre: (f64, f64),
        spec: FacilitySpec,
    ) {
        let stem = self.layout.communities[ci].stem.clone();
        let (name, building_use, building_type) = match spec.facility {
            Facility::Office => (
                format!("{stem}社区党群服务中心"),
                BuildingUse::Public,
                "civic",
            ),
            Facility::Market => (
                self.names.business(self.rng, "农贸市场"),
                BuildingUse::Commercial,
                "retail",
            ),
            Facility::Hotel => {
                let suffix = if self.rng.gen_bool(0.5) {
                    "酒店"
                } else {
                    "宾馆"
                };
                (
                    self.names.business(self.rng, suffix),
                    BuildingUse::Commercial,
                    "hotel",
                )
            }
            Facility::Kindergarten => {
                (format!("{stem}幼儿园"), BuildingUse::Public, "kindergarten")
            }
            Facility::School => (format!("{stem}小学"), BuildingUse::Public, "school"),
        };
        self.plan.buildings.push(Building {
            community: ci,
            grid: gi,
            campus: None,
            centre,
            angle: 0.0,
            len: spec.len,
            depth: spec.depth,
            floors: spec.floors,
            units: 1,
            rooms: 0,
            first_home_floor: 0,
            min_floors: spec.floors,
            max_floors: spec.floors,
            building_use,
            building_type,
            name,
            road: cell.sides[side].line,
            house_number: house_number(side, centre),
            compound: None,
            building_no: None,
            facility: Some(spec.facility),
            internet_cafe: false,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn compound(
        &mut self,
        ci: usize,
        gi: usize,
        cell: &Cell,
        parcel: Rect,
        target: i32,
        walkup: bool,
        shop: bool,
    ) {
        let mut style = Style::new(self.rng, walkup);
        let mut slots = slots(self.rng, &mut style, parcel);
        let capacity = |s: &Option<Slots>, st: &Style| {
            s.as_ref().map_or(0, |s| {
                s.centres.len() as i32 * st.per_floor() * st.max_floors
            })
        };
        if walkup && capacity(&slots, &style) < target {
            // Too small for walk-ups: build towers instead.
            let mut tower = Style::new(self.rng, false);
            let tower_slots = self::slots(self.rng, &mut tower, parcel);
            if tower_slots.is_some() {
                style = tower;
                slots = tower_slots;
            }
        }
        if capacity(&slots, &style) < target {
            style.units = 4;
            style.rooms = 4;
        }
        let Some(slots) = slots else {
            return;
        };
        let name = self.names.compound(self.rng, style.walkup);
        let side = gate(cell, parcel);
        let number = house_number(side, parcel.centre());
        let index = self.plan.compounds.len();
        self.plan.compounds.push(Compound {
            name: name.clone(),
            walkup: style.walkup,
            rect: parcel,
        });

        // How many slabs, how high.
        let n = slots.centres.len();
        let (m, floors) = sizing(&mut style, n, target);
        let jitter = if style.walkup { 1 } else { 3 };
        let first = self.plan.buildings.len();
        for i in 0..m {
            let (centre, row, col) = slots.centres[i * n / m];
            let front_row = match side {
                SOUTH => row == 0,
                NORTH => row + 1 == slots.rows,
                WEST => col == 0,
                _ => col + 1 == slots.cols,
            };
            let floors = (floors + self.rng.gen_range(-jitter..=jitter))
                .clamp(style.min_floors, style.max_floors);
            let no = (i + 1).to_string();
            self.plan.buildings.push(Building {
                community: ci,
                grid: gi,
                campus: None,
                centre,
                angle: style.angle,
                len: style.len,
                depth: style.depth,
                floors,
                units: style.units,
                rooms: style.rooms,
                first_home_floor: 1,
                min_floors: style.min_floors,
                max_floors: style.max_floors,
                building_use: BuildingUse::Residential,
                building_type: if style.walkup {
                    "residential"
                } else {
                    "apartments"
                },
                name: format!("{name}{no}栋"),
                road: cell.sides[side].line,
                house_number: number.clone(),
                compound: Some(index),
                building_no: Some(no),
                facility: None,
                internet_cafe: false,
            });
            if shop && front_row {
                self.make_mixed(self.plan.buildings.len() - 1);
            }
        }
        if shop
            && !self.plan.buildings[first..]
                .iter()
                .any(|b| b.building_use == BuildingUse::Mixed)
        {
            self.make_mixed(first);
        }
    }

    /// Shops on the ground floor, homes above (商住楼).
    fn make_mixed(&mut self, i: usize) {
        let b = &mut self.plan.buildings[i];
        b.building_use = BuildingUse::Mixed;
        b.first_home_floor = 2;
        b.min_floors = b.min_floors.max(3);
        b.floors = b.floors.max(b.min_floors);
    }
}
