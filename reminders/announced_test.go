package reminders

import (
	"testing"
	"time"
)

// announcedBreaks is each year's days off as the announcements and the law
// word them ("từ ... đến hết ..."), weekends inside a break included, and the
// Saturdays worked in exchange. It is written from the notices, apart from the
// table, so a typo in either shows.
var announcedBreaks = map[int]struct {
	off    [][2]string // first and last day, DD/MM
	makeUp []string
}{
	2020: {off: [][2]string{{"01/01", "01/01"}, {"23/01", "29/01"}, {"02/04", "02/04"}, {"30/04", "01/05"}, {"02/09", "02/09"}}},
	2021: {off: [][2]string{{"01/01", "01/01"}, {"10/02", "16/02"}, {"21/04", "21/04"}, {"30/04", "03/05"}, {"02/09", "03/09"}}},
	2022: {off: [][2]string{{"01/01", "03/01"}, {"29/01", "06/02"}, {"10/04", "11/04"}, {"30/04", "03/05"}, {"01/09", "02/09"}}},
	2023: {off: [][2]string{{"01/01", "02/01"}, {"20/01", "26/01"}, {"29/04", "03/05"}, {"01/09", "04/09"}}},
	2024: {off: [][2]string{{"01/01", "01/01"}, {"08/02", "14/02"}, {"18/04", "18/04"}, {"27/04", "01/05"}, {"31/08", "03/09"}},
		makeUp: []string{"04/05"}},
	2025: {off: [][2]string{{"01/01", "01/01"}, {"25/01", "02/02"}, {"07/04", "07/04"}, {"30/04", "04/05"}, {"30/08", "02/09"}},
		makeUp: []string{"26/04"}},
	2026: {off: [][2]string{{"01/01", "04/01"}, {"14/02", "22/02"}, {"25/04", "27/04"}, {"30/04", "03/05"}, {"29/08", "02/09"}},
		makeUp: []string{"10/01", "22/08"}},
}

func TestAnnouncedYearsMatchTheNotices(t *testing.T) {
	c := NewCalendar(calTestLoc, nil)
	date := func(year int, s string) time.Time {
		d, err := time.ParseInLocation("02/01/2006", s+"/"+time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), calTestLoc)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for year := 2020; year <= 2026; year++ {
		want, ok := announcedBreaks[year]
		if !ok || !Announced(year) {
			t.Fatalf("%d: no announcement (test %v, table %v)", year, ok, Announced(year))
		}
		offDays := map[string]bool{}
		for _, r := range want.off {
			for d := date(year, r[0]); !d.After(date(year, r[1])); d = d.AddDate(0, 0, 1) {
				offDays[d.Format("02/01")] = true
			}
		}
		makeUp := map[string]bool{}
		for _, s := range want.makeUp {
			makeUp[s] = true
		}
		// Every day of the year: off exactly when announced (or a plain
		// weekend not worked in exchange).
		for d := date(year, "01/01"); d.Year() == year; d = d.AddDate(0, 0, 1) {
			key := d.Format("02/01")
			weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
			wantWorking := !offDays[key] && (!weekend || makeUp[key])
			if got := c.IsWorkingDay(d); got != wantWorking {
				t.Errorf("%s %s: working %v, announced %v", d.Format("02/01/2006"), d.Weekday(), got, wantWorking)
			}
			if info, ok := c.DayInfo(d); ok {
				if info.Estimated || info.Source == "" {
					t.Errorf("%s: announced year has an entry without its source: %+v", d.Format("02/01/2006"), info)
				}
			}
		}
	}
}

func TestUnannouncedYearIsEstimated(t *testing.T) {
	if Announced(2027) || Announced(2019) {
		t.Fatal("2027 and 2019 must be computed by the rule")
	}
	c := NewCalendar(calTestLoc, nil)
	tet, ok := c.DayInfo(calTestDate(t, "2027-02-06"))
	if !ok || !tet.Estimated || tet.Source != "" {
		t.Errorf("Tết 2027: got %+v, want an estimated entry", tet)
	}
	newYear, ok := c.DayInfo(calTestDate(t, "2027-01-01"))
	if !ok || newYear.Estimated || newYear.Source != srcLC2019 {
		t.Errorf("1/1/2027: got %+v, want fixed by %q", newYear, srcLC2019)
	}
	// A plan's calendar entry overrides the estimate and cites the plan.
	c = NewCalendar(calTestLoc, []Override{{Date: time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC), Off: false}})
	if d, _ := c.DayInfo(calTestDate(t, "2027-02-10")); d.Off() || d.Estimated || d.Source != srcPlan {
		t.Errorf("plan override: got %+v", d)
	}
}
