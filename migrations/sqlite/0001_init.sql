-- wangge schema, embedded SQLite (the default when no database URL is given).
-- Same tables as migrations/postgres; geometry is stored as WKB in EPSG:4326 and
-- minx/miny/maxx/maxy hold its envelope. Validity is checked by wangge before writing.

CREATE TABLE regions (
    id        INTEGER PRIMARY KEY,
    parent_id integer REFERENCES regions (id),
    level     text NOT NULL CHECK (level IN ('district', 'street', 'community')),
    name      text NOT NULL,
    code      text UNIQUE,
    source    text NOT NULL,
    source_id text NOT NULL,
    geom      BLOB NOT NULL,
    minx real NOT NULL, miny real NOT NULL,
    maxx real NOT NULL, maxy real NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX regions_bbox ON regions (minx, miny, maxx, maxy);
CREATE INDEX regions_parent ON regions (parent_id);

CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    community_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    parameters   text NOT NULL DEFAULT '{}',
    metrics      text NOT NULL DEFAULT '{}',
    author       text NOT NULL,
    created_at   text NOT NULL,
    published_at text
);
-- At most one published plan per community.
CREATE UNIQUE INDEX plans_one_published ON plans (community_id) WHERE status = 'published';

CREATE TABLE grids (
    id           INTEGER PRIMARY KEY,
    plan_id      integer NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    community_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    code         text NOT NULL,
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('standard', 'virtual', 'rural')),
    provisional  integer NOT NULL DEFAULT 0,
    source       text NOT NULL,
    source_id    text NOT NULL,
    geom         BLOB NOT NULL,
    minx real NOT NULL, miny real NOT NULL,
    maxx real NOT NULL, maxy real NOT NULL,
    UNIQUE (plan_id, code),
    UNIQUE (plan_id, source, source_id)
);
CREATE INDEX grids_bbox ON grids (minx, miny, maxx, maxy);
CREATE INDEX grids_community ON grids (community_id);

CREATE TABLE buildings (
    id                   INTEGER PRIMARY KEY,
    community_id         integer REFERENCES regions (id) ON DELETE SET NULL,
    source               text NOT NULL,
    source_id            text NOT NULL,
    name                 text,
    road                 text,
    house_number         text,
    compound             text,
    building_no          text,
    floors               integer CHECK (floors > 0),
    height_m             real CHECK (height_m > 0),
    units                integer CHECK (units > 0),
    building_use         text NOT NULL CHECK (building_use IN ('residential', 'mixed', 'commercial', 'public', 'industrial', 'other')),
    building_type        text,
    households           integer NOT NULL CHECK (households >= 0),
    households_estimated integer NOT NULL,
    geom                 BLOB NOT NULL,
    minx real NOT NULL, miny real NOT NULL,
    maxx real NOT NULL, maxy real NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX buildings_bbox ON buildings (minx, miny, maxx, maxy);
CREATE INDEX buildings_community ON buildings (community_id);

-- One grid per building per plan.
CREATE TABLE plan_assignments (
    plan_id     integer NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    building_id integer NOT NULL REFERENCES buildings (id) ON DELETE CASCADE,
    grid_id     integer NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_id, building_id)
);
CREATE INDEX plan_assignments_grid ON plan_assignments (grid_id);

CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    building_id integer NOT NULL REFERENCES buildings (id) ON DELETE CASCADE,
    unit        integer,
    floor       integer,
    room        text NOT NULL,
    status      text NOT NULL CHECK (status IN ('owner_occupied', 'rented', 'vacant')),
    residents   integer NOT NULL CHECK (residents >= 0),
    floating    integer NOT NULL CHECK (floating >= 0 AND floating <= residents),
    UNIQUE (building_id, room)
);

CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    household_id   integer NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    name           text NOT NULL,
    id_number      text NOT NULL UNIQUE,
    phone          text,
    sex            text CHECK (sex IN ('M', 'F')),
    birth_year     integer,
    relation       text,
    residence_type text NOT NULL CHECK (residence_type IN ('registered', 'floating')),
    care_tags      text NOT NULL DEFAULT ''
);
CREATE INDEX people_household ON people (household_id);

CREATE TABLE cameras (
    id            INTEGER PRIMARY KEY,
    source        text NOT NULL,
    source_id     text NOT NULL,
    name          text,
    class         text CHECK (class IN ('high_crime', 'traffic_node', 'crowd_gathering', 'key_institution', 'special_trade')),
    direction_deg real CHECK (direction_deg >= 0 AND direction_deg < 360),
    fov_deg       real CHECK (fov_deg > 0 AND fov_deg <= 360),
    range_m       real CHECK (range_m > 0),
    stream_url    text,
    status        text NOT NULL CHECK (status IN ('online', 'offline', 'fault', 'unknown')),
    geom          BLOB NOT NULL,
    minx real NOT NULL, miny real NOT NULL,
    maxx real NOT NULL, maxy real NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX cameras_bbox ON cameras (minx, miny, maxx, maxy);

CREATE TABLE workers (
    id        INTEGER PRIMARY KEY,
    source    text NOT NULL,
    source_id text NOT NULL,
    name      text NOT NULL,
    phone     text,
    role      text NOT NULL CHECK (role IN ('grid_manager', 'assistant', 'police_officer', 'supervisor', 'party_secretary', 'judicial_officer', 'firefighter')),
    UNIQUE (source, source_id)
);

CREATE TABLE worker_grids (
    worker_id integer NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    grid_id   integer NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    PRIMARY KEY (worker_id, grid_id)
);

CREATE TABLE barriers (
    id        INTEGER PRIMARY KEY,
    source    text NOT NULL,
    source_id text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('road', 'railway', 'waterway')),
    class     text NOT NULL,
    name      text,
    geom      BLOB NOT NULL,
    minx real NOT NULL, miny real NOT NULL,
    maxx real NOT NULL, maxy real NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX barriers_bbox ON barriers (minx, miny, maxx, maxy);

CREATE TABLE address_points (
    id           INTEGER PRIMARY KEY,
    source       text NOT NULL,
    source_id    text NOT NULL,
    building_id  integer REFERENCES buildings (id) ON DELETE SET NULL,
    road         text,
    house_number text,
    compound     text,
    building_no  text,
    geom         BLOB NOT NULL,
    minx real NOT NULL, miny real NOT NULL,
    maxx real NOT NULL, maxy real NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX address_points_bbox ON address_points (minx, miny, maxx, maxy);

-- One row per successful import, for the history of the data.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        text NOT NULL,
    source      text NOT NULL,
    path        text NOT NULL,
    finished_at text NOT NULL,
    summary     text NOT NULL
);

-- The grids in force: those of each community's published plan (for QGIS and SQL users).
CREATE VIEW current_grids AS
    SELECT g.* FROM grids g JOIN plans p ON p.id = g.plan_id WHERE p.status = 'published';
