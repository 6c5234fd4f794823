-- Per-layer versions for HTTP caching (ETag) and vector tiles: every write transaction
-- bumps the version of each layer whose served content it changes, in the same
-- transaction as the write. 'epoch' is drawn once per database so that two databases
-- at the same versions never produce the same ETag.
INSERT OR IGNORE INTO revisions (name, value) VALUES
    ('layer:regions', 0), ('layer:grids', 0), ('layer:buildings', 0),
    ('layer:households', 0), ('layer:cameras', 0), ('layer:workers', 0),
    ('epoch', abs(random() % 1000000000000000));
