-- A building above the ceiling split by unit (单元): each unit of the building and the grid
-- holding it in a plan. The building's own row in plan_assignments stays (its cell belongs
-- to the grid of its first unit group); each further unit group is a grid whose boundary
-- is the same building cell, the only grids allowed to overlap.
CREATE TABLE plan_unit_assignments (
    plan_id     bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    building_id bigint NOT NULL REFERENCES buildings (id) ON DELETE CASCADE,
    unit        integer NOT NULL,
    grid_id     bigint NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_id, building_id, unit)
);
CREATE INDEX plan_unit_assignments_grid ON plan_unit_assignments (grid_id);

-- The unit assignments in force: those of each community's published plan.
CREATE VIEW current_unit_assignments AS
    SELECT u.* FROM plan_unit_assignments u JOIN plans p ON p.id = u.plan_id
    WHERE p.status = 'published';
