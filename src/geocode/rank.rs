//! Search: candidate entries from the index, then a score per entry and the best entry per
//! building.
//!
//! Each part the query names (road, house number, compound, building number) is compared
//! with the entry: *exact* (1), *partial* (one name inside the other, 0.5–0.9 by length),
//! *missing* from the entry (0, but not a contradiction) or *contradicting* (a different
//! value: the score is multiplied by 0.3 for numbers, 0.5 for names). The score is the mean
//! over the query's parts; when the entry is identified (exact road + house number, or exact
//! compound + building number) parts missing from the entry weigh only a quarter. Tokens the
//! parser could not place are matched as partial names; a building name equal to or inside
//! the query scores on its own, and the better of the two counts.

use std::collections::HashMap;

use super::index::{Entry, Geocoder};
use super::normalize::{
    building_key_normalized, compact, house_key_normalized, normalize, place_key_normalized,
    road_key_normalized,
};
use super::parse::parse_normalized;
use super::{Match, MAX_QUERY_CHARS};

/// Entries scored per query at most.
const MAX_CANDIDATES: usize = 20_000;
/// Names taken per partial lookup at most.
const MAX_NAMES: usize = 200;
/// Unparsed tokens used as partial names at most.
const MAX_FRAGMENTS: usize = 8;

const CONTRADICT_NUMBER: f64 = 0.3;
const CONTRADICT_NAME: f64 = 0.5;
const IDENTIFIED_MISSING_WEIGHT: f64 = 0.25;

/// The query, as comparison keys.
#[derive(Debug, Default)]
struct Query {
    road: Option<String>,
    house: Option<String>,
    /// House number with the staircase letter (`45` + `b` → `45b`).
    house_lettered: Option<String>,
    compound: Option<String>,
    building: Option<String>,
    /// Unparsed tokens (two characters or more), matched as partial names.
    fragments: Vec<String>,
    /// The whole query without spaces and punctuation.
    text: String,
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl Query {
    fn new(text: &str) -> (Query, super::ParsedAddress) {
        let p = parse_normalized(text);
        let house = p
            .house_number
            .as_deref()
            .map(house_key_normalized)
            .and_then(non_empty);
        let building = p
            .building_no
            .as_deref()
            .map(building_key_normalized)
            .and_then(non_empty);
        let house_lettered = match (&house, &building) {
            (Some(h), Some(b)) if b.chars().count() == 1 && b.chars().all(char::is_alphabetic) => {
                Some(format!("{h}{b}"))
            }
            _ => None,
        };
        let q = Query {
            road: p
                .road
                .as_deref()
                .map(road_key_normalized)
                .and_then(non_empty),
            house,
            house_lettered,
            compound: p
                .compound
                .as_deref()
                .map(place_key_normalized)
                .and_then(non_empty),
            building,
            fragments: p
                .rest
                .iter()
                .map(|r| compact(r))
                .filter(|f| f.chars().count() >= 2 && !f.chars().all(|c| c.is_ascii_digit()))
                .take(MAX_FRAGMENTS)
                .collect(),
            text: compact(text),
        };
        (q, p)
    }
}

/// How one part of the query compares with the entry.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// The query does not name it.
    Absent,
    Exact,
    Partial(f64),
    /// The query names it, the entry does not have it.
    Missing,
    Contradict,
}

impl Part {
    fn rank(self) -> f64 {
        match self {
            Part::Exact => 1.0,
            Part::Partial(x) => x,
            _ => 0.0,
        }
    }

