package reminders

import (
	"errors"
	"testing"
	"time"
)

// lunarTestDay parses a YYYY-MM-DD civil date as UTC midnight.
func lunarTestDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLunarTet(t *testing.T) {
	// Tết (1 tháng Giêng) from Vietnamese calendars.
	tests := []struct {
		year int
		want string
	}{
		{2020, "2020-01-25"},
		{2021, "2021-02-12"},
		{2022, "2022-02-01"},
		{2023, "2023-01-22"},
		{2024, "2024-02-10"},
		{2025, "2025-01-29"},
		{2026, "2026-02-17"},
		{2027, "2027-02-06"},
		{2028, "2028-01-26"},
		{2029, "2029-02-13"},
		// The new moon is at 23:07 Hanoi time on 02/02, 00:07 on 03/02 in
		// Beijing: Vietnam celebrates a day before China (03/02/2030),
		// whose date many tables copy.
		{2030, "2030-02-02"},
		{2031, "2031-01-23"},
		{2032, "2032-02-11"},
		{2033, "2033-01-31"},
		// After the leap month 11 of 2033 (the "2033 problem").
		{2034, "2034-02-19"},
		{2035, "2035-02-08"},
		// Years where the UTC+7 calendar differs from the Chinese one.
		{1985, "1985-01-21"}, // China: 1985-02-20, a whole month later
		{2007, "2007-02-17"}, // China: 2007-02-18
	}
	for _, tt := range tests {
		got, err := LunarToSolar(LunarDate{Day: 1, Month: 1, Year: tt.year}, time.UTC)
		if err != nil {
			t.Errorf("LunarToSolar(1/1/%d): %v", tt.year, err)
			continue
		}
		if got.Format(time.DateOnly) != tt.want {
			t.Errorf("Tết %d: got %s, want %s", tt.year, got.Format(time.DateOnly), tt.want)
		}
		back := SolarToLunar(lunarTestDay(t, tt.want))
		if want := (LunarDate{Day: 1, Month: 1, Year: tt.year}); back != want {
			t.Errorf("SolarToLunar(%s): got %v, want %v", tt.want, back, want)
		}
	}
}

func TestLunarKnownDates(t *testing.T) {
	tests := []struct {
		solar string
		lunar LunarDate
	}{
		// Giỗ Tổ Hùng Vương, 10/3.
		{"2021-04-21", LunarDate{Day: 10, Month: 3, Year: 2021}},
		{"2022-04-10", LunarDate{Day: 10, Month: 3, Year: 2022}},
		{"2023-04-29", LunarDate{Day: 10, Month: 3, Year: 2023}},
		{"2024-04-18", LunarDate{Day: 10, Month: 3, Year: 2024}},
		{"2025-04-07", LunarDate{Day: 10, Month: 3, Year: 2025}},
		{"2026-04-26", LunarDate{Day: 10, Month: 3, Year: 2026}},
		// Tết Trung thu, 15/8.
		{"2024-09-17", LunarDate{Day: 15, Month: 8, Year: 2024}},
		{"2025-10-06", LunarDate{Day: 15, Month: 8, Year: 2025}},
		// First days of leap months.
		{"2020-05-23", LunarDate{Day: 1, Month: 4, Year: 2020, Leap: true}},
		{"2023-03-22", LunarDate{Day: 1, Month: 2, Year: 2023, Leap: true}},
		{"2025-07-25", LunarDate{Day: 1, Month: 6, Year: 2025, Leap: true}},
		{"2033-12-22", LunarDate{Day: 1, Month: 11, Year: 2033, Leap: true}},
		// The eves of Tết 2025 and 2026 are the 29th: no "30 Tết".
		{"2025-01-28", LunarDate{Day: 29, Month: 12, Year: 2024}},
		{"2026-02-16", LunarDate{Day: 29, Month: 12, Year: 2025}},
		{"2024-02-09", LunarDate{Day: 30, Month: 12, Year: 2023}},
	}
	for _, tt := range tests {
		if got := SolarToLunar(lunarTestDay(t, tt.solar)); got != tt.lunar {
			t.Errorf("SolarToLunar(%s): got %v, want %v", tt.solar, got, tt.lunar)
		}
		got, err := LunarToSolar(tt.lunar, time.UTC)
		if err != nil {
			t.Errorf("LunarToSolar(%v): %v", tt.lunar, err)
			continue
		}
		if got.Format(time.DateOnly) != tt.solar {
			t.Errorf("LunarToSolar(%v): got %s, want %s", tt.lunar, got.Format(time.DateOnly), tt.solar)
		}
	}
}

