package reporting

import (
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// Notice is one stage of one assignment a planner tick found, with the
// members of its unit who can be told.
type Notice struct {
	Item  db.Item
	Stage reminders.Stage
	To    []db.Member
}

// NextLook is when the planner looks at an assignment again; the zero time
// means never.
type NextLook struct {
	AssignmentID int64
	At           time.Time
}

// TickBatch is what one batch of a planner tick comes to: the notices a
// face sends, what it records and tells the Office, and when each
// assignment is looked at again. The face turns it into messages and writes
// it in the same transaction, so a crash repeats a batch or nothing.
type TickBatch struct {
	// Looked is how many assignments the batch looked at; fewer than the
	// limit means the tick is done. FirstID names the batch.
	Looked  int
	FirstID int64
	// Reminders are the stages to send to their units now.
	Reminders []Notice
	// Skipped are stages an outage made stale: recorded for To, never
	// sent, and told to the Office.
	Skipped []Notice
	// Unreached are stages due to a unit nobody can be told: the Office
	// hears of them instead.
	Unreached []Notice
	// Escalations are the Director's.
	Escalations []Notice
	Next        []NextLook
}

// PlanTick decides the next batch of at most limit assignments whose look
// is due at now, found through their next-notice time, so a quiet tick
// costs one indexed query however big the department.
func PlanTick(r *db.Reader, pl *reminders.Planner, now time.Time, limit int) (TickBatch, error) {
	items, err := r.DueItems(now, limit)
	if err != nil || len(items) == 0 {
		return TickBatch{}, err
	}
	unitIDs := make([]int64, 0, len(items))
	seen := map[int64]bool{}
	for _, it := range items {
		if !seen[it.UnitID] {
			seen[it.UnitID] = true
			unitIDs = append(unitIDs, it.UnitID)
		}
	}
	members, err := r.UnitRecipients(unitIDs)
	if err != nil {
		return TickBatch{}, err
	}
	tb := TickBatch{Looked: len(items), FirstID: items[0].ID, Next: make([]NextLook, 0, len(items))}
	for _, it := range items {
		d := pl.Decide(it, now)
		to := Reachable(members[it.UnitID])
		for _, s := range d.Due {
			switch {
			case s.Kind == reminders.StageEscalate:
				tb.Escalations = append(tb.Escalations, Notice{Item: it, Stage: s})
			case len(to) == 0:
				tb.Unreached = append(tb.Unreached, Notice{Item: it, Stage: s})
			default:
				tb.Reminders = append(tb.Reminders, Notice{Item: it, Stage: s, To: to})
			}
		}
		for _, s := range d.Skipped {
			tb.Skipped = append(tb.Skipped, Notice{Item: it, Stage: s, To: to})
		}
		next := d.Next
		if !next.IsZero() && !next.After(now) {
			// Never schedule into the past: the batch loop would find the
			// assignment again and spin.
			next = now.Add(time.Minute)
		}
		tb.Next = append(tb.Next, NextLook{AssignmentID: it.ID, At: next})
	}
	return tb, nil
}

// Reachable keeps the members who can be sent to: one who blocked the bot
// is left out (the sender would hold the message anyway) until they write
// again; the Office's digest says so.
func Reachable(ms []db.Member) []db.Member {
	out := ms[:0:0]
	for _, m := range ms {
		if m.UnreachableAt.IsZero() {
			out = append(out, m)
		}
	}
	return out
}
