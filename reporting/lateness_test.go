package reporting

import (
	"testing"
	"time"
)

func TestMeasure(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	deadline := time.Date(2026, 6, 10, 17, 0, 0, 0, loc)
	for _, c := range []struct {
		name string
		at   time.Time
		want Standing
	}{
		{"a week before", deadline.AddDate(0, 0, -7), Standing{Days: 7}},
		{"the evening before", time.Date(2026, 6, 9, 23, 59, 0, 0, loc), Standing{Days: 1}},
		// 18:00 UTC on 9/6 is already 01:00 on 10/6 in Vietnam.
		{"the day itself in UTC terms", time.Date(2026, 6, 9, 18, 0, 0, 0, time.UTC), Standing{Days: 0}},
		{"the morning of the day", time.Date(2026, 6, 10, 8, 0, 0, 0, loc), Standing{Days: 0}},
		{"at the deadline", deadline, Standing{Days: 0}},
		{"one minute late", deadline.Add(time.Minute), Standing{Late: true, Days: 1}},
		{"late the same evening", time.Date(2026, 6, 10, 23, 59, 0, 0, loc), Standing{Late: true, Days: 1}},
		{"the next morning", time.Date(2026, 6, 11, 8, 0, 0, 0, loc), Standing{Late: true, Days: 1}},
		{"three days on", time.Date(2026, 6, 13, 9, 0, 0, 0, loc), Standing{Late: true, Days: 3}},
		// Midnight in UTC is 07:00 in Vietnam: the days are the plan zone's.
		{"late in UTC terms", time.Date(2026, 6, 11, 16, 59, 0, 0, time.UTC), Standing{Late: true, Days: 1}},
	} {
		if got := Measure(c.at, deadline, loc); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		wantLate := 0
		if c.want.Late {
			wantLate = c.want.Days
		}
		if got := DaysLate(c.at, deadline, loc); got != wantLate {
			t.Errorf("%s: DaysLate = %d, want %d", c.name, got, wantLate)
		}
	}
}
