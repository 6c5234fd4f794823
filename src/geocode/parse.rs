//! Splits an address query into its parts, in Chinese or Latin order.
//!
//! Chinese (any CJK character present): names end at a road suffix (`路 街 道 巷 弄 胡同
//! 大街 大道`) or a compound suffix (`小区 花园 苑 园 公寓 家园 新村 大厦 广场 村 里` …);
//! numbers take their role from their counter (`号 号楼 栋 幢 座 # 单元 门 室 段`) or, bare,
//! from what came before (`3单元501`: room). Leading districts (`北京市海淀区`) and
//! subdistricts (`清河街道`) go to `rest`. Latin: street words and a house number in either
//! order, then an optional staircase letter and apartment number; comma-separated parts
//! after the one holding the number go to `rest`.

use super::normalize::{is_cjk, normalize};
use super::{ParsedAddress, MAX_QUERY_CHARS};

/// Parses an address query (first [`MAX_QUERY_CHARS`] characters, normalised with
/// [`normalize`]). Any subset of parts may be missing; never panics.
pub fn parse(query: &str) -> ParsedAddress {
    let truncated: String = query.chars().take(MAX_QUERY_CHARS).collect();
    parse_normalized(&normalize(&truncated))
}

/// [`parse`] of an already normalised, truncated query.
pub(super) fn parse_normalized(text: &str) -> ParsedAddress {
    if text.chars().any(is_cjk) {
        Chinese::new(text).run()
    } else {
        latin(text)
    }
}

/// Road suffixes, longest first.
const ROAD_SUFFIXES: &[&str] = &["大街", "大道", "胡同", "路", "街", "道", "巷", "弄"];

/// Compound suffixes, longest first.
const COMPOUND_SUFFIXES: &[&str] = &[
    "小区", "花园", "公寓", "家园", "新村", "大厦", "广场", "社区", "宿舍", "大院", "公馆", "苑",
    "园", "村", "里", "城", "院", "府", "湾", "庭", "居", "阁", "邸", "坊",
];

/// What the last recognised part was; bare numbers take their meaning from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    Road,
    House,
    Compound,
    Pending,
    Building,
    Unit,
    Room,
    Other,
}

struct Chinese {
    chars: Vec<char>,
    pos: usize,
    out: ParsedAddress,
    last: Last,
    /// A name with no suffix, waiting for a building number to become the compound.
    pending: Option<String>,
    /// Where the pending name ended: digits right there continue it (`人民东1路`).
    pending_end: usize,
}

impl Chinese {
    fn new(text: &str) -> Self {
        Chinese {
            chars: text.chars().collect(),
            pos: 0,
            out: ParsedAddress::default(),
            last: Last::Nothing,
            pending: None,
            pending_end: 0,
        }
    }

    fn run(mut self) -> ParsedAddress {
        while let Some(&c) = self.chars.get(self.pos) {
            if c.is_ascii_digit() {
                self.number();
            } else if c.is_alphabetic() {
                self.word();
            } else {
                self.pos += 1;
            }
        }
        self.flush_pending();
        self.out
    }

    fn peek_is(&self, s: &str) -> bool {
        self.chars
            .get(self.pos..)
            .is_some_and(|rest| starts_with(rest, s))
    }

    /// Consumes `s` if the input continues with it.
    fn eat(&mut self, s: &str) -> bool {
        if self.peek_is(s) {
            self.pos += s.chars().count();
            true
        } else {
            false
        }
    }

