package reminders

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// want is one expected period: key, covered civil dates and due instant,
// written as the department would read them.
type wantPeriod struct {
	key, start, end, due string // "dd/mm/yyyy", "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
}

func civilDate(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	layout := "02/01/2006"
	if len(s) > 10 {
		layout = "02/01/2006 15:04"
	}
	d, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d
}

func TestPeriods(t *testing.T) {
	loc := hcm(t)
	tests := []struct {
		name     string
		rule     string
		cover    Cover
		from, to string
		want     []wantPeriod
	}{
		{
			name: "first-half report due 10/06", rule: "yearly 10/06", cover: CoverFirstHalf,
			from: "01/01/2025", to: "01/01/2031",
			want: []wantPeriod{
				{"2025-H1", "01/01/2025", "01/07/2025", "10/06/2025 17:00"},
				{"2026-H1", "01/01/2026", "01/07/2026", "10/06/2026 17:00"},
				{"2027-H1", "01/01/2027", "01/07/2027", "10/06/2027 17:00"},
				{"2028-H1", "01/01/2028", "01/07/2028", "10/06/2028 17:00"},
				{"2029-H1", "01/01/2029", "01/07/2029", "10/06/2029 17:00"},
				{"2030-H1", "01/01/2030", "01/07/2030", "10/06/2030 17:00"},
			},
		},
		{
			name: "annual report due 10/11", rule: "yearly 10/11", cover: CoverYear,
			from: "01/01/2025", to: "01/01/2031",
			want: []wantPeriod{
				{"2025", "01/01/2025", "01/01/2026", "10/11/2025 17:00"},
				{"2026", "01/01/2026", "01/01/2027", "10/11/2026 17:00"},
				{"2027", "01/01/2027", "01/01/2028", "10/11/2027 17:00"},
				{"2028", "01/01/2028", "01/01/2029", "10/11/2028 17:00"},
				{"2029", "01/01/2029", "01/01/2030", "10/11/2029 17:00"},
				{"2030", "01/01/2030", "01/01/2031", "10/11/2030 17:00"},
			},
		},
		{
			name: "from is inclusive, to exclusive", rule: "yearly 10/06", cover: CoverFirstHalf,
			from: "10/06/2026 17:00", to: "10/06/2027 17:00",
			want: []wantPeriod{{"2026-H1", "01/01/2026", "01/07/2026", "10/06/2026 17:00"}},
		},
		{
			name: "rule's own time wins", rule: "yearly 10/11 09:15", cover: CoverYear,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{{"2026", "01/01/2026", "01/01/2027", "10/11/2026 09:15"}},
		},
		{
			name: "quarterly review", rule: "quarterly 25", cover: CoverQuarter,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{
				{"2026-Q1", "01/01/2026", "01/04/2026", "25/03/2026 17:00"},
				{"2026-Q2", "01/04/2026", "01/07/2026", "25/06/2026 17:00"},
				{"2026-Q3", "01/07/2026", "01/10/2026", "25/09/2026 17:00"},
				{"2026-Q4", "01/10/2026", "01/01/2027", "25/12/2026 17:00"},
			},
		},
		{
			name: "quarterly last day", rule: "quarterly last", cover: CoverQuarter,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{
				{"2026-Q1", "01/01/2026", "01/04/2026", "31/03/2026 17:00"},
				{"2026-Q2", "01/04/2026", "01/07/2026", "30/06/2026 17:00"},
				{"2026-Q3", "01/07/2026", "01/10/2026", "30/09/2026 17:00"},
				{"2026-Q4", "01/10/2026", "01/01/2027", "31/12/2026 17:00"},
			},
		},
		{
			name: "monthly across a year end", rule: "monthly 05", cover: CoverMonth,
			from: "06/11/2026", to: "06/03/2027",
			want: []wantPeriod{
				{"2026-12", "01/12/2026", "01/01/2027", "05/12/2026 17:00"},
				{"2027-01", "01/01/2027", "01/02/2027", "05/01/2027 17:00"},
				{"2027-02", "01/02/2027", "01/03/2027", "05/02/2027 17:00"},
				{"2027-03", "01/03/2027", "01/04/2027", "05/03/2027 17:00"},
			},
		},
		{
			name: "monthly last in a leap year", rule: "monthly last", cover: CoverMonth,
			from: "01/01/2028", to: "01/05/2028",
			want: []wantPeriod{
				{"2028-01", "01/01/2028", "01/02/2028", "31/01/2028 17:00"},
				{"2028-02", "01/02/2028", "01/03/2028", "29/02/2028 17:00"},
				{"2028-03", "01/03/2028", "01/04/2028", "31/03/2028 17:00"},
				{"2028-04", "01/04/2028", "01/05/2028", "30/04/2028 17:00"},
			},
		},
		{
			name: "half-yearly", rule: "half-yearly 10", cover: CoverHalf,
			from: "01/01/2026", to: "01/01/2028",
			want: []wantPeriod{
				{"2026-H1", "01/01/2026", "01/07/2026", "10/06/2026 17:00"},
				{"2026-H2", "01/07/2026", "01/01/2027", "10/12/2026 17:00"},
				{"2027-H1", "01/01/2027", "01/07/2027", "10/06/2027 17:00"},
				{"2027-H2", "01/07/2027", "01/01/2028", "10/12/2027 17:00"},
			},
		},
		{
			name: "January report on last year's second half", rule: "yearly 15/01", cover: CoverHalf,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{{"2025-H2", "01/07/2025", "01/01/2026", "15/01/2026 17:00"}},
		},
		{
			name: "second-half due in January", rule: "yearly 15/01", cover: CoverSecondHalf,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{{"2025-H2", "01/07/2025", "01/01/2026", "15/01/2026 17:00"}},
		},
		{
			name: "second-half due in December", rule: "yearly 10/12", cover: CoverSecondHalf,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{{"2026-H2", "01/07/2026", "01/01/2027", "10/12/2026 17:00"}},
		},
		{
			name: "yearly covering a month", rule: "yearly 10/11", cover: CoverMonth,
			from: "01/01/2026", to: "01/01/2027",
			want: []wantPeriod{{"2026-11", "01/11/2026", "01/12/2026", "10/11/2026 17:00"}},
		},
		{
			name: "once", rule: "once 15/03/2027 17:00", cover: CoverOnce,
			from: "01/01/2025", to: "01/01/2031",
			want: []wantPeriod{{"2027-03-15", "", "", "15/03/2027 17:00"}},
		},
		{
			name: "once outside the window", rule: "once 15/03/2027", cover: CoverOnce,
			from: "16/03/2027", to: "01/01/2031",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRule(tt.rule)
			if err != nil {
				t.Fatalf("ParseRule(%q): %v", tt.rule, err)
			}
			got := r.Periods(tt.cover, loc, 17, 0, civilDate(t, loc, tt.from), civilDate(t, loc, tt.to))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d periods %v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Key != w.key {
					t.Errorf("[%d] key = %q, want %q", i, g.Key, w.key)
				}
				if want := civilDate(t, loc, w.start); !g.Start.Equal(want) {
					t.Errorf("[%d] start = %v, want %v", i, g.Start, want)
				}
				if want := civilDate(t, loc, w.end); !g.End.Equal(want) {
					t.Errorf("[%d] end = %v, want %v", i, g.End, want)
				}
				if want := civilDate(t, loc, w.due); !g.Due.Equal(want) || g.Due.Location() != loc {
					t.Errorf("[%d] due = %v, want %v in %v", i, g.Due, want, loc)
				}
			}
		})
	}
}

