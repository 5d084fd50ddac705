package reminders

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// calTestLoc is a stand-in for Asia/Ho_Chi_Minh that needs no zone database.
var calTestLoc = time.FixedZone("ICT", 7*60*60)

// calTestDate parses "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" in calTestLoc.
func calTestDate(t *testing.T, s string) time.Time {
	t.Helper()
	layout := time.DateOnly
	if len(s) > len(time.DateOnly) {
		layout = "2006-01-02 15:04"
	}
	d, err := time.ParseInLocation(layout, s, calTestLoc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func calTestFormat(d time.Time) string {
	return fmt.Sprintf("%s %s", d.Format("2006-01-02 15:04"), d.Weekday())
}

func TestCalendarHolidays(t *testing.T) {
	c := NewCalendar(calTestLoc, nil)
	tests := []struct {
		date    string
		working bool
		kind    DayKind // 0: no entry
		nameVI  string
		nameEN  string
	}{
		// An ordinary weekend has no entry.
		{"2026-06-05", true, 0, "", ""},
		{"2026-06-06", false, 0, "", ""},
		{"2026-06-07", false, 0, "", ""},
		{"2026-06-08", true, 0, "", ""},
		// 1/1/2026 is a Thursday; the Government swapped Friday 2/1 for
		// Saturday 10/1.
		{"2026-01-01", false, PublicHoliday, "Tết Dương lịch", "New Year's Day"},
		{"2026-01-02", false, SwappedDayOff, "Nghỉ hoán đổi", "Swapped day off"},
		{"2026-01-10", true, MakeUpWorkday, "Làm việc bù (cho thứ Sáu 2/1)", "Make-up working day (for Friday 2/1)"},
		// Tết 2026 as announced: 14/02 to 22/02.
		{"2026-02-13", true, 0, "", ""},
		{"2026-02-14", false, PublicHoliday, "Nghỉ Tết Nguyên đán", "Lunar New Year break"},
		{"2026-02-17", false, PublicHoliday, "Nghỉ Tết Nguyên đán", "Lunar New Year break"},
		{"2026-02-22", false, PublicHoliday, "Nghỉ Tết Nguyên đán", "Lunar New Year break"},
		{"2026-02-23", true, 0, "", ""},
		// 2/1/2028 is a Sunday: the rule gives Monday off in lieu.
		{"2028-01-03", false, CompensatoryDayOff, "Nghỉ bù Tết Dương lịch", "In lieu of New Year's Day"},
		// Tết 2027: mùng 1 and 2 are Saturday and Sunday, so Wednesday and
		// Thursday after mùng 4 are compensatory days off.
		{"2027-02-04", true, 0, "", ""},
		{"2027-02-05", false, PublicHoliday, "Tết Nguyên đán (29 tháng Chạp)", "Lunar New Year's Eve"},
		{"2027-02-06", false, PublicHoliday, "Tết Nguyên đán (mùng 1)", "Lunar New Year (day 1)"},
		{"2027-02-07", false, PublicHoliday, "Tết Nguyên đán (mùng 2)", "Lunar New Year (day 2)"},
		{"2027-02-09", false, PublicHoliday, "Tết Nguyên đán (mùng 4)", "Lunar New Year (day 4)"},
		{"2027-02-10", false, CompensatoryDayOff, "Nghỉ bù Tết Nguyên đán (mùng 1)", "In lieu of Lunar New Year (day 1)"},
		{"2027-02-11", false, CompensatoryDayOff, "Nghỉ bù Tết Nguyên đán (mùng 2)", "In lieu of Lunar New Year (day 2)"},
		{"2027-02-12", true, 0, "", ""},
		// Giỗ Tổ 2026 is a Sunday: Monday is off in lieu.
		{"2026-04-26", false, PublicHoliday, "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"},
		{"2026-04-27", false, CompensatoryDayOff, "Nghỉ bù Giỗ Tổ Hùng Vương", "In lieu of Hung Kings' Commemoration Day"},
		{"2026-04-28", true, 0, "", ""},
		{"2026-04-30", false, PublicHoliday, "Ngày Chiến thắng", "Reunification Day"},
		{"2026-05-01", false, PublicHoliday, "Ngày Quốc tế Lao động", "International Labour Day"},
		{"2026-05-04", true, 0, "", ""},
		// 2/9/2026 is a Wednesday: the Government chose Tuesday 1/9 and
		// swapped Monday 31/8 for Saturday 22/8.
		{"2026-08-22", true, MakeUpWorkday, "Làm việc bù (cho thứ Hai 31/8)", "Make-up working day (for Monday 31/8)"},
		{"2026-08-31", false, SwappedDayOff, "Nghỉ hoán đổi", "Swapped day off"},
		{"2026-09-01", false, PublicHoliday, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"},
		{"2026-09-02", false, PublicHoliday, "Quốc khánh", "National Day"},
		{"2026-09-03", true, 0, "", ""},
		// 2/9/2027 is a Thursday: the rule's estimate is Friday 3/9.
		{"2027-09-02", false, PublicHoliday, "Quốc khánh", "National Day"},
		{"2027-09-03", false, PublicHoliday, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"},
		// Before the Labour Code 2019 took effect there was no adjacent day.
		{"2019-09-03", true, 0, "", ""},
		// 2023: Giỗ Tổ on Saturday 29/4 and 30/4 on Sunday are made up on
		// Tuesday and Wednesday, after Labour Day on Monday, as announced.
		{"2023-05-01", false, PublicHoliday, "Ngày Quốc tế Lao động", "International Labour Day"},
		{"2023-05-02", false, CompensatoryDayOff, "Nghỉ bù Giỗ Tổ Hùng Vương", "In lieu of Hung Kings' Commemoration Day"},
		{"2023-05-03", false, CompensatoryDayOff, "Nghỉ bù Ngày Chiến thắng", "In lieu of Reunification Day"},
		{"2023-05-04", true, 0, "", ""},
		// The day next to 2/9 in the years the Government announced.
		{"2022-09-01", false, PublicHoliday, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"}, // 2/9 Friday
		{"2023-09-01", false, PublicHoliday, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"}, // Saturday
		{"2023-09-04", false, CompensatoryDayOff, "Nghỉ bù Quốc khánh", "In lieu of National Day"},
		{"2024-09-03", false, PublicHoliday, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"}, // Monday
		{"2025-09-01", false, PublicHoliday, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"}, // Tuesday
		{"2025-09-03", true, 0, "", ""},
	}
	for _, tt := range tests {
		d := calTestDate(t, tt.date)
		if got := c.IsWorkingDay(d); got != tt.working {
			t.Errorf("IsWorkingDay(%s): got %v, want %v", calTestFormat(d), got, tt.working)
		}
		got, ok := c.DayInfo(d)
		if want := tt.kind != 0; ok != want {
			t.Errorf("DayInfo(%s): got entry %v (%+v), want %v", calTestFormat(d), ok, got, want)
			continue
		}
		if !ok {
			continue
		}
		if got.Kind != tt.kind || got.NameVI != tt.nameVI || got.NameEN != tt.nameEN {
			t.Errorf("DayInfo(%s): got %v %q/%q, want %v %q/%q", calTestFormat(d),
				got.Kind, got.NameVI, got.NameEN, tt.kind, tt.nameVI, tt.nameEN)
		}
		if !got.Date.Equal(d) || got.Date.Location() != calTestLoc {
			t.Errorf("DayInfo(%s).Date: got %v, want %v", calTestFormat(d), got.Date, d)
		}
	}
}

func TestCalendarOverrides(t *testing.T) {
	c := NewCalendar(calTestLoc, []Override{
		// A plan swaps Friday 13/02/2026 for Saturday 07/02.
		{Date: time.Date(2026, time.February, 7, 0, 0, 0, 0, time.UTC), Off: false, NameVI: "Làm bù cho ngày 13/02", NameEN: "Worked in lieu of 13 Feb"},
		{Date: time.Date(2026, time.February, 13, 0, 0, 0, 0, time.UTC), Off: true},
		// Overrides beat holidays too.
		{Date: time.Date(2026, time.September, 3, 0, 0, 0, 0, calTestLoc), Off: false},
		// The later of two overrides of one date wins.
		{Date: time.Date(2026, time.March, 2, 0, 0, 0, 0, calTestLoc), Off: false},
		{Date: time.Date(2026, time.March, 2, 0, 0, 0, 0, calTestLoc), Off: true, NameVI: "Nghỉ", NameEN: "Off"},
	})
	tests := []struct {
		date    string
		working bool
		kind    DayKind
		nameVI  string
		nameEN  string
	}{
		{"2026-02-07", true, MakeUpWorkday, "Làm bù cho ngày 13/02", "Worked in lieu of 13 Feb"},
		{"2026-02-13", false, PlanDayOff, "Nghỉ theo kế hoạch", "Day off (plan)"},
		{"2026-09-03", true, MakeUpWorkday, "Làm việc bù", "Make-up working day"},
		{"2026-03-02", false, PlanDayOff, "Nghỉ", "Off"},
	}
	for _, tt := range tests {
		d := calTestDate(t, tt.date)
		if got := c.IsWorkingDay(d); got != tt.working {
			t.Errorf("IsWorkingDay(%s): got %v, want %v", calTestFormat(d), got, tt.working)
		}
		got, ok := c.DayInfo(d)
		if !ok || got.Kind != tt.kind || got.NameVI != tt.nameVI || got.NameEN != tt.nameEN {
			t.Errorf("DayInfo(%s): got %v %v %q/%q, want %v %q/%q", calTestFormat(d),
				ok, got.Kind, got.NameVI, got.NameEN, tt.kind, tt.nameVI, tt.nameEN)
		}
	}
	// A deadline on the make-up Saturday stays; one on the swapped Friday
	// skips the whole Tết break.
	sat := calTestDate(t, "2026-02-07 17:00")
	if got, moved, _ := c.AdjustDeadline(sat); moved || !got.Equal(sat) {
		t.Errorf("AdjustDeadline(%s): got %s moved=%v, want unchanged", calTestFormat(sat), calTestFormat(got), moved)
	}
	fri := calTestDate(t, "2026-02-13 17:00")
	got, moved, reason := c.AdjustDeadline(fri)
	if want := calTestDate(t, "2026-02-23 17:00"); !moved || !got.Equal(want) || reason.Kind != PlanDayOff {
		t.Errorf("AdjustDeadline(%s): got %s moved=%v reason=%v, want %s moved=true reason=%v",
			calTestFormat(fri), calTestFormat(got), moved, reason.Kind, calTestFormat(want), PlanDayOff)
	}
}

func TestCalendarAdjustDeadline(t *testing.T) {
	c := NewCalendar(calTestLoc, nil)
	tests := []struct {
		due      string
		want     string
		moved    bool
		reasonVI string
		reasonEN string
		kind     DayKind
	}{
		{"2026-06-07 17:00", "2026-06-08 17:00", true, "Chủ nhật", "Sunday", Weekend},
		{"2026-06-06 00:00", "2026-06-08 00:00", true, "thứ Bảy", "Saturday", Weekend},
		{"2026-06-10 17:00", "2026-06-10 17:00", false, "", "", 0},
		// During Tết 2027 the deadline skips mùng 4 and both compensatory days.
		{"2027-02-08 17:00", "2027-02-12 17:00", true, "Tết Nguyên đán (mùng 3)", "Lunar New Year (day 3)", PublicHoliday},
		{"2027-02-06 09:30", "2027-02-12 09:30", true, "Tết Nguyên đán (mùng 1)", "Lunar New Year (day 1)", PublicHoliday},
		// Giỗ Tổ on Sunday 26/04/2026, Monday off in lieu.
		{"2026-04-26 17:00", "2026-04-28 17:00", true, "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", PublicHoliday},
		{"2026-04-27 17:00", "2026-04-28 17:00", true, "Nghỉ bù Giỗ Tổ Hùng Vương", "In lieu of Hung Kings' Commemoration Day", CompensatoryDayOff},
		// 30/4 and 1/5 (Thu, Fri) then the weekend.
		{"2026-04-30 23:59", "2026-05-04 23:59", true, "Ngày Chiến thắng", "Reunification Day", PublicHoliday},
		{"2026-09-02 17:00", "2026-09-03 17:00", true, "Quốc khánh", "National Day", PublicHoliday},
		// 2025: Tết as announced ends on Sunday 02/02, so Monday 03/02 is worked.
		{"2025-01-27 23:59", "2025-02-03 23:59", true, "Nghỉ Tết Nguyên đán", "Lunar New Year break", PublicHoliday},
	}
	for _, tt := range tests {
		due := calTestDate(t, tt.due)
		want := calTestDate(t, tt.want)
		got, moved, reason := c.AdjustDeadline(due)
		if !got.Equal(want) || moved != tt.moved {
			t.Errorf("AdjustDeadline(%s): got %s moved=%v, want %s moved=%v",
				calTestFormat(due), calTestFormat(got), moved, calTestFormat(want), tt.moved)
		}
		if reason.Kind != tt.kind || reason.NameVI != tt.reasonVI || reason.NameEN != tt.reasonEN {
			t.Errorf("AdjustDeadline(%s) reason: got %v %q/%q, want %v %q/%q", calTestFormat(due),
				reason.Kind, reason.NameVI, reason.NameEN, tt.kind, tt.reasonVI, tt.reasonEN)
		}
		if moved {
			day := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, calTestLoc)
			if !reason.Date.Equal(day) {
				t.Errorf("AdjustDeadline(%s) reason date: got %v, want %v", calTestFormat(due), reason.Date, day)
			}
		}
	}

	// A UTC instant is read in the calendar's zone: 18:00Z Friday is 01:00
	// Saturday in Hanoi.
	due := time.Date(2026, time.June, 5, 18, 0, 0, 0, time.UTC)
	got, moved, reason := c.AdjustDeadline(due)
	if want := calTestDate(t, "2026-06-08 01:00"); !got.Equal(want) || !moved || reason.NameEN != "Saturday" {
		t.Errorf("AdjustDeadline(%v): got %s moved=%v reason=%q, want %s moved=true reason=%q",
			due, calTestFormat(got), moved, reason.NameEN, calTestFormat(want), "Saturday")
	}
}

func TestCalendarYear(t *testing.T) {
	c := NewCalendar(calTestLoc, []Override{
		{Date: time.Date(2027, time.February, 13, 0, 0, 0, 0, calTestLoc), Off: false},
		{Date: time.Date(2027, time.February, 4, 0, 0, 0, 0, calTestLoc), Off: true},
		{Date: time.Date(2027, time.September, 3, 0, 0, 0, 0, calTestLoc), Off: false},
		{Date: time.Date(2028, time.January, 2, 0, 0, 0, 0, calTestLoc), Off: false}, // another year
	})
	// 2027 is not announced: what the Government chooses is estimated, what
	// the law fixes or the plan sets is not.
	want := []struct {
		date      string
		kind      DayKind
		nameVI    string
		nameEN    string
		estimated bool
	}{
		{"2027-01-01", PublicHoliday, "Tết Dương lịch", "New Year's Day", false},
		{"2027-02-04", PlanDayOff, "Nghỉ theo kế hoạch", "Day off (plan)", false},
		{"2027-02-05", PublicHoliday, "Tết Nguyên đán (29 tháng Chạp)", "Lunar New Year's Eve", true},
		{"2027-02-06", PublicHoliday, "Tết Nguyên đán (mùng 1)", "Lunar New Year (day 1)", true},
		{"2027-02-07", PublicHoliday, "Tết Nguyên đán (mùng 2)", "Lunar New Year (day 2)", true},
		{"2027-02-08", PublicHoliday, "Tết Nguyên đán (mùng 3)", "Lunar New Year (day 3)", true},
		{"2027-02-09", PublicHoliday, "Tết Nguyên đán (mùng 4)", "Lunar New Year (day 4)", true},
		{"2027-02-10", CompensatoryDayOff, "Nghỉ bù Tết Nguyên đán (mùng 1)", "In lieu of Lunar New Year (day 1)", true},
		{"2027-02-11", CompensatoryDayOff, "Nghỉ bù Tết Nguyên đán (mùng 2)", "In lieu of Lunar New Year (day 2)", true},
		{"2027-02-13", MakeUpWorkday, "Làm việc bù", "Make-up working day", false},
		{"2027-04-16", PublicHoliday, "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", false},
		{"2027-04-30", PublicHoliday, "Ngày Chiến thắng", "Reunification Day", false},
		{"2027-05-01", PublicHoliday, "Ngày Quốc tế Lao động", "International Labour Day", false},
		{"2027-05-03", CompensatoryDayOff, "Nghỉ bù Ngày Quốc tế Lao động", "In lieu of International Labour Day", true},
		{"2027-09-02", PublicHoliday, "Quốc khánh", "National Day", false},
		{"2027-09-03", MakeUpWorkday, "Làm việc bù", "Make-up working day", false},
	}
	got := c.Year(2027)
	if len(got) != len(want) {
		t.Errorf("Year(2027): got %d days, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.Date.Format(time.DateOnly) != w.date || g.Kind != w.kind || g.NameVI != w.nameVI || g.NameEN != w.nameEN || g.Estimated != w.estimated {
			t.Errorf("Year(2027)[%d]: got %s %v %q/%q estimated=%v, want %s %v %q/%q estimated=%v", i,
				g.Date.Format(time.DateOnly), g.Kind, g.NameVI, g.NameEN, g.Estimated, w.date, w.kind, w.nameVI, w.nameEN, w.estimated)
		}
		if !g.Estimated && g.Source == "" {
			t.Errorf("Year(2027)[%d] %s: neither estimated nor sourced", i, w.date)
		}
	}
	// Every estimated year has the statutory days of the law in force: ten
	// under the Labour Code 2012, eleven from 2021. Every year is sorted.
	for year := 2015; year <= 2040; year++ {
		if Announced(year) {
			continue
		}
		days := NewCalendar(calTestLoc, nil).Year(year)
		holidays := 0
		for i, d := range days {
			if d.Kind == PublicHoliday {
				holidays++
			}
			if i > 0 && !days[i-1].Date.Before(d.Date) {
				t.Errorf("Year(%d): %v not after %v", year, d.Date, days[i-1].Date)
			}
		}
		if want := map[bool]int{true: 10, false: 11}[year < 2021]; holidays != want {
			t.Errorf("Year(%d): got %d public holidays, want %d", year, holidays, want)
		}
	}
}

func TestCalendarWorkingDayArithmetic(t *testing.T) {
	c := NewCalendar(calTestLoc, nil)
	tests := []struct {
		name string
		got  time.Time
		want string
	}{
		{"next after Friday", c.NextWorkingDay(calTestDate(t, "2026-06-05 08:00")), "2026-06-08 08:00"},
		{"next from Saturday", c.NextWorkingDay(calTestDate(t, "2026-06-06 08:00")), "2026-06-08 08:00"},
		{"next before Tết 2026", c.NextWorkingDay(calTestDate(t, "2026-02-13 17:00")), "2026-02-23 17:00"},
		{"next before Tết 2027", c.NextWorkingDay(calTestDate(t, "2027-02-04 09:00")), "2027-02-12 09:00"},
		{"prev after Tết 2027", c.PrevWorkingDay(calTestDate(t, "2027-02-12 09:00")), "2027-02-04 09:00"},
		{"prev after Tết 2026", c.PrevWorkingDay(calTestDate(t, "2026-02-23 00:00")), "2026-02-13 00:00"},
		{"prev from Monday", c.PrevWorkingDay(calTestDate(t, "2026-06-08 10:00")), "2026-06-05 10:00"},
		{"add 1 across Tết", c.AddWorkingDays(calTestDate(t, "2027-02-04 09:00"), 1), "2027-02-12 09:00"},
		{"add 2 across Tết", c.AddWorkingDays(calTestDate(t, "2027-02-04 09:00"), 2), "2027-02-15 09:00"},
		{"add -3 across Tết", c.AddWorkingDays(calTestDate(t, "2027-02-15 09:00"), -3), "2027-02-03 09:00"},
		{"add 5 across Tết 2026", c.AddWorkingDays(calTestDate(t, "2026-02-12 17:00"), 5), "2026-02-26 17:00"},
		{"add 0 on a holiday", c.AddWorkingDays(calTestDate(t, "2027-02-06 09:00"), 0), "2027-02-06 09:00"},
		{"UTC input", c.NextWorkingDay(time.Date(2026, time.June, 4, 18, 0, 0, 0, time.UTC)), "2026-06-08 01:00"},
	}
	for _, tt := range tests {
		if want := calTestDate(t, tt.want); !tt.got.Equal(want) || tt.got.Location() != calTestLoc {
			t.Errorf("%s: got %s (%v), want %s", tt.name, calTestFormat(tt.got), tt.got.Location(), calTestFormat(want))
		}
	}

	between := []struct {
		a, b string
		want int
	}{
		{"2026-06-05", "2026-06-05", 0},
		{"2026-06-05 17:00", "2026-06-08 08:00", 1},
		{"2026-06-05", "2026-06-07", 0},
		{"2027-02-04", "2027-02-12", 1},
		{"2027-02-04", "2027-02-15", 2},
		{"2027-02-15", "2027-02-04", -2},
		// 365 days − 104 weekend days − 11 weekday days off (1/1, five of
		// Tết, 27/4 in lieu of Giỗ Tổ, 30/4, 1/5, 2/9, 3/9).
		{"2025-12-31", "2026-12-31", 250},
	}
	for _, tt := range between {
		a, b := calTestDate(t, tt.a), calTestDate(t, tt.b)
		if got := c.WorkingDaysBetween(a, b); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s): got %d, want %d", calTestFormat(a), calTestFormat(b), got, tt.want)
		}
	}
}

func TestCalendarDefaultLocation(t *testing.T) {
	c := NewCalendar(nil, nil)
	if got := c.Location(); got == nil || (got.String() != "Asia/Ho_Chi_Minh" && got.String() != "ICT") {
		t.Errorf("Location(): got %v, want Asia/Ho_Chi_Minh", got)
	}
	// 17:30Z on Monday 16/02/2026 is 00:30 on Tuesday 17/02 in Hanoi: mùng 1.
	if c.IsWorkingDay(time.Date(2026, time.February, 16, 17, 30, 0, 0, time.UTC)) {
		t.Errorf("IsWorkingDay(2026-02-16T17:30Z): got true, want false (mùng 1 in Hanoi)")
	}
}

func TestCalendarConcurrentUse(t *testing.T) {
	c := NewCalendar(calTestLoc, nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(year int) {
			defer wg.Done()
			for m := time.January; m <= time.December; m++ {
				c.IsWorkingDay(time.Date(year, m, 1, 0, 0, 0, 0, calTestLoc))
			}
			c.Year(year)
		}(2026 + i%3)
	}
	wg.Wait()
	if c.IsWorkingDay(calTestDate(t, "2026-02-17")) {
		t.Errorf("IsWorkingDay(2026-02-17): got true, want false")
	}
}

func TestCalendarDayKind(t *testing.T) {
	tests := []struct {
		kind DayKind
		str  string
		off  bool
	}{
		{0, "DayKind(0)", false},
		{Weekend, "weekend", true},
		{PublicHoliday, "public holiday", true},
		{CompensatoryDayOff, "compensatory day off", true},
		{PlanDayOff, "plan day off", true},
		{MakeUpWorkday, "make-up workday", false},
	}
	for _, tt := range tests {
		if got := tt.kind.String(); got != tt.str {
			t.Errorf("DayKind(%d).String(): got %q, want %q", int(tt.kind), got, tt.str)
		}
		if got := (Day{Kind: tt.kind}).Off(); got != tt.off {
			t.Errorf("Day{Kind: %v}.Off(): got %v, want %v", tt.kind, got, tt.off)
		}
	}
}
