package db

// What the store keeps when Telegram refuses a bound chat: the sender
// (bot/refusals.go) calls these so each refusal is acted on once.

// DropThread takes the chats bound to a deleted forum topic, and the
// messages waiting for it, out of the topic: they go to the chat itself
// from now on. It reports whether any binding was in that topic, so the
// admins are told once.
func (tx *Tx) DropThread(chatID int64, threadID int) (bool, error) {
	res, err := tx.exec(`UPDATE chats SET thread_id = 0 WHERE chat_id = ? AND thread_id = ?`, chatID, threadID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	_, err = tx.exec(`UPDATE outbox SET thread_id = 0 WHERE chat_id = ? AND thread_id = ? AND status = 'pending'`, chatID, threadID)
	return n > 0, err
}

// RecordBotRemoved notes in the audit log (action "bot_removed", the chat id
// as telegram_id) that the bot was removed from a group, once per binding:
// it reports false if that was already noted since the chat was last bound.
func (tx *Tx) RecordBotRemoved(chatID int64, subject, reason string) (bool, error) {
	var seen int
	err := tx.Reader().queryRow(`SELECT COUNT(*) FROM audit WHERE action = 'bot_removed' AND telegram_id = ?
		AND at >= COALESCE((SELECT MAX(bound_at) FROM chats WHERE chat_id = ?), 0)`, chatID, chatID).Scan(&seen)
	if err != nil || seen > 0 {
		return false, err
	}
	return true, tx.Audit(0, chatID, "bot_removed", subject, reason)
}
