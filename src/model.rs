//! The domain model of PRODUCT.md §2: the vocabulary every other module speaks.
//!
//! Owns the enumerations (levels, kinds, roles, statuses) and the *records* an import or
//! the demo generator hands to the store. Records reference each other by **source id**
//! (an id meaningful in their source, such as OSM's `w123`), never by database id: the
//! store resolves them inside the import transaction. This module calls nothing else.

use geo::{MultiLineString, MultiPolygon, Point};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

/// Implements the textual form used in the database, the API and the CLI (snake_case).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
                 Display, EnumString, AsRefStr, IntoStaticStr, VariantArray)]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
    };
}

vocabulary! {
    /// Administrative level of a region.
    RegionLevel {
        /// 区县
        District,
        /// 街道 / 乡镇
        Street,
        /// 社区 / 村
        Community,
    }
}

vocabulary! {
    /// Kind of grid: urban standard grid, virtual grid (an enterprise, a school), rural grid (a village).
    GridKind { Standard, Virtual, Rural }
}

vocabulary! {
    /// Main use of a building.
    BuildingUse { Residential, Mixed, Commercial, Public, Industrial, Other }
}

vocabulary! {
    /// Occupancy status of a household.
    HouseholdStatus { OwnerOccupied, Rented, Vacant }
}

vocabulary! {
    /// The five priority classes by which cameras are placed.
    CameraClass {
        /// 治安复杂、发案率高的区域
        HighCrime,
        /// 重点交通节点
        TrafficNode,
        /// 人员密集场所
        CrowdGathering,
        /// 重点企事业单位
        KeyInstitution,
        /// 特种行业
        SpecialTrade,
    }
}

vocabulary! {
    /// Operating status of a camera.
    CameraStatus { Online, Offline, Fault, Unknown }
}

vocabulary! {
    /// The "seven forces" serving a grid.
    WorkerRole { GridManager, Assistant, PoliceOfficer, Supervisor, PartySecretary, JudicialOfficer, Firefighter }
}

vocabulary! {
    /// Role of a wangge user (who logs in), deciding what they may do; see `crate::auth`.
    UserRole { Administrator, Planner, CommandStaff, GridWorker, Viewer }
}

vocabulary! {
    /// Life cycle of a plan (a building → grid assignment of one community).
    PlanStatus { Draft, Published, Retired }
}

vocabulary! {
    /// What a barrier line is.
    BarrierKind { Road, Railway, Waterway }
}

vocabulary! {
    /// Where a barrier line runs against the ground. At grade it separates what lies on
    /// either side; on a bridge it is a crossing of what it spans; underground (a tunnel,
    /// a covered or buried line, a negative layer) it separates nothing on the ground.
    BarrierGrade { Ground, Bridge, Underground }
}

vocabulary! {
    /// Residence type of a person: registered (户籍) or floating population (流动人口).
    ResidenceType { Registered, Floating }
}

/// A standard address as written in China: road + number + 号, compound, building number.
/// Every part is optional because real data is incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Road or street name (路/街/巷, or a Latin street name).
    pub road: Option<String>,
    /// House number on the road (门牌号), without the 号.
    pub house_number: Option<String>,
    /// Residential compound (小区) name.
    pub compound: Option<String>,
    /// Building number inside the compound (栋/幢/号楼), without the suffix.
    pub building_no: Option<String>,
}

impl Address {
    /// True when no part is known.
    pub fn is_empty(&self) -> bool {
        self.road.is_none()
            && self.house_number.is_none()
            && self.compound.is_none()
            && self.building_no.is_none()
    }

    /// Fills parts that are missing here from `other`.
    pub fn fill_from(&mut self, other: &Address) {
        fn fill(a: &mut Option<String>, b: &Option<String>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        fill(&mut self.road, &other.road);
        fill(&mut self.house_number, &other.house_number);
        fill(&mut self.compound, &other.compound);
        fill(&mut self.building_no, &other.building_no);
    }
}

/// Where a building's household count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdCount {
    /// Counted from the household register.
    Registered(i32),
    /// Estimated from floor area (see `import::estimate`).
    Estimated(i32),
}

impl HouseholdCount {
    /// The number, whatever its origin.
    pub fn value(self) -> i32 {
        match self {
            HouseholdCount::Registered(n) | HouseholdCount::Estimated(n) => n,
        }
    }
    /// True for an estimate.
    pub fn is_estimated(self) -> bool {
        matches!(self, HouseholdCount::Estimated(_))
    }
}

/// A district, street or community to be stored.
#[derive(Debug, Clone)]
pub struct RegionRecord {
    pub source_id: String,
    /// Source id of the parent region, in the same dataset or already stored.
    pub parent: Option<String>,
    pub level: RegionLevel,
    pub name: String,
    /// Administrative code (统计用区划代码) when known.
    pub code: Option<String>,
    pub boundary: MultiPolygon<f64>,
}

/// A grid to be stored, part of the community's published plan.
#[derive(Debug, Clone)]
pub struct GridRecord {
    pub source_id: String,
    /// Source id of the community.
    pub community: String,
    /// Community code + 3 digits.
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub boundary: MultiPolygon<f64>,
}

/// A building to be stored.
#[derive(Debug, Clone)]
pub struct BuildingRecord {
    pub source_id: String,
    /// Source id of the community; `None` lets the import assign it by location.
    pub community: Option<String>,
    /// Source id of the grid; `None` lets the import assign it by location.
    pub grid: Option<String>,
    pub footprint: MultiPolygon<f64>,
    pub name: Option<String>,
    pub address: Address,
    pub floors: Option<i32>,
    pub height_m: Option<f64>,
    pub units: Option<i32>,
    pub building_use: BuildingUse,
    /// The raw building type of the source (OSM `building=*` value), used by estimation.
    pub building_type: Option<String>,
    /// `None` asks the import to estimate.
    pub households: Option<HouseholdCount>,
}

