//! The in-memory tile sources: every feature of a layer projected once to Web Mercator,
//! with the few properties the map styles by, and an R-tree over their envelopes.
//! Built from the store as [`Live`](crate::live::Live) snapshots that follow the layer's
//! version.

use geo::{BoundingRect, MapCoords, MultiPolygon};
use geozero::mvt::TileValue;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::live::{build_blocking, Snapshot};
use crate::model::GridKind;
use crate::store::{BuildingFilter, Layer, Store, StoreError};

/// Half the width of the Web Mercator world, metres.
pub const HALF_WORLD: f64 = 20_037_508.342_789_244;
/// Latitude limit of Web Mercator.
const MAX_LAT: f64 = 85.051_128_779_806_59;

/// Longitude/latitude (EPSG:4326) to Web Mercator metres (EPSG:3857).
pub fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = lon * HALF_WORLD / 180.0;
    let y =
        (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln() * HALF_WORLD / std::f64::consts::PI;
    (x, y)
}

/// What a tile feature carries besides its geometry.
pub trait Properties: Send + Sync + 'static {
    /// The feature id written to the tile.
    fn id(&self) -> u64;
    /// The tags, in a fixed order.
    fn tags(&self, out: &mut Vec<(&'static str, TileValue)>);
    /// The grid it is (a grid) or is in (a building), for scope checks.
    fn grid_id(&self) -> Option<i64>;
    /// Its community, for scope checks.
    fn community_id(&self) -> Option<i64>;
}

/// Properties of a grid in the `grids` layer.
#[derive(Debug, Clone)]
pub struct GridProperties {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub households: i64,
    pub community_id: i64,
}

impl Properties for GridProperties {
    fn id(&self) -> u64 {
        self.id as u64
    }
    fn tags(&self, out: &mut Vec<(&'static str, TileValue)>) {
        out.push(("id", TileValue::Int(self.id)));
        out.push(("code", TileValue::Str(self.code.clone())));
        out.push(("name", TileValue::Str(self.name.clone())));
        out.push(("kind", TileValue::Str(self.kind.as_ref().to_string())));
        out.push(("households", TileValue::Int(self.households)));
        out.push(("community_id", TileValue::Int(self.community_id)));
    }
    fn grid_id(&self) -> Option<i64> {
        Some(self.id)
    }
    fn community_id(&self) -> Option<i64> {
        Some(self.community_id)
    }
}

/// Properties of a building in the `buildings` layer; a missing grid or community is
/// left out of the tags.
#[derive(Debug, Clone)]
pub struct BuildingProperties {
    pub id: i64,
    pub grid_id: Option<i64>,
    pub community_id: Option<i64>,
    pub households: i64,
    pub estimated: bool,
}

impl Properties for BuildingProperties {
    fn id(&self) -> u64 {
        self.id as u64
    }
    fn tags(&self, out: &mut Vec<(&'static str, TileValue)>) {
        out.push(("id", TileValue::Int(self.id)));
        if let Some(g) = self.grid_id {
            out.push(("grid_id", TileValue::Int(g)));
        }
        if let Some(c) = self.community_id {
            out.push(("community_id", TileValue::Int(c)));
        }
        out.push(("households", TileValue::Int(self.households)));
        out.push(("estimated", TileValue::Bool(self.estimated)));
    }
    fn grid_id(&self) -> Option<i64> {
        self.grid_id
    }
    fn community_id(&self) -> Option<i64> {
        self.community_id
    }
}

/// One feature, in Web Mercator metres.
pub struct TileFeature<P> {
    pub geometry: MultiPolygon<f64>,
    pub properties: P,
}

/// An immutable snapshot of one layer for tile cutting.
pub struct TileSet<P> {
    revision: i64,
    pub(super) features: Vec<TileFeature<P>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    /// `[west, south, east, north]` in degrees.
    bounds: Option<[f64; 4]>,
}

impl<P: Properties> TileSet<P> {
    /// Builds a snapshot from features in longitude/latitude.
    pub fn build(revision: i64, lonlat: Vec<(MultiPolygon<f64>, P)>) -> TileSet<P> {
        let mut bounds: Option<[f64; 4]> = None;
        let mut features = Vec::with_capacity(lonlat.len());
        let mut envelopes = Vec::with_capacity(lonlat.len());
        for (geometry, properties) in lonlat {
            let Some(r) = geometry.bounding_rect() else {
                continue;
            };
            bounds = Some(match bounds {
                None => [r.min().x, r.min().y, r.max().x, r.max().y],
                Some(b) => [
                    b[0].min(r.min().x),
                    b[1].min(r.min().y),
                    b[2].max(r.max().x),
                    b[3].max(r.max().y),
                ],
            });
            let geometry = geometry.map_coords(|c| {
                let (x, y) = mercator(c.x, c.y);
                geo::Coord { x, y }
            });
            let Some(m) = geometry.bounding_rect() else {
                continue;
            };
            envelopes.push(GeomWithData::new(
                Rectangle::from_corners([m.min().x, m.min().y], [m.max().x, m.max().y]),
                features.len() as u32,
            ));
            features.push(TileFeature {
                geometry,
                properties,
            });
        }
        TileSet {
            revision,
            features,
            tree: RTree::bulk_load(envelopes),
            bounds,
        }
    }

    /// The layer version this snapshot was built from.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    /// `[west, south, east, north]` of every feature, in degrees.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        self.bounds
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True when the layer has no feature.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Features whose envelope meets the Web Mercator box, in id order of the snapshot.
    pub fn meeting(&self, min: [f64; 2], max: [f64; 2]) -> Vec<&TileFeature<P>> {
        let mut hits: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .map(|i| &self.features[i as usize])
            .collect()
    }
}

/// The grids layer: grids of published plans with their household totals.
pub type GridTiles = TileSet<GridProperties>;
/// The buildings layer.
pub type BuildingTiles = TileSet<BuildingProperties>;

impl Snapshot for GridTiles {
    const REVISION: &'static str = Layer::Grids.revision_name();
    const WHAT: &'static str = "grid tiles";

    async fn load(store: &Store, revision: i64) -> Result<Self, StoreError> {
        let grids = store.grids(None).await?;
        let totals = store.grid_totals().await?;
        build_blocking("grid tiles", move || {
            let features = grids
                .into_iter()
                .map(|g| {
                    let households = totals.get(&g.id).map(|t| t.households).unwrap_or(0);
                    let properties = GridProperties {
                        id: g.id,
                        code: g.code,
                        name: g.name,
                        kind: g.kind,
                        households,
                        community_id: g.community_id,
                    };
                    (g.boundary, properties)
                })
                .collect();
            TileSet::build(revision, features)
        })
        .await
    }

    fn revision(&self) -> i64 {
        self.revision
    }
}

impl Snapshot for BuildingTiles {
    const REVISION: &'static str = Layer::Buildings.revision_name();
    const WHAT: &'static str = "building tiles";

    async fn load(store: &Store, revision: i64) -> Result<Self, StoreError> {
        let buildings = store.buildings(&BuildingFilter::default()).await?;
        build_blocking("building tiles", move || {
            let features = buildings
                .into_iter()
                .map(|b| {
                    let properties = BuildingProperties {
                        id: b.id,
                        grid_id: b.grid_id,
                        community_id: b.community_id,
                        households: i64::from(b.households),
                        estimated: b.households_estimated,
                    };
                    (b.footprint, properties)
                })
                .collect();
            TileSet::build(revision, features)
        })
        .await
    }

    fn revision(&self) -> i64 {
        self.revision
    }
}
