//! Masking of personal data (PRODUCT.md §3.7): names, ID numbers and phone numbers are
//! shown as `张*`, `110101********1234` and `138****5678` unless the caller may see them
//! unmasked. Pure functions on strings; the API decides `unmask` from the caller's
//! permission (and audits unmasked views). Calls nothing.

use crate::store::Person;

/// A name: its first character, then one `*` per remaining character (spaces kept):
/// `张三` → `张*`, `欧阳明月` → `欧***`.
pub fn name(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out = String::with_capacity(text.len());
    out.push(first);
    out.extend(chars.map(|c| if c.is_whitespace() { c } else { '*' }));
    out
}

/// Keeps the first `head` and last `tail` characters and stars the rest; when the text is
/// too short to keep both and still hide something, only the last quarter is kept.
fn keep_ends(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let (head, tail) = if n > head + tail {
        (head, tail)
    } else {
        (0, n / 4)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// A resident ID number: the 6-digit area code and the last 4 characters are kept,
/// `110101199001011234` → `110101********1234`.
pub fn id_number(text: &str) -> String {
    keep_ends(text, 6, 4)
}

/// A phone number: the first 3 and last 4 digits are kept, `13812345678` → `138****5678`.
pub fn phone(text: &str) -> String {
    keep_ends(text, 3, 4)
}

/// `p` as the caller may see it: unchanged with `unmask`, else with its name, ID number
/// and phone masked.
pub fn person(p: &Person, unmask: bool) -> Person {
    if unmask {
        return p.clone();
    }
    Person {
        name: name(&p.name),
        id_number: id_number(&p.id_number),
        phone: p.phone.as_deref().map(phone),
        ..p.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResidenceType;

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("欧阳明月"), "欧***");
        assert_eq!(name("王"), "王");
        assert_eq!(name(""), "");
        assert_eq!(name("Anna Virtanen"), "A*** ********");
    }

    #[test]
    fn id_numbers_keep_area_code_and_last_four() {
        assert_eq!(id_number("110101199001011234"), "110101********1234");
        assert_eq!(id_number("99000019851231002X"), "990000********002X");
        // Too short to keep 10 characters: only the last quarter shows.
        assert_eq!(id_number("12345678"), "******78");
        assert_eq!(id_number(""), "");
    }

    #[test]
    fn phones_keep_prefix_and_last_four() {
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone("028-8765432"), "028****5432");
        assert_eq!(phone("1234"), "***4");
    }

    #[test]
    fn a_person_is_masked_unless_unmasked() {
        let p = Person {
            id: 1,
            household_id: 2,
            name: "张三".into(),
            id_number: "110101199001011234".into(),
            phone: Some("13812345678".into()),
            sex: Some("M".into()),
            birth_year: Some(1990),
            relation: Some("户主".into()),
            residence_type: ResidenceType::Registered,
            care_tags: vec![],
        };
        let m = person(&p, false);
        assert_eq!(
            (m.name.as_str(), m.id_number.as_str(), m.phone.as_deref()),
            ("张*", "110101********1234", Some("138****5678"))
        );
        assert_eq!(m.birth_year, Some(1990));
        assert_eq!(person(&p, true), p);
    }
}
