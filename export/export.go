// Package export writes what the Office aggregates from: an XLSX workbook
// (a status sheet of units × obligations and the register of received
// reports), the register as CSV, a ZIP of the accepted files, and iCalendar
// files of the deadlines. It knows the file formats, not the department: the
// bot decides what goes in and passes plain rows.
package export

import (
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Cell is one unit's state for one column of the status sheet: the words
// shown and the colour behind them.
type Cell struct {
	Text string
	Fill color.RGBA
}

// StatusRow is one unit of the status sheet.
type StatusRow struct {
	Code, Name string
	Cells      []Cell
}

// Entry is one received report (one version) in the register.
type Entry struct {
	Receipt    string // "12/2026"
	UnitCode   string
	UnitName   string
	Obligation string // the obligation's code
	Period     string // the period's name, "6 tháng đầu năm 2026"
	Version    int
	ReceivedAt time.Time
	DaysLate   int // 0: on time
	Status     string
	Reviewer   string
	ReviewedAt time.Time // zero: not reviewed yet
	DocNumber  string
	SHA256     []string // one per file
	// IncomingNo is the Office register's "số đến" recorded against the
	// receipt code, if any.
	IncomingNo string
}

// Report is everything one export holds. Times are shown in Location; the
// sheet names, headers and words are in Lang ("en" for English, anything
// else Vietnamese), the reader's language.
type Report struct {
	Title    string
	Columns  []string // the status sheet's obligation (or period) columns
	Status   []StatusRow
	Entries  []Entry
	Location *time.Location
	Lang     string
}

// Sheet names in Vietnamese, the department's working language; see Labels
// for English.
const (
	StatusSheet   = "Tình hình nộp"
	RegisterSheet = "Sổ tiếp nhận"
)

// Labels are a workbook's and a CSV's words in one language.
type Labels struct {
	StatusSheet, RegisterSheet string
	// UnitCode and UnitName head the status sheet's first two columns.
	UnitCode, UnitName string
	// Register is the header row of the register, in the XLSX and the CSV.
	Register []string
	// onTime and late ("Chậm nộp %d ngày") say how a report came in:
	// calendar days after the last day, the one count every text uses.
	onTime, late string
	docLang      string
}

var (
	labelsVI = Labels{
		StatusSheet: StatusSheet, RegisterSheet: RegisterSheet, UnitCode: "Mã đơn vị", UnitName: "Tên đơn vị",
		Register: []string{"Mã tiếp nhận", "Mã đơn vị", "Tên đơn vị", "Mã báo cáo", "Kỳ báo cáo", "Lần nộp",
			"Thời điểm nhận", "Đúng hạn / chậm nộp", "Trạng thái", "Người tiếp nhận", "Thời điểm tiếp nhận", "Số, ký hiệu văn bản", "SHA-256", "Số đến"},
		onTime: "Đúng hạn", late: "Chậm nộp %d ngày", docLang: "vi-VN",
	}
	labelsEN = Labels{
		StatusSheet: "Status", RegisterSheet: "Register", UnitCode: "Unit code", UnitName: "Unit name",
		Register: []string{"Receipt code", "Unit code", "Unit name", "Report code", "Period", "Version",
			"Received at", "On time / late", "Status", "Received by", "Recorded at", "Document number", "SHA-256", "Incoming no."},
		onTime: "On time", late: "%d days late", docLang: "en-GB",
	}
)

// LabelsFor returns the words of an export in lang: English for "en",
// Vietnamese otherwise.
func LabelsFor(lang string) Labels {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return labelsEN
	}
	return labelsVI
}

// Timeliness says "Đúng hạn" or "Chậm nộp N ngày" ("On time", "N days
// late" in English).
func (l Labels) Timeliness(daysLate int) string {
	switch {
	case daysLate <= 0:
		return l.onTime
	case daysLate == 1 && l.docLang == labelsEN.docLang:
		return "1 day late"
	}
	return fmt.Sprintf(l.late, daysLate)
}

// dateTimeLayout is how times are written in the CSV; the XLSX stores real
// dates with the matching number format, so Excel can sort and filter them.
const (
	dateTimeLayout = "02/01/2006 15:04"
	excelDateTime  = "dd/mm/yyyy hh:mm"
)

