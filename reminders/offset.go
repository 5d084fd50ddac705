package reminders

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Offset says when a reminder goes out relative to a deadline. Day offsets
// ("7d") are delivered on that calendar day at the plan's working hour, so a
// unit hears about it in the morning rather than at 17:00; "0d" is the
// morning of the deadline itself. Duration offsets ("2h", "30m") are exact:
// that long before the deadline instant. Exactly one of the two is used: Dur
// is non-zero only for duration offsets, so the zero Offset is "0d".
type Offset struct {
	Days int
	Dur  time.Duration
}

// Limits keep offsets meaningful and far from integer overflow.
const (
	maxOffsetDays = 366
	maxOffsetDur  = 7 * 24 * time.Hour
)

// DefaultOffsets are the reminders a plan gets when it names none:
// a week, three days and one day before, and the morning of the deadline.
var DefaultOffsets = []Offset{{Days: 7}, {Days: 3}, {Days: 1}, {Days: 0}}

// ParseOffset parses "7d", "0d", "2h", "30m" or "1h30m" (Vietnamese units
// "7 ngày", "2 giờ", "30 phút" also work). Durations must be whole minutes
// because the planner runs once a minute, and must be positive: "0h" would
// equal "0d" in the struct yet mean something else, so it is refused.
// Errors are *RuleError.
func ParseOffset(s string) (Offset, error) {
	t := strings.ReplaceAll(normalizeText(s), " ", "")
	bad := func() (Offset, error) {
		return Offset{}, ruleErrorf("mốc nhắc %q không hợp lệ; viết ví dụ 7d (7 ngày trước), 0d (sáng ngày hạn), 2h hoặc 30m",
			"the reminder %q is not valid; write e.g. 7d (7 days before), 0d (morning of the deadline), 2h or 30m", s)
	}
	if t == "" {
		return bad()
	}
	for _, r := range [][2]string{{"ngày", "d"}, {"giờ", "h"}, {"tiếng", "h"}, {"phút", "m"}, {"days", "d"}, {"day", "d"}} {
		t = strings.ReplaceAll(t, r[0], r[1])
	}
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		return Offset{}, ruleErrorf("mốc nhắc %q không được có dấu; mốc luôn tính trước hạn", "the reminder %q must not have a sign; offsets always count back from the deadline", s)
	}
	if n, ok := strings.CutSuffix(t, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return bad()
		}
		if days > maxOffsetDays {
			return Offset{}, ruleErrorf("mốc nhắc %q quá xa (tối đa %d ngày)", "the reminder %q is too far ahead (at most %d days)", s, maxOffsetDays)
		}
		return Offset{Days: days}, nil
	}
	if strings.ContainsAny(t, ".µ") || strings.Contains(t, "s") {
		return bad() // seconds and fractions: the planner ticks per minute
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return bad()
	}
	switch {
	case d <= 0:
		return Offset{}, ruleErrorf("mốc nhắc %q phải lớn hơn 0; dùng 0d cho sáng ngày hạn", "the reminder %q must be more than zero; use 0d for the morning of the deadline", s)
	case d > maxOffsetDur:
		return Offset{}, ruleErrorf("mốc nhắc %q quá xa; với hơn 7 ngày hãy dùng số ngày, ví dụ 10d", "the reminder %q is too far ahead; beyond 7 days use days, e.g. 10d", s)
	}
	return Offset{Dur: d}, nil
}

// String returns the canonical form ParseOffset reads back: "7d", "2h",
// "30m", "1h30m".
func (o Offset) String() string {
	if o.Dur == 0 {
		return strconv.Itoa(o.Days) + "d"
	}
	h, m := int(o.Dur/time.Hour), int(o.Dur%time.Hour/time.Minute)
	switch {
	case m == 0:
		return fmt.Sprintf("%dh", h)
	case h == 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// Words says the offset as people write it: "2 giờ", "30 phút",
// "1 giờ 30 phút", "7 ngày" in Vietnamese (lang other than "en"), "2 hours",
// "30 minutes", "1 hour 30 minutes", "7 days" in English. String's "2h"
// is for the plan file only.
func (o Offset) Words(lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	unit := func(n int, vi, enOne, enMany string) string {
		switch {
		case !en:
			return fmt.Sprintf("%d %s", n, vi)
		case n == 1:
			return "1 " + enOne
		}
		return fmt.Sprintf("%d %s", n, enMany)
	}
	if o.Dur == 0 {
		return unit(o.Days, "ngày", "day", "days")
	}
	h, m := int(o.Dur/time.Hour), int(o.Dur%time.Hour/time.Minute)
	switch {
	case m == 0:
		return unit(h, "giờ", "hour", "hours")
	case h == 0:
		return unit(m, "phút", "minute", "minutes")
	}
	return unit(h, "giờ", "hour", "hours") + " " + unit(m, "phút", "minute", "minutes")
}
