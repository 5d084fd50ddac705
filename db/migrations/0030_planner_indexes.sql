-- A tick plans at most what the sender can deliver before the next tick, so
-- when more is due it takes the earliest deadlines first. Walking this index
-- in order (deadline, then how long a notice has waited, then id) and
-- skipping what is not due yet finds a tick's share without sorting the
-- whole backlog: a fan-out of 100,000 units is planned 1,500 a minute, and
-- sorting what was left every minute cost more than the planning.
CREATE INDEX assignments_due_edf ON assignments(deadline_at, next_notice_at) WHERE next_notice_at IS NOT NULL;

-- The Office's daily digest counts and lists what is overdue: without this
-- it read every assignment ever created, in the busiest minute of the day.
CREATE INDEX assignments_overdue ON assignments(deadline_at) WHERE status IN ('open', 'returned');
