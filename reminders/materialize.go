package reminders

import (
	"fmt"
	"time"

	"github.com/reportbot/reportbot/db"
)

// Horizon is how far ahead periods are created: far enough for the weekly
// digest's 14 days and the earliest reminder, near enough that a monthly
// obligation does not fill the database with a year of empty periods.
const Horizon = 45 * 24 * time.Hour

// EnsurePeriods creates the periods and assignments the obligations produce
// from now on: every period whose deadline falls within Horizon, or else the
// next one, so every obligation always shows what is owed next. A deadline on a day off moves to the next working day unless
// the obligation is fixed. Future periods a changed obligation no longer
// produces are dropped, and units that no longer owe it lose their future
// assignments; the past is never touched. It is cheap to call again.
func EnsurePeriods(tx *db.Tx, pol Policy) error {
	now := tx.Now()
	cal := pol.Calendar()
	loc := cal.Location()
	r := tx.Reader()
	obs, err := r.ObligationsBare(true)
	if err != nil {
		return err
	}
	for _, o := range obs {
		if !o.ClosedAt.IsZero() {
			if _, err := tx.DropFuturePeriods(o.ID, nil); err != nil {
				return err
			}
			continue
		}
		unitIDs, err := r.ObligationUnitIDs(o.ID)
		if err != nil {
			return err
		}
		keys, err := ensureObligation(tx, o, unitIDs, now, loc, cal)
		if err != nil {
			return fmt.Errorf("obligation %s: %w", o.Code, err)
		}
		if _, err := tx.DropFuturePeriods(o.ID, keys); err != nil {
			return err
		}
		if err := tx.CloseFutureAssignments(o.ID, unitIDs); err != nil {
			return err
		}
	}
	return nil
}

func ensureObligation(tx *db.Tx, o db.Obligation, unitIDs []int64, now time.Time, loc *time.Location, cal *Calendar) ([]string, error) {
	rule, err := ParseRule(o.Rule)
	if err != nil {
		return nil, err
	}
	cover := Cover(o.Cover)
	// Start a little in the past: a deadline due yesterday that moved past a
	// holiday may still be ahead.
	from := now.AddDate(0, 0, -14)
	candidates := rule.Periods(cover, loc, o.DueHour, o.DueMinute, from, now.Add(Horizon))
	next := rule.Periods(cover, loc, o.DueHour, o.DueMinute, now.Add(Horizon), now.AddDate(3, 0, 0))
	var keys []string
	nextSaved := false
	for _, p := range append(candidates, next...) {
		dp := db.Period{ObligationID: o.ID, Key: p.Key, Start: p.Start, End: p.End, DueAt: p.Due, DeadlineAt: p.Due}
		if !o.FixedDeadline {
			if adj, moved, why := cal.AdjustDeadline(p.Due); moved {
				dp.DeadlineAt, dp.MovedReason = adj, why.NameVI
				if why.Estimated {
					// The Government has not announced the year: say so
					// wherever the moved deadline is quoted.
					dp.MovedReason += " (dự kiến)"
				}
			}
		}
		if !dp.DeadlineAt.After(now) {
			continue
		}
		if !p.Due.Before(now.Add(Horizon)) {
			if nextSaved || len(keys) > 0 {
				break
			}
			nextSaved = true
		}
		if _, err := tx.SavePeriod(dp, unitIDs); err != nil {
			return nil, err
		}
		keys = append(keys, p.Key)
	}
	return keys, nil
}
