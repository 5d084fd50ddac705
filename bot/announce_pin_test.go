package bot

import (
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// A pin goes through the outbox after the press is answered; when Telegram
// refuses it (no right to pin), the clerk who pressed is told.
func TestRefusedPinIsToldToTheClerk(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.srv.InjectText(telegramtest.PrivateChat(c.office), c.office, "/announce Họp giao ban thứ Hai")
	preview := c.waitMethod("sendMessage", c.office.ID, "Họp giao ban")
	c.press(c.office, preview, "Gửi")
	c.waitMethod("sendMessage", c.group.ID, "Họp giao ban")
	sent := c.waitMethod("editMessageText", c.office.ID, "Đã gửi thông báo")
	c.srv.FailNext("pinChatMessage", 1000, 400)
	c.pressPin(sent)
	c.waitMethod("sendMessage", c.office.ID, "Không ghim được thông báo")
	if pinned := c.srv.PinnedMessageID(c.group.ID); pinned != 0 {
		t.Errorf("pinned %d although Telegram refused", pinned)
	}
}

// pressPin presses Pin on the sent announcement until it is taken. The
// sender may not have recorded the group message as sent when the Office's
// confirmation arrives (chats are sent in parallel): until it has, Pin says
// "try again", so press again as a person would. Each press's own answer is
// awaited by its id: the answer to an earlier press (Send) may still arrive
// after the message it led to.
func (c *console) pressPin(sent telegramtest.Sent) {
	c.t.Helper()
	for attempt := 0; ; attempt++ {
		id := c.press(c.office, sent, "Ghim")
		ctx, cancel := telegramtest.Within(slowWait)
		answer, err := c.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
			return s.Method == "answerCallbackQuery" && s.CallbackQueryID == id
		})
		cancel()
		if err != nil {
			c.t.Fatal(err)
		}
		if toast := answer.Text; strings.Contains(toast, "Đã ghim") {
			return
		} else if attempt == 20 || !strings.Contains(toast, "thử lại") {
			c.t.Fatalf("pin answered %q", toast)
		}
	}
}
