//! Reads OpenStreetMap PBF and XML into a Dataset: buildings (closed ways and multipolygon
//! relations), communities, barrier lines, cameras and address points. Calls only model and
//! geometry crates; never the store.
//!
//! The format is recognised by content (a PBF file starts with a blob header of type
//! `OSMHeader`, an XML file with `<?xml` or `<osm`), else by extension (`.pbf`, `.osm`,
//! `.xml`). Elements that cannot become records (an area that does not assemble into a valid
//! polygon, a road without nodes) are listed in [`OsmRead::skipped`] with a reason; they are
//! not errors. Every output list is sorted by element type (node, way, relation) and id.

mod assemble;
mod convert;
mod elements;
mod pbf;
pub(crate) mod tags;
mod xml;

#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::str::FromStr;

use crate::import::ImportError;
use crate::model::Dataset;

/// Which OSM areas become communities (社区).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommunitySource {
    /// `landuse=residential` areas (residential compounds).
    #[default]
    Residential,
    /// `place=city_block` areas.
    CityBlock,
    /// `boundary=administrative` areas with this `admin_level`.
    AdminLevel(u8),
}

impl FromStr for CommunitySource {
    type Err = String;

    /// `residential`, `city_block` (or `city-block`), `admin_level=N` (or `admin:N`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "residential" => return Ok(CommunitySource::Residential),
            "city_block" | "city-block" => return Ok(CommunitySource::CityBlock),
            _ => {}
        }
        let level = lower
            .strip_prefix("admin_level=")
            .or_else(|| lower.strip_prefix("admin:"));
        match level.map(|l| l.trim().parse::<u8>()) {
            Some(Ok(n)) if n > 0 => Ok(CommunitySource::AdminLevel(n)),
            Some(_) => Err(format!(
                "{s:?}: the admin level must be a whole number from 1 to 255"
            )),
            None => Err(format!(
                "{s:?} is not a community source: use residential, city_block or admin_level=N"
            )),
        }
    }
}

impl fmt::Display for CommunitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommunitySource::Residential => f.write_str("residential"),
            CommunitySource::CityBlock => f.write_str("city_block"),
            CommunitySource::AdminLevel(n) => write!(f, "admin_level={n}"),
        }
    }
}

/// Options of [`read_osm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OsmOptions {
    /// Which areas become communities.
    pub communities: CommunitySource,
}

/// An element that did not become a record, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// `w123`, `r45` or `n6`.
    pub osm_id: String,
    /// What it would have been and what is wrong, e.g. `building: ring is not closed`.
    pub reason: String,
}

/// What [`read_osm`] produced.
#[derive(Debug, Clone)]
pub struct OsmRead {
    pub dataset: Dataset,
    pub skipped: Vec<Skipped>,
    /// Areas imported after a repair (outer rings touching on a line unioned), with the
    /// repair, in relation order.
    pub repaired: Vec<Skipped>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pbf,
    Xml,
}

/// Reads the OSM PBF or XML file at `path`.
///
/// # Errors
/// [`ImportError::Io`] when the file cannot be read, [`ImportError::Empty`] when it has no
/// bytes or no elements, [`ImportError::Format`] when it is corrupt, truncated or not OSM.
pub fn read_osm(path: &Path, options: &OsmOptions) -> Result<OsmRead, ImportError> {
    let io = |e| ImportError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let mut head = Vec::with_capacity(64);
    file.by_ref().take(64).read_to_end(&mut head).map_err(io)?;
    if head.is_empty() {
        return Err(ImportError::Empty { path: path.into() });
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;

    let format = sniff(&head)
        .or_else(|| by_extension(path))
        .ok_or_else(|| ImportError::format(path, "OSM PBF or XML", not_osm(&head)))?;
    let data = match format {
        Format::Pbf => pbf::read(path, file)?,
        Format::Xml => xml::read(path, file)?,
    };
    if data.is_empty() {
        return Err(ImportError::Empty { path: path.into() });
    }
    Ok(convert::convert(&data, options))
}

/// The format the first bytes show.
fn sniff(head: &[u8]) -> Option<Format> {
    // PBF: a 4-byte big-endian header length, then a BlobHeader whose type is "OSMHeader".
    let header = head.get(4..head.len().min(32)).unwrap_or_default();
    if header.windows(9).any(|w| w == b"OSMHeader") {
        return Some(Format::Pbf);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = text.get(start..)?;
    if text.starts_with(b"<?xml") || text.starts_with(b"<osm") {
        return Some(Format::Xml);
    }
    None
}

/// The format the file name says.
fn by_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "pbf" => Some(Format::Pbf),
        "osm" | "xml" => Some(Format::Xml),
        _ => None,
    }
}

/// Why content of unknown format is refused.
fn not_osm(head: &[u8]) -> String {
    let hint = if head.starts_with(&[0x1f, 0x8b]) {
        " (it is gzip-compressed: decompress it first)"
    } else if head.starts_with(b"BZh") {
        " (it is bzip2-compressed: decompress it first)"
    } else {
        ""
    };
    format!(
        "the content is neither OSM PBF (no OSMHeader blob) nor OSM XML (no <?xml or <osm at \
         the start), and the extension is not .pbf, .osm or .xml{hint}"
    )
}