    fn flush_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            self.out.rest.push(p);
        }
    }

    /// The pending name becomes the compound, now that a building number follows it.
    fn adopt_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            if self.out.compound.is_none() {
                self.out.compound = Some(p);
            } else {
                self.out.rest.push(p);
            }
        }
    }

    /// Digits with at most one trailing Latin letter (`45b`), not part of a word.
    fn read_number(&mut self) -> String {
        let mut s = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            if !c.is_ascii_digit() {
                break;
            }
            s.push(c);
            self.pos += 1;
        }
        if let Some(&c) = self.chars.get(self.pos) {
            let next_is_letter = self
                .chars
                .get(self.pos + 1)
                .is_some_and(|n| n.is_ascii_alphabetic());
            if c.is_ascii_lowercase() && !next_is_letter {
                s.push(c);
                self.pos += 1;
            }
        }
        s
    }

    fn number(&mut self) {
        let glued = self.pending.is_some() && self.pending_end == self.pos;
        let mut group = vec![self.read_number()];
        while self.chars.get(self.pos) == Some(&'-')
            && self
                .chars
                .get(self.pos + 1)
                .is_some_and(|c| c.is_ascii_digit())
        {
            self.pos += 1;
            group.push(self.read_number());
        }
        let joined = group.join("-");

        if self.eat("号楼") || self.eat("#") {
            self.eat("楼");
            self.building(joined);
        } else if self.peek_is("号") {
            self.pos += 1;
            self.hao(joined);
        } else if self.eat("栋") || self.eat("幢") || self.eat("座") {
            self.building(joined);
        } else if self.peek_is("楼") {
            self.pos += 1;
            if self.out.building_no.is_none() && self.unit_follows() {
                self.building(joined);
            } else {
                self.other(format!("{joined}楼"));
            }
        } else if self.eat("单元") || self.eat("门") {
            match joined.parse::<u32>() {
                Ok(u) if self.out.unit.is_none() => {
                    self.out.unit = Some(u);
                    self.last = Last::Unit;
                }
                _ => self.other(format!("{joined}单元")),
            }
        } else if self.eat("室") || self.eat("房") || self.eat("户") {
            if group.len() == 1 {
                self.room(joined);
            } else {
                self.bare(group);
            }
        } else if self.eat("段") {
            self.road_part(format!("{joined}段"));
        } else if self.peek_is("弄") || self.peek_is("巷") {
            let suffix = self.chars[self.pos];
            self.pos += 1;
            self.road_part(format!("{joined}{suffix}"));
        } else if self.peek_is("期") || self.peek_is("区") {
            let suffix = self.chars[self.pos];
            self.pos += 1;
            let part = format!("{joined}{suffix}");
            if self.last == Last::Compound && self.out.compound.is_some() {
                if let Some(c) = &mut self.out.compound {
                    c.push_str(&part);
                }
            } else if let Some(p) = &mut self.pending {
                p.push_str(&part);
            } else {
                self.other(part);
            }
        } else if self.eat("层") {
            self.other(format!("{joined}层"));
        } else if glued && group.len() == 1 && self.chars.get(self.pos).is_some_and(|c| is_cjk(*c))
        {
            // Digits inside a name: 人民东1路, 建设11家园.
            let mut name: Vec<char> = self.pending.take().unwrap_or_default().chars().collect();
            name.extend(joined.chars());
            while let Some(&c) = self.chars.get(self.pos) {
                if !c.is_alphabetic() {
                    break;
                }
                name.push(c);
                self.pos += 1;
            }
            self.chunk(&name);
        } else {
            self.bare(group);
        }
    }

    /// After `N楼`: does `单元` or `M单元` follow?
    fn unit_follows(&self) -> bool {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        self.chars.get(i) == Some(&'单') && self.chars.get(i + 1) == Some(&'元')
    }

    /// `N号`: a house number after a road, a building number after a compound.
    fn hao(&mut self, number: String) {
        let mut house = number.clone();
        // 12号附1号, 12号之1.
        for link in ["附", "之"] {
            let save = self.pos;
            if self.eat(link) && self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                let extra = self.read_number();
                self.eat("号");
                house = format!("{house}{link}{extra}");
                break;
            }
            self.pos = save;
        }
        self.eat("院");
        let after_compound = matches!(self.last, Last::Compound | Last::Pending);
        if after_compound && self.out.building_no.is_none() && house == number {
            self.building(number);
        } else if self.out.house_number.is_none() {
            self.out.house_number = Some(house);
            self.last = Last::House;
        } else if self.out.building_no.is_none() && house == number {
            self.building(number);
        } else {
            self.other(format!("{house}号"));
        }
    }

    fn building(&mut self, b: String) {
        if self.out.building_no.is_some() {
            self.other(b);
            return;
        }
        self.adopt_pending();
        self.out.building_no = Some(b);
        self.last = Last::Building;
    }

    fn room(&mut self, r: String) {
        if self.out.room.is_some() {
            self.other(r);
            return;
        }
        self.out.room = Some(r);
        self.last = Last::Room;
    }

    fn unit_room(&mut self, u: &str, r: &str) {
        match u.parse::<u32>() {
            Ok(u) if self.out.unit.is_none() => {
                self.out.unit = Some(u);
                self.room(r.to_string());
            }
            _ => self.other(format!("{u}-{r}")),
        }
    }

    fn other(&mut self, s: String) {
        self.out.rest.push(s);
        self.last = Last::Other;
    }

    /// `3段`, `100弄` extend the road just named.
    fn road_part(&mut self, part: String) {
        match &mut self.out.road {
            Some(road) if self.last == Last::Road => road.push_str(&part),
            _ => self.other(part),
        }
    }

    /// A number (or dash group) with no counter.
    fn bare(&mut self, group: Vec<String>) {
        match group.as_slice() {
            [b, u, r] if self.out.building_no.is_none() => {
                self.building(b.clone());
                self.unit_room(u, r);
            }
            [a, b] => {
                if self.last == Last::Road && self.out.house_number.is_none() {
                    self.out.house_number = Some(format!("{a}-{b}"));
                    self.last = Last::House;
                } else if self.out.building_no.is_some() {
                    self.unit_room(a, b);
                } else {
                    self.building(a.clone());
                    self.room(b.clone());
                }
            }
            [n] => self.bare_single(n.clone()),
            _ => self.other(group.join("-")),
        }
    }

    fn bare_single(&mut self, n: String) {
        match self.last {
            Last::Unit => self.room(n),
            Last::Building if self.out.unit.is_none() => self.room(n),
            Last::Road if self.out.house_number.is_none() => {
                self.out.house_number = Some(n);
                self.last = Last::House;
            }
            Last::Compound | Last::Pending if self.out.building_no.is_none() => self.building(n),
            _ if self.out.road.is_some() && self.out.house_number.is_none() => {
                self.out.house_number = Some(n);
                self.last = Last::House;
            }
            _ => self.other(n),
        }
    }

    /// A run of letters (CJK or Latin).
    fn word(&mut self) {
        // `A座`, `B栋`: a lettered building.
        if let (Some(&l), Some(&s)) = (self.chars.get(self.pos), self.chars.get(self.pos + 1)) {
            let prev_is_letter = self
                .pos
                .checked_sub(1)
                .and_then(|p| self.chars.get(p))
                .is_some_and(|c| c.is_ascii_alphabetic());
            if l.is_ascii_lowercase() && !prev_is_letter && matches!(s, '座' | '栋' | '幢') {
                self.pos += 2;
                self.building(l.to_string());
                return;
            }
        }
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| c.is_alphabetic()) {
            // Stop before `A座` inside a run (`华清嘉园a座`).
            if self.pos > start
                && self.chars[self.pos].is_ascii_lowercase()
                && self
                    .chars
                    .get(self.pos + 1)
                    .is_some_and(|c| matches!(c, '座' | '栋' | '幢'))
                && !self.chars[self.pos - 1].is_ascii_alphabetic()
            {
                break;
            }
            self.pos += 1;
        }
        let chunk: Vec<char> = self.chars[start..self.pos].to_vec();
        self.chunk(&chunk);
    }

    /// Classifies a name: district prefixes, then a road, then a compound or pending name.
    fn chunk(&mut self, chunk: &[char]) {
        self.flush_pending();
        // An ordinal 第 belongs to the number after it (第3号楼).
        let mut s = chunk.strip_suffix(&['第']).unwrap_or(chunk);
        if self.out.road.is_none() && self.out.compound.is_none() {
            while let Some(k) = admin_prefix(s) {
                self.out.rest.push(s[..k].iter().collect());
                s = &s[k..];
            }
        }
        if s.is_empty() {
            return;
        }
        if let Some(k) = road_end(s) {
            let road: String = s[..k].iter().collect();
            if self.out.road.is_none() {
                self.out.road = Some(road);
                self.last = Last::Road;
            } else {
                self.other(road);
            }
            s = &s[k..];
            if s.is_empty() {
                return;
            }
        }
        let name: String = s.iter().collect();
        if has_compound_suffix(s) {
            if self.out.compound.is_none() {
                self.out.compound = Some(name);
                self.last = Last::Compound;
            } else {
                self.other(name);
            }
        } else {
            self.pending = Some(name);
            self.pending_end = self.pos;
            self.last = Last::Pending;
        }
    }
}

