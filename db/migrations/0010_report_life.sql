-- A head's word that the report went in on paper, waiting for the Office to
-- confirm it holds the paper: the assignment's "paper announced" state. The
-- Office's confirmation records a submission and drops the row.
CREATE TABLE paper_claims (
	assignment_id INTEGER PRIMARY KEY REFERENCES assignments(id),
	member_id     INTEGER NOT NULL REFERENCES members(id),
	claimed_at    INTEGER NOT NULL
);

-- Files a member sent that wait for them to say which report they are for.
-- One row per file (or album), so two files sent before the first answer
-- each keep their own question and neither replaces the other.
CREATE TABLE kept_files (
	id          INTEGER PRIMARY KEY,
	telegram_id INTEGER NOT NULL,
	chat_id     INTEGER NOT NULL,
	data        TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX kept_files_member ON kept_files(telegram_id, chat_id);

-- A member removed, or given another role or unit, loses every question the
-- bot asked them: an answer typed later must not act with rights they no
-- longer have.
CREATE TRIGGER member_changed_drops_questions AFTER UPDATE OF removed_at, role, unit_id ON members
WHEN OLD.removed_at IS NOT NEW.removed_at OR OLD.role IS NOT NEW.role OR OLD.unit_id IS NOT NEW.unit_id
BEGIN
	DELETE FROM pending_inputs WHERE telegram_id = NEW.telegram_id;
	DELETE FROM kept_files WHERE telegram_id = NEW.telegram_id;
END;
