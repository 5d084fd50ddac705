package db

import (
	"context"
	"fmt"
	"time"
)

// MarkPartSent records that Telegram accepted the first part of a message
// that goes out as several (a text over Telegram's length limit, or a file
// whose caption was too long to ride along). The row becomes a plain text
// message holding what is left to send, without the reply it answered (only
// the first part replies) and without a file, so a crash repeats at most the
// part in flight. The part is remembered like the whole message, so a reply
// to any part is understood.
func (tx *Tx) MarkPartSent(m OutMessage, messageID int, rest string) error {
	_, err := tx.exec(`UPDATE outbox SET kind = 'text', text = ?, reply_to = 0, file_path = '', file_name = '',
		copy_chat_id = 0, copy_message_id = 0, error = '' WHERE id = ? AND status = 'pending'`, rest, m.ID)
	if err != nil {
		return err
	}
	if m.Purpose == "" || messageID == 0 {
		return nil
	}
	return tx.RememberMessage(m.ChatID, messageID, m.Purpose, m.RefID)
}

// RetryingChats maps each chat with a pending message that was put back for
// a later attempt (RetryLater) to the lowest such message id. The sender
// sends nothing newer to that chat before it, so a chat's messages keep their
// order across retries.
func (r *Reader) RetryingChats() (map[int64]int64, error) {
	rows, err := r.query(`SELECT chat_id, MIN(id) FROM outbox WHERE status = 'pending' AND attempts > 0 GROUP BY chat_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var chat, id int64
		if err := rows.Scan(&chat, &id); err != nil {
			return nil, err
		}
		out[chat] = id
	}
	return out, rows.Err()
}

// ClaimOutbox reads up to limit messages due at now, as PendingOutbox does,
// leaving out those another sender holds a live claim on, and claims those it
// returns for owner until lease has passed. Claiming again what owner holds
// renews the claim, so a sender that reads the outbox every little while
// keeps its messages. It is one write transaction: two senders never both
// get a message.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, limit int, lease time.Duration) ([]OutMessage, error) {
	var out []OutMessage
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.Reader().outbox(`WHERE status = 'pending' AND not_before <= ? AND (claimed_by = ? OR claimed_until <= ?)
			ORDER BY not_before, id LIMIT ?`, now.Unix(), owner, tx.now.Unix(), limit)
		if err != nil || len(out) == 0 {
			return err
		}
		args := []any{owner, tx.now.Add(lease).Unix()}
		for _, m := range out {
			args = append(args, m.ID)
		}
		_, err = tx.exec(`UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN (`+placeholders(len(out))+`)`, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return out, nil
}

// ReleaseOutboxClaims drops every claim. Only a process that knows no other
// sender runs may call it: one holding the data folder's lock, at start, so
// that what a killed process had claimed is sent at once.
func (tx *Tx) ReleaseOutboxClaims() error {
	_, err := tx.exec(`UPDATE outbox SET claimed_by = '', claimed_until = 0 WHERE claimed_by <> ''`)
	return err
}