fn starts_with(chars: &[char], s: &str) -> bool {
    let mut it = chars.iter();
    s.chars().all(|c| it.next() == Some(&c))
}

fn ends_with(chars: &[char], s: &str) -> bool {
    let n = s.chars().count();
    chars.len() >= n && starts_with(&chars[chars.len() - n..], s)
}

/// Length of a leading district (`北京市`, `海淀区`, `清河街道`), if any.
fn admin_prefix(s: &[char]) -> Option<usize> {
    // A district has a name of two characters or more and leaves more than a bare compound
    // suffix behind (万科城市花园 is no 市).
    for k in 2..s.len().min(8) {
        let c = s[k];
        let next = s.get(k + 1).copied();
        let prev = s[k - 1];
        let is_admin = match c {
            '省' | '县' => true,
            '市' => !matches!(next, Some('场' | '政' | '民' | '府')),
            '区' => !matches!(
                prev,
                '小' | '社' | '校' | '园' | '景' | '厂' | '街' | '营' | '军' | '城'
            ),
            _ => false,
        };
        if is_admin {
            return (k + 4 <= s.len()).then_some(k + 1);
        }
    }
    // Subdistrict: everything up to 街道, when more follows.
    (1..s.len().min(10))
        .find_map(|k| (starts_with(&s[k..], "街道") && k + 2 < s.len()).then_some(k + 2))
}

