//! Reading one exported table page by page: a [`TableReader`] pairs a table definition
//! with the store rows it is made of and turns each keyset page of rows into features,
//! so an export holds one page at a time whatever the size of the layer. Calls the
//! store's paged reads ([`crate::store::export_read`]) and [`tables`](super::tables).

use std::collections::HashMap;

use super::schema::{Feature, Table};
use super::tables::{self, GridFigures};
use super::ExportError;
use crate::store::export_read::ExportRows;
use crate::store::Store;

/// Rows per page of small features (buildings, cameras, barriers, address points).
const PAGE: i64 = 2_000;
/// Rows per page of large polygons (regions, grids).
const PAGE_OF_AREAS: i64 = 200;

/// What a table's features carry beside their rows.
#[derive(Debug, Clone, Default)]
pub enum Extra {
    #[default]
    None,
    /// Grids: their buildings, households and workers.
    Grids(GridFigures),
    /// Plan buildings: the units and grids of each building split by unit (a JSON list
    /// `[{unit, grid_id, code}]`, by building id); other buildings get `null`.
    ByUnit(HashMap<i64, serde_json::Value>),
}

/// One table being read.
pub struct TableReader<'a> {
    store: &'a Store,
    pub table: Table,
    rows: ExportRows,
    extra: Extra,
    after: i64,
    done: bool,
    total: u64,
}

impl<'a> TableReader<'a> {
    /// A reader of `rows` as `table`; counts the rows first (for progress).
    pub async fn new(
        store: &'a Store,
        table: Table,
        rows: ExportRows,
        extra: Extra,
    ) -> Result<TableReader<'a>, ExportError> {
        let total = store
            .export_count(&rows)
            .await
            .map_err(|e| ExportError::store(format!("counting {}", table.name), e))?;
        Ok(TableReader {
            store,
            table,
            rows,
            extra,
            after: 0,
            done: false,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// How many features the table has (counted when the reader was made).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The next page of features, `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Feature>>, ExportError> {
        if self.done {
            return Ok(None);
        }
        let s = self.store;
        let after = self.after;
        let context = || format!("reading {} after id {after}", self.table.name);
        let (features, limit) = match &self.rows {
            ExportRows::Regions(r) => (
                s.export_regions(r, after, PAGE_OF_AREAS)
                    .await
                    .map_err(|e| ExportError::store(context(), e))?
                    .into_iter()
                    .map(tables::region_feature)
                    .collect::<Vec<_>>(),
                PAGE_OF_AREAS,
            ),
            ExportRows::Grids(g) => {
                let rows = s
                    .export_grids(g, after, PAGE_OF_AREAS)
                    .await
                    .map_err(|e| ExportError::store(context(), e))?;
                let none = GridFigures::default();
                let figures = match &self.extra {
                    Extra::Grids(f) => f,
                    _ => &none,
                };
                (
                    rows.into_iter()
                        .map(|g| tables::grid_feature(g, figures))
                        .collect(),
                    PAGE_OF_AREAS,
                )
            }
            ExportRows::Buildings(b) => {
                let rows = s
                    .export_buildings(b, after, PAGE)
                    .await
                    .map_err(|e| ExportError::store(context(), e))?;
                let features = rows
                    .into_iter()
                    .map(|row| {
                        let by_unit = match &self.extra {
                            Extra::ByUnit(map) => Some(map.get(&row.building.id).cloned()),
                            _ => None,
                        };
                        tables::building_feature(row, by_unit)
                    })
                    .collect();
                (features, PAGE)
            }
            ExportRows::Cameras(c) => (
                s.export_cameras(c, after, PAGE)
                    .await
                    .map_err(|e| ExportError::store(context(), e))?
                    .into_iter()
                    .map(tables::camera_feature)
                    .collect(),
                PAGE,
            ),
            ExportRows::Barriers(b) => (
                s.export_barriers(b, after, PAGE)
                    .await
                    .map_err(|e| ExportError::store(context(), e))?
                    .into_iter()
                    .map(tables::barrier_feature)
                    .collect(),
                PAGE,
            ),
            ExportRows::AddressPoints(a) => (
                s.export_address_points(a, after, PAGE)
                    .await
                    .map_err(|e| ExportError::store(context(), e))?
                    .into_iter()
                    .map(tables::address_feature)
                    .collect(),
                PAGE,
            ),
        };
        if (features.len() as i64) < limit {
            self.done = true;
        }
        match features.last() {
            Some(last) => {
                self.after = last.id;
                Ok(Some(features))
            }
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }
}
