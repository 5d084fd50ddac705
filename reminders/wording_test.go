package reminders

import (
	"testing"
	"time"
)

func TestParseRuleWording(t *testing.T) {
	tests := []struct {
		in      string
		wording Wording
		canon   string
	}{
		{"yearly 10/06", WordingNone, "yearly 10/06"},
		{"yearly before 10/06", WordingBefore, "yearly before 10/06"},
		{"hằng năm trước ngày 10/6", WordingBefore, "yearly before 10/06"},
		{"yearly by 10/06", WordingBy, "yearly by 10/06"},
		{"hằng năm chậm nhất ngày 10/6", WordingBy, "yearly by 10/06"},
		{"Hằng năm hạn 10/6", WordingBy, "yearly by 10/06"},
		{"once before 15/03/2027 17:00", WordingBefore, "once before 15/03/2027 17:00"},
		{"monthly no later than 05", WordingBy, "monthly by 05"},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.in)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", tt.in, err)
			continue
		}
		if r.Wording != tt.wording || r.String() != tt.canon {
			t.Errorf("ParseRule(%q): got %v %q, want %v %q", tt.in, r.Wording, r.String(), tt.wording, tt.canon)
		}
		if back, err := ParseRule(r.String()); err != nil || back != r {
			t.Errorf("ParseRule(%q) does not round-trip: %+v, %v", r.String(), back, err)
		}
	}
	for _, bad := range []string{"monthly before last", "quarterly before 01", "yearly before", "yearly trước"} {
		if _, err := ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%q): want an error", bad)
		}
	}
}

// The seed's "trước ngày 10/6" makes 09/06 the last day, ending at 24:00; a
// last day that is a day off moves to the end of the next working day.
func TestWordedDeadlines(t *testing.T) {
	loc := hcm(t)
	cal := NewCalendar(loc, nil)
	tests := []struct {
		rule      string
		year      int
		wantDue   string // nominal last day
		wantFinal string // after the day-off move
		vi, en    string
	}{
		// 09/06/2026 is a Tuesday.
		{"yearly before 10/06", 2026, "2026-06-09 23:59", "2026-06-09 23:59",
			"trước ngày 10/6/2026 — hạn cuối: hết ngày 09/6/2026", "before 10/06/2026 — last day: until the end of 09/06/2026"},
		{"yearly by 10/06", 2026, "2026-06-10 23:59", "2026-06-10 23:59",
			"chậm nhất ngày 10/6/2026 — hạn cuối: hết ngày 10/6/2026", "by 10/06/2026 — last day: until the end of 10/06/2026"},
		// 09/06/2024 is a Sunday: the last day becomes Monday 10/06.
		{"yearly before 10/06", 2024, "2024-06-09 23:59", "2024-06-10 23:59",
			"trước ngày 10/6/2024 — hạn cuối: hết ngày 10/6/2024", "before 10/06/2024 — last day: until the end of 10/06/2024"},
		// 09/11/2025 is a Sunday too; an office closing time is kept.
		{"yearly before 10/11 17:00", 2025, "2025-11-09 17:00", "2025-11-10 17:00",
			"trước ngày 10/11/2025 — hạn cuối: 17:00 ngày 10/11/2025", "before 10/11/2025 — last day: 10/11/2025, until 17:00"},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.rule)
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(tt.year, 1, 1, 0, 0, 0, 0, loc)
		ps := r.Periods(CoverYear, loc, EndOfDayHour, EndOfDayMinute, from, from.AddDate(1, 0, 0))
		if len(ps) != 1 {
			t.Fatalf("%s in %d: %d periods", tt.rule, tt.year, len(ps))
		}
		due := ps[0].Due
		final, _, _ := cal.AdjustDeadline(due)
		if got := due.Format("2006-01-02 15:04"); got != tt.wantDue {
			t.Errorf("%s in %d: due %s, want %s", tt.rule, tt.year, got, tt.wantDue)
		}
		if got := final.Format("2006-01-02 15:04"); got != tt.wantFinal {
			t.Errorf("%s in %d: last day %s, want %s", tt.rule, tt.year, got, tt.wantFinal)
		}
		if got := r.DeadlineWording(due, final, loc, "vi"); got != tt.vi {
			t.Errorf("%s in %d: vi %q, want %q", tt.rule, tt.year, got, tt.vi)
		}
		if got := r.DeadlineWording(due, final, loc, "en"); got != tt.en {
			t.Errorf("%s in %d: en %q, want %q", tt.rule, tt.year, got, tt.en)
		}
	}
	plain, _ := ParseRule("yearly 10/06")
	if got := plain.DeadlineWording(time.Now(), time.Now(), calTestLoc, "vi"); got != "" {
		t.Errorf("an unworded rule: got %q, want \"\"", got)
	}
}

func TestParseDeadlineDate(t *testing.T) {
	loc := hcm(t)
	tests := []struct {
		in      string
		want    string
		wording Wording
	}{
		{"20/06/2026", "2026-06-20", WordingNone},
		{"before 20/06/2026", "2026-06-19", WordingBefore},
		{"Trước ngày 20/6/2026", "2026-06-19", WordingBefore},
		{"trước ngày 01/7/2026", "2026-06-30", WordingBefore},
		{"by 20/06/2026", "2026-06-20", WordingBy},
		{"chậm nhất ngày 20/6/2026", "2026-06-20", WordingBy},
		{"hạn 20/6/2026", "2026-06-20", WordingBy},
	}
	for _, tt := range tests {
		got, w, err := ParseDeadlineDate(tt.in, loc)
		if err != nil || got.Format(time.DateOnly) != tt.want || w != tt.wording || got.Location() != loc {
			t.Errorf("ParseDeadlineDate(%q): got %v %v %v, want %s %v", tt.in, got, w, err, tt.want, tt.wording)
		}
	}
	for _, bad := range []string{"", "trước", "before 31/02/2026", "20/06/2026 21/06/2026", "tomorrow"} {
		if _, _, err := ParseDeadlineDate(bad, loc); err == nil {
			t.Errorf("ParseDeadlineDate(%q): want an error", bad)
		}
	}
}
