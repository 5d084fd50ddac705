package reminders

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Cover names the span of time a report is about, independently of when it is
// due: the first-half report is due on 10/06 but covers January–June.
type Cover string

// The covers a plan may give. Each maps a deadline to exactly one period:
//
//   - CoverYear: the calendar year of the deadline.
//   - CoverFirstHalf / CoverSecondHalf: the latest such half-year that has
//     begun by the deadline (a second-half report due 15/01/2027 covers
//     the second half of 2026).
//   - CoverHalf: the half-year that ends in the deadline's month or just
//     before it (due 10/06 → first half; due 15/01 → last year's second half).
//   - CoverQuarter / CoverMonth: the quarter / month containing the deadline.
//   - CoverOnce: the deadline's own date; the period has no span.
const (
	CoverYear       Cover = "year"
	CoverFirstHalf  Cover = "first-half"
	CoverSecondHalf Cover = "second-half"
	CoverHalf       Cover = "half"
	CoverQuarter    Cover = "quarter"
	CoverMonth      Cover = "month"
	CoverOnce       Cover = "once"
)

// coverWords maps accepted spellings (normalised) to covers.
var coverWords = map[string]Cover{
	"year": CoverYear, "annual": CoverYear, "năm": CoverYear, "cả năm": CoverYear,
	"first-half": CoverFirstHalf, "first half": CoverFirstHalf, "h1": CoverFirstHalf,
	"6 tháng đầu năm": CoverFirstHalf, "6 tháng đầu": CoverFirstHalf,
	"second-half": CoverSecondHalf, "second half": CoverSecondHalf, "h2": CoverSecondHalf,
	"6 tháng cuối năm": CoverSecondHalf, "6 tháng cuối": CoverSecondHalf,
	"half": CoverHalf, "half-year": CoverHalf, "6 tháng": CoverHalf, "nửa năm": CoverHalf,
	"quarter": CoverQuarter, "quý": CoverQuarter,
	"month": CoverMonth, "tháng": CoverMonth,
	"once": CoverOnce, "one-off": CoverOnce, "một lần": CoverOnce, "đợt": CoverOnce,
}

// ParseCover parses the plan's "covers" field (English or Vietnamese,
// case-insensitive). Errors are *RuleError.
func ParseCover(s string) (Cover, error) {
	if c, ok := coverWords[normalizeText(s)]; ok {
		return c, nil
	}
	return "", ruleErrorf("không hiểu kỳ báo cáo %q; dùng year, first-half, second-half, half, quarter, month hoặc once",
		"cannot understand the period %q; use year, first-half, second-half, half, quarter, month or once", s)
}

// DefaultCover is the cover a rule kind has when the plan gives none.
func DefaultCover(k RuleKind) Cover {
	switch k {
	case Yearly:
		return CoverYear
	case HalfYearly:
		return CoverHalf
	case Quarterly:
		return CoverQuarter
	case Monthly:
		return CoverMonth
	}
	return CoverOnce
}

// CheckCover reports whether every occurrence of r falls in a different
// period of cover c, which period keys need to be unique: a quarterly rule
// cannot cover a year (four deadlines would share the key "2026").
// The error is a *RuleError.
func (r Rule) CheckCover(c Cover) error {
	// How many times per year each kind fires, and how many periods of each
	// cover a year holds; first/second-half hold one period a year.
	perYear := map[RuleKind]int{Yearly: 1, HalfYearly: 2, Quarterly: 4, Monthly: 12, Once: 0}[r.Kind]
	periods := map[Cover]int{CoverYear: 1, CoverFirstHalf: 1, CoverSecondHalf: 1, CoverHalf: 2, CoverQuarter: 4, CoverMonth: 12, CoverOnce: 366}
	n, ok := periods[c]
	if !ok {
		return ruleErrorf("kỳ báo cáo %q không hợp lệ", "the period %q is not valid", string(c))
	}
	if perYear > n {
		return ruleErrorf("lịch %q lặp %d lần mỗi năm nhưng kỳ %q chỉ có %d kỳ mỗi năm; các lần nộp sẽ trùng kỳ",
			"the recurrence %q repeats %d times a year but the period %q has only %d a year; deadlines would share a period",
			r.String(), perYear, string(c), n)
	}
	return nil
}

