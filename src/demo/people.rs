//! Households of every home and the (fictitious) people living in them: family
//! composition, owner/tenant status, floating population and care tags.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::buildings::Building;
use super::names::{phone, Names};
use crate::model::{HouseholdRecord, HouseholdStatus, PersonRecord, ResidenceType};

/// The year ages are counted from.
pub(super) const YEAR: i32 = 2025;

/// One resident before it becomes a record.
struct Member {
    relation: &'static str,
    age: i32,
    male: bool,
    floating: bool,
    tags: Vec<String>,
}

impl Member {
    fn new(relation: &'static str, age: i32, male: bool) -> Self {
        Member {
            relation,
            age: age.clamp(0, 99),
            male,
            floating: false,
            tags: Vec::new(),
        }
    }
}

/// Appends the households of building `id` and their residents.
pub(super) fn populate(
    rng: &mut ChaCha8Rng,
    names: &mut Names,
    id: &str,
    building: &Building,
    households: &mut Vec<HouseholdRecord>,
    people: &mut Vec<PersonRecord>,
) {
    if building.first_home_floor == 0 {
        return;
    }
    let no = building.building_no.as_deref().unwrap_or("1");
    for unit in 1..=building.units {
        for floor in building.first_home_floor..=building.floors {
            for door in 1..=building.rooms {
                let room = format!("{no}-{unit}-{floor}{door:02}");
                let roll: f64 = rng.gen();
                let status = if roll < 0.65 {
                    HouseholdStatus::OwnerOccupied
                } else if roll < 0.90 {
                    HouseholdStatus::Rented
                } else {
                    HouseholdStatus::Vacant
                };
                let members = household(rng, status);
                let floating = members.iter().filter(|m| m.floating).count() as i32;
                households.push(HouseholdRecord {
                    building: id.to_string(),
                    unit: Some(unit),
                    floor: Some(floor),
                    room: room.clone(),
                    status,
                    residents: members.len() as i32,
                    floating,
                });
                for m in members {
                    people.push(person(rng, names, id, &room, m));
                }
            }
        }
    }
}

/// Picks from `weights` (for 1, 2, 3 ... residents).
fn size(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let mut roll = rng.gen::<f64>() * weights.iter().sum::<f64>();
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i + 1;
        }
        roll -= w;
    }
    weights.len()
}

fn household(rng: &mut ChaCha8Rng, status: HouseholdStatus) -> Vec<Member> {
    match status {
        HouseholdStatus::Vacant => Vec::new(),
        HouseholdStatus::OwnerOccupied => {
            let n = size(rng, &[0.16, 0.30, 0.28, 0.16, 0.10]);
            if (2..=3).contains(&n) && rng.gen_bool(0.03) {
                return left_behind(rng, n);
            }
            let mut members = family(rng, n, 28, 82);
            // Now and then a live-in helper (保姆) from elsewhere.
            if n >= 3 && rng.gen_bool(0.05) {
                let last = members.len() - 1;
                let mut helper = Member::new("其他", rng.gen_range(35..=58), rng.gen_bool(0.1));
                helper.floating = true;
                members[last] = helper;
            }
            members
        }
        HouseholdStatus::Rented => {
            let n = size(rng, &[0.35, 0.33, 0.20, 0.08, 0.04]);
            let mut members = if n >= 2 && rng.gen_bool(0.35) {
                // Young people sharing a flat.
                let mut m = vec![Member::new("户主", rng.gen_range(20..=38), rng.gen())];
                for _ in 1..n {
                    m.push(Member::new("其他", rng.gen_range(20..=38), rng.gen()));
                }
                m
            } else {
                family(rng, n, 20, 55)
            };
            // Most tenants are floating population; some are registered locals.
            if rng.gen_bool(0.85) {
                for m in &mut members {
                    m.floating = true;
                    m.tags.retain(|t| t != "独居老人");
                }
            }
            members
        }
    }
}

/// A family of `n` around a head aged `min_age..=max_age`.
fn family(rng: &mut ChaCha8Rng, n: usize, min_age: i32, max_age: i32) -> Vec<Member> {
    let male = rng.gen_bool(0.6);
    let age = if n == 1 && min_age >= 28 && rng.gen_bool(0.35) {
        rng.gen_range(65..=88)
    } else {
        (rng.gen_range(min_age..=max_age) + rng.gen_range(min_age..=max_age)) / 2
    };
    let mut head = Member::new("户主", age, male);
    if n == 1 && age >= 60 {
        head.tags.push("独居老人".to_string());
    }
    let mut members = vec![head];
    let mut left = n - 1;
    if left >= 1 && (n >= 3 || rng.gen_bool(0.85)) {
        members.push(Member::new(
            "配偶",
            (age + rng.gen_range(-4..=4)).max(20),
            !male,
        ));
        left -= 1;
    }
    let parents = match n {
        5 if rng.gen_bool(0.7) => 2,
        4 | 5 if rng.gen_bool(0.4) => 1,
        _ => 0,
    }
    .min(left);
    for i in 0..parents {
        members.push(Member::new(
            "父母",
            (age + rng.gen_range(24..=34)).min(96),
            i == 0,
        ));
    }
    left -= parents;
    for _ in 0..left {
        let oldest = (age - 20).clamp(0, 40);
        let youngest = (age - 42).max(0).min(oldest);
        members.push(Member::new(
            "子女",
            rng.gen_range(youngest..=oldest),
            rng.gen(),
        ));
    }
    members
}

/// Grandparents raising a grandchild whose parents work far away (留守儿童).
fn left_behind(rng: &mut ChaCha8Rng, n: usize) -> Vec<Member> {
    let male = rng.gen();
    let age = rng.gen_range(58..=75);
    let mut members = vec![Member::new("户主", age, male)];
    if n == 3 {
        members.push(Member::new("配偶", age + rng.gen_range(-4..=4), !male));
    }
    let mut child = Member::new("其他", rng.gen_range(5..=14), rng.gen());
    child.tags.push("留守儿童".to_string());
    members.push(child);
    members
}

fn person(
    rng: &mut ChaCha8Rng,
    names: &mut Names,
    building: &str,
    room: &str,
    mut m: Member,
) -> PersonRecord {
    if rng.gen_bool(0.015) {
        m.tags.push("残疾人".to_string());
    }
    let year = YEAR - m.age;
    let month = rng.gen_range(1..=12u32);
    let days = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let day = rng.gen_range(1..=days);
    let name = names.person(rng);
    let id_number = names.id_number(rng, year, month, day, m.male);
    let phone = (m.age >= 16 && rng.gen_bool(0.95)).then(|| phone(rng));
    PersonRecord {
        building: building.to_string(),
        room: room.to_string(),
        name,
        id_number,
        phone,
        sex: Some(if m.male { "M" } else { "F" }.to_string()),
        birth_year: Some(year),
        relation: Some(m.relation.to_string()),
        residence_type: if m.floating {
            ResidenceType::Floating
        } else {
            ResidenceType::Registered
        },
        care_tags: m.tags,
    }
}
