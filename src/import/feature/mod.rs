//! The one record builder of every vector format (GeoJSON, Shapefile, GeoPackage): a
//! reader hands each feature over as its place in the file, a property map and a
//! geometry already converted to WGS 84 (or the reason it could not be), and
//! [`LayerBuilder`] turns it into a record of the layer with the same aliases, checks and
//! error texts whatever the format. It also owns what spans features: the source id of a
//! feature, unique ids within a layer (pieces of one barrier line merged), `--skip-invalid`,
//! and the choice between a CRS given on the command line and the one a file declares.

mod props;
mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::Geometry;
use serde_json::{Map, Value};

pub use props::{dbf_name, scalar, Names, Props};

use super::ImportError;
use crate::crs::Crs;
use crate::model::Dataset;

/// The layers a vector file can hold.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum Layer {
    Districts,
    Streets,
    Communities,
    Grids,
    Buildings,
    Cameras,
    Barriers,
    Addresses,
}

/// A feature left out under `skip_invalid`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedFeature {
    pub place: String,
    pub reason: String,
}

/// Properties that name a feature's source id, in order of preference.
const ID_PROPERTIES: [&str; 4] = ["source_id", "id", "osm_id", "fid"];

/// One feature as a reader hands it over.
pub struct Feature<'a> {
    /// Where it is, without its id: `feature 12`, `record 13`, `table "b", fid 7`.
    pub place: String,
    /// The id the format keeps outside the properties (a GeoJSON feature's `id`, a
    /// GeoPackage row's primary key), used when no id property is present.
    pub format_id: Option<String>,
    /// The source id when there is neither: `feature-12`, `record-13`.
    pub default_id: String,
    pub properties: Option<&'a Map<String, Value>>,
    /// The geometry in WGS 84, or why there is none (no geometry, not convertible).
    pub geometry: Result<Geometry<f64>, String>,
}

/// Builds the dataset of one layer from the features of one file.
pub struct LayerBuilder {
    path: PathBuf,
    layer: Layer,
    names: Names,
    skip_invalid: bool,
    dataset: Dataset,
    skipped: Vec<SkippedFeature>,
    /// Source id → place of the first feature with it.
    first_with_id: HashMap<String, String>,
}

impl LayerBuilder {
    /// A builder of `layer` read from `path`, recorded under `source`; property names are
    /// matched as `names` says.
    pub fn new(
        path: &Path,
        layer: Layer,
        source: String,
        names: Names,
        skip_invalid: bool,
    ) -> Self {
        LayerBuilder {
            path: path.into(),
            layer,
            names,
            skip_invalid,
            dataset: Dataset::new(source),
            skipped: Vec::new(),
            first_with_id: HashMap::new(),
        }
    }

    /// The source id of a feature: the first of the properties `source_id`, `id`,
    /// `osm_id`, `fid`, else the format's own id.
    pub fn source_id(
        &self,
        properties: Option<&Map<String, Value>>,
        format_id: Option<&str>,
    ) -> Option<String> {
        let props = Props::new(properties, self.names);
        props
            .text(&ID_PROPERTIES)
            .or_else(|| format_id.map(str::to_string))
    }

