use std::time::Instant;

use super::*;
use crate::model::Address;

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn entry(
    id: i64,
    road: Option<&str>,
    house: Option<&str>,
    compound: Option<&str>,
    building: Option<&str>,
) -> AddressEntry {
    AddressEntry {
        building_id: id,
        address: Address {
            road: road.map(str::to_string),
            house_number: house.map(str::to_string),
            compound: compound.map(str::to_string),
            building_no: building.map(str::to_string),
        },
        name: None,
        community: None,
    }
}

fn sample() -> Geocoder {
    let mut v = vec![
        entry(1, Some("人民南路三段"), Some("12"), None, None),
        entry(2, Some("人民南路三段"), Some("14号"), None, None),
        entry(3, Some("人民南路二段"), Some("12"), None, None),
        entry(4, Some("锦江路"), Some("88"), Some("锦绣花园"), Some("3")),
        entry(5, Some("锦江路"), Some("88"), Some("锦绣花园"), Some("4栋")),
        entry(6, Some("锦江路"), Some("90"), None, None),
        entry(
            7,
            Some("成府路"),
            Some("1"),
            Some("华清嘉园"),
            Some("3号楼"),
        ),
        entry(
            8,
            Some("成府路"),
            Some("1"),
            Some("华清嘉园"),
            Some("5号楼"),
        ),
        entry(9, None, None, Some("荷清苑"), Some("3")),
        entry(10, None, None, Some("荷清苑"), Some("4")),
        entry(11, None, None, Some("荷清苑"), None),
        entry(13, Some("Mannerheimintie"), Some("5"), None, None),
        entry(14, Some("Mannerheimintie"), Some("12"), None, None),
        entry(15, Some("Fredrikinkatu"), Some("45 B"), None, None),
        entry(16, Some("Fredrikinkatu"), Some("45"), None, Some("A")),
        entry(17, Some("Main Street"), Some("12"), None, None),
        entry(18, Some("Hämeentie"), Some("1"), None, None),
        // A second address point of building 4.
        entry(4, Some("锦绣街"), Some("2"), None, None),
        entry(20, Some("中关村大街"), Some("1"), None, None),
        entry(21, Some("成府路"), Some("12"), None, None),
    ];
    v.push(AddressEntry {
        name: s("清华大学主楼"),
        ..entry(12, Some("成府路"), Some("20"), None, None)
    });
    v.push(AddressEntry {
        community: s("荷清苑社区"),
        ..entry(19, Some("荷清路"), Some("6"), None, Some("7"))
    });
    Geocoder::new(v)
}

fn ids(ms: &[Match]) -> Vec<i64> {
    ms.iter().map(|m| m.building_id).collect()
}

fn score_of(ms: &[Match], id: i64) -> Option<f64> {
    ms.iter().find(|m| m.building_id == id).map(|m| m.score)
}

#[test]
fn normalize_cases() {
    assert_eq!(normalize("１２号"), "12号");
    assert_eq!(normalize("人民南路三段"), "人民南路3段");
    assert_eq!(normalize("十二号"), "12号");
    assert_eq!(normalize("二十三栋"), "23栋");
    assert_eq!(normalize("一百零五室"), "105室");
    assert_eq!(normalize("一百零五"), "105");
    assert_eq!(normalize("两单元"), "2单元");
    assert_eq!(normalize("〇"), "0");
    assert_eq!(normalize("十二號樓"), "12号楼");
    assert_eq!(normalize("  Main\u{3000}\tSTREET  "), "main street");
    assert_eq!(normalize("No. 12 Main St"), "12 main st");
    assert_eq!(normalize("no.7"), "7");
    assert_eq!(normalize("Hämeentie Åbo Östra"), "hameentie abo ostra");
    assert_eq!(normalize("A\u{0308}"), "a");
    assert_eq!(normalize("五道口"), "五道口");
    assert_eq!(normalize("１２－１４号"), "12-14号");
    assert_eq!(normalize(""), "");
    assert_eq!(normalize("   "), "");
}

