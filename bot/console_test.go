package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
)

// waitMethod waits for a call of one method ("" for any message) to a chat
// whose text or caption contains want.
func (h *harness) waitMethod(method string, chatID int64, want string) telegramtest.Sent {
	h.t.Helper()
	if method == "" {
		method = "sendMessage"
	}
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	s, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.Method == method && s.ChatID == chatID && strings.Contains(s.Text+s.Caption, want)
	})
	if err != nil {
		h.t.Fatalf("no %s to %d containing %q: %v", method, chatID, want, err)
	}
	return s
}

// press presses the button whose label contains label on a sent message
// and returns the callback query's id, which the bot's answer carries.
func (h *harness) press(who models.User, msg telegramtest.Sent, label string) string {
	h.t.Helper()
	for _, row := range msg.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return h.srv.InjectCallback(who, msg.ChatID, msg.MessageID, b.CallbackData).CallbackQuery.ID
			}
		}
	}
	h.t.Fatalf("no button %q on %q: %+v", label, msg.Text, msg.Buttons)
	return ""
}

// submit records an accepted report of a unit for an obligation's period,
// with a file in the data folder, as the submissions flow would.
func (h *harness) submit(unitCode, obligation, key, fileName, content string, accept bool) db.Submission {
	h.t.Helper()
	ctx := context.Background()
	rd := h.store.Read(ctx)
	o, err := rd.ObligationByCode(obligation)
	if err != nil {
		h.t.Fatal(err)
	}
	p, err := rd.PeriodByKey(o.ID, key)
	if err != nil {
		h.t.Fatal(err)
	}
	items, err := rd.PeriodItems(p.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	var it db.Item
	for _, x := range items {
		if x.Unit.Code == unitCode {
			it = x
		}
	}
	rel := filepath.Join("files", unitCode, key, fileName)
	abs := filepath.Join(h.bot.cfg.DataDir, rel)
	os.MkdirAll(filepath.Dir(abs), 0o750)
	if err := os.WriteFile(abs, []byte(content), 0o640); err != nil {
		h.t.Fatal(err)
	}
	var s db.Submission
	err = h.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		s, err = tx.AddSubmission(db.Submission{AssignmentID: it.ID, DocNumber: "45/BC-" + unitCode, Files: []db.SubmissionFile{{
			FileName: fileName, StoredPath: rel, Size: int64(len(content)), SHA256: "sha-" + unitCode,
		}}})
		if err != nil || !accept {
			return err
		}
		_, err = tx.ReviewSubmission(s.ID, db.SubAccepted, 0, "")
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// console is a harness with the plan, an admin, the Office, a head, the
// Office chat and the announcement group (a forum topic) bound.
type console struct {
	*harness
	admin, office, head models.User
	group               models.Chat
}

func newConsole(t *testing.T, now time.Time) *console {
	h := newHarness(t, now)
	h.importPlan()
	c := &console{harness: h}
	c.admin = h.srv.NewUser(10, "Quản Trị", "quantri", "vi")
	c.office = h.srv.NewUser(20, "Lê Thị Văn", "vanphong", "vi")
	c.head = h.srv.NewUser(30, "Nguyễn Văn An", "an", "vi")
	h.join(c.admin, "", db.RoleAdmin)
	h.join(c.office, "", db.RoleOffice)
	h.join(c.head, "TCBC", db.RoleHead)
	c.group = h.srv.NewSupergroup(-1001, "Sở Nội vụ", true)
	h.srv.InjectText(c.group, c.admin, "/bind group", telegramtest.InThread(7))
	h.waitMethod("", c.group.ID, "nhóm thông báo chung")
	return c
}

func TestOfficeGetsStatusPictureWorkbookArchiveAndAnnouncement(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.submit("TCBC", "BC6T", "2026-H1", "báo cáo 6 tháng.pdf", "%PDF-1.4 TCBC", true)
	c.submit("VP", "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 VP", false)
	office := telegramtest.PrivateChat(c.office)

	// The status picture: a valid PNG, and the text with its counts.
	c.srv.InjectText(office, c.office, "/status")
	photo := c.waitMethod("sendPhoto", c.office.ID, "Tình hình nộp báo cáo")
	if photo.File == nil {
		t.Fatal("sendPhoto without a file")
	}
	img, err := png.Decode(bytes.NewReader(photo.File.Data))
	if err != nil {
		t.Fatalf("status picture is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("status picture %v is too small for 9 units", b)
	}
	text := c.waitMethod("sendMessage", c.office.ID, "📋 BC6T")
	for _, want := range []string{"6 tháng đầu năm 2026", "10/06/2026", "còn 7 ngày", "✓ 1", "◐ 1", "đã tiếp nhận 1/9 đơn vị"} {
		if !strings.Contains(text.Text, want) {
			t.Errorf("status text lacks %q:\n%s", want, text.Text)
		}
	}
	// A button opens one obligation by editing the same message.
	c.press(c.office, text, "BC6T")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	edit, err := c.srv.WaitSent(ctx, telegramtest.All(telegramtest.ByMethod("editMessageText"), telegramtest.ToChat(c.office.ID)))
	if err != nil {
		t.Fatal(err)
	}
	if edit.MessageID != text.MessageID || !strings.Contains(edit.Text, "✓ TCBC") || !strings.Contains(edit.Text, "◐ VP") {
		t.Errorf("edit of %d:\n%s", edit.MessageID, edit.Text)
	}

	// The workbook, opened back cell by cell.
	c.srv.InjectText(office, c.office, "/export 2026-H1")
	doc := c.waitMethod("sendDocument", c.office.ID, "(Excel)")
	f, err := excelize.OpenReader(bytes.NewReader(doc.File.Data))
	if err != nil {
		t.Fatalf("export is not a workbook: %v", err)
	}
	defer f.Close()
	cells := map[string]string{
		export.StatusSheet + "!A1":   "Mã đơn vị",
		export.StatusSheet + "!C1":   "BC6T — 6 tháng đầu năm 2026",
		export.RegisterSheet + "!A2": "1/2026",
		export.RegisterSheet + "!B2": "TCBC",
		export.RegisterSheet + "!D2": "BC6T",
		export.RegisterSheet + "!E2": "6 tháng đầu năm 2026",
		export.RegisterSheet + "!G2": "03/06/2026 08:00",
		export.RegisterSheet + "!H2": "Đúng hạn",
		export.RegisterSheet + "!I2": "Đã tiếp nhận",
		export.RegisterSheet + "!L2": "45/BC-TCBC",
		export.RegisterSheet + "!M2": "sha-TCBC",
		export.RegisterSheet + "!A3": "2/2026",
		export.RegisterSheet + "!I3": "Chờ tiếp nhận",
	}
	for ref, want := range cells {
		sheet, cell, _ := strings.Cut(ref, "!")
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	rows, _ := f.GetRows(export.StatusSheet)
	states := map[string]string{}
	for _, row := range rows[1:] {
		states[row[0]] = row[2]
	}
	if states["TCBC"] != "đã tiếp nhận" || states["VP"] != "đã gửi, chờ tiếp nhận" || states["TTRA"] != "chưa nộp, còn hạn" || len(states) != 9 {
		t.Errorf("status sheet %v", states)
	}
	csvDoc := c.waitMethod("sendDocument", c.office.ID, "CSV")
	if !bytes.HasPrefix(csvDoc.File.Data, []byte("\ufeff")) || !strings.Contains(string(csvDoc.File.Data), "Phòng Tổ chức") {
		t.Errorf("csv %q", csvDoc.File.Data)
	}

	// The archive: the accepted file under its unit's name, and the summary.
	c.srv.InjectText(office, c.office, "/archive 2026-H1")
	c.waitMethod("sendChatAction", c.office.ID, "")
	zdoc := c.waitMethod("sendDocument", c.office.ID, "Các báo cáo đã tiếp nhận")
	zr, err := zip.NewReader(bytes.NewReader(zdoc.File.Data), int64(len(zdoc.File.Data)))
	if err != nil {
		t.Fatalf("archive is not a ZIP: %v", err)
	}
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
		if strings.HasPrefix(zf.Name, "TCBC - ") {
			rc, _ := zf.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			if string(data) != "%PDF-1.4 TCBC" {
				t.Errorf("archived file holds %q", data)
			}
		}
	}
	want := []string{"Tổng hợp.xlsx", "TCBC - Phòng Tổ chức, biên chế và tổ chức phi chính phủ - báo cáo 6 tháng.pdf"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("archive holds %q, want %q (VP's report is not accepted yet)", names, want)
	}

	// An announcement reaches the group's topic exactly as typed.
	body := "Họp giao ban <b>thứ Hai</b> & nộp _đúng hạn_ *nhé*"
	c.srv.InjectText(office, c.office, "/announce "+body)
	preview := c.waitMethod("sendMessage", c.office.ID, "Họp giao ban")
	c.press(c.office, preview, "Gửi")
	got := c.waitMethod("sendMessage", c.group.ID, "Họp giao ban")
	if got.Text != body || got.ParseMode != "" || got.ThreadID != 7 {
		t.Errorf("group got %q (parse mode %q, thread %d)", got.Text, got.ParseMode, got.ThreadID)
	}
	sent := c.waitMethod("editMessageText", c.office.ID, "Đã gửi thông báo")
	if sent.MessageID != preview.MessageID || !strings.HasPrefix(sent.Text, body) || !strings.Contains(sent.Text, "Lê Thị Văn, 08:00 03/06/2026") {
		t.Errorf("the preview %d was not closed with what was sent, by whom and when: %d %q", preview.MessageID, sent.MessageID, sent.Text)
	}
	// The press is answered after the edit: wait, so the next answer is Pin's.
	c.waitMethod("answerCallbackQuery", c.office.ID, "Đã gửi.")
	c.pressPin(sent)
	// The pin goes through the outbox: it may follow the toast.
	c.waitMethod("pinChatMessage", c.group.ID, "")
	if pinned := c.srv.PinnedMessageID(c.group.ID); pinned != got.MessageID {
		t.Errorf("pinned %d, want the announcement %d", pinned, got.MessageID)
	}
	// A second press of Send sends nothing more.
	c.press(c.office, preview, "Gửi")
	c.waitMethod("answerCallbackQuery", c.office.ID, "đã được gửi hoặc đã huỷ")
	if n := len(c.srv.SentMatching(telegramtest.All(telegramtest.ByMethod("sendMessage"), telegramtest.ToChat(c.group.ID)))); n != 2 {
		t.Errorf("group got %d messages, want the bind confirmation and one announcement", n)
	}
}

// consoleCommands are the console's commands and who may use them.
var consoleCommands = map[string][]db.Role{
	"status": viewers, "export": viewers,
	"overdue": staff, "remind": staff, "announce": staff, "archive": staff, "received": staff, "soden": staff,
	"units": staff, "members": staff, "invite": staff, "remove": staff, "deadline": staff, "plan": staff, "obligation": staff,
	"calendar": everyone,
}

func TestEveryRoleTimesEveryConsoleCommand(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 8, 0))
	h.importPlan()
	users := map[db.Role]models.User{}
	for i, role := range everyone {
		u := h.srv.NewUser(int64(100+i), "Người "+string(role), "", "vi")
		unit := ""
		if role.NeedsUnit() {
			unit = "CCHC"
		}
		h.join(u, unit, role)
		users[role] = u
	}
	for role, u := range users {
		chat := telegramtest.PrivateChat(u)
		for name := range consoleCommands {
			h.srv.InjectText(chat, u, "/"+name)
		}
		// One chat's updates are handled, and its replies sent, in order:
		// once /help is answered every command above was.
		h.srv.InjectText(chat, u, "/help")
		// Staff were greeted with the help text already: wait for the second.
		n := 1
		if !role.NeedsUnit() {
			n = 2
		}
		ctx, cancel := telegramtest.Within(slowWait)
		helps, err := h.srv.WaitCount(ctx, n, func(s telegramtest.Sent) bool {
			return s.ChatID == u.ID && strings.Contains(s.Text, "Các lệnh đồng chí dùng được")
		})
		cancel()
		if err != nil {
			t.Fatalf("%s: no answer to /help: %v", role, err)
		}
		help := helps[n-1]
		for name, roles := range consoleCommands {
			refused := len(h.srv.SentMatching(func(s telegramtest.Sent) bool {
				return s.ChatID == u.ID && strings.Contains(s.Text, "Lệnh /"+name+" không dành")
			})) > 0
			if allowed := slices.Contains(roles, role); allowed == refused {
				t.Errorf("%s /%s: refused %v, want allowed %v", role, name, refused, allowed)
			}
			if listed := strings.Contains(help.Text, "/"+name+" "); listed != slices.Contains(roles, role) {
				t.Errorf("%s's /help lists /%s: %v", role, name, listed)
			}
		}
	}
}

func TestCommandsWithTheBotsNameWorkInTheOfficeGroup(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	officeChat := c.bindOfficeChat()
	c.srv.InjectText(officeChat, c.office, "/status@"+c.bot.Username()+" BC6T")
	c.waitMethod("sendPhoto", officeChat.ID, "6 tháng đầu năm 2026")
	c.srv.InjectText(officeChat, c.head, "/overdue@"+c.bot.Username())
	c.waitMethod("", officeChat.ID, "Lệnh /overdue không dành cho vai trò của đồng chí")
}

func TestChasingLateUnits(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	member := c.srv.NewUser(31, "Trần Thị Bình", "", "en")
	c.join(member, "TCBC", db.RoleMember)
	c.submit("VP", "BC6T", "2026-H1", "bc.pdf", "%PDF VP", true)
	c.setNow(at(2026, 6, 13, 9, 0))
	office := telegramtest.PrivateChat(c.office)

	c.srv.InjectText(office, c.office, "/overdue BC6T")
	list := c.waitMethod("", c.office.ID, "Bấm nút")
	for _, want := range []string{"🕒 TCBC", "quá hạn 3 ngày", "Thủ trưởng đơn vị: Nguyễn Văn An", "Chưa được nhắc lần nào", "🕒 TTRA", "Chưa có Thủ trưởng đơn vị"} {
		if !strings.Contains(list.Text, want) {
			t.Errorf("overdue list lacks %q:\n%s", want, list.Text)
		}
	}
	if strings.Contains(list.Text, "VP —") {
		t.Errorf("VP submitted but is listed:\n%s", list.Text)
	}
	// A head pressing (or forging) the Office's button gets nothing done.
	var data string
	for _, row := range list.Buttons {
		if strings.Contains(row[0].Text, "TCBC") {
			data = row[0].CallbackData
		}
	}
	c.srv.InjectCallback(c.head, c.head.ID, list.MessageID, data)
	c.waitMethod("answerCallbackQuery", c.head.ID, "chỉ dành cho Văn phòng Sở")
	c.press(c.office, list, "TCBC")
	c.waitMethod("answerCallbackQuery", c.office.ID, "Đã gửi đôn đốc tới TCBC (2 người)")
	c.waitMethod("", c.head.ID, "Văn phòng Sở đôn đốc")
	// The member's Telegram speaks English, remembered when they joined.
	c.waitMethod("", member.ID, "A reminder from the Department Office")
	audit, err := c.store.Read(context.Background()).AuditLog("nudge")
	if err != nil || len(audit) != 1 || audit[0].Subject != "TCBC" {
		t.Errorf("audit %+v, %v", audit, err)
	}
	// Now the Office sees when TCBC was last reminded, once the sender has
	// recorded the nudge as sent (it may lag the delivery a moment).
	for attempt := 0; ; attempt++ {
		c.srv.InjectText(office, c.office, "/overdue BC6T")
		ctx, cancel := telegramtest.Within(slowWait)
		lists, err := c.srv.WaitCount(ctx, attempt+2, func(s telegramtest.Sent) bool {
			return s.ChatID == c.office.ID && strings.Contains(s.Text, "Bấm nút")
		})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(lists[attempt+1].Text, "Nhắc lần cuối: 09:00 13/06/2026") {
			break
		}
		if attempt == 20 {
			t.Fatalf("the Office never sees the nudge:\n%s", lists[attempt+1].Text)
		}
	}
	// A forged button with nonsense arguments is refused quietly.
	c.srv.InjectCallback(c.office, c.office.ID, list.MessageID, "nudge:abc")
	c.waitMethod("answerCallbackQuery", c.office.ID, "không còn hiệu lực")

	c.srv.InjectText(office, c.office, "/remind all")
	c.waitMethod("", c.office.ID, "Đã gửi đôn đốc tới")
}

func TestBadInputGetsAClearAnswer(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	cases := []struct{ send, want string }{
		{"/export 2031-H9", "Không tìm thấy báo cáo hoặc kỳ \"2031-H9\""},
		{"/status NOPE", "Các mã báo cáo: BC6T, BCNAM, KDQUY, KHCT"},
		{"/export BC6T", "chưa có báo cáo nào được nộp"},
		{"/archive 2026-H1", "chưa có báo cáo nào được tiếp nhận"},
		{"/announce " + strings.Repeat("a", 4097), "4097 ký tự"},
		{"/invite NOPE", "Không có đơn vị \"NOPE\""},
		{"/invite admin", "Chỉ Quản trị viên mới được mời"},
		{"/deadline BC6T 31/02/2026", "Không hiểu ngày"},
		{"/received NOPE 12/BC", "Không có đơn vị"},
		{"/remove @nobody", "Không có thành viên @nobody"},
	}
	for _, tc := range cases {
		c.srv.InjectText(office, c.office, tc.send)
		c.waitMethod("", c.office.ID, tc.want)
	}
	// A bare /announce asks for the text; an empty group binding is said.
	c.srv.InjectText(office, c.office, "/announce")
	c.waitMethod("", c.office.ID, "Hãy gửi nội dung thông báo")
	c.srv.InjectText(office, c.office, "Nội dung thông báo thử")
	c.waitMethod("", c.office.ID, "Xem trước thông báo")
}

func TestPlanFileIsValidatedPreviewedAndAppliedOnlyWhenFresh(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	admin := telegramtest.PrivateChat(c.admin)
	good, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A file with errors: line and field named, nothing applied.
	bad := strings.Replace(string(good), "recurrence: yearly 10/06", "recurrence: yearly 32/06", 1)
	c.srv.InjectDocument(admin, c.admin, telegramtest.Upload{Name: "plan.yaml", Data: []byte(bad)})
	c.waitMethod("", c.admin.ID, "obligations[0].recurrence")

	// A real change: the preview says what, Confirm applies it.
	changed := strings.Replace(string(good), "name: Ban Tôn giáo", "name: Ban Tôn giáo tỉnh", 1)
	c.srv.InjectDocument(admin, c.admin, telegramtest.Upload{Name: "plan.yaml", Data: []byte(changed)})
	preview := c.waitMethod("", c.admin.ID, "sẽ thay đổi 1 mục")
	if !strings.Contains(preview.Text, "Đơn vị BTG: sửa đổi") {
		t.Errorf("preview:\n%s", preview.Text)
	}
	// Meanwhile someone else changes the plan: the old Confirm is stale.
	other := strings.Replace(string(good), "name: Thanh tra Sở", "name: Thanh tra", 1)
	c.srv.InjectDocument(admin, c.admin, telegramtest.Upload{Name: "plan.yml", Data: []byte(other)})
	second := c.waitMethod("", c.admin.ID, "Đơn vị TTRA: sửa đổi")
	c.press(c.admin, second, "Áp dụng")
	c.waitMethod("", c.admin.ID, "Đã áp dụng kế hoạch mới")
	c.press(c.admin, preview, "Áp dụng")
	c.waitMethod("", c.admin.ID, "Kế hoạch đã thay đổi kể từ lúc xem trước")
	u, err := c.store.Read(context.Background()).UnitByCode("BTG")
	if err != nil || u.Name != "Ban Tôn giáo" {
		t.Errorf("stale confirm applied: %+v %v", u, err)
	}
	// /plan sends what is in force.
	c.srv.InjectText(admin, c.admin, "/plan")
	doc := c.waitMethod("sendDocument", c.admin.ID, "Kế hoạch hiện hành")
	if !strings.Contains(string(doc.File.Data), "name: Thanh tra\n") {
		t.Errorf("plan export lacks the applied change")
	}
}

func TestManagingMembersDeadlinesAndReceipts(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/units")
	c.waitMethod("", c.office.ID, "• TCBC — Phòng Tổ chức, biên chế và tổ chức phi chính phủ · Thủ trưởng: Nguyễn Văn An · 1 người tham gia")
	c.srv.InjectText(office, c.office, "/invite BTG member")
	inv := c.waitMethod("", c.office.ID, "Link mời")
	if !strings.Contains(inv.Text, "https://t.me/"+c.bot.Username()+"?start=") {
		t.Errorf("invite:\n%s", inv.Text)
	}
	c.srv.InjectText(office, c.office, "/members TCBC")
	c.waitMethod("", c.office.ID, "Nguyễn Văn An — TCBC, Thủ trưởng đơn vị")

	c.srv.InjectText(office, c.office, "/deadline BC6T 20/06/2026")
	c.waitMethod("", c.office.ID, "Đã dời hạn BC6T")
	c.waitMethod("", c.head.ID, "đã dời từ 10/06/2026 sang 17:00 20/06/2026")

	c.srv.InjectText(office, c.office, "/received TCBC BC6T email 123/BC-TCBC")
	c.waitMethod("", c.office.ID, "Đã ghi nhận, mã tiếp nhận 1/2026")
	c.srv.InjectText(office, c.office, "/received TCBC BC6T email 123/BC-TCBC")
	c.waitMethod("", c.office.ID, "đã được ghi nhận trước đó")

	c.srv.InjectText(telegramtest.PrivateChat(c.head), c.head, "/calendar VP")
	ics := c.waitMethod("sendDocument", c.head.ID, "Lịch hạn nộp")
	body := string(ics.File.Data)
	if !strings.Contains(body, "BEGIN:VALARM") || !strings.Contains(body, "TCBC@reportbot") || strings.Contains(body, "-VP@reportbot") {
		t.Errorf("a head's calendar is their own unit's:\n%s", body)
	}
}
