//! Address geocoder: normalises how Chinese (and Latin-script) addresses are written and ranks
//! buildings by how well their standard address matches a query. Pure: built from address
//! entries, calls only model.
//!
//! * [`normalize`] gives one spelling per address: full-width → half-width, a few traditional
//!   characters → simplified, Chinese numerals → digits where they count something
//!   (`三段` → `3段`, `二十三栋` → `23栋`, `五道口` stays), Latin lower-cased and stripped of
//!   accents (`ä` → `a`), `No. 12` → `12`.
//! * [`parse`] splits a query into road, house number, compound, building, unit and room,
//!   in Chinese (`锦江路88号锦绣花园3栋2单元501室`, `3-2-501`) or Latin order
//!   (`Mannerheimintie 12 A`, `12 Main Street`). It knows no place names: what it cannot
//!   place goes to [`ParsedAddress::rest`].
//! * [`Geocoder`] indexes [`AddressEntry`]s (exact keys per road / compound / name, and
//!   character bigrams for partial names) and [`Geocoder::search`]es them, returning one
//!   [`Match`] per building, best first.

mod index;
mod normalize;
mod numerals;
mod parse;
mod rank;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::model::Address;

pub use index::Geocoder;
pub use normalize::normalize;
pub use parse::parse;

/// The longest query accepted, in characters: a full Chinese address with compound,
/// building, unit and room is about 40, a Latin one about 80. Longer queries are refused
/// ([`check_query`]), and [`Geocoder::search`] reads no further than this.
pub const MAX_QUERY_CHARS: usize = 200;

/// Why a query is not searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing but white space.
    #[error("the address is empty: give an address, e.g. 锦江路88号")]
    Empty,
    /// More than [`MAX_QUERY_CHARS`] characters.
    #[error("the address has {chars} characters; at most {MAX_QUERY_CHARS} are accepted")]
    TooLong {
        /// Characters in the query.
        chars: usize,
    },
}

/// Checks a query before it is searched: not empty, at most [`MAX_QUERY_CHARS`] characters.
///
/// ```
/// use wangge::geocode::{check_query, QueryError, MAX_QUERY_CHARS};
/// assert!(check_query("锦官路66号1栋1单元101").is_ok());
/// assert_eq!(check_query("  "), Err(QueryError::Empty));
/// let long = "锦".repeat(MAX_QUERY_CHARS + 1);
/// assert_eq!(check_query(&long), Err(QueryError::TooLong { chars: MAX_QUERY_CHARS + 1 }));
/// ```
pub fn check_query(query: &str) -> Result<(), QueryError> {
    if query.trim().is_empty() {
        return Err(QueryError::Empty);
    }
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong { chars });
    }
    Ok(())
}

/// One standard address of a building, as the geocoder indexes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressEntry {
    /// The building this address belongs to; a building may have several entries.
    pub building_id: i64,
    /// Its standard address.
    pub address: Address,
    /// The building's own name (`清华大学主楼`), if any.
    pub name: Option<String>,
    /// Name of the community (社区) it lies in; matched like a compound name.
    pub community: Option<String>,
}

/// The parts [`parse`] recognised in a query, each normalised (digits, lower-case Latin).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParsedAddress {
    /// Road, with its section: `人民南路3段`, `mannerheimintie`.
    pub road: Option<String>,
    /// House number without `号`: `12`, `12-14`, `12附1`.
    pub house_number: Option<String>,
    /// Compound (小区) or other named place before a building number.
    pub compound: Option<String>,
    /// Building number without its suffix: `3`, `a`.
    pub building_no: Option<String>,
    /// Unit (单元 / staircase).
    pub unit: Option<u32>,
    /// Room (室 / apartment): `501`.
    pub room: Option<String>,
    /// Tokens not understood (districts, floors, city names, postal codes …).
    pub rest: Vec<String>,
}

/// One building found by [`Geocoder::search`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The building.
    pub building_id: i64,
    /// The index of the building's best entry in the list given to [`Geocoder::new`]
    /// (its own address, or an address point of it).
    pub entry: usize,
    /// How well it matches, 0..=1 (1 = every part named by the query matches).
    pub score: f64,
    /// Which parts matched: `"road"`, `"house_number"`, `"compound"`, `"building_no"`, `"name"`.
    pub matched: Vec<&'static str>,
    /// The unit named by the query, passed through.
    pub unit: Option<u32>,
    /// The room named by the query, passed through.
    pub room: Option<String>,
}