#[test]
fn parse_chinese() {
    let p = parse("人民南路三段12号");
    assert_eq!(p.road.as_deref(), Some("人民南路3段"));
    assert_eq!(p.house_number.as_deref(), Some("12"));
    assert_eq!(p.compound, None);

    let p = parse("华清嘉园3号楼2单元501室");
    assert_eq!(p.compound.as_deref(), Some("华清嘉园"));
    assert_eq!(p.building_no.as_deref(), Some("3"));
    assert_eq!(p.unit, Some(2));
    assert_eq!(p.room.as_deref(), Some("501"));

    let p = parse("荷清苑 3栋2单元501");
    assert_eq!(p.compound.as_deref(), Some("荷清苑"));
    assert_eq!(p.building_no.as_deref(), Some("3"));
    assert_eq!(p.unit, Some(2));
    assert_eq!(p.room.as_deref(), Some("501"));

    let p = parse("3-2-501");
    assert_eq!(p.building_no.as_deref(), Some("3"));
    assert_eq!(p.unit, Some(2));
    assert_eq!(p.room.as_deref(), Some("501"));
    assert_eq!(p.road, None);

    let p = parse("荷清苑1-2-501室");
    assert_eq!(p.compound.as_deref(), Some("荷清苑"));
    assert_eq!(
        (p.building_no.as_deref(), p.unit, p.room.as_deref()),
        (Some("1"), Some(2), Some("501"))
    );

    let p = parse("成府路");
    assert_eq!(p.road.as_deref(), Some("成府路"));
    assert_eq!(p.house_number, None);

    // No gazetteer in the parser: 五道口 (not a road: 道口) stays part of the name.
    let p = parse("五道口华清嘉园");
    assert_eq!(p.road, None);
    assert_eq!(p.compound.as_deref(), Some("五道口华清嘉园"));

    let p = parse("锦江路88号锦绣花园3栋");
    assert_eq!(p.road.as_deref(), Some("锦江路"));
    assert_eq!(p.house_number.as_deref(), Some("88"));
    assert_eq!(p.compound.as_deref(), Some("锦绣花园"));
    assert_eq!(p.building_no.as_deref(), Some("3"));

    assert_eq!(
        parse("成府路12号附1号").house_number.as_deref(),
        Some("12附1")
    );
    assert_eq!(
        parse("锦江路12-14号").house_number.as_deref(),
        Some("12-14")
    );
    assert_eq!(parse("华清嘉园A座").building_no.as_deref(), Some("a"));
    assert_eq!(parse("华清嘉园3#楼").building_no.as_deref(), Some("3"));
    assert_eq!(parse("中关村大街1号").road.as_deref(), Some("中关村大街"));

    let p = parse("北京市海淀区成府路20号");
    assert_eq!(p.rest, vec!["北京市", "海淀区"]);
    assert_eq!(p.road.as_deref(), Some("成府路"));
    assert_eq!(p.house_number.as_deref(), Some("20"));

    let p = parse("华清嘉园3楼2单元");
    assert_eq!(p.building_no.as_deref(), Some("3"));
    assert_eq!(p.unit, Some(2));
    let p = parse("华清嘉园3号楼5楼");
    assert_eq!(p.building_no.as_deref(), Some("3"));
    assert_eq!(p.rest, vec!["5楼"]);

    let p = parse("清华大学3号楼");
    assert_eq!(p.compound.as_deref(), Some("清华大学"));
    assert_eq!(p.building_no.as_deref(), Some("3"));

    let p = parse("华清");
    assert_eq!(p.compound, None);
    assert_eq!(p.rest, vec!["华清"]);

    let p = parse("和平里三区7号楼2门301");
    assert_eq!(p.compound.as_deref(), Some("和平里3区"));
    assert_eq!(
        (p.building_no.as_deref(), p.unit, p.room.as_deref()),
        (Some("7"), Some(2), Some("301"))
    );
    let p = parse("上海市黄浦区南京东路100弄5号");
    assert_eq!(p.road.as_deref(), Some("南京东路100弄"));
    assert_eq!(p.house_number.as_deref(), Some("5"));
    assert_eq!(parse("二环路北一段").road.as_deref(), Some("二环路北1段"));
    let p = parse("第三号楼");
    assert_eq!((p.compound, p.building_no.as_deref()), (None, Some("3")));
    let p = parse("人民东1路锦绣花园3栋");
    assert_eq!(p.road.as_deref(), Some("人民东1路"));
    assert_eq!(p.compound.as_deref(), Some("锦绣花园"));
    let p = parse("朝阳区建国路88号SOHO现代城A座1201");
    assert_eq!(p.compound.as_deref(), Some("soho现代城"));
    assert_eq!(
        (p.building_no.as_deref(), p.room.as_deref()),
        (Some("a"), Some("1201"))
    );

    let p = parse("人民南路三段十二号");
    assert_eq!(p.road.as_deref(), Some("人民南路3段"));
    assert_eq!(p.house_number.as_deref(), Some("12"));
}

