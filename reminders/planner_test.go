package reminders

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
)

// planTestPolicy is the example plan's policy: 08:00, overdue every 2
// working days, the Director after 5.
func planTestPolicy(overrides ...Override) Policy {
	pol := DefaultPolicy()
	pol.Overrides = overrides
	return pol
}

// planTestTime parses "2006-01-02 15:04" in the policy's zone.
func planTestTime(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", s, DefaultPolicy().Location())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// planTestItem is an open assignment due at deadline with the offsets.
func planTestItem(deadline time.Time, offsets string) db.Item {
	it := db.Item{}
	it.ID, it.Status, it.DeadlineAt = 1, db.StatusOpen, deadline
	it.Obligation.Offsets = offsets
	return it
}

// stageList renders stages as "name at" lines, e.g. "7d Wed 2026-06-03 08:00".
func stageList(p *Planner, stages []Stage) string {
	var out []string
	for _, s := range stages {
		out = append(out, fmt.Sprintf("%s %s", s.Name, s.At.In(p.Location()).Format("Mon 2006-01-02 15:04")))
	}
	return strings.Join(out, "\n")
}

func TestPlannerStages(t *testing.T) {
	makeUpSaturday := Override{Date: time.Date(2026, 6, 6, 0, 0, 0, 0, time.UTC), Off: false, NameVI: "Làm bù"}
	tests := []struct {
		name     string
		due      string // nominal deadline; the calendar moves it off a day off
		offsets  string
		pol      Policy
		until    string
		wantMove string // the day off that moved it, "" if it did not move
		want     []string
	}{
		{
			name: "first half-year report due 10/6/2026", due: "2026-06-10 17:00", offsets: "7d,3d,1d,0d",
			pol: planTestPolicy(), until: "2026-06-19 08:00",
			want: []string{
				"7d Wed 2026-06-03 08:00",
				"3d Fri 2026-06-05 08:00", // Sunday 7/6 → the Friday before
				"1d Tue 2026-06-09 08:00",
				"0d Wed 2026-06-10 08:00",
				"late1 Thu 2026-06-11 08:00",
				"late3 Mon 2026-06-15 08:00",
				"late5 Wed 2026-06-17 08:00",
				"esc Wed 2026-06-17 08:00",
				"late7 Fri 2026-06-19 08:00",
			},
		},
		{
			name: "annual report due 10/11/2026", due: "2026-11-10 17:00", offsets: "7d,3d,1d,0d",
			pol: planTestPolicy(), until: "2026-11-11 08:00",
			want: []string{
				"7d Tue 2026-11-03 08:00",
				"3d Fri 2026-11-06 08:00", // Saturday 7/11 → Friday
				"1d Mon 2026-11-09 08:00",
				"0d Tue 2026-11-10 08:00",
				"late1 Wed 2026-11-11 08:00",
			},
		},
		{
			name: "deadline on a Sunday moves to Monday", due: "2026-06-07 17:00", offsets: "7d,3d,1d,0d",
			pol: planTestPolicy(), until: "2026-06-09 08:00", wantMove: "Chủ Nhật",
			want: []string{
				"7d Mon 2026-06-01 08:00",
				"1d Fri 2026-06-05 08:00", // 3d (Fri) and 1d (Sun → Fri) are one reminder, the nearer
				"0d Mon 2026-06-08 08:00",
				"late1 Tue 2026-06-09 08:00",
			},
		},
		{
			name: "deadline during Tết 2027 moves past the compensatory days", due: "2027-02-10 17:00", offsets: "7d,3d,1d,0d",
			pol: planTestPolicy(), until: "2027-02-15 08:00", wantMove: "Nghỉ bù Tết Nguyên Đán (mùng 1)",
			want: []string{
				// 7d (5/2, the eve), 3d (9/2, mùng 4) and 1d (11/2, a
				// compensatory day) all fall back to Thursday 4/2.
				"1d Thu 2027-02-04 08:00",
				"0d Fri 2027-02-12 08:00",
				"late1 Mon 2027-02-15 08:00",
			},
		},
		{
			name: "a make-up Saturday is a working day for reminders", due: "2026-06-10 17:00", offsets: "3d,1d",
			pol: planTestPolicy(makeUpSaturday), until: "2026-06-11 08:00",
			want: []string{
				"3d Sat 2026-06-06 08:00", // Sunday 7/6 → the make-up Saturday
				"1d Tue 2026-06-09 08:00",
				"late1 Thu 2026-06-11 08:00",
			},
		},
		{
			name: "a deadline on a make-up Saturday stays there", due: "2026-06-06 17:00", offsets: "1d,0d",
			pol: planTestPolicy(makeUpSaturday), until: "2026-06-08 08:00",
			want: []string{
				"1d Fri 2026-06-05 08:00",
				"0d Sat 2026-06-06 08:00",
				"late1 Mon 2026-06-08 08:00",
			},
		},
		{
			name: "hour and minute offsets are exact", due: "2027-03-15 17:00", offsets: "1d,2h,30m",
			pol: planTestPolicy(), until: "2027-03-16 08:00",
			want: []string{
				"1d Fri 2027-03-12 08:00", // Sunday 14/3 → Friday
				"2h Mon 2027-03-15 15:00",
				"30m Mon 2027-03-15 16:30",
				"late1 Tue 2027-03-16 08:00",
			},
		},
		{
			name: "a morning reminder after an early deadline is dropped", due: "2026-06-10 07:30", offsets: "1d,0d",
			pol: planTestPolicy(), until: "2026-06-10 12:00",
			want: []string{"1d Tue 2026-06-09 08:00"},
		},
		{
			name: "overdue once and no escalation", due: "2026-06-10 17:00", offsets: "0d",
			pol: func() Policy { p := planTestPolicy(); p.OverdueEvery, p.EscalateAfter = 0, 0; return p }(), until: "2026-07-30 08:00",
			want: []string{"0d Wed 2026-06-10 08:00", "late1 Thu 2026-06-11 08:00"},
		},
		{
			name: "no offsets means the defaults", due: "2026-06-10 17:00", offsets: "",
			pol: planTestPolicy(), until: "2026-06-10 17:00",
			want: []string{"7d Wed 2026-06-03 08:00", "3d Fri 2026-06-05 08:00", "1d Tue 2026-06-09 08:00", "0d Wed 2026-06-10 08:00"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPlanner(tc.pol)
			deadline, moved, why := p.Calendar().AdjustDeadline(planTestTime(t, tc.due))
			if gotMove := map[bool]string{true: why.NameVI}[moved]; gotMove != tc.wantMove {
				t.Errorf("moved because of %q, want %q", gotMove, tc.wantMove)
			}
			got := stageList(p, p.Stages(planTestItem(deadline, tc.offsets), planTestTime(t, tc.until)))
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("stages:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestPlannerDecide(t *testing.T) {
	deadline := planTestTime(t, "2026-06-10 17:00")
	tests := []struct {
		name        string
		since, now  string // since: the assignment's NextNoticeAt
		snoozed     string
		status      db.AssignmentStatus
		due, skiped string
		next        string // "" for never
	}{
		{name: "before the first reminder", since: "2026-05-25 09:00", now: "2026-05-25 09:00", next: "2026-06-03 08:00"},
		{name: "at a stage", since: "2026-06-03 08:00", now: "2026-06-03 08:00", due: "7d", next: "2026-06-05 08:00"},
		{name: "a minute late is still that stage", since: "2026-06-03 08:00", now: "2026-06-03 08:01", due: "7d", next: "2026-06-05 08:00"},
		{
			name:  "down for two days across two stages: one catch-up, the stale one skipped",
			since: "2026-06-03 08:00", now: "2026-06-05 10:00", due: "3d", skiped: "7d", next: "2026-06-09 08:00",
		},
		{
			name:  "back after the deadline: the morning reminder is stale too",
			since: "2026-06-09 08:00", now: "2026-06-10 18:00", skiped: "1d 0d", next: "2026-06-11 08:00",
		},
		{
			name:  "back after a week late: the latest overdue notice and the escalation",
			since: "2026-06-15 08:00", now: "2026-06-20 10:00", due: "late7 esc", skiped: "late3 late5", next: "2026-06-23 08:00",
		},
		{
			name:  "a new assignment catches up without reporting what passed before it existed",
			since: "2026-06-09 10:00", now: "2026-06-09 10:00", due: "1d", next: "2026-06-10 08:00",
		},
		{name: "snoozed", since: "2026-06-04 08:00", now: "2026-06-03 09:00", snoozed: "2026-06-04 08:00", next: "2026-06-04 08:00"},
		{name: "snooze ends", since: "2026-06-04 08:00", now: "2026-06-04 08:00", snoozed: "2026-06-04 08:00", due: "snooze", next: "2026-06-05 08:00"},
		{
			name:  "a snooze on a stage's time is that stage",
			since: "2026-06-05 08:00", now: "2026-06-05 08:00", snoozed: "2026-06-05 08:00", due: "3d", next: "2026-06-09 08:00",
		},
		{
			name:  "a snooze does not hold back the Director",
			since: "2026-06-17 08:00", now: "2026-06-17 08:00", snoozed: "2026-06-18 08:00", due: "esc", next: "2026-06-18 08:00",
		},
		{
			name:  "the escalation is told once",
			since: "2026-06-18 08:00", now: "2026-06-18 08:00", snoozed: "2026-06-18 08:00", due: "snooze", next: "2026-06-19 08:00",
		},
		{name: "submitted", since: "2026-06-03 08:00", now: "2026-06-03 08:00", status: db.StatusSubmitted},
		{name: "returned for rework", since: "2026-06-09 08:00", now: "2026-06-09 08:00", status: db.StatusReturned, due: "1d", next: "2026-06-10 08:00"},
	}
	p := NewPlanner(planTestPolicy())
	names := func(ss []Stage) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := planTestItem(deadline, "7d,3d,1d,0d")
			it.NextNoticeAt = planTestTime(t, tc.since)
			if tc.snoozed != "" {
				it.SnoozedUntil = planTestTime(t, tc.snoozed)
			}
			if tc.status != "" {
				it.Status = tc.status
			}
			now := planTestTime(t, tc.now)
			d := p.Decide(it, now)
			if got := names(d.Due); got != tc.due {
				t.Errorf("due %q, want %q", got, tc.due)
			}
			if got := names(d.Skipped); got != tc.skiped {
				t.Errorf("skipped %q, want %q", got, tc.skiped)
			}
			var want time.Time
			if tc.next != "" {
				want = planTestTime(t, tc.next)
			}
			if !d.Next.Equal(want) {
				t.Errorf("next %v, want %v", d.Next, want)
			}
			if !d.Next.IsZero() && !d.Next.After(now) {
				t.Errorf("next %v is not after now %v: the tick would loop", d.Next, now)
			}
		})
	}
}

// TestPlannerReplayNeverDoublesOrLoses walks an assignment through a
// half-year minute by minute around each stage, as the per-minute tick
// would, and checks every stage is due exactly once, at its time.
func TestPlannerReplayNeverDoublesOrLoses(t *testing.T) {
	p := NewPlanner(planTestPolicy())
	it := planTestItem(planTestTime(t, "2026-06-10 17:00"), "7d,3d,1d,0d")
	start := planTestTime(t, "2026-05-25 09:00")
	end := planTestTime(t, "2026-06-30 00:00")
	it.NextNoticeAt = start
	sent := map[string]time.Time{}
	for now := start; now.Before(end); now = now.Add(time.Minute) {
		if it.NextNoticeAt.IsZero() || now.Before(it.NextNoticeAt) {
			continue // what DueItems would not return
		}
		d := p.Decide(it, now)
		if len(d.Skipped) > 0 {
			t.Errorf("%v: skipped %v with no outage", now, d.Skipped)
		}
		for _, s := range d.Due {
			if first, ok := sent[s.Key]; ok && !first.Equal(now) {
				continue // re-offered later; the outbox key absorbs it
			}
			if !s.At.Equal(now) {
				t.Errorf("%s due at %v, its time is %v", s.Key, now, s.At)
			}
			sent[s.Key] = now
		}
		it.NextNoticeAt = d.Next
	}
	want := p.Stages(it, end.Add(-time.Minute))
	if len(sent) != len(want) {
		t.Errorf("sent %d stages, the schedule has %d:\n%s", len(sent), len(want), stageList(p, want))
	}
	for _, s := range want {
		if _, ok := sent[s.Key]; !ok {
			t.Errorf("stage %s at %v never due", s.Key, s.At)
		}
	}
}

func TestStageKeysFollowTheDeadline(t *testing.T) {
	p := NewPlanner(planTestPolicy())
	a := p.Stages(planTestItem(planTestTime(t, "2026-06-10 17:00"), "1d"), planTestTime(t, "2026-06-10 17:00"))
	b := p.Stages(planTestItem(planTestTime(t, "2026-06-17 17:00"), "1d"), planTestTime(t, "2026-06-17 17:00"))
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("stages %v, %v", a, b)
	}
	if got, want := a[0].Key, "1d.20260610"; got != want {
		t.Errorf("key %q, want %q", got, want)
	}
	if a[0].Key == b[0].Key {
		t.Errorf("an extended deadline reuses the key %q: its reminders would count as sent", a[0].Key)
	}
}
