//! Writing a [`Dataset`] in one transaction: upserts by source id, reference resolution,
//! published plans for imported grids, and the import log. Either everything is written
//! or nothing is.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use geo::Geometry;
use serde::Serialize;

use super::amend;
use super::dialect::upsert;
use super::layers::{bump_layers, Layer};
use super::tx::Tx;
use super::value::Val;
use super::{Store, StoreError};
use crate::model::*;

/// Inserted and updated rows of one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Upserts {
    pub inserted: u64,
    pub updated: u64,
}

impl Upserts {
    fn count(&mut self, existed: bool) {
        if existed {
            self.updated += 1;
        } else {
            self.inserted += 1;
        }
    }
}

/// What one import wrote, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub regions: Upserts,
    pub grids: Upserts,
    pub provisional_grids: u64,
    /// Provisional grids removed because real grids arrived for their community.
    pub provisional_grids_retired: u64,
    /// Buildings given another grid (or community) because grids or communities arrived.
    pub buildings_reassigned: u64,
    pub plans_created: u64,
    pub buildings: Upserts,
    pub households: Upserts,
    pub people: Upserts,
    pub cameras: Upserts,
    pub workers: Upserts,
    pub barriers: Upserts,
    pub address_points: Upserts,
}

/// Source id → database id of the rows of one table, for one source.
type Ids = HashMap<String, i64>;

fn resolve(ids: &Ids, reference: &str, what: &'static str) -> Result<i64, StoreError> {
    if let Some(id) = reference.strip_prefix('@') {
        if let Ok(id) = id.parse() {
            return Ok(id);
        }
    }
    ids.get(reference)
        .copied()
        .ok_or_else(|| StoreError::UnknownReference {
            what,
            reference: reference.to_string(),
        })
}

fn opt_text(s: &Option<String>) -> Val {
    Val::Text(s.clone())
}

fn opt_int(i: Option<i32>) -> Val {
    Val::Int(i.map(i64::from))
}

impl Store {
    /// Writes `dataset` in one transaction and logs it as an import of `kind` from `path`.
    /// Rows are matched by `(source, source_id)` (households by building and room, people
    /// by ID number), so writing the same dataset twice updates instead of duplicating.
    pub async fn write_dataset(
        &self,
        dataset: &Dataset,
        kind: &str,
        path: &str,
    ) -> Result<ImportSummary, StoreError> {
        let mut tx = self.begin().await?;
        let mut w = Writer {
            source: dataset.source.clone(),
            summary: ImportSummary::default(),
            regions: Ids::new(),
            grids: Ids::new(),
            grid_plans: HashMap::new(),
            buildings: Ids::new(),
        };
        let amendments = &dataset.amendments;
        w.regions(&mut tx, &dataset.regions).await?;
        amend::set_boundaries(&mut tx, "regions", &amendments.region_boundaries).await?;
        w.summary.provisional_grids_retired =
            amend::retire_grids(&mut tx, &amendments.retired_grids).await?;
        w.grids(&mut tx, &dataset.grids, false).await?;
        w.grids(&mut tx, &dataset.provisional_grids, true).await?;
        amend::set_boundaries(&mut tx, "grids", &amendments.grid_boundaries).await?;
        w.buildings(&mut tx, &dataset.buildings).await?;
        w.amend_buildings(&mut tx, amendments).await?;
        w.households(&mut tx, &dataset.households).await?;
        w.people(&mut tx, &dataset.people).await?;
        w.cameras(&mut tx, &dataset.cameras).await?;
        w.barriers(&mut tx, &dataset.barriers).await?;
        w.addresses(&mut tx, &dataset.addresses).await?;
        w.workers(&mut tx, &dataset.workers).await?;
        if !(dataset.regions.is_empty()
            && dataset.grids.is_empty()
            && dataset.provisional_grids.is_empty()
            && dataset.workers.is_empty()
            && amendments.is_empty())
        {
            bump_revision(&mut tx, GRIDS_REVISION).await?;
        }
        if !(dataset.regions.is_empty()
            && dataset.grids.is_empty()
            && dataset.provisional_grids.is_empty()
            && dataset.buildings.is_empty()
            && dataset.addresses.is_empty()
            && amendments.is_empty())
        {
            bump_revision(&mut tx, ADDRESSES_REVISION).await?;
        }
        bump_layers(&mut tx, &dataset_layers(dataset)).await?;
        let summary = w.summary;
        let log = serde_json::to_string(&summary).unwrap_or_default();
        tx.execute(
            "INSERT INTO imports (kind, source, path, finished_at, summary) VALUES ($1, $2, $3, $4, $5)",
            vec![
                Val::text(kind),
                Val::text(&dataset.source),
                Val::text(path),
                Val::Time(Some(Utc::now())),
                Val::text(log),
            ],
            "logging the import",
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }
}

struct Writer {
    source: String,
    summary: ImportSummary,
    regions: Ids,
    grids: Ids,
    /// Grid database id → its plan id.
    grid_plans: HashMap<i64, i64>,
    buildings: Ids,
}

impl Writer {
    /// Ids already stored for this source in `table`.
    async fn existing(&self, tx: &mut Tx, table: &str) -> Result<Ids, StoreError> {
        let sql = format!("SELECT source_id, id FROM {table} WHERE source = $1");
        let pairs = tx
            .fetch_pairs(
                &sql,
                vec![Val::text(&self.source)],
                &format!("reading {table}"),
            )
            .await?;
        Ok(pairs.into_iter().collect())
    }