#[test]
fn parse_latin() {
    let p = parse("Mannerheimintie 12");
    assert_eq!(p.road.as_deref(), Some("mannerheimintie"));
    assert_eq!(p.house_number.as_deref(), Some("12"));
    assert_eq!(p.building_no, None);

    let p = parse("Fredrikinkatu 45 B");
    assert_eq!(p.road.as_deref(), Some("fredrikinkatu"));
    assert_eq!(p.house_number.as_deref(), Some("45"));
    assert_eq!(p.building_no.as_deref(), Some("b"));

    let p = parse("Fredrikinkatu 45b as 12, 00100 Helsinki");
    assert_eq!(p.house_number.as_deref(), Some("45"));
    assert_eq!(p.building_no.as_deref(), Some("b"));
    assert_eq!(p.room.as_deref(), Some("12"));
    assert_eq!(p.rest, vec!["00100", "helsinki"]);

    let p = parse("12 Main Street");
    assert_eq!(p.road.as_deref(), Some("main street"));
    assert_eq!(p.house_number.as_deref(), Some("12"));

    let p = parse("No. 7, Mannerheimintie");
    assert_eq!(p.house_number.as_deref(), Some("7"));

    assert_eq!(parse(""), ParsedAddress::default());
}

#[test]
fn exact_road_and_number_first() {
    let g = sample();
    let ms = g.search("人民南路三段12号", 10);
    assert_eq!(ms[0].building_id, 1);
    assert_eq!(ms[0].score, 1.0);
    assert_eq!(ms[0].matched, vec!["road", "house_number"]);
    // Same road, other number: contradicted, far below.
    let other = score_of(&ms, 2).expect("same road listed");
    assert!(other < 0.5, "{other}");
    // Written with a full-width number and Chinese numerals: the same.
    assert_eq!(ids(&g.search("人民南路三段１２号", 1)), vec![1]);
    assert_eq!(ids(&g.search("人民南路三段十二号", 1)), vec![1]);
}

#[test]
fn road_only_and_partial_road() {
    let g = sample();
    let ms = g.search("锦江路", 10);
    assert_eq!(ids(&ms), vec![4, 5, 6]);
    assert!(ms.iter().all(|m| m.score == 1.0));

    // 人民南路 is part of 人民南路3段 / 2段: found, less strongly than exact.
    let ms = g.search("人民南路12号", 10);
    assert_eq!(ids(&ms)[..2], [1, 3]);
    assert!(ms[0].score < 1.0 && ms[0].score > 0.7, "{}", ms[0].score);
}

#[test]
fn compound_and_building_first() {
    let g = sample();
    let ms = g.search("荷清苑3号楼", 10);
    assert_eq!(ms[0].building_id, 9);
    assert_eq!(ms[0].score, 1.0);
    assert_eq!(ms[0].matched, vec!["compound", "building_no"]);
    let missing = score_of(&ms, 11).expect("compound without building");
    let contradicted = score_of(&ms, 10).expect("other building");
    assert!(missing > contradicted, "{missing} {contradicted}");
    assert!(missing < 1.0);

    // Compound only: all its buildings (and the community's), equally.
    let ms = g.search("荷清苑", 10);
    assert_eq!(ids(&ms), vec![9, 10, 11, 19]);
    assert!(ms.iter().all(|m| m.score == 1.0));

    let ms = g.search("锦江路88号锦绣花园3栋", 10);
    assert_eq!(ms[0].building_id, 4);
    assert_eq!(ms[0].score, 1.0);
    assert!(score_of(&ms, 5).unwrap_or(1.0) < 0.5);
}

