package db

import (
	"database/sql"
	"fmt"
	"time"
)

// The Office's console reads across units and periods; these are the
// lookups it needs beyond what the reminder engine and submissions use.

// PeriodByKey finds an obligation's period by its key ("2026-H1").
func (r *Reader) PeriodByKey(obligationID int64, key string) (Period, error) {
	p, err := scanPeriod(r.queryRow(`SELECT `+periodCols+` FROM periods WHERE obligation_id = ? AND key = ? COLLATE NOCASE`, obligationID, key))
	return p, notFound(err)
}

// ObligationByCode finds an obligation (open or closed) by its code,
// case-insensitively.
func (r *Reader) ObligationByCode(code string) (Obligation, error) {
	var id int64
	if err := r.queryRow(`SELECT id FROM obligations WHERE code = ? COLLATE NOCASE`, code).Scan(&id); err != nil {
		return Obligation{}, notFound(err)
	}
	return r.Obligation(id)
}

// PeriodSubmissions lists every version of every unit's report for a
// period, in receipt order: the register the export writes.
func (r *Reader) PeriodSubmissions(periodID int64) ([]Submission, error) {
	return r.submissions(`WHERE assignment_id IN (SELECT id FROM assignments WHERE period_id = ?) ORDER BY receipt_year, receipt_no`, periodID)
}

// LatestAccepted returns, per assignment of a period, its newest accepted
// submission with files: what the archive of a period holds.
func (r *Reader) LatestAccepted(periodID int64) (map[int64]Submission, error) {
	subs, err := r.submissions(`s0 WHERE status = 'accepted' AND assignment_id IN (SELECT id FROM assignments WHERE period_id = ?)
		AND version = (SELECT MAX(version) FROM submissions x WHERE x.assignment_id = s0.assignment_id AND x.status = 'accepted')`, periodID)
	if err != nil {
		return nil, err
	}
	out := map[int64]Submission{}
	for _, s := range subs {
		out[s.AssignmentID] = s
	}
	return out, nil
}

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

// DeleteSetting forgets a setting; it reports whether there was one, so a
// draft is used once.
func (tx *Tx) DeleteSetting(key string) (bool, error) {
	res, err := tx.exec(`DELETE FROM settings WHERE key = ?`, key)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// MovePeriodDeadline moves a period's deadline for every unit that has not
// been given its own extension, and schedules their reminders anew. It
// returns the assignments whose deadline moved.
func (tx *Tx) MovePeriodDeadline(periodID int64, deadline time.Time, reason string) ([]int64, error) {
	p, err := tx.Reader().Period(periodID)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(`SELECT id FROM assignments WHERE period_id = ? AND deadline_at = ?`, periodID, p.DeadlineAt.Unix())
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if _, err := tx.exec(`UPDATE periods SET deadline_at = ?, moved_reason = ? WHERE id = ?`, deadline.Unix(), reason, periodID); err != nil {
		return nil, fmt.Errorf("move deadline: %w", err)
	}
	if _, err := tx.exec(`UPDATE assignments SET deadline_at = ?, next_notice_at = ? WHERE period_id = ? AND deadline_at = ?`,
		deadline.Unix(), tx.now.Unix(), periodID, p.DeadlineAt.Unix()); err != nil {
		return nil, fmt.Errorf("move deadline: %w", err)
	}
	// Remembered so a later plan import or planner run, which recomputes
	// deadlines from the rule, can tell a deadline moved by hand.
	if err := tx.SetSetting(fmt.Sprintf("deadline_moved:%d", periodID), fmt.Sprint(deadline.Unix())); err != nil {
		return nil, err
	}
	return ids, nil
}

// SetObligationClosed closes an obligation (no new periods from now on) or
// reopens it; changed is false when it already was so. Its future periods
// follow when the caller runs reminders.EnsurePeriods.
func (tx *Tx) SetObligationClosed(id int64, closed bool) (changed bool, err error) {
	q := `UPDATE obligations SET closed_at = ?, updated_at = ? WHERE id = ? AND closed_at IS NULL`
	args := []any{tx.now.Unix(), tx.now.Unix(), id}
	if !closed {
		q = `UPDATE obligations SET closed_at = NULL, updated_at = ? WHERE id = ? AND closed_at IS NOT NULL`
		args = []any{tx.now.Unix(), id}
	}
	res, err := tx.exec(q, args...)
	if err != nil {
		return false, fmt.Errorf("close obligation: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
