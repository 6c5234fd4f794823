//! One canonical spelling of an address string, and the comparison keys derived from it.

use super::numerals::convert_numerals;

/// Normalises how an address is written, so that equal addresses compare equal:
///
/// * full-width ASCII (U+FF01–U+FF5E) → half-width, ideographic space → space, dashes and
///   `~` → `-`, `、` → `,`, `。` → `.`;
/// * a few traditional characters common in addresses → simplified (`號` → `号`, `樓` → `楼`);
/// * whitespace trimmed and collapsed to single spaces, control characters dropped;
/// * Latin lower-cased and stripped of accents (`ä` → `a`, `ö` → `o`, `å` → `a`, pinyin tones);
/// * Chinese numerals → digits where they are numbers: before a counter (`三段` → `3段`,
///   `二十三栋` → `23栋`, `两单元` → `2单元`) or standing alone (`一百零五` → `105`,
///   `五零一` → `501`), but not inside names (`五道口`, `三里屯`, `万科`);
/// * `No. 12`, `no.12`, `nr 12`, `#12`, `№12` → `12`.
///
/// Linear in the input; never panics.
pub fn normalize(s: &str) -> String {
    let mut mapped = String::with_capacity(s.len());
    for c in s.chars() {
        map_char(c, &mut mapped);
    }
    let collapsed = collapse_spaces(&mapped);
    let numbered = convert_numerals(&collapsed);
    strip_number_marks(&numbered)
}

/// True for CJK ideographs (and `〇`).
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{3007}')
}

/// Comparison key: the normalised string without spaces and punctuation.
pub(super) fn key(s: &str) -> String {
    compact(&normalize(s))
}

/// Keeps letters, digits and `-` of an already normalised string.
pub(super) fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .collect()
}

/// Key of a road: like [`key`], with a trailing English abbreviation spelled out
/// (`main st` → `mainstreet`).
pub(super) fn road_key(s: &str) -> String {
    road_key_normalized(&normalize(s))
}

/// [`road_key`] of an already normalised string.
pub(super) fn road_key_normalized(n: &str) -> String {
    let words: Vec<&str> = n.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return compact(n);
    }
    let last = words[words.len() - 1].trim_end_matches('.');
    let full = match last {
        "st" | "str" => "street",
        "rd" => "road",
        "ave" | "av" => "avenue",
        "blvd" => "boulevard",
        "dr" => "drive",
        "ln" => "lane",
        _ => return compact(n),
    };
    let mut out: String = words[..words.len() - 1].concat();
    out.push_str(full);
    compact(&out)
}

/// Key of a compound or community: like [`key`], without a generic trailing `小区` / `社区`
/// when a name remains (`华清嘉园小区` → `华清嘉园`).
pub(super) fn place_key(s: &str) -> String {
    place_key_normalized(&normalize(s))
}

/// [`place_key`] of an already normalised string.
pub(super) fn place_key_normalized(n: &str) -> String {
    let k = compact(n);
    for suffix in ["小区", "社区"] {
        if let Some(stem) = k.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return stem.to_string();
            }
        }
    }
    k
}

/// Key of a house number: `12号` → `12`, `45 B` → `45b`, `十二` → `12`.
pub(super) fn house_key(s: &str) -> String {
    house_key_normalized(&normalize(s))
}

/// [`house_key`] of an already normalised string.
pub(super) fn house_key_normalized(n: &str) -> String {
    let k = compact(n);
    let k = k.strip_prefix("第").unwrap_or(&k);
    for suffix in ["号院", "号"] {
        if let Some(stem) = k.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    k.to_string()
}

/// Key of a building number: `3号楼` → `3`, `A座` → `a`, `3#` → `3`.
pub(super) fn building_key(s: &str) -> String {
    building_key_normalized(&normalize(s))
}

/// [`building_key`] of an already normalised string.
pub(super) fn building_key_normalized(n: &str) -> String {
    let trimmed = n.trim().trim_end_matches('#');
    let k = compact(trimmed);
    let k = k.strip_prefix("第").unwrap_or(&k);
    for suffix in ["号楼", "栋", "幢", "座", "号", "楼"] {
        if let Some(stem) = k.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    k.to_string()
}

fn map_char(c: char, out: &mut String) {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_whitespace() || c.is_control() {
        out.push(' ');
        return;
    }
    match c {
        // Combining accents (decomposed `a` + `¨`), zero-width characters and BOM.
        '\u{0300}'..='\u{036F}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' => return,
        '\u{2116}' => {
            out.push_str(" no ");
            return;
        }
        _ => {}
    }
    let c = punctuation(traditional(c));
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if is_cjk(c) || !c.is_alphabetic() {
        out.push(c);
        return;
    }
    for lower in c.to_lowercase() {
        match fold_latin(lower) {
            Some(s) => out.push_str(s),
            None => out.push(lower),
        }
    }
}

fn punctuation(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{30FC}' | '~' | '\u{301C}' => '-',
        '、' => ',',
        '。' => '.',
        '「' | '」' | '『' | '』' | '【' | '】' | '《' | '》' | '〈' | '〉' => ' ',
        _ => c,
    }
}

/// Traditional → simplified for characters that occur in addresses.
fn traditional(c: char) -> char {
    match c {
        '號' => '号',
        '樓' => '楼',
        '棟' => '栋',
        '單' => '单',
        '門' => '门',
        '園' => '园',
        '區' => '区',
        '層' => '层',
        '莊' => '庄',
        '東' => '东',
        '廣' => '广',
        '場' => '场',
        '廈' => '厦',
        '裡' | '裏' => '里',
        '衚' => '胡',
        '衕' => '同',
        '橋' => '桥',
        '灣' => '湾',
        '鎮' => '镇',
        '縣' => '县',
        '國' => '国',
        '華' => '华',
        '龍' => '龙',
        '興' => '兴',
        '陽' => '阳',
        '雲' => '云',
        '開' => '开',
        '發' => '发',
        '條' => '条',
        '館' => '馆',
        '邨' => '村',
        '兩' => '两',
        '幾' => '几',
        '鄉' => '乡',
        '環' => '环',
        '亞' => '亚',
        '葉' => '叶',
        '巿' => '市',
        _ => c,
    }
}

/// Latin letters with diacritics → base letters (input already lower-case).
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ǎ' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' | 'ę' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ǐ' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ǒ' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ß' => "ss",
        'ś' | 'š' => "s",
        'ť' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ǔ' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        'ð' => "d",
        _ => return None,
    })
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Removes `no` / `no.` / `nr` / `n°` / `#` before a number.
fn strip_number_marks(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out = String::with_capacity(s.len());
    for (i, word) in words.iter().enumerate() {
        let next_is_number = words
            .get(i + 1)
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        let kept: &str = if next_is_number && is_number_mark(word) {
            continue;
        } else {
            glued_number(word).unwrap_or(word)
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(kept);
    }
    out
}

fn is_number_mark(w: &str) -> bool {
    matches!(w, "no" | "no." | "nr" | "nr." | "n°" | "n:o" | "#" | "n.")
}

/// `no.12` → `12`, `#12` → `12`, `nr12` → `12`.
fn glued_number(w: &str) -> Option<&str> {
    for mark in ["no.", "nr.", "n°", "n:o", "no", "nr", "#"] {
        if let Some(rest) = w.strip_prefix(mark) {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(rest);
            }
        }
    }
    None
}
