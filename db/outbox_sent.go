package db

import (
	"database/sql"
	"time"
)

// What the outbox sent: when a unit was last chased, and the message an
// announcement became.

// Chasing purposes: outbox rows with these purposes and an assignment as
// RefID count as the unit having been reminded.
var chasingPurposes = []any{PurposeReminder, PurposeOverdue, PurposeNudge}

// LastReminded maps each assignment of a period to when a reminder or a
// nudge about it last reached someone (Telegram accepted it).
func (r *Reader) LastReminded(periodID int64) (map[int64]time.Time, error) {
	args := append([]any{periodID}, chasingPurposes...)
	rows, err := r.query(`SELECT ref_id, MAX(sent_at) FROM outbox
		WHERE status = 'sent' AND ref_id IN (SELECT id FROM assignments WHERE period_id = ?) AND purpose IN (`+placeholders(len(chasingPurposes))+`)
		GROUP BY ref_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at sql.NullInt64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = nullTime(at)
	}
	return out, rows.Err()
}

// LastNudged is when the Office last queued a nudge about an assignment,
// zero if never.
func (r *Reader) LastNudged(assignmentID int64) (time.Time, error) {
	var at sql.NullInt64
	err := r.queryRow(`SELECT MAX(created_at) FROM outbox WHERE purpose = ? AND ref_id = ?`, PurposeNudge, assignmentID).Scan(&at)
	return nullTime(at), err
}

// SentMessage finds the message Telegram accepted for an outbox row with a
// purpose and reference, e.g. the announcement to pin; ErrNotFound while it
// has not been sent yet.
func (r *Reader) SentMessage(purpose Purpose, refID int64) (chatID int64, messageID int, err error) {
	err = r.queryRow(`SELECT chat_id, message_id FROM outbox WHERE purpose = ? AND ref_id = ? AND status = 'sent' AND message_id != 0 ORDER BY id DESC LIMIT 1`,
		purpose, refID).Scan(&chatID, &messageID)
	return chatID, messageID, notFound(err)
}
