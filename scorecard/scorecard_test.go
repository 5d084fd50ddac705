package scorecard

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestCount(t *testing.T) {
	rows := Count([]Assignment{
		{UnitCode: "VP", Submitted: true},
		{UnitCode: "VP", Submitted: true, DaysLate: 3, Returned: 1},
		{UnitCode: "TCBC", Submitted: true, DaysLate: 2},
		{UnitCode: "TCBC", Overdue: true},   // missing
		{UnitCode: "TCBC"},                  // not due yet
		{UnitCode: "TCBC", Submitted: true}, // in early: due and on time
	})
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
