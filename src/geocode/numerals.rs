//! Chinese numerals → Arabic digits, only where the numeral is a number.
//!
//! A run of numeral characters (`零〇一二两三四五六七八九十百千`) is converted when it is
//! followed by a counter that numbers address parts (`号 段 栋 幢 座 楼 单元 室 层 户 门
//! 期 弄 巷 排 组 区 房 #`) or stands alone (between spaces, punctuation or the end, or right
//! after such a counter: `3单元五零一` → `3单元501`). Runs inside names (`五道口`, `三里屯`,
//! `十里堡`, `八一路`) are left alone. `万` is not a numeral here (`万科`).

/// Counters after which a numeral run is a number.
const COUNTERS: &[&str] = &[
    "号", "段", "栋", "幢", "座", "楼", "单元", "室", "层", "户", "门", "期", "弄", "巷", "排",
    "组", "区", "房", "#",
];

/// Characters ending a counter, after which a standalone numeral run is a number.
const COUNTER_TAILS: &[char] = &[
    '号', '段', '栋', '幢', '座', '楼', '元', '室', '层', '户', '门', '期', '弄', '巷', '区', '房',
];

/// Longest run handled positionally (`一千二百三十四` has 7); longer runs with units are
/// left as they are.
const MAX_POSITIONAL_RUN: usize = 12;

pub(super) fn convert_numerals(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if digit(c).is_none() && unit(c).is_none() {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < chars.len() && (digit(chars[end]).is_some() || unit(chars[end]).is_some()) {
            end += 1;
        }
        let run = &chars[start..end];
        match should_convert(&chars, start, end)
            .then(|| value(run))
            .flatten()
        {
            Some(v) => out.push_str(&v),
            None => out.extend(run),
        }
        i = end;
    }
    out
}

fn digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

fn should_convert(chars: &[char], start: usize, end: usize) -> bool {
    let after = &chars[end..];
    if COUNTERS.iter().any(|counter| starts_with(after, counter)) {
        return true;
    }
    let before_ok = match start.checked_sub(1).and_then(|p| chars.get(p)) {
        None => true,
        Some(&p) => COUNTER_TAILS.contains(&p) || !(p.is_alphanumeric()),
    };
    let after_ok = match after.first() {
        None => true,
        Some(&n) => !n.is_alphanumeric() || n.is_ascii_digit(),
    };
    before_ok && after_ok
}

fn starts_with(chars: &[char], s: &str) -> bool {
    let mut it = chars.iter();
    s.chars().all(|c| it.next() == Some(&c))
}

/// The decimal value of a run, or `None` when it is not a well-formed number.
fn value(run: &[char]) -> Option<String> {
    if run.iter().all(|&c| unit(c).is_none()) {
        // Digit by digit: 五零一 → 501, 二〇二三 → 2023.
        return run
            .iter()
            .map(|&c| digit(c).and_then(|d| char::from_digit(d as u32, 10)))
            .collect();
    }
    if run.len() > MAX_POSITIONAL_RUN {
        return None;
    }
    let mut total: u64 = 0;
    let mut pending: Option<u64> = None;
    let mut last_unit = u64::MAX;
    let mut zero_since_unit = false;
    for &c in run {
        if let Some(u) = unit(c) {
            if u >= last_unit {
                return None;
            }
            let d = match pending.take() {
                Some(d) => d,
                // 十二 = 12; 一百十五 = 115.
                None if total == 0 || u == 10 => 1,
                None => return None,
            };
            total += d * u;
            last_unit = u;
            zero_since_unit = false;
        } else {
            let d = digit(c)?;
            if d == 0 {
                zero_since_unit = true;
                continue;
            }
            if pending.is_some() {
                return None;
            }
            pending = Some(d);
        }
    }
    if let Some(d) = pending {
        // 一百一 = 110, 两千三 = 2300, but 一百零一 = 101 and 二十三 = 23.
        if !zero_since_unit && last_unit >= 100 && last_unit != u64::MAX {
            total += d * (last_unit / 10);
        } else {
            total += d;
        }
    }
    Some(total.to_string())
}

#[cfg(test)]
mod tests {
    use super::convert_numerals as c;

    #[test]
    fn numbers() {
        assert_eq!(c("三段"), "3段");
        assert_eq!(c("十二号"), "12号");
        assert_eq!(c("二十三栋"), "23栋");
        assert_eq!(c("一百零五室"), "105室");
        assert_eq!(c("一百零五"), "105");
        assert_eq!(c("两单元"), "2单元");
        assert_eq!(c("一百一十号"), "110号");
        assert_eq!(c("一百一号"), "110号");
        assert_eq!(c("两千零一号"), "2001号");
        assert_eq!(c("十号"), "10号");
        assert_eq!(c("3单元五零一"), "3单元501");
        assert_eq!(c("二〇二号"), "202号");
        assert_eq!(c("三十"), "30");
    }

    #[test]
    fn names_stay() {
        assert_eq!(c("五道口"), "五道口");
        assert_eq!(c("三里屯"), "三里屯");
        assert_eq!(c("十里堡"), "十里堡");
        assert_eq!(c("八一路"), "八一路");
        assert_eq!(c("万科城"), "万科城");
        assert_eq!(c("五四大街"), "五四大街");
        assert_eq!(c("十十号"), "十十号");
    }
}
