package reminders

import (
	"time"

	"github.com/reportbot/reportbot/db"
)

// DigestWindow is how far ahead the weekly digest looks.
const DigestWindow = 14 * 24 * time.Hour

// SummaryStale is how long after its time a deadline's summary is still
// worth posting: a bot back from an outage posts last week's results, not
// last month's.
const SummaryStale = 7 * 24 * time.Hour

// OfficeDigestDue reports whether the Office's daily digest of overdue
// reports is due at now: on a working day, from its working hour on. It
// returns the day (at the working hour), which names the digest so it goes
// out once a day.
func (p *Planner) OfficeDigestDue(now time.Time) (day time.Time, ok bool) {
	day = p.WorkingTime(now)
	return day, p.cal.IsWorkingDay(now) && !now.Before(day)
}

// WeeklyDigestDue reports whether the group's weekly digest is due at now.
// It goes out at the working hour of the week's first working day: Monday,
// or the day the office reopens when Monday is a holiday. A bot that was
// down then sends it when it is back, on a working day of the same week.
// It returns the Monday of the week, which names the digest.
func (p *Planner) WeeklyDigestDue(now time.Time) (monday time.Time, ok bool) {
	loc := p.cal.Location()
	local := now.In(loc)
	y, m, d := local.Date()
	monday = time.Date(y, m, d-(int(local.Weekday())+6)%7, 0, 0, 0, 0, loc)
	for i := 0; i < 7; i++ {
		day := monday.AddDate(0, 0, i)
		if !p.cal.IsWorkingDay(day) {
			continue
		}
		return monday, p.cal.IsWorkingDay(now) && !now.Before(p.WorkingTime(day))
	}
	return monday, false // a week without a working day (Tết can come close)
}

// SummaryAt is when the group hears how a deadline went: the working hour of
// the first working day after it.
func (p *Planner) SummaryAt(deadline time.Time) time.Time {
	return p.NextWorkingTime(deadline)
}

// SummaryDue reports whether a deadline's summary is due at now.
func (p *Planner) SummaryDue(deadline, now time.Time) bool {
	at := p.SummaryAt(deadline)
	return !now.Before(at) && now.Before(at.Add(SummaryStale)) && p.cal.IsWorkingDay(now)
}

// Summary is how one period's deadline went.
type Summary struct {
	Total    int       // units that owed the report
	OnTime   int       // of them, those whose report came by their deadline
	Extended int       // those whose extended deadline has not yet come
	Late     []db.Item // the others, in the order given
}

// Summarize counts who submitted on time, at now. A unit's own deadline
// counts, so an extension is not lateness; a report returned for rework is
// not on time until it comes back; closed units are left out.
func Summarize(items []db.Item, now time.Time) Summary {
	var s Summary
	for _, it := range items {
		if !it.Unit.ClosedAt.IsZero() {
			continue
		}
		s.Total++
		switch {
		case OnTime(it):
			s.OnTime++
		case it.DeadlineAt.After(now):
			s.Extended++
		default:
			s.Late = append(s.Late, it)
		}
	}
	return s
}

// OnTime reports whether an assignment's report came by its deadline.
func OnTime(it db.Item) bool {
	if it.Status != db.StatusSubmitted && it.Status != db.StatusAccepted {
		return false
	}
	at := it.SubmittedAt
	if at.IsZero() {
		// Accepted straight away (say, a paper copy recorded by the Office):
		// the acceptance is the receipt.
		at = it.ClosedAt
	}
	return !at.IsZero() && !at.After(it.DeadlineAt)
}
