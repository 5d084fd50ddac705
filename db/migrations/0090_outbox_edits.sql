-- The outbox also carries edits and pins of messages already in a chat, and
-- a private chat's command menu, so
-- every Telegram call a decision causes commits with it and gets the
-- sender's pacing and retries. SQLite cannot change a CHECK constraint in
-- place: the table is rebuilt with the new kinds. reply_to names the message
-- an edit or pin acts on; target_outbox_id, when set, names it by the outbox
-- row that sent it (a message queued in the same breath, whose Telegram id is
-- not known yet).
CREATE TABLE outbox_new (
	id               INTEGER PRIMARY KEY,
	dedupe_key       TEXT NOT NULL UNIQUE,
	chat_id          INTEGER NOT NULL,
	thread_id        INTEGER NOT NULL DEFAULT 0,
	member_id        INTEGER REFERENCES members(id),
	kind             TEXT NOT NULL DEFAULT 'text'
	                 CHECK (kind IN ('text', 'document', 'photo', 'copy', 'edit_text', 'edit_markup', 'pin', 'menu')),
	text             TEXT NOT NULL DEFAULT '',
	parse_mode       TEXT NOT NULL DEFAULT '',
	markup           TEXT NOT NULL DEFAULT '',
	reply_to         INTEGER NOT NULL DEFAULT 0,
	file_path        TEXT NOT NULL DEFAULT '',
	file_name        TEXT NOT NULL DEFAULT '',
	copy_chat_id     INTEGER NOT NULL DEFAULT 0,
	copy_message_id  INTEGER NOT NULL DEFAULT 0,
	purpose          TEXT NOT NULL DEFAULT '',
	ref_id           INTEGER NOT NULL DEFAULT 0,
	status           TEXT NOT NULL DEFAULT 'pending'
	                 CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
	attempts         INTEGER NOT NULL DEFAULT 0,
	not_before       INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	sent_at          INTEGER,
	message_id       INTEGER NOT NULL DEFAULT 0,
	error            TEXT NOT NULL DEFAULT '',
	expires_at       INTEGER NOT NULL DEFAULT 0,
	sensitive        INTEGER NOT NULL DEFAULT 0,
	claimed_by       TEXT NOT NULL DEFAULT '',
	claimed_until    INTEGER NOT NULL DEFAULT 0,
	target_outbox_id INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_new (id, dedupe_key, chat_id, thread_id, member_id, kind, text, parse_mode, markup, reply_to,
	file_path, file_name, copy_chat_id, copy_message_id, purpose, ref_id, status, attempts, not_before, created_at,
	sent_at, message_id, error, expires_at, sensitive, claimed_by, claimed_until)
SELECT id, dedupe_key, chat_id, thread_id, member_id, kind, text, parse_mode, markup, reply_to,
	file_path, file_name, copy_chat_id, copy_message_id, purpose, ref_id, status, attempts, not_before, created_at,
	sent_at, message_id, error, expires_at, sensitive, claimed_by, claimed_until
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(not_before, id) WHERE status = 'pending';
CREATE INDEX outbox_purpose ON outbox(purpose, ref_id);
