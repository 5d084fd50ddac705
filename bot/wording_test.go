package bot

import (
	"bytes"
	"context"
	"github.com/reportbot/reportbot/reporting"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// TestReminderQuotesTheWordedDeadline: "trước ngày 08/6" makes Sunday 07/06
// the last day, which moves to the end of Monday 08/06; the reminder shows
// the wording, the computed last day and why it moved, in each language.
func TestReminderQuotesTheWordedDeadline(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.remImportPlan("recurrence: yearly 10/06", "recurrence: yearly before 08/06")
	vi, en := h.twoReaders()
	// The greeting lists what the unit owes in the document's words too.
	h.waitText(vi.ID, "6 tháng đầu năm 2026: trước ngày 08/6/2026 — hạn cuối: hết ngày 08/6/2026 (thứ Hai), còn 14 ngày")
	h.remTick(at(2026, 6, 1, 8, 0))
	got := h.waitText(vi.ID, "còn 7 ngày")
	want := "Hạn nộp: trước ngày 08/6/2026 — hạn cuối: hết ngày 08/6/2026 (thứ Hai) — còn 7 ngày.\nHạn được dời từ 07/06/2026 sang ngày làm việc kế tiếp vì Chủ nhật."
	if !strings.Contains(got.Text, want) {
		t.Errorf("reminder lacks %q:\n%s", want, got.Text)
	}
	got = h.waitText(en.ID, "7 days left")
	want = "Deadline: before 08/06/2026 — last day: until the end of 08/06/2026 (Monday) — 7 days left."
	if !strings.Contains(got.Text, want) {
		t.Errorf("English reminder lacks %q:\n%s", want, got.Text)
	}
	// The moved deadline is the end of Monday, not 17:00.
	it := h.remItem("TCBC", "BC6T", "2026-H1")
	if d := it.DeadlineAt.In(hcmc); d.Format("02/01 15:04") != "08/06 23:59" {
		t.Errorf("deadline %v, want the end of 08/06", d)
	}
}

// TestDeadlineCommandTakesTheDocumentsWording: the Office may type the
// deadline as the document words it; "trước ngày 20/6" is the 19th.
func TestDeadlineCommandTakesTheDocumentsWording(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/deadline BC6T trước ngày 20/6/2026")
	c.waitMethod("", c.office.ID, "Đã dời hạn BC6T")
	c.waitMethod("", c.head.ID, "đã dời từ 10/06/2026 sang 17:00 19/06/2026")
	c.srv.InjectText(office, c.office, "/deadline BC6T chậm nhất ngày 22/6/2026")
	c.waitMethod("", c.head.ID, "đã dời từ 19/06/2026 sang 17:00 22/06/2026")
	c.srv.InjectText(office, c.office, "/deadline BC6T trước ngày")
	c.waitMethod("", c.office.ID, "Không hiểu ngày")
}

// TestEnglishReaderGetsEnglishFiles: a member who reads English gets the
// status picture's name, the workbook and the CSV in English, with period
// names in words.
func TestEnglishReaderGetsEnglishFiles(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.submit("TCBC", "BC6T", "2026-H1", "report.pdf", "%PDF-1.4 TCBC", true)
	c.setLang(c.office.ID, "en")
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/export 2026-H1")
	doc := c.waitMethod("sendDocument", c.office.ID, "(Excel)")
	if !strings.HasPrefix(doc.File.Name, "summary-") {
		t.Errorf("workbook named %q", doc.File.Name)
	}
	f, err := excelize.OpenReader(bytes.NewReader(doc.File.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, want := range map[string]string{
		"Status!A1": "Unit code", "Status!C1": "BC6T — first half of 2026",
		"Register!A1": "Receipt code", "Register!E2": "first half of 2026", "Register!H2": "On time", "Register!I2": "Accepted",
	} {
		sheet, cell, _ := strings.Cut(ref, "!")
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	csvDoc := c.waitMethod("sendDocument", c.office.ID, "CSV")
	if !strings.HasPrefix(csvDoc.File.Name, "summary-") || !strings.Contains(string(csvDoc.File.Data), "Receipt code,Unit code") {
		t.Errorf("CSV %q:\n%s", csvDoc.File.Name, csvDoc.File.Data)
	}
	c.srv.InjectText(office, c.office, "/status")
	photo := c.waitMethod("sendPhoto", c.office.ID, "Submission status")
	if photo.File == nil || photo.File.Name != "status.png" {
		t.Errorf("status picture %+v", photo.File)
	}
}

// setLang sets a member's language as /lang does.
func (h *harness) setLang(telegramID int64, lang string) {
	h.t.Helper()
	h.remTx(func(tx *db.Tx) error {
		m, err := tx.Reader().MemberByTelegramID(telegramID)
		if err != nil {
			return err
		}
		return tx.SetMemberLang(m.ID, lang)
	})
}

// TestEstimatedDayOffIsSaidSo: a deadline moved by a day off of a year the
// Government has not announced (Tết 2027, the rule's estimate) says so.
func TestEstimatedDayOffIsSaidSo(t *testing.T) {
	h := newHarness(t, at(2027, 1, 25, 9, 0))
	h.remImportPlan("recurrence: yearly 10/06", "recurrence: once 08/02/2027")
	vi, en := h.twoReaders()
	h.remTick(at(2027, 2, 12, 8, 0))
	got := h.waitText(vi.ID, "sang ngày làm việc kế tiếp")
	if !strings.Contains(got.Text, "vì Tết Nguyên đán (mùng 3) (dự kiến).") {
		t.Errorf("reminder does not say the day off is estimated:\n%s", got.Text)
	}
	got = h.waitText(en.ID, "to the next working day")
	if !strings.Contains(got.Text, "because of Lunar New Year (day 3) (estimated).") {
		t.Errorf("English reminder does not say the day off is estimated:\n%s", got.Text)
	}
	// The deadlines' calendar (/calendar) says it too.
	cal, err := reporting.Calendar(h.store.Read(context.Background()), at(2027, 2, 1, 8, 0), "TCBC")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range cal.Events {
		found = found || strings.Contains(ev.Description, "vì Tết Nguyên đán (mùng 3) (dự kiến).")
	}
	if !found {
		t.Errorf("no calendar event says the day off is estimated: %+v", cal.Events)
	}
}

// twoReaders joins TCBC's head, who reads Vietnamese, and a member who
// reads English.
func (h *harness) twoReaders() (vi, en models.User) {
	h.t.Helper()
	vi = h.srv.NewUser(1001, "A", "", "vi")
	en = h.srv.NewUser(1002, "Anna", "", "en")
	h.join(vi, "TCBC", db.RoleHead)
	h.join(en, "TCBC", db.RoleMember)
	h.setLang(en.ID, "en")
	return vi, en
}
