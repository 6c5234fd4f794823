-- A counter per kind of data that in-memory indexes follow: every write transaction that
-- changes grids, regions or workers bumps 'grids', so a running server rebuilds its
-- lookup index even when the write came from another process (a CLI import).
CREATE TABLE revisions (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO revisions (name, value) VALUES ('grids', 0);