/// End (exclusive) of a road name at the start of `s`, if `s` names one.
fn road_end(s: &[char]) -> Option<usize> {
    for k in 1..s.len() {
        for suffix in ROAD_SUFFIXES {
            if !starts_with(&s[k..], suffix) {
                continue;
            }
            let end = k + suffix.chars().count();
            let rest = &s[end..];
            // 五道口, 路口, 街坊, 道路: not road ends.
            if matches!(rest.first(), Some('口' | '路' | '街' | '坊' | '道' | '区')) {
                continue;
            }
            // A direction belongs to the road (二环路北1段, 长安街东段).
            let is_direction = |c: &char| matches!(c, '东' | '西' | '南' | '北' | '中');
            match rest {
                [d] if is_direction(d) => return Some(s.len()),
                [d, '段'] if is_direction(d) => return Some(s.len()),
                // The remainder must be a name, not a lone suffix (金道苑).
                [_] => continue,
                _ => return Some(end),
            }
        }
    }
    None
}

fn has_compound_suffix(s: &[char]) -> bool {
    COMPOUND_SUFFIXES
        .iter()
        .any(|suffix| ends_with(s, suffix) && s.len() > suffix.chars().count())
}

/// Latin-script address: `Mannerheimintie 12 A 5`, `12 Main Street`, `3-2-501`.
fn latin(text: &str) -> ParsedAddress {
    let mut out = ParsedAddress::default();
    let segments: Vec<Vec<&str>> = text
        .split([',', ';'])
        .map(|seg| {
            seg.split(' ')
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
                .filter(|w| !w.is_empty())
                .collect::<Vec<&str>>()
        })
        .filter(|seg| !seg.is_empty())
        .collect();
    let main = segments
        .iter()
        .position(|seg| seg.iter().any(|w| is_numeric(w)))
        .unwrap_or(0);
    for (i, seg) in segments.iter().enumerate() {
        if i == main {
            latin_segment(seg, &mut out);
        } else {
            out.rest.extend(seg.iter().map(|w| w.to_string()));
        }
    }
    out
}

fn is_numeric(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_digit())
}

/// Markers of an apartment number.
const ROOM_MARKERS: &[&str] = &[
    "as",
    "apt",
    "apartment",
    "flat",
    "unit",
    "lgh",
    "h",
    "room",
    "rm",
    "suite",
    "ste",
];

fn latin_segment(words: &[&str], out: &mut ParsedAddress) {
    let Some(first_num) = words.iter().position(|w| is_numeric(w)) else {
        out.road = Some(words.join(" "));
        return;
    };
    let mut i;
    if first_num == 0 {
        // 12 Main Street [...]
        let mut j = 1;
        while j < words.len() && !is_numeric(words[j]) && !ROOM_MARKERS.contains(&words[j]) {
            j += 1;
        }
        if j > 1 {
            out.road = Some(words[1..j].join(" "));
        }
        latin_number(words[0], out);
        i = j;
    } else {
        out.road = Some(words[..first_num].join(" "));
        latin_number(words[first_num], out);
        i = first_num + 1;
    }
    // Staircase letter and apartment: `45 B 12`, `12 A as 5`.
    while i < words.len() {
        let w = words[i];
        let is_letter = w.chars().count() == 1 && w.chars().all(|c| c.is_alphabetic());
        if is_letter && out.building_no.is_none() && !ROOM_MARKERS.contains(&w) {
            out.building_no = Some(w.to_string());
        } else if ROOM_MARKERS.contains(&w) && words.get(i + 1).is_some_and(|n| is_numeric(n)) {
            i += 1;
            set_room(out, words[i]);
        } else if is_numeric(w) && out.room.is_none() {
            set_room(out, w);
        } else {
            out.rest.push(w.to_string());
        }
        i += 1;
    }
}

fn set_room(out: &mut ParsedAddress, w: &str) {
    if out.room.is_none() {
        out.room = Some(w.to_string());
    } else {
        out.rest.push(w.to_string());
    }
}

/// A Latin number token: `12`, `12-14`, `45b`, `3-2-501`.
fn latin_number(w: &str, out: &mut ParsedAddress) {
    let parts: Vec<&str> = w.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        out.building_no = Some(parts[0].to_string());
        out.unit = parts[1].parse().ok();
        if out.unit.is_none() {
            out.rest.push(parts[1].to_string());
        }
        out.room = Some(parts[2].to_string());
        return;
    }
    let digits_end = w
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit() && *c != '-')
        .map_or(w.len(), |(i, _)| i);
    let (num, tail) = w.split_at(digits_end);
    let num = num.trim_end_matches('-');
    if tail.chars().count() == 1 && tail.chars().all(|c| c.is_alphabetic()) && !num.is_empty() {
        out.house_number = Some(num.to_string());
        out.building_no = Some(tail.to_string());
    } else {
        out.house_number = Some(w.to_string());
    }
}
