package db

import (
	"fmt"
	"time"
)

// An obligation's periods as the Office names them (by code and key), what
// was handed in for one, and the Office's changes to them: moving a
// deadline, closing an obligation.

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
