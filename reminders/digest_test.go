package reminders

import (
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
)

func TestOfficeDigestDue(t *testing.T) {
	p := NewPlanner(planTestPolicy())
	tests := []struct {
		now  string
		want bool
	}{
		{"2026-06-11 07:59", false},
		{"2026-06-11 08:00", true},
		{"2026-06-11 16:00", true},
		{"2026-06-13 08:00", false}, // Saturday
		{"2027-02-10 08:00", false}, // a compensatory day off after Tết
	}
	for _, tc := range tests {
		if _, got := p.OfficeDigestDue(planTestTime(t, tc.now)); got != tc.want {
			t.Errorf("OfficeDigestDue(%s) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestWeeklyDigestDue(t *testing.T) {
	p := NewPlanner(planTestPolicy())
	tests := []struct {
		now        string
		wantMonday string
		want       bool
	}{
		{"2026-06-08 07:59", "2026-06-08", false},
		{"2026-06-08 08:00", "2026-06-08", true},
		{"2026-06-10 09:00", "2026-06-08", true},  // back from an outage mid-week
		{"2026-06-14 09:00", "2026-06-08", false}, // Sunday
		// Tết 2027: Monday 8/2 and the days after are off; the week's first
		// working day is Friday 12/2.
		{"2027-02-08 08:00", "2027-02-08", false},
		{"2027-02-12 08:00", "2027-02-08", true},
		// Tết 2026: no working day at all in the week of 16/2.
		{"2026-02-18 08:00", "2026-02-16", false},
	}
	for _, tc := range tests {
		monday, got := p.WeeklyDigestDue(planTestTime(t, tc.now))
		if got != tc.want || monday.Format(time.DateOnly) != tc.wantMonday {
			t.Errorf("WeeklyDigestDue(%s) = %s, %v; want %s, %v", tc.now, monday.Format(time.DateOnly), got, tc.wantMonday, tc.want)
		}
	}
}

func TestSummaryDue(t *testing.T) {
	p := NewPlanner(planTestPolicy())
	tests := []struct {
		deadline, now string
		want          bool
	}{
		{"2026-06-10 17:00", "2026-06-11 07:59", false},
		{"2026-06-10 17:00", "2026-06-11 08:00", true},
		{"2026-06-05 17:00", "2026-06-06 08:00", false}, // Saturday: Monday's news
		{"2026-06-05 17:00", "2026-06-08 08:00", true},
		{"2026-06-10 17:00", "2026-06-19 08:00", false}, // stale after an outage
	}
	for _, tc := range tests {
		if got := p.SummaryDue(planTestTime(t, tc.deadline), planTestTime(t, tc.now)); got != tc.want {
			t.Errorf("SummaryDue(%s, %s) = %v, want %v", tc.deadline, tc.now, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	deadline := planTestTime(t, "2026-06-10 17:00")
	item := func(code string, status db.AssignmentStatus, submitted time.Time) db.Item {
		it := planTestItem(deadline, "")
		it.Unit.Code, it.Status, it.SubmittedAt = code, status, submitted
		return it
	}
	early, late := deadline.Add(-time.Hour), deadline.Add(time.Hour)
	extended := item("EXT", db.StatusSubmitted, late)
	extended.DeadlineAt = deadline.Add(48 * time.Hour)
	closed := item("CLOSED", db.StatusOpen, time.Time{})
	closed.Unit.ClosedAt = early
	paper := item("PAPER", db.StatusAccepted, time.Time{})
	paper.ClosedAt = early
	pending := item("PENDING", db.StatusOpen, time.Time{})
	pending.DeadlineAt = deadline.Add(48 * time.Hour)
	got := Summarize([]db.Item{
		item("A", db.StatusSubmitted, early),
		item("B", db.StatusAccepted, early),
		item("C", db.StatusSubmitted, late),
		item("D", db.StatusOpen, time.Time{}),
		item("E", db.StatusReturned, early),
		extended, closed, paper, pending,
	}, deadline.Add(24*time.Hour))
	var lateCodes []string
	for _, it := range got.Late {
		lateCodes = append(lateCodes, it.Unit.Code)
	}
	if got.Total != 8 || got.OnTime != 4 || got.Extended != 1 || strings.Join(lateCodes, " ") != "C D E" {
		t.Errorf("Summarize = %d/%d on time, %d extended, late %v; want 4/8, 1 extended, late [C D E]", got.OnTime, got.Total, got.Extended, lateCodes)
	}
}
