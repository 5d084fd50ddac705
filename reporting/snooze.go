package reporting

import (
	"fmt"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// deadlineLead is how long before the deadline a snooze that would pass it
// comes back, so the unit can still hand in on time.
const deadlineLead = time.Hour

// SnoozeUntil is when "remind me later", pressed at now, brings the reminder
// back: the next working day's working hour, but never after the next
// reminder the plan has for the unit, and never past the deadline (an hour
// before it when there is still time). So a snooze neither swallows a
// scheduled reminder nor outlives the deadline.
func SnoozeUntil(pl *reminders.Planner, it db.Item, now time.Time) time.Time {
	until := pl.NextWorkingTime(now)
	plain := it
	plain.SnoozedUntil = time.Time{}
	for _, s := range pl.Stages(plain, until) {
		if s.At.After(now) && s.Kind != reminders.StageEscalate {
			until = earliest(until, s.At)
			break
		}
	}
	if now.Before(it.DeadlineAt) {
		limit := it.DeadlineAt.Add(-deadlineLead)
		if !limit.After(now) {
			limit = it.DeadlineAt
		}
		until = earliest(until, limit)
	}
	return until
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// Hold makes the Snooze transition: the unit's reminders about it wait
// until SnoozeUntil, while an earlier look the planner had scheduled (the
// Director's escalation) still happens.
func Hold(tx *db.Tx, a Actor, pl *reminders.Planner, it db.Item) (time.Time, error) {
	if err := check(tx, Snooze, a, it); err != nil {
		return time.Time{}, err
	}
	cur, err := tx.Reader().Item(it.ID)
	if err != nil {
		return time.Time{}, err
	}
	until := SnoozeUntil(pl, cur, tx.Now())
	if err := tx.Snooze(it.ID, until); err != nil {
		return until, err
	}
	if next := cur.NextNoticeAt; !next.IsZero() && next.Before(until) {
		if err := tx.SetNextNotice(it.ID, next); err != nil {
			return until, err
		}
	}
	return until, tx.Audit(a.MemberID, a.TelegramID, Snooze.Name, fmt.Sprint(it.ID), until.UTC().Format(time.RFC3339))
}
