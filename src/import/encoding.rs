//! Text encodings of input files (register CSVs, DBF attribute tables): the names users
//! and `.cpg` files give (`utf-8`, `gbk`, `gb18030`, `936`, `CP936`, `ANSI 936`, ...),
//! detection (valid UTF-8 is UTF-8, anything else GB18030, the superset of GBK and
//! GB2312 that Chinese office software writes), and strict decoding that says where a
//! byte does not fit instead of replacing it.

use encoding_rs::Encoding;

/// The encoding a file is read in, and what said so, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct TextEncoding {
    pub encoding: &'static Encoding,
    /// `--encoding`, `the .cpg file`, `detected`.
    pub by: &'static str,
}

impl TextEncoding {
    /// Decodes `bytes` (a UTF-8 byte-order mark is dropped); `None` if a byte sequence is
    /// not valid in this encoding.
    pub fn decode(&self, bytes: &[u8]) -> Option<String> {
        let bytes = if self.encoding == encoding_rs::UTF_8 {
            bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
        } else {
            bytes
        };
        self.encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|c| c.into_owned())
    }

    /// `GBK (the .cpg file)`.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.encoding.name(), self.by)
    }
}

/// The names [`named`] understands, for error messages.
pub const KNOWN: &str = "utf-8, gbk, gb18030, gb2312, big5, a Windows code page number \
     (936, cp936, 65001) or any WHATWG encoding label";

/// The encoding a user or a `.cpg` file names: WHATWG labels (`utf-8`, `gbk`, `gb2312`,
/// `gb18030`, `big5`, ...), Windows code pages with or without `cp`/`ms`/`windows-`/`ANSI `
/// (`936` GBK, `54936` GB18030, `65001` UTF-8, `950` Big5, `1252` ...).
pub fn named(label: &str) -> Option<&'static Encoding> {
    let t = label.trim().trim_start_matches('\u{feff}').trim();
    let lower = t.to_ascii_lowercase();
    let number = ["ansi ", "ansi_", "cp", "ms", "windows-", "windows", "ibm"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim();
    if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
        return match number {
            "65001" => Some(encoding_rs::UTF_8),
            "936" | "20936" => Some(encoding_rs::GBK),
            "54936" => Some(encoding_rs::GB18030),
            "950" => Some(encoding_rs::BIG5),
            "932" => Some(encoding_rs::SHIFT_JIS),
            "949" => Some(encoding_rs::EUC_KR),
            "866" => Some(encoding_rs::IBM866),
            "874" => Some(encoding_rs::WINDOWS_874),
            n => Encoding::for_label(format!("windows-{n}").as_bytes()),
        };
    }
    Encoding::for_label(lower.as_bytes())
}

/// UTF-8 when every one of `texts` is valid UTF-8, else GB18030.
pub fn detect<'a>(texts: impl IntoIterator<Item = &'a [u8]>) -> TextEncoding {
    let utf8 = texts.into_iter().all(|t| std::str::from_utf8(t).is_ok());
    TextEncoding {
        encoding: if utf8 {
            encoding_rs::UTF_8
        } else {
            encoding_rs::GB18030
        },
        by: "detected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_cpg_files_and_users() {
        for (label, enc) in [
            ("UTF-8", encoding_rs::UTF_8),
            ("utf8", encoding_rs::UTF_8),
            ("\u{feff}UTF-8\r\n", encoding_rs::UTF_8),
            ("65001", encoding_rs::UTF_8),
            ("GBK", encoding_rs::GBK),
            ("gb2312", encoding_rs::GBK),
            ("936", encoding_rs::GBK),
            ("CP936", encoding_rs::GBK),
            ("ANSI 936", encoding_rs::GBK),
            ("GB18030", encoding_rs::GB18030),
            ("54936", encoding_rs::GB18030),
            ("big5", encoding_rs::BIG5),
            ("1252", encoding_rs::WINDOWS_1252),
            ("latin1", encoding_rs::WINDOWS_1252),
        ] {
            assert_eq!(named(label), Some(enc), "{label:?}");
        }
        for label in ["", "klingon", "99999", "cp"] {
            assert_eq!(named(label), None, "{label:?}");
        }
    }

    #[test]
    fn detects_utf8_else_gb18030_and_decodes_strictly() {
        let gbk = encoding_rs::GBK.encode("上港小区").0.into_owned();
        let d = detect([b"abc".as_slice(), "崂山三村".as_bytes()]);
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        let d = detect([b"abc".as_slice(), gbk.as_slice()]);
        assert_eq!(d.encoding, encoding_rs::GB18030);
        assert_eq!(d.decode(&gbk).as_deref(), Some("上港小区"));
        let utf8 = TextEncoding {
            encoding: encoding_rs::UTF_8,
            by: "--encoding",
        };
        assert_eq!(utf8.decode(&gbk), None);
        assert_eq!(
            utf8.decode("\u{feff}名称".as_bytes()).as_deref(),
            Some("名称")
        );
        assert_eq!(utf8.describe(), "UTF-8 (--encoding)");
    }
}
