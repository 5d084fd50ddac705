package db

import (
	"time"
)

// PendingInput is a question the bot asked a user and waits for a typed
// answer to, such as the reason for returning a report.
type PendingInput struct {
	TelegramID int64
	ChatID     int64
	Kind       string
	RefID      int64
	Data       string
	CreatedAt  time.Time
}

// SetPendingInput remembers a question, replacing any earlier one in that chat.
func (tx *Tx) SetPendingInput(p PendingInput) error {
	_, err := tx.exec(`INSERT INTO pending_inputs (telegram_id, chat_id, kind, ref_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET kind = excluded.kind, ref_id = excluded.ref_id, data = excluded.data, created_at = excluded.created_at`,
		p.TelegramID, p.ChatID, p.Kind, p.RefID, p.Data, tx.now.Unix())
	return err
}

// TakePendingInput returns and forgets the question waiting in a chat.
func (tx *Tx) TakePendingInput(telegramID, chatID int64) (PendingInput, error) {
	p := PendingInput{TelegramID: telegramID, ChatID: chatID}
	var at int64
	err := tx.queryRow(`DELETE FROM pending_inputs WHERE telegram_id = ? AND chat_id = ? RETURNING kind, ref_id, data, created_at`, telegramID, chatID).
		Scan(&p.Kind, &p.RefID, &p.Data, &at)
	p.CreatedAt = fromUnix(at)
	return p, notFound(err)
}

// PeekPendingInput tells whether a question waits in a chat, without taking it.
func (r *Reader) PeekPendingInput(telegramID, chatID int64) (PendingInput, error) {
	p := PendingInput{TelegramID: telegramID, ChatID: chatID}
	var at int64
	err := r.queryRow(`SELECT kind, ref_id, data, created_at FROM pending_inputs WHERE telegram_id = ? AND chat_id = ?`, telegramID, chatID).
		Scan(&p.Kind, &p.RefID, &p.Data, &at)
	p.CreatedAt = fromUnix(at)
	return p, notFound(err)
}