// Period is one occurrence of an obligation: what it covers and when it is due.
type Period struct {
	// Key is stable and unique per obligation: "2026", "2026-H1", "2026-H2",
	// "2026-Q3", "2026-07", "2026-03-15" (once).
	Key string
	// Start and End are the covered span as civil midnights in the plan's
	// zone, End exclusive. Both are zero for CoverOnce.
	Start, End time.Time
	// Due is the nominal deadline in the plan's zone, before any day-off
	// adjustment (that belongs to the working calendar).
	Due time.Time
}

// Periods returns every occurrence of r with from <= Due < to, in order.
// Deadlines are enumerated with robfig/cron (the schedule CronSpec returns),
// except Once and Last rules which cron cannot express.
func (r Rule) Periods(cover Cover, loc *time.Location, dueHour, dueMinute int, from, to time.Time) []Period {
	if !from.Before(to) {
		return nil
	}
	// "before 10/06" is due on 09/06: enumerate the written dates a day
	// later and step back to the last day.
	if r.Wording == WordingBefore {
		from, to = from.AddDate(0, 0, 1), to.AddDate(0, 0, 1)
	}
	var dues []time.Time
	h, m := r.clock(dueHour, dueMinute)
	switch {
	case r.Kind == Once:
		d := time.Date(r.Year, time.Month(r.Month), r.Day, h, m, 0, 0, loc)
		if !d.Before(from) && d.Before(to) {
			dues = append(dues, d)
		}
	case r.Last:
		dues = r.lastDays(loc, h, m, from, to)
	default:
		sched, err := cron.ParseStandard(r.CronSpec(loc, dueHour, dueMinute))
		if err != nil {
			// CronSpec only builds specs from validated fields; a failure
			// here is a bug, not user input.
			panic(fmt.Sprintf("reminders: cron rejected %q: %v", r.CronSpec(loc, dueHour, dueMinute), err))
		}
		// Next is strictly after its argument; step back a nanosecond so a
		// deadline exactly at from is included.
		for t := sched.Next(from.Add(-time.Nanosecond)); !t.IsZero() && t.Before(to); t = sched.Next(t) {
			dues = append(dues, t.In(loc))
		}
	}
	out := make([]Period, 0, len(dues))
	for _, d := range dues {
		if r.Wording == WordingBefore {
			d = d.AddDate(0, 0, -1)
		}
		out = append(out, periodFor(cover, d))
	}
	return out
}

// lastDays enumerates last-day-of-month deadlines in the rule's months.
func (r Rule) lastDays(loc *time.Location, h, m int, from, to time.Time) []time.Time {
	var out []time.Time
	f := from.In(loc)
	y, mo := f.Year(), f.Month()
	for {
		if r.Kind == Monthly || (r.Kind == Quarterly && mo%3 == 0) || (r.Kind == HalfYearly && mo%6 == 0) {
			d := time.Date(y, mo, daysIn(y, mo), h, m, 0, 0, loc)
			if !d.Before(to) {
				return out
			}
			if !d.Before(from) {
				out = append(out, d)
			}
		}
		if mo == time.December {
			y, mo = y+1, time.January
		} else {
			mo++
		}
	}
}

