// Package scorecard counts a year of each unit's reporting — due, on time,
// late (and by how many days), missing, returned — the input departments use
// for emulation and appraisal (thi đua, đánh giá, xếp loại). It knows no
// Telegram and no database: the caller passes one Assignment per report owed.
package scorecard

import (
	"fmt"
	"io"
	"sort"

	"github.com/xuri/excelize/v2"
)

// Assignment is one report a unit owed.
type Assignment struct {
	UnitCode, UnitName string
	Submitted          bool // a report is in force (received or accepted, not returned)
	DaysLate           int  // of the report in force, as the core stored it
	// Overdue: nothing is in force and the deadline has passed, by the
	// core's one lateness rule (reporting.Measure), which the caller applies.
	Overdue  bool
	Returned int // versions the Office returned
}

// Row is one unit's year.
type Row struct {
	UnitCode, UnitName string
	Due, OnTime, Late  int
	DaysLate           int // summed over the late reports
	Missing, Returned  int
}

// OnTimeRate is the share of due reports in on time, 0..1; 1 when nothing was due.
func (r Row) OnTimeRate() float64 {
	if r.Due == 0 {
		return 1
	}
	return float64(r.OnTime) / float64(r.Due)
}

// Count makes the rows, one per unit in code order. A report counts as due
// once it is overdue, or earlier when it is already in.
func Count(as []Assignment) []Row {
	byUnit := map[string]*Row{}
	for _, a := range as {
		r := byUnit[a.UnitCode]
		if r == nil {
			r = &Row{UnitCode: a.UnitCode, UnitName: a.UnitName}
			byUnit[a.UnitCode] = r
		}
		r.Returned += a.Returned
		switch {
		case a.Submitted && a.DaysLate > 0:
			r.Due++
			r.Late++
			r.DaysLate += a.DaysLate
		case a.Submitted:
			r.Due++
			r.OnTime++
		case a.Overdue:
			r.Due++
			r.Missing++
		}
	}
	out := make([]Row, 0, len(byUnit))
	for _, r := range byUnit {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitCode < out[j].UnitCode })
	return out
}

// Header is the workbook's header row, Vietnamese: the department's paper.
var Header = []any{"Mã đơn vị", "Tên đơn vị", "Phải nộp", "Đúng hạn", "Chậm nộp", "Tổng số ngày chậm nộp", "Chưa nộp", "Bị trả lại", "Tỉ lệ đúng hạn"}

// XLSX writes the scorecard workbook.
func XLSX(w io.Writer, year int, rows []Row) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := fmt.Sprintf("Thi đua %d", year)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A1", &Header); err != nil {
		return err
	}
	for i, r := range rows {
		row := []any{r.UnitCode, r.UnitName, r.Due, r.OnTime, r.Late, r.DaysLate, r.Missing, r.Returned, r.OnTimeRate()}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		if err := f.SetCellStyle(sheet, "I2", fmt.Sprintf("I%d", len(rows)+1), pct); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "I1", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 48); err != nil {
		return err
	}
	return f.Write(w)
}
