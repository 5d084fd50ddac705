-- A message that is only worth sending until some moment (a reminder stage
-- made stale by the next stage or the deadline) carries that moment, so a
-- message held back by an outage is skipped rather than sent late.
ALTER TABLE outbox ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
