package reminders

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// RuleError is a parse or validation error fit to show to the person editing
// the plan. It carries both languages because the plan parser decides which
// one the user reads; Error returns "VI / EN" so a log line is readable by
// everyone on the team.
type RuleError struct {
	VI, EN string
}

// Error returns the Vietnamese and English messages joined by " / ".
func (e *RuleError) Error() string { return e.VI + " / " + e.EN }

// ruleErrorf builds a *RuleError; both formats take the same arguments.
func ruleErrorf(vi, en string, args ...any) *RuleError {
	return &RuleError{VI: fmt.Sprintf(vi, args...), EN: fmt.Sprintf(en, args...)}
}

// RuleKind says how often an obligation recurs.
type RuleKind int

// The recurrence kinds. The zero value is deliberately not a valid kind so a
// forgotten Rule is caught rather than silently treated as yearly.
const (
	Yearly RuleKind = iota + 1
	HalfYearly
	Quarterly
	Monthly
	Once
)

// String returns the canonical English keyword of the kind.
func (k RuleKind) String() string {
	switch k {
	case Yearly:
		return "yearly"
	case HalfYearly:
		return "half-yearly"
	case Quarterly:
		return "quarterly"
	case Monthly:
		return "monthly"
	case Once:
		return "once"
	}
	return fmt.Sprintf("RuleKind(%d)", int(k))
}

// Rule is a compiled recurrence such as "yearly 10/06" or
// "once 15/03/2026 17:00". Rules are comparable with ==.
type Rule struct {
	Kind RuleKind
	// Day is the day of the month (1–31). It is 0 when Last is set.
	Day int
	// Month is used by Yearly and Once (1–12).
	Month int
	// Year is used by Once only.
	Year int
	// Hour and Minute are the rule's own clock time, valid when HasTime;
	// otherwise the obligation's due time applies.
	Hour, Minute int
	HasTime      bool
	// Last means "the last day of the month" (monthly, quarterly and
	// half-yearly only). cron cannot say this, so such rules are enumerated
	// without cron and CronSpec returns "".
	Last bool
	// Wording is how the document words the date: "before 10/06" makes
	// 09/06 the last day, "by 10/06" 10/06 itself. A worded deadline ends
	// at the end of its last day unless the obligation sets a closing time.
	Wording Wording
}

// Wording is how a document words a deadline's date.
type Wording int

// The wordings. WordingNone is the plain "yearly 10/06" of older plans: due
// on that date at the due time.
const (
	WordingNone Wording = iota
	// WordingBefore is "before 10/06", "trước ngày 10/6": the last day is
	// the day before the date written.
	WordingBefore
	// WordingBy is "by 10/06", "chậm nhất ngày 10/6", "hạn 10/6": the last
	// day is the date written.
	WordingBy
)

// wordingWords are the accepted spellings of each wording, normalised.
var wordingWords = map[string]Wording{
	"before": WordingBefore, "trước": WordingBefore,
	"by": WordingBy, "hạn": WordingBy, "chậm nhất": WordingBy, "hạn chót": WordingBy, "no later than": WordingBy,
}

// EndOfDayHour and EndOfDayMinute are the clock of a worded deadline with no
// closing time: its last day ends at 24:00 (Civil Code art. 148(6)); the
// planner counts in minutes, so the last minute stands for it.
const (
	EndOfDayHour   = 23
	EndOfDayMinute = 59
)

