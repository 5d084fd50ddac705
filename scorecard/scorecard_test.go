package scorecard

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestCount(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 10, 0, 0, 0, time.UTC) }
	rows := Count([]Assignment{
		{UnitCode: "VP", Deadline: d(6, 10), Submitted: true},
		{UnitCode: "VP", Deadline: d(11, 10), Submitted: true, DaysLate: 3, Returned: 1},
		{UnitCode: "TCBC", Deadline: d(6, 10), Submitted: true, DaysLate: 2},
		{UnitCode: "TCBC", Deadline: d(11, 10)},                  // missing
		{UnitCode: "TCBC", Deadline: d(12, 15)},                  // not due yet
		{UnitCode: "TCBC", Deadline: d(12, 20), Submitted: true}, // in early: due and on time
	}, now)
	want := []Row{
		{UnitCode: "TCBC", Due: 3, OnTime: 1, Late: 1, DaysLate: 2, Missing: 1},
		{UnitCode: "VP", Due: 2, OnTime: 1, Late: 1, DaysLate: 3, Returned: 1},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	if got := rows[0].OnTimeRate(); got < 0.33 || got > 0.34 {
		t.Errorf("rate %v", got)
	}
	var buf bytes.Buffer
	if err := XLSX(&buf, 2026, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := f.GetRows("Thi đua 2026")
	if len(got) != 3 || got[1][0] != "TCBC" || got[1][2] != "3" || got[1][6] != "1" {
		t.Errorf("sheet %v", got)
	}
}
