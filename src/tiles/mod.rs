//! Mapbox Vector Tiles of the dense layers (`grids`, `buildings`) cut on request from
//! in-memory snapshots, and their TileJSON 3.0 documents.
//!
//! Owns the tile snapshots ([`source`]: features projected to Web Mercator once, with an
//! R-tree) and the cutting ([`cut`]: clip with a buffer, simplify by zoom, encode with
//! geozero). Reads the [`store`](crate::store) through [`Live`] snapshots; never writes.
//!
//! Freshness: a snapshot follows its layer's version in the store. The API reads the
//! versions from the store on every request (for the ETag) and passes them to
//! [`TileLayers::tile`], which rebuilds a snapshot of another version before
//! cutting, so an edit — by this server or by any other process — shows in the very next
//! tile. [`TileLayers::watch`] additionally rebuilds in the background after external
//! writes, so that usually no request has to wait for a rebuild.

pub mod cut;
pub mod source;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::live::Live;
use crate::store::{Layer, Store, StoreError};
pub use source::{BuildingTiles, GridTiles};

/// Highest zoom level accepted; beyond it a request is refused.
pub const MAX_ZOOM: u8 = 24;

/// A layer served as vector tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileLayer {
    Grids,
    Buildings,
}

impl TileLayer {
    /// The layer named in a URL (`grids`, `buildings`).
    pub fn parse(name: &str) -> Option<TileLayer> {
        match name {
            "grids" => Some(TileLayer::Grids),
            "buildings" => Some(TileLayer::Buildings),
            _ => None,
        }
    }

    /// URL and MVT layer name.
    pub fn name(self) -> &'static str {
        match self {
            TileLayer::Grids => "grids",
            TileLayer::Buildings => "buildings",
        }
    }

    /// The store layer whose version the tiles follow.
    pub fn layer(self) -> Layer {
        match self {
            TileLayer::Grids => Layer::Grids,
            TileLayer::Buildings => Layer::Buildings,
        }
    }

    /// Lowest zoom with data: below it tiles are empty (a city's buildings in one tile
    /// would be megabytes of sub-pixel polygons).
    pub fn minzoom(self) -> u8 {
        match self {
            TileLayer::Grids => 10,
            TileLayer::Buildings => 13,
        }
    }

    /// Highest zoom the server cuts distinct detail for (clients over-zoom beyond).
    pub fn maxzoom(self) -> u8 {
        20
    }

    fn fields(self) -> Value {
        match self {
            TileLayer::Grids => json!({
                "id": "Number", "code": "String", "name": "String",
                "kind": "String (standard, virtual, rural)",
                "households": "Number", "community_id": "Number"
            }),
            TileLayer::Buildings => json!({
                "id": "Number", "grid_id": "Number (absent when unassigned)",
                "community_id": "Number (absent when unassigned)",
                "households": "Number", "estimated": "Boolean"
            }),
        }
    }
}

