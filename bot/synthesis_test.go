package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/synthesis"
	"github.com/reportbot/reportbot/synthesis/docxtest"
)

// renderedText renders a DOCX the bot sent to PDF with LibreOffice and
// returns the PDF's text with runs of spaces folded; the test is skipped
// where LibreOffice is not installed.
func renderedText(t *testing.T, data []byte) string {
	t.Helper()
	if synthesis.OfficeBinary() == "" {
		t.Skip("LibreOffice is not installed (.ci/install-libreoffice installs it)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "draft.docx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pdf, err := synthesis.RenderPDF(ctx, path, dir)
	if err != nil {
		t.Fatal(err)
	}
	text, err := docxtest.PDFText(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(text), " ")
}

func TestSynthesisSendsDraftWorkbookAndArchive(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.submit("TCBC", "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 TCBC", true)
	c.submit("VP", "BC6T", "2026-H1", "vp.pdf", "%PDF-1.4 VP", false)
	c.setNow(at(2026, 6, 12, 9, 0))
	dm := telegramtest.PrivateChat(c.office)

	c.srv.InjectText(dm, c.office, "/synthesis BC6T 2026-H1")
	draft := c.waitMethod("sendDocument", c.office.ID, "Dự thảo báo cáo")
	if !strings.Contains(draft.Caption, "Đã nhận báo cáo của 2/9 đơn vị") || !strings.Contains(draft.Caption, "chưa báo cáo: 7") {
		t.Errorf("draft caption: %q", draft.Caption)
	}
	book := c.waitMethod("sendDocument", c.office.ID, "Sổ tiếp nhận")
	archive := c.waitMethod("sendDocument", c.office.ID, "Hồ sơ báo cáo đã tiếp nhận: 1 tệp")
	if draft.File.Name != "du-thao-bao-cao-BC6T-2026-H1.docx" || book.File.Name != "tong-hop-BC6T-2026-H1.xlsx" || archive.File.Name != "ho-so-BC6T-2026-H1.zip" {
		t.Errorf("file names: %q %q %q", draft.File.Name, book.File.Name, archive.File.Name)
	}

	doc, err := docxtest.Read(draft.File.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ", "/BC-SNV", "Quảng Ngãi, ngày 12 tháng 6 năm 2026",
		"Kết quả 6 tháng đầu năm 2026 về thực hiện Quy chế dân chủ ở cơ sở",
		"Phòng Tổ chức, biên chế và tổ chức phi chính phủ: Báo cáo số 45/BC-TCBC",
		"Văn phòng Sở: Báo cáo số 45/BC-VP", "(đang xem xét)", "- Thanh tra Sở.",
	} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(archive.File.Data), int64(len(archive.File.Data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, "|"); !strings.Contains(got, "TCBC - ") || strings.Contains(got, "VP - ") {
		t.Errorf("archive holds %s; want the accepted TCBC file and not VP's unreviewed one", got)
	}

	text := renderedText(t, draft.File.Data)
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Thanh tra Sở", "Văn phòng Sở"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered draft lacks %q", want)
		}
	}
}

func TestSynthesisBadInput(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	dm := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(dm, c.office, "/synthesis")
	c.waitText(c.office.ID, "Cách dùng: /synthesis KỲ")
	c.srv.InjectText(dm, c.office, "/synthesis 2026-H1")
	c.waitText(c.office.ID, "Chưa có đơn vị nào nộp báo cáo cho «2026-H1»")
	c.srv.InjectText(dm, c.office, "/synthesis 1999-H1")
	c.waitText(c.office.ID, "1999-H1")
	entries, _ := os.ReadDir(filepath.Join(c.bot.cfg.DataDir, "out"))
	for _, e := range entries {
		files, _ := os.ReadDir(filepath.Join(c.bot.cfg.DataDir, "out", e.Name()))
		if len(files) > 0 {
			t.Errorf("a refused synthesis left %s/%s", e.Name(), files[0].Name())
		}
	}
	c.srv.InjectText(telegramtest.PrivateChat(c.head), c.head, "/synthesis 2026-H1")
	c.waitText(c.head.ID, "Lệnh /synthesis không dành cho vai trò của đồng chí")
	if got := c.srv.SentMatching(telegramtest.All(telegramtest.ToChat(c.head.ID), telegramtest.ByMethod("sendDocument"))); len(got) != 0 {
		t.Errorf("a head got %d documents from /synthesis", len(got))
	}
}
