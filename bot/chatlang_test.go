package bot

import (
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// englishChats switches the example plan's chat_language to en.
var englishChats = []string{"chat_language: vi", "chat_language: en"}

// TestChatLanguageEnglishReceiptInTheOffice: with chat_language: en the
// Office reads a received report and its acceptance in English (English
// unit and report names too), while the Vietnamese head and the Vietnamese
// clerk pressing the button are answered in Vietnamese.
func TestChatLanguageEnglishReceiptInTheOffice(t *testing.T) {
	f := newSubFixture(t)
	f.remImportPlan(englishChats...)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("Báo cáo 6 tháng")})

	f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	copied := f.waitText(f.office.ID, "📥 New report — receipt 1/2026")
	for _, want := range []string{"Unit: Organisation, Staffing and Non-governmental Organisations Division",
		"Report: First half-year report on grassroots democracy", "Period: first half of 2026", "Sent by: Nguyễn Văn An"} {
		if !strings.Contains(copied.Caption, want) {
			t.Errorf("Office copy lacks %q:\n%s", want, copied.Caption)
		}
	}
	if strings.Contains(copied.Caption, "Báo cáo") || strings.Contains(copied.Caption, "Phòng Tổ chức") {
		t.Errorf("Office copy has Vietnamese in it:\n%s", copied.Caption)
	}
	f.press(f.staff, copied, "✅ Accept")
	f.waitToast("Đã ghi nhận") // the clerk's own language
	f.waitText(f.office.ID, "✅ Trần Thị Bình accepted report no. 1/2026 (Organisation, Staffing")
	f.waitText(f.head.ID, "Văn phòng Sở đã tiếp nhận")
}

// TestChatLanguageEnglishDigests: with chat_language: en the group's weekly
// digest and summary and the Office's notes and overdue digest are English,
// while a Vietnamese head still gets Vietnamese reminders.
func TestChatLanguageEnglishDigests(t *testing.T) {
	h := newHarness(t, at(2026, 6, 2, 9, 0))
	h.remImportPlan(englishChats...)
	h.remBindChats()
	head := h.srv.NewUser(1001, "Nguyễn Văn An", "an", "vi")
	h.join(head, "TCBC", db.RoleHead)
	h.remTick(at(2026, 6, 2, 9, 0))

	h.remTick(at(2026, 6, 3, 8, 0))
	h.waitText(head.ID, "🔔 Nhắc hạn nộp báo cáo — Phòng Tổ chức, biên chế")
	nobody := h.waitText(remOfficeChat, "ℹ️ Could not remind units where nobody has joined the bot")
	if !strings.Contains(nobody.Text, "Department Inspectorate (BC6T, 7 days before)") {
		t.Errorf("Office note not in English:\n%s", nobody.Text)
	}

	h.remTick(at(2026, 6, 8, 8, 0))
	week := h.waitText(remGroupChat, "(2 days left)") // Tuesday's start-up tick posted the week of 1/6
	if !strings.HasPrefix(week.Text, "🗓 Deadlines in the next 14 days:\n") {
		t.Errorf("weekly digest:\n%s", week.Text)
	}
	if want := "• First half-year report on grassroots democracy and government mass-mobilisation work — first half of 2026: due Wednesday, 10/06/2026 (2 days left); 0/9 units submitted"; !strings.Contains(week.Text, want) {
		t.Errorf("weekly digest lacks %q:\n%s", want, week.Text)
	}

	for _, code := range []string{"VP", "TTRA", "XDCQ", "CCHC", "CCVC", "BTDKT", "BTG", "CCVTLT"} {
		h.remSubmitted(h.remItem(code, "BC6T", "2026-H1"))
	}
	h.remTick(at(2026, 6, 11, 8, 0))
	h.waitText(head.ID, "⚠️ Báo cáo đã quá hạn — Phòng Tổ chức, biên chế")
	digest := h.waitText(remOfficeChat, "📋 Overdue reports on 11/06/2026: 1")
	if want := "• Organisation, Staffing and Non-governmental Organisations Division — First half-year report on grassroots democracy and government mass-mobilisation work (first half of 2026): due 10/06/2026, 1 day late"; !strings.Contains(digest.Text, want) {
		t.Errorf("Office digest lacks %q:\n%s", want, digest.Text)
	}
	sum := h.waitText(remGroupChat, "📊")
	if want := "📊 First half-year report on grassroots democracy and government mass-mobilisation work — first half of 2026 (due 10/06/2026): " +
		"8/9 units submitted on time; late: Organisation, Staffing and Non-governmental Organisations Division"; sum.Text != want {
		t.Errorf("summary:\n%s\nwant:\n%s", sum.Text, want)
	}

	// Without a Director, the escalation goes to the Office, in its language.
	h.remTick(at(2026, 6, 17, 8, 0))
	esc := h.waitText(remOfficeChat, "The Department Office reports to the Director:")
	if !strings.Contains(esc.Text, "Organisation, Staffing and Non-governmental Organisations Division") {
		t.Errorf("escalation:\n%s", esc.Text)
	}
}
