package bot

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// TestOfficeRecordsTheIncomingNumber: the receipt code is the bot's; the
// Office records its register's "số đến" against it, and the workbook shows
// both.
func TestOfficeRecordsTheIncomingNumber(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.submit("TCBC", "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 TCBC", true)
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/soden 1/2026 245")
	c.waitMethod("", c.office.ID, "Đã ghi số đến 245 cho báo cáo có mã tiếp nhận 1/2026")
	c.srv.InjectText(office, c.office, "/soden 9/2026 246")
	c.waitMethod("", c.office.ID, "Không có báo cáo nào có mã tiếp nhận 9/2026")
	c.srv.InjectText(office, c.office, "/soden 245")
	c.waitMethod("", c.office.ID, "Cách dùng: /soden")

	c.srv.InjectText(office, c.office, "/export 2026-H1")
	doc := c.waitMethod("sendDocument", c.office.ID, "(Excel)")
	f, err := excelize.OpenReader(bytes.NewReader(doc.File.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"N1": "Số đến", "A2": "1/2026", "N2": "245"} {
		if got, _ := f.GetCellValue("Sổ tiếp nhận", cell); got != want {
			t.Errorf("register %s = %q, want %q", cell, got, want)
		}
	}
}