    /// Adds one feature. An unusable one fails the import with its place and reason, or
    /// under `skip_invalid` is listed and left out. A second feature with the same source
    /// id is an error, except in the barriers layer, where it is another piece of the same
    /// line (e.g. an OSM way cut at tile edges).
    pub fn add(&mut self, feature: Feature<'_>) -> Result<(), ImportError> {
        let id = self.source_id(feature.properties, feature.format_id.as_deref());
        let place = match &id {
            Some(id) => format!("{} (id {id:?})", feature.place),
            None => feature.place.clone(),
        };
        let id = id.unwrap_or(feature.default_id);
        let mut record = Dataset::new(self.dataset.source.clone());
        let props = Props::new(feature.properties, self.names);
        let built = feature
            .geometry
            .and_then(|g| record::push_record(&mut record, self.layer, id.clone(), &props, g));
        match built {
            Ok(()) => {}
            Err(reason) if self.skip_invalid => {
                self.skipped.push(SkippedFeature { place, reason });
                return Ok(());
            }
            Err(reason) => return Err(ImportError::record(&self.path, place, reason)),
        }
        match self.first_with_id.get(&id) {
            None => {
                self.first_with_id.insert(id, feature.place);
                append(&mut self.dataset, record);
            }
            Some(_) if self.layer == Layer::Barriers => {
                if let (Some(target), Some(piece)) = (
                    self.dataset.barriers.iter_mut().find(|b| b.source_id == id),
                    record.barriers.pop(),
                ) {
                    target.geometry.0.extend(piece.geometry.0);
                }
            }
            Some(first) => {
                return Err(ImportError::record(
                    &self.path,
                    place,
                    format!(
                        "id {id:?} is also the id of {first}; ids must be unique in a {} layer",
                        self.layer
                    ),
                ))
            }
        }
        Ok(())
    }

    /// The dataset and the features left out.
    pub fn finish(self) -> (Dataset, Vec<SkippedFeature>) {
        (self.dataset, self.skipped)
    }
}

/// Moves the records of `part` to the end of `ds`.
fn append(ds: &mut Dataset, mut part: Dataset) {
    ds.regions.append(&mut part.regions);
    ds.grids.append(&mut part.grids);
    ds.buildings.append(&mut part.buildings);
    ds.cameras.append(&mut part.cameras);
    ds.barriers.append(&mut part.barriers);
    ds.addresses.append(&mut part.addresses);
}

/// A CRS a file declares, and where (`the file`, `its .prj`).
pub struct Declared {
    pub crs: Crs,
    pub by: &'static str,
}

/// The CRS to read a file in: `--crs`, else the one the file declares, else EPSG:4326.
/// A file and an option that disagree are refused.
pub fn choose_crs(
    path: &Path,
    given: Option<Crs>,
    declared: Option<Declared>,
) -> Result<Crs, ImportError> {
    match (given, declared) {
        (Some(g), Some(d)) if g.normalized() != d.crs.normalized() => {
            Err(ImportError::Usage(format!(
                "{}: {} declares its CRS as {} but --crs says {g}; remove one of them",
                path.display(),
                d.by,
                d.crs
            )))
        }
        (Some(g), _) => Ok(g),
        (None, Some(d)) => Ok(d.crs),
        (None, None) => Ok(Crs::Wgs84),
    }
}

/// The CRS of a file whose declaration is a WKT definition or an EPSG code that may not
/// be supported (a Shapefile's `.prj`, a GeoPackage's spatial reference system): `--crs`
/// wins over a declaration wangge cannot identify; one it identifies (supported, or an
/// EPSG code it does not support) must agree with `--crs`. Without `--crs` an
/// unidentified declaration is the error `declared` holds, reported against `crs_path`.
pub fn choose_declared_crs(
    path: &Path,
    given: Option<Crs>,
    declared: Option<Result<Crs, crate::crs::CrsError>>,
    by: &'static str,
    crs_path: &Path,
) -> Result<Crs, ImportError> {
    use crate::crs::CrsError;
    match (declared, given) {
        (None, given) => choose_crs(path, given, None),
        (Some(Ok(crs)), given) => choose_crs(path, given, Some(Declared { crs, by })),
        (
            Some(Err(CrsError::WktUnsupported {
                name,
                epsg: Some(code),
            })),
            Some(g),
        ) => Err(ImportError::Usage(format!(
            "{}: {by} declares its CRS as EPSG:{code} ({name:?}, which wangge does not \
                 support) but --crs says {g}; remove one of them",
            path.display()
        ))),
        (Some(Err(_)), Some(g)) => Ok(g),
        (Some(Err(source)), None) => Err(ImportError::Crs {
            path: crs_path.into(),
            source,
        }),
    }
}

/// The source name of a file: `--source`, else the file stem, else `fallback`.
pub fn source_name(path: &Path, given: Option<&str>, fallback: &str) -> String {
    given.map(str::to_string).unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| fallback.into())
    })
}
