//! Video cameras by the five placement priorities: traffic nodes at crossroads and
//! bridges, crowds at markets and school gates, key institutions (schools, community
//! offices), high-crime alleys and corners, and special trades (hotels, internet cafés).

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::buildings::{Facility, Plan};
use super::frame::Frame;
use super::layout::{Layout, LineClass};
use crate::model::{CameraClass, CameraRecord, CameraStatus};

/// A camera in local metres before it becomes a record.
struct Spot {
    at: (f64, f64),
    /// Where it looks at.
    target: (f64, f64),
    name: String,
    class: CameraClass,
}

/// Compass bearing (clockwise from north) from `a` to `b`.
fn bearing(a: (f64, f64), b: (f64, f64)) -> f64 {
    (b.0 - a.0).atan2(b.1 - a.1).to_degrees().rem_euclid(360.0)
}

pub(super) fn cameras(
    rng: &mut ChaCha8Rng,
    frame: &Frame,
    layout: &Layout,
    plan: &Plan,
) -> Vec<CameraRecord> {
    let mut spots = Vec::new();
    traffic(rng, layout, &mut spots);
    for b in &plan.buildings {
        let face = b.front(8.0);
        match b.facility {
            Some(Facility::Market) => spots.push(Spot {
                at: face,
                target: b.centre,
                name: format!("{}门口", b.name),
                class: CameraClass::CrowdGathering,
            }),
            Some(Facility::Office) => spots.push(Spot {
                at: face,
                target: b.centre,
                name: b.name.clone(),
                class: CameraClass::KeyInstitution,
            }),
            Some(Facility::Hotel) => spots.push(Spot {
                at: face,
                target: b.centre,
                name: format!("{}入口", b.name),
                class: CameraClass::SpecialTrade,
            }),
            _ => {}
        }
        if b.internet_cafe {
            spots.push(Spot {
                at: b.front(6.0),
                target: b.centre,
                name: format!("{}{}号网吧门口", layout.lines[b.road].name, b.house_number),
                class: CameraClass::SpecialTrade,
            });
        }
    }
    for campus in &plan.campuses {
        let r = campus.rect;
        let gate = (r.centre().0, r.y0);
        spots.push(Spot {
            at: (gate.0 + 4.0, gate.1 - 6.0),
            target: (gate.0, gate.1 + 10.0),
            name: format!("{}校门", campus.name),
            class: CameraClass::CrowdGathering,
        });
        spots.push(Spot {
            at: (r.x1 - 3.0, r.y1 - 3.0),
            target: r.centre(),
            name: format!("{}东北角围墙", campus.name),
            class: CameraClass::KeyInstitution,
        });
    }
    high_crime(rng, layout, plan, &mut spots);

    let mut records: Vec<CameraRecord> = spots
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let roll: f64 = rng.gen();
            let status = if roll < 0.86 {
                CameraStatus::Online
            } else if roll < 0.95 {
                CameraStatus::Offline
            } else {
                CameraStatus::Fault
            };
            let direction = (bearing(s.at, s.target) + rng.gen_range(-8.0..8.0)).rem_euclid(360.0);
            CameraRecord {
                source_id: format!("demo:camera:{:04}", i + 1),
                location: frame.point(s.at),
                name: Some(s.name),
                class: Some(s.class),
                direction_deg: Some(direction.round().rem_euclid(360.0)),
                fov_deg: Some(f64::from(rng.gen_range(60..=110))),
                range_m: Some(f64::from(rng.gen_range(30..=80))),
                stream_url: None,
                status,
            }
        })
        .collect();
    // Make sure the map shows every status at least once.
    for (k, status) in [(0, CameraStatus::Offline), (1, CameraStatus::Fault)] {
        if !records.iter().any(|c| c.status == status) {
            let i = records.len() - 1 - k;
            records[i].status = status;
        }
    }
    records
}

