//! OSM XML (`<osm>` with `node`, `way`, `nd`, `relation`, `member`, `tag`), streamed
//! through quick-xml.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::elements::{Collector, Member, MemberType, OsmData, Tags};
use crate::import::ImportError;

const FORMAT: &str = "OSM XML";

/// The element being read, until its end tag.
enum Open {
    Nothing,
    /// An element that is read but not kept (`visible="false"`, `action="delete"`).
    Ignored,
    Node {
        id: i64,
        lon: f64,
        lat: f64,
        tags: Tags,
    },
    Way {
        id: i64,
        refs: Vec<i64>,
        tags: Tags,
    },
    Relation {
        id: i64,
        members: Vec<Member>,
        tags: Tags,
    },
}

/// A problem found at byte `pos`.
struct Problem {
    pos: u64,
    reason: String,
}

fn problem(pos: u64, reason: impl Into<String>) -> Problem {
    Problem {
        pos,
        reason: reason.into(),
    }
}

/// Reads every element of the XML file `path` (already opened as `file`).
pub(crate) fn read(path: &Path, file: File) -> Result<OsmData, ImportError> {
    let mut reader = Reader::from_reader(BufReader::new(file));
    reader.config_mut().trim_text(true);
    match read_events(&mut reader) {
        Ok(data) => Ok(data),
        Err(p) => {
            let line = line_of(path, p.pos)
                .map(|l| format!(", line {l}"))
                .unwrap_or_default();
            Err(ImportError::format(
                path,
                FORMAT,
                format!("at byte {}{line}: {}", p.pos, p.reason),
            ))
        }
    }
}

/// The 1-based line holding byte `pos` of `path`, when the file can be read again.
fn line_of(path: &Path, pos: u64) -> Option<u64> {
    let file = File::open(path).ok()?;
    let mut reader = BufReader::new(file).take(pos);
    let mut newlines = 0u64;
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        newlines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let n = buf.len();
        reader.consume(n);
    }
    Some(newlines + 1)
}

fn read_events<R: BufRead>(reader: &mut Reader<R>) -> Result<OsmData, Problem> {
    let mut collector = Collector::default();
    let mut buf = Vec::new();
    // Names of the open elements, outermost first.
    let mut stack: Vec<String> = Vec::new();
    let mut seen_root = false;
    let mut open = Open::Nothing;

    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => return Err(problem(reader.error_position(), e.to_string())),
        };
        let after = reader.buffer_position();
        match event {
            Event::Start(e) => {
                // The `<` of the tag: its content is between `<` and `>`.
                let pos = after.saturating_sub(e.len() as u64 + 2);
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                check_root(&mut seen_root, &stack, &name, pos)?;
                start(&mut open, &e, &name, pos)?;
                stack.push(name);
            }
            Event::Empty(e) => {
                // Between `<` and `/>`.
                let pos = after.saturating_sub(e.len() as u64 + 3);
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                check_root(&mut seen_root, &stack, &name, pos)?;
                start(&mut open, &e, &name, pos)?;
                end(&mut open, &mut collector, &name);
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                // quick-xml checks that end names match their start.
                stack.pop();
                end(&mut open, &mut collector, &name);
            }
            Event::Eof => {
                if let Some(name) = stack.last() {
                    return Err(problem(
                        after,
                        format!("unexpected end of file: <{name}> is not closed"),
                    ));
                }
                if !seen_root {
                    return Err(problem(after, "no <osm> element"));
                }
                return Ok(collector.finish());
            }
            Event::Text(_)
            | Event::CData(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_) => {}
        }
        buf.clear();
    }
}

/// The first element must be `<osm>`, and there must be only one.
fn check_root(seen_root: &mut bool, stack: &[String], name: &str, pos: u64) -> Result<(), Problem> {
    if !stack.is_empty() {
        return Ok(());
    }
    if *seen_root {
        return Err(problem(pos, format!("a second root element <{name}>")));
    }
    if name != "osm" {
        return Err(problem(
            pos,
            format!("the root element is <{name}>, not <osm>"),
        ));
    }
    *seen_root = true;
    Ok(())
}

