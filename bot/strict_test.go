package bot

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
)

// The bot against the strict fake: what Telegram refuses, the bot must not
// ask, and what it refuses in real life (a deleted topic, a removed bot, a
// member who never opened the bot) the bot must handle.

// isShown matches the calls that put something in front of a chat.
func isShown(chatID int64) func(telegramtest.Sent) bool {
	return func(s telegramtest.Sent) bool {
		switch s.Method {
		case "sendMessage", "sendPhoto", "sendDocument", "copyMessage", "editMessageText", "editMessageReplyMarkup":
			return s.ChatID == chatID
		}
		return false
	}
}

// flushOutbox sends whatever the handlers queued, so what a step caused is
// in the fake before the next step looks.
func (h *harness) flushOutbox() {
	h.t.Helper()
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	if _, err := h.bot.Sender().Drain(ctx); err != nil {
		h.t.Fatalf("drain outbox: %v", err)
	}
}

// commandAnswered sends text from u in chat and waits until the chat got an
// answer.
func (h *harness) commandAnswered(u models.User, chat models.Chat, text string) {
	h.t.Helper()
	before := len(h.srv.SentMatching(isShown(chat.ID)))
	h.srv.InjectText(chat, u, text)
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	if _, err := h.srv.WaitCount(ctx, before+1, isShown(chat.ID)); err != nil {
		h.t.Errorf("%s from %d: no answer: %v", text, u.ID, err)
	}
	h.flushOutbox()
}

// pressEveryButton presses every callback button u was ever shown in chat,
// once, including those of messages the presses bring, and waits for each
// answer; limit bounds the presses.
func (h *harness) pressEveryButton(u models.User, chatID int64, limit int) int {
	h.t.Helper()
	pressed := map[string]bool{}
	n := 0
	for progress := true; progress && n < limit; {
		progress = false
		for _, s := range h.srv.SentMatching(isShown(chatID)) {
			msg, ok := h.srv.Message(chatID, s.MessageID)
			if !ok || msg.ReplyMarkup == nil {
				continue // deleted, or its buttons were removed
			}
			for _, row := range msg.ReplyMarkup.InlineKeyboard {
				for _, b := range row {
					key := fmt.Sprint(s.MessageID, "|", b.CallbackData)
					if b.CallbackData == "" || pressed[key] || n >= limit {
						continue
					}
					pressed[key], progress = true, true
					n++
					q := h.srv.InjectCallback(u, chatID, s.MessageID, b.CallbackData)
					ctx, cancel := telegramtest.Within(slowWait)
					_, err := h.srv.WaitSent(ctx, func(a telegramtest.Sent) bool {
						return a.Method == "answerCallbackQuery" && a.CallbackQueryID == q.CallbackQuery.ID
					})
					cancel()
					if err != nil {
						h.t.Errorf("button %q (%s) in %d: not answered: %v", b.Text, b.CallbackData, chatID, err)
					}
					h.flushOutbox()
				}
			}
		}
	}
	return n
}

// menuCommands is the command menu the bot last set for a member's private chat.
func (h *harness) menuCommands(userID int64) []string {
	var names []string
	for _, c := range h.srv.Commands() {
		if c.Method == "setMyCommands" && c.Scope.Type == "chat" && c.Scope.ChatID == userID {
			names = names[:0]
			for _, cmd := range c.Commands {
				names = append(names, cmd.Command)
			}
		}
	}
	return names
}

// assertNoRefusals fails the test for every call the strict fake refused.
func (h *harness) assertNoRefusals() {
	h.t.Helper()
	for _, r := range h.srv.Refusals() {
		h.t.Errorf("Telegram would refuse %s: %d %s", r.Method, r.Code, r.Description)
	}
}

