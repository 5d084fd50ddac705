// Package requests reads what the Office types when it turns an official
// letter into an ad-hoc request (báo cáo đột xuất): the title, the deadline
// in the plan's wording ("trước ngày 05/12", "chậm nhất ngày 05/12/2026
// 17:00") and, optionally, the units. It knows no Telegram and no database.
package requests

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/reminders"
)

// Problem is input the Office must fix: Key names the sentence to show
// ("request.<Key>" in the bot's texts), Args fill it.
type Problem struct {
	Key  string
	Args []any
}

func (p *Problem) Error() string { return fmt.Sprintf("request: %s %v", p.Key, p.Args) }

// Spec is a request as typed: its title, its deadline, and the unit codes
// when the Office named them (nil: to be picked; AllUnits: every unit).
type Spec struct {
	Title    string
	Deadline time.Time
	Units    []string
	AllUnits bool
	// ReportTo names who receives the department's report ("Nơi nhận:
	// UBND tỉnh"); then Deadline is the department's, and the units'
	// comes UnitsLead working days before it.
	ReportTo string
	// Basis is the letter as the draft cites it ("Căn cứ: Công văn số
	// 123/UBND-NC ngày 01/6/2026 của UBND tỉnh"); "" when not given.
	Basis string
}

// UnitsLead is how many working days before the department's deadline the
// units' reports are due, when the request names where the department's
// report goes.
const UnitsLead = 2

// DefaultDueHour is a request's deadline hour when the text gives none,
// as the plan's due_time defaults.
const DefaultDueHour = 17

// deadlineRe finds a deadline: an optional lead ("trước ngày", "chậm nhất
// ngày", "hạn", "trước"), DD/MM, an optional year and an optional time.
var deadlineRe = regexp.MustCompile(`(?i)(?:(?:trước|chậm nhất|hạn(?: nộp)?|before|by|due)\s*(?:ngày\s*)?)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?(?:\s*(?:lúc\s*)?(\d{1,2})[:h](\d{2}))?`)

// unitsRe finds a unit list: "Đơn vị: TCBC, VP", "units: all"; reportToRe
// the recipients of the department's report: "Nơi nhận: UBND tỉnh".
var (
	unitsRe    = regexp.MustCompile(`(?i)^\s*(?:đơn vị|units?)\s*:\s*(.*)$`)
	reportToRe = regexp.MustCompile(`(?i)^\s*(?:nơi nhận|report to)\s*:\s*(.*)$`)
	basisRe    = regexp.MustCompile(`(?i)^\s*(?:căn cứ|basis)\s*:\s*(.*)$`)
)

// Parse reads the Office's text: the title on the first line, the deadline
// on the next line or at the end of the title, and optionally a line
// "Đơn vị: TCBC, VP" (or "tất cả"), a line "Nơi nhận: UBND tỉnh" and a line
// "Căn cứ: Công văn số …". A deadline without a year is this
// year's, or next year's when that date is long past. The deadline's time
// is dueHour:dueMinute unless the text gives one. A missing title, a missing
// or impossible date, or a deadline not after now is a Problem.
func Parse(text string, now time.Time, loc *time.Location, dueHour, dueMinute int) (Spec, error) {
	var lines []string
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '|' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var spec Spec
	var rest []string
	for _, l := range lines {
		if m := unitsRe.FindStringSubmatch(l); m != nil {
			spec.Units, spec.AllUnits = unitList(m[1])
			continue
		}
		if m := reportToRe.FindStringSubmatch(l); m != nil {
			spec.ReportTo = strings.TrimSpace(m[1])
			continue
		}
		if m := basisRe.FindStringSubmatch(l); m != nil {
			spec.Basis = strings.TrimSpace(m[1])
			continue
		}
		rest = append(rest, l)
	}
	if len(rest) == 0 {
		return Spec{}, &Problem{Key: "no_title"}
	}
	title, deadlineText := rest[0], strings.Join(rest[1:], " ")
	if deadlineText == "" || !deadlineRe.MatchString(deadlineText) {
		// "Báo cáo … trước ngày 05/12": the deadline ends the title line.
		loc := deadlineRe.FindStringIndex(title)
		if loc == nil {
			return Spec{}, &Problem{Key: "no_deadline"}
		}
		title, deadlineText = title[:loc[0]], title[loc[0]:]
	}
	spec.Title = strings.TrimRight(strings.TrimSpace(title), ",;:-– ")
	if spec.Title == "" {
		return Spec{}, &Problem{Key: "no_title"}
	}
	d, err := deadline(deadlineText, now, loc, dueHour, dueMinute)
	if err != nil {
		return Spec{}, err
	}
	spec.Deadline = d
	return spec, nil
}

// longPast is how far back a date without a year may be before it is read
// as next year's: "05/01" written on 28/12 means next January.
const longPast = 120 * 24 * time.Hour

func deadline(text string, now time.Time, loc *time.Location, hour, minute int) (time.Time, error) {
	m := deadlineRe.FindStringSubmatch(text)
	if m == nil {
		return time.Time{}, &Problem{Key: "no_deadline"}
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	year := now.In(loc).Year()
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
	}
	if m[4] != "" {
		hour, _ = strconv.Atoi(m[4])
		minute, _ = strconv.Atoi(m[5])
	}
	t := time.Date(year, time.Month(month), day, hour, minute, 0, 0, loc)
	if t.Day() != day || int(t.Month()) != month || hour > 23 || minute > 59 {
		return time.Time{}, &Problem{Key: "bad_deadline", Args: []any{strings.TrimSpace(m[0])}}
	}
	if m[3] == "" && now.Sub(t) > longPast {
		t = t.AddDate(1, 0, 0)
	}
	if !t.After(now) {
		return time.Time{}, &Problem{Key: "past_deadline", Args: []any{t.Format("15:04 02/01/2006")}}
	}
	return t, nil
}

// unitList reads "TCBC, VP" or "tất cả" / "all".
func unitList(s string) (codes []string, all bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "tất cả", "all", "toàn bộ":
		return nil, true
	}
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		codes = append(codes, strings.ToUpper(c))
	}
	return codes, false
}

// Offsets are the reminders a request gets: the plan's usual ones that
// still fall after now, so a request made three days before its deadline
// does not open with a "7 days left" reminder.
func Offsets(deadline, now time.Time) []reminders.Offset {
	var out []reminders.Offset
	for _, off := range reminders.DefaultOffsets {
		// A day offset fires at the working hour of that day, earlier than
		// the deadline's own hour: comparing whole days is close enough.
		if deadline.Add(-time.Duration(off.Days)*24*time.Hour - off.Dur).After(now) {
			out = append(out, off)
		}
	}
	return out
}

// UnitsDeadline is when the units' reports are due: the request's deadline,
// or, when the department's report goes on to ReportTo, UnitsLead working
// days before it. A units' deadline not after now is a Problem.
func UnitsDeadline(spec Spec, cal *reminders.Calendar, now time.Time) (time.Time, error) {
	if spec.ReportTo == "" {
		return spec.Deadline, nil
	}
	d := cal.AddWorkingDays(spec.Deadline, -UnitsLead)
	if !d.After(now) {
		return time.Time{}, &Problem{Key: "too_close", Args: []any{UnitsLead, d.In(cal.Location()).Format("15:04 02/01/2006")}}
	}
	return d, nil
}
