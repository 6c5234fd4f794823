//! Public facilities: which grids host a school, market, hotel, kindergarten or
//! community office, and how they are placed (a campus parcel, a strip of buildings).

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::buildings::{gate, house_number, Building, Campus, Facility, Planner, PARCEL_GAP};
use super::frame::Rect;
use super::layout::{Cell, Layout};
use crate::model::BuildingUse;

/// Everything a facility building needs besides its place.
pub(super) struct FacilitySpec {
    facility: Facility,
    len: f64,
    depth: f64,
    floors: i32,
}

impl FacilitySpec {
    pub fn new(rng: &mut ChaCha8Rng, facility: Facility) -> Self {
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

/// Facilities reserved per community and grid, and the grids with a shop-front row.
pub(super) struct Reserved {
    pub facilities: Vec<Vec<Vec<Facility>>>,
    pub shop_front: Vec<(usize, usize)>,
}

/// Spreads the facilities over the grids: schools where the free rectangle is longest,
/// an office in every community, then markets, hotels and kindergartens.
pub(super) fn reserve(rng: &mut ChaCha8Rng, layout: &Layout) -> Reserved {
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
    /// A school campus, stored as a virtual grid: a teaching building to the north,
    /// a hall to the south-west, the sports ground in between.
    pub(super) fn school(&mut self, ci: usize, gi: usize, cell: &Cell, campus: Rect) {
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
    pub(super) fn facility_strip(
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
}
