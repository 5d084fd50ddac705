package db

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Period is one occurrence of an obligation ("6 tháng đầu năm 2026").
type Period struct {
	ID           int64
	ObligationID int64
	Key          string // stable per obligation: "2026-H1", "2026", "2026-Q3"
	Start, End   time.Time
	DueAt        time.Time // the nominal deadline
	DeadlineAt   time.Time // after the day-off rule
	MovedReason  string    // why DeadlineAt differs from DueAt, in Vietnamese
}

// AssignmentStatus is where an assignment stands.
type AssignmentStatus string

// Assignment statuses.
const (
	StatusOpen      AssignmentStatus = "open"
	StatusSubmitted AssignmentStatus = "submitted"
	StatusAccepted  AssignmentStatus = "accepted"
	StatusReturned  AssignmentStatus = "returned"
)

// Assignment is what one unit owes for one period.
type Assignment struct {
	ID           int64
	PeriodID     int64
	UnitID       int64
	Status       AssignmentStatus
	DeadlineAt   time.Time // the period's, or this unit's extension
	NextNoticeAt time.Time
	SnoozedUntil time.Time
	SubmittedAt  time.Time
	ClosedAt     time.Time
}

// Open reports whether the unit still owes something.
func (a Assignment) Open() bool { return a.Status == StatusOpen || a.Status == StatusReturned }