/// A household to be stored.
#[derive(Debug, Clone)]
pub struct HouseholdRecord {
    /// Source id of the building.
    pub building: String,
    pub unit: Option<i32>,
    pub floor: Option<i32>,
    /// Room label such as `3-2-501` or `501`; unique within its building.
    pub room: String,
    pub status: HouseholdStatus,
    pub residents: i32,
    pub floating: i32,
}

/// A person to be stored (personal data, PRODUCT.md §3.7).
#[derive(Debug, Clone)]
pub struct PersonRecord {
    /// Source id of the building of the household.
    pub building: String,
    /// Room of the household in that building.
    pub room: String,
    pub name: String,
    /// Resident ID number; the person's natural key.
    pub id_number: String,
    pub phone: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    pub birth_year: Option<i32>,
    /// Relation to the head of household (户主, 配偶, 子女 ...).
    pub relation: Option<String>,
    pub residence_type: ResidenceType,
    /// Care tags (独居老人, 留守儿童, 残疾人 ...).
    pub care_tags: Vec<String>,
}

/// A camera to be stored.
#[derive(Debug, Clone)]
pub struct CameraRecord {
    pub source_id: String,
    pub location: Point<f64>,
    pub name: Option<String>,
    pub class: Option<CameraClass>,
    /// Viewing direction in degrees clockwise from north.
    pub direction_deg: Option<f64>,
    /// Horizontal field of view in degrees.
    pub fov_deg: Option<f64>,
    pub range_m: Option<f64>,
    pub stream_url: Option<String>,
    pub status: CameraStatus,
}

/// A worker to be stored with the grids they serve.
#[derive(Debug, Clone)]
pub struct WorkerRecord {
    pub source_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub role: WorkerRole,
    /// Source ids of the grids served.
    pub grids: Vec<String>,
}

/// A barrier line (road, railway, waterway) used by balancing.
#[derive(Debug, Clone)]
pub struct BarrierRecord {
    pub source_id: String,
    pub kind: BarrierKind,
    /// Source class, e.g. `primary`, `river`, `rail`.
    pub class: String,
    pub name: Option<String>,
    /// At grade, on a bridge or underground.
    pub grade: BarrierGrade,
    pub geometry: MultiLineString<f64>,
}

/// An address point (OSM address node, geocoding source).
#[derive(Debug, Clone)]
pub struct AddressPointRecord {
    pub source_id: String,
    pub location: Point<f64>,
    pub address: Address,
    /// Source id of the building it belongs to, when known; else matched by location.
    pub building: Option<String>,
}

/// Everything one import or the demo generator brings, before it is written in one
/// transaction. `source` names where it comes from (`osm`, `demo`, a GeoJSON layer).
///
/// A reference between records (a building's community, a household's building ...) is
/// either the source id of a record of the same source, or `@ID` for an entity already
/// stored with database id `ID`.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub source: String,
    pub regions: Vec<RegionRecord>,
    pub grids: Vec<GridRecord>,
    pub buildings: Vec<BuildingRecord>,
    pub households: Vec<HouseholdRecord>,
    pub people: Vec<PersonRecord>,
    pub cameras: Vec<CameraRecord>,
    pub workers: Vec<WorkerRecord>,
    pub barriers: Vec<BarrierRecord>,
    pub addresses: Vec<AddressPointRecord>,
    /// Grids the import adds to cover communities that have none yet (stored as provisional).
    pub provisional_grids: Vec<GridRecord>,
    /// Changes to rows already stored (of any source), worked out when the dataset is
    /// prepared: how the new records fit what is there.
    pub amendments: Amendments,
}

/// Changes an import makes to rows already stored, so that its records fit them: the
/// street grows to cover the import, the unassigned area shrinks when communities arrive,
/// provisional grids give way to real ones and buildings follow. References are as in
/// [`Dataset`]: a source id of this dataset or `@ID`.
#[derive(Debug, Clone, Default)]
pub struct Amendments {
    /// Stored regions whose boundary changes: (database id, new boundary).
    pub region_boundaries: Vec<(i64, MultiPolygon<f64>)>,
    /// Stored grids whose boundary changes (the provisional grid of an unassigned area).
    pub grid_boundaries: Vec<(i64, MultiPolygon<f64>)>,
    /// Stored provisional grids removed from their published plan because real grids
    /// arrived for their community.
    pub retired_grids: Vec<i64>,
    /// Stored buildings that move to another community (out of an unassigned area into
    /// a community of this import): (building id, community reference).
    pub building_communities: Vec<(i64, String)>,
    /// Building → grid in the grid's published plan, replacing the building's current
    /// assignment in every published plan: (building reference, grid reference).
    pub assignments: Vec<(String, String)>,
    /// Stored buildings whose missing address parts an address point of this import fills.
    pub building_addresses: Vec<(i64, Address)>,
}

impl Amendments {
    /// True when no stored row changes.
    pub fn is_empty(&self) -> bool {
        self.region_boundaries.is_empty()
            && self.grid_boundaries.is_empty()
            && self.retired_grids.is_empty()
            && self.building_communities.is_empty()
            && self.assignments.is_empty()
            && self.building_addresses.is_empty()
    }
}

impl Dataset {
    /// An empty dataset from `source`.
    pub fn new(source: impl Into<String>) -> Self {
        Dataset {
            source: source.into(),
            ..Default::default()
        }
    }
}