// TestCronSpecAgreesWithPeriods parses every CronSpec with cron itself, the
// way the bot's trigger would, and checks its activations are the deadlines.
func TestCronSpecAgreesWithPeriods(t *testing.T) {
	loc := hcm(t)
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	to := time.Date(2031, 1, 1, 0, 0, 0, 0, loc)
	for _, s := range []string{"yearly 10/06", "yearly 10/11", "yearly 28/02 07:45", "half-yearly 30", "quarterly 25", "quarterly 30", "monthly 01", "monthly 28 23:59"} {
		r, err := ParseRule(s)
		if err != nil {
			t.Fatalf("ParseRule(%q): %v", s, err)
		}
		sched, err := cron.ParseStandard(r.CronSpec(loc, 17, 0))
		if err != nil {
			t.Fatalf("cron.ParseStandard(%q): %v", r.CronSpec(loc, 17, 0), err)
		}
		var fromCron []time.Time
		for next := sched.Next(from); next.Before(to); next = sched.Next(next) {
			fromCron = append(fromCron, next)
		}
		periods := r.Periods(DefaultCover(r.Kind), loc, 17, 0, from, to)
		if len(periods) != len(fromCron) {
			t.Fatalf("%q: %d periods, cron says %d", s, len(periods), len(fromCron))
		}
		perYear := map[RuleKind]int{Yearly: 1, HalfYearly: 2, Quarterly: 4, Monthly: 12}[r.Kind]
		if got, want := len(periods), 6*perYear; got != want {
			t.Errorf("%q: %d deadlines in 2025–2030, want %d", s, got, want)
		}
		seen := map[string]bool{}
		for i, p := range periods {
			if !p.Due.Equal(fromCron[i]) {
				t.Errorf("%q [%d]: due %v, cron %v", s, i, p.Due, fromCron[i])
			}
			if seen[p.Key] {
				t.Errorf("%q: duplicate key %q", s, p.Key)
			}
			seen[p.Key] = true
		}
	}
}