    /// Upserts one row keyed by `(source, source_id)` and returns its id.
    async fn upsert_sourced(
        &self,
        tx: &mut Tx,
        table: &str,
        source_id: &str,
        mut cols: Vec<(&str, Val)>,
    ) -> Result<i64, StoreError> {
        cols.insert(0, ("source", Val::text(&self.source)));
        cols.insert(1, ("source_id", Val::text(source_id)));
        let sql = upsert(tx.dialect(), table, &cols, &["source", "source_id"], true);
        let vals = cols.into_iter().map(|(_, v)| v).collect();
        tx.fetch_id(&sql, vals, &format!("writing {table} {source_id:?}"))
            .await?
            .ok_or_else(|| StoreError::UnknownReference {
                what: "row",
                reference: source_id.to_string(),
            })
    }

    async fn regions(&mut self, tx: &mut Tx, records: &[RegionRecord]) -> Result<(), StoreError> {
        let existing = self.existing(tx, "regions").await?;
        let mut ordered: Vec<&RegionRecord> = records.iter().collect();
        // Parents first: districts, then streets, then communities.
        ordered.sort_by_key(|r| r.level);
        for r in ordered {
            let parent = match &r.parent {
                Some(p) => Some(resolve(&self.regions, p, "parent region")?),
                None => None,
            };
            let id = self
                .upsert_sourced(
                    tx,
                    "regions",
                    &r.source_id,
                    vec![
                        ("parent_id", Val::Int(parent)),
                        ("level", Val::text(r.level.as_ref())),
                        ("name", Val::text(&r.name)),
                        ("code", opt_text(&r.code)),
                        (
                            "geom",
                            Val::Geom(Geometry::MultiPolygon(r.boundary.clone())),
                        ),
                    ],
                )
                .await?;
            self.summary
                .regions
                .count(existing.contains_key(&r.source_id));
            self.regions.insert(r.source_id.clone(), id);
        }
        Ok(())
    }