/// Corner cameras at the crossroads of main roads, bridgehead cameras on bridges.
fn traffic(rng: &mut ChaCha8Rng, layout: &Layout, spots: &mut Vec<Spot>) {
    let inside = |p: (f64, f64)| {
        p.0 > 0.0
            && p.0 < layout.width
            && p.1 > layout.south.y_at(p.0)
            && p.1 < layout.north.y_at(p.0)
    };
    for c in &layout.crossings {
        let v = &layout.lines[c.vertical];
        let h = &layout.lines[c.horizontal];
        if c.bridge {
            let north = rng.gen_bool(0.5);
            let dy = if north { 25.0 } else { -25.0 };
            let at = (c.at.0 + 10.0, c.at.1 + dy);
            if inside(at) {
                spots.push(Spot {
                    at,
                    target: c.at,
                    name: format!(
                        "{}{}桥{}桥头",
                        v.name,
                        h.name,
                        if north { "北" } else { "南" }
                    ),
                    class: CameraClass::TrafficNode,
                });
            }
            continue;
        }
        let mut corners: Vec<(&str, f64, f64)> = [
            ("东北", 12.0, 12.0),
            ("西北", -12.0, 12.0),
            ("东南", 12.0, -12.0),
            ("西南", -12.0, -12.0),
        ]
        .into_iter()
        .filter(|&(_, dx, dy)| inside((c.at.0 + dx, c.at.1 + dy)))
        .collect();
        corners.shuffle(rng);
        let big = v.class == LineClass::Primary && h.class == LineClass::Primary;
        for &(corner, dx, dy) in corners.iter().take(if big { 2 } else { 1 }) {
            spots.push(Spot {
                at: (c.at.0 + dx, c.at.1 + dy),
                target: c.at,
                name: format!("{}与{}路口{}角", h.name, v.name, corner),
                class: CameraClass::TrafficNode,
            });
        }
    }
}

/// A few cameras at alley mouths and behind old walk-up compounds.
fn high_crime(rng: &mut ChaCha8Rng, layout: &Layout, plan: &Plan, spots: &mut Vec<Spot>) {
    let mut candidates = Vec::new();
    for lane in &plan.lanes {
        let (a, b) = (lane.pts[0], lane.pts[lane.pts.len() - 1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let at = (a.0 + ux * 8.0 - uy * 4.0, a.1 + uy * 8.0 + ux * 4.0);
        candidates.push(Spot {
            at,
            target: (a.0 + ux * 40.0, a.1 + uy * 40.0),
            name: format!("{}巷口", lane.name.trim_end_matches('巷')),
            class: CameraClass::HighCrime,
        });
    }
    for compound in plan.compounds.iter().filter(|c| c.walkup) {
        let r = compound.rect;
        candidates.push(Spot {
            at: (r.x1 + 4.0, r.y1 + 4.0),
            target: (r.x1 + 4.0, r.y0),
            name: format!("{}后巷", compound.name),
            class: CameraClass::HighCrime,
        });
    }
    // Mouths of the small streets between grids.
    for line in layout
        .lines
        .iter()
        .filter(|l| l.class == LineClass::Tertiary)
    {
        let (a, b) = (line.pts[0], line.pts[line.pts.len() - 1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        candidates.push(Spot {
            at: (a.0 + ux * 14.0 - uy * 5.0, a.1 + uy * 14.0 + ux * 5.0),
            target: (a.0 + ux * 60.0, a.1 + uy * 60.0),
            name: format!("{}口", line.name),
            class: CameraClass::HighCrime,
        });
    }
    let n = rng.gen_range(4..=6).min(candidates.len());
    let mut picked: Vec<usize> = rand::seq::index::sample(rng, candidates.len(), n).into_vec();
    picked.sort_unstable();
    let mut candidates: Vec<Option<Spot>> = candidates.into_iter().map(Some).collect();
    for i in picked {
        if let Some(s) = candidates[i].take() {
            spots.push(s);
        }
    }
}