// TestEveryCommandAndButtonPassesTheStrictFake: every role sends every
// command of its menu and presses every button it gets, and Telegram (the
// strict fake) refuses none of the bot's calls.
func TestEveryCommandAndButtonPassesTheStrictFake(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	officeChat := c.bindOfficeChat()
	member := c.srv.NewUser(40, "Trần Thị Bình", "binh", "en")
	director := c.srv.NewUser(50, "Phạm Giám Đốc", "giamdoc", "vi")
	c.join(member, "TCBC", db.RoleMember)
	c.join(director, "", db.RoleDirector)
	c.submit("TCBC", "BC6T", "2026-H1", "báo cáo 6 tháng.pdf", "%PDF-1.4 TCBC", false)
	c.submit("VP", "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 VP", true)
	c.flushOutbox()

	presses := 0
	for _, u := range []models.User{c.head, member, c.office, director, c.admin} {
		menu := c.menuCommands(u.ID)
		if len(menu) < 2 {
			t.Fatalf("user %d has menu %v", u.ID, menu)
		}
		for _, name := range menu {
			c.commandAnswered(u, telegramtest.PrivateChat(u), "/"+name)
		}
		presses += c.pressEveryButton(u, u.ID, 80)
	}
	for _, text := range []string{"/status", "/help"} {
		c.commandAnswered(c.office, officeChat, text)
	}
	presses += c.pressEveryButton(c.office, officeChat.ID, 40)
	t.Logf("%d buttons pressed", presses)
	if presses < 10 {
		t.Errorf("only %d buttons pressed: the walk found too little to be a check", presses)
	}
	c.assertNoRefusals()
}

// bigPlan is a department of n units (X0001…) owing one half-year report.
func bigPlan(n int) []byte {
	var b strings.Builder
	b.WriteString("department: Sở Nội vụ tỉnh Quảng Ngãi\nunits:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  - code: X%04d\n    name: Ủy ban nhân dân xã số %d\n", i, i)
	}
	b.WriteString("obligations:\n  - code: BC6T\n    title: Báo cáo 6 tháng đầu năm\n    recurrence: yearly 10/06\n    covers: first-half\n    units: all\n")
	return []byte(b.String())
}

// TestStatusOfABigDepartmentIsDeliveredInPages: /status for 250 and 1,000
// units arrives as numbered photos Telegram accepts, 50 or 100 units each,
// every one a PNG a phone shows at near full size (render's test checks that
// the pages hold every unit, in order).
func TestStatusOfABigDepartmentIsDeliveredInPages(t *testing.T) {
	for _, units := range []int{250, 1000} {
		t.Run(fmt.Sprint(units), func(t *testing.T) {
			h := newHarness(t, at(2026, 6, 3, 8, 0))
			p, err := plan.Parse(bigPlan(units))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := plan.Apply(context.Background(), h.store, p); err != nil {
				t.Fatal(err)
			}
			office := h.srv.NewUser(20, "Lê Thị Văn", "vanphong", "vi")
			h.join(office, "", db.RoleOffice)
			h.srv.InjectText(telegramtest.PrivateChat(office), office, "/status")
			// Ten pages take minutes to draw under the race detector.
			ctx, cancel := telegramtest.Within(5 * slowWait)
			defer cancel()
			toOffice := telegramtest.All(telegramtest.ByMethod("sendPhoto"), telegramtest.ToChat(office.ID))
			first, err := h.srv.WaitSent(ctx, toOffice)
			if err != nil {
				t.Fatalf("no photo: %v", err)
			}
			// A page holds one or two blocks of 50 units, as many as fit
			// the width the grid's columns leave.
			var pages int
			if _, err := fmt.Sscanf(first.Caption[strings.LastIndex(first.Caption, "(trang "):], "(trang 1/%d)", &pages); err != nil {
				t.Fatalf("first caption %q: %v", first.Caption, err)
			}
			if pages < (units+99)/100 || pages > (units+49)/50 {
				t.Fatalf("%d pages for %d units, want 50 to 100 units a page", pages, units)
			}
			photos, err := h.srv.WaitCount(ctx, pages, toOffice)
			if err != nil {
				t.Fatalf("%d photos: %v", pages, err)
			}
			for i, ph := range photos {
				if want := fmt.Sprintf("(trang %d/%d)", i+1, pages); !strings.Contains(ph.Caption, want) {
					t.Errorf("photo %d caption %q lacks %q", i+1, ph.Caption, want)
				}
				img, err := png.Decode(bytes.NewReader(ph.File.Data))
				if err != nil {
					t.Fatalf("page %d is not a PNG: %v", i+1, err)
				}
				w, hh := img.Bounds().Dx(), img.Bounds().Dy()
				if w > 1300 || hh > 2560 || hh < 1000 {
					t.Errorf("page %d is %d×%d: not a readable page", i+1, w, hh)
				}
			}
			if n := len(h.srv.SentMatching(toOffice)); n != pages {
				t.Errorf("%d photos, want %d", n, pages)
			}
			h.assertNoRefusals()
		})
	}
}

