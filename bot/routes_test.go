package bot

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

const refusedHere = "chỉ dùng trong tin nhắn riêng với bot hoặc trong nhóm của Văn phòng Sở"

// consoleInGroups are console commands typed where they must not run.
var consoleInGroups = []string{"/status", "/overdue", "/export", "/archive BC6T 2026-H1", "/remind all", "/units"}

// The announcement group and a group with strangers in it get a pointer to
// the Office chat for every console command, and nothing about the
// department: no picture, no list, no workbook.
func TestConsoleCommandsAreRefusedOutsideTheOfficeChat(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	strangers := c.srv.NewGroup(-600, "Hội đồng hương")
	for _, where := range []struct {
		chat   int64
		inject func(text string)
	}{
		{c.group.ID, func(text string) { c.srv.InjectText(c.group, c.office, text, telegramtest.InThread(7)) }},
		{strangers.ID, func(text string) { c.srv.InjectText(strangers, c.office, text) }},
	} {
		for _, cmd := range consoleInGroups {
			where.inject(cmd)
		}
		ctx, cancel := telegramtest.Within(slowWait)
		_, err := c.srv.WaitCount(ctx, len(consoleInGroups), func(s telegramtest.Sent) bool {
			return s.ChatID == where.chat && strings.Contains(s.Text, refusedHere)
		})
		cancel()
		if err != nil {
			t.Fatalf("chat %d: not every console command was refused: %v", where.chat, err)
		}
	}
	// The bot answers one chat in order, so a last message answered means
	// nothing else is on its way: ask in private and wait for it.
	c.srv.InjectText(telegramtest.PrivateChat(c.office), c.office, "/units")
	c.waitMethod("", c.office.ID, "TCBC")
	for _, chat := range []int64{c.group.ID, strangers.ID} {
		for _, s := range c.srv.SentMatching(telegramtest.ToChat(chat)) {
			if strings.Contains(s.Text, refusedHere) || strings.Contains(s.Text, "nhóm thông báo chung") {
				continue
			}
			t.Errorf("chat %d got %s %q, want only refusals", chat, s.Method, s.Text+s.Caption)
		}
	}
}

// The Office chat runs the console; when the Office is a forum topic, only
// that topic does.
func TestConsoleRunsInTheOfficeTopicOnly(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	forum := c.srv.NewSupergroup(-1002, "Văn phòng Sở Nội vụ", true)
	c.srv.InjectText(forum, c.admin, "/bind office", telegramtest.InThread(3))
	c.waitMethod("", forum.ID, "làm nhóm Văn phòng Sở")
	c.srv.InjectText(forum, c.office, "/status BC6T", telegramtest.InThread(3))
	photo := c.waitMethod("sendPhoto", forum.ID, "6 tháng đầu năm 2026")
	if photo.ThreadID != 3 {
		t.Errorf("status went to topic %d, want 3", photo.ThreadID)
	}
	c.srv.InjectText(forum, c.office, "/status BC6T", telegramtest.InThread(5))
	refusal := c.waitMethod("", forum.ID, refusedHere)
	if refusal.ThreadID != 5 {
		t.Errorf("refusal went to topic %d, want 5", refusal.ThreadID)
	}
	if n := len(c.srv.SentMatching(telegramtest.All(telegramtest.ByMethod("sendPhoto"), telegramtest.ToChat(forum.ID)))); n != 1 {
		t.Errorf("forum got %d status pictures, want 1 (topic 3 only)", n)
	}
}

// A console button pressed outside the console's chats (a forged press, or
// a message forwarded there) is refused with a toast and changes nothing.
func TestConsoleButtonIsRefusedInTheAnnouncementGroup(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.srv.InjectCallback(c.office, c.group.ID, 1, Callback{Verb: VerbStatus}.Encode())
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	answer, err := c.srv.WaitSent(ctx, telegramtest.ByMethod("answerCallbackQuery"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answer.Text, refusedHere) {
		t.Errorf("toast %q, want the pointer to the Office chat", answer.Text)
	}
	for _, s := range c.srv.SentMatching(telegramtest.ToChat(c.group.ID)) {
		if s.Method != "answerCallbackQuery" && !strings.Contains(s.Text, "nhóm thông báo chung") {
			t.Errorf("group got %s %q", s.Method, s.Text)
		}
	}
}

// Every route's roles are real roles and every command has its /help line:
// the table is the surface, so a typo there is a hole in it.
func TestRouteTableIsComplete(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 8, 0))
	rt := h.bot.routes
	for _, name := range rt.order {
		c := rt.commands[name]
		if c.chats == 0 {
			t.Errorf("/%s runs in no chat", name)
		}
		for _, lang := range []string{"vi", "en"} {
			if key := "cmd." + name; tr(lang, key) == key {
				t.Errorf("/%s has no %s description", name, lang)
			}
		}
		for _, role := range c.roles {
			if !slices.Contains(everyone, role) {
				t.Errorf("/%s names unknown role %q", name, role)
			}
		}
	}
	for verb := range layouts {
		if _, ok := rt.buttons[verb]; !ok {
			t.Errorf("verb %q has a layout but no route", verb)
		}
	}
	for verb, route := range rt.buttons {
		if _, ok := layouts[verb]; !ok {
			t.Errorf("verb %q has a route but no layout", verb)
		}
		if route.refusal != "" && tr("vi", route.refusal) == route.refusal {
			t.Errorf("verb %q refuses with missing text %q", verb, route.refusal)
		}
	}
}

// A typed answer is checked against the role of whoever sends it when it
// arrives: a question meant for the Office, found waiting in a head's chat,
// is dropped with a word instead of acting with the Office's rights.
func TestTypedAnswerRechecksTheRole(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	err := c.store.Tx(t.Context(), func(tx *db.Tx) error {
		return tx.SetPendingInput(db.PendingInput{TelegramID: c.head.ID, ChatID: c.head.ID, Kind: inputAnnounce})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.srv.InjectText(telegramtest.PrivateChat(c.head), c.head, "Họp toàn cơ quan lúc 14:00")
	c.waitMethod("", c.head.ID, "không còn hiệu lực vì vai trò của đồng chí đã thay đổi")
	if _, err := c.store.Read(t.Context()).PeekPendingInput(c.head.ID, c.head.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("the question is still waiting: %v", err)
	}
	for _, s := range c.srv.SentMatching(telegramtest.ToChat(c.head.ID)) {
		if strings.Contains(s.Text, "Họp toàn cơ quan") {
			t.Errorf("the head's text became an announcement draft: %q", s.Text)
		}
	}
}

// Removing a member drops the question the bot was waiting for them to
// answer.
func TestRemovingAMemberDropsTheirQuestion(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.srv.InjectText(telegramtest.PrivateChat(c.office), c.office, "/announce")
	c.waitMethod("", c.office.ID, "Hãy gửi nội dung thông báo")
	c.srv.InjectText(telegramtest.PrivateChat(c.admin), c.admin, "/remove @vanphong")
	ask := c.waitMethod("", c.admin.ID, "có chắc muốn xoá")
	c.press(c.admin, ask, "Xoá")
	c.waitMethod("", c.office.ID, "đã kết thúc quyền")
	if _, err := c.store.Read(t.Context()).PeekPendingInput(c.office.ID, c.office.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("the removed member's question is still waiting: %v", err)
	}
}