#[test]
fn partial_compound() {
    let g = sample();
    let ms = g.search("华清", 10);
    assert_eq!(ids(&ms), vec![7, 8]);
    assert!(ms[0].score > 0.3 && ms[0].score < 1.0, "{}", ms[0].score);
    assert_eq!(ms[0].matched, vec!["compound"]);

    let exact = g.search("华清嘉园", 10);
    assert!(exact[0].score > ms[0].score);

    let ms = g.search("五道口华清嘉园3号楼", 10);
    assert_eq!(ms[0].building_id, 7);
    assert!(ms[0].score > score_of(&ms, 8).unwrap_or(0.0));
}

#[test]
fn room_pass_through() {
    let g = sample();
    let ms = g.search("华清嘉园3号楼2单元501室", 5);
    assert_eq!(ms[0].building_id, 7);
    assert_eq!(ms[0].unit, Some(2));
    assert_eq!(ms[0].room.as_deref(), Some("501"));
    let ms = g.search("荷清苑 3-2-501", 5);
    assert_eq!(ms[0].building_id, 9);
    assert_eq!((ms[0].unit, ms[0].room.as_deref()), (Some(2), Some("501")));
    let ms = g.search("荷清苑3号楼", 5);
    assert_eq!((ms[0].unit, ms[0].room.as_deref()), (None, None));
}

#[test]
fn latin() {
    let g = sample();
    let ms = g.search("mannerheimintie 5", 10);
    assert_eq!(ms[0].building_id, 13);
    assert_eq!(ms[0].score, 1.0);
    assert!(score_of(&ms, 14).unwrap_or(0.0) < 0.5);
    assert_eq!(g.search("MANNERHEIMINTIE 12", 1)[0].building_id, 14);
    assert_eq!(g.search("Hameentie 1", 1)[0].building_id, 18);
    assert_eq!(g.search("hämeentie no. 1", 1)[0].building_id, 18);
    assert_eq!(g.search("12 Main St", 1)[0].building_id, 17);

    let ms = g.search("Fredrikinkatu 45 B", 10);
    assert_eq!(ms[0].building_id, 15);
    assert_eq!(ms[0].score, 1.0);
    assert!(score_of(&ms, 16).unwrap_or(0.0) < 0.5);
    assert_eq!(g.search("Fredrikinkatu 45 A", 1)[0].building_id, 16);

    let ms = g.search("mannerheim", 10);
    assert_eq!(ids(&ms), vec![13, 14]);
    assert!(ms[0].score < 1.0);
}

#[test]
fn names_and_one_match_per_building() {
    let g = sample();
    let ms = g.search("清华大学主楼", 5);
    assert_eq!(ms[0].building_id, 12);
    assert_eq!(ms[0].score, 1.0);
    assert!(ms[0].matched.contains(&"name"));

    // Building 4 has two entries; it is listed once, with its best.
    let ms = g.search("锦江路88号", 10);
    assert_eq!(ids(&ms), vec![4, 5, 6]);
    assert_eq!(ms[0].score, 1.0);
    let ms = g.search("锦绣街2号", 10);
    assert_eq!(ids(&ms), vec![4]);
}

#[test]
fn determinism_and_edges() {
    let g = sample();
    for q in [
        "荷清苑",
        "锦江路88号",
        "华清",
        "mannerheimintie",
        "成府路12号",
    ] {
        let a = g.search(q, 10);
        let b = g.search(q, 10);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then(x.building_id.cmp(&y.building_id))
        });
        assert_eq!(a, sorted);
        assert!(a.iter().all(|m| (0.0..=1.0).contains(&m.score)));
    }
    assert!(g.search("", 10).is_empty());
    assert!(g.search("   \u{3000}", 10).is_empty());
    assert!(g.search("荷清苑", 0).is_empty());
    assert_eq!(g.search("荷清苑", 2).len(), 2);
    assert!(Geocoder::new(Vec::new()).search("荷清苑", 5).is_empty());
    assert!(Geocoder::new(Vec::new()).is_empty());
    assert_eq!(g.len(), 22);
}

