package reminders

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// hcm loads the department's zone; tests fail loudly if tzdata is missing.
func hcm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

func TestParseRule(t *testing.T) {
	tests := []struct {
		in   string
		want Rule
		str  string
	}{
		{"yearly 10/06", Rule{Kind: Yearly, Day: 10, Month: 6}, "yearly 10/06"},
		{"Yearly 10/11", Rule{Kind: Yearly, Day: 10, Month: 11}, "yearly 10/11"},
		{"  YEARLY   1/6  ", Rule{Kind: Yearly, Day: 1, Month: 6}, "yearly 01/06"},
		{"hằng năm 10/06", Rule{Kind: Yearly, Day: 10, Month: 6}, "yearly 10/06"},
		{"Hàng năm ngày 10/6 lúc 16:30", Rule{Kind: Yearly, Day: 10, Month: 6, Hour: 16, Minute: 30, HasTime: true}, "yearly 10/06 16:30"},
		{norm.NFD.String("Hằng Năm 10/06"), Rule{Kind: Yearly, Day: 10, Month: 6}, "yearly 10/06"},
		{"half-yearly 10", Rule{Kind: HalfYearly, Day: 10}, "half-yearly 10"},
		{"6 tháng 30", Rule{Kind: HalfYearly, Day: 30}, "half-yearly 30"},
		{"half-yearly last", Rule{Kind: HalfYearly, Last: true}, "half-yearly last"},
		{"quarterly 25", Rule{Kind: Quarterly, Day: 25}, "quarterly 25"},
		{"hằng quý ngày 25 8:05", Rule{Kind: Quarterly, Day: 25, Hour: 8, Minute: 5, HasTime: true}, "quarterly 25 08:05"},
		{"monthly 5", Rule{Kind: Monthly, Day: 5}, "monthly 05"},
		{"hằng tháng cuối tháng", Rule{Kind: Monthly, Last: true}, "monthly last"},
		{"monthly last 17h", Rule{Kind: Monthly, Last: true, Hour: 17, HasTime: true}, "monthly last 17:00"},
		{"once 15/03/2026 17:00", Rule{Kind: Once, Day: 15, Month: 3, Year: 2026, Hour: 17, HasTime: true}, "once 15/03/2026 17:00"},
		{"một lần 29/02/2028", Rule{Kind: Once, Day: 29, Month: 2, Year: 2028}, "once 29/02/2028"},
	}
	for _, tt := range tests {
		got, err := ParseRule(tt.in)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseRule(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if got, want := got.String(), tt.str; got != want {
			t.Errorf("ParseRule(%q).String() = %q, want %q", tt.in, got, want)
		}
		back, err := ParseRule(got.String())
		if err != nil || back != got {
			t.Errorf("round trip %q: got %+v, %v; want %+v", got.String(), back, err, got)
		}
	}
}

func TestParseRuleErrors(t *testing.T) {
	tests := []struct {
		in     string
		wantVI string // a fragment of the Vietnamese message
		wantEN string // a fragment of the English message
	}{
		{"", "chưa ghi", "empty"},
		{"   ", "chưa ghi", "empty"},
		{"every blue moon", "không hiểu", "cannot understand"},
		{"yearly 31/02", "không tồn tại", "does not exist"},
		{"yearly 29/02", "29/02", "29/02"},
		{"yearly 10/13", "tháng 13", "month 13"},
		{"yearly 0/06", "ngày 0", "day 0"},
		{"yearly 10", "DD/MM", "DD/MM"},
		{"yearly 10/06 25:00", "giờ", "time"},
		{"yearly 10/06 17:00 extra", "thừa", "extra"},
		{"yearly", "thiếu ngày", "no day"},
		{"yearly last", "last", "last"},
		{"monthly 31", "1–28", "1–28"},
		{"quarterly 31", "1–30", "1–30"},
		{"quarterly 3/6", "DD", "DD"},
		{"once 31/04/2026", "không tồn tại", "does not exist"},
		{"once 29/02/2027", "không tồn tại", "does not exist"},
		{"once 15/03/26", "4 chữ số", "4 digits"},
		{"once 15/03", "DD/MM/YYYY", "DD/MM/YYYY"},
		{"monthly x", "không hợp lệ", "not valid"},
	}
	for _, tt := range tests {
		_, err := ParseRule(tt.in)
		var re *RuleError
		if !errors.As(err, &re) {
			t.Errorf("ParseRule(%q) error = %v, want a *RuleError", tt.in, err)
			continue
		}
		if !strings.Contains(re.VI, tt.wantVI) || !strings.Contains(re.EN, tt.wantEN) {
			t.Errorf("ParseRule(%q) = %q / %q, want fragments %q / %q", tt.in, re.VI, re.EN, tt.wantVI, tt.wantEN)
		}
		if got, want := err.Error(), re.VI+" / "+re.EN; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}

func TestCronSpec(t *testing.T) {
	loc := hcm(t)
	tests := []struct {
		rule string
		want string
	}{
		{"yearly 10/06", "CRON_TZ=Asia/Ho_Chi_Minh 0 17 10 6 *"},
		{"yearly 10/11", "CRON_TZ=Asia/Ho_Chi_Minh 0 17 10 11 *"},
		{"yearly 10/11 08:30", "CRON_TZ=Asia/Ho_Chi_Minh 30 8 10 11 *"},
		{"half-yearly 10", "CRON_TZ=Asia/Ho_Chi_Minh 0 17 10 6,12 *"},
		{"quarterly 25", "CRON_TZ=Asia/Ho_Chi_Minh 0 17 25 3,6,9,12 *"},
		{"monthly 05", "CRON_TZ=Asia/Ho_Chi_Minh 0 17 5 * *"},
		{"monthly last", ""},
		{"once 15/03/2027 17:00", ""},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.rule)
		if err != nil {
			t.Fatalf("ParseRule(%q): %v", tt.rule, err)
		}
		if got := r.CronSpec(loc, 17, 0); got != tt.want {
			t.Errorf("%q.CronSpec = %q, want %q", tt.rule, got, tt.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in         string
		wantH      int
		wantM      int
		wantErrors bool
	}{
		{"17:00", 17, 0, false},
		{"8:05", 8, 5, false},
		{"17h", 17, 0, false},
		{"17h30", 17, 30, false},
		{"24:00", 0, 0, true},
		{"17:60", 0, 0, true},
		{"17", 0, 0, true},
		{"17:5", 0, 0, true},
		{"", 0, 0, true},
	}
	for _, tt := range tests {
		h, m, err := ParseClock(tt.in)
		if (err != nil) != tt.wantErrors || h != tt.wantH || m != tt.wantM {
			t.Errorf("ParseClock(%q) = %d, %d, %v; want %d, %d, error %v", tt.in, h, m, err, tt.wantH, tt.wantM, tt.wantErrors)
		}
	}
}
