//! Feature-collection reads for OGC API – Features: one page of a layer (districts,
//! streets, communities, grids of published plans, buildings, cameras) filtered by a
//! bounding box and property values, in a stable order by id, with the number of matching
//! features; one feature by id; a layer's extent.
//!
//! The bounding box selects features whose envelope intersects it, in both backends:
//! PostGIS through `geom && box` (the GiST index), SQLite through the envelope columns.
//! Calls only the rest of the store.

use super::types::*;
use super::value::Val;
use super::{Dialect, Store, StoreError};
use crate::model::{BuildingUse, CameraClass, CameraStatus, GridKind, RegionLevel};

/// A layer served as a feature collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeatureLayer {
    Districts,
    Streets,
    Communities,
    /// Grids of published plans.
    Grids,
    Buildings,
    Cameras,
}

/// An equality filter on one property of a layer.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyFilter {
    /// Region or grid code.
    Code(String),
    /// Region or grid name.
    Name(String),
    /// Parent region of a region.
    ParentId(i64),
    /// Community of a grid or building.
    CommunityId(i64),
    /// Grid of a building in the published plan.
    GridId(i64),
    GridKind(GridKind),
    BuildingUse(BuildingUse),
    CameraClass(CameraClass),
    CameraStatus(CameraStatus),
}

/// Which features of a layer to read.
#[derive(Debug, Clone, Default)]
pub struct FeatureQuery {
    /// `[minx, miny, maxx, maxy]` in EPSG:4326 longitude/latitude.
    pub bbox: Option<[f64; 4]>,
    /// Every filter must hold.
    pub filters: Vec<PropertyFilter>,
    pub limit: i64,
    pub offset: i64,
    /// Only features with these ids (a scoped user's regions, grids or cameras).
    pub only_ids: Option<Vec<i64>>,
    /// Only buildings a scoped user may see.
    pub buildings_in: Option<super::BuildingScope>,
}

/// Features of one layer, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerFeatures {
    Regions(Vec<Region>),
    Grids(Vec<Grid>),
    Buildings(Vec<Building>),
    Cameras(Vec<Camera>),
}