/// Why a tile request was refused.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error("unknown tile layer {0:?}: use grids or buildings")]
    UnknownLayer(String),
    #[error("tile {z}/{x}/{y} is out of range: z must be 0..={MAX_ZOOM} and x, y below 2^z")]
    OutOfRange { z: u32, x: u32, y: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks tile coordinates.
pub fn check(z: u32, x: u32, y: u32) -> Result<u8, TileError> {
    let out = TileError::OutOfRange { z, x, y };
    let zoom = u8::try_from(z).map_err(|_| TileError::OutOfRange { z, x, y })?;
    if zoom > MAX_ZOOM {
        return Err(out);
    }
    let n = 1u64 << zoom;
    if u64::from(x) >= n || u64::from(y) >= n {
        return Err(out);
    }
    Ok(zoom)
}

/// The tile snapshots of a server, following the store.
pub struct TileLayers {
    grids: Arc<Live<GridTiles>>,
    buildings: Arc<Live<BuildingTiles>>,
}

impl TileLayers {
    /// Loads both snapshots.
    pub async fn load(store: Store) -> Result<Arc<TileLayers>, StoreError> {
        Ok(Arc::new(TileLayers {
            grids: Live::load(store.clone()).await?,
            buildings: Live::load(store).await?,
        }))
    }

    /// Rebuilds in the background after writes by other processes, checking every `every`.
    pub fn watch(&self, every: Duration) {
        self.grids.watch(every);
        self.buildings.watch(every);
    }

    /// Rebuilds every snapshot whose version changed (after a write by this process).
    pub async fn refresh(&self) -> Result<(), StoreError> {
        self.grids.refresh(false).await?;
        self.buildings.refresh(false).await?;
        Ok(())
    }

    /// Tile `z/x/y` of `layer` with the features `visible` keeps, from a snapshot of
    /// `version` or later (rebuilt first when it differs); `None` for an empty tile.
    pub async fn tile(
        &self,
        layer: TileLayer,
        version: i64,
        (z, x, y): (u8, u32, u32),
        visible: Arc<cut::Visible>,
    ) -> Result<Option<Vec<u8>>, TileError> {
        if z < layer.minzoom() {
            return Ok(None);
        }
        let name = layer.name();
        Ok(match layer {
            TileLayer::Grids => {
                let set = fresh(&self.grids, version).await?;
                off_thread(move || cut::cut(&set, name, (z, x, y), &*visible)).await?
            }
            TileLayer::Buildings => {
                let set = fresh(&self.buildings, version).await?;
                off_thread(move || cut::cut(&set, name, (z, x, y), &*visible)).await?
            }
        })
    }

    /// The TileJSON 3.0 document of `layer`, with tile URLs under `base` (e.g.
    /// `http://host:port`), from a snapshot at least at `version`.
    pub async fn tilejson(
        &self,
        layer: TileLayer,
        version: i64,
        base: &str,
    ) -> Result<Value, TileError> {
        let bounds = match layer {
            TileLayer::Grids => fresh(&self.grids, version).await?.bounds(),
            TileLayer::Buildings => fresh(&self.buildings, version).await?.bounds(),
        };
        let bounds = bounds.unwrap_or([-180.0, -85.051_128_78, 180.0, 85.051_128_78]);
        let center = [
            (bounds[0] + bounds[2]) / 2.0,
            (bounds[1] + bounds[3]) / 2.0,
            f64::from(layer.minzoom().max(14)),
        ];
        let name = layer.name();
        Ok(json!({
            "tilejson": "3.0.0",
            "name": name,
            "description": format!("wangge {name}, cut from the store's current data"),
            "version": "1.0.0",
            "scheme": "xyz",
            "tiles": [format!("{base}/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt")],
            "minzoom": layer.minzoom(),
            "maxzoom": layer.maxzoom(),
            "bounds": bounds,
            "center": center,
            "attribution": "© OpenStreetMap contributors (ODbL) where imported from OpenStreetMap",
            "vector_layers": [{
                "id": name,
                "fields": layer.fields(),
                "minzoom": layer.minzoom(),
                "maxzoom": layer.maxzoom(),
            }],
        }))
    }
}

/// Runs tile cutting (CPU work) off the async workers.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    crate::live::build_blocking("tile", work).await
}

/// The current snapshot, rebuilt first when it was built from another version than
/// `version` (older, or newer after a database restore; when a write landed since
/// `version` was read, the refresh finds the snapshot current and does nothing).
async fn fresh<T: crate::live::Snapshot>(
    live: &Live<T>,
    version: i64,
) -> Result<Arc<T>, StoreError> {
    let snapshot = live.snapshot();
    if snapshot.revision() == version {
        return Ok(snapshot);
    }
    live.refresh(false).await?;
    Ok(live.snapshot())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_coordinates_are_checked() {
        assert_eq!(check(0, 0, 0).unwrap(), 0);
        assert_eq!(check(15, 32767, 0).unwrap(), 15);
        assert!(check(15, 32768, 0).is_err());
        assert!(check(1, 0, 2).is_err());
        assert!(check(25, 0, 0).is_err());
        assert!(check(300, 0, 0).is_err());
    }
}