// TestDeletedTopicFallsBackToTheChatAndTellsAdminsOnce: when the forum topic
// a chat is bound to is deleted, messages go to the chat itself and every
// admin hears of it once.
func TestDeletedTopicFallsBackToTheChatAndTellsAdminsOnce(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.srv.DeleteTopic(c.group.ID, 7)
	for i := range 2 {
		c.queueOutbox(db.OutMessage{ChatID: c.group.ID, ThreadID: 7, Text: fmt.Sprintf("Thông báo %d", i+1)})
	}
	c.flushOutbox()
	for i := range 2 {
		got := c.waitMethod("sendMessage", c.group.ID, fmt.Sprintf("Thông báo %d", i+1))
		if got.ThreadID != 0 {
			t.Errorf("message %d went to thread %d", i+1, got.ThreadID)
		}
	}
	c.waitMethod("sendMessage", c.admin.ID, "đã bị xoá")
	if n := len(c.srv.SentMatching(func(s telegramtest.Sent) bool {
		return s.ChatID == c.admin.ID && strings.Contains(s.Text, "đã bị xoá")
	})); n != 1 {
		t.Errorf("admin told %d times, want once", n)
	}
	if g, err := c.store.Read(context.Background()).Chat(db.ChatGroup); err != nil || g.ThreadID != 0 {
		t.Errorf("group binding = %+v, %v; want thread 0", g, err)
	}
}

// TestBotRemovedFromGroupIsRecordedAndAdminsTold: a removed bot's messages to
// the group are held, the removal is in the audit log, and admins hear once.
func TestBotRemovedFromGroupIsRecordedAndAdminsTold(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.srv.KickBot(c.group.ID, c.admin)
	for i := range 3 {
		c.queueOutbox(db.OutMessage{ChatID: c.group.ID, ThreadID: 7, Text: fmt.Sprintf("Thông báo %d", i+1)})
		c.flushOutbox()
	}
	c.waitMethod("sendMessage", c.admin.ID, "Bot đã bị xoá khỏi nhóm «Sở Nội vụ»")
	if n := len(c.srv.SentMatching(func(s telegramtest.Sent) bool {
		return s.ChatID == c.admin.ID && strings.Contains(s.Text, "đã bị xoá khỏi nhóm")
	})); n != 1 {
		t.Errorf("admin told %d times, want once", n)
	}
	log, err := c.store.Read(context.Background()).AuditLog("bot_removed")
	if err != nil || len(log) != 1 || log[0].TelegramID != c.group.ID {
		t.Errorf("audit = %+v, %v; want one bot_removed for %d", log, err, c.group.ID)
	}
}

// TestMemberWhoNeverStartedTheBotIsListedForTheOffice: a member Telegram
// will not let the bot write to is reported to the Office once and not
// retried.
func TestMemberWhoNeverStartedTheBotIsListedForTheOffice(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	officeChat := c.bindOfficeChat()
	c.srv.MeetUser(c.head) // as if the head had deleted the chat with the bot
	for i := range 2 {
		c.queueOutbox(db.OutMessage{ChatID: c.head.ID, Text: fmt.Sprintf("Nhắc %d", i+1)})
		c.flushOutbox()
	}
	c.waitMethod("sendMessage", officeChat.ID, "Nguyễn Văn An (")
	told := c.srv.SentMatching(func(s telegramtest.Sent) bool {
		return s.ChatID == officeChat.ID && strings.Contains(s.Text, "chưa mở bot")
	})
	if len(told) != 1 {
		t.Errorf("Office told %d times, want once", len(told))
	}
	m, err := c.store.Read(context.Background()).MemberByTelegramID(c.head.ID)
	if err != nil || m.UnreachableAt.IsZero() {
		t.Errorf("head = %+v, %v; want marked unreachable", m, err)
	}
	pending, err := c.store.Read(context.Background()).PendingOutbox(c.clock().Add(24*365*3600e9), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pending {
		if p.ChatID == c.head.ID {
			t.Errorf("message %d to the head is still pending: retried forever", p.ID)
		}
	}
}

// queueOutbox queues messages as a handler would.
func (h *harness) queueOutbox(ms ...db.OutMessage) {
	h.t.Helper()
	err := h.store.Tx(context.Background(), func(tx *db.Tx) error {
		for _, m := range ms {
			if m.Key == "" {
				m.Key = fmt.Sprintf("strict:%d:%s", m.ChatID, m.Text)
			}
			if _, _, err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}
