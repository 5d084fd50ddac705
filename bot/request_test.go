package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// office is a console with three heads (TCBC from the console, VP, TTRA).
type office struct {
	*console
	vp, ttra models.User
	dm       models.Chat
}

func newOffice(t *testing.T) *office {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	o := &office{console: c, dm: telegramtest.PrivateChat(c.office)}
	o.vp = c.srv.NewUser(31, "Trần Thị Bình", "binh", "vi")
	o.ttra = c.srv.NewUser(32, "Lê Văn Cường", "cuong", "en")
	c.join(o.vp, "VP", db.RoleHead)
	c.join(o.ttra, "TTRA", db.RoleHead)
	return o
}

var letterPDF = pdf("Cong van so 123/UBND-NC")

// pick presses a unit's toggle on the picker, paging forward until the
// unit is on the page, and returns the picker as last edited.
func (o *office) pick(picker telegramtest.Sent, code string) telegramtest.Sent {
	o.t.Helper()
	for range 5 {
		for _, row := range picker.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, " "+code+" — ") {
					before := len(o.srv.SentMatching(telegramtest.ByMethod("editMessageText")))
					o.srv.InjectCallback(o.office, picker.ChatID, picker.MessageID, b.CallbackData)
					return o.nextEdit(before)
				}
			}
		}
		before := len(o.srv.SentMatching(telegramtest.ByMethod("editMessageText")))
		o.press(o.office, picker, "▶️")
		picker = o.nextEdit(before)
	}
	o.t.Fatalf("unit %s not on the picker", code)
	return picker
}

// nextEdit waits for the edit after the first `before` edits.
func (o *office) nextEdit(before int) telegramtest.Sent {
	o.t.Helper()
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	got, err := o.srv.WaitCount(ctx, before+1, telegramtest.ByMethod("editMessageText"))
	if err != nil {
		o.t.Fatalf("no edit: %v", err)
	}
	return got[len(got)-1]
}

// request sends /request with the letter and the text, picks the units,
// previews and sends; it returns the Office's final message.
func (o *office) request(text string, units ...string) telegramtest.Sent {
	o.t.Helper()
	o.srv.InjectDocument(o.dm, o.office, telegramtest.Upload{Name: "Cong van 123-UBND-NC.pdf", Data: letterPDF, Caption: "/request"})
	o.waitText(o.office.ID, "Đã nhận công văn «Cong van 123-UBND-NC.pdf»")
	o.srv.InjectText(o.dm, o.office, text)
	picker := o.waitText(o.office.ID, "Chọn các đơn vị phải báo cáo")
	for _, u := range units {
		picker = o.pick(picker, u)
	}
	if !strings.Contains(picker.Text, "đã chọn 3/9") {
		o.t.Errorf("picker after picking: %q", picker.Text)
	}
	before := len(o.srv.SentMatching(telegramtest.ByMethod("editMessageText")))
	o.press(o.office, picker, "Xem trước")
	preview := o.nextEdit(before)
	if !strings.Contains(preview.Text, "Đơn vị (3): TCBC, TTRA, VP") || !strings.Contains(preview.Text, "Cong van 123-UBND-NC.pdf") {
		o.t.Errorf("preview: %q", preview.Text)
	}
	o.press(o.office, preview, "Gửi yêu cầu")
	return o.nextEdit(before + 1)
}

func TestRequestReachesHeadsAndWorksLikeAPlannedReport(t *testing.T) {
	o := newOffice(t)
	done := o.request("Báo cáo nhanh tình hình biên chế\ntrước ngày 10/06", "TCBC", "VP", "TTRA")
	if !strings.Contains(done.Text, "Đã gửi yêu cầu báo cáo DX1 — Báo cáo nhanh tình hình biên chế tới 3 đơn vị (3 Thủ trưởng đơn vị)") {
		t.Fatalf("office told: %q", done.Text)
	}
	head := o.waitText(o.head.ID, "Văn phòng Sở chuyển yêu cầu báo cáo đột xuất")
	if !strings.Contains(head.Text, "Hạn nộp: 17:00 10/06/2026") {
		t.Errorf("head got %q", head.Text)
	}
	letter := o.waitMethod("sendDocument", o.head.ID, "Công văn kèm theo yêu cầu báo cáo DX1")
	if string(letter.File.Data) != string(letterPDF) {
		t.Errorf("the head got another file than the letter")
	}
	o.waitText(o.vp.ID, "yêu cầu báo cáo đột xuất")
	o.waitText(o.ttra.ID, "ad-hoc report request") // in the head's own language

	// The head replies to the request with the report: an ordinary receipt.
	o.srv.InjectDocument(telegramtest.PrivateChat(o.head), o.head, telegramtest.Upload{Name: "bc-bien-che.pdf", Data: pdf("TCBC"), Caption: "Số 7/BC-TCBC"},
		telegramtest.ReplyTo(head.MessageID))
	o.waitText(o.head.ID, "Bot đã nhận báo cáo")

	o.srv.InjectText(o.dm, o.office, "/status DX1")
	o.waitText(o.office.ID, "DX1")

	// The letter is kept with the request and the plan export lists it.
	rd := o.store.Read(context.Background())
	ob, err := rd.ObligationByCode("DX1")
	if err != nil {
		t.Fatal(err)
	}
	l, err := rd.RequestLetter(ob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(o.bot.cfg.DataDir, l.StoredPath)); err != nil || string(data) != string(letterPDF) {
		t.Errorf("letter kept at %s: %v", l.StoredPath, err)
	}
	if ob.Rule != "once 10/06/2026 17:00" || ob.Cover != "once" {
		t.Errorf("request stored as %q / %q", ob.Rule, ob.Cover)
	}
}

