//! Interpretation of OSM tag values: levels, heights, directions, building use, addresses.

use super::elements::tag;
use crate::model::{Address, BarrierGrade, BuildingUse};

/// The number at the start of `s` (digits with an optional fraction), if any.
fn leading_number(s: &str) -> Option<f64> {
    let s = s.trim_start();
    let mut end = 0;
    let mut seen_digit = false;
    let mut seen_point = false;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() {
            seen_digit = true;
        } else if c == '.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        end = i + c.len_utf8();
    }
    if !seen_digit {
        return None;
    }
    s.get(..end)?.trim_end_matches('.').parse().ok()
}

/// Floors above ground from `building:levels`: the leading number of each `;`-separated
/// value, rounded up, the largest of them. `None` for garbage, zero or absurd values.
pub(crate) fn parse_levels(value: &str) -> Option<i32> {
    value
        .split(';')
        .filter_map(leading_number)
        .map(f64::ceil)
        .filter(|&n| (1.0..=200.0).contains(&n))
        .fold(None, |max: Option<f64>, n| {
            Some(max.map_or(n, |m| m.max(n)))
        })
        // In 1..=200, so the conversion is exact.
        .map(|n| n as i32)
}

/// Height in metres from `height`: `12`, `12 m`, `12.5m`, `12 metres`. `None` for feet,
/// other units, garbage, zero or absurd values.
pub(crate) fn parse_height(value: &str) -> Option<f64> {
    let value = value.trim();
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_end);
    let unit = unit.trim();
    if !matches!(unit, "" | "m" | "meter" | "meters" | "metre" | "metres") {
        return None;
    }
    let h: f64 = number.parse().ok()?;
    (h.is_finite() && h > 0.0 && h < 1000.0).then_some(h)
}

const COMPASS: [&str; 16] = [
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW",
    "NNW",
];

/// Viewing direction in degrees clockwise from north, in [0, 360): a number of degrees
/// (an optional trailing `°`) or one of the 16 compass points. `None` otherwise.
pub(crate) fn parse_direction(value: &str) -> Option<f64> {
    let value = value.trim();
    if let Some(i) = COMPASS.iter().position(|p| p.eq_ignore_ascii_case(value)) {
        return Some(i as f64 * 22.5);
    }
    let number = value.strip_suffix('°').unwrap_or(value).trim_end();
    // Plain decimal numbers only: `parse` would also take "inf", "nan" and "1e3".
    if number.is_empty()
        || !number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
    {
        return None;
    }
    let deg: f64 = number.parse().ok()?;
    if !deg.is_finite() {
        return None;
    }
    let d = deg.rem_euclid(360.0);
    // rem_euclid can round up to exactly 360 for tiny negative inputs.
    Some(if d >= 360.0 { 0.0 } else { d })
}

/// Amenities that make a generic building public.
const PUBLIC_AMENITIES: &[&str] = &[
    "school",
    "university",
    "college",
    "kindergarten",
    "hospital",
    "clinic",
    "townhall",
    "library",
    "police",
    "fire_station",
    "courthouse",
    "place_of_worship",
    "community_centre",
];

/// Main use from the `building` value, with `shop` and `amenity` as hints.
pub(crate) fn building_use(tags: &[(String, String)]) -> BuildingUse {
    let building = tag(tags, "building").unwrap_or("yes");
    let has_shop = tag(tags, "shop").is_some();
    match building {
        "residential" if has_shop => BuildingUse::Mixed,
        "yes" if has_shop => BuildingUse::Mixed,
        "yes" if tag(tags, "amenity").is_some_and(|a| PUBLIC_AMENITIES.contains(&a)) => {
            BuildingUse::Public
        }
        value => use_of_building_value(value),
    }
}

/// Main use of a building from an OSM `building=*` value alone (also the vocabulary of
/// the `type` property of other formats); unknown values are [`BuildingUse::Other`].
pub(crate) fn use_of_building_value(value: &str) -> BuildingUse {
    match value {
        "apartments" | "residential" | "house" | "detached" | "dormitory" | "terrace"
        | "semidetached_house" | "bungalow" | "cabin" | "farm" => BuildingUse::Residential,
        "commercial" | "retail" | "office" | "hotel" | "supermarket" | "kiosk" | "bank" => {
            BuildingUse::Commercial
        }
        "school" | "university" | "college" | "kindergarten" | "hospital" | "public" | "civic"
        | "government" | "embassy" | "place_of_worship" | "church" | "cathedral" | "chapel"
        | "temple" | "mosque" | "shrine" | "train_station" | "transportation" | "sports_hall"
        | "museum" | "library" | "theatre" | "stadium" | "fire_station" | "police" | "toilets" => {
            BuildingUse::Public
        }
        "industrial" | "warehouse" | "factory" | "manufacture" => BuildingUse::Industrial,
        _ => BuildingUse::Other,
    }
}