/// The attributes of `e` as (name, unescaped value).
fn attributes(e: &BytesStart, pos: u64) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| problem(pos, format!("bad attribute: {err}")))?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr
            .unescape_value()
            .map_err(|err| problem(pos, format!("bad value of attribute {key}: {err}")))?
            .into_owned();
        out.push((key, value));
    }
    Ok(out)
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn required<'a>(
    attrs: &'a [(String, String)],
    element: &str,
    key: &str,
    pos: u64,
) -> Result<&'a str, Problem> {
    attr(attrs, key).ok_or_else(|| problem(pos, format!("<{element}> without {key}")))
}

fn parse_id(
    attrs: &[(String, String)],
    element: &str,
    key: &str,
    pos: u64,
) -> Result<i64, Problem> {
    let value = required(attrs, element, key, pos)?;
    value.trim().parse().map_err(|_| {
        problem(
            pos,
            format!("<{element}> {key}=\"{value}\" is not an integer"),
        )
    })
}

fn parse_coord(
    attrs: &[(String, String)],
    id: i64,
    key: &str,
    limit: f64,
    pos: u64,
) -> Result<f64, Problem> {
    let value = required(attrs, "node", key, pos)?;
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Ok(v),
        _ => Err(problem(
            pos,
            format!("node {id}: {key}=\"{value}\" is not a coordinate"),
        )),
    }
}

/// True for elements a file marks as not (or no longer) part of the data.
fn is_deleted(attrs: &[(String, String)]) -> bool {
    attr(attrs, "visible") == Some("false") || attr(attrs, "action") == Some("delete")
}

/// Handles the start (or empty) tag `name`.
fn start(open: &mut Open, e: &BytesStart, name: &str, pos: u64) -> Result<(), Problem> {
    match name {
        "node" | "way" | "relation" => {
            if !matches!(open, Open::Nothing) {
                return Err(problem(pos, format!("<{name}> inside another element")));
            }
            let attrs = attributes(e, pos)?;
            let id = parse_id(&attrs, name, "id", pos)?;
            if is_deleted(&attrs) {
                *open = Open::Ignored;
                return Ok(());
            }
            *open = match name {
                "node" => Open::Node {
                    id,
                    lat: parse_coord(&attrs, id, "lat", 90.0, pos)?,
                    lon: parse_coord(&attrs, id, "lon", 180.0, pos)?,
                    tags: Vec::new(),
                },
                "way" => Open::Way {
                    id,
                    refs: Vec::new(),
                    tags: Vec::new(),
                },
                _ => Open::Relation {
                    id,
                    members: Vec::new(),
                    tags: Vec::new(),
                },
            };
        }
        "tag" => {
            let tags = match open {
                Open::Node { tags, .. } | Open::Way { tags, .. } | Open::Relation { tags, .. } => {
                    tags
                }
                // Tags of changesets and the like.
                Open::Nothing | Open::Ignored => return Ok(()),
            };
            let attrs = attributes(e, pos)?;
            let k = required(&attrs, "tag", "k", pos)?;
            let v = required(&attrs, "tag", "v", pos)?;
            tags.push((k.to_owned(), v.to_owned()));
        }
        "nd" => {
            if let Open::Way { refs, .. } = open {
                let attrs = attributes(e, pos)?;
                refs.push(parse_id(&attrs, "nd", "ref", pos)?);
            }
        }
        "member" => {
            if let Open::Relation { members, .. } = open {
                let attrs = attributes(e, pos)?;
                let kind = match required(&attrs, "member", "type", pos)? {
                    "node" => MemberType::Node,
                    "way" => MemberType::Way,
                    "relation" => MemberType::Relation,
                    other => {
                        return Err(problem(
                            pos,
                            format!("<member> type=\"{other}\" is not node, way or relation"),
                        ))
                    }
                };
                let id = parse_id(&attrs, "member", "ref", pos)?;
                let role = attr(&attrs, "role").unwrap_or_default().to_owned();
                members.push(Member { kind, id, role });
            }
        }
        _ => {}
    }
    Ok(())
}

/// Handles the end of element `name`: a finished node, way or relation goes to `collector`.
fn end(open: &mut Open, collector: &mut Collector, name: &str) {
    if !matches!(name, "node" | "way" | "relation") {
        return;
    }
    match std::mem::replace(open, Open::Nothing) {
        Open::Node { id, lon, lat, tags } => collector.node(id, lon, lat, || {
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))
        }),
        Open::Way { id, refs, tags } => collector.way(id, refs, || {
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))
        }),
        Open::Relation { id, members, tags } => collector.relation(id, members, || {
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))
        }),
        Open::Nothing | Open::Ignored => {}
    }
}
