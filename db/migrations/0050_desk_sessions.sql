-- The Office's desk outside Telegram: a single-use login link (/web,
-- "reportbot weblogin") becomes a browser session. Only hashes of the link
-- token and of the session id are stored, like invites.
CREATE TABLE desk_logins (
	token_hash TEXT PRIMARY KEY,
	member_id  INTEGER NOT NULL REFERENCES members(id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);

CREATE TABLE desk_sessions (
	id_hash    TEXT PRIMARY KEY,
	member_id  INTEGER NOT NULL REFERENCES members(id),
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX desk_sessions_member ON desk_sessions(member_id);
