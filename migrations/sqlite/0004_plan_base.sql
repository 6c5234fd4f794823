-- The published plan a draft was computed against: publishing checks it is still the
-- published one, so two planners cannot publish over each other unknowingly.
ALTER TABLE plans ADD COLUMN base_plan_id integer REFERENCES plans (id);