// kindWords maps every accepted keyword (already lower-case, NFC, single
// spaces) to its kind. Vietnamese offices write both "hằng" and "hàng".
var kindWords = []struct {
	word string
	kind RuleKind
}{
	{"half-yearly", HalfYearly}, {"half yearly", HalfYearly}, {"halfyearly", HalfYearly},
	{"semi-annually", HalfYearly}, {"semiannually", HalfYearly}, {"semi-annual", HalfYearly},
	{"every 6 months", HalfYearly}, {"hằng 6 tháng", HalfYearly}, {"hàng 6 tháng", HalfYearly},
	{"mỗi 6 tháng", HalfYearly}, {"6 tháng", HalfYearly}, {"sáu tháng", HalfYearly},
	{"nửa năm", HalfYearly},
	{"yearly", Yearly}, {"annually", Yearly}, {"annual", Yearly}, {"every year", Yearly},
	{"hằng năm", Yearly}, {"hàng năm", Yearly}, {"mỗi năm", Yearly},
	{"quarterly", Quarterly}, {"every quarter", Quarterly},
	{"hằng quý", Quarterly}, {"hàng quý", Quarterly}, {"mỗi quý", Quarterly},
	{"monthly", Monthly}, {"every month", Monthly},
	{"hằng tháng", Monthly}, {"hàng tháng", Monthly}, {"mỗi tháng", Monthly},
	{"once", Once}, {"one-off", Once}, {"one off", Once},
	{"một lần", Once}, {"1 lần", Once},
}

// lastWords are the accepted spellings of "last day of the month".
var lastWords = map[string]bool{"last": true, "cuối": true, "cuối tháng": true, "ngày cuối": true, "ngày cuối tháng": true}