    fn better(self, other: Part) -> Part {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Compares two names: equal, one inside the other (the entry's name inside the query's
/// scores higher than the query's inside the entry's), or different.
fn compare_names(q: &str, e: &str) -> Part {
    if q == e {
        return Part::Exact;
    }
    let (ql, el) = (chars(q), chars(e));
    if el >= 2 && ql > el && q.contains(e) {
        return Part::Partial(0.6 + 0.3 * el as f64 / ql as f64);
    }
    if ql >= 2 && el > ql && e.contains(q) {
        return Part::Partial(0.5 + 0.3 * ql as f64 / el as f64);
    }
    Part::Contradict
}

/// The best partial match of any unparsed fragment with an entry's name.
fn fragment_part<'a>(q: &Query, memo: &mut HashMap<&'a str, Part>, e: &'a str) -> Part {
    if q.fragments.is_empty() {
        return Part::Absent;
    }
    // Many entries share a road or compound: compare each name once per search.
    *memo
        .entry(e)
        .or_insert_with(|| fragments_vs(&q.fragments, e))
}

fn fragments_vs(fragments: &[String], e: &str) -> Part {
    fragments
        .iter()
        .map(|f| match compare_names(f, e) {
            Part::Contradict => Part::Absent,
            p => p,
        })
        .fold(Part::Absent, Part::better)
}

fn leading_number(s: &str) -> Option<u64> {
    let end = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(s.len(), |(i, _)| i);
    s[..end].parse().ok()
}

/// `12-14` contains 13.
fn range_contains(range: &str, h: &str) -> bool {
    let Some((a, b)) = range.split_once('-') else {
        return false;
    };
    match (leading_number(a), leading_number(b), leading_number(h)) {
        (Some(a), Some(b), Some(h)) => a <= h && h <= b,
        _ => false,
    }
}

fn compare_house(q: &Query, qh: &str, eh: &str) -> (Part, bool) {
    if qh == eh {
        return (Part::Exact, false);
    }
    if q.house_lettered.as_deref() == Some(eh) {
        return (Part::Exact, true);
    }
    if range_contains(qh, eh) || range_contains(eh, qh) {
        return (Part::Partial(0.8), false);
    }
    match (leading_number(qh), leading_number(eh)) {
        (Some(a), Some(b)) if a == b => (Part::Partial(0.6), false),
        _ => (Part::Contradict, false),
    }
}

/// Score of one entry and the parts that matched.
fn score<'a>(
    q: &Query,
    memo: &mut HashMap<&'a str, Part>,
    e: &'a Entry,
) -> (f64, Vec<&'static str>) {
    let road = match (&q.road, &e.road) {
        (Some(qr), Some(er)) => compare_names(qr, er),
        (Some(_), None) => Part::Missing,
        (None, Some(er)) => fragment_part(q, memo, er),
        (None, None) => Part::Absent,
    };
    let (house, lettered) = match (&q.house, &e.house) {
        (Some(qh), Some(eh)) => compare_house(q, qh, eh),
        (Some(_), None) => (Part::Missing, false),
        (None, _) => (Part::Absent, false),
    };
    let entry_places = [&e.compound, &e.community];
    let compound = match &q.compound {
        Some(qc) => entry_places
            .iter()
            .filter_map(|p| p.as_deref())
            .map(|ep| compare_names(qc, ep))
            .reduce(Part::better)
            .unwrap_or(Part::Missing),
        None => entry_places
            .iter()
            .filter_map(|p| p.as_deref())
            .map(|ep| fragment_part(q, memo, ep))
            .fold(Part::Absent, Part::better),
    };
    let building = match (&q.building, &e.building) {
        (Some(qb), Some(eb)) if qb == eb => Part::Exact,
        (Some(_), _) if lettered => Part::Exact,
        (Some(_), Some(_)) => Part::Contradict,
        (Some(_), None) => Part::Missing,
        (None, _) => Part::Absent,
    };

    let parts = [
        (road, CONTRADICT_NAME, "road"),
        (house, CONTRADICT_NUMBER, "house_number"),
        (compound, CONTRADICT_NAME, "compound"),
        (building, CONTRADICT_NUMBER, "building_no"),
    ];
    let identified = (road == Part::Exact && house == Part::Exact)
        || (compound == Part::Exact && building == Part::Exact);
    let missing_weight = if identified {
        IDENTIFIED_MISSING_WEIGHT
    } else {
        1.0
    };
    let mut sum = 0.0;
    let mut weight = 0.0;
    let mut penalty = 1.0;
    let mut matched = Vec::new();
    for (part, contradiction, label) in parts {
        match part {
            Part::Absent => {}
            Part::Exact | Part::Partial(_) => {
                sum += part.rank();
                weight += 1.0;
                matched.push(label);
            }
            Part::Missing => weight += missing_weight,
            Part::Contradict => {
                weight += 1.0;
                penalty *= contradiction;
            }
        }
    }
    let structured = if weight > 0.0 {
        sum / weight * penalty
    } else {
        0.0
    };
    let by_name = e.name.as_deref().map_or(0.0, |n| name_score(q, n));
    if by_name > 0.0 {
        matched.push("name");
    }
    (structured.max(by_name).clamp(0.0, 1.0), matched)
}

/// A building name equal to the query (1), equal to an unparsed token (0.9), inside the
/// query or containing it (partial).
fn name_score(q: &Query, n: &str) -> f64 {
    if n == q.text {
        return 1.0;
    }
    if q.fragments.iter().any(|f| f == n) {
        return 0.9;
    }
    match compare_names(&q.text, n) {
        Part::Partial(x) => x,
        _ => 0.0,
    }
}

impl Geocoder {
    /// Buildings whose addresses match `query` (its first [`MAX_QUERY_CHARS`] characters),
    /// best first, ties by building id; at most `limit`, one per building (its best entry).
    /// A query naming nothing indexed (only a house number, only `3-2-501`) finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Match> {
        if limit == 0 || self.entries.is_empty() {
            return Vec::new();
        }
        let truncated: String = query.chars().take(MAX_QUERY_CHARS).collect();
        let text = normalize(&truncated);
        if text.is_empty() {
            return Vec::new();
        }
        let (q, parsed) = Query::new(&text);
        if q.text.is_empty() {
            return Vec::new();
        }

