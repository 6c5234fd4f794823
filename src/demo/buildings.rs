//! Buildings of the street in local metres. Each grid's free rectangle is cut into
//! parcels: a school campus or a strip of facilities (see `facilities`), then one or
//! two residential compounds (小区) of towers or walk-ups (see `slabs`), some with
//! shops on the ground floor. Floors are tuned so every standard grid holds 300–600
//! households.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::facilities::{reserve, FacilitySpec};
use super::frame::{offset_rotated, rotated_box, Rect};
use super::layout::{Cell, Layout, Line, LineClass, EAST, NORTH, SOUTH, WEST};
use super::names::Names;
use super::slabs::{sizing, slots, Slots, Style};
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
pub(super) const PARCEL_GAP: f64 = 16.0;
/// Width of the gap holding a lane between two compounds.
const LANE_GAP: f64 = 20.0;

/// The best address side of `rect` inside `cell`: a road along a side the rectangle
/// touches, the biggest first; else the biggest road around the cell.
pub(super) fn gate(cell: &Cell, rect: Rect) -> usize {
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
pub(super) fn house_number(side: usize, pos: (f64, f64)) -> String {
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

/// Plans the buildings grid by grid.
pub(super) struct Planner<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub names: &'a mut Names,
    pub layout: &'a Layout,
    pub plan: Plan,
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