impl LayerFeatures {
    /// How many features.
    pub fn len(&self) -> usize {
        match self {
            LayerFeatures::Regions(v) => v.len(),
            LayerFeatures::Grids(v) => v.len(),
            LayerFeatures::Buildings(v) => v.len(),
            LayerFeatures::Cameras(v) => v.len(),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One page of a layer and the number of features matching the query on every page.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePage {
    pub features: LayerFeatures,
    pub matched: i64,
}

const BUILDING_COLS: &str = "t.id, t.community_id, pa.grid_id, t.source, t.source_id, t.name, \
     t.road, t.house_number, t.compound, t.building_no, t.floors, t.height_m, t.units, \
     t.building_use, t.building_type, t.households, t.households_estimated";

impl FeatureLayer {
    /// `FROM …` with the table aliased `t`, and the condition selecting the layer's rows.
    fn from(self) -> (&'static str, &'static str) {
        match self {
            FeatureLayer::Districts => ("regions t", "t.level = 'district'"),
            FeatureLayer::Streets => ("regions t", "t.level = 'street'"),
            FeatureLayer::Communities => ("regions t", "t.level = 'community'"),
            FeatureLayer::Grids => (
                "grids t JOIN plans p ON p.id = t.plan_id",
                "p.status = 'published'",
            ),
            FeatureLayer::Buildings => (
                "buildings t LEFT JOIN (SELECT a.building_id, a.grid_id FROM plan_assignments a \
                 JOIN plans ap ON ap.id = a.plan_id WHERE ap.status = 'published') pa \
                 ON pa.building_id = t.id",
                "1 = 1",
            ),
            FeatureLayer::Cameras => ("cameras t", "1 = 1"),
        }
    }

    /// The columns decoded into the layer's record type.
    fn columns(self, d: Dialect) -> String {
        let geom = d.geom_out("t.geom");
        match self {
            FeatureLayer::Districts | FeatureLayer::Streets | FeatureLayer::Communities => format!(
                "t.id, t.parent_id, t.level, t.name, t.code, t.source, t.source_id, {geom} AS geom"
            ),
            FeatureLayer::Grids => format!(
                "t.id, t.plan_id, t.community_id, t.code, t.name, t.kind, t.provisional, t.source, \
                 t.source_id, {geom} AS geom"
            ),
            FeatureLayer::Buildings => format!("{BUILDING_COLS}, {geom} AS geom"),
            FeatureLayer::Cameras => format!(
                "t.id, t.source_id, t.name, t.class, t.direction_deg, t.fov_deg, t.range_m, \
                 t.stream_url, t.status, {geom} AS geom"
            ),
        }
    }

    /// The region level of a region layer.
    pub fn region_level(self) -> Option<RegionLevel> {
        match self {
            FeatureLayer::Districts => Some(RegionLevel::District),
            FeatureLayer::Streets => Some(RegionLevel::Street),
            FeatureLayer::Communities => Some(RegionLevel::Community),
            _ => None,
        }
    }
}

impl PropertyFilter {
    /// The column and value of this filter on `layer`, or `None` when the layer has no
    /// such property.
    fn on(&self, layer: FeatureLayer) -> Option<(&'static str, Val)> {
        use FeatureLayer as L;
        use PropertyFilter as F;
        let region = layer.region_level().is_some();
        Some(match (self, layer) {
            (F::Code(c), L::Grids) => ("t.code", Val::text(c)),
            (F::Code(c), _) if region => ("t.code", Val::text(c)),
            (F::Name(n), L::Grids) => ("t.name", Val::text(n)),
            (F::Name(n), _) if region => ("t.name", Val::text(n)),
            (F::ParentId(p), _) if region => ("t.parent_id", Val::int(*p)),
            (F::CommunityId(c), L::Grids | L::Buildings) => ("t.community_id", Val::int(*c)),
            (F::GridId(g), L::Buildings) => ("pa.grid_id", Val::int(*g)),
            (F::GridKind(k), L::Grids) => ("t.kind", Val::text(k.as_ref())),
            (F::BuildingUse(u), L::Buildings) => ("t.building_use", Val::text(u.as_ref())),
            (F::CameraClass(c), L::Cameras) => ("t.class", Val::text(c.as_ref())),
            (F::CameraStatus(s), L::Cameras) => ("t.status", Val::text(s.as_ref())),
            _ => return None,
        })
    }
}

/// Condition: the envelope of `t` intersects the box bound at `n..n+3`.
fn bbox_condition(d: Dialect, n: usize) -> String {
    match d {
        Dialect::Postgres => format!(
            "t.geom && ST_MakeEnvelope(${}, ${}, ${}, ${}, 4326)",
            n,
            n + 1,
            n + 2,
            n + 3
        ),
        Dialect::Sqlite => format!(
            "t.maxx >= ${} AND t.maxy >= ${} AND t.minx <= ${} AND t.miny <= ${}",
            n,
            n + 1,
            n + 2,
            n + 3
        ),
    }
}

#[derive(sqlx::FromRow)]
struct CountRow {
    n: i64,
}

#[derive(sqlx::FromRow)]
struct ExtentRow {
    minx: Option<f64>,
    miny: Option<f64>,
    maxx: Option<f64>,
    maxy: Option<f64>,
}

impl Store {
    /// The FROM clause, WHERE clause and values selecting the features of `layer` that
    /// `query` matches (its filters, box and scope; not its page).
    fn matching(
        &self,
        layer: FeatureLayer,
        query: &FeatureQuery,
    ) -> Result<(&'static str, String, Vec<Val>), StoreError> {
        let d = self.dialect();
        let (from, layer_condition) = layer.from();
        let mut condition = format!("WHERE {layer_condition}");
        let mut vals = Vec::new();
        for f in &query.filters {
            let (column, val) = f.on(layer).ok_or_else(|| StoreError::UnknownReference {
                what: "property filter",
                reference: format!("{f:?} on {layer:?}"),
            })?;
            vals.push(val);
            condition.push_str(&format!(" AND {column} = ${}", vals.len()));
        }
        if let Some([minx, miny, maxx, maxy]) = query.bbox {
            let n = vals.len() + 1;
            vals.extend([minx, miny, maxx, maxy].map(|v| Val::Real(Some(v))));
            condition.push_str(&format!(" AND {}", bbox_condition(d, n)));
        }
        // A scoped user's part: ids of the layer, or buildings by community or grid.
        let in_list = |column: &str, ids: &[i64], vals: &mut Vec<Val>| {
            if ids.is_empty() {
                return "1 = 0".to_string();
            }
            let first = vals.len() + 1;
            vals.extend(ids.iter().map(|&i| Val::int(i)));
            let params: Vec<String> = (first..first + ids.len())
                .map(|n| format!("${n}"))
                .collect();
            format!("{column} IN ({})", params.join(", "))
        };
        if let Some(ids) = &query.only_ids {
            let c = in_list("t.id", ids, &mut vals);
            condition.push_str(&format!(" AND {c}"));
        }
        if let Some(scope) = &query.buildings_in {
            let mut alternatives = vec!["1 = 0".to_string()];
            if !scope.communities.is_empty() {
                alternatives.push(in_list("t.community_id", &scope.communities, &mut vals));
            }
            if !scope.grids.is_empty() {
                alternatives.push(in_list("pa.grid_id", &scope.grids, &mut vals));
            }
            condition.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        Ok((from, condition, vals))
    }

    /// One page of `layer` matching `query`, ordered by id, and the number of features
    /// matching it on all pages. A filter the layer does not have is refused as an
    /// unknown reference.
    pub async fn feature_page(
        &self,
        layer: FeatureLayer,
        query: &FeatureQuery,
    ) -> Result<FeaturePage, StoreError> {
        let d = self.dialect();
        let (from, condition, mut vals) = self.matching(layer, query)?;
        let count_sql = format!("SELECT COUNT(*) AS n FROM {from} {condition}");
        let counted: Vec<CountRow> = self
            .fetch_all(&count_sql, vals.clone(), "counting features")
            .await?;
        let matched = counted.first().map(|r| r.n).unwrap_or(0);
        let n = vals.len();
        vals.push(Val::int(query.limit));
        vals.push(Val::int(query.offset));
        let sql = format!(
            "SELECT {} FROM {from} {condition} ORDER BY t.id LIMIT ${} OFFSET ${}",
            layer.columns(d),
            n + 1,
            n + 2
        );
        let features = self.layer_rows(layer, &sql, vals).await?;
        Ok(FeaturePage { features, matched })
    }

    /// One feature of `layer` by id (a grid only when its plan is published).
    pub async fn layer_feature(
        &self,
        layer: FeatureLayer,
        id: i64,
    ) -> Result<Option<LayerFeatures>, StoreError> {
        let (from, layer_condition) = layer.from();
        let sql = format!(
            "SELECT {} FROM {from} WHERE {layer_condition} AND t.id = $1",
            layer.columns(self.dialect())
        );
        let features = self.layer_rows(layer, &sql, vec![Val::int(id)]).await?;
        Ok((!features.is_empty()).then_some(features))
    }

    /// The envelope `[minx, miny, maxx, maxy]` of the features of `layer` that `query`
    /// matches (e.g. a scoped user's part), `None` when there are none.
    pub async fn layer_extent(
        &self,
        layer: FeatureLayer,
        query: &FeatureQuery,
    ) -> Result<Option<[f64; 4]>, StoreError> {
        let (from, condition, vals) = self.matching(layer, query)?;
        let sql = format!(
            "SELECT MIN(t.minx) AS minx, MIN(t.miny) AS miny, MAX(t.maxx) AS maxx, \
             MAX(t.maxy) AS maxy FROM {from} {condition}"
        );
        let rows: Vec<ExtentRow> = self
            .fetch_all(&sql, vals, "measuring a layer's extent")
            .await?;
        Ok(rows
            .first()
            .and_then(|r| match (r.minx, r.miny, r.maxx, r.maxy) {
                (Some(a), Some(b), Some(c), Some(e)) => Some([a, b, c, e]),
                _ => None,
            }))
    }

    async fn layer_rows(
        &self,
        layer: FeatureLayer,
        sql: &str,
        vals: Vec<Val>,
    ) -> Result<LayerFeatures, StoreError> {
        const CONTEXT: &str = "reading features";
        Ok(match layer {
            FeatureLayer::Districts | FeatureLayer::Streets | FeatureLayer::Communities => {
                LayerFeatures::Regions(decode_all::<RegionRow, _>(
                    self.fetch_all(sql, vals, CONTEXT).await?,
                )?)
            }
            FeatureLayer::Grids => LayerFeatures::Grids(decode_all::<GridRow, _>(
                self.fetch_all(sql, vals, CONTEXT).await?,
            )?),
            FeatureLayer::Buildings => LayerFeatures::Buildings(decode_all::<BuildingRow, _>(
                self.fetch_all(sql, vals, CONTEXT).await?,
            )?),
            FeatureLayer::Cameras => LayerFeatures::Cameras(decode_all::<CameraRow, _>(
                self.fetch_all(sql, vals, CONTEXT).await?,
            )?),
        })
    }
}
