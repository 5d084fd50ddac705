package synthesis

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/synthesis/docxtest"
)

var hcmc, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func at(y int, m time.Month, d, hh int) time.Time { return time.Date(y, m, d, hh, 0, 0, 0, hcmc) }

func sampleDraft() Draft {
	return Draft{
		Issuer:   IssuerOf("Sở Nội vụ tỉnh Quảng Ngãi"),
		Date:     at(2026, 6, 12, 9),
		Title:    "Báo cáo kết quả thực hiện Quy chế dân chủ ở cơ sở 6 tháng đầu năm",
		Period:   "6 tháng đầu năm 2026",
		Basis:    "Kế hoạch số 38/KH-SNV ngày 04/3/2021 của Sở Nội vụ",
		Deadline: at(2026, 6, 10, 17),
		Units: []Unit{
			{Code: "TCBC", Name: "Phòng Tổ chức, biên chế", Reported: true, DocNumber: "45/BC-TCBC", DocDate: at(2026, 6, 2, 0), ReceivedAt: at(2026, 6, 3, 9), Receipt: "1/2026", Accepted: true},
			{Code: "CCVC", Name: "Phòng Công chức, viên chức", Reported: true, ReceivedAt: at(2026, 6, 12, 8), Receipt: "2/2026", DaysLate: 2},
			{Code: "TTRA", Name: "Thanh tra Sở"},
		},
		Annexes:    []string{"Sổ tiếp nhận báo cáo (tệp Excel kèm theo)"},
		Recipients: []string{"UBND tỉnh (b/c)", "Ban Dân vận Tỉnh ủy"},
	}
}

func TestIssuerOf(t *testing.T) {
	got := IssuerOf("Sở Nội vụ tỉnh Quảng Ngãi")
	want := Issuer{Parent: "UBND TỈNH QUẢNG NGÃI", Name: "SỞ NỘI VỤ", Abbrev: "SNV", Place: "Quảng Ngãi", Signer: "GIÁM ĐỐC"}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got := IssuerOf("Sở Tài chính").Abbrev; got != "STC" {
		t.Fatalf("abbrev: got %q, want STC", got)
	}
	if got := IssuerOf("Sở Nội vụ").Parent; got != "" {
		t.Fatalf("no province: got parent %q", got)
	}
}

// TestDraftParts reopens the document and checks every part Appendix I
// asks for, the page and the font.
func TestDateLine(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{at(2026, 2, 5, 9), "ngày 05 tháng 02 năm 2026"},
		{at(2026, 1, 15, 9), "ngày 15 tháng 01 năm 2026"},
		{at(2026, 6, 9, 9), "ngày 09 tháng 6 năm 2026"},
		{at(2026, 11, 10, 9), "ngày 10 tháng 11 năm 2026"},
	} {
		if got := dateLine(c.t); got != c.want {
			t.Errorf("dateLine(%s) = %q, want %q", c.t.Format("02/01"), got, c.want)
		}
	}
}

func TestSubjectNamesThePeriodOnce(t *testing.T) {
	for _, c := range []struct{ title, period, want string }{
		{"Báo cáo kết quả thực hiện Quy chế dân chủ 6 tháng đầu năm", "6 tháng đầu năm 2026", "Kết quả thực hiện Quy chế dân chủ 6 tháng đầu năm 2026"},
		{"Báo cáo 6 tháng đầu năm về thực hiện Quy chế dân chủ", "6 tháng đầu năm 2026", "Kết quả 6 tháng đầu năm 2026 về thực hiện Quy chế dân chủ"},
		{"Báo cáo năm về công tác dân vận", "năm 2026", "Kết quả năm 2026 về công tác dân vận"},
		{"Báo cáo tình hình biên chế", "quý III/2026", "Tình hình biên chế quý III/2026"},
		{"Tình hình biên chế quý III/2026", "quý III/2026", "Tình hình biên chế quý III/2026"},
		{"Báo cáo nhanh kết quả tiếp công dân", "", "Báo cáo nhanh kết quả tiếp công dân"},
	} {
		if got := (Draft{Title: c.title, Period: c.period}).Subject(); got != c.want {
			t.Errorf("Subject(%q, %q) = %q, want %q", c.title, c.period, got, c.want)
		}
	}
}

func TestDraftParts(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleDraft(), hcmc); err != nil {
		t.Fatal(err)
	}
	doc, err := docxtest.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số:       /BC-SNV", "Quảng Ngãi, ngày 12 tháng 6 năm 2026",
		"BÁO CÁO", "Kết quả thực hiện Quy chế dân chủ ở cơ sở 6 tháng đầu năm 2026",
		"Thực hiện Kế hoạch số 38/KH-SNV ngày 04/3/2021 của Sở Nội vụ, Sở Nội vụ báo cáo",
		"đã tiếp nhận báo cáo của 2/3 phòng, đơn vị (hạn nộp ngày 10/06/2026)",
		"- Phòng Tổ chức, biên chế: Báo cáo số 45/BC-TCBC ngày 02/06/2026, nhận ngày 03/06/2026, mã tiếp nhận 1/2026.",
		"- Phòng Công chức, viên chức: báo cáo (không ghi số, ký hiệu), nhận ngày 12/06/2026, mã tiếp nhận 2/2026, chậm nộp 2 ngày (đang xem xét).",
		"3. Đơn vị chưa báo cáo: 1 đơn vị.", "- Thanh tra Sở.",
		"1. Sổ tiếp nhận báo cáo (tệp Excel kèm theo).",
		"Nơi nhận:", "- UBND tỉnh (b/c);", "- Ban Dân vận Tỉnh ủy;", "- Lưu: VT, VP.", "GIÁM ĐỐC",
	} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	for _, want := range []string{
		`<w:pgSz w:w="11906" w:h="16838"`,
		`w:left="1701"`, `w:right="851"`, `w:top="1134"`, `w:bottom="1134"`,
		`w:ascii="Times New Roman"`,
	} {
		if !strings.Contains(doc.XML, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if strings.Contains(doc.XML, `w:ascii="Calibri"`) {
		t.Error("a run is not in Times New Roman")
	}
}

func TestDraftRefusesNothingReceived(t *testing.T) {
	d := sampleDraft()
	for i := range d.Units {
		d.Units[i].Reported = false
	}
	var buf bytes.Buffer
	if err := Write(&buf, d, hcmc); !errors.Is(err, ErrNothingReceived) {
		t.Fatalf("got %v, want ErrNothingReceived", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("%d bytes written for a refused draft", buf.Len())
	}
}

// TestDraftRendersToPDF opens the draft in LibreOffice, as the Office will
// in Word, and reads the PDF back: the Quốc hiệu, the trích yếu and every
// unit must be on the page.
func TestDraftRendersToPDF(t *testing.T) {
	if OfficeBinary() == "" {
		t.Skip("LibreOffice is not installed (.ci/install-libreoffice installs it)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "du-thao.docx")
	var buf bytes.Buffer
	if err := Write(&buf, sampleDraft(), hcmc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pdf, err := RenderPDF(ctx, path, dir)
	if err != nil {
		t.Fatal(err)
	}
	text, err := docxtest.PDFText(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
		"Kết quả thực hiện Quy chế dân chủ ở cơ sở 6 tháng đầu năm 2026",
		"Phòng Tổ chức, biên chế", "Phòng Công chức, viên chức", "Thanh tra Sở", "chậm nộp 2 ngày",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q; text:\n%s", want, text)
		}
	}
}
