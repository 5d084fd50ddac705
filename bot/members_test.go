package bot

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// /remove asks first; Confirm removes, tells the person, clears their menu
// and closes the question with who did it and when; a second press does
// nothing more.
func TestRemoveAsksThenTellsThePersonAndClearsTheirMenu(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/remove @an")
	ask := c.waitMethod("", c.office.ID, "có chắc muốn xoá Nguyễn Văn An (Trưởng đơn vị, TCBC)")
	if _, err := c.bot.store.Read(t.Context()).MemberByTelegramID(c.head.ID); err != nil {
		t.Fatalf("asking removed the head already: %v", err)
	}
	c.press(c.office, ask, "Xoá")
	c.waitMethod("", c.head.ID, "đã kết thúc quyền sử dụng bot")
	edited := c.waitMethod("editMessageText", c.office.ID, "Đã xoá Nguyễn Văn An (Trưởng đơn vị, TCBC) khỏi bot")
	if !strings.Contains(edited.Text, "Lê Thị Văn, 08:00 03/06/2026") || len(edited.Buttons) != 0 {
		t.Errorf("closed question %q with %d button rows, want who, when and no buttons", edited.Text, len(edited.Buttons))
	}
	if _, err := c.bot.store.Read(t.Context()).MemberByTelegramID(c.head.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("head still a member: %v", err)
	}
	cleared := false
	for _, call := range c.srv.Commands() {
		cleared = cleared || call.Method == "deleteMyCommands" && call.Scope.ChatID == c.head.ID
	}
	if !cleared {
		t.Error("the removed head's command menu was not cleared")
	}
	// A second clerk pressing the same button changes nothing.
	c.press(c.admin, ask, "Xoá")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	if _, err := c.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.Method == "answerCallbackQuery" && strings.Contains(s.Text, "đã được xoá trước đó")
	}); err != nil {
		t.Fatal(err)
	}
	if n := len(c.srv.SentMatching(func(s telegramtest.Sent) bool {
		return s.ChatID == c.head.ID && strings.Contains(s.Text, "kết thúc quyền")
	})); n != 1 {
		t.Errorf("head told %d times, want 1", n)
	}
	c.srv.InjectText(telegramtest.PrivateChat(c.head), c.head, "/history")
	c.waitMethod("", c.head.ID, "Bạn chưa tham gia bot")
}

func TestRemoveCancelledKeepsTheMember(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.srv.InjectText(telegramtest.PrivateChat(c.office), c.office, "/remove @an")
	ask := c.waitMethod("", c.office.ID, "có chắc muốn xoá")
	c.press(c.office, ask, "Huỷ")
	c.waitMethod("editMessageText", c.office.ID, "Đã huỷ: Nguyễn Văn An (Trưởng đơn vị, TCBC) vẫn là thành viên")
	if _, err := c.bot.store.Read(t.Context()).MemberByTelegramID(c.head.ID); err != nil {
		t.Errorf("cancel removed the head: %v", err)
	}
}

// /invite in chat reads what "reportbot invite" reads, dashes a phone made
// of "--" included.
func TestInviteTakesTheCLIArguments(t *testing.T) {
	week := 7 * 24 * time.Hour
	for _, c := range []struct {
		args string
		unit string
		role db.Role
		ttl  time.Duration
		ok   bool
	}{
		{"TCBC", "TCBC", db.RoleHead, week, true},
		{"TCBC member", "TCBC", db.RoleMember, week, true},
		{"TCBC --role member", "TCBC", db.RoleMember, week, true},
		{"--role=member TCBC --ttl 48h", "TCBC", db.RoleMember, 48 * time.Hour, true},
		{"TCBC —role member —ttl 2h", "TCBC", db.RoleMember, 2 * time.Hour, true},
		{"VP --role office", "VP", db.RoleOffice, week, true},
		{"--role office", "", db.RoleOffice, week, true},
		{"office", "", db.RoleOffice, week, true},
		{"--role director", "", db.RoleDirector, week, true},
		{"director", "", db.RoleDirector, week, true},
		{"", "", "", 0, false},
		{"--role member", "", "", 0, false},
		{"TCBC --role admin", "", "", 0, false},
		{"TCBC VP", "", "", 0, false},
		{"TCBC --role", "", "", 0, false},
		{"TCBC --ttl soon", "", "", 0, false},
		{"TCBC --ttl -1h", "", "", 0, false},
		{"TCBC --colour red", "", "", 0, false},
		{"A B C", "", "", 0, false},
	} {
		unit, role, ttl, ok := parseInviteArgs(c.args, week)
		if ok != c.ok || ok && (unit != c.unit || role != c.role || ttl != c.ttl) {
			t.Errorf("parseInviteArgs(%q) = %q, %q, %v, %v; want %q, %q, %v, %v", c.args, unit, role, ttl, ok, c.unit, c.role, c.ttl, c.ok)
		}
	}
}

