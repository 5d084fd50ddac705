package bot

import (
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

func TestArchiveShowsProgress(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	for _, code := range []string{"VP", "TTRA", "TCBC"} {
		c.submit(code, "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 "+code, true)
	}
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/archive 2026-H1")
	start := c.waitMethod("sendMessage", c.office.ID, "Đang đóng gói 0/3 đơn vị")
	edit := c.waitMethod("editMessageText", c.office.ID, "Đã đóng gói 3 đơn vị (3 tệp)")
	if edit.MessageID != start.MessageID {
		t.Errorf("edited message %d, want the progress message %d", edit.MessageID, start.MessageID)
	}
	c.waitMethod("sendDocument", c.office.ID, "Các báo cáo đã tiếp nhận")
	// Three units are fewer than the step and no time passed: only the last edit.
	edits := c.srv.SentMatching(telegramtest.All(telegramtest.ByMethod("editMessageText"), telegramtest.ToChat(c.office.ID)))
	for _, e := range edits {
		if strings.Contains(e.Text, "Đang đóng gói") {
			t.Errorf("intermediate edit %q", e.Text)
		}
	}
}
