package db

import (
	"database/sql"
	"fmt"
	"time"
)

// OutKind is what an outbox message does: send text, a file or a copy,
// edit or pin a message already in the chat, or set the chat's menu.
type OutKind string

// Outbox message kinds.
const (
	KindText     OutKind = "text"
	KindDocument OutKind = "document"
	KindPhoto    OutKind = "photo"
	KindCopy     OutKind = "copy"
	// KindEditText replaces the text and keyboard of the message it targets.
	KindEditText OutKind = "edit_text"
	// KindEditMarkup replaces only the keyboard of the message it targets.
	KindEditMarkup OutKind = "edit_markup"
	// KindPin pins the message it targets.
	KindPin OutKind = "pin"
	// KindMenu sets the command menu of a private chat to the commands in
	// Text (JSON), or clears it when Text is empty.
	KindMenu OutKind = "menu"
)

// Sends tells whether the kind sends a new message to the chat.
func (k OutKind) Sends() bool {
	return k == KindText || k == KindDocument || k == KindPhoto || k == KindCopy || k == ""
}

// Acts tells whether the kind acts on a message already sent (ReplyTo or
// TargetOutbox) rather than sending a new one.
func (k OutKind) Acts() bool { return k == KindEditText || k == KindEditMarkup || k == KindPin }

// OutStatus is where an outbox message stands.
type OutStatus string

// Outbox statuses.
const (
	OutPending OutStatus = "pending"
	OutSent    OutStatus = "sent"
	OutFailed  OutStatus = "failed"
	OutSkipped OutStatus = "skipped"
)

// OutMessage is one Telegram-bound message in the outbox.
type OutMessage struct {
	ID        int64
	Key       string // unique: the same key enqueued twice is one message
	ChatID    int64
	ThreadID  int
	MemberID  int64 // the recipient, when a private chat; 403 marks them unreachable
	Kind      OutKind
	Text      string // text, or caption for a document/photo/copy
	ParseMode string
	Markup    string // JSON of the inline keyboard, if any
	ReplyTo   int    // the message replied to; for an edit or pin, the message acted on
	// TargetOutbox names the message an edit or pin acts on by the outbox
	// row that sends it, when it was queued too recently to have a Telegram id.
	TargetOutbox  int64
	FilePath      string // document/photo: a file on disk
	FileName      string
	CopyChatID    int64 // copy: the message to copy
	CopyMessageID int
	// Sensitive: the text carries a secret (an invite link) and is blanked
	// once sent; it is not read back.
	Sensitive bool
	Purpose   Purpose // what the message is about; remembered with the sent message id
	RefID     int64   // the record it is about (an assignment, a submission, …; a pin: the member who asked)
	Status    OutStatus
	Attempts  int
	NotBefore time.Time
	ExpiresAt time.Time // zero: never stale; else skipped, not sent, from then on
	CreatedAt time.Time
	SentAt    time.Time
	MessageID int
	Error     string
}

const outboxCols = `id, dedupe_key, chat_id, thread_id, COALESCE(member_id, 0), kind, text, parse_mode, markup, reply_to, file_path, file_name,
	copy_chat_id, copy_message_id, purpose, ref_id, status, attempts, not_before, created_at, sent_at, message_id, error, expires_at, target_outbox_id`

func scanOut(sc interface{ Scan(...any) error }) (OutMessage, error) {
	var m OutMessage
	var notBefore, created, expires int64
	var sent sql.NullInt64
	err := sc.Scan(&m.ID, &m.Key, &m.ChatID, &m.ThreadID, &m.MemberID, &m.Kind, &m.Text, &m.ParseMode, &m.Markup, &m.ReplyTo,
		&m.FilePath, &m.FileName, &m.CopyChatID, &m.CopyMessageID, &m.Purpose, &m.RefID, &m.Status, &m.Attempts,
		&notBefore, &created, &sent, &m.MessageID, &m.Error, &expires, &m.TargetOutbox)
	m.NotBefore, m.CreatedAt, m.SentAt, m.ExpiresAt = fromUnix(notBefore), fromUnix(created), nullTime(sent), fromUnix(expires)
	return m, err
}