/// Tiny linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const POOL: &[&str] = &[
    "一",
    "二",
    "两",
    "三",
    "十",
    "百",
    "千",
    "零",
    "〇",
    "号",
    "号楼",
    "栋",
    "幢",
    "座",
    "楼",
    "单元",
    "室",
    "段",
    "路",
    "街",
    "道",
    "巷",
    "弄",
    "胡同",
    "小区",
    "花园",
    "苑",
    "园",
    "村",
    "里",
    "附",
    "市",
    "区",
    "街道",
    "口",
    "华清",
    "荷清",
    "锦江",
    "人民南",
    "0",
    "1",
    "2",
    "9",
    "12",
    "501",
    "-",
    "#",
    " ",
    "\u{3000}",
    "１",
    "Ａ",
    "a",
    "B",
    "no.",
    "No",
    "ä",
    "Ö",
    "\u{0308}",
    "katu",
    "tie",
    ",",
    "，",
    "、",
    "~",
    "\u{200B}",
    "😀",
    "\u{10FFFF}",
    "\t",
    "\n",
    "99999999999999999999999",
    "-",
    "--",
    "号号",
    "单元单元",
];

fn random_string(r: &mut Lcg) -> String {
    let mut out = String::new();
    for _ in 0..r.below(40) {
        if r.below(5) == 0 {
            let c = char::from_u32(r.next() as u32 % 0x11_0000).unwrap_or('?');
            out.push(c);
        } else {
            out.push_str(POOL[r.below(POOL.len())]);
        }
    }
    out
}

#[test]
fn never_panics_on_random_input() {
    let g = sample();
    let mut r = Lcg(42);
    for _ in 0..2000 {
        let q = random_string(&mut r);
        let _ = parse(&q);
        let _ = normalize(&q);
        for m in g.search(&q, 5) {
            assert!((0.0..=1.0).contains(&m.score), "{q:?}");
        }
    }
    let big: String = "华清嘉园三号楼二单元五零一室 Mannerheimintie 12 ".repeat(3000);
    assert!(big.len() > 100_000);
    let _ = normalize(&big);
    let _ = parse(&big);
    let _ = g.search(&big, 5);
    // Random entries too.
    let entries: Vec<AddressEntry> = (0..300)
        .map(|i| AddressEntry {
            building_id: i % 97,
            address: Address {
                road: Some(random_string(&mut r)),
                house_number: Some(random_string(&mut r)),
                compound: Some(random_string(&mut r)),
                building_no: Some(random_string(&mut r)),
            },
            name: Some(random_string(&mut r)),
            community: Some(random_string(&mut r)),
        })
        .collect();
    let g = Geocoder::new(entries);
    for _ in 0..300 {
        let _ = g.search(&random_string(&mut r), 5);
    }
}

const SYN_A: &[&str] = &[
    "人民", "建设", "解放", "中山", "和平", "新华", "锦江", "长安", "青年", "文化",
];
const SYN_B: &[&str] = &["东", "西", "南", "北", "中", ""];
const SYN_S: &[&str] = &["花园", "家园", "小区", "新村", "苑", "公寓"];

fn syn_road(i: usize) -> String {
    format!("{}{}{}路", SYN_A[i % 10], SYN_B[(i / 10) % 6], i / 60)
}

fn syn_compound(i: usize) -> String {
    format!("{}{}{}", SYN_A[(i / 7) % 10], i, SYN_S[i % 6])
}