// ParseRule parses the friendly recurrence text of the plan file:
//
//	yearly DD/MM | half-yearly DD | quarterly DD | monthly DD | once DD/MM/YYYY
//
// each optionally followed by HH:MM. Matching is case-insensitive, Vietnamese
// keywords ("hằng năm", "hằng quý", "hằng tháng", "6 tháng", "một lần") are
// accepted, and so are the fillers "ngày"/"on" before the date and
// "lúc"/"at" before the time. half-yearly means June and December, quarterly
// the last month of each quarter. Monthly, quarterly and half-yearly also
// accept "last" ("cuối tháng"). Every error is a *RuleError.
func ParseRule(s string) (Rule, error) {
	text := normalizeText(s)
	if text == "" {
		return Rule{}, ruleErrorf("chưa ghi lịch lặp lại (ví dụ: \"yearly 10/06\")",
			"the recurrence is empty (for example \"yearly 10/06\")")
	}
	var r Rule
	rest := ""
	for _, kw := range kindWords {
		if text == kw.word || strings.HasPrefix(text, kw.word+" ") {
			r.Kind = kw.kind
			rest = strings.TrimSpace(text[len(kw.word):])
			break
		}
	}
	if r.Kind == 0 {
		return Rule{}, ruleErrorf("không hiểu lịch lặp lại %q; dùng yearly DD/MM, half-yearly DD, quarterly DD, monthly DD hoặc once DD/MM/YYYY",
			"cannot understand the recurrence %q; use yearly DD/MM, half-yearly DD, quarterly DD, monthly DD or once DD/MM/YYYY", s)
	}

	fields := strings.Fields(rest)
	// The wording comes first: "yearly before 10/06", "hằng năm chậm nhất
	// ngày 10/6", "no later than 10/06".
	for n := 3; n >= 1; n-- {
		if len(fields) >= n {
			if w, ok := wordingWords[strings.Join(fields[:n], " ")]; ok {
				r.Wording, fields = w, fields[n:]
				break
			}
		}
	}
	// Drop fillers people naturally write: "hằng năm ngày 10/06 lúc 17:00".
	var words []string
	for _, f := range fields {
		switch f {
		case "ngày", "day", "on", "lúc", "at", "vào":
		default:
			words = append(words, f)
		}
	}
	// "cuối tháng" is two words; fold it back into one token.
	if len(words) >= 2 && lastWords[words[0]+" "+words[1]] {
		words = append([]string{"last"}, words[2:]...)
	}
	if len(words) == 0 {
		return Rule{}, ruleErrorf("lịch %q thiếu ngày", "the recurrence %q has no day", s)
	}
	if len(words) > 2 {
		return Rule{}, ruleErrorf("lịch %q có phần thừa %q", "the recurrence %q has extra text %q", s, strings.Join(words[2:], " "))
	}
	if len(words) == 2 {
		h, m, err := ParseClock(words[1])
		if err != nil {
			return Rule{}, err
		}
		r.Hour, r.Minute, r.HasTime = h, m, true
	}
	if err := r.parseDate(words[0], s); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// parseDate fills Day/Month/Year (or Last) from the date token of a rule.
func (r *Rule) parseDate(tok, orig string) error {
	if lastWords[tok] {
		switch r.Kind {
		case Monthly, Quarterly, HalfYearly:
			r.Last = true
			if r.Wording == WordingBefore {
				return ruleErrorf("\"before last\" không rõ nghĩa; ghi ngày cụ thể", "\"before last\" is unclear; write the day")
			}
			return nil
		}
		return ruleErrorf("\"last\" (ngày cuối tháng) chỉ dùng cho monthly, quarterly, half-yearly",
			"\"last\" (last day of the month) only works with monthly, quarterly and half-yearly")
	}

	parts := strings.Split(tok, "/")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || len(p) > 4 || n < 0 {
			return ruleErrorf("ngày %q trong lịch %q không hợp lệ", "the date %q in the recurrence %q is not valid", tok, orig)
		}
		nums[i] = n
	}
	want := map[RuleKind]int{Yearly: 2, HalfYearly: 1, Quarterly: 1, Monthly: 1, Once: 3}[r.Kind]
	if len(nums) != want {
		form := map[RuleKind]string{Yearly: "DD/MM", HalfYearly: "DD", Quarterly: "DD", Monthly: "DD", Once: "DD/MM/YYYY"}[r.Kind]
		return ruleErrorf("%s cần ngày dạng %s, không phải %q", "%s needs a date written %s, not %q", r.Kind, form, tok)
	}
	r.Day = nums[0]
	if r.Day < 1 || r.Day > 31 {
		return ruleErrorf("ngày %d không tồn tại (phải từ 1 đến 31)", "day %d does not exist (must be 1 to 31)", r.Day)
	}
	if r.Wording == WordingBefore && r.Day == 1 && r.Kind != Yearly && r.Kind != Once {
		// "before the 1st" would fall in the month before, outside the
		// months the rule names; "last" says it plainly.
		return ruleErrorf("\"before 01\" rơi vào tháng trước; dùng \"last\" (ngày cuối tháng)",
			"\"before 01\" falls in the previous month; use \"last\"")
	}
	switch r.Kind {
	case Monthly:
		// cron skips months that lack the day, so "monthly 31" would silently
		// drop five months a year. Refuse and point at "last".
		if r.Day > 28 {
			return ruleErrorf("monthly chỉ nhận ngày 1–28 (không phải tháng nào cũng có ngày %d); dùng \"monthly last\" cho ngày cuối tháng",
				"monthly takes days 1–28 (not every month has day %d); use \"monthly last\" for the last day", r.Day)
		}
	case Quarterly, HalfYearly:
		// June and September have 30 days.
		if r.Day > 30 {
			return ruleErrorf("%s chỉ nhận ngày 1–30 (tháng 6 và tháng 9 có 30 ngày); dùng \"%s last\" cho ngày cuối tháng",
				"%s takes days 1–30 (June and September have 30 days); use \"%s last\" for the last day", r.Kind, r.Kind)
		}
	case Yearly:
		r.Month = nums[1]
		if r.Month < 1 || r.Month > 12 {
			return ruleErrorf("tháng %d không tồn tại (phải từ 1 đến 12)", "month %d does not exist (must be 1 to 12)", r.Month)
		}
		if r.Day == 29 && r.Month == 2 {
			return ruleErrorf("ngày 29/02 không có ở mọi năm; dùng 28/02 hoặc 01/03",
				"29/02 is not in every year; use 28/02 or 01/03")
		}
		// 2024 is a leap year, so this only rejects days no year has.
		if r.Day > daysIn(2024, time.Month(r.Month)) {
			return ruleErrorf("ngày %02d/%02d không tồn tại", "the date %02d/%02d does not exist", r.Day, r.Month)
		}
	case Once:
		r.Month, r.Year = nums[1], nums[2]
		if r.Month < 1 || r.Month > 12 {
			return ruleErrorf("tháng %d không tồn tại (phải từ 1 đến 12)", "month %d does not exist (must be 1 to 12)", r.Month)
		}
		if r.Year < 2000 || r.Year > 2200 {
			return ruleErrorf("năm %d không hợp lệ (viết đủ 4 chữ số, ví dụ 2026)", "year %d is not valid (write all 4 digits, e.g. 2026)", r.Year)
		}
		if r.Day > daysIn(r.Year, time.Month(r.Month)) {
			return ruleErrorf("ngày %02d/%02d/%04d không tồn tại", "the date %02d/%02d/%04d does not exist", r.Day, r.Month, r.Year)
		}
	}
	return nil
}

