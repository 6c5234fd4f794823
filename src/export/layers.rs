//! The exportable layers and what `--community` keeps of each: the layer names of the
//! command line, and for a layer and a scope the table reader that exports it. Calls the
//! store (to resolve the community and read the grids' figures) and
//! [`reader`](super::reader).

use super::reader::{Extra, TableReader};
use super::tables::{self, GridFigures};
use super::ExportError;
use crate::model::RegionLevel;
use crate::store::export_read::{
    AddressPointRows, BoxRows, BuildingRows, ExportRows, GridRows, PlanChoice, RegionRows,
};
use crate::store::Store;

/// A layer `wangge export layer` writes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum Layer {
    Districts,
    Streets,
    Communities,
    /// Every region, with its `level`.
    Regions,
    /// Grids of the published plans.
    Grids,
    /// Buildings with their grid in the published plan.
    Buildings,
    Cameras,
    Barriers,
    /// Address points.
    Addresses,
}

impl Layer {
    /// Parses a layer name, naming the known ones when it is not one.
    pub fn parse(name: &str) -> Result<Layer, ExportError> {
        name.parse().map_err(|_| ExportError::UnknownLayer {
            name: name.to_string(),
            known: <Layer as strum::VariantNames>::VARIANTS.join(", "),
        })
    }
}

/// What part of a layer to export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only this community: the community itself (and for districts, streets and regions
    /// the regions containing it), its grids, buildings and address points, and the
    /// cameras and barriers whose envelope meets its envelope.
    pub community: Option<i64>,
}

/// The community of a scope, resolved.
struct Community {
    id: i64,
    /// The community and the regions above it.
    lineage: Vec<i64>,
    bbox: [f64; 4],
}

async fn resolve(store: &Store, id: i64) -> Result<Community, ExportError> {
    let read = |e| ExportError::store(format!("reading community {id}"), e);
    let community = store
        .region(id)
        .await
        .map_err(read)?
        .filter(|r| r.level == RegionLevel::Community)
        .ok_or(ExportError::UnknownCommunity(id))?;
    let mut lineage = vec![community.id];
    let mut parent = community.parent_id;
    // Districts → streets → communities: at most two parents; the bound guards a cycle.
    while let Some(p) = parent.filter(|_| lineage.len() < 8) {
        lineage.push(p);
        parent = store
            .region(p)
            .await
            .map_err(read)?
            .and_then(|r| r.parent_id);
    }
    let bbox = crate::geometry::bbox(&community.boundary)
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .ok_or(ExportError::UnknownCommunity(id))?;
    Ok(Community {
        id: community.id,
        lineage,
        bbox,
    })
}

/// The reader exporting `layer` within `scope`. An unknown community is refused before
/// anything is read.
pub async fn layer_reader<'a>(
    store: &'a Store,
    layer: Layer,
    scope: Scope,
) -> Result<TableReader<'a>, ExportError> {
    let community = match scope.community {
        Some(id) => Some(resolve(store, id).await?),
        None => None,
    };
    let lineage = community.as_ref().map(|c| c.lineage.clone());
    let community_id = community.as_ref().map(|c| c.id);
    let bbox = community.as_ref().map(|c| c.bbox);
    let regions = |level: Option<RegionLevel>, ids: Option<Vec<i64>>| {
        ExportRows::Regions(RegionRows { level, ids })
    };
    let name = layer.to_string();
    let (table, rows, extra) = match layer {
        Layer::Districts => (
            tables::regions_table(&name),
            regions(Some(RegionLevel::District), lineage),
            Extra::None,
        ),
        Layer::Streets => (
            tables::regions_table(&name),
            regions(Some(RegionLevel::Street), lineage),
            Extra::None,
        ),
        Layer::Communities => (
            tables::regions_table(&name),
            regions(Some(RegionLevel::Community), community_id.map(|c| vec![c])),
            Extra::None,
        ),
        Layer::Regions => (
            tables::regions_table(&name),
            regions(None, lineage),
            Extra::None,
        ),
        Layer::Grids => {
            let figures = GridFigures {
                totals: store
                    .grid_totals()
                    .await
                    .map_err(|e| ExportError::store("totalling grids", e))?,
                workers: store
                    .worker_counts()
                    .await
                    .map_err(|e| ExportError::store("counting workers", e))?,
            };
            (
                tables::grids_table(
                    &name,
                    "wangge grids of the published plans, with their figures".into(),
                ),
                ExportRows::Grids(GridRows {
                    plan: PlanChoice::Published,
                    community: community_id,
                }),
                Extra::Grids(figures),
            )
        }
        Layer::Buildings => (
            tables::buildings_table(
                &name,
                "wangge buildings with their grid in the published plan".into(),
                false,
            ),
            ExportRows::Buildings(BuildingRows {
                plan: PlanChoice::Published,
                community: community_id,
            }),
            Extra::None,
        ),
        Layer::Cameras => (
            tables::cameras_table(),
            ExportRows::Cameras(BoxRows { bbox }),
            Extra::None,
        ),
        Layer::Barriers => (
            tables::barriers_table(),
            ExportRows::Barriers(BoxRows { bbox }),
            Extra::None,
        ),
        Layer::Addresses => (
            tables::addresses_table(),
            ExportRows::AddressPoints(AddressPointRows {
                community: community_id,
            }),
            Extra::None,
        ),
    };
    TableReader::new(store, table, rows, extra).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_parse_and_unknown_ones_are_named() {
        assert_eq!(Layer::parse("buildings").ok(), Some(Layer::Buildings));
        assert_eq!(Layer::Addresses.to_string(), "addresses");
        let err = Layer::parse("houses").err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(err.contains("\"houses\""), "{err}");
        assert!(
            err.contains("districts, streets, communities, regions"),
            "{err}"
        );
    }
}
