-- The group's weekly digest counts, for each period due in the next 14 days,
-- the units that owe it and those that handed in. Counting from these
-- indexes reads each period's index entries in order, and only the few
-- closed units, instead of looking every assignment's unit up.
CREATE INDEX assignments_period_status ON assignments(period_id, status);
CREATE INDEX units_closed ON units(id) WHERE closed_at IS NOT NULL;
