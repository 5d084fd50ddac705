package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
)

func TestReportUpwardStatusSynthesisSentAndNotices(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.remTx(func(tx *db.Tx) error { return tx.SetUpward("BC6T", "UBND tỉnh; Ban Dân vận Tỉnh ủy", 5) })
	c.submit("TCBC", "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 TCBC", true)
	dm := telegramtest.PrivateChat(c.office)

	c.srv.InjectText(dm, c.office, "/status BC6T")
	// Due 10/06/2026 (Wednesday) for the units; five working days on.
	c.waitText(c.office.ID, "⬆️ Báo cáo của Sở gửi UBND tỉnh, Ban Dân vận Tỉnh ủy: hạn 17/06/2026")
	c.waitText(c.office.ID, "đã nhận 1/9 đơn vị; chưa tổng hợp; chưa gửi.")

	// The Office and the Director hear of it three working days before.
	director := c.srv.NewUser(40, "Phạm Văn Giám", "giamdoc", "vi")
	c.join(director, "", db.RoleDirector)
	c.remBindChats()
	c.remTick(at(2026, 6, 12, 9, 0))
	c.waitText(remOfficeChat, "⬆️ Nhắc hạn gửi báo cáo của Sở — BC6T")
	c.waitText(director.ID, "Hạn gửi: 17/06/2026")

	c.srv.InjectText(dm, c.office, "/synthesis BC6T 2026-H1")
	c.waitMethod("sendDocument", c.office.ID, "Dự thảo báo cáo")

	// Bad input, then the sending recorded with the document's file.
	c.srv.InjectText(dm, c.office, "/sent BC6T 2026-H1")
	c.waitText(c.office.ID, "Cách dùng: /sent")
	c.srv.InjectText(dm, c.office, "/sent BC6T 2026-H1 45/BC-SNV 31/06/2026")
	c.waitText(c.office.ID, "Ngày «31/06/2026» không có thật")
	c.srv.InjectText(dm, c.office, "/sent BC6T 2026-H1 45/BC-SNV 20/06/2026")
	c.waitText(c.office.ID, "Ngày văn bản 20/06/2026 chưa đến")
	c.srv.InjectDocument(dm, c.office, telegramtest.Upload{Name: "45-BC-SNV.pdf", Data: pdf("BC SNV"), Caption: "/sent BC6T 2026-H1 45/BC-SNV 12/06/2026"})
	c.waitText(c.office.ID, "Đã ghi nhận: báo cáo số 45/BC-SNV ngày 12/06/2026 của Sở (BC6T, 6 tháng đầu năm 2026) đã gửi.")

	c.srv.InjectText(dm, c.office, "/status BC6T")
	c.waitText(c.office.ID, "đã tổng hợp ngày 12/06/2026; đã gửi, số 45/BC-SNV ngày 12/06/2026.")

	// The register lists what was sent.
	c.srv.InjectText(dm, c.office, "/export BC6T")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	book, err := c.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.ChatID == c.office.ID && s.File != nil && strings.HasPrefix(s.File.Name, "tong-hop-6-thang-dau-nam-2026")
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book.File.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(export.RegisterSheet)
	found := false
	for _, row := range rows {
		if strings.Contains(strings.Join(row, "|"), "45/BC-SNV") && strings.Contains(strings.Join(row, "|"), "Đã gửi: UBND tỉnh; Ban Dân vận Tỉnh ủy") {
			found = true
		}
	}
	if !found {
		t.Errorf("register rows: %v", rows)
	}
	u, _ := c.store.Read(context.Background()).UpwardPeriod(c.remItem("TCBC", "BC6T", "2026-H1").PeriodID)
	if u.FilePath == "" || !strings.HasPrefix(u.FilePath, "upward/") {
		t.Errorf("the sent document's file: %+v", u)
	}
}
