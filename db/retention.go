package db

import (
	"fmt"
	"time"
)

// Handled updates and sent messages are only needed for a while: an update
// to see it was handled, a message for its dedupe key while its producer may
// still make it again. Kept for ever they would carry what people wrote into
// every backup. Pending ones, the audit log and everything a report's life
// needs stay.

// Pruned counts the rows a prune removed.
type Pruned struct {
	Updates int64
	Outbox  int64
}

// Prune removes updates handled before t, except the newest (polling resumes
// after it), and outbox messages sent or skipped that were created before t.
func (tx *Tx) Prune(before time.Time) (Pruned, error) {
	var p Pruned
	res, err := tx.exec(`DELETE FROM updates WHERE status <> 'pending' AND handled_at < ?
		AND update_id < (SELECT MAX(update_id) FROM updates)`, before.Unix())
	if err != nil {
		return p, fmt.Errorf("prune updates: %w", err)
	}
	p.Updates, _ = res.RowsAffected()
	res, err = tx.exec(`DELETE FROM outbox WHERE status IN ('sent', 'skipped') AND created_at < ?`, before.Unix())
	if err != nil {
		return p, fmt.Errorf("prune outbox: %w", err)
	}
	p.Outbox, _ = res.RowsAffected()
	return p, nil
}

// ForgetSecret replaces secret in a stored update's payload, once the update
// is handled: an invite token must not outlive its use in the inbox or in
// the backups made afterwards.
func (tx *Tx) ForgetSecret(updateID int64, secret string) error {
	if secret == "" {
		return nil
	}
	_, err := tx.exec(`UPDATE updates SET payload = CAST(replace(CAST(payload AS TEXT), ?, '[redacted]') AS BLOB) WHERE update_id = ?`, secret, updateID)
	if err != nil {
		return fmt.Errorf("forget secret of update %d: %w", updateID, err)
	}
	return nil
}
