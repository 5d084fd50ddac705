package reminders

import (
	"fmt"
	"strings"
	"time"
)

// DeadlineWording writes a worded deadline for people: the wording as the
// document has it and the last day computed from it, so a unit head sees
// both, e.g. "trước ngày 10/6/2026 — hạn cuối: hết ngày 09/6/2026". due is
// the period's nominal last day (before any move for a day off), deadline
// the one in force (moved, or extended). lang "en" gives English, anything
// else Vietnamese. It returns "" for a rule with no wording.
func (r Rule) DeadlineWording(due, deadline time.Time, loc *time.Location, lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	due, deadline = due.In(loc), deadline.In(loc)
	written := due
	if r.Wording == WordingBefore {
		written = due.AddDate(0, 0, 1)
	}
	var head string
	switch {
	case r.Wording == WordingBefore && en:
		head = "before " + written.Format("02/01/2006")
	case r.Wording == WordingBefore:
		head = "trước ngày " + viDate(written)
	case r.Wording == WordingBy && en:
		head = "by " + written.Format("02/01/2006")
	case r.Wording == WordingBy:
		head = "chậm nhất ngày " + viDate(written)
	default:
		return ""
	}
	endOfDay := deadline.Hour() == EndOfDayHour && deadline.Minute() == EndOfDayMinute
	switch {
	case en && endOfDay:
		return fmt.Sprintf("%s — last day: until the end of %s", head, deadline.Format("02/01/2006"))
	case en:
		return fmt.Sprintf("%s — last day: %s, until %s", head, deadline.Format("02/01/2006"), deadline.Format("15:04"))
	case endOfDay:
		return fmt.Sprintf("%s — hạn cuối: hết ngày %s", head, viDate(deadline))
	}
	return fmt.Sprintf("%s — hạn cuối: %s ngày %s", head, deadline.Format("15:04"), viDate(deadline))
}

// viDate writes a date as Vietnamese documents do: "09/6/2026", the day on
// two digits, the month without a leading zero.
func viDate(t time.Time) string {
	return fmt.Sprintf("%02d/%d/%d", t.Day(), int(t.Month()), t.Year())
}

// ParseDeadlineDate reads a deadline typed in chat: "20/06/2026" or a
// worded form, "before 20/06/2026", "trước ngày 20/6/2026", "by 20/06/2026",
// "chậm nhất ngày 20/6/2026", "hạn 20/6/2026". It returns the last day at
// 00:00 in loc (the day before the date written for "before") and the
// wording. Errors are *RuleError.
func ParseDeadlineDate(s string, loc *time.Location) (lastDay time.Time, w Wording, err error) {
	fields := strings.Fields(normalizeText(s))
	for n := 3; n >= 1; n-- {
		if len(fields) > n {
			if ww, ok := wordingWords[strings.Join(fields[:n], " ")]; ok {
				w, fields = ww, fields[n:]
				break
			}
		}
	}
	if len(fields) == 2 && (fields[0] == "ngày" || fields[0] == "on") {
		fields = fields[1:]
	}
	bad := ruleErrorf("không hiểu ngày %q; viết DD/MM/YYYY, có thể thêm \"trước ngày\" hoặc \"chậm nhất ngày\" phía trước",
		"cannot read the date %q; write DD/MM/YYYY, optionally after \"before\" or \"by\"", s)
	if len(fields) != 1 {
		return time.Time{}, 0, bad
	}
	day, perr := time.ParseInLocation("2/1/2006", fields[0], loc)
	if perr != nil {
		return time.Time{}, 0, bad
	}
	if w == WordingBefore {
		day = day.AddDate(0, 0, -1)
	}
	return day, w, nil
}
