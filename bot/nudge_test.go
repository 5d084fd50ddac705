package bot

import (
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// /remind all chases what is late or inside its reminder window, counts the
// units it reached, names those it could not, and a second /remind all (or
// a double press) does not send again.
func TestRemindAllReachesOnlyWhatIsDueAndOnlyOnce(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	// BC6T was due 10/06; KDQUY's quarter is due 25/06 and its first
	// reminder (7 days before) is not yet due on 13/06.
	c.setNow(at(2026, 6, 13, 9, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/remind all")
	done := c.waitMethod("", c.office.ID, "Đã gửi đôn đốc tới 1 đơn vị (1 tin nhắn)")
	for _, want := range []string{"Không liên lạc được với 8 đơn vị", "BTDKT, BTG, CCHC, CCVC, CCVTLT, TTRA, VP, XDCQ"} {
		if !strings.Contains(done.Text, want) {
			t.Errorf("report lacks %q:\n%s", want, done.Text)
		}
	}
	nudged := c.waitMethod("", c.head.ID, "Văn phòng Sở đôn đốc")
	if !strings.Contains(nudged.Text, "6 tháng đầu năm") {
		t.Errorf("head nudged about %q, want BC6T", nudged.Text)
	}
	c.srv.InjectText(office, c.office, "/remind all")
	again := c.waitMethod("", c.office.ID, "vừa được đôn đốc trong ít phút trước")
	if !strings.Contains(again.Text, "Đã gửi đôn đốc tới 0 đơn vị") {
		t.Errorf("second /remind all:\n%s", again.Text)
	}
	c.srv.InjectText(office, c.office, "/overdue BC6T")
	list := c.waitMethod("", c.office.ID, "Bấm nút")
	c.press(c.office, list, "TCBC")
	c.waitMethod("answerCallbackQuery", c.office.ID, "TCBC vừa được đôn đốc lúc 09:00 13/06/2026")
	if n := len(c.srv.SentMatching(func(s telegramtest.Sent) bool {
		return s.ChatID == c.head.ID && strings.Contains(s.Text, "đôn đốc")
	})); n != 1 {
		t.Errorf("head nudged %d times, want 1", n)
	}

	// Ten minutes on, the button nudges again.
	c.setNow(at(2026, 6, 13, 9, 11))
	c.press(c.office, list, "TCBC")
	c.waitMethod("answerCallbackQuery", c.office.ID, "Đã gửi đôn đốc tới TCBC (1 người)")
}

// Early in a period nothing is inside its window yet: /remind all says so
// and sends nothing.
func TestRemindAllTooEarlySendsNothing(t *testing.T) {
	c := newConsole(t, at(2026, 7, 1, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/remind all")
	got := c.waitMethod("", c.office.ID, "chưa đến thời gian nhắc")
	if !strings.Contains(got.Text, "Đã gửi đôn đốc tới 0 đơn vị (0 tin nhắn)") || !strings.Contains(got.Text, "9 đơn vị") {
		t.Errorf("too-early /remind all:\n%s", got.Text)
	}
	if n := len(c.srv.SentMatching(telegramtest.ToChat(c.head.ID))); n != 1 {
		t.Errorf("head got %d messages, want only the greeting", n)
	}
}