func TestRequestBadInput(t *testing.T) {
	o := newOffice(t)
	// Not a letter.
	o.srv.InjectDocument(o.dm, o.office, telegramtest.Upload{Name: "anh.png", Data: []byte("\x89PNG\r\n\x1a\n...."), Caption: "/request"})
	o.waitText(o.office.ID, "không phải văn bản dạng PDF hoặc Word")

	// /request in reply to the letter takes it.
	forwarded := o.srv.InjectDocument(o.dm, o.office, telegramtest.Upload{Name: "cv-chuyen-tiep.pdf", Data: letterPDF})
	o.srv.InjectText(o.dm, o.office, "/request", telegramtest.ReplyTo(forwarded.Message.ID))
	o.waitText(o.office.ID, "Đã nhận công văn «cv-chuyen-tiep.pdf»")

	// /request alone asks for the letter; the letter comes next.
	o.srv.InjectText(o.dm, o.office, "/request")
	o.waitText(o.office.ID, "hãy gửi tệp công văn")
	o.srv.InjectDocument(o.dm, o.office, telegramtest.Upload{Name: "cv.pdf", Data: letterPDF})
	o.waitText(o.office.ID, "Đã nhận công văn «cv.pdf»")

	for _, c := range []struct{ text, want string }{
		{"Báo cáo nhanh", "Chưa có hạn nộp"},
		{"Báo cáo nhanh\ntrước ngày 01/06/2026", "Hạn nộp 17:00 01/06/2026 đã qua"},
		{"Báo cáo nhanh\ntrước ngày 31/06/2026", "không có thật trên lịch"},
		{"Báo cáo nhanh\ntrước ngày 10/06\nĐơn vị: TCBC, XYZ", "Không có đơn vị mã XYZ"},
	} {
		o.srv.InjectText(o.dm, o.office, c.text)
		o.waitText(o.office.ID, c.want)
	}
	// Units typed: straight to the preview; cancel stores nothing.
	o.srv.InjectText(o.dm, o.office, "Báo cáo nhanh\ntrước ngày 10/06\nĐơn vị: TCBC")
	preview := o.waitText(o.office.ID, "Xem trước yêu cầu báo cáo đột xuất")
	before := len(o.srv.SentMatching(telegramtest.ByMethod("editMessageText")))
	o.press(o.office, preview, "Huỷ")
	if got := o.nextEdit(before); !strings.Contains(got.Text, "Đã huỷ") {
		t.Errorf("cancel: %q", got.Text)
	}
	if _, err := o.store.Read(context.Background()).ObligationByCode("DX1"); err == nil {
		t.Error("a cancelled request was stored")
	}
	if entries, _ := os.ReadDir(filepath.Join(o.bot.cfg.DataDir, lettersDir)); len(entries) != 0 {
		t.Errorf("a cancelled request left %d letter files", len(entries))
	}
	// A head may not make requests.
	o.srv.InjectText(telegramtest.PrivateChat(o.head), o.head, "/request")
	o.waitText(o.head.ID, "Lệnh /request không dành cho vai trò của đồng chí")
}

func TestRequestLetterOverTheSizeLimit(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 8, 0), func(b *Bot) { b.cfg.MaxFileSize = 64 })
	h.importPlan()
	clerk := h.srv.NewUser(20, "Lê Thị Văn", "vanphong", "vi")
	h.join(clerk, "", db.RoleOffice)
	h.srv.InjectDocument(telegramtest.PrivateChat(clerk), clerk, telegramtest.Upload{Name: "cv.pdf", Data: pdf(strings.Repeat("x", 200)), Caption: "/request"})
	h.waitText(clerk.ID, "Tệp «cv.pdf» lớn hơn")
	if entries, _ := os.ReadDir(filepath.Join(h.bot.cfg.DataDir, lettersDir)); len(entries) != 0 {
		t.Errorf("a refused letter left %d files", len(entries))
	}
}