// Enqueue adds a message unless one with the same key exists; created says
// which. A message with Status OutSkipped is recorded but never sent: the
// planner uses it to remember stages it decided not to send.
func (tx *Tx) Enqueue(m OutMessage) (id int64, created bool, err error) {
	if m.Key == "" {
		return 0, false, fmt.Errorf("enqueue: empty dedupe key")
	}
	if m.Kind == "" {
		m.Kind = KindText
	}
	if m.Status == "" {
		m.Status = OutPending
	}
	if m.NotBefore.IsZero() {
		m.NotBefore = tx.now
	}
	res, err := tx.exec(`INSERT INTO outbox (dedupe_key, chat_id, thread_id, member_id, kind, text, parse_mode, markup, reply_to, file_path, file_name,
		copy_chat_id, copy_message_id, purpose, ref_id, status, not_before, created_at, expires_at, sensitive, target_outbox_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		m.Key, m.ChatID, m.ThreadID, nullID(m.MemberID), m.Kind, m.Text, m.ParseMode, m.Markup, m.ReplyTo, m.FilePath, m.FileName,
		m.CopyChatID, m.CopyMessageID, m.Purpose, m.RefID, m.Status, m.NotBefore.Unix(), tx.now.Unix(), unix(m.ExpiresAt), m.Sensitive,
		m.TargetOutbox)
	if err != nil {
		return 0, false, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		err := tx.queryRow(`SELECT id FROM outbox WHERE dedupe_key = ?`, m.Key).Scan(&id)
		return id, false, err
	}
	id, err = res.LastInsertId()
	return id, true, err
}

// PendingOutbox lists messages ready to send at now, oldest first.
func (r *Reader) PendingOutbox(now time.Time, limit int) ([]OutMessage, error) {
	return r.outbox(`WHERE status = 'pending' AND not_before <= ? ORDER BY not_before, id LIMIT ?`, now.Unix(), limit)
}

// Outbox lists messages with a key prefix (all if ""), in order of creation;
// tests and the Office's "last reminded" use it.
func (r *Reader) Outbox(keyPrefix string) ([]OutMessage, error) {
	return r.outbox(`WHERE dedupe_key LIKE ? ESCAPE '\' ORDER BY id`, escapeLike(keyPrefix)+"%")
}

func (r *Reader) outbox(where string, args ...any) ([]OutMessage, error) {
	rows, err := r.query(`SELECT `+outboxCols+` FROM outbox `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutMessage
	for rows.Next() {
		m, err := scanOut(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}

// NextOutboxAt is when the earliest pending message becomes due (zero if none).
func (r *Reader) NextOutboxAt() (time.Time, error) {
	var v sql.NullInt64
	err := r.queryRow(`SELECT MIN(not_before) FROM outbox WHERE status = 'pending'`).Scan(&v)
	return nullTime(v), err
}

// OutboxDepth counts pending messages and the creation time of the oldest.
func (r *Reader) OutboxDepth() (n int, oldest time.Time, err error) {
	var v sql.NullInt64
	err = r.queryRow(`SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'`).Scan(&n, &v)
	return n, nullTime(v), err
}

// MarkSent records that Telegram accepted a message, and remembers which
// record the sent message was about so a reply to it can be understood.
func (tx *Tx) MarkSent(m OutMessage, messageID int) error {
	if _, err := tx.exec(`UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1, error = '',
		text = CASE WHEN sensitive = 1 THEN '' ELSE text END WHERE id = ?`,
		tx.now.Unix(), messageID, m.ID); err != nil {
		return err
	}
	if m.Purpose == "" || messageID == 0 {
		return nil
	}
	return tx.RememberMessage(m.ChatID, messageID, m.Purpose, m.RefID)
}

// RememberMessage notes what a bot message in a chat was about.
func (tx *Tx) RememberMessage(chatID int64, messageID int, purpose Purpose, refID int64) error {
	_, err := tx.exec(`INSERT INTO message_refs (chat_id, message_id, purpose, ref_id) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET purpose = excluded.purpose, ref_id = excluded.ref_id`,
		chatID, messageID, purpose, refID)
	return err
}

// MessageRef tells what a bot message was about.
func (r *Reader) MessageRef(chatID int64, messageID int) (purpose string, refID int64, err error) {
	err = r.queryRow(`SELECT purpose, ref_id FROM message_refs WHERE chat_id = ? AND message_id = ?`, chatID, messageID).Scan(&purpose, &refID)
	return purpose, refID, notFound(err)
}

// RetryLater puts a message back with a delay after a failed attempt.
func (tx *Tx) RetryLater(id int64, at time.Time, reason string) error {
	_, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?`, at.Unix(), reason, id)
	return err
}

// MarkFailed gives up on a message for good.
func (tx *Tx) MarkFailed(id int64, reason string) error {
	_, err := tx.exec(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?`, reason, id)
	return err
}

// HoldChat parks every pending message to a chat (its user blocked the bot),
// so they are not retried in a loop; ResumeChat releases them.
func (tx *Tx) HoldChat(chatID int64, reason string) error {
	_, err := tx.exec(`UPDATE outbox SET status = 'failed', error = ? WHERE chat_id = ? AND status = 'pending'`, reason, chatID)
	return err
}

// InboundUpdate is a Telegram update as stored in the inbox.
type InboundUpdate struct {
	ID      int64
	ChatID  int64
	Payload []byte // the update's JSON as Telegram sent it
}

// StoreUpdates writes updates to the inbox, ignoring ones already there, and
// returns how many were new.
func (tx *Tx) StoreUpdates(us []InboundUpdate) (int, error) {
	n := 0
	for _, u := range us {
		res, err := tx.exec(`INSERT INTO updates (update_id, chat_id, payload, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			u.ID, u.ChatID, u.Payload, tx.now.Unix())
		if err != nil {
			return n, fmt.Errorf("store update %d: %w", u.ID, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// PendingUpdates lists stored updates not yet handled, oldest first.
func (r *Reader) PendingUpdates(limit int) ([]InboundUpdate, error) {
	return r.scanUpdates(`SELECT update_id, chat_id, payload FROM updates WHERE status = 'pending' ORDER BY update_id LIMIT ?`, limit)
}

// FairPendingUpdates lists at most perChat pending updates of each chat,
// oldest first: one chat flooding the bot cannot fill a whole round and
// keep everyone else waiting behind it.
func (r *Reader) FairPendingUpdates(perChat, limit int) ([]InboundUpdate, error) {
	return r.scanUpdates(`SELECT update_id, chat_id, payload FROM (
			SELECT update_id, chat_id, payload, ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY update_id) AS n
			FROM updates WHERE status = 'pending')
		WHERE n <= ? ORDER BY update_id LIMIT ?`, perChat, limit)
}

func (r *Reader) scanUpdates(query string, args ...any) ([]InboundUpdate, error) {
	rows, err := r.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InboundUpdate
	for rows.Next() {
		var u InboundUpdate
		if err := rows.Scan(&u.ID, &u.ChatID, &u.Payload); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FinishUpdate marks an update handled; a non-empty failure keeps the reason.
func (tx *Tx) FinishUpdate(id int64, failure string) error {
	status := "done"
	if failure != "" {
		status = "failed"
	}
	_, err := tx.exec(`UPDATE updates SET status = ?, handled_at = ?, error = ? WHERE update_id = ?`, status, tx.now.Unix(), failure, id)
	return err
}

// UpdateStatus tells whether an update was stored and how it ended.
func (r *Reader) UpdateStatus(id int64) (string, error) {
	var s string
	err := r.queryRow(`SELECT status FROM updates WHERE update_id = ?`, id).Scan(&s)
	return s, notFound(err)
}

// MaxUpdateID is the highest update id ever stored, where polling resumes.
func (r *Reader) MaxUpdateID() (int64, error) {
	var v sql.NullInt64
	err := r.queryRow(`SELECT MAX(update_id) FROM updates`).Scan(&v)
	return v.Int64, err
}

// CountSubmissions counts every submission ever recorded, for /metrics.
func (r *Reader) CountSubmissions() (int64, error) {
	var n int64
	err := r.queryRow(`SELECT COUNT(*) FROM submissions`).Scan(&n)
	return n, err
}

// MarkSkipped records that a pending message will not be sent: it went
// stale while Telegram could not be reached.
func (tx *Tx) MarkSkipped(id int64, reason string) error {
	_, err := tx.exec(`UPDATE outbox SET status = 'skipped', error = ? WHERE id = ? AND status = 'pending'`, reason, id)
	return err
}
