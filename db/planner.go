package db

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
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

// UnitRecipients is UnitMembers for a planner tick: the active heads and
// members of the given units, by unit, each unit's people by name, with only
// ID, TelegramID, UnitID, Role, Lang and UnreachableAt filled in (what a
// reminder needs). Reading the other columns of ten thousand members was a
// measurable part of the worst tick.
func (r *Reader) UnitRecipients(unitIDs []int64) (map[int64][]Member, error) {
	out := make(map[int64][]Member, len(unitIDs))
	if len(unitIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(unitIDs)
	if err != nil {
		return nil, err
	}
	rows, err := r.query(`SELECT id, telegram_id, unit_id, role, lang, unreachable_at FROM members
		WHERE removed_at IS NULL AND role IN ('head', 'member') AND unit_id IN (SELECT value FROM json_each(?))
		ORDER BY unit_id, name, id`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("unit recipients: %w", err)
	}
	defer rows.Close()
	// Rows come unit by unit: each unit's list is a slice of one array.
	all := make([]Member, 0, len(unitIDs))
	start := 0
	for rows.Next() {
		var m Member
		var unreachable sql.NullInt64
		if err := rows.Scan(&m.ID, &m.TelegramID, &m.UnitID, &m.Role, &m.Lang, &unreachable); err != nil {
			return nil, err
		}
		m.UnreachableAt = nullTime(unreachable)
		if len(all) > start && all[start].UnitID != m.UnitID {
			out[all[start].UnitID] = all[start:len(all):len(all)]
			start = len(all)
		}
		all = append(all, m)
	}
	if len(all) > start {
		out[all[start].UnitID] = all[start:len(all):len(all)]
	}
	return out, rows.Err()
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

// Batch writes many outbox messages and schedule changes in one transaction.
// A planner tick writes thousands of rows: messages are buffered and written
// batchRows to an INSERT (half the cost of one prepared INSERT a row through
// the driver), and schedule changes one UPDATE per distinct time.
type Batch struct {
	tx     *Tx
	insert *sql.Stmt // batchRows rows; prepared on first use
	// pending holds messages not yet written, by status: each INSERT is of
	// one status, so the rows it adds count for that status.
	pending map[string][]OutMessage
	added   map[string]int
	// next collects schedule changes by time: most assignments of a tick
	// move to the same next stage, so one UPDATE per distinct time replaces
	// one per assignment.
	next map[int64][]int64 // unix time (0: never) → assignment ids
}

// batchRows is how many outbox rows one INSERT writes (19 parameters each,
// far below SQLite's limit of 32766).
const batchRows = 200

const outboxInsert = `INSERT INTO outbox (dedupe_key, chat_id, thread_id, member_id, kind, text, parse_mode, markup, reply_to, file_path, file_name,
	copy_chat_id, copy_message_id, purpose, ref_id, status, not_before, created_at, expires_at) VALUES `

const outboxRow = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Batch returns a batch writer; Flush it before the transaction commits, and
// Close it before the transaction ends.
func (tx *Tx) Batch() (*Batch, error) {
	return &Batch{tx: tx, pending: map[string][]OutMessage{}, added: map[string]int{}, next: map[int64][]int64{}}, nil
}

// Enqueue adds a message unless one with the same key exists, like
// Tx.Enqueue; it is written at the latest by Flush, and Added then counts it
// if it was new. Messages of one status are written in the order given; a
// key given twice in one batch with two statuses keeps either one.
func (b *Batch) Enqueue(m OutMessage) error {
	if m.Key == "" {
		return fmt.Errorf("enqueue: empty dedupe key")
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
	st := string(m.Status)
	b.pending[st] = append(b.pending[st], m)
	if len(b.pending[st]) >= batchRows {
		return b.write(st)
	}
	return nil
}

// Added says how many messages of a status the batch has written that did
// not exist before.
func (b *Batch) Added(status OutStatus) int { return b.added[string(status)] }

// write inserts the buffered messages of one status.
func (b *Batch) write(status string) error {
	msgs := b.pending[status]
	for len(msgs) > 0 {
		n := min(len(msgs), batchRows)
		args := make([]any, 0, n*19)
		for _, m := range msgs[:n] {
			args = append(args, m.Key, m.ChatID, m.ThreadID, nullID(m.MemberID), m.Kind, m.Text, m.ParseMode, m.Markup, m.ReplyTo,
				m.FilePath, m.FileName, m.CopyChatID, m.CopyMessageID, m.Purpose, m.RefID, m.Status, m.NotBefore.Unix(), b.tx.now.Unix(), unix(m.ExpiresAt))
		}
		var res sql.Result
		var err error
		if n == batchRows {
			if b.insert == nil {
				q := outboxInsert + strings.TrimSuffix(strings.Repeat(outboxRow+", ", batchRows), ", ") + ` ON CONFLICT (dedupe_key) DO NOTHING`
				if b.insert, err = b.tx.tx.PrepareContext(b.tx.ctx, q); err != nil {
					return fmt.Errorf("prepare enqueue: %w", err)
				}
			}
			res, err = b.insert.ExecContext(b.tx.ctx, args...)
		} else {
			res, err = b.tx.exec(outboxInsert+strings.TrimSuffix(strings.Repeat(outboxRow+", ", n), ", ")+` ON CONFLICT (dedupe_key) DO NOTHING`, args...)
		}
		if err != nil {
			return fmt.Errorf("enqueue %s…: %w", msgs[0].Key, err)
		}
		added, err := res.RowsAffected()
		if err != nil {
			return err
		}
		b.added[status] += int(added)
		msgs = msgs[n:]
	}
	b.pending[status] = b.pending[status][:0]
	return nil
}

// SetNextNotice schedules an assignment's next look, like Tx.SetNextNotice;
// it takes effect at Flush.
func (b *Batch) SetNextNotice(assignmentID int64, at time.Time) {
	k := unix(at)
	b.next[k] = append(b.next[k], assignmentID)
}

// Flush writes the buffered messages and the collected schedule changes;
// call it before the transaction commits.
func (b *Batch) Flush() error {
	statuses := make([]string, 0, len(b.pending))
	for st := range b.pending {
		statuses = append(statuses, st)
	}
	sort.Strings(statuses)
	for _, st := range statuses {
		if err := b.write(st); err != nil {
			return err
		}
	}
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
func (b *Batch) Close() error {
	if b.insert == nil {
		return nil
	}
	return b.insert.Close()
}

// NextNoticeAt is the earliest time any assignment needs the planner again
// (zero if none): when the next tick will have work.
func (r *Reader) NextNoticeAt() (time.Time, error) {
	var v sql.NullInt64
	err := r.queryRow(`SELECT MIN(next_notice_at) FROM assignments WHERE next_notice_at IS NOT NULL`).Scan(&v)
	return nullTime(v), err
}

// dueItems reads the due assignments alone, then their periods with
// obligations and their units once each, by id: a busy tick has thousands
// of assignments of a few periods, and reading the same period, obligation
// and unit columns again on every row was half its cost. Everything is read
// in the caller's transaction, so it is as consistent as the join was. An
// assignment whose period or unit is missing is left out, as the join left
// it out.
func (r *Reader) dueItems(now time.Time, limit int) ([]Item, error) {
	rows, err := r.query(`SELECT id, period_id, unit_id, status, deadline_at, next_notice_at, snoozed_until, submitted_at, closed_at
		FROM assignments WHERE next_notice_at IS NOT NULL AND next_notice_at <= ? ORDER BY next_notice_at, id LIMIT ?`, now.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("due assignments: %w", err)
	}
	var items []Item
	for rows.Next() {
		if items == nil {
			// Allocated on the first row: an idle tick allocates nothing.
			items = make([]Item, 0, min(limit, 4096))
		}
		var it Item
		var deadline int64
		var next, snoozed, submitted, closed sql.NullInt64
		if err := rows.Scan(&it.ID, &it.PeriodID, &it.UnitID, &it.Status, &deadline, &next, &snoozed, &submitted, &closed); err != nil {
			rows.Close()
			return nil, err
		}
		it.DeadlineAt, it.NextNoticeAt, it.SnoozedUntil = fromUnix(deadline), nullTime(next), nullTime(snoozed)
		it.SubmittedAt, it.ClosedAt = nullTime(submitted), nullTime(closed)
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(items) == 0 {
		return nil, err
	}

	type periodOf struct {
		p Period
		o Obligation
	}
	periods := map[int64]*periodOf{}
	units := map[int64]*Unit{}
	var periodIDs, unitIDs []int64
	for _, it := range items {
		if _, ok := periods[it.PeriodID]; !ok {
			periods[it.PeriodID] = nil
			periodIDs = append(periodIDs, it.PeriodID)
		}
		if _, ok := units[it.UnitID]; !ok {
			units[it.UnitID] = nil
			unitIDs = append(unitIDs, it.UnitID)
		}
	}
	ids, err := json.Marshal(periodIDs)
	if err != nil {
		return nil, err
	}
	rows, err = r.query(`SELECT p.id, p.obligation_id, p.key, p.start_at, p.end_at, p.due_at, p.deadline_at, p.moved_reason,
		o.id, o.code, o.title, o.title_en, o.basis, o.rule, o.cover, o.due_hour, o.due_minute, o.offsets, o.fixed_deadline, o.announce, o.summary, o.name_late_units, o.updated_at, o.closed_at
		FROM periods p JOIN obligations o ON o.id = p.obligation_id WHERE p.id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("due periods: %w", err)
	}
	for rows.Next() {
		var c periodOf
		var pstart, pend, pdue, pdeadline, oupdated int64
		var oclosed sql.NullInt64
		p, o := &c.p, &c.o
		if err := rows.Scan(&p.ID, &p.ObligationID, &p.Key, &pstart, &pend, &pdue, &pdeadline, &p.MovedReason,
			&o.ID, &o.Code, &o.Title, &o.TitleEN, &o.Basis, &o.Rule, &o.Cover, &o.DueHour, &o.DueMinute, &o.Offsets, &o.FixedDeadline,
			&o.Announce, &o.Summary, &o.NameLateUnits, &oupdated, &oclosed); err != nil {
			rows.Close()
			return nil, err
		}
		p.Start, p.End, p.DueAt, p.DeadlineAt = fromUnix(pstart), fromUnix(pend), fromUnix(pdue), fromUnix(pdeadline)
		o.UpdatedAt, o.ClosedAt = fromUnix(oupdated), nullTime(oclosed)
		periods[p.ID] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if ids, err = json.Marshal(unitIDs); err != nil {
		return nil, err
	}
	rows, err = r.query(`SELECT id, code, name, name_en, closed_at FROM units WHERE id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("due units: %w", err)
	}
	for rows.Next() {
		u := new(Unit)
		var closed sql.NullInt64
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.NameEN, &closed); err != nil {
			rows.Close()
			return nil, err
		}
		u.ClosedAt = nullTime(closed)
		units[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	out := items[:0]
	for _, it := range items {
		c, u := periods[it.PeriodID], units[it.UnitID]
		if c == nil || u == nil {
			continue
		}
		it.Period, it.Obligation, it.Unit = c.p, c.o, *u
		out = append(out, it)
	}
	return out, nil
}
