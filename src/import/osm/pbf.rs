//! OSM PBF through `osmpbf`.

use std::fs::File;
use std::io::BufReader;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use osmpbf::{Element, ElementReader, RelMemberType};

use super::elements::{Collector, Member, MemberType, OsmData};
use crate::import::ImportError;

const FORMAT: &str = "OSM PBF";

/// Reads every element of the PBF file `path` (already opened as `file`).
pub(crate) fn read(path: &Path, file: File) -> Result<OsmData, ImportError> {
    let reader = ElementReader::new(BufReader::new(file));
    let mut collector = Collector::default();
    // The first problem inside an element that osmpbf reports per element rather than per blob.
    let mut element_error: Option<String> = None;

    // osmpbf decodes untrusted bytes; a corrupt file must end in an error, never in a panic
    // that takes the caller down, so a panic inside the decoder is turned into a format error.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        reader.for_each(|element| {
            if element_error.is_some() {
                return;
            }
            match element {
                Element::Node(n) => collector.node(n.id(), n.lon(), n.lat(), || n.tags()),
                Element::DenseNode(n) => collector.node(n.id(), n.lon(), n.lat(), || n.tags()),
                Element::Way(w) => collector.way(w.id(), w.refs().collect(), || w.tags()),
                Element::Relation(r) => {
                    let mut members = Vec::new();
                    for m in r.members() {
                        let role = match m.role() {
                            Ok(role) => role.to_owned(),
                            Err(e) => {
                                element_error =
                                    Some(format!("relation {}: member role: {e}", r.id()));
                                return;
                            }
                        };
                        let kind = match m.member_type {
                            RelMemberType::Node => MemberType::Node,
                            RelMemberType::Way => MemberType::Way,
                            RelMemberType::Relation => MemberType::Relation,
                        };
                        members.push(Member {
                            kind,
                            id: m.member_id,
                            role,
                        });
                    }
                    collector.relation(r.id(), members, || r.tags());
                }
            }
        })
    }));

    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(ImportError::format(path, FORMAT, e.to_string())),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_owned());
            return Err(ImportError::format(
                path,
                FORMAT,
                format!("the decoder failed on corrupt data: {what}"),
            ));
        }
    }
    if let Some(reason) = element_error {
        return Err(ImportError::format(path, FORMAT, reason));
    }
    Ok(collector.finish())
}
