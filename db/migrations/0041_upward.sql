-- The department's own report upward, built from an obligation's reports:
-- who receives it and how many working days after the units' deadline it
-- is due (from the plan), and per period when the Office drafted it and
-- what it sent (số, ký hiệu, date and optionally the file).
CREATE TABLE upward_reports (
	obligation_id      INTEGER PRIMARY KEY REFERENCES obligations(id),
	recipients         TEXT NOT NULL,
	working_days_after INTEGER NOT NULL
);

CREATE TABLE upward_periods (
	period_id  INTEGER PRIMARY KEY REFERENCES periods(id),
	drafted_at INTEGER,
	number     TEXT NOT NULL DEFAULT '',
	doc_date   INTEGER,
	file_name  TEXT NOT NULL DEFAULT '',
	file_path  TEXT NOT NULL DEFAULT '',
	sent_by    INTEGER REFERENCES members(id),
	sent_at    INTEGER
);