/// Where a line runs against the ground, from the OSM tags `tunnel`, `covered`,
/// `location`, `layer` and `bridge` (`tag` answers a key's value): underground when it is
/// in a tunnel, covered, underground or underwater, or on a negative layer; on a bridge
/// when `bridge` is set; else at grade. A value `no` is no tag.
pub(crate) fn barrier_grade(tag: impl Fn(&str) -> Option<String>) -> BarrierGrade {
    let set = |key: &str| tag(key).is_some_and(|v| v != "no");
    let below_ground = matches!(
        tag("location").as_deref(),
        Some("underground" | "underwater")
    ) || tag("layer")
        .and_then(|l| l.trim().parse::<i32>().ok())
        .is_some_and(|l| l < 0);
    if set("tunnel") || tag("covered").as_deref() == Some("yes") || below_ground {
        BarrierGrade::Underground
    } else if set("bridge") {
        BarrierGrade::Bridge
    } else {
        BarrierGrade::Ground
    }
}

/// The address of an element's `addr:*` tags.
pub(crate) fn address(tags: &[(String, String)]) -> Address {
    let own = |key: &str| tag(tags, key).map(str::to_owned);
    Address {
        road: own("addr:street"),
        house_number: own("addr:housenumber"),
        compound: own("addr:place").or_else(|| own("addr:housename")),
        building_no: None,
    }
}

