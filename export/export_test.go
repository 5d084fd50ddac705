package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var hcmc, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

var green = color.RGBA{0xbb, 0xf7, 0xd0, 0xff}

func sample() Report {
	return Report{
		Title:    "Tổng hợp — 6 tháng đầu năm 2026",
		Columns:  []string{"BC6T"},
		Location: hcmc,
		Status: []StatusRow{
			{Code: "VP", Name: "Văn phòng Sở", Cells: []Cell{{"Đã duyệt", green}}},
			{Code: "TTRA", Name: "Thanh tra Sở", Cells: []Cell{{"Chưa nộp", color.RGBA{0xfe, 0xca, 0xca, 0xff}}}},
		},
		Entries: []Entry{{
			Receipt: "1/2026", UnitCode: "VP", UnitName: "Văn phòng Sở", Obligation: "BC6T", Period: "6 tháng đầu năm 2026",
			Version: 1, ReceivedAt: time.Date(2026, 6, 9, 9, 30, 0, 0, hcmc), DaysLate: 0, Status: "Đã duyệt",
			Reviewer: "Lê Thị Văn", ReviewedAt: time.Date(2026, 6, 9, 14, 0, 0, 0, hcmc), DocNumber: "45/BC-VP",
			SHA256: []string{"ab12"},
		}},
	}
}

func TestXLSXOpensBackCellByCell(t *testing.T) {
	var buf bytes.Buffer
	if err := XLSX(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != StatusSheet || got[1] != RegisterSheet {
		t.Fatalf("sheets %v", got)
	}
	want := map[string]string{
		StatusSheet + "!A1": "Mã đơn vị", StatusSheet + "!C1": "BC6T", StatusSheet + "!B2": "Văn phòng Sở",
		StatusSheet + "!C2": "Đã duyệt", StatusSheet + "!C3": "Chưa nộp",
		RegisterSheet + "!A1": "Mã tiếp nhận", RegisterSheet + "!M1": "SHA-256", RegisterSheet + "!A2": "1/2026",
		RegisterSheet + "!G2": "09/06/2026 09:30", RegisterSheet + "!H2": "Đúng hạn", RegisterSheet + "!K2": "09/06/2026 14:00",
		RegisterSheet + "!L2": "45/BC-VP", RegisterSheet + "!F2": "1",
	}
	for ref, w := range want {
		sheet, cell, _ := strings.Cut(ref, "!")
		got, err := f.GetCellValue(sheet, cell)
		if err != nil || got != w {
			t.Errorf("%s = %q (%v), want %q", ref, got, err, w)
		}
	}
	// The accepted cell is filled green.
	id, _ := f.GetCellStyle(StatusSheet, "C2")
	st, err := f.GetStyle(id)
	if err != nil || len(st.Fill.Color) == 0 || !strings.EqualFold(st.Fill.Color[0], Hex(green)) {
		t.Errorf("C2 fill %+v, want %s", st.Fill, Hex(green))
	}
	for _, sheet := range []string{StatusSheet, RegisterSheet} {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s panes %+v %v: header row not frozen", sheet, panes, err)
		}
	}
}

func TestCSVHasBOMAndTheRegister(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte{0xef, 0xbb, 0xbf}) {
		t.Fatal("no UTF-8 BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][0] != "Mã tiếp nhận" || recs[1][2] != "Văn phòng Sở" || recs[1][6] != "09/06/2026 09:30" {
		t.Errorf("csv %q", recs)
	}
	// An empty register is a header alone, not an error.
	buf.Reset()
	if err := CSV(&buf, Report{}); err != nil || strings.Count(buf.String(), "\r\n") != 1 {
		t.Errorf("empty register %q, %v", buf.String(), err)
	}
}

func TestArchiveNamesAndSummary(t *testing.T) {
	dir := t.TempDir()
	p1 := filepath.Join(dir, "1")
	os.WriteFile(p1, []byte("%PDF-1.4 VP"), 0o600)
	p2 := filepath.Join(dir, "2")
	os.WriteFile(p2, []byte("%PDF-1.4 VP again"), 0o600)
	files := []ArchiveFile{
		{Name: ArchiveName("VP", "Văn phòng Sở", "báo cáo.pdf"), Path: p1},
		{Name: ArchiveName("VP", "Văn phòng Sở", "báo cáo.pdf"), Path: p2},
		{Name: ArchiveName("X", "a/b", "../../etc/passwd"), Path: p1},
	}
	var buf bytes.Buffer
	if err := Archive(&buf, files, "Tổng hợp.xlsx", sample(), time.Date(2026, 6, 12, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	want := []string{"Tổng hợp.xlsx", "VP - Văn phòng Sở - báo cáo.pdf", "VP - Văn phòng Sở - báo cáo (2).pdf", "X - a_b - .._.._etc_passwd"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("names %q, want %q", names, want)
	}
	rc, _ := zr.File[1].Open()
	data, _ := io.ReadAll(rc)
	if string(data) != "%PDF-1.4 VP" {
		t.Errorf("file content %q", data)
	}
	rc, _ = zr.File[0].Open()
	sum, _ := io.ReadAll(rc)
	if _, err := excelize.OpenReader(bytes.NewReader(sum)); err != nil {
		t.Errorf("summary is not a workbook: %v", err)
	}
}

// An English reader's workbook and CSV are English throughout: sheet
// names, headers and the words of the register.
func TestEnglishExport(t *testing.T) {
	rep := sample()
	rep.Lang = "en"
	rep.Entries[0].DaysLate = 1
	var buf bytes.Buffer
	if err := XLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Status" || got[1] != "Register" {
		t.Fatalf("sheets %v", got)
	}
	for cell, want := range map[string]string{"Status!A1": "Unit code", "Register!A1": "Receipt code", "Register!H1": "On time / late", "Register!H2": "1 day late"} {
		sheet, ref, _ := strings.Cut(cell, "!")
		if got, _ := f.GetCellValue(sheet, ref); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	buf.Reset()
	if err := CSV(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(buf.String()[3:], "\r\n"); strings.ContainsAny(head, "ạảấầẩẫậăắằẳẵặđếềểễệịọỏốồổỗộơớờởỡợụủứừửữựỳỵỷỹ") || !strings.HasPrefix(head, "Receipt code,") {
		t.Errorf("English CSV header %q", head)
	}
	if got := LabelsFor("vi").Timeliness(3); got != "Chậm nộp 3 ngày" {
		t.Errorf("Vietnamese lateness %q", got)
	}
}
