//! Name pools (roads, communities, compounds) and the obviously fictitious personal
//! identifiers of the demo: names "王示例17", ID numbers under the non-existent area code
//! 990000, phone numbers 1990000xxxx.

use std::collections::BTreeSet;

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Area code of the ID numbers: no such administrative division exists.
pub(super) const ID_AREA: &str = "990000";
/// Prefix of the phone numbers (a reserved-looking range used only by the demo).
pub(super) const PHONE_PREFIX: &str = "1990000";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
];

const ROAD_STEMS: &[&str] = &[
    "锦华", "蜀汉", "青龙", "芳草", "桐梓", "光华", "金沙", "文华", "建设", "双林", "万年", "府青",
    "红星", "和平", "新华", "长顺", "永丰", "晋阳", "科华", "紫竹", "龙腾", "望江", "东升", "百花",
    "交子", "锦官", "浣花", "青华", "枣园", "沙湾", "锦绣", "玉沙",
];

const STREET_STEMS: &[&str] = &[
    "玉带", "青石", "桂香", "槐树", "柳荫", "枣子", "梨花", "红墙", "石板", "水井", "仁和", "义学",
    "福德", "安居", "乐业", "文庙", "书院", "鼓楼", "染坊", "盐市", "米市", "草市", "铁匠", "斑竹",
    "马道", "凤凰", "双桂", "三槐", "五福", "六合", "七星", "八角", "九如", "金丝", "银丝", "太平",
    "长寿", "吉祥", "如意", "永兴", "同心", "和睦", "翠柏", "椿树", "棉花", "纱帽", "骡马", "栅子",
];

const RIVERS: &[&str] = &[
    "府河",
    "南河",
    "沙河",
    "清水河",
    "江安河",
    "摸底河",
    "饮马河",
];

const STREETS: &[&str] = &[
    "锦华街道",
    "芙蓉街道",
    "望江街道",
    "青莲街道",
    "浣花街道",
    "锦官街道",
];

const COMMUNITIES: &[&str] = &[
    "桂花", "玉兰", "芙蓉", "银杏", "翠竹", "海棠", "紫荆", "梧桐", "青松", "金桂", "丁香", "石榴",
    "蔷薇", "杜鹃", "兰亭", "竹林", "荷花", "和平", "光明", "幸福", "新华", "建设", "团结", "友谊",
    "祥和", "安康", "百花", "红枫",
];

const ESTATE_PREFIXES: &[&str] = &[
    "锦绣", "蓝天", "翠湖", "金桂", "阳光", "东方", "望江", "锦城", "芙蓉", "紫荆", "水岸", "书香",
    "丽景", "怡心", "世纪", "天府", "龙腾", "金色", "碧云", "清风", "明月", "新城", "时代", "星河",
    "御景", "君悦", "凯旋", "锦官", "蜀风", "华阳", "春江", "棕榈",
];
const ESTATE_SUFFIXES: &[&str] = &["花园", "华庭", "名苑", "家园", "公馆", "雅居", "苑", "名都"];
const OLD_ESTATE_PREFIXES: &[&str] = &[
    "电力",
    "邮电",
    "纺织厂",
    "机械厂",
    "供销社",
    "教师",
    "粮食局",
    "水电",
    "铁路",
    "医药",
    "无线电厂",
    "建材",
    "印刷厂",
    "自来水",
    "商业局",
    "交通",
];
const OLD_ESTATE_SUFFIXES: &[&str] = &["宿舍", "小区", "新村"];

/// Draws names without repeats, deterministically from the seeded generator.
pub(super) struct Names {
    road_stems: Vec<&'static str>,
    street_stems: Vec<&'static str>,
    communities: Vec<&'static str>,
    used: BTreeSet<String>,
    person_no: u32,
    ids: BTreeSet<String>,
}

impl Names {
    pub fn new(rng: &mut ChaCha8Rng) -> Self {
        let mut road_stems = ROAD_STEMS.to_vec();
        road_stems.shuffle(rng);
        let mut street_stems = STREET_STEMS.to_vec();
        street_stems.shuffle(rng);
        let mut communities = COMMUNITIES.to_vec();
        communities.shuffle(rng);
        Names {
            road_stems,
            street_stems,
            communities,
            used: BTreeSet::new(),
            person_no: 0,
            ids: BTreeSet::new(),
        }
    }