// periodFor maps a deadline to the period it covers (see the Cover constants).
func periodFor(c Cover, due time.Time) Period {
	loc := due.Location()
	y, mo := due.Year(), due.Month()
	civil := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, loc) }
	p := Period{Due: due}
	switch c {
	case CoverYear:
		p.Key, p.Start, p.End = strconv.Itoa(y), civil(y, 1), civil(y+1, 1)
	case CoverFirstHalf:
		p.Key, p.Start, p.End = fmt.Sprintf("%d-H1", y), civil(y, 1), civil(y, 7)
	case CoverSecondHalf:
		if mo < time.July {
			y--
		}
		p.Key, p.Start, p.End = fmt.Sprintf("%d-H2", y), civil(y, 7), civil(y+1, 1)
	case CoverHalf:
		switch {
		case mo == time.December:
			p.Key, p.Start, p.End = fmt.Sprintf("%d-H2", y), civil(y, 7), civil(y+1, 1)
		case mo >= time.June:
			p.Key, p.Start, p.End = fmt.Sprintf("%d-H1", y), civil(y, 1), civil(y, 7)
		default:
			p.Key, p.Start, p.End = fmt.Sprintf("%d-H2", y-1), civil(y-1, 7), civil(y, 1)
		}
	case CoverQuarter:
		q := (int(mo)-1)/3 + 1
		first := time.Month(3*(q-1) + 1)
		p.Key, p.Start, p.End = fmt.Sprintf("%d-Q%d", y, q), civil(y, first), civil(y, first+3)
	case CoverMonth:
		p.Key, p.Start, p.End = fmt.Sprintf("%d-%02d", y, int(mo)), civil(y, mo), civil(y, mo+1)
	default: // CoverOnce and anything unvalidated: the date itself, no span.
		p.Key = due.Format("2006-01-02")
	}
	return p
}

var (
	romanQuarters = [...]string{"I", "II", "III", "IV"}
	englishMonths = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// PeriodName renders a period key for people. lang "en" (or "en-…") gives
// English; anything else gives Vietnamese, the department's language:
//
//	2026        năm 2026                 2026
//	2026-H1     6 tháng đầu năm 2026     first half of 2026
//	2026-H2     6 tháng cuối năm 2026    second half of 2026
//	2026-Q3     quý III/2026             Q3 2026
//	2026-07     tháng 7/2026             July 2026
//	2026-03-15  một lần, hạn ngày 15/3/2026  one-off, due 15/03/2026
//
// An unrecognised key is returned unchanged.
func PeriodName(key string, lang string) string {
	en := strings.EqualFold(lang, "en") || strings.HasPrefix(strings.ToLower(lang), "en-")
	parts := strings.Split(key, "-")
	year, err := strconv.Atoi(parts[0])
	if err != nil || len(parts[0]) != 4 {
		return key
	}
	switch len(parts) {
	case 1:
		if en {
			return parts[0]
		}
		return "năm " + parts[0]
	case 2:
		switch s := parts[1]; {
		case s == "H1":
			if en {
				return fmt.Sprintf("first half of %d", year)
			}
			return fmt.Sprintf("6 tháng đầu năm %d", year)
		case s == "H2":
			if en {
				return fmt.Sprintf("second half of %d", year)
			}
			return fmt.Sprintf("6 tháng cuối năm %d", year)
		case len(s) == 2 && s[0] == 'Q' && s[1] >= '1' && s[1] <= '4':
			q := int(s[1] - '0')
			if en {
				return fmt.Sprintf("Q%d %d", q, year)
			}
			return fmt.Sprintf("quý %s/%d", romanQuarters[q-1], year)
		case len(s) == 2:
			mo, err := strconv.Atoi(s)
			if err != nil || mo < 1 || mo > 12 {
				return key
			}
			if en {
				return fmt.Sprintf("%s %d", englishMonths[mo-1], year)
			}
			return fmt.Sprintf("tháng %d/%d", mo, year)
		}
	case 3:
		d, err := time.Parse("2006-01-02", key)
		if err != nil {
			return key
		}
		if en {
			return "one-off, due " + d.Format("02/01/2006")
		}
		return "một lần, hạn ngày " + viDate(d)
	}
	return key
}
