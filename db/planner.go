package db

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// UnitMembers lists the active heads and members of the given units, by
// unit, each unit's people by name. A planner tick asks once per batch of
// due assignments instead of once per assignment.
func (r *Reader) UnitMembers(unitIDs []int64) (map[int64][]Member, error) {
	out := make(map[int64][]Member, len(unitIDs))
	// SQLite caps bound parameters (32766 in modern builds); stay far below.
	const chunk = 500
	for start := 0; start < len(unitIDs); start += chunk {
		ids := unitIDs[start:min(start+chunk, len(unitIDs))]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		rows, err := r.query(`SELECT `+memberCols+` FROM members WHERE removed_at IS NULL AND role IN ('head', 'member')
			AND unit_id IN (`+placeholders(len(ids))+`) ORDER BY unit_id, name, id`, args...)
		if err != nil {
			return nil, fmt.Errorf("unit members: %w", err)
		}
		for rows.Next() {
			m, err := scanMember(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[m.UnitID] = append(out[m.UnitID], m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PeriodStat is one period with how many units owe it and how many have
// handed it in: a line of the group's weekly digest.
type PeriodStat struct {
	Period     Period
	Obligation Obligation
	Units      int // open units with an assignment for the period
	Submitted  int // of them, submitted or accepted
}

// PeriodStats lists the periods of open obligations whose deadline is in
// [from, to), by deadline then obligation code, with their counts. Unit
// codes are not filled in on the obligations.
func (r *Reader) PeriodStats(from, to time.Time) ([]PeriodStat, error) {
	rows, err := r.query(`SELECT p.id, p.obligation_id, p.key, p.start_at, p.end_at, p.due_at, p.deadline_at, p.moved_reason,
		o.id, o.code, o.title, o.title_en, o.basis, o.rule, o.cover, o.due_hour, o.due_minute, o.offsets, o.fixed_deadline,
		o.announce, o.summary, o.name_late_units, o.updated_at, o.closed_at,
		COUNT(a.id), COALESCE(SUM(a.status IN ('submitted', 'accepted')), 0)
		FROM periods p JOIN obligations o ON o.id = p.obligation_id
		LEFT JOIN assignments a ON a.period_id = p.id AND a.unit_id IN (SELECT id FROM units WHERE closed_at IS NULL)
		WHERE p.deadline_at >= ? AND p.deadline_at < ? AND o.closed_at IS NULL
		GROUP BY p.id ORDER BY p.deadline_at, o.code`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("period stats: %w", err)
	}
	defer rows.Close()
	var out []PeriodStat
	for rows.Next() {
		var s PeriodStat
		var start, end, due, deadline, updated int64
		var closed sql.NullInt64
		p, o := &s.Period, &s.Obligation
		if err := rows.Scan(&p.ID, &p.ObligationID, &p.Key, &start, &end, &due, &deadline, &p.MovedReason,
			&o.ID, &o.Code, &o.Title, &o.TitleEN, &o.Basis, &o.Rule, &o.Cover, &o.DueHour, &o.DueMinute, &o.Offsets,
			&o.FixedDeadline, &o.Announce, &o.Summary, &o.NameLateUnits, &updated, &closed,
			&s.Units, &s.Submitted); err != nil {
			return nil, err
		}
		p.Start, p.End, p.DueAt, p.DeadlineAt = fromUnix(start), fromUnix(end), fromUnix(due), fromUnix(deadline)
		o.UpdatedAt, o.ClosedAt = fromUnix(updated), nullTime(closed)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Batch writes many outbox messages and schedule changes in one transaction
// with statements prepared once. A planner tick writes thousands of rows,
// and parsing the SQL again for each row was most of its cost.
type Batch struct {
	tx     *Tx
	insert *sql.Stmt
	// next collects schedule changes by time: most assignments of a tick
	// move to the same next stage, so one UPDATE per distinct time replaces
	// one per assignment.
	next map[int64][]int64 // unix time (0: never) → assignment ids
}

// Batch prepares a batch writer; Close it before the transaction ends.
func (tx *Tx) Batch() (*Batch, error) {
	insert, err := tx.tx.PrepareContext(tx.ctx, `INSERT INTO outbox (dedupe_key, chat_id, thread_id, member_id, kind, text, parse_mode, markup, reply_to, file_path, file_name,
		copy_chat_id, copy_message_id, purpose, ref_id, status, not_before, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`)
	if err != nil {
		return nil, fmt.Errorf("prepare enqueue: %w", err)
	}
	return &Batch{tx: tx, insert: insert, next: map[int64][]int64{}}, nil
}

// Enqueue adds a message unless one with the same key exists, like
// Tx.Enqueue, and says whether it was added.
func (b *Batch) Enqueue(m OutMessage) (created bool, err error) {
	if m.Key == "" {
		return false, fmt.Errorf("enqueue: empty dedupe key")
	}
	if m.Kind == "" {
		m.Kind = KindText
	}
	if m.Status == "" {
		m.Status = OutPending
	}
	if m.NotBefore.IsZero() {
		m.NotBefore = b.tx.now
	}
	res, err := b.insert.ExecContext(b.tx.ctx, m.Key, m.ChatID, m.ThreadID, nullID(m.MemberID), m.Kind, m.Text, m.ParseMode, m.Markup, m.ReplyTo,
		m.FilePath, m.FileName, m.CopyChatID, m.CopyMessageID, m.Purpose, m.RefID, m.Status, m.NotBefore.Unix(), b.tx.now.Unix())
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SetNextNotice schedules an assignment's next look, like Tx.SetNextNotice;
// it takes effect at Flush.
func (b *Batch) SetNextNotice(assignmentID int64, at time.Time) {
	k := unix(at)
	b.next[k] = append(b.next[k], assignmentID)
}

// Flush writes the collected schedule changes; call it before the
// transaction commits.
func (b *Batch) Flush() error {
	for at, ids := range b.next {
		raw, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		var when any = at
		if at == 0 {
			when = nil
		}
		if _, err := b.tx.exec(`UPDATE assignments SET next_notice_at = ? WHERE id IN (SELECT value FROM json_each(?))`, when, string(raw)); err != nil {
			return fmt.Errorf("schedule next notices: %w", err)
		}
	}
	clear(b.next)
	return nil
}

// Close releases the prepared statement.
func (b *Batch) Close() error { return b.insert.Close() }

// NextNoticeAt is the earliest time any assignment needs the planner again
// (zero if none): when the next tick will have work.
func (r *Reader) NextNoticeAt() (time.Time, error) {
	var v sql.NullInt64
	err := r.queryRow(`SELECT MIN(next_notice_at) FROM assignments WHERE next_notice_at IS NOT NULL`).Scan(&v)
	return nullTime(v), err
}
