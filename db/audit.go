package db

import (
	"time"
)

// Audit records who did what.
func (tx *Tx) Audit(memberID, telegramID int64, action, subject, detail string) error {
	_, err := tx.exec(`INSERT INTO audit (at, member_id, telegram_id, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		tx.now.Unix(), nullID(memberID), telegramID, action, subject, detail)
	return err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At         time.Time
	MemberID   int64
	TelegramID int64
	Action     string
	Subject    string
	Detail     string
}

// AuditLog lists the audit entries with an action (all if ""), oldest first.
func (r *Reader) AuditLog(action string) ([]AuditEntry, error) {
	return r.audit(`? = '' OR action = ?`, action, action)
}
