//! wangge (网格): spatial service and web map for grid-based community governance.
//!
//! Data flows one way: [`import`] (and [`demo`]) → [`store`] → API ([`api`]) → web, and
//! [`store`] → [`export`] (GeoJSON and GeoPackage files).
//! [`model`] is the shared vocabulary, [`crs`] converts coordinates for imports,
//! [`geometry`] holds the small geometric helpers the others share.

pub mod api;
pub mod auth;
pub mod config;
pub mod crs;
pub mod demo;
pub mod export;
pub mod geocode;
pub mod geometry;
pub mod import;
pub mod index;
pub mod live;
pub mod lookup;
pub mod mask;
pub mod model;
pub mod ogc;
pub mod partition;
pub mod plan;
pub mod store;
pub mod tiles;
