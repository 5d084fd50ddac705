package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

func TestHeadJoinsAndSeesWhatTheUnitOwesNext(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "Nguyễn Văn An", "an", "vi")
	got := h.join(head, "TCBC", db.RoleHead)
	for _, want := range []string{
		"Kính chào đồng chí Nguyễn Văn An",
		"Thủ trưởng đơn vị",
		"Phòng Tổ chức, biên chế",
		"6 tháng đầu năm 2026",
		"10/06/2026",
		"thứ Tư",
		"còn 16 ngày",
	} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("greeting lacks %q:\n%s", want, got.Text)
		}
	}
	m, err := h.store.Read(context.Background()).MemberByTelegramID(head.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != db.RoleHead {
		t.Fatalf("role %s, want head", m.Role)
	}
	// The member's own command menu, for their role.
	var scoped bool
	for _, c := range h.srv.Commands() {
		if c.Scope.ChatID == head.ID {
			scoped = true
			if !hasCommand(c.Commands, "pending") && !hasCommand(c.Commands, "help") {
				t.Errorf("head's menu lacks /help: %+v", c.Commands)
			}
			if hasCommand(c.Commands, "bind") {
				t.Errorf("head's menu offers /bind")
			}
		}
	}
	if !scoped {
		t.Error("no setMyCommands for the head's chat")
	}
}

func hasCommand(cmds []models.BotCommand, name string) bool {
	for _, c := range cmds {
		if c.Command == name {
			return true
		}
	}
	return false
}

func TestStrangersLearnHowToJoinAndNothingElse(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	stranger := h.srv.NewUser(666, "Người Lạ", "", "vi")
	chat := telegramtest.PrivateChat(stranger)
	cases := []struct{ send, want string }{
		{"/start", "link mời"},
		{"/start not-a-real-token", "không hợp lệ"},
		{"/status", "chưa tham gia"},
		{"/help", "chưa tham gia"},
		{"xin chào", "link mời"},
	}
	for _, c := range cases {
		h.srv.InjectText(chat, stranger, c.send)
		got := h.waitText(stranger.ID, c.want)
		for _, secret := range []string{"Thanh tra", "10/06", "Báo cáo", "TCBC"} {
			if strings.Contains(got.Text, secret) {
				t.Errorf("reply to a stranger's %q reveals %q:\n%s", c.send, secret, got.Text)
			}
		}
	}
	// A file from a stranger is neither downloaded nor stored.
	h.srv.InjectDocument(chat, stranger, telegramtest.Upload{Name: "bc.pdf", Data: []byte("%PDF-1.4 stranger")})
	h.waitText(stranger.ID, "link mời")
	if _, err := h.store.Read(context.Background()).MemberByTelegramID(stranger.ID); err == nil {
		t.Fatal("a stranger became a member")
	}
}

func TestInviteIsSingleUseAndExpires(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	token := h.invite("VP", db.RoleHead)
	a := h.srv.NewUser(1, "A", "", "vi")
	b := h.srv.NewUser(2, "B", "", "vi")
	h.srv.InjectText(telegramtest.PrivateChat(a), a, "/start "+token)
	h.waitText(a.ID, "Kính chào")

	h.srv.InjectText(telegramtest.PrivateChat(b), b, "/start "+token)
	h.waitText(b.ID, "đã được sử dụng")

	// The same user opening the same link again is told they joined already.
	h.srv.InjectText(telegramtest.PrivateChat(a), a, "/start "+token)
	h.waitText(a.ID, "Đồng chí đã tham gia với vai trò Thủ trưởng đơn vị. Gõ /help")

	late := h.invite("VP", db.RoleMember)
	h.setNow(h.clock().Add(8 * 24 * time.Hour))
	h.srv.InjectText(telegramtest.PrivateChat(b), b, "/start "+late)
	h.waitText(b.ID, "hết hạn")
}