// String returns the canonical friendly form, e.g. "yearly 10/06",
// "monthly last", "once 15/03/2026 17:00". ParseRule(r.String()) == r.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Kind.String())
	b.WriteByte(' ')
	switch r.Wording {
	case WordingBefore:
		b.WriteString("before ")
	case WordingBy:
		b.WriteString("by ")
	}
	switch {
	case r.Last:
		b.WriteString("last")
	case r.Kind == Yearly:
		fmt.Fprintf(&b, "%02d/%02d", r.Day, r.Month)
	case r.Kind == Once:
		fmt.Fprintf(&b, "%02d/%02d/%04d", r.Day, r.Month, r.Year)
	default:
		fmt.Fprintf(&b, "%02d", r.Day)
	}
	if r.HasTime {
		fmt.Fprintf(&b, " %02d:%02d", r.Hour, r.Minute)
	}
	return b.String()
}

// clock returns the rule's own time, or the given due time when it has none.
func (r Rule) clock(dueHour, dueMinute int) (int, int) {
	if r.HasTime {
		return r.Hour, r.Minute
	}
	return dueHour, dueMinute
}

// CronSpec returns the robfig/cron v3 standard spec (with a CRON_TZ prefix)
// whose activations are the rule's deadlines, e.g.
// "CRON_TZ=Asia/Ho_Chi_Minh 0 17 10 6 *". It returns "" for rules cron
// cannot express: Once (a single date) and Last (cron has no "last day").
func (r Rule) CronSpec(loc *time.Location, dueHour, dueMinute int) string {
	if r.Kind == Once || r.Last {
		return ""
	}
	h, m := r.clock(dueHour, dueMinute)
	months := "*"
	switch r.Kind {
	case Yearly:
		months = strconv.Itoa(r.Month)
	case HalfYearly:
		months = "6,12"
	case Quarterly:
		months = "3,6,9,12"
	}
	return fmt.Sprintf("CRON_TZ=%s %d %d %d %s *", loc.String(), m, h, r.Day, months)
}

// ParseClock parses "HH:MM" (also "17h", "17h30", "8:00"), as the plan and
// rules write clock times. Errors are *RuleError.
func ParseClock(s string) (hour, minute int, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	hs, ms, ok := strings.Cut(t, ":")
	if !ok {
		hs, ms, ok = strings.Cut(t, "h")
		if ok && ms == "" {
			ms = "00"
		}
	}
	bad := ruleErrorf("giờ %q không hợp lệ (viết HH:MM, ví dụ 17:00)", "the time %q is not valid (write HH:MM, e.g. 17:00)", s)
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, bad
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, bad
	}
	return h, m, nil
}

// normalizeText lower-cases, NFC-normalises and collapses white space, so
// "Hằng  Năm" typed on a phone (often NFD) matches the keyword table.
func normalizeText(s string) string {
	s = norm.NFC.String(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// daysIn returns the number of days in the month.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