// SavePeriod stores a period computed from an obligation's rule and makes sure
// every unit that owes it has an assignment. A period whose deadline has
// passed, or which has submissions, is history: its deadline is not changed.
// A future period whose deadline changed carries the change to the
// assignments that were not extended.
func (tx *Tx) SavePeriod(p Period, unitIDs []int64) (Period, error) {
	var old Period
	var start, end, due, deadline int64
	err := tx.queryRow(`SELECT id, due_at, deadline_at, start_at, end_at FROM periods WHERE obligation_id = ? AND key = ?`, p.ObligationID, p.Key).
		Scan(&old.ID, &due, &deadline, &start, &end)
	switch {
	case err == sql.ErrNoRows:
		res, err := tx.exec(`INSERT INTO periods (obligation_id, key, start_at, end_at, due_at, deadline_at, moved_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ObligationID, p.Key, unix(p.Start), unix(p.End), p.DueAt.Unix(), p.DeadlineAt.Unix(), p.MovedReason, tx.now.Unix())
		if err != nil {
			return p, fmt.Errorf("add period %s: %w", p.Key, err)
		}
		p.ID, _ = res.LastInsertId()
	case err != nil:
		return p, err
	default:
		p.ID = old.ID
		old.DeadlineAt = fromUnix(deadline)
		changed := old.DeadlineAt.Unix() != p.DeadlineAt.Unix() || fromUnix(due).Unix() != p.DueAt.Unix()
		if changed && old.DeadlineAt.After(tx.now) && !tx.periodHasSubmissions(p.ID) && !tx.movedByHand(p.ID) {
			if _, err := tx.exec(`UPDATE periods SET due_at = ?, deadline_at = ?, moved_reason = ?, start_at = ?, end_at = ? WHERE id = ?`,
				p.DueAt.Unix(), p.DeadlineAt.Unix(), p.MovedReason, unix(p.Start), unix(p.End), p.ID); err != nil {
				return p, err
			}
			if _, err := tx.exec(`UPDATE assignments SET deadline_at = ?, next_notice_at = ? WHERE period_id = ? AND deadline_at = ?`,
				p.DeadlineAt.Unix(), tx.now.Unix(), p.ID, old.DeadlineAt.Unix()); err != nil {
				return p, err
			}
		} else {
			p.DueAt, p.DeadlineAt = fromUnix(due), old.DeadlineAt
			p.Start, p.End = fromUnix(start), fromUnix(end)
		}
	}
	if !p.DeadlineAt.After(tx.now) {
		// Units added to the plan after a deadline do not owe what was
		// already due before they existed.
		return p, nil
	}
	// One statement for all units: a department of 10,000 units must not
	// cost 10,000 round trips every time periods are checked.
	ids, err := json.Marshal(unitIDs)
	if err != nil {
		return p, err
	}
	if _, err := tx.exec(`INSERT INTO assignments (period_id, unit_id, deadline_at, next_notice_at)
		SELECT ?, value, ?, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`,
		p.ID, p.DeadlineAt.Unix(), tx.now.Unix(), string(ids)); err != nil {
		return p, fmt.Errorf("add assignments: %w", err)
	}
	return p, nil
}

// movedByHand tells whether the Office moved a period's deadline from chat
// (MovePeriodDeadline); the rule must not move it back.
func (tx *Tx) movedByHand(periodID int64) bool {
	v, err := tx.Reader().Setting(fmt.Sprintf("deadline_moved:%d", periodID))
	return err == nil && v != ""
}

func (tx *Tx) periodHasSubmissions(periodID int64) bool {
	var n int
	tx.queryRow(`SELECT COUNT(*) FROM submissions s JOIN assignments a ON a.id = s.assignment_id WHERE a.period_id = ?`, periodID).Scan(&n)
	return n > 0
}

// DropFuturePeriods removes an obligation's periods that are still in the
// future, have no submission, and whose key is not in keep: what a changed
// recurrence no longer produces. History is never touched.
func (tx *Tx) DropFuturePeriods(obligationID int64, keep []string) (int, error) {
	rows, err := tx.query(`SELECT id, key FROM periods p WHERE obligation_id = ? AND deadline_at > ?
		AND NOT EXISTS (SELECT 1 FROM submissions s JOIN assignments a ON a.id = s.assignment_id WHERE a.period_id = p.id)`, obligationID, tx.now.Unix())
	if err != nil {
		return 0, err
	}
	keepSet := map[string]bool{}
	for _, k := range keep {
		keepSet[k] = true
	}
	var drop []int64
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			rows.Close()
			return 0, err
		}
		if !keepSet[key] {
			drop = append(drop, id)
		}
	}
	rows.Close()
	for _, id := range drop {
		if err := tx.deletePeriod(id); err != nil {
			return 0, err
		}
	}
	return len(drop), nil
}

func (tx *Tx) deletePeriod(id int64) error {
	for _, q := range []string{
		`DELETE FROM extensions WHERE assignment_id IN (SELECT id FROM assignments WHERE period_id = ?)`,
		`DELETE FROM assignments WHERE period_id = ?`,
		`DELETE FROM periods WHERE id = ?`,
	} {
		if _, err := tx.exec(q, id); err != nil {
			return fmt.Errorf("drop period: %w", err)
		}
	}
	return nil
}

// CloseFutureAssignments removes the future, untouched assignments of units
// that no longer owe an obligation (the plan changed its unit list).
func (tx *Tx) CloseFutureAssignments(obligationID int64, keepUnitIDs []int64) error {
	keep := map[int64]bool{}
	for _, id := range keepUnitIDs {
		keep[id] = true
	}
	rows, err := tx.query(`SELECT a.id, a.unit_id FROM assignments a JOIN periods p ON p.id = a.period_id
		WHERE p.obligation_id = ? AND a.deadline_at > ? AND a.status = 'open'
		AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.assignment_id = a.id)`, obligationID, tx.now.Unix())
	if err != nil {
		return err
	}
	var drop []int64
	for rows.Next() {
		var id, unit int64
		if err := rows.Scan(&id, &unit); err != nil {
			rows.Close()
			return err
		}
		if !keep[unit] {
			drop = append(drop, id)
		}
	}
	rows.Close()
	for _, id := range drop {
		if _, err := tx.exec(`DELETE FROM extensions WHERE assignment_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM assignments WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// Periods lists an obligation's periods by deadline.
func (r *Reader) Periods(obligationID int64) ([]Period, error) {
	rows, err := r.query(`SELECT `+periodCols+` FROM periods WHERE obligation_id = ? ORDER BY deadline_at`, obligationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		p, err := scanPeriod(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Period finds a period by id.
func (r *Reader) Period(id int64) (Period, error) {
	p, err := scanPeriod(r.queryRow(`SELECT `+periodCols+` FROM periods WHERE id = ?`, id))
	return p, notFound(err)
}

const periodCols = `id, obligation_id, key, start_at, end_at, due_at, deadline_at, moved_reason`

func scanPeriod(sc interface{ Scan(...any) error }) (Period, error) {
	var p Period
	var start, end, due, deadline int64
	err := sc.Scan(&p.ID, &p.ObligationID, &p.Key, &start, &end, &due, &deadline, &p.MovedReason)
	p.Start, p.End, p.DueAt, p.DeadlineAt = fromUnix(start), fromUnix(end), fromUnix(due), fromUnix(deadline)
	return p, err
}

// Item is an assignment with everything needed to talk about it: its
// period, obligation and unit.
type Item struct {
	Assignment
	Period     Period
	Obligation Obligation
	Unit       Unit
}

const itemCols = `a.id, a.period_id, a.unit_id, a.status, a.deadline_at, a.next_notice_at, a.snoozed_until, a.submitted_at, a.closed_at,
	p.id, p.obligation_id, p.key, p.start_at, p.end_at, p.due_at, p.deadline_at, p.moved_reason,
	o.id, o.code, o.title, o.title_en, o.basis, o.rule, o.cover, o.due_hour, o.due_minute, o.offsets, o.fixed_deadline, o.announce, o.summary, o.name_late_units, o.updated_at, o.closed_at,
	u.id, u.code, u.name, u.name_en, u.closed_at`

const itemFrom = ` FROM assignments a JOIN periods p ON p.id = a.period_id JOIN obligations o ON o.id = p.obligation_id JOIN units u ON u.id = a.unit_id `

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var deadline int64
	var next, snoozed, submitted, closed, uclosed, oclosed sql.NullInt64
	var pstart, pend, pdue, pdeadline, oupdated int64
	err := sc.Scan(&it.ID, &it.PeriodID, &it.UnitID, &it.Status, &deadline, &next, &snoozed, &submitted, &closed,
		&it.Period.ID, &it.Period.ObligationID, &it.Period.Key, &pstart, &pend, &pdue, &pdeadline, &it.Period.MovedReason,
		&it.Obligation.ID, &it.Obligation.Code, &it.Obligation.Title, &it.Obligation.TitleEN, &it.Obligation.Basis, &it.Obligation.Rule,
		&it.Obligation.Cover, &it.Obligation.DueHour, &it.Obligation.DueMinute, &it.Obligation.Offsets, &it.Obligation.FixedDeadline,
		&it.Obligation.Announce, &it.Obligation.Summary, &it.Obligation.NameLateUnits, &oupdated, &oclosed,
		&it.Unit.ID, &it.Unit.Code, &it.Unit.Name, &it.Unit.NameEN, &uclosed)
	it.DeadlineAt, it.NextNoticeAt, it.SnoozedUntil = fromUnix(deadline), nullTime(next), nullTime(snoozed)
	it.SubmittedAt, it.ClosedAt = nullTime(submitted), nullTime(closed)
	it.Period.Start, it.Period.End, it.Period.DueAt, it.Period.DeadlineAt = fromUnix(pstart), fromUnix(pend), fromUnix(pdue), fromUnix(pdeadline)
	it.Obligation.UpdatedAt, it.Obligation.ClosedAt = fromUnix(oupdated), nullTime(oclosed)
	it.Unit.ClosedAt = nullTime(uclosed)
	return it, err
}

func (r *Reader) items(where string, args ...any) ([]Item, error) {
	rows, err := r.query(`SELECT `+itemCols+itemFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Item finds one assignment with its context.
func (r *Reader) Item(assignmentID int64) (Item, error) {
	it, err := scanItem(r.queryRow(`SELECT `+itemCols+itemFrom+`WHERE a.id = ?`, assignmentID))
	return it, notFound(err)
}

// DueItems lists the assignments whose next notice is due at or before now:
// the planner's work for one tick, found through an index so that a quiet
// tick costs nothing however big the department. (See dueItems: the
// assignments are read alone and their context looked up once.)
func (r *Reader) DueItems(now time.Time, limit int) ([]Item, error) {
	return r.dueItems(now, limit)
}

// UnitItems lists a unit's assignments with deadlines in [from, to), by deadline.
func (r *Reader) UnitItems(unitID int64, from, to time.Time) ([]Item, error) {
	return r.items(`WHERE a.unit_id = ? AND a.deadline_at >= ? AND a.deadline_at < ? AND o.closed_at IS NULL ORDER BY a.deadline_at, o.code`, unitID, from.Unix(), to.Unix())
}

// OpenUnitItems lists what a unit still owes (open or returned), by deadline.
func (r *Reader) OpenUnitItems(unitID int64) ([]Item, error) {
	return r.items(`WHERE a.unit_id = ? AND a.status IN ('open', 'returned') AND o.closed_at IS NULL ORDER BY a.deadline_at, o.code`, unitID)
}

// PeriodItems lists every unit's assignment for a period, by unit code.
func (r *Reader) PeriodItems(periodID int64) ([]Item, error) {
	return r.items(`WHERE a.period_id = ? ORDER BY u.code`, periodID)
}

// ItemsBetween lists the assignments with deadlines in [from, to), by deadline.
func (r *Reader) ItemsBetween(from, to time.Time) ([]Item, error) {
	return r.items(`WHERE a.deadline_at >= ? AND a.deadline_at < ? AND o.closed_at IS NULL ORDER BY a.deadline_at, o.code, u.code`, from.Unix(), to.Unix())
}

// OverdueItems lists open assignments whose deadline has passed.
func (r *Reader) OverdueItems(now time.Time) ([]Item, error) {
	return r.items(`WHERE a.status IN ('open', 'returned') AND a.deadline_at <= ? AND o.closed_at IS NULL AND u.closed_at IS NULL ORDER BY a.deadline_at, o.code, u.code`, now.Unix())
}

// SetNextNotice schedules when the planner looks at an assignment again; the
// zero time means never.
func (tx *Tx) SetNextNotice(assignmentID int64, at time.Time) error {
	_, err := tx.exec(`UPDATE assignments SET next_notice_at = ? WHERE id = ?`, nullUnix(at), assignmentID)
	return err
}

// Snooze holds an assignment's reminders until a time.
func (tx *Tx) Snooze(assignmentID int64, until time.Time) error {
	_, err := tx.exec(`UPDATE assignments SET snoozed_until = ?, next_notice_at = ? WHERE id = ?`, until.Unix(), until.Unix(), assignmentID)
	return err
}

// SetAssignmentStatus moves an assignment to a status; leaving the open
// states stops its reminders.
func (tx *Tx) SetAssignmentStatus(assignmentID int64, status AssignmentStatus) error {
	var err error
	switch status {
	case StatusSubmitted:
		_, err = tx.exec(`UPDATE assignments SET status = ?, submitted_at = COALESCE(submitted_at, ?), next_notice_at = NULL WHERE id = ?`, status, tx.now.Unix(), assignmentID)
	case StatusAccepted:
		_, err = tx.exec(`UPDATE assignments SET status = ?, closed_at = ?, next_notice_at = NULL WHERE id = ?`, status, tx.now.Unix(), assignmentID)
	case StatusOpen, StatusReturned:
		_, err = tx.exec(`UPDATE assignments SET status = ?, closed_at = NULL, next_notice_at = ? WHERE id = ?`, status, tx.now.Unix(), assignmentID)
	default:
		return fmt.Errorf("unknown status %q", status)
	}
	return err
}

// ExtendDeadline moves one unit's deadline for one period.
func (tx *Tx) ExtendDeadline(assignmentID int64, deadline time.Time) error {
	_, err := tx.exec(`UPDATE assignments SET deadline_at = ?, next_notice_at = ? WHERE id = ?`, deadline.Unix(), tx.now.Unix(), assignmentID)
	return err
}
