package reporting

import "time"

// Standing is how a moment stands against a deadline, counted in calendar
// days of the plan's zone. Before the deadline (or at it) Days is the days
// left, 0 on the deadline's own day ("due today"). After it Late is true and
// Days is at least 1: a report one minute late is one day late, never
// "late 0 days", and nothing after a deadline says "due today". Every text
// and file that tells lateness (receipt, Office card, /status, /overdue,
// digest, export) uses this one rule.
type Standing struct {
	Late bool
	Days int
}

// Measure tells how at stands against deadline in loc.
func Measure(at, deadline time.Time, loc *time.Location) Standing {
	days := calendarDays(at, deadline, loc)
	if at.After(deadline) {
		return Standing{Late: true, Days: max(1, -days)}
	}
	return Standing{Days: max(0, days)}
}

// DaysLate is the days late of a report received at received: 0 when it
// came by the deadline. It is what a submission stores.
func DaysLate(received, deadline time.Time, loc *time.Location) int {
	if s := Measure(received, deadline, loc); s.Late {
		return s.Days
	}
	return 0
}

// calendarDays counts calendar days from from's date to to's date in loc:
// 0 on the same day, negative when to's date is earlier.
func calendarDays(from, to time.Time, loc *time.Location) int {
	a, b := from.In(loc), to.In(loc)
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
