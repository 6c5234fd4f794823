//! Exports: any layer (districts, streets, communities, all regions, grids, buildings,
//! cameras, barriers, address points) or a plan (its grids and building assignment) as
//! GeoJSON or GeoPackage, in WGS 84 (EPSG:4326), with attribute names the importers read
//! back.
//!
//! Data flows one way, store → export: layers are read through the store's paged reads
//! ([`crate::store::export_read`], keyset pages by id) and written page by page, so a
//! district of a million buildings never sits in memory. Files:
//! [`layers`] and [`plan`] say what each export reads, [`tables`] what attributes a
//! table has, [`reader`] pages a table, [`geojson`] and [`gpkg`] write the formats,
//! [`output`] puts a finished file in place. This module calls the store and
//! [`geometry`](crate::geometry); only [`gpkg`] writes SQL, and only to the GeoPackage it
//! creates.

pub mod geojson;
pub mod gpkg;
pub mod layers;
pub mod output;
pub mod plan;
pub mod reader;
pub mod schema;
pub mod tables;

use std::path::PathBuf;

pub use layers::{Layer, Scope};
pub use output::Output;

use reader::TableReader;
use schema::{Feature, Table};

use crate::store::{Store, StoreError};

/// Why an export failed. Nothing is left at the output path when it is returned (a file
/// export is written aside and renamed into place only when complete).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("unknown layer {name:?}: expected one of {known}")]
    UnknownLayer { name: String, known: String },
    #[error("plan {0} does not exist")]
    UnknownPlan(i64),
    #[error("community {0} does not exist (or is not a community)")]
    UnknownCommunity(i64),
    #[error("{}: the file exists already; give --force to replace it", path.display())]
    OutputExists { path: PathBuf },
    #[error("a GeoPackage is a file: give --out FILE.gpkg")]
    GeoPackageNeedsFile,
    #[error("{context}: {source}")]
    Store {
        context: String,
        #[source]
        source: StoreError,
    },
    #[error("cannot write {target}: {source}")]
    Write {
        target: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {context}: {source}", path.display())]
    GeoPackage {
        path: PathBuf,
        context: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("{table} feature {id}: {reason}")]
    Geometry {
        table: String,
        id: i64,
        reason: String,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ExportError {
    pub(crate) fn store(context: impl Into<String>, source: StoreError) -> ExportError {
        ExportError::Store {
            context: context.into(),
            source,
        }
    }
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    /// One RFC 7946 FeatureCollection.
    GeoJson,
    /// A GeoPackage 1.3 file with an R-tree index per table.
    Gpkg,
}

/// What an export wrote: each table with its feature count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exported {
    pub tables: Vec<(String, u64)>,
}

/// Progress callback: features written so far and in all.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// A format writer fed table by table, page by page.
pub(crate) trait FeatureWriter {
    async fn begin_table(&mut self, table: &Table) -> Result<(), ExportError>;
    async fn write_features(
        &mut self,
        table: &Table,
        features: &[Feature],
    ) -> Result<(), ExportError>;
    async fn end_table(&mut self, table: &Table) -> Result<(), ExportError>;
}

/// Exports `layer` (within `scope`) as `format` to `output`.
pub async fn export_layer(
    store: &Store,
    layer: Layer,
    scope: Scope,
    format: Format,
    output: &Output,
    progress: Progress<'_>,
) -> Result<Exported, ExportError> {
    let staged = check_output(format, output)?;
    let reader = layers::layer_reader(store, layer, scope).await?;
    write(
        vec![reader],
        &layer.to_string(),
        &[],
        false,
        format,
        staged,
        progress,
    )
    .await
}

/// Exports plan `id` (its grids, then its buildings) as `format` to `output`. GeoJSON
/// is one FeatureCollection with a `plan` member and features tagged `"layer": "grid"` or
/// `"building"`; a GeoPackage has the tables `grids` and `buildings`.
pub async fn export_plan(
    store: &Store,
    id: i64,
    format: Format,
    output: &Output,
    progress: Progress<'_>,
) -> Result<Exported, ExportError> {
    let staged = check_output(format, output)?;
    let (readers, member) = plan::plan_readers(store, id).await?;
    write(
        readers,
        &format!("plan {id}"),
        &[("plan", member)],
        true,
        format,
        staged,
        progress,
    )
    .await
}

/// Refuses what cannot be written before anything is read: a GeoPackage to standard
/// output, an existing file without `force`.
fn check_output(format: Format, output: &Output) -> Result<Option<output::Staged>, ExportError> {
    match output {
        Output::Stdout if format == Format::Gpkg => Err(ExportError::GeoPackageNeedsFile),
        Output::Stdout => Ok(None),
        Output::File { path, force } => output::Staged::prepare(path, *force).map(Some),
    }
}

async fn write(
    mut readers: Vec<TableReader<'_>>,
    name: &str,
    members: &[(&str, serde_json::Value)],
    tag_layers: bool,
    format: Format,
    staged: Option<output::Staged>,
    progress: Progress<'_>,
) -> Result<Exported, ExportError> {
    match (format, staged) {
        (Format::Gpkg, Some(staged)) => {
            let mut w = gpkg::GpkgWriter::create(staged.temp(), staged.path()).await?;
            let exported = drive(&mut w, &mut readers, progress).await?;
            w.finish().await?;
            staged.commit()?;
            Ok(exported)
        }
        (Format::Gpkg, None) => Err(ExportError::GeoPackageNeedsFile),
        (Format::GeoJson, Some(staged)) => {
            let target = staged.path().display().to_string();
            let file =
                std::fs::File::create(staged.temp()).map_err(|source| ExportError::Write {
                    target: target.clone(),
                    source,
                })?;
            let mut w = geojson::GeoJsonWriter::new(file, &target, name, members, tag_layers)?;
            let exported = drive(&mut w, &mut readers, progress).await?;
            w.close()?;
            staged.commit()?;
            Ok(exported)
        }
        (Format::GeoJson, None) => {
            let mut w = geojson::GeoJsonWriter::new(
                std::io::stdout(),
                "standard output",
                name,
                members,
                tag_layers,
            )?;
            let exported = drive(&mut w, &mut readers, progress).await?;
            w.close()?;
            Ok(exported)
        }
    }
}

/// Feeds every table of `readers` to `w`, page by page.
async fn drive<W: FeatureWriter>(
    w: &mut W,
    readers: &mut [TableReader<'_>],
    progress: Progress<'_>,
) -> Result<Exported, ExportError> {
    let total: u64 = readers.iter().map(TableReader::total).sum();
    let mut done = 0u64;
    progress(done, total);
    let mut tables = Vec::new();
    for r in readers.iter_mut() {
        w.begin_table(&r.table).await?;
        let mut written = 0u64;
        while let Some(page) = r.next_page().await? {
            w.write_features(&r.table, &page).await?;
            written += page.len() as u64;
            done += page.len() as u64;
            progress(done, total.max(done));
        }
        w.end_table(&r.table).await?;
        tables.push((r.table.name.clone(), written));
    }
    Ok(Exported { tables })
}
