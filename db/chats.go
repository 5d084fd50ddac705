package db

import (
	"database/sql"
	"time"
)

// ChatKind names a chat the bot is bound to.
type ChatKind string

// The chats an admin can bind.
const (
	ChatOffice ChatKind = "office"
	ChatGroup  ChatKind = "group"
)

// BoundChat is a group (or forum topic) the bot speaks in.
type BoundChat struct {
	Kind     ChatKind
	ChatID   int64
	ThreadID int
	Title    string
	BoundBy  int64
	BoundAt  time.Time
}

// BindChat binds (or rebinds) a chat kind to a Telegram chat.
func (tx *Tx) BindChat(c BoundChat) error {
	_, err := tx.exec(`INSERT INTO chats (kind, chat_id, thread_id, title, bound_by, bound_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET chat_id = excluded.chat_id, thread_id = excluded.thread_id, title = excluded.title, bound_by = excluded.bound_by, bound_at = excluded.bound_at`,
		c.Kind, c.ChatID, c.ThreadID, c.Title, nullID(c.BoundBy), tx.now.Unix())
	return err
}

// MigrateChat follows a group that Telegram upgraded to a supergroup.
func (tx *Tx) MigrateChat(oldID, newID int64) error {
	if _, err := tx.exec(`UPDATE chats SET chat_id = ? WHERE chat_id = ?`, newID, oldID); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'`, newID, oldID)
	return err
}

// Chat returns the chat bound to kind.
func (r *Reader) Chat(kind ChatKind) (BoundChat, error) {
	c := BoundChat{Kind: kind}
	var by sql.NullInt64
	var at int64
	err := r.queryRow(`SELECT chat_id, thread_id, title, bound_by, bound_at FROM chats WHERE kind = ?`, kind).Scan(&c.ChatID, &c.ThreadID, &c.Title, &by, &at)
	c.BoundBy, c.BoundAt = by.Int64, fromUnix(at)
	return c, notFound(err)
}
