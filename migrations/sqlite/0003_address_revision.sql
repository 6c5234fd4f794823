-- The address book (geocoder) follows buildings, address points, regions and grid
-- assignments: writes to those bump 'addresses'.
INSERT INTO revisions (name, value) VALUES ('addresses', 0);
