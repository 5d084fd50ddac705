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
	rows, err := r.query(`SELECT at, COALESCE(member_id, 0), telegram_id, action, subject, detail FROM audit WHERE ? = '' OR action = ? ORDER BY id`, action, action)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.MemberID, &e.TelegramID, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromUnix(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
