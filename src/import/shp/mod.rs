//! Shapefile import of one layer: the `.shp` with its `.shx` index and `.dbf` attributes
//! beside it (a missing one is an error naming it), the CRS from `--crs`, else the `.prj`
//! (through [`crs::wkt`](crate::crs::wkt)), else EPSG:4326, and the attribute table's
//! encoding from `--encoding`, the `.cpg` file or detection ([`dbf`]). Shapes become `geo`
//! geometries ([`shape`]) converted to WGS 84 and go with their attributes to the shared
//! [`LayerBuilder`](super::feature::LayerBuilder). Records are numbered from 1 in errors.

mod dbf;
mod shape;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::feature::{
    choose_declared_crs, source_name, Feature, Layer, LayerBuilder, Names, SkippedFeature,
};
use super::ImportError;
use crate::crs::{wkt, Crs, Transformer};
use crate::model::Dataset;

/// How to read a Shapefile.
#[derive(Debug, Clone)]
pub struct ShapefileOptions {
    pub layer: Layer,
    /// CRS of the coordinates; `None` takes the `.prj`, else EPSG:4326.
    pub crs: Option<Crs>,
    /// Source name for upserts (default: the file stem).
    pub source: Option<String>,
    /// Encoding of the `.dbf` text; `None` takes the `.cpg`, else detects.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Skip unusable features (listed in the report) instead of failing the import.
    pub skip_invalid: bool,
}

/// The file beside `shp` with extension `ext` (also in upper case), if it exists.
fn beside(shp: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_string(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| shp.with_extension(e))
        .find(|p| p.is_file())
}

/// The file beside `shp` with extension `ext`, which must exist.
fn required(shp: &Path, ext: &str) -> Result<PathBuf, ImportError> {
    beside(shp, ext).ok_or_else(|| ImportError::Missing {
        path: shp.into(),
        missing: shp.with_extension(ext),
        why: "a Shapefile is the .shp with its .shx index and .dbf attribute table beside it, \
              of the same name",
    })
}

/// The CRS: `--crs`, else the `.prj`, else EPSG:4326 (see [`choose_declared_crs`]).
fn resolve_crs(shp: &Path, given: Option<Crs>) -> Result<Crs, ImportError> {
    let Some(prj) = beside(shp, "prj") else {
        return choose_declared_crs(shp, given, None, "its .prj", shp);
    };
    let text = std::fs::read(&prj).map_err(|e| ImportError::io(&prj, e))?;
    let declared = wkt::identify(&String::from_utf8_lossy(&text));
    choose_declared_crs(shp, given, Some(declared), "its .prj", &prj)
}

/// Reads one layer from a Shapefile into a dataset.
pub fn read_shapefile(
    path: &Path,
    options: &ShapefileOptions,
) -> Result<(Dataset, Vec<SkippedFeature>), ImportError> {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"))
    {
        return Err(ImportError::Usage(format!(
            "{}: give the .shp file of the Shapefile",
            path.display()
        )));
    }
    let shp_file = File::open(path).map_err(|e| ImportError::io(path, e))?;
    let shx = required(path, "shx")?;
    let dbf_path = required(path, "dbf")?;
    let crs = resolve_crs(path, options.crs)?;
    let transformer = Transformer::new(crs, Crs::Wgs84).map_err(|source| ImportError::Crs {
        path: path.into(),
        source,
    })?;
    let shx_file = File::open(&shx).map_err(|e| ImportError::io(&shx, e))?;
    let cpg = beside(path, "cpg");
    let mut table = dbf::Dbf::open(&dbf_path, options.encoding, cpg.as_deref())?;
    let mut shapes =
        shapefile::ShapeReader::with_shx(BufReader::new(shp_file), BufReader::new(shx_file))
            .map_err(|e| ImportError::format(path, "Shapefile", e.to_string()))?;
    let count = shapes
        .shape_count()
        .map_err(|e| ImportError::format(&shx, "Shapefile index (.shx)", e.to_string()))?;
    if count != table.deleted.len() {
        return Err(ImportError::format(
            path,
            "Shapefile",
            format!(
                "the .shx lists {count} shapes but {} holds {} records: the files do not belong \
                 together",
                table.path.display(),
                table.deleted.len()
            ),
        ));
    }
    let source = source_name(path, options.source.as_deref(), "shapefile");
    let mut builder = LayerBuilder::new(
        path,
        options.layer,
        source,
        Names::Dbf,
        options.skip_invalid,
    );
    let mut records = table.reader.iter_records();
    for (i, shape) in shapes.iter_shapes().enumerate() {
        let n = i + 1;
        let shape = shape.map_err(|e| {
            let reason = match e {
                shapefile::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                    format!("the file ends inside record {n}: it is truncated")
                }
                other => format!("record {n}: {other}"),
            };
            ImportError::format(path, "Shapefile", reason)
        })?;
        if table.deleted.get(i).copied().unwrap_or(false) {
            continue;
        }
        let record = records
            .next()
            .ok_or_else(|| {
                ImportError::format(&table.path, "DBF", format!("record {n} is missing"))
            })?
            .map_err(|e| {
                ImportError::record(&table.path, format!("record {n}"), e.kind().to_string())
            })?;
        let properties = dbf::properties(record);
        let geometry = shape::to_geometry(shape).and_then(|mut g| {
            transformer
                .convert_geometry(&mut g)
                .map_err(|e| e.to_string())?;
            Ok(g)
        });
        builder.add(Feature {
            place: format!("record {n}"),
            format_id: None,
            default_id: format!("record-{n}"),
            properties: Some(&properties),
            geometry,
        })?;
    }
    tracing::debug!(
        "{}: attributes read as {}",
        path.display(),
        table.encoding.describe()
    );
    Ok(builder.finish())
}
