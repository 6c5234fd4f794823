//! The syntax of WKT CRS definitions (OGC WKT1, ESRI WKT, WKT2) as a tree of keyword
//! nodes: `KEYWORD[item, item, ...]` (or round brackets), where an item is a quoted text,
//! a number, a bare word (`NORTH`, `Cartesian`) or another node. Knows no CRS semantics.

/// One item between the brackets of a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// `KEYWORD[...]`.
    Node(Node),
    /// A quoted text, with WKT2's doubled quotes undone.
    Text(String),
    /// A number.
    Number(f64),
    /// A bare word that is not followed by a bracket (`NORTH`, `Cartesian`).
    Word(String),
}

/// `KEYWORD[items]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The keyword as written (compare with `eq_ignore_ascii_case`).
    pub keyword: String,
    pub items: Vec<Item>,
}

impl Node {
    /// The first quoted text: the name of a CRS, datum or parameter.
    pub fn name(&self) -> Option<&str> {
        self.items.iter().find_map(|i| match i {
            Item::Text(t) => Some(t.as_str()),
            _ => None,
        })
    }

    /// The first number among the items (a parameter's value).
    pub fn number(&self) -> Option<f64> {
        self.items.iter().find_map(|i| match i {
            Item::Number(n) => Some(*n),
            _ => None,
        })
    }

    /// The child nodes whose keyword is one of `keywords` (any case).
    pub fn children<'a, 'k>(
        &'a self,
        keywords: &'k [&'k str],
    ) -> impl Iterator<Item = &'a Node> + use<'a, 'k> {
        self.items.iter().filter_map(move |i| match i {
            Item::Node(n) if keywords.iter().any(|k| n.keyword.eq_ignore_ascii_case(k)) => Some(n),
            _ => None,
        })
    }

    /// The first child node whose keyword is one of `keywords`.
    pub fn child(&self, keywords: &[&str]) -> Option<&Node> {
        self.children(keywords).next()
    }
}

/// Parses one WKT node; text after it (other than white space) is an error. The error is
/// a short reason naming the byte offset.
pub(crate) fn parse(text: &str) -> Result<Node, String> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    p.skip_space();
    let node = match p.item()? {
        Item::Node(n) => n,
        _ => return Err("it does not start with a keyword and a bracket".into()),
    };
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(format!(
            "unexpected text after the definition at byte {}",
            p.pos
        ));
    }
    Ok(node)
}

/// Nesting deeper than this is refused (real definitions nest about 6 deep).
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn item(&mut self) -> Result<Item, String> {
        self.skip_space();
        match self.peek() {
            None => Err("the definition ends too early".into()),
            Some(b'"') => self.quoted().map(Item::Text),
            Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.') => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let word = self.word();
                self.skip_space();
                match self.peek() {
                    Some(open @ (b'[' | b'(')) => self.node(word, open),
                    _ => Ok(Item::Word(word)),
                }
            }
            Some(_) => Err(format!(
                "unexpected character {:?} at byte {}",
                self.text[self.pos..].chars().next().unwrap_or(' '),
                self.pos
            )),
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        self.text[start..self.pos].to_string()
    }

    fn node(&mut self, keyword: String, open: u8) -> Result<Item, String> {
        let close = if open == b'[' { b']' } else { b')' };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} deep"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(close) {
            self.pos += 1;
        } else {
            loop {
                items.push(self.item()?);
                self.skip_space();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(c) if c == close => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => {
                        return Err(format!(
                            "expected ',' or '{}' in {keyword} at byte {}",
                            close as char, self.pos
                        ))
                    }
                    None => return Err(format!("{keyword}[ is not closed")),
                }
            }
        }
        self.depth -= 1;
        Ok(Item::Node(Node { keyword, items }))
    }

    fn quoted(&mut self) -> Result<String, String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(end) = rest.find('"') else {
                return Err(format!("the text starting at byte {start} is not closed"));
            };
            out.push_str(&rest[..end]);
            self.pos += end + 1;
            // WKT2 writes a quote inside a text as two quotes.
            if self.peek() == Some(b'"') {
                out.push('"');
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    fn number(&mut self) -> Result<Item, String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        let t = &self.text[start..self.pos];
        t.parse::<f64>()
            .map(Item::Number)
            .map_err(|_| format!("{t:?} at byte {start} is not a number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_nodes_texts_numbers_and_words() {
        let n = parse(r#"GEOGCS["A ""b""", AXIS["Lat",NORTH], UNIT("degree",0.0174532925199433)]"#)
            .unwrap();
        assert_eq!(n.keyword, "GEOGCS");
        assert_eq!(n.name(), Some(r#"A "b""#));
        let axis = n.child(&["axis"]).unwrap();
        assert_eq!(axis.items[1], Item::Word("NORTH".into()));
        assert_eq!(
            n.child(&["UNIT"]).unwrap().number(),
            Some(0.0174532925199433)
        );
    }

    #[test]
    fn refuses_broken_text_with_a_reason() {
        for (text, reason) in [
            ("", "ends too early"),
            ("GEOGCS[\"x\"", "not closed"),
            ("GEOGCS[\"x", "not closed"),
            ("GEOGCS[\"x\"] junk", "unexpected text"),
            ("GEOGCS[\"x\" 1]", "expected ','"),
            ("\"just text\"", "does not start with a keyword"),
            ("A[1..2]", "not a number"),
            ("A[#]", "unexpected character"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
        let deep = "A[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("nested"));
    }
}