        let mut results: Vec<Match> = Vec::new();
        let mut best: Option<(f64, Vec<&'static str>, i64, u32)> = None;
        let flush = |best: &mut Option<(f64, Vec<&'static str>, i64, u32)>,
                     results: &mut Vec<Match>| {
            if let Some((s, matched, id, input)) = best.take() {
                if s > 0.0 {
                    results.push(Match {
                        building_id: id,
                        entry: input as usize,
                        score: (s * 1e6).round() / 1e6,
                        matched,
                        unit: parsed.unit,
                        room: parsed.room.clone(),
                    });
                }
            }
        };
        let mut memo = HashMap::new();
        for i in self.candidates(&q) {
            let Some(e) = self.entries.get(i as usize) else {
                continue;
            };
            if best.as_ref().is_some_and(|b| b.2 != e.building_id) {
                flush(&mut best, &mut results);
            }
            let (s, matched) = score(&q, &mut memo, e);
            if best.as_ref().is_none_or(|b| s > b.0) {
                best = Some((s, matched, e.building_id, e.input));
            }
        }
        flush(&mut best, &mut results);

        results.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.building_id.cmp(&b.building_id))
        });
        results.truncate(limit);
        results
    }

    /// Entry indices worth scoring, ascending (so a building's entries are adjacent).
    fn candidates(&self, q: &Query) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut add = |list: &[u32]| {
            let room = MAX_CANDIDATES.saturating_sub(out.len());
            out.extend(list.iter().take(room));
        };

        let road_id = q.road.as_deref().and_then(|r| self.roads.exact(r));
        let place_id = q.compound.as_deref().and_then(|c| self.places.exact(c));
        // Identifying pairs first, so that caps never drop them.
        if let Some(id) = road_id {
            for h in [&q.house, &q.house_lettered].into_iter().flatten() {
                if let Some(list) = self.road_house.get(&(id, h.clone())) {
                    add(list);
                }
            }
        }
        if let (Some(id), Some(b)) = (place_id, &q.building) {
            if let Some(list) = self.place_building.get(&(id, b.clone())) {
                add(list);
            }
        }
        if let Some(id) = self.names.exact(&q.text) {
            add(self.names.postings(id));
        }
        if let Some(id) = road_id {
            add(self.roads.postings(id));
        }
        if let Some(id) = place_id {
            add(self.places.postings(id));
        }
        // Partial names: the query's road / compound inside indexed names and the other way
        // round, unparsed tokens, and indexed names occurring anywhere in the query.
        if let Some(r) = &q.road {
            for id in self.roads.containing(r, MAX_NAMES) {
                add(self.roads.postings(id));
            }
            for id in self.roads.contained_in(r, MAX_NAMES) {
                add(self.roads.postings(id));
            }
        }
        if let Some(c) = &q.compound {
            for id in self.places.containing(c, MAX_NAMES) {
                add(self.places.postings(id));
            }
            for id in self.places.contained_in(c, MAX_NAMES) {
                add(self.places.postings(id));
            }
        }
        for f in &q.fragments {
            for lex in [&self.places, &self.roads, &self.names] {
                if let Some(id) = lex.exact(f) {
                    add(lex.postings(id));
                }
                for id in lex.containing(f, MAX_NAMES) {
                    add(lex.postings(id));
                }
            }
        }
        for id in self.names.containing(&q.text, MAX_NAMES) {
            add(self.names.postings(id));
        }
        for id in self.names.contained_in(&q.text, MAX_NAMES) {
            add(self.names.postings(id));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
