package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// TestOverdueSaysWhyAHeadCannotBeReached: one head never opened a chat with
// the bot, another blocked it. /overdue and the Office's digest say which,
// and what the Office should ask of each, in the reader's language; a head
// who comes back is no longer flagged.
func TestOverdueSaysWhyAHeadCannotBeReached(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	officeChat := c.bindOfficeChat()
	blocker := c.srv.NewUser(31, "Trần Thị Bình", "binh", "vi")
	c.join(blocker, "VP", db.RoleHead)

	c.srv.MeetUser(c.head) // TCBC's head: as if they had never opened the bot
	c.srv.Block(blocker.ID)
	c.queueOutbox(db.OutMessage{ChatID: c.head.ID, Text: "Nhắc An"}, db.OutMessage{ChatID: blocker.ID, Text: "Nhắc Bình"})
	c.flushOutbox()
	// The Office hears of each at once, with what to ask of them.
	c.waitMethod("", officeChat.ID, "Đồng chí Trần Thị Bình (Văn phòng Sở) đã chặn bot nên không nhận được nhắc nhở. Đề nghị Văn phòng Sở liên hệ trực tiếp, đề nghị đồng chí bỏ chặn bot")
	c.waitMethod("", officeChat.ID, "Đồng chí Nguyễn Văn An (Phòng Tổ chức, biên chế và tổ chức phi chính phủ) chưa mở bot")
	r := c.store.Read(context.Background())
	for id, want := range map[int64]db.Reachability{c.head.ID: db.UnreachableNotStarted, blocker.ID: db.UnreachableBlocked} {
		if m, err := r.MemberByTelegramID(id); err != nil || m.UnreachableAt.IsZero() || m.Unreachable != want {
			t.Errorf("member %d = %+v, %v; want unreachable, %q", id, m, err, want)
		}
	}

	c.setNow(at(2026, 6, 12, 9, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/overdue")
	got := c.waitMethod("sendMessage", c.office.ID, "🕒 TCBC").Text
	for _, want := range []string{
		"Thủ trưởng đơn vị: Nguyễn Văn An ⚠️ chưa mở cuộc trò chuyện với bot\n   → Đề nghị Văn phòng Sở liên hệ trực tiếp, đề nghị đồng chí Nguyễn Văn An mở cuộc trò chuyện với bot và bấm «Bắt đầu» để nhận nhắc nhở.",
		"Thủ trưởng đơn vị: Trần Thị Bình ⚠️ đã chặn bot\n   → Đề nghị Văn phòng Sở liên hệ trực tiếp, đề nghị đồng chí Trần Thị Bình bỏ chặn bot",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/overdue lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "đã chặn bot") != 1 {
		t.Errorf("/overdue says %d times that a head blocked the bot, want once (Bình):\n%s", strings.Count(got, "đã chặn bot"), got)
	}

	c.setLang(c.office.ID, "en")
	c.srv.InjectText(office, c.office, "/overdue")
	got = c.waitMethod("sendMessage", c.office.ID, "Head: Nguyễn Văn An").Text
	for _, want := range []string{
		"Head: Nguyễn Văn An ⚠️ never opened a chat with the bot\n   → Please contact Nguyễn Văn An directly and ask them to open a chat with the bot and press Start",
		"Head: Trần Thị Bình ⚠️ blocked the bot\n   → Please contact Trần Thị Bình directly and ask them to unblock the bot",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("English /overdue lacks %q:\n%s", want, got)
		}
	}

	// The Office's morning digest says the same of each unit.
	c.remTick(at(2026, 6, 12, 8, 0))
	digest := c.waitMethod("sendMessage", officeChat.ID, "Tổng hợp báo cáo quá hạn").Text
	lines := map[string]string{}
	for _, line := range strings.Split(digest, "\n") {
		for _, unit := range []string{"Phòng Tổ chức", "Văn phòng Sở —"} {
			if strings.HasPrefix(line, "• "+unit) {
				lines[unit] = line
			}
		}
	}
	for unit, want := range map[string]string{
		"Phòng Tổ chức":  " — ⚠️ Thủ trưởng đơn vị chưa mở cuộc trò chuyện với bot: đề nghị liên hệ trực tiếp, đề nghị đồng chí mở bot và bấm «Bắt đầu»",
		"Văn phòng Sở —": " — ⚠️ Thủ trưởng đơn vị đã chặn bot: đề nghị liên hệ trực tiếp, đề nghị đồng chí bỏ chặn bot",
	} {
		if !strings.HasSuffix(lines[unit], want) {
			t.Errorf("digest line of %s = %q, want it to end %q\n%s", unit, lines[unit], want, digest)
		}
	}

	// Once the head opens the bot, nothing is flagged for TCBC.
	c.srv.InjectText(telegramtest.PrivateChat(c.head), c.head, "/start")
	c.waitUntil("TCBC's head reachable again", func() bool {
		m, err := c.store.Read(context.Background()).MemberByTelegramID(c.head.ID)
		return err == nil && m.UnreachableAt.IsZero() && m.Unreachable == db.Reachable
	})
	c.srv.InjectText(office, c.office, "/overdue")
	got = c.waitMethod("sendMessage", c.office.ID, "Head: Nguyễn Văn An\n").Text
	if strings.Contains(got, "Nguyễn Văn An ⚠️") {
		t.Errorf("/overdue still flags the head who came back:\n%s", got)
	}
}

// TestReachNoteNamesTheHeadsReason: the digest's note follows the heads'
// one reason, and falls back to "phone them" when heads differ or the
// reason predates its recording.
func TestReachNoteNamesTheHeadsReason(t *testing.T) {
	gone := at(2026, 6, 1, 8, 0)
	head := func(why db.Reachability) db.Member {
		m := db.Member{Role: db.RoleHead, Unreachable: why}
		if why != db.Reachable {
			m.UnreachableAt = gone
		}
		return m
	}
	for _, c := range []struct {
		name string
		ms   []db.Member
		want string
	}{
		{"nobody", nil, "digest.nobody"},
		{"no head", []db.Member{{Role: db.RoleMember}}, "digest.no_head"},
		{"one head reachable", []db.Member{head(db.Reachable), head(db.UnreachableBlocked)}, ""},
		{"blocked", []db.Member{head(db.UnreachableBlocked), head(db.UnreachableBlocked)}, "digest.head_blocked"},
		{"never opened", []db.Member{head(db.UnreachableNotStarted)}, "digest.head_not_started"},
		{"heads differ", []db.Member{head(db.UnreachableBlocked), head(db.UnreachableNotStarted)}, "digest.head_unknown"},
		{"not recorded", []db.Member{head(db.UnreachableUnknown)}, "digest.head_unknown"},
	} {
		want := ""
		if c.want != "" {
			want = tr("vi", c.want)
		}
		if got := reachNote("vi", c.ms); got != want {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
}

// bindOfficeChat makes the group "Văn phòng Sở" the Office's chat, as the
// admin's /bind office does.
func (c *console) bindOfficeChat() models.Chat {
	c.t.Helper()
	officeChat := c.srv.NewGroup(-500, "Văn phòng Sở")
	c.srv.InjectText(officeChat, c.admin, "/bind office")
	c.waitMethod("", officeChat.ID, "Văn phòng Sở")
	return officeChat
}

// TestStatusAndWeeklyDigestQuoteTheWording: with "before 10/06" the last day
// is Tuesday 09/06; the /status header and the group's weekly digest show
// the document's wording and the computed last day, in the reader's
// language, and after the last day /status says late, never "due today".
func TestStatusAndWeeklyDigestQuoteTheWording(t *testing.T) {
	h := newHarness(t, at(2026, 6, 2, 9, 0))
	h.remImportPlan("recurrence: yearly 10/06", "recurrence: yearly before 10/06")
	h.remBindChats()
	vi := h.srv.NewUser(20, "Lê Thị Văn", "vanphong", "vi")
	en := h.srv.NewUser(21, "Anna", "anna", "en")
	h.join(vi, "", db.RoleOffice)
	h.join(en, "", db.RoleOffice)
	h.setLang(en.ID, "en")
	h.remTick(at(2026, 6, 2, 9, 0))

	h.remTick(at(2026, 6, 8, 8, 0))
	week := h.waitText(remGroupChat, "còn 1 ngày; đã nộp") // Monday's, after Tuesday's catch-up
	want := "6 tháng đầu năm 2026: hạn nộp trước ngày 10/6/2026 — hạn cuối: hết ngày 09/6/2026 (thứ Ba), còn 1 ngày; đã nộp 0/9 đơn vị"
	if !strings.Contains(week.Text, want) {
		t.Errorf("weekly digest lacks %q:\n%s", want, week.Text)
	}

	status := func(u int64, want string) string {
		t.Helper()
		user := vi
		if u == en.ID {
			user = en
		}
		h.srv.InjectText(telegramtest.PrivateChat(user), user, "/status")
		return h.waitMethod("sendMessage", u, want).Text
	}
	got := status(vi.ID, "📋 BC6T")
	want = "Kỳ: 6 tháng đầu năm 2026 · hạn nộp trước ngày 10/6/2026 — hạn cuối: hết ngày 09/6/2026 (thứ Ba), còn 1 ngày"
	if !strings.Contains(got, want) {
		t.Errorf("status lacks %q:\n%s", want, got)
	}
	got = status(en.ID, "📋 BC6T")
	want = "Period: first half of 2026 · due before 10/06/2026 — last day: until the end of 09/06/2026 (Tuesday), 1 day left"
	if !strings.Contains(got, want) {
		t.Errorf("English status lacks %q:\n%s", want, got)
	}

	// On the written day (10/06) the last day has passed: late, not "today".
	h.setNow(at(2026, 6, 10, 9, 0))
	got = status(vi.ID, "đã quá hạn 1 ngày")
	if strings.Contains(got, "hôm nay") || !strings.Contains(got, "hạn cuối: hết ngày 09/6/2026 (thứ Ba), đã quá hạn 1 ngày") {
		t.Errorf("status after the last day:\n%s", got)
	}
}

// TestWeeklyDigestQuotesTheWordingInEnglish: a group whose chat language
// is English reads the wording in English.
func TestWeeklyDigestQuotesTheWordingInEnglish(t *testing.T) {
	h := newHarness(t, at(2026, 6, 2, 9, 0))
	h.remImportPlan("recurrence: yearly 10/06", "recurrence: yearly by 10/06", "chat_language: vi", "chat_language: en")
	h.remBindChats()
	h.remTick(at(2026, 6, 2, 9, 0)) // catches up on the week of 1/6
	week := h.waitText(remGroupChat, "Deadlines in the next 14 days")
	want := "first half of 2026: due by 10/06/2026 — last day: until the end of 10/06/2026 (Wednesday), 8 days left; 0/9 units submitted"
	if !strings.Contains(week.Text, want) {
		t.Errorf("weekly digest lacks %q:\n%s", want, week.Text)
	}
}
