-- A workbook template (biểu mẫu) an obligation carries, and the figures read
-- from each unit's workbook made from it. The template's cells are read from
-- its file (under <data>/templates) when needed.
CREATE TABLE templates (
	obligation_id INTEGER PRIMARY KEY REFERENCES obligations(id),
	file_name     TEXT NOT NULL,
	stored_path   TEXT NOT NULL,
	form          TEXT NOT NULL,
	version       TEXT NOT NULL
);

CREATE TABLE figures (
	submission_id INTEGER NOT NULL REFERENCES submissions(id),
	name          TEXT NOT NULL,
	number        REAL NOT NULL DEFAULT 0,
	text          TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (submission_id, name)
);
