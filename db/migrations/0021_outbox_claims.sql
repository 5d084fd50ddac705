-- A sender claims the messages it is about to send for a while, so a second
-- sender on the same database (which the data folder's lock should already
-- prevent) cannot send them too.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
