//! The one error type of every importer: each variant names the file and the place in it.

use std::path::PathBuf;

/// Why an import failed. Every variant names the file and, where there is one, the place in
/// it (feature index, OSM id, CSV line). A failed import writes nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file that belongs with the one given is missing (a Shapefile's `.shx` or `.dbf`).
    #[error("{path}: {missing} is missing: {why}")]
    Missing {
        path: PathBuf,
        missing: PathBuf,
        why: &'static str,
    },
    /// The file has no content to import.
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    /// The file is not in the format its name or the command says (truncated PBF, broken XML or JSON).
    #[error("{path}: not a valid {format} file: {reason}")]
    Format {
        path: PathBuf,
        format: &'static str,
        reason: String,
    },
    /// One feature or record is unusable (invalid geometry, missing property, wrong type).
    #[error("{path}: {place}: {reason}")]
    Record {
        path: PathBuf,
        /// Where in the file: `feature 12 (id "b7")`, `way 123456`, `line 8`.
        place: String,
        reason: String,
    },
    /// The coordinate reference system is unknown or a coordinate cannot be converted.
    #[error("{path}: {source}")]
    Crs {
        path: PathBuf,
        #[source]
        source: crate::crs::CrsError,
    },
    /// Imported grids do not tile their communities (overlaps, overhangs, gaps); nothing
    /// was written. `--coverage list` imports them and lists the problems instead.
    #[error("{path}: {} where the grids do not tile their communities (nothing was imported; --coverage list imports them and lists these):{}", issue_count(.issues), issue_lines(.issues))]
    Coverage {
        path: PathBuf,
        issues: Vec<crate::import::prepare::CoverageIssue>,
    },
    /// The command-line options contradict each other or name something unknown.
    #[error("{0}")]
    Usage(String),
    /// The store refused the write (it was rolled back).
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn issue_count(issues: &[crate::import::prepare::CoverageIssue]) -> String {
    match issues.len() {
        1 => "1 place".to_string(),
        n => format!("{n} places"),
    }
}

/// The first 20 issues, one per line.
fn issue_lines(issues: &[crate::import::prepare::CoverageIssue]) -> String {
    let mut out: String = issues.iter().take(20).map(|i| format!("\n  {i}")).collect();
    if issues.len() > 20 {
        out.push_str(&format!("\n  … and {} more", issues.len() - 20));
    }
    out
}

impl ImportError {
    /// An `Io` error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ImportError::Io {
            path: path.into(),
            source,
        }
    }

    /// A `Record` error for `path` at `place`.
    pub fn record(
        path: impl Into<PathBuf>,
        place: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        ImportError::Record {
            path: path.into(),
            place: place.into(),
            reason: reason.into(),
        }
    }

    /// A `Format` error for `path`.
    pub fn format(
        path: impl Into<PathBuf>,
        format: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        ImportError::Format {
            path: path.into(),
            format,
            reason: reason.into(),
        }
    }
}
