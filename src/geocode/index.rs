//! The inverted index: exact keys and character bigrams of roads, places (compounds and
//! communities) and building names, each pointing at entries.

use std::collections::HashMap;

use super::normalize::{building_key, house_key, key, place_key, road_key};
use super::AddressEntry;

/// An entry with its comparison keys; entries are sorted by building id.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub building_id: i64,
    /// Its index in the list given to [`Geocoder::new`].
    pub input: u32,
    pub road: Option<String>,
    pub house: Option<String>,
    pub compound: Option<String>,
    pub community: Option<String>,
    pub building: Option<String>,
    pub name: Option<String>,
}

/// Distinct names of one kind, the entries carrying each, and bigram postings for partial
/// matches.
#[derive(Debug, Default)]
pub(super) struct Lexicon {
    ids: HashMap<String, u32>,
    keys: Vec<String>,
    /// Name id → entry indices, ascending.
    postings: Vec<Vec<u32>>,
    /// Bigram → ids of the names containing it, ascending.
    grams: HashMap<u64, Vec<u32>>,
    /// Bigram → ids of the names for which it is the rarest bigram; a name occurring in a
    /// text has its rarest bigram there too, so these lists find names inside a query.
    rare: HashMap<u64, Vec<u32>>,
}

/// Names inspected per partial lookup at most.
const MAX_GRAM_SCAN: usize = 20_000;

impl Lexicon {
    fn add(&mut self, key: &str, entry: u32) {
        if key.is_empty() {
            return;
        }
        let id = match self.ids.get(key) {
            Some(&id) => id,
            None => {
                let id = self.keys.len() as u32;
                self.ids.insert(key.to_string(), id);
                self.keys.push(key.to_string());
                self.postings.push(Vec::new());
                id
            }
        };
        let posting = &mut self.postings[id as usize];
        if posting.last() != Some(&entry) {
            posting.push(entry);
        }
    }

    fn finish(&mut self) {
        let mut per_name: Vec<Vec<u64>> = Vec::with_capacity(self.keys.len());
        for (id, k) in self.keys.iter().enumerate() {
            let mut bs = bigrams(k);
            bs.sort_unstable();
            bs.dedup();
            for &b in &bs {
                self.grams.entry(b).or_default().push(id as u32);
            }
            per_name.push(bs);
        }
        for (id, bs) in per_name.iter().enumerate() {
            let rarest = bs
                .iter()
                .min_by_key(|b| (self.grams.get(b).map_or(0, Vec::len), **b));
            if let Some(&b) = rarest {
                self.rare.entry(b).or_default().push(id as u32);
            }
        }
    }

    pub fn key(&self, id: u32) -> &str {
        self.keys.get(id as usize).map_or("", String::as_str)
    }

    pub fn postings(&self, id: u32) -> &[u32] {
        self.postings.get(id as usize).map_or(&[], Vec::as_slice)
    }

    pub fn exact(&self, key: &str) -> Option<u32> {
        self.ids.get(key).copied()
    }

    /// Names that contain `fragment` (two characters or more), the exact name excluded;
    /// at most `cap`, in id order.
    pub fn containing(&self, fragment: &str, cap: usize) -> Vec<u32> {
        let bs = bigrams(fragment);
        let Some(list) = bs
            .iter()
            .map(|b| self.grams.get(b).map_or(&[][..], Vec::as_slice))
            .min_by_key(|l| l.len())
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &id in list.iter().take(MAX_GRAM_SCAN) {
            let k = self.key(id);
            if k != fragment && k.contains(fragment) {
                out.push(id);
                if out.len() >= cap {
                    break;
                }
            }
        }
        out
    }

