package db

// Outbox rows that act on a message already sent: an edit or a pin.

// OutboxTarget tells where the message an outbox row sends stands: its
// status, and once sent the chat and Telegram id it got. An edit queued
// with TargetOutbox is resolved through it.
func (r *Reader) OutboxTarget(id int64) (status OutStatus, chatID int64, messageID int, err error) {
	err = r.queryRow(`SELECT status, chat_id, message_id FROM outbox WHERE id = ?`, id).Scan(&status, &chatID, &messageID)
	return status, chatID, messageID, notFound(err)
}

// MarkDone records that an edit or pin needs no more doing although
// Telegram did not take it: the message already reads so ("message is not
// modified"), or it is gone. The note says which.
func (tx *Tx) MarkDone(id int64, note string) error {
	_, err := tx.exec(`UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, error = ? WHERE id = ?`,
		tx.now.Unix(), note, id)
	return err
}

// Supersede skips the pending rows whose key starts with keyPrefix: a newer
// edit of the same message (a progress count) makes older unsent ones
// pointless. A row a sender has in flight is sent anyway; the newer one
// follows it.
func (tx *Tx) Supersede(keyPrefix string) error {
	_, err := tx.exec(`UPDATE outbox SET status = 'skipped', error = 'superseded'
		WHERE status = 'pending' AND dedupe_key LIKE ? ESCAPE '\'`, escapeLike(keyPrefix)+"%")
	return err
}