func TestParseCover(t *testing.T) {
	tests := []struct {
		in   string
		want Cover
	}{
		{"year", CoverYear}, {"Năm", CoverYear}, {"first-half", CoverFirstHalf},
		{"6 tháng đầu năm", CoverFirstHalf}, {"SECOND-HALF", CoverSecondHalf},
		{"half", CoverHalf}, {"quarter", CoverQuarter}, {"quý", CoverQuarter},
		{"month", CoverMonth}, {"once", CoverOnce},
	}
	for _, tt := range tests {
		got, err := ParseCover(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseCover(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	var re *RuleError
	if _, err := ParseCover("fortnight"); !errors.As(err, &re) {
		t.Errorf("ParseCover(fortnight) error = %v, want *RuleError", err)
	}
}

func TestDefaultCover(t *testing.T) {
	tests := []struct {
		kind RuleKind
		want Cover
	}{
		{Yearly, CoverYear}, {HalfYearly, CoverHalf}, {Quarterly, CoverQuarter}, {Monthly, CoverMonth}, {Once, CoverOnce},
	}
	for _, tt := range tests {
		if got := DefaultCover(tt.kind); got != tt.want {
			t.Errorf("DefaultCover(%v) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

func TestCheckCover(t *testing.T) {
	tests := []struct {
		rule  string
		cover Cover
		ok    bool
	}{
		{"yearly 10/06", CoverFirstHalf, true},
		{"yearly 10/06", CoverMonth, true},
		{"once 15/03/2027", CoverYear, true},
		{"half-yearly 10", CoverHalf, true},
		{"half-yearly 10", CoverYear, false},
		{"half-yearly 10", CoverFirstHalf, false},
		{"quarterly 25", CoverQuarter, true},
		{"quarterly 25", CoverHalf, false},
		{"monthly 05", CoverMonth, true},
		{"monthly 05", CoverQuarter, false},
		{"monthly 05", CoverOnce, true},
		{"yearly 10/06", Cover("weekly"), false},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.rule)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.CheckCover(tt.cover); (err == nil) != tt.ok {
			t.Errorf("%q covers %q: error %v, want ok %v", tt.rule, tt.cover, err, tt.ok)
		}
	}
}

func TestPeriodName(t *testing.T) {
	tests := []struct {
		key, vi, en string
	}{
		{"2026", "năm 2026", "2026"},
		{"2026-H1", "6 tháng đầu năm 2026", "first half of 2026"},
		{"2026-H2", "6 tháng cuối năm 2026", "second half of 2026"},
		{"2026-Q1", "quý I/2026", "Q1 2026"},
		{"2026-Q3", "quý III/2026", "Q3 2026"},
		{"2026-Q4", "quý IV/2026", "Q4 2026"},
		{"2026-07", "tháng 7/2026", "July 2026"},
		{"2026-12", "tháng 12/2026", "December 2026"},
		{"2026-03-15", "một lần, hạn ngày 15/3/2026", "one-off, due 15/03/2026"},
		{"garbage", "garbage", "garbage"},
		{"2026-Q5", "2026-Q5", "2026-Q5"},
		{"2026-13", "2026-13", "2026-13"},
	}
	for _, tt := range tests {
		for _, c := range []struct{ lang, want string }{{"vi", tt.vi}, {"", tt.vi}, {"fr", tt.vi}, {"en", tt.en}, {"EN-us", tt.en}} {
			if got := PeriodName(tt.key, c.lang); got != c.want {
				t.Errorf("PeriodName(%q, %q) = %q, want %q", tt.key, c.lang, got, c.want)
			}
		}
	}
}

// ExamplePeriodName shows the names units read in their reminders.
func ExamplePeriodName() {
	fmt.Println(PeriodName("2026-Q3", "vi"))
	fmt.Println(PeriodName("2026-H1", "en"))
	// Output:
	// quý III/2026
	// first half of 2026
}