    /// Names (two characters or more) occurring inside `text`, the exact name excluded;
    /// at most `cap`, in id order.
    pub fn contained_in(&self, text: &str, cap: usize) -> Vec<u32> {
        let mut bs = bigrams(text);
        bs.sort_unstable();
        bs.dedup();
        let mut out = Vec::new();
        let mut scanned = 0;
        for b in bs {
            for &id in self.rare.get(&b).map_or(&[][..], Vec::as_slice) {
                scanned += 1;
                if scanned > MAX_GRAM_SCAN {
                    break;
                }
                let k = self.key(id);
                if k != text && text.contains(k) {
                    out.push(id);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out.truncate(cap);
        out
    }
}

/// Character bigrams of `s`, each packed into a u64.
pub(super) fn bigrams(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if let Some(p) = prev {
            out.push((u64::from(p as u32) << 32) | u64::from(c as u32));
        }
        prev = Some(c);
    }
    out
}

/// Indexed address entries; see [`Geocoder::search`].
#[derive(Debug, Default)]
pub struct Geocoder {
    pub(super) entries: Vec<Entry>,
    pub(super) roads: Lexicon,
    /// Compounds and communities.
    pub(super) places: Lexicon,
    pub(super) names: Lexicon,
    /// (road id, house key) → entries.
    pub(super) road_house: HashMap<(u32, String), Vec<u32>>,
    /// (place id, building key) → entries.
    pub(super) place_building: HashMap<(u32, String), Vec<u32>>,
}

/// A house number that starts with a lane (`628弄4-7号`, `12巷3号`, as Shanghai addresses
/// are often stored: road 张杨路, number 628弄4-7号) moves the lane to the road, where a
/// query puts it (road 张杨路628弄, number 4-7).
fn lane_split(road: Option<String>, house: Option<String>) -> (Option<String>, Option<String>) {
    let (Some(r), Some(h)) = (&road, &house) else {
        return (road, house);
    };
    let digits = h.chars().take_while(char::is_ascii_digit).count();
    let rest = &h[digits..];
    let Some(counter) = rest.chars().next().filter(|c| *c == '弄' || *c == '巷') else {
        return (road, house);
    };
    if digits == 0 {
        return (road, house);
    }
    let after = &rest[counter.len_utf8()..];
    let lane = format!("{r}{}{counter}", &h[..digits]);
    (Some(lane), (!after.is_empty()).then(|| after.to_string()))
}

fn opt_key(s: &Option<String>, f: fn(&str) -> String) -> Option<String> {
    s.as_deref().map(f).filter(|k| !k.is_empty())
}

impl Geocoder {
    /// Indexes `entries` (normalising each part once). Entries beyond `u32::MAX` are
    /// ignored.
    pub fn new(entries: Vec<AddressEntry>) -> Self {
        let mut entries: Vec<Entry> = entries
            .into_iter()
            .take(u32::MAX as usize)
            .enumerate()
            .map(|(input, e)| {
                let (road, house) = lane_split(
                    opt_key(&e.address.road, road_key),
                    opt_key(&e.address.house_number, house_key),
                );
                (input as u32, e, road, house)
            })
            .map(|(input, e, road, house)| Entry {
                building_id: e.building_id,
                input,
                road,
                house,
                compound: opt_key(&e.address.compound, place_key),
                community: opt_key(&e.community, place_key),
                building: opt_key(&e.address.building_no, building_key),
                name: opt_key(&e.name, key),
            })
            .collect();
        // Postings in building-id order: capped candidate lists keep the lowest ids, which
        // is also the tie order of results.
        entries.sort_by_key(|e| e.building_id);

        let mut g = Geocoder::default();
        for (i, e) in entries.iter().enumerate() {
            let i = i as u32;
            if let Some(r) = &e.road {
                g.roads.add(r, i);
            }
            for p in [&e.compound, &e.community].into_iter().flatten() {
                g.places.add(p, i);
            }
            if let Some(n) = &e.name {
                g.names.add(n, i);
            }
        }
        for (i, e) in entries.iter().enumerate() {
            let i = i as u32;
            if let (Some(r), Some(h)) = (&e.road, &e.house) {
                if let Some(id) = g.roads.exact(r) {
                    push_unique(g.road_house.entry((id, h.clone())).or_default(), i);
                }
            }
            if let Some(b) = &e.building {
                for p in [&e.compound, &e.community].into_iter().flatten() {
                    if let Some(id) = g.places.exact(p) {
                        push_unique(g.place_building.entry((id, b.clone())).or_default(), i);
                    }
                }
            }
        }
        g.roads.finish();
        g.places.finish();
        g.names.finish();
        g.entries = entries;
        g
    }

    /// Number of address entries (not buildings).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no entry was given.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn push_unique(v: &mut Vec<u32>, i: u32) {
    if v.last() != Some(&i) {
        v.push(i);
    }
}
