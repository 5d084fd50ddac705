-- The whole model. Times are INTEGER unix seconds (UTC by definition); the plan's
-- zone is applied only when a time is shown. Applied files are never edited: a
-- change to the model is a new numbered file.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE units (
	id        INTEGER PRIMARY KEY,
	code      TEXT NOT NULL UNIQUE,
	name      TEXT NOT NULL,
	name_en   TEXT NOT NULL DEFAULT '',
	closed_at INTEGER
);

-- One active membership per Telegram user; a removed member keeps the row so
-- the audit log and submissions still name them.
CREATE TABLE members (
	id             INTEGER PRIMARY KEY,
	telegram_id    INTEGER NOT NULL,
	name           TEXT NOT NULL DEFAULT '',
	username       TEXT NOT NULL DEFAULT '',
	unit_id        INTEGER REFERENCES units(id),
	role           TEXT NOT NULL CHECK (role IN ('head', 'member', 'office', 'admin', 'director')),
	lang           TEXT NOT NULL DEFAULT '',
	joined_at      INTEGER NOT NULL,
	removed_at     INTEGER,
	unreachable_at INTEGER
);
CREATE UNIQUE INDEX members_active ON members(telegram_id) WHERE removed_at IS NULL;
CREATE INDEX members_unit ON members(unit_id) WHERE removed_at IS NULL;

-- Only the SHA-256 of a token is kept: a stolen database gives no usable invite.
CREATE TABLE invites (
	id         INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	unit_id    INTEGER REFERENCES units(id),
	role       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	used_at    INTEGER,
	used_by    INTEGER REFERENCES members(id)
);

-- The chats the bot speaks in besides private ones: the Office chat and the
-- announcement group (optionally a forum topic in it).
CREATE TABLE chats (
	kind      TEXT PRIMARY KEY CHECK (kind IN ('office', 'group')),
	chat_id   INTEGER NOT NULL,
	thread_id INTEGER NOT NULL DEFAULT 0,
	title     TEXT NOT NULL DEFAULT '',
	bound_by  INTEGER REFERENCES members(id),
	bound_at  INTEGER NOT NULL
);

CREATE TABLE obligations (
	id              INTEGER PRIMARY KEY,
	code            TEXT NOT NULL UNIQUE,
	title           TEXT NOT NULL,
	title_en        TEXT NOT NULL DEFAULT '',
	basis           TEXT NOT NULL DEFAULT '',
	rule            TEXT NOT NULL,
	cover           TEXT NOT NULL,
	due_hour        INTEGER NOT NULL,
	due_minute      INTEGER NOT NULL,
	offsets         TEXT NOT NULL,
	fixed_deadline  INTEGER NOT NULL DEFAULT 0,
	announce        INTEGER NOT NULL DEFAULT 1,
	summary         INTEGER NOT NULL DEFAULT 1,
	name_late_units INTEGER NOT NULL DEFAULT 1,
	updated_at      INTEGER NOT NULL,
	closed_at       INTEGER
);

CREATE TABLE obligation_units (
	obligation_id INTEGER NOT NULL REFERENCES obligations(id),
	unit_id       INTEGER NOT NULL REFERENCES units(id),
	PRIMARY KEY (obligation_id, unit_id)
);

-- A period is one occurrence of an obligation ("6 tháng đầu năm 2026").
-- due_at is the nominal deadline; deadline_at is after the day-off rule.
CREATE TABLE periods (
	id            INTEGER PRIMARY KEY,
	obligation_id INTEGER NOT NULL REFERENCES obligations(id),
	key           TEXT NOT NULL,
	start_at      INTEGER NOT NULL DEFAULT 0,
	end_at        INTEGER NOT NULL DEFAULT 0,
	due_at        INTEGER NOT NULL,
	deadline_at   INTEGER NOT NULL,
	moved_reason  TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	UNIQUE (obligation_id, key)
);
CREATE INDEX periods_deadline ON periods(deadline_at);

-- What one unit owes for one period. deadline_at starts as the period's and
-- moves only for this unit when an extension is approved. next_notice_at lets
-- a planner tick touch only the assignments that have something due.
CREATE TABLE assignments (
	id             INTEGER PRIMARY KEY,
	period_id      INTEGER NOT NULL REFERENCES periods(id),
	unit_id        INTEGER NOT NULL REFERENCES units(id),
	status         TEXT NOT NULL DEFAULT 'open'
	               CHECK (status IN ('open', 'submitted', 'accepted', 'returned')),
	deadline_at    INTEGER NOT NULL,
	next_notice_at INTEGER,
	snoozed_until  INTEGER,
	submitted_at   INTEGER,
	closed_at      INTEGER,
	UNIQUE (period_id, unit_id)
);
CREATE INDEX assignments_next_notice ON assignments(next_notice_at) WHERE next_notice_at IS NOT NULL;
CREATE INDEX assignments_unit ON assignments(unit_id);