/// `name`, else `name:zh`.
pub(crate) fn name(tags: &[(String, String)]) -> Option<String> {
    tag(tags, "name")
        .or_else(|| tag(tags, "name:zh"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn levels() {
        assert_eq!(parse_levels("5"), Some(5));
        assert_eq!(parse_levels(" 12 "), Some(12));
        assert_eq!(parse_levels("5;6"), Some(6));
        assert_eq!(parse_levels("6;5"), Some(6));
        assert_eq!(parse_levels("5.5"), Some(6));
        assert_eq!(parse_levels("5.0"), Some(5));
        assert_eq!(parse_levels("4+"), Some(4));
        assert_eq!(parse_levels("3 floors"), Some(3));
        assert_eq!(parse_levels("2."), Some(2));
        assert_eq!(parse_levels("garbage;7"), Some(7));
        assert_eq!(parse_levels("0"), None);
        assert_eq!(parse_levels("-2"), None);
        assert_eq!(parse_levels("many"), None);
        assert_eq!(parse_levels(""), None);
        assert_eq!(parse_levels("."), None);
        assert_eq!(parse_levels("99999999999999999999"), None);
        assert_eq!(parse_levels("五"), None);
    }

    #[test]
    fn heights() {
        assert_eq!(parse_height("12"), Some(12.0));
        assert_eq!(parse_height("12 m"), Some(12.0));
        assert_eq!(parse_height("12.5m"), Some(12.5));
        assert_eq!(parse_height(" 30 metres "), Some(30.0));
        assert_eq!(parse_height("40'"), None);
        assert_eq!(parse_height("40 ft"), None);
        assert_eq!(parse_height("12'6\""), None);
        assert_eq!(parse_height("12,5"), None);
        assert_eq!(parse_height("tall"), None);
        assert_eq!(parse_height(""), None);
        assert_eq!(parse_height("0"), None);
        assert_eq!(parse_height("-3"), None);
        assert_eq!(parse_height("1.2.3"), None);
        assert_eq!(parse_height("1e3"), None);
    }

    #[test]
    fn directions() {
        assert_eq!(parse_direction("90"), Some(90.0));
        assert_eq!(parse_direction("90.5"), Some(90.5));
        assert_eq!(parse_direction("360"), Some(0.0));
        assert_eq!(parse_direction("-45"), Some(315.0));
        assert_eq!(parse_direction("725"), Some(5.0));
        assert_eq!(parse_direction("270°"), Some(270.0));
        assert_eq!(parse_direction("N"), Some(0.0));
        assert_eq!(parse_direction("NNE"), Some(22.5));
        assert_eq!(parse_direction("e"), Some(90.0));
        assert_eq!(parse_direction("SW"), Some(225.0));
        assert_eq!(parse_direction("NNW"), Some(337.5));
        assert_eq!(parse_direction("north"), None);
        assert_eq!(parse_direction("45-90"), None);
        assert_eq!(parse_direction("45;90"), None);
        assert_eq!(parse_direction("nan"), None);
        assert_eq!(parse_direction("inf"), None);
        assert_eq!(parse_direction(""), None);
        let tiny = parse_direction("-0.0000000000000001").unwrap_or(-1.0);
        assert!((0.0..360.0).contains(&tiny));
    }

    #[test]
    fn grades() {
        let g = |pairs: &[(&str, &str)]| {
            let t = tags(pairs);
            barrier_grade(|k| tag(&t, k).map(str::to_owned))
        };
        assert_eq!(g(&[("highway", "primary")]), BarrierGrade::Ground);
        assert_eq!(
            g(&[("railway", "subway"), ("tunnel", "yes")]),
            BarrierGrade::Underground
        );
        assert_eq!(
            g(&[("highway", "trunk"), ("tunnel", "building_passage")]),
            BarrierGrade::Underground
        );
        assert_eq!(
            g(&[("railway", "subway"), ("layer", "-2")]),
            BarrierGrade::Underground
        );
        assert_eq!(
            g(&[("waterway", "canal"), ("covered", "yes")]),
            BarrierGrade::Underground
        );
        assert_eq!(
            g(&[("railway", "rail"), ("location", "underground")]),
            BarrierGrade::Underground
        );
        assert_eq!(
            g(&[
                ("highway", "motorway"),
                ("bridge", "viaduct"),
                ("layer", "1")
            ]),
            BarrierGrade::Bridge
        );
        assert_eq!(
            g(&[("highway", "primary"), ("bridge", "no"), ("tunnel", "no")]),
            BarrierGrade::Ground
        );
        assert_eq!(
            g(&[("highway", "primary"), ("layer", "1")]),
            BarrierGrade::Ground
        );
    }

    #[test]
    fn uses() {
        let u = |pairs: &[(&str, &str)]| building_use(&tags(pairs));
        assert_eq!(u(&[("building", "apartments")]), BuildingUse::Residential);
        assert_eq!(u(&[("building", "dormitory")]), BuildingUse::Residential);
        assert_eq!(u(&[("building", "office")]), BuildingUse::Commercial);
        assert_eq!(u(&[("building", "university")]), BuildingUse::Public);
        assert_eq!(u(&[("building", "warehouse")]), BuildingUse::Industrial);
        assert_eq!(u(&[("building", "yes")]), BuildingUse::Other);
        assert_eq!(u(&[("building", "garage")]), BuildingUse::Other);
        assert_eq!(u(&[("building", "museum")]), BuildingUse::Public);
        assert_eq!(use_of_building_value("embassy"), BuildingUse::Public);
        assert_eq!(use_of_building_value("bank"), BuildingUse::Commercial);
        assert_eq!(use_of_building_value("garage"), BuildingUse::Other);
        assert_eq!(
            u(&[("building", "yes"), ("shop", "bakery")]),
            BuildingUse::Mixed
        );
        assert_eq!(
            u(&[("building", "residential"), ("shop", "bakery")]),
            BuildingUse::Mixed
        );
        assert_eq!(
            u(&[("building", "apartments"), ("shop", "bakery")]),
            BuildingUse::Residential
        );
        assert_eq!(
            u(&[("building", "yes"), ("amenity", "school")]),
            BuildingUse::Public
        );
        assert_eq!(
            u(&[("building", "yes"), ("amenity", "cafe")]),
            BuildingUse::Other
        );
    }

    #[test]
    fn addresses_and_names() {
        let t = tags(&[
            ("addr:street", "Mannerheimintie"),
            ("addr:housenumber", " 5 "),
            ("addr:housename", "Talo"),
            ("name:zh", "楼"),
        ]);
        let a = address(&t);
        assert_eq!(a.road.as_deref(), Some("Mannerheimintie"));
        assert_eq!(a.house_number.as_deref(), Some("5"));
        assert_eq!(a.compound.as_deref(), Some("Talo"));
        assert_eq!(a.building_no, None);
        assert_eq!(name(&t).as_deref(), Some("楼"));
        let t = tags(&[
            ("addr:place", "荷清苑"),
            ("addr:housename", "x"),
            ("name", ""),
        ]);
        assert_eq!(address(&t).compound.as_deref(), Some("荷清苑"));
        assert_eq!(name(&t), None);
    }
}
