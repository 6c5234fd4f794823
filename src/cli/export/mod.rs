//! `wangge export`: a layer (`export layer`) or a plan (`export plan`) as GeoJSON or
//! GeoPackage. Parses options and calls [`wangge::export`]; progress and the summary go
//! to standard error, GeoJSON without `--out` to standard output.

mod layer;
mod plan;

use std::path::PathBuf;

use clap::Subcommand;
use wangge::export::{Exported, Format, Output};
use wangge::store::Store;

use super::chain;
use super::progress::Progress;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A layer in WGS 84: districts, streets, communities, regions (all levels), grids
    /// (of the published plans), buildings, cameras, barriers or addresses.
    Layer(layer::Args),
    /// A plan's grids and building assignment (GeoJSON: features with "layer": "grid" or
    /// "building"; GeoPackage: tables grids and buildings).
    Plan(plan::Args),
}

/// Format and destination, shared by both commands.
#[derive(clap::Args)]
pub struct Destination {
    #[arg(long, value_enum, default_value = "geojson")]
    format: ExportFormat,
    /// Output file (required for gpkg); GeoJSON goes to standard output without it.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Geojson,
    Gpkg,
}

impl Destination {
    fn format(&self) -> Format {
        match self.format {
            ExportFormat::Geojson => Format::GeoJson,
            ExportFormat::Gpkg => Format::Gpkg,
        }
    }

    fn output(&self) -> Output {
        match &self.out {
            Some(path) => Output::File {
                path: path.clone(),
                force: self.force,
            },
            None => Output::Stdout,
        }
    }

    fn label(&self) -> String {
        match &self.out {
            Some(path) => path.display().to_string(),
            None => "standard output".into(),
        }
    }
}

pub async fn run(store: &Store, cmd: ExportCommand) -> Result<(), String> {
    match cmd {
        ExportCommand::Layer(args) => layer::run(store, args).await,
        ExportCommand::Plan(args) => plan::run(store, args).await,
    }
}

/// A progress bar over the features of an export and the callback the library moves it
/// with.
fn bar(what: &str) -> (Progress, impl FnMut(u64, u64)) {
    let progress = Progress::items(0, what);
    let report = progress.updater();
    (progress, report)
}

/// Prints the summary of a finished export (or passes its error on).
fn finish(
    progress: Progress,
    result: Result<Exported, wangge::export::ExportError>,
    to: &str,
) -> Result<(), String> {
    match result {
        Ok(exported) => {
            let tables: Vec<String> = exported
                .tables
                .iter()
                .map(|(name, n)| format!("{n} {name}"))
                .collect();
            progress.finish(&format!("exported {} to {to}", tables.join(" and ")));
            Ok(())
        }
        Err(e) => {
            progress.abandon();
            Err(chain(&e))
        }
    }
}