    /// A name not handed out before; `make(i)` builds candidates.
    fn fresh(&mut self, mut make: impl FnMut(usize) -> String) -> String {
        for i in 0.. {
            let name = make(i);
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        unreachable!()
    }

    pub fn street(&mut self, rng: &mut ChaCha8Rng) -> String {
        let name = STREETS[rng.gen_range(0..STREETS.len())].to_string();
        self.used.insert(name.clone());
        name
    }

    pub fn river(&mut self, rng: &mut ChaCha8Rng) -> String {
        let name = RIVERS[rng.gen_range(0..RIVERS.len())].to_string();
        self.used.insert(name.clone());
        name
    }

    /// A main road name (路, or 大道 when `avenue`); each stem is used once.
    pub fn main_road(&mut self, avenue: bool) -> String {
        let stems = self.road_stems.clone();
        let suffix = if avenue { "大道" } else { "路" };
        self.fresh_stem(&stems, |stem, round| match round {
            0 => format!("{stem}{suffix}"),
            1 => format!("{stem}东{suffix}"),
            n => format!("{stem}{suffix}{n}段"),
        })
    }

    /// A small street (街) or alley (巷); each stem is used once.
    pub fn small_street(&mut self, alley: bool) -> String {
        let stems = self.street_stems.clone();
        let suffix = if alley { "巷" } else { "街" };
        self.fresh_stem(&stems, |stem, round| match round {
            0 => format!("{stem}{suffix}"),
            1 => format!("{stem}后{suffix}"),
            n => format!("{stem}{n}{suffix}"),
        })
    }

    /// The first name `make(stem, round)` whose stem was not used in that round.
    fn fresh_stem(&mut self, stems: &[&str], make: impl Fn(&str, usize) -> String) -> String {
        for round in 0.. {
            for stem in stems {
                let name = make(stem, round);
                if !self.used.contains(&name) && self.used.insert(format!("stem:{stem}:{round}")) {
                    self.used.insert(name.clone());
                    return name;
                }
            }
        }
        unreachable!()
    }

    /// A community stem such as "桂花" (the caller appends 社区).
    pub fn community(&mut self, index: usize) -> String {
        let stems = self.communities.clone();
        self.fresh(|i| {
            let stem = stems[(index + i) % stems.len()];
            if i < stems.len() {
                stem.to_string()
            } else {
                format!("{stem}{}", i / stems.len() + 1)
            }
        })
    }

    /// A residential compound name; `old` gives a work-unit compound of the 1980s–90s.
    pub fn compound(&mut self, rng: &mut ChaCha8Rng, old: bool) -> String {
        let (pre, suf) = if old {
            (OLD_ESTATE_PREFIXES, OLD_ESTATE_SUFFIXES)
        } else {
            (ESTATE_PREFIXES, ESTATE_SUFFIXES)
        };
        let a = rng.gen_range(0..pre.len());
        let b = rng.gen_range(0..suf.len());
        self.fresh(|i| {
            let p = pre[(a + i) % pre.len()];
            let s = suf[(b + i / pre.len()) % suf.len()];
            if i < pre.len() * suf.len() {
                format!("{p}{s}")
            } else {
                format!("{p}{s}{}期", i / (pre.len() * suf.len()) + 1)
            }
        })
    }

    /// A fancy stem for a hotel or a market.
    pub fn business(&mut self, rng: &mut ChaCha8Rng, suffix: &str) -> String {
        let a = rng.gen_range(0..ESTATE_PREFIXES.len());
        self.fresh(|i| {
            let p = ESTATE_PREFIXES[(a + i) % ESTATE_PREFIXES.len()];
            format!("{p}{suffix}")
        })
    }

    /// An obviously fictitious person name: surname + "示例" + a running number.
    pub fn person(&mut self, rng: &mut ChaCha8Rng) -> String {
        self.person_no += 1;
        let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        format!("{surname}示例{}", self.person_no)
    }

    /// A unique fictitious ID number for someone born on the given date.
    pub fn id_number(
        &mut self,
        rng: &mut ChaCha8Rng,
        year: i32,
        month: u32,
        day: u32,
        male: bool,
    ) -> String {
        loop {
            // The 17th digit is odd for men and even for women (GB 11643).
            let seq = rng.gen_range(0..500u32) * 2 + u32::from(male);
            let body = format!("{ID_AREA}{year:04}{month:02}{day:02}{seq:03}");
            let id = format!("{body}{}", check_digit(&body));
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The GB 11643 check character of the first 17 digits of an ID number.
pub(super) fn check_digit(body: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CODES: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    CODES[(sum % 11) as usize]
}

/// A fictitious mobile number 1990000xxxx.
pub(super) fn phone(rng: &mut ChaCha8Rng) -> String {
    format!("{PHONE_PREFIX}{:04}", rng.gen_range(0..10_000))
}

/// Chinese ordinal for grid names (第一网格 ...).
pub(super) fn ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => {
            let tens = DIGITS[n / 10];
            let ones = if n % 10 == 0 { "" } else { DIGITS[n % 10] };
            format!("{tens}十{ones}")
        }
    }
}