// registerRow is an entry as the register's cells: times stay time.Time
// (the zero time for none) so each writer formats them its own way.
func registerRow(e Entry, l Labels) []any {
	return []any{
		e.Receipt, e.UnitCode, e.UnitName, e.Obligation, e.Period, e.Version,
		e.ReceivedAt, l.Timeliness(e.DaysLate), e.Status, e.Reviewer, e.ReviewedAt, e.DocNumber, strings.Join(e.SHA256, "\n"), e.IncomingNo,
	}
}

// XLSX writes the workbook: the status sheet with coloured cells and the
// register, each with a frozen header row and an auto filter.
func XLSX(w io.Writer, r Report) error {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	l := LabelsFor(r.Lang)
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", l.StatusSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(l.RegisterSheet); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Title: r.Title, Creator: "reportbot", Language: l.docLang})
	st, err := newStyles(f)
	if err != nil {
		return err
	}

	// Status sheet.
	header := append([]any{l.UnitCode, l.UnitName}, toAny(r.Columns)...)
	rows := make([][]any, len(r.Status))
	fills := make([][]color.RGBA, len(r.Status))
	for i, s := range r.Status {
		row := []any{s.Code, s.Name}
		for _, c := range s.Cells {
			row = append(row, c.Text)
			fills[i] = append(fills[i], c.Fill)
		}
		rows[i] = row
	}
	if err := writeTable(f, st, l.StatusSheet, header, rows, []float64{12, 48}, 26); err != nil {
		return err
	}
	for i, rowFills := range fills {
		for j, c := range rowFills {
			id, err := st.fill(c)
			if err != nil {
				return err
			}
			cell, _ := excelize.CoordinatesToCellName(j+3, i+2)
			if err := f.SetCellStyle(l.StatusSheet, cell, cell, id); err != nil {
				return err
			}
		}
	}

	// Register.
	rows = rows[:0]
	for _, e := range r.Entries {
		row := registerRow(e, l)
		for i, v := range row {
			if t, ok := v.(time.Time); ok {
				row[i] = excelTime(t, loc)
			}
		}
		rows = append(rows, row)
	}
	widths := []float64{12, 11, 40, 11, 24, 8, 17, 13, 12, 22, 17, 16, 66, 10}
	if err := writeTable(f, st, l.RegisterSheet, toAny(l.Register), rows, widths, 0); err != nil {
		return err
	}
	for _, col := range []int{7, 11} { // received at, reviewed at
		from, _ := excelize.CoordinatesToCellName(col, 2)
		to, _ := excelize.CoordinatesToCellName(col, max(2, len(rows)+1))
		if err := f.SetCellStyle(l.RegisterSheet, from, to, st.date); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// excelTime turns a time into the wall clock of loc without a zone, as
// Excel keeps dates; the zero time becomes an empty cell.
func excelTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return ""
	}
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// writeTable writes a header and rows to a sheet, bolds and freezes the
// header, sets an auto filter over the table and the column widths (the
// last width repeating for extra columns, when rest > 0).
func writeTable(f *excelize.File, st *styles, sheet string, header []any, rows [][]any, widths []float64, rest float64) error {
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.SetCellStyle(sheet, "A1", last, st.header); err != nil {
		return err
	}
	for i := range header {
		w := rest
		if i < len(widths) {
			w = widths[i]
		}
		if w == 0 {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(header), max(1, len(rows)+1))
	return f.AutoFilter(sheet, "A1:"+end, nil)
}

// styles are the workbook's cell styles; fills are made once per colour.
type styles struct {
	f      *excelize.File
	header int
	date   int
	fills  map[color.RGBA]int
}

func newStyles(f *excelize.File) (*styles, error) {
	st := &styles{f: f, fills: map[color.RGBA]int{}}
	var err error
	st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE3EA"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
	})
	if err != nil {
		return nil, err
	}
	format := excelDateTime
	st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	return st, err
}

func (st *styles) fill(c color.RGBA) (int, error) {
	if id, ok := st.fills[c]; ok {
		return id, nil
	}
	id, err := st.f.NewStyle(&excelize.Style{
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{Hex(c)}},
		Alignment: &excelize.Alignment{Horizontal: "center"},
	})
	if err == nil {
		st.fills[c] = id
	}
	return id, err
}

// Hex writes a colour as Excel wants it: "BBF7D0".
func Hex(c color.RGBA) string { return fmt.Sprintf("%02X%02X%02X", c.R, c.G, c.B) }

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
