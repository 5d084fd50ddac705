-- Which set of units a future period's assignments were last made for (a
-- hash of their ids): the daily upkeep skips the periods whose units did not
-- change instead of checking every unit's assignment in every period, which
-- took seconds at 100,000 units. Empty means never recorded: checked once.
ALTER TABLE periods ADD COLUMN units_sig TEXT NOT NULL DEFAULT '';
