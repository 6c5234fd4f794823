//! Register column names: the English names of the README and the Chinese headers the
//! usual register spreadsheets carry (楼栋, 房号, 人数, 姓名, 身份证号 ...), both mapped to
//! one canonical English name.

/// Chinese headers (and English variants) → canonical column.
const ALIASES: &[(&str, &str)] = &[
    ("楼栋", "building"),
    ("楼栋编号", "building"),
    ("楼号", "building"),
    ("楼栋id", "building_id"),
    ("房号", "room"),
    ("房间号", "room"),
    ("门牌号", "room"),
    ("单元", "unit"),
    ("单元号", "unit"),
    ("楼层", "floor"),
    ("状态", "status"),
    ("居住状态", "status"),
    ("人数", "residents"),
    ("居住人数", "residents"),
    ("常住人数", "residents"),
    ("流动人口", "floating"),
    ("流动人数", "floating"),
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("身份证号码", "id_number"),
    ("证件号码", "id_number"),
    ("户籍类型", "residence_type"),
    ("人口类型", "residence_type"),
    ("电话", "phone"),
    ("联系电话", "phone"),
    ("手机号", "phone"),
    ("性别", "sex"),
    ("出生年份", "birth_year"),
    ("关系", "relation"),
    ("与户主关系", "relation"),
    ("关爱标签", "care_tags"),
    ("关爱对象", "care_tags"),
];

/// The canonical name of a header: trimmed, lower case, spaces and hyphens as `_`
/// (`ID Number` → `id_number`), Chinese headers by [`ALIASES`].
pub(super) fn canonical(header: &str) -> String {
    let t = header.trim().trim_start_matches('\u{feff}').trim();
    let lower: String = t
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map(|(_, c)| c.to_string())
        .unwrap_or(lower)
}

/// The Chinese headers accepted for `column`, for error messages.
pub(super) fn chinese(column: &str) -> Vec<&'static str> {
    ALIASES
        .iter()
        .filter(|(alias, c)| *c == column && !alias.is_ascii())
        .map(|(alias, _)| *alias)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_chinese_headers_map_to_one_name() {
        assert_eq!(canonical(" Residents "), "residents");
        assert_eq!(canonical("ID Number"), "id_number");
        assert_eq!(canonical("\u{feff}building"), "building");
        assert_eq!(canonical("人数"), "residents");
        assert_eq!(canonical("身份证号"), "id_number");
        assert_eq!(canonical("楼栋ID"), "building_id");
        assert_eq!(canonical("备注"), "备注");
        assert_eq!(chinese("residents"), vec!["人数", "居住人数", "常住人数"]);
    }
}