    /// The published plan of a community, created when it has none.
    async fn published_plan(&mut self, tx: &mut Tx, community: i64) -> Result<i64, StoreError> {
        let found = tx
            .fetch_id(
                "SELECT id FROM plans WHERE community_id = $1 AND status = 'published'",
                vec![Val::int(community)],
                "finding the published plan",
            )
            .await?;
        if let Some(id) = found {
            return Ok(id);
        }
        let now = Utc::now();
        let id = tx
            .fetch_id(
                "INSERT INTO plans (community_id, status, parameters, metrics, author, created_at, published_at) \
                 VALUES ($1, 'published', $2, '{}', $3, $4, $5) RETURNING id",
                vec![
                    Val::int(community),
                    Val::text(format!(r#"{{"origin":"import","source":{:?}}}"#, self.source)),
                    Val::text(format!("import:{}", self.source)),
                    Val::Time(Some(now)),
                    Val::Time(Some(now)),
                ],
                "creating a plan",
            )
            .await?
            .ok_or_else(|| StoreError::UnknownReference {
                what: "plan",
                reference: community.to_string(),
            })?;
        self.summary.plans_created += 1;
        Ok(id)
    }

    async fn grids(
        &mut self,
        tx: &mut Tx,
        records: &[GridRecord],
        provisional: bool,
    ) -> Result<(), StoreError> {
        let mut plans = HashMap::new();
        for g in records {
            let community = resolve(&self.regions, &g.community, "community")?;
            let plan = match plans.get(&community) {
                Some(p) => *p,
                None => {
                    let p = self.published_plan(tx, community).await?;
                    plans.insert(community, p);
                    p
                }
            };
            let existed = tx
                .fetch_id(
                    "SELECT id FROM grids WHERE plan_id = $1 AND source = $2 AND source_id = $3",
                    vec![
                        Val::int(plan),
                        Val::text(&self.source),
                        Val::text(&g.source_id),
                    ],
                    "reading grids",
                )
                .await?
                .is_some();
            let cols = vec![
                ("plan_id", Val::int(plan)),
                ("source", Val::text(&self.source)),
                ("source_id", Val::text(&g.source_id)),
                ("community_id", Val::int(community)),
                ("code", Val::text(&g.code)),
                ("name", Val::text(&g.name)),
                ("kind", Val::text(g.kind.as_ref())),
                ("provisional", Val::Bool(provisional)),
                (
                    "geom",
                    Val::Geom(Geometry::MultiPolygon(g.boundary.clone())),
                ),
            ];
            let sql = upsert(
                tx.dialect(),
                "grids",
                &cols,
                &["plan_id", "source", "source_id"],
                true,
            );
            let id = tx
                .fetch_id(
                    &sql,
                    cols.into_iter().map(|(_, v)| v).collect(),
                    &format!("writing grid {:?}", g.code),
                )
                .await?
                .ok_or_else(|| StoreError::UnknownReference {
                    what: "grid",
                    reference: g.source_id.clone(),
                })?;
            if provisional {
                self.summary.provisional_grids += 1;
            } else {
                self.summary.grids.count(existed);
            }
            self.grids.insert(g.source_id.clone(), id);
            self.grid_plans.insert(id, plan);
        }
        Ok(())
    }

    async fn plan_of_grid(&mut self, tx: &mut Tx, grid: i64) -> Result<i64, StoreError> {
        if let Some(p) = self.grid_plans.get(&grid) {
            return Ok(*p);
        }
        let plan = tx
            .fetch_id(
                "SELECT plan_id FROM grids WHERE id = $1",
                vec![Val::int(grid)],
                "reading a grid",
            )
            .await?
            .ok_or_else(|| StoreError::UnknownReference {
                what: "grid",
                reference: format!("@{grid}"),
            })?;
        self.grid_plans.insert(grid, plan);
        Ok(plan)
    }

    async fn buildings(
        &mut self,
        tx: &mut Tx,
        records: &[BuildingRecord],
    ) -> Result<(), StoreError> {
        let existing = self.existing(tx, "buildings").await?;
        for b in records {
            let community = match &b.community {
                Some(c) => Some(resolve(&self.regions, c, "community")?),
                None => None,
            };
            let (households, estimated) = match b.households {
                Some(h) => (h.value(), h.is_estimated()),
                None => (0, true),
            };
            let id = self
                .upsert_sourced(
                    tx,
                    "buildings",
                    &b.source_id,
                    vec![
                        ("community_id", Val::Int(community)),
                        ("name", opt_text(&b.name)),
                        ("road", opt_text(&b.address.road)),
                        ("house_number", opt_text(&b.address.house_number)),
                        ("compound", opt_text(&b.address.compound)),
                        ("building_no", opt_text(&b.address.building_no)),
                        ("floors", opt_int(b.floors)),
                        ("height_m", Val::Real(b.height_m)),
                        ("units", opt_int(b.units)),
                        ("building_use", Val::text(b.building_use.as_ref())),
                        ("building_type", opt_text(&b.building_type)),
                        ("households", Val::int(households)),
                        ("households_estimated", Val::Bool(estimated)),
                        (
                            "geom",
                            Val::Geom(Geometry::MultiPolygon(b.footprint.clone())),
                        ),
                    ],
                )
                .await?;
            self.summary
                .buildings
                .count(existing.contains_key(&b.source_id));
            self.buildings.insert(b.source_id.clone(), id);
            if let Some(g) = &b.grid {
                let grid = resolve(&self.grids, g, "grid")?;
                let plan = self.plan_of_grid(tx, grid).await?;
                // A building keeps the grid a planner gave it: re-imports do not move it.
                tx.execute(
                    "INSERT INTO plan_assignments (plan_id, building_id, grid_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (plan_id, building_id) DO NOTHING",
                    vec![Val::int(plan), Val::int(id), Val::int(grid)],
                    "assigning a building to its grid",
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Moves stored buildings to their new community and gives buildings the grids the
    /// preparation chose, replacing their assignment in every published plan.
    async fn amend_buildings(
        &mut self,
        tx: &mut Tx,
        amendments: &Amendments,
    ) -> Result<(), StoreError> {
        let mut moves = Vec::with_capacity(amendments.building_communities.len());
        for (building, community) in &amendments.building_communities {
            moves.push((*building, resolve(&self.regions, community, "community")?));
        }
        amend::set_communities(tx, &moves).await?;
        let mut assignments = Vec::with_capacity(amendments.assignments.len());
        for (building, grid) in &amendments.assignments {
            let building = resolve(&self.buildings, building, "building")?;
            let grid = resolve(&self.grids, grid, "grid")?;
            let plan = self.plan_of_grid(tx, grid).await?;
            assignments.push((building, grid, plan));
        }
        amend::reassign(tx, &assignments).await?;
        amend::set_addresses(tx, &amendments.building_addresses).await?;
        self.summary.buildings_reassigned = assignments.len() as u64;
        Ok(())
    }

    async fn households(
        &mut self,
        tx: &mut Tx,
        records: &[HouseholdRecord],
    ) -> Result<(), StoreError> {
        let mut touched = BTreeSet::new();
        for h in records {
            let building = resolve(&self.buildings, &h.building, "building")?;
            let existed = tx
                .fetch_id(
                    "SELECT id FROM households WHERE building_id = $1 AND room = $2",
                    vec![Val::int(building), Val::text(&h.room)],
                    "reading households",
                )
                .await?
                .is_some();
            let cols = vec![
                ("building_id", Val::int(building)),
                ("room", Val::text(&h.room)),
                ("unit", opt_int(h.unit)),
                ("floor", opt_int(h.floor)),
                ("status", Val::text(h.status.as_ref())),
                ("residents", Val::int(h.residents)),
                ("floating", Val::int(h.floating)),
            ];
            let sql = upsert(
                tx.dialect(),
                "households",
                &cols,
                &["building_id", "room"],
                false,
            );
            tx.execute(
                &sql,
                cols.into_iter().map(|(_, v)| v).collect(),
                &format!(
                    "writing household {:?} of building {:?}",
                    h.room, h.building
                ),
            )
            .await?;
            self.summary.households.count(existed);
            touched.insert(building);
        }
        // A building with household records counts them: registered, no longer estimated.
        for building in touched {
            tx.execute(
                "UPDATE buildings SET households = (SELECT COUNT(*) FROM households h WHERE h.building_id = $1), \
                 households_estimated = $2 WHERE id = $1",
                vec![Val::int(building), Val::Bool(false)],
                "counting registered households",
            )
            .await?;
        }
        Ok(())
    }

    async fn people(&mut self, tx: &mut Tx, records: &[PersonRecord]) -> Result<(), StoreError> {
        let mut households: HashMap<(i64, String), i64> = HashMap::new();
        for p in records {
            let building = resolve(&self.buildings, &p.building, "building")?;
            let key = (building, p.room.clone());
            let household = match households.get(&key) {
                Some(h) => *h,
                None => {
                    let h = tx
                        .fetch_id(
                            "SELECT id FROM households WHERE building_id = $1 AND room = $2",
                            vec![Val::int(building), Val::text(&p.room)],
                            "finding a household",
                        )
                        .await?
                        .ok_or_else(|| StoreError::UnknownReference {
                            what: "household",
                            reference: format!("{} room {}", p.building, p.room),
                        })?;
                    households.insert(key, h);
                    h
                }
            };
            let existed = tx
                .fetch_id(
                    "SELECT id FROM people WHERE id_number = $1",
                    vec![Val::text(&p.id_number)],
                    "reading people",
                )
                .await?
                .is_some();
            let cols = vec![
                ("id_number", Val::text(&p.id_number)),
                ("household_id", Val::int(household)),
                ("name", Val::text(&p.name)),
                ("phone", opt_text(&p.phone)),
                ("sex", opt_text(&p.sex)),
                ("birth_year", opt_int(p.birth_year)),
                ("relation", opt_text(&p.relation)),
                ("residence_type", Val::text(p.residence_type.as_ref())),
                ("care_tags", Val::text(p.care_tags.join(";"))),
            ];
            let sql = upsert(tx.dialect(), "people", &cols, &["id_number"], false);
            tx.execute(
                &sql,
                cols.into_iter().map(|(_, v)| v).collect(),
                "writing a person",
            )
            .await?;
            self.summary.people.count(existed);
        }
        // Registered people are the truth about who lives in a household.
        let mut ids: Vec<i64> = households.into_values().collect();
        ids.sort_unstable();
        for h in ids {
            tx.execute(
                "UPDATE households SET \
                 residents = (SELECT COUNT(*) FROM people p WHERE p.household_id = $1), \
                 floating = (SELECT COUNT(*) FROM people p WHERE p.household_id = $1 AND p.residence_type = 'floating') \
                 WHERE id = $1",
                vec![Val::int(h)],
                "counting residents",
            )
            .await?;
        }
        Ok(())
    }

    async fn cameras(&mut self, tx: &mut Tx, records: &[CameraRecord]) -> Result<(), StoreError> {
        let existing = self.existing(tx, "cameras").await?;
        for c in records {
            self.upsert_sourced(
                tx,
                "cameras",
                &c.source_id,
                vec![
                    ("name", opt_text(&c.name)),
                    ("class", Val::Text(c.class.map(|k| k.to_string()))),
                    ("direction_deg", Val::Real(c.direction_deg)),
                    ("fov_deg", Val::Real(c.fov_deg)),
                    ("range_m", Val::Real(c.range_m)),
                    ("stream_url", opt_text(&c.stream_url)),
                    ("status", Val::text(c.status.as_ref())),
                    ("geom", Val::Geom(Geometry::Point(c.location))),
                ],
            )
            .await?;
            self.summary
                .cameras
                .count(existing.contains_key(&c.source_id));
        }
        Ok(())
    }

    async fn barriers(&mut self, tx: &mut Tx, records: &[BarrierRecord]) -> Result<(), StoreError> {
        let existing = self.existing(tx, "barriers").await?;
        for b in records {
            self.upsert_sourced(
                tx,
                "barriers",
                &b.source_id,
                vec![
                    ("kind", Val::text(b.kind.as_ref())),
                    ("class", Val::text(&b.class)),
                    ("name", opt_text(&b.name)),
                    ("grade", Val::text(b.grade.as_ref())),
                    (
                        "geom",
                        Val::Geom(Geometry::MultiLineString(b.geometry.clone())),
                    ),
                ],
            )
            .await?;
            self.summary
                .barriers
                .count(existing.contains_key(&b.source_id));
        }
        Ok(())
    }

    async fn addresses(
        &mut self,
        tx: &mut Tx,
        records: &[AddressPointRecord],
    ) -> Result<(), StoreError> {
        let existing = self.existing(tx, "address_points").await?;
        for a in records {
            let building = match &a.building {
                Some(b) => Some(resolve(&self.buildings, b, "building")?),
                None => None,
            };
            self.upsert_sourced(
                tx,
                "address_points",
                &a.source_id,
                vec![
                    ("building_id", Val::Int(building)),
                    ("road", opt_text(&a.address.road)),
                    ("house_number", opt_text(&a.address.house_number)),
                    ("compound", opt_text(&a.address.compound)),
                    ("building_no", opt_text(&a.address.building_no)),
                    ("geom", Val::Geom(Geometry::Point(a.location))),
                ],
            )
            .await?;
            self.summary
                .address_points
                .count(existing.contains_key(&a.source_id));
        }
        Ok(())
    }

    async fn workers(&mut self, tx: &mut Tx, records: &[WorkerRecord]) -> Result<(), StoreError> {
        let existing = self.existing(tx, "workers").await?;
        for wk in records {
            let id = self
                .upsert_sourced(
                    tx,
                    "workers",
                    &wk.source_id,
                    vec![
                        ("name", Val::text(&wk.name)),
                        ("phone", opt_text(&wk.phone)),
                        ("role", Val::text(wk.role.as_ref())),
                    ],
                )
                .await?;
            self.summary
                .workers
                .count(existing.contains_key(&wk.source_id));
            tx.execute(
                "DELETE FROM worker_grids WHERE worker_id = $1",
                vec![Val::int(id)],
                "replacing worker grids",
            )
            .await?;
            for g in &wk.grids {
                let grid = resolve(&self.grids, g, "grid")?;
                tx.execute(
                    "INSERT INTO worker_grids (worker_id, grid_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    vec![Val::int(id), Val::int(grid)],
                    "assigning a worker to a grid",
                )
                .await?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Deletes every row of every table in one transaction (the schema stays).
    pub async fn clear(&self) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for table in [
            "worker_grids",
            "workers",
            "people",
            "households",
            "address_points",
            "plan_unit_assignments",
            "plan_assignments",
            "grids",
            "plans",
            "buildings",
            "cameras",
            "barriers",
            "regions",
            "imports",
        ] {
            tx.execute(
                &format!("DELETE FROM {table}"),
                vec![],
                &format!("clearing {table}"),
            )
            .await?;
        }
        bump_revision(&mut tx, GRIDS_REVISION).await?;
        bump_revision(&mut tx, ADDRESSES_REVISION).await?;
        bump_layers(&mut tx, &Layer::ALL).await?;
        tx.commit().await
    }

    /// Replaces the boundary of a grid (checked to be a valid EPSG:4326 polygon) and bumps
    /// the grids revision, in one transaction.
    pub async fn update_grid_boundary(
        &self,
        grid_id: i64,
        boundary: &geo::MultiPolygon<f64>,
    ) -> Result<(), StoreError> {
        let geometry = Geometry::MultiPolygon(boundary.clone());
        crate::geometry::check_storable(&geometry).map_err(|e| StoreError::InvalidGeometry {
            what: format!("grid {grid_id}"),
            reason: e.to_string(),
        })?;
        let mut tx = self.begin().await?;
        let sql = format!(
            "UPDATE grids SET {} WHERE id = $6",
            tx.dialect().geom_set(1)
        );
        let changed = tx
            .execute(
                &sql,
                vec![Val::Geom(geometry), Val::int(grid_id)],
                "updating a grid boundary",
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::UnknownReference {
                what: "grid",
                reference: format!("@{grid_id}"),
            });
        }
        bump_revision(&mut tx, GRIDS_REVISION).await?;
        bump_layers(&mut tx, &[Layer::Grids]).await?;
        tx.commit().await
    }
}

/// The layers whose served content a dataset changes. Derived properties count: a
/// grid serves its buildings' household total, a building its grid and its household
/// count, a grid its workers.
fn dataset_layers(d: &Dataset) -> Vec<Layer> {
    let mut layers = BTreeSet::new();
    if !d.regions.is_empty() {
        layers.insert(Layer::Regions);
    }
    if !(d.grids.is_empty() && d.provisional_grids.is_empty()) {
        layers.extend([Layer::Grids, Layer::Buildings]);
    }
    if !d.buildings.is_empty() {
        layers.extend([Layer::Buildings, Layer::Grids]);
    }
    if !d.households.is_empty() {
        layers.extend([Layer::Households, Layer::Buildings, Layer::Grids]);
    }
    if !d.people.is_empty() {
        layers.insert(Layer::Households);
    }
    if !d.cameras.is_empty() {
        layers.insert(Layer::Cameras);
    }
    if !d.workers.is_empty() {
        layers.extend([Layer::Workers, Layer::Grids]);
    }
    if !d.amendments.is_empty() {
        layers.extend([Layer::Regions, Layer::Grids, Layer::Buildings]);
    }
    layers.into_iter().collect()
}

/// The revision that lookup indexes follow: grids, regions and workers.
pub const GRIDS_REVISION: &str = "grids";
/// The revision that the address book follows: buildings, address points, regions, grids.
pub const ADDRESSES_REVISION: &str = "addresses";

/// Increments a revision counter inside the caller's transaction.
pub(crate) async fn bump_revision(tx: &mut Tx, name: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE revisions SET value = value + 1 WHERE name = $1",
        vec![Val::text(name)],
        "bumping a revision",
    )
    .await?;
    Ok(())
}