func TestAdminBindsOfficeChatAndGroupOthersCannot(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	admin := h.srv.NewUser(10, "Quản Trị", "qt", "vi")
	head := h.srv.NewUser(11, "Trưởng Phòng", "tp", "vi")
	h.join(admin, "", db.RoleAdmin)
	h.join(head, "CCHC", db.RoleHead)

	office := h.srv.NewGroup(-100, "Văn phòng Sở")
	forum := h.srv.NewSupergroup(-1009, "Sở Nội vụ", true)

	h.srv.InjectText(office, head, "/bind office")
	h.waitText(office.ID, "không dành cho vai trò")
	stranger := h.srv.NewUser(12, "X", "", "vi")
	h.srv.InjectText(office, stranger, "/bind office")
	h.waitText(office.ID, "Chỉ Quản trị viên")

	h.srv.InjectText(office, admin, "/bind@"+h.bot.Username()+" office")
	h.waitText(office.ID, "nhóm Văn phòng Sở")
	h.srv.InjectText(forum, admin, "/bind group", telegramtest.InThread(77))
	got := h.waitText(forum.ID, "nhóm thông báo chung")
	if got.ThreadID != 77 {
		t.Errorf("confirmation in thread %d, want 77", got.ThreadID)
	}
	r := h.store.Read(context.Background())
	oc, err := r.Chat(db.ChatOffice)
	if err != nil || oc.ChatID != office.ID {
		t.Fatalf("office chat %+v, %v", oc, err)
	}
	gc, err := r.Chat(db.ChatGroup)
	if err != nil || gc.ChatID != forum.ID || gc.ThreadID != 77 {
		t.Fatalf("group chat %+v, %v", gc, err)
	}
}

func TestHelpListsOnlyTheRolesCommands(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	admin := h.srv.NewUser(10, "Quản Trị", "", "vi")
	head := h.srv.NewUser(11, "Trưởng Phòng", "", "vi")
	h.join(admin, "", db.RoleAdmin)
	h.join(head, "CCHC", db.RoleHead)
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	got := h.waitText(head.ID, "Các lệnh đồng chí dùng được")
	if strings.Contains(got.Text, "/bind") {
		t.Errorf("head's help offers /bind:\n%s", got.Text)
	}
	h.srv.InjectText(telegramtest.PrivateChat(admin), admin, "/help")
	got = h.waitText(admin.ID, "Các lệnh đồng chí dùng được")
	if !strings.Contains(got.Text, "/bind") {
		t.Errorf("admin's help lacks /bind:\n%s", got.Text)
	}
}

func TestLanguageFollowsTelegramThenChoice(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	en := h.srv.NewUser(21, "Anna", "", "en-GB")
	fr := h.srv.NewUser(22, "Pierre", "", "fr")
	got := h.join(en, "BTG", db.RoleHead)
	if !strings.Contains(got.Text, "Welcome, Anna") || !strings.Contains(got.Text, "first half of 2026") {
		t.Errorf("English user greeted:\n%s", got.Text)
	}
	got = h.join(fr, "BTDKT", db.RoleHead)
	if !strings.Contains(got.Text, "Kính chào đồng chí Pierre") {
		t.Errorf("French user should be greeted in Vietnamese:\n%s", got.Text)
	}
	h.srv.InjectText(telegramtest.PrivateChat(fr), fr, "/lang en")
	h.waitText(fr.ID, "Switched to English")
	h.srv.InjectText(telegramtest.PrivateChat(fr), fr, "/help")
	h.waitText(fr.ID, "Commands you can use")
}

func TestNFDAndNFCTextMatch(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	admin := h.srv.NewUser(10, "Quản Trị", "", "vi")
	h.join(admin, "", db.RoleAdmin)
	group := h.srv.NewGroup(-5, "Nhóm")
	// "nhóm" typed in NFD (o + combining acute) binds like NFC "nhóm".
	h.srv.InjectText(group, admin, "/bind nho\u0301m")
	h.waitText(group.ID, "nhóm thông báo chung")
}
