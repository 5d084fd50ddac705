-- A tick plans at most what the sender can deliver before the next tick, so
-- when more is due it takes the earliest deadlines first. This index answers
-- "due now, earliest deadline first" from the index alone; it also serves
-- every query the next_notice_at index served, which it replaces (one index
-- fewer to update for each of a busy tick's reschedules).
CREATE INDEX assignments_due_deadline ON assignments(next_notice_at, deadline_at) WHERE next_notice_at IS NOT NULL;
DROP INDEX assignments_next_notice;

-- The Office's daily digest counts and lists what is overdue: without this
-- it read every assignment ever created, in the busiest minute of the day.
CREATE INDEX assignments_overdue ON assignments(deadline_at) WHERE status IN ('open', 'returned');