func TestInviteInChatWithCLIArguments(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	admin := telegramtest.PrivateChat(c.admin)
	c.srv.InjectText(admin, c.admin, "/invite VP --role office --ttl 48h")
	inv := c.waitMethod("", c.admin.ID, "Link mời (Văn phòng Sở — VP")
	if !strings.Contains(inv.Text, "hết hạn 08:00 05/06/2026") {
		t.Errorf("invite for 48 hours:\n%s", inv.Text)
	}
	c.srv.InjectText(admin, c.admin, "/invite TCBC --role admin")
	c.waitMethod("", c.admin.ID, "reportbot invite")
}

// Binding the group to another chat is asked first, and the old chat is
// told when it is moved; a second press finds the binding already moved.
func TestRebindAsksAndTellsTheOldChat(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	newGroup := c.srv.NewGroup(-700, "Thông báo Sở Nội vụ")
	c.srv.InjectText(newGroup, c.admin, "/bind group")
	ask := c.waitMethod("", newGroup.ID, "hiện đang gắn với «Sở Nội vụ»")
	if g, _ := c.bot.store.Read(t.Context()).Chat(db.ChatGroup); g.ChatID != c.group.ID {
		t.Fatalf("asking moved the group to %d already", g.ChatID)
	}
	c.press(c.head, ask, "Chuyển sang nhóm này")
	c.press(c.admin, ask, "Chuyển sang nhóm này")
	told := c.waitMethod("", c.group.ID, "không còn là nhóm thông báo chung: Quản Trị đã chuyển sang nhóm khác lúc 08:00 03/06/2026")
	if told.ThreadID != 7 {
		t.Errorf("old group told in topic %d, want 7", told.ThreadID)
	}
	edited := c.waitMethod("editMessageText", newGroup.ID, "Đã gắn nhóm này làm nhóm thông báo chung")
	if !strings.Contains(edited.Text, "Quản Trị, 08:00 03/06/2026") {
		t.Errorf("closed question lacks who and when: %q", edited.Text)
	}
	if g, _ := c.bot.store.Read(t.Context()).Chat(db.ChatGroup); g.ChatID != newGroup.ID {
		t.Errorf("group bound to %d, want %d", g.ChatID, newGroup.ID)
	}
	if n := len(c.srv.SentMatching(func(s telegramtest.Sent) bool {
		return s.Method == "answerCallbackQuery" && strings.Contains(s.Text, "Chỉ quản trị viên")
	})); n != 1 {
		t.Errorf("head's press refused %d times, want 1", n)
	}
	c.press(c.admin, ask, "Chuyển sang nhóm này")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	if _, err := c.srv.WaitCount(ctx, 3, telegramtest.ByMethod("answerCallbackQuery")); err != nil {
		t.Fatal(err)
	}
	if n := len(c.srv.SentMatching(telegramtest.ToChat(c.group.ID))); n != 2 {
		t.Errorf("old group got %d messages, want the first bind and one notice", n)
	}
	if n := len(c.srv.SentMatching(func(s telegramtest.Sent) bool { return strings.Contains(s.Text, "không còn là") })); n != 1 {
		t.Errorf("%d chats told they were left, want 1", n)
	}
}