-- Everything Telegram-bound waits here until Telegram accepted it, so nothing
-- that must reach a person lives only in memory. dedupe_key makes every
-- producer idempotent.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	dedupe_key      TEXT NOT NULL UNIQUE,
	chat_id         INTEGER NOT NULL,
	thread_id       INTEGER NOT NULL DEFAULT 0,
	member_id       INTEGER REFERENCES members(id),
	kind            TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'document', 'photo', 'copy')),
	text            TEXT NOT NULL DEFAULT '',
	parse_mode      TEXT NOT NULL DEFAULT '',
	markup          TEXT NOT NULL DEFAULT '',
	reply_to        INTEGER NOT NULL DEFAULT 0,
	file_path       TEXT NOT NULL DEFAULT '',
	file_name       TEXT NOT NULL DEFAULT '',
	copy_chat_id    INTEGER NOT NULL DEFAULT 0,
	copy_message_id INTEGER NOT NULL DEFAULT 0,
	purpose         TEXT NOT NULL DEFAULT '',
	ref_id          INTEGER NOT NULL DEFAULT 0,
	status          TEXT NOT NULL DEFAULT 'pending'
	                CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	not_before      INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER,
	message_id      INTEGER NOT NULL DEFAULT 0,
	error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(not_before, id) WHERE status = 'pending';
CREATE INDEX outbox_purpose ON outbox(purpose, ref_id);

-- Which bot message was about which assignment: a head's reply to a reminder
-- tells the bot what the file is for.
CREATE TABLE message_refs (
	chat_id    INTEGER NOT NULL,
	message_id INTEGER NOT NULL,
	purpose    TEXT NOT NULL,
	ref_id     INTEGER NOT NULL,
	PRIMARY KEY (chat_id, message_id)
);

CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	member_id   INTEGER REFERENCES members(id),
	telegram_id INTEGER NOT NULL DEFAULT 0,
	action      TEXT NOT NULL,
	subject     TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);

-- The update inbox: an update is stored before Telegram's offset may move past
-- it, and handled from here. The primary key deduplicates redeliveries.
CREATE TABLE updates (
	update_id   INTEGER PRIMARY KEY,
	chat_id     INTEGER NOT NULL DEFAULT 0,
	payload     BLOB NOT NULL,
	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
	received_at INTEGER NOT NULL,
	handled_at  INTEGER,
	error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX updates_pending ON updates(update_id) WHERE status = 'pending';

-- A submission is one version of a unit's report for an assignment; receipt
-- numbers run per year like an incoming-document register.
CREATE TABLE submissions (
	id            INTEGER PRIMARY KEY,
	assignment_id INTEGER NOT NULL REFERENCES assignments(id),
	version       INTEGER NOT NULL,
	receipt_year  INTEGER NOT NULL,
	receipt_no    INTEGER NOT NULL,
	member_id     INTEGER REFERENCES members(id),
	source        TEXT NOT NULL DEFAULT 'telegram'
	              CHECK (source IN ('telegram', 'paper', 'email', 'eoffice')),
	reference     TEXT NOT NULL DEFAULT '',
	caption       TEXT NOT NULL DEFAULT '',
	doc_number    TEXT NOT NULL DEFAULT '',
	received_at   INTEGER NOT NULL,
	days_late     INTEGER NOT NULL DEFAULT 0,
	status        TEXT NOT NULL DEFAULT 'received'
	              CHECK (status IN ('received', 'accepted', 'returned')),
	reviewed_by   INTEGER REFERENCES members(id),
	reviewed_at   INTEGER,
	review_note   TEXT NOT NULL DEFAULT '',
	UNIQUE (assignment_id, version),
	UNIQUE (receipt_year, receipt_no)
);

CREATE TABLE submission_files (
	id             INTEGER PRIMARY KEY,
	submission_id  INTEGER NOT NULL REFERENCES submissions(id),
	file_name      TEXT NOT NULL,
	stored_path    TEXT NOT NULL,
	size           INTEGER NOT NULL,
	sha256         TEXT NOT NULL,
	mime           TEXT NOT NULL DEFAULT '',
	tg_file_id     TEXT NOT NULL DEFAULT '',
	tg_unique_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX submission_files_sha ON submission_files(sha256);

CREATE TABLE extensions (
	id            INTEGER PRIMARY KEY,
	assignment_id INTEGER NOT NULL REFERENCES assignments(id),
	requested_by  INTEGER NOT NULL REFERENCES members(id),
	reason        TEXT NOT NULL DEFAULT '',
	proposed_at   INTEGER NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
	decided_by    INTEGER REFERENCES members(id),
	decided_at    INTEGER,
	created_at    INTEGER NOT NULL
);

-- A question the bot asked and waits for a typed answer to (a return reason,
-- an extension date, an announcement text): one per user and chat.
CREATE TABLE pending_inputs (
	telegram_id INTEGER NOT NULL,
	chat_id     INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	ref_id      INTEGER NOT NULL DEFAULT 0,
	data        TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (telegram_id, chat_id)
);