func TestLunarToSolarInvalid(t *testing.T) {
	tests := []struct {
		name  string
		lunar LunarDate
	}{
		{"day 30 of a 29-day month", LunarDate{Day: 30, Month: 12, Year: 2025}},
		{"leap month in a year without one", LunarDate{Day: 1, Month: 5, Year: 2024, Leap: true}},
		{"leap month other than the year's", LunarDate{Day: 1, Month: 5, Year: 2025, Leap: true}},
		{"month 13", LunarDate{Day: 1, Month: 13, Year: 2025}},
		{"month 0", LunarDate{Day: 1, Month: 0, Year: 2025}},
		{"day 0", LunarDate{Day: 0, Month: 1, Year: 2025}},
		{"day 31", LunarDate{Day: 31, Month: 1, Year: 2025}},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(tt.lunar, time.UTC)
		if !errors.Is(err, ErrInvalidLunarDate) {
			t.Errorf("%s: LunarToSolar(%v) = %v, %v; want ErrInvalidLunarDate", tt.name, tt.lunar, got, err)
		}
	}
}

func TestLunarToSolarLocation(t *testing.T) {
	loc := time.FixedZone("ICT", 7*60*60)
	got, err := LunarToSolar(LunarDate{Day: 1, Month: 1, Year: 2026}, loc)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, time.February, 17, 0, 0, 0, 0, loc); !got.Equal(want) || got.Location() != loc {
		t.Errorf("got %v, want %v", got, want)
	}
	// A nil location is UTC, like a bare civil date.
	got, err = LunarToSolar(LunarDate{Day: 1, Month: 1, Year: 2026}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, time.February, 17, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("nil location: got %v, want %v", got, want)
	}
}

func TestSolarToLunarUsesCivilDate(t *testing.T) {
	// 23:30 on 16/02 in Hanoi is 16:30 UTC: the date in d's own zone counts.
	d := time.Date(2026, time.February, 16, 23, 30, 0, 0, time.FixedZone("ICT", 7*60*60))
	if got, want := SolarToLunar(d), (LunarDate{Day: 29, Month: 12, Year: 2025}); got != want {
		t.Errorf("SolarToLunar(%v): got %v, want %v", d, got, want)
	}
	d = time.Date(2026, time.February, 17, 23, 59, 0, 0, time.UTC)
	if got, want := SolarToLunar(d), (LunarDate{Day: 1, Month: 1, Year: 2026}); got != want {
		t.Errorf("SolarToLunar(%v): got %v, want %v", d, got, want)
	}
}

// TestLunarRoundTrip converts every day of 2000–2050 both ways and checks
// that consecutive days make a well-formed calendar.
func TestLunarRoundTrip(t *testing.T) {
	end := time.Date(2051, time.January, 1, 0, 0, 0, 0, time.UTC)
	prev := SolarToLunar(time.Date(1999, time.December, 31, 0, 0, 0, 0, time.UTC))
	for d := time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 0, 1) {
		l := SolarToLunar(d)
		back, err := LunarToSolar(l, time.UTC)
		if err != nil {
			t.Fatalf("LunarToSolar(SolarToLunar(%s) = %v): %v", d.Format(time.DateOnly), l, err)
		}
		if !back.Equal(d) {
			t.Fatalf("round trip of %s via %v: got %s", d.Format(time.DateOnly), l, back.Format(time.DateOnly))
		}
		switch {
		case l.Day == prev.Day+1 && l.Month == prev.Month && l.Year == prev.Year && l.Leap == prev.Leap:
		case l.Day == 1 && (prev.Day == 29 || prev.Day == 30) && lunarFollows(prev, l):
		default:
			t.Fatalf("%s: %v follows %v", d.Format(time.DateOnly), l, prev)
		}
		prev = l
	}
}

// lunarFollows reports whether month b may come right after month a.
func lunarFollows(a, b LunarDate) bool {
	if b.Leap {
		return !a.Leap && b.Month == a.Month && b.Year == a.Year
	}
	if a.Month == 12 {
		return b.Month == 1 && b.Year == a.Year+1
	}
	return b.Month == a.Month+1 && b.Year == a.Year
}
