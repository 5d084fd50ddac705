-- An ad-hoc request (báo cáo đột xuất) is a one-off obligation created from
-- chat or the command line, with the official letter that asked for it.
-- The letter's file lives under <data>/letters.
CREATE TABLE requests (
	obligation_id INTEGER PRIMARY KEY REFERENCES obligations(id),
	letter_name   TEXT NOT NULL,
	letter_path   TEXT NOT NULL,
	letter_size   INTEGER NOT NULL,
	letter_sha256 TEXT NOT NULL,
	created_by    INTEGER REFERENCES members(id),
	created_at    INTEGER NOT NULL
);
