package requests

import (
	"errors"
	"testing"
	"time"

	"github.com/reportbot/reportbot/reminders"
)

var hcmc, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func TestParse(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, hcmc)
	d := func(y int, m time.Month, day, hh, mm int) time.Time { return time.Date(y, m, day, hh, mm, 0, 0, hcmc) }
	for _, c := range []struct {
		in    string
		title string
		due   time.Time
		units []string
		all   bool
	}{
		{"Báo cáo tình hình biên chế năm 2026\ntrước ngày 05/12", "Báo cáo tình hình biên chế năm 2026", d(2026, 12, 5, 17, 0), nil, false},
		{"Báo cáo công tác dân vận | chậm nhất ngày 05/12/2026 10:30", "Báo cáo công tác dân vận", d(2026, 12, 5, 10, 30), nil, false},
		{"Báo cáo nhanh số liệu, trước ngày 03/01", "Báo cáo nhanh số liệu", d(2027, 1, 3, 17, 0), nil, false},
		{"Báo cáo A\nhạn 01/12\nĐơn vị: tcbc, VP", "Báo cáo A", d(2026, 12, 1, 17, 0), []string{"TCBC", "VP"}, false},
		{"Báo cáo A\n01/12/2026 8h00\nđơn vị: tất cả", "Báo cáo A", d(2026, 12, 1, 8, 0), nil, true},
		{"Báo cáo A\nNơi nhận: UBND tỉnh\n01/12/2026", "Báo cáo A", d(2026, 12, 1, 17, 0), nil, false},
	} {
		got, err := Parse(c.in, now, hcmc, 17, 0)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got.Title != c.title || !got.Deadline.Equal(c.due) || len(got.Units) != len(c.units) || got.AllUnits != c.all {
			t.Errorf("Parse(%q) = %+v, want %q %s %v %v", c.in, got, c.title, c.due, c.units, c.all)
		}
		for i := range c.units {
			if got.Units[i] != c.units[i] {
				t.Errorf("Parse(%q) units %v, want %v", c.in, got.Units, c.units)
			}
		}
	}
	if got, _ := Parse("Báo cáo A\nNơi nhận: UBND tỉnh; Sở Tài chính\n01/12/2026", now, hcmc, 17, 0); got.ReportTo != "UBND tỉnh; Sở Tài chính" {
		t.Errorf("report to %q", got.ReportTo)
	}
	if got, _ := Parse("Báo cáo A\nCăn cứ: Công văn số 123/UBND-NC ngày 01/6/2026 của UBND tỉnh\n01/12/2026", now, hcmc, 17, 0); got.Basis != "Công văn số 123/UBND-NC ngày 01/6/2026 của UBND tỉnh" || !got.Deadline.Equal(d(2026, 12, 1, 17, 0)) {
		t.Errorf("basis %q, deadline %v", got.Basis, got.Deadline)
	}
	for in, key := range map[string]string{
		"Báo cáo tình hình biên chế":             "no_deadline",
		"":                                       "no_title",
		"trước ngày 05/12":                       "no_title",
		"Báo cáo A\ntrước ngày 31/02/2027":       "bad_deadline",
		"Báo cáo A\ntrước ngày 20/11/2026":       "past_deadline",
		"Báo cáo A\ntrước ngày 28/11/2026 08:00": "past_deadline",
	} {
		_, err := Parse(in, now, hcmc, 17, 0)
		var p *Problem
		if !errors.As(err, &p) || p.Key != key {
			t.Errorf("Parse(%q) = %v, want problem %s", in, err, key)
		}
	}
}

func TestOffsetsSkipWhatIsPast(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, hcmc)
	got := Offsets(now.Add(4*24*time.Hour), now)
	var s []string
	for _, o := range got {
		s = append(s, o.String())
	}
	if len(got) != 3 || got[0].Days != 3 {
		t.Errorf("offsets %v, want 3d,1d,0d", s)
	}
}

func TestUnitsDeadlineComesBeforeTheDepartments(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, hcmc) // Saturday
	cal := reminders.NewCalendar(hcmc, nil)
	spec := Spec{Deadline: time.Date(2026, 12, 4, 17, 0, 0, 0, hcmc), ReportTo: "UBND tỉnh"} // Friday
	got, err := UnitsDeadline(spec, cal, now)
	if want := time.Date(2026, 12, 2, 17, 0, 0, 0, hcmc); err != nil || !got.Equal(want) {
		t.Errorf("units' deadline %v %v, want %v", got, err, want)
	}
	spec.Deadline = time.Date(2026, 12, 1, 17, 0, 0, 0, hcmc) // Tuesday: units by Friday 27/11, past
	var p *Problem
	if _, err := UnitsDeadline(spec, cal, now); !errors.As(err, &p) || p.Key != "too_close" {
		t.Errorf("too close: %v", err)
	}
	spec.ReportTo = ""
	if got, _ := UnitsDeadline(spec, cal, now); !got.Equal(spec.Deadline) {
		t.Errorf("without a report upward the deadline is the units': %v", got)
	}
}