/// Synthetic city: 1,000 roads, 5,000 compounds, `n` entries.
fn synthetic(n: usize) -> Vec<AddressEntry> {
    (0..n)
        .map(|i| {
            let with_compound = i % 3 != 0;
            AddressEntry {
                building_id: i as i64,
                address: Address {
                    road: Some(syn_road(i % 1000)),
                    house_number: Some(format!("{}", (i / 1000) * 2 + 1)),
                    compound: with_compound.then(|| syn_compound(i % 5000)),
                    building_no: with_compound.then(|| format!("{}号楼", i / 5000 + 1)),
                },
                name: (i % 10 == 0).then(|| format!("{}大厦{}", SYN_A[i % 10], i)),
                community: None,
            }
        })
        .collect()
}

#[test]
fn timing_100k() {
    let entries = synthetic(100_000);
    let t = Instant::now();
    let g = Geocoder::new(entries);
    let built = t.elapsed();
    let queries: Vec<String> = (0..200)
        .map(|i| match i % 5 {
            0 => format!("{}{}号", syn_road(i * 7), i % 100 * 2 + 1),
            1 => format!("{}{}号楼2单元501", syn_compound(i * 13), i % 20 + 1),
            2 => syn_road(i * 3),
            3 => SYN_A[i % 10].to_string(),
            _ => format!("{}大厦", SYN_A[i % 10]),
        })
        .collect();
    let t = Instant::now();
    let mut found = 0;
    for q in &queries {
        found += g.search(q, 10).len();
    }
    let per_query = t.elapsed() / queries.len() as u32;
    println!(
        "geocode timing: built 100,000 entries in {built:?}; {} queries, {per_query:?} per query, {found} matches",
        queries.len()
    );
    assert!(found > 0);
    // Road + number and compound + building find their building first.
    let ms = g.search(&format!("{}3号", syn_road(60)), 3);
    assert_eq!(ms[0].score, 1.0);
    assert_eq!(ms[0].building_id, 1060);
    let ms = g.search(&format!("{}3号楼", syn_compound(1)), 3);
    assert_eq!(ms[0].score, 1.0);
    assert_eq!(ms[0].building_id, 10001);
}

#[test]
fn numbers_written_differently_are_equal() {
    let g = Geocoder::new(vec![
        entry(1, Some("荷清路"), Some("十二号"), None, None),
        entry(2, Some("荷清路"), Some("１４"), None, None),
        entry(
            3,
            Some("荷清路"),
            Some("16"),
            Some("荷清苑"),
            Some("二十三栋"),
        ),
    ]);
    assert_eq!(g.search("荷清路12号", 1)[0].building_id, 1);
    assert_eq!(g.search("荷清路十二号", 1)[0].score, 1.0);
    assert_eq!(g.search("荷清路14", 1)[0].building_id, 2);
    assert_eq!(g.search("荷清路十四号", 1)[0].score, 1.0);
    let ms = g.search("荷清苑23号楼", 1);
    assert_eq!((ms[0].building_id, ms[0].score), (3, 1.0));
    let json = serde_json::to_string(&ms[0]).unwrap_or_default();
    assert!(
        json.contains(r#""matched":["compound","building_no"]"#),
        "{json}"
    );
}

#[test]
fn a_lane_stored_in_the_house_number_is_found_by_road_lane_and_number() {
    // Shanghai data stores 张杨路 + 628弄4-7号; people write 张杨路628弄4-7号.
    let g = Geocoder::new(vec![
        entry(1, Some("张杨路"), Some("628弄4-7号"), None, None),
        entry(2, Some("张杨路"), Some("628弄9号"), None, None),
        entry(3, Some("张杨路"), Some("700"), None, None),
    ]);
    let hits = g.search("张杨路628弄4-7号", 3);
    assert_eq!(hits[0].building_id, 1, "{hits:?}");
    assert!(hits[0].matched.contains(&"house_number"), "{hits:?}");
    assert!(hits[0].score > 0.9, "{hits:?}");
    let hits = g.search("张杨路628弄", 3);
    assert!(
        hits.iter().take(2).all(|h| h.building_id != 3),
        "the lane's buildings first: {hits:?}"
    );
    assert_eq!(g.search("张杨路700号", 1)[0].building_id, 3);
}
