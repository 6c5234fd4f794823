-- Where a barrier line runs against the ground: at grade it separates grids, on a bridge
-- it is a crossing, underground (tunnel, covered, negative layer) it separates nothing.
ALTER TABLE barriers ADD COLUMN grade text NOT NULL DEFAULT 'ground'
    CHECK (grade IN ('ground', 'bridge', 'underground'));
