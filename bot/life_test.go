package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reporting"
)

// waitClosed waits for the buttons of a message to give way to one line
// containing want: what was decided, by whom and when.
func (h *harness) waitClosed(chatID int64, messageID int, want ...string) {
	h.t.Helper()
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	_, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		if s.Method != "editMessageReplyMarkup" || s.ChatID != chatID || s.MessageID != messageID || len(s.Buttons) != 1 || len(s.Buttons[0]) != 1 {
			return false
		}
		for _, w := range want {
			if !strings.Contains(s.Buttons[0][0].Text, w) {
				return false
			}
		}
		return true
	})
	if err != nil {
		var got []string
		for _, s := range h.srv.SentMatching(telegramtest.ByMethod("editMessageReplyMarkup")) {
			got = append(got, fmt.Sprintf("%d/%d %+v", s.ChatID, s.MessageID, s.Buttons))
		}
		h.t.Fatalf("message %d/%d not closed with %q: %v; edits: %v", chatID, messageID, want, err, got)
	}
}

// waitReplyTo waits for the bot's message in chat that quotes messageID.
func (h *harness) waitReplyTo(chatID int64, messageID int, want string) telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	s, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.ChatID == chatID && s.ReplyToMessageID == messageID && strings.Contains(s.Text+s.Caption, want)
	})
	if err != nil {
		h.t.Fatalf("no answer to message %d containing %q: %v", messageID, want, err)
	}
	return s
}

// TestTwoFilesBeforeTheAnswer: each question is bound to its own file;
// answered in the other order, each file lands under the report chosen for
// it; a refused file in between is answered at once.
func TestTwoFilesBeforeTheAnswer(t *testing.T) {
	f := newSubFixture(t)
	open := f.openItems()
	if len(open) < 2 {
		t.Fatalf("the example plan leaves TCBC %d open reports, the test needs 2", len(open))
	}
	chat := telegramtest.PrivateChat(f.head)
	a, b := pdf("tệp thứ nhất"), pdf("tệp thứ hai")
	first := f.srv.InjectDocument(chat, f.head, telegramtest.Upload{Name: "a.pdf", Data: a})
	second := f.srv.InjectDocument(chat, f.head, telegramtest.Upload{Name: "b.pdf", Data: b})
	f.srv.InjectDocument(chat, f.head, telegramtest.Upload{Name: "virus.exe", Data: []byte("MZ")})
	askA := f.waitReplyTo(f.head.ID, first.Message.ID, "Tệp này là báo cáo nào?")
	askB := f.waitReplyTo(f.head.ID, second.Message.ID, "Tệp này là báo cáo nào?")
	f.waitText(f.head.ID, "không nhận tệp «virus.exe»")

	// The second question first: b.pdf is for open[0].
	f.press(f.head, askB, open[0].Obligation.Title)
	f.waitText(f.head.ID, "b.pdf")
	f.waitClosed(f.head.ID, askB.MessageID, "→", open[0].Obligation.Title)
	f.press(f.head, askA, open[1].Obligation.Title)
	f.waitText(f.head.ID, "a.pdf")

	for _, c := range []struct {
		it   db.Item
		data []byte
	}{{open[0], b}, {open[1], a}} {
		subs := f.submissions(c.it)
		if len(subs) != 1 || len(subs[0].Files) != 1 || subs[0].Files[0].SHA256 != sha(c.data) {
			t.Errorf("%s: submissions %+v, want the one file chosen for it", c.it.Obligation.Code, subs)
		}
	}
	// Each answer is taken once.
	f.press(f.head, askA, open[0].Obligation.Title)
	f.waitToast("không còn hiệu lực")
}

// TestReturnedReportSameBytesThenCorrected: the returned file again is
// refused as such; a corrected file goes back to review. Return closes the
// card's buttons with who returned it.
func TestReturnedReportSameBytesThenCorrected(t *testing.T) {
	f := newSubFixture(t)
	data := pdf("bản đầu")
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: data})
	f.waitText(f.head.ID, "Phiên bản: 1")
	card := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")
	f.press(f.staff, card, "Trả lại")
	f.waitText(f.staff.ID, "Nhập lý do trả lại")
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "Thiếu phụ lục số liệu")
	f.waitText(f.head.ID, "Lý do: Thiếu phụ lục số liệu")
	f.waitClosed(f.office.ID, card.MessageID, "Đã trả lại", "Trần Thị Bình")

	f.send(telegramtest.Upload{Name: "bc-lai.pdf", Data: data})
	f.waitText(f.head.ID, "Đây chính là tệp đã bị trả lại")
	if subs := f.submissions(f.item); len(subs) != 1 {
		t.Fatalf("the returned bytes made %d versions, want 1", len(subs))
	}
	f.send(telegramtest.Upload{Name: "bc-sua.pdf", Data: pdf("bản đã sửa")})
	f.waitText(f.head.ID, "Phiên bản: 2")
	f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 2/2026")
	if it, _ := f.store.Read(context.Background()).Item(f.item.ID); it.Status != db.StatusSubmitted {
		t.Errorf("after the correction: %s, want submitted (back to review)", it.Status)
	}
}

// TestAcceptedReportAnotherFileCanBeAnotherReport: "another report" lists
// what the unit owes, and the file goes there; the accepted one stays.
func TestAcceptedReportAnotherFileCanBeAnotherReport(t *testing.T) {
	f := newSubFixture(t)
	open := f.openItems()
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("đã tiếp nhận")})
	card := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")
	f.press(f.staff, card, "Tiếp nhận")
	f.waitText(f.head.ID, "đã tiếp nhận báo cáo")
	f.waitClosed(f.office.ID, card.MessageID, "Đã tiếp nhận", "Trần Thị Bình", "03/06/2026")

	f.send(telegramtest.Upload{Name: "khac.pdf", Data: pdf("báo cáo khác")})
	ask := f.waitText(f.head.ID, "hay là báo cáo khác?")
	f.press(f.head, ask, "Báo cáo khác")
	list := f.waitText(f.head.ID, "Tệp này là báo cáo nào?")
	f.press(f.head, list, open[1].Obligation.Title)
	f.waitText(f.head.ID, "khac.pdf")
	if subs := f.submissions(open[1]); len(subs) != 1 {
		t.Errorf("the other report has %d versions, want 1", len(subs))
	}
	if it, _ := f.store.Read(context.Background()).Item(f.item.ID); it.Status != db.StatusAccepted {
		t.Errorf("the accepted report became %s", it.Status)
	}
}

// TestReceivedGetsTheOfficeCard: a report recorded with /received comes
// before the Office with the same card and buttons as one sent in chat.
func TestReceivedGetsTheOfficeCard(t *testing.T) {
	f := newSubFixture(t)
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, fmt.Sprintf("/received TCBC %s giấy 12/CV-TCBC", f.item.Obligation.Code))
	f.waitText(f.staff.ID, "Đã ghi nhận, số tiếp nhận 1/2026")
	card := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")
	for _, want := range []string{"Phòng Tổ chức", f.item.Obligation.Title, "đúng hạn", "bản giấy — 12/CV-TCBC"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("card lacks %q:\n%s", want, card.Text)
		}
	}
	// The scan joins it, and once accepted it is archived like a file
	// sent in chat.
	f.srv.InjectDocument(telegramtest.PrivateChat(f.staff), f.staff, telegramtest.Upload{Name: "ban-quet.pdf", Data: pdf("bản quét")})
	f.waitText(f.staff.ID, "Đã đính kèm bản quét «ban-quet.pdf»")
	f.press(f.staff, card, "Tiếp nhận")
	f.waitText(f.head.ID, "đã tiếp nhận báo cáo")
	f.waitClosed(f.office.ID, card.MessageID, "Đã tiếp nhận")
	accepted, err := f.store.Read(context.Background()).LatestAccepted(f.item.PeriodID)
	if s, ok := accepted[f.item.ID]; err != nil || !ok || len(s.Files) != 1 || s.Source != db.SourcePaper {
		t.Errorf("archive's accepted version %+v (%v), want the paper report with its scan", s, err)
	}
	rep, err := reporting.SelectWorkbook(f.store.Read(context.Background()), hcmc, f.clock(), f.item.Obligation.Code)
	if err != nil || len(rep.Entries) != 1 || rep.Entries[0].Receipt != "1/2026" {
		t.Errorf("register %+v (%v), want the received report", rep.Entries, err)
	}
}

// TestExtensionDecisionClosesItsButtons: the Office's decision shows on the
// request itself.
func TestExtensionDecisionClosesItsButtons(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectCallback(f.head, f.head.ID, f.remID, fmt.Sprintf("ext:%d", f.item.ID))
	f.waitText(f.head.ID, "Nhập lý do và ngày đề nghị")
	proposed := f.item.DeadlineAt.In(hcmc).AddDate(0, 0, 5)
	f.srv.InjectText(chat, f.head, "Chờ số liệu, "+formatDate(proposed, hcmc))
	ask := f.waitText(f.office.ID, "Lý do: Chờ số liệu")
	f.press(f.staff, ask, "Không đồng ý")
	f.waitClosed(f.office.ID, ask.MessageID, "Không đồng ý gia hạn", "Trần Thị Bình")
}

// TestTypedAnswerAfterRoleChange: a question is dropped when its member
// changes role or leaves, and an answer after it expired is not taken.
func TestTypedAnswerAfterRoleChangeOrExpiry(t *testing.T) {
	f := newSubFixture(t)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	card := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")
	staffChat := telegramtest.PrivateChat(f.staff)

	// Expired: a day later the reason is not taken.
	f.press(f.staff, card, "Trả lại")
	f.waitText(f.staff.ID, "Nhập lý do trả lại")
	f.setNow(f.clock().Add(25 * time.Hour))
	f.srv.InjectText(staffChat, f.staff, "Lý do muộn")
	f.waitText(f.staff.ID, "đã hết hiệu lực")

	// Removed: the question goes with the membership.
	f.press(f.staff, card, "Trả lại")
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	if _, err := f.srv.WaitCount(ctx, 2, func(s telegramtest.Sent) bool {
		return s.ChatID == f.staff.ID && strings.Contains(s.Text, "Nhập lý do trả lại")
	}); err != nil {
		t.Fatal(err)
	}
	m, _ := f.store.Read(context.Background()).MemberByTelegramID(f.staff.ID)
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.RemoveMember(m.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Read(context.Background()).PeekPendingInput(f.staff.ID, f.staff.ID); err == nil {
		t.Error("the removed clerk's question is still waiting")
	}
	f.srv.InjectText(staffChat, f.staff, "Thiếu chữ ký")
	f.waitText(f.staff.ID, "Xin chào")
	if subs := f.submissions(f.item); subs[0].Status != db.SubReceived {
		t.Errorf("an answer without the right to give it returned the report: %s", subs[0].Status)
	}
}

// TestSnoozeComesBackBeforeTheDeadlineAndTheNextReminder: "remind me later"
// on the deadline day comes back before the deadline, and never after a
// reminder the plan has in between.
func TestSnoozeComesBackBeforeTheDeadlineAndTheNextReminder(t *testing.T) {
	for _, c := range []struct {
		name, offsets, want string
	}{
		{"deadline first", "[7d, 3d, 1d, 0d]", "Bot sẽ nhắc lại lúc 16:00 10/06/2026"},
		{"a reminder first", "[7d, 3d, 1d, 0d, 2h]", "Bot sẽ nhắc lại lúc 15:00 10/06/2026"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, at(2026, 6, 10, 9, 0))
			h.remImportPlan("reminders: [7d, 3d, 1d, 0d]", "reminders: "+c.offsets)
			head := h.srv.NewUser(1001, "An", "", "vi")
			h.join(head, "TCBC", db.RoleHead)
			it := h.remItem("TCBC", "BC6T", "2026-H1")
			h.srv.InjectCallback(head, head.ID, 1, fmt.Sprintf("snooze:%d", it.ID))
			ctx, cancel := telegramtest.Within(5 * time.Second)
			defer cancel()
			got, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
				return s.Method == "answerCallbackQuery" && s.Text != ""
			})
			if err != nil || !strings.HasPrefix(got.Text, c.want) {
				t.Errorf("toast %q (%v), want %q", got.Text, err, c.want)
			}
		})
	}
}

// TestCouldNotRemindOncePerPeriodPerDay: however often the planner looks
// again the same day, the Office hears once per period that a unit could
// not be reminded.
func TestCouldNotRemindOncePerPeriodPerDay(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	h.remBindChats()
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 3, 8, 0))
	h.waitText(remOfficeChat, "ℹ️")
	first := len(h.remOutbox("nobody:"))
	it := h.remItem("TCBC", "BC6T", "2026-H1")
	// Another look at the same stage later that day (a reopened report
	// is looked at again at once).
	h.setNow(at(2026, 6, 3, 10, 0))
	h.remTx(func(tx *db.Tx) error { return tx.SetNextNotice(it.ID, at(2026, 6, 3, 10, 0)) })
	h.remTick(at(2026, 6, 3, 10, 0))
	if n := len(h.remOutbox("nobody:")); n != first {
		t.Errorf("%d notes after the second look, want %d", n, first)
	}
}

// TestLatenessIsToldOneWay: one minute after the deadline is one day late
// everywhere (receipt, Office card, /status, /overdue, digest, export),
// never "0 days" and never "due today"; three days on is three days
// everywhere.
func TestLatenessIsToldOneWay(t *testing.T) {
	f := newSubFixture(t)
	deadline := f.item.DeadlineAt.In(hcmc)
	staffChat := telegramtest.PrivateChat(f.staff)
	f.setNow(deadline.Add(time.Minute))
	f.send(telegramtest.Upload{Name: "muon.pdf", Data: pdf("muộn một phút")})
	late1 := "trễ 1 ngày (hạn " + formatDate(deadline, hcmc) + ")"
	if r := f.waitText(f.head.ID, "Số tiếp nhận: 1/2026"); !strings.Contains(r.Text, late1) {
		t.Errorf("receipt lacks %q:\n%s", late1, r.Text)
	}
	if c := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026"); !strings.Contains(c.Caption, late1) {
		t.Errorf("Office card lacks %q:\n%s", late1, c.Caption)
	}
	f.srv.InjectText(staffChat, f.staff, "/status "+f.item.Obligation.Code)
	status := f.waitText(f.staff.ID, "Kỳ:")
	for _, want := range []string{"đã trễ 1 ngày", "(trễ 1 ngày)"} {
		if !strings.Contains(status.Text, want) {
			t.Errorf("/status lacks %q:\n%s", want, status.Text)
		}
	}
	for _, never := range []string{"trễ 0 ngày", "hôm nay"} {
		if strings.Contains(status.Text, never) {
			t.Errorf("/status says %q after the deadline:\n%s", never, status.Text)
		}
	}
	f.srv.InjectText(staffChat, f.staff, "/overdue "+f.item.Obligation.Code)
	if o := f.waitText(f.staff.ID, "🕒"); !strings.Contains(o.Text, "trễ 1 ngày") || strings.Contains(o.Text, "trễ 0 ngày") {
		t.Errorf("/overdue:\n%s", o.Text)
	}

	// Three days on: another unit's paper report recorded now is three days
	// late on its card and in the register.
	f.setNow(deadline.AddDate(0, 0, 3))
	f.srv.InjectText(staffChat, f.staff, "/received VP "+f.item.Obligation.Code+" giấy 7/BC-VP")
	if c := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 2/2026"); !strings.Contains(c.Text, "trễ 3 ngày") {
		t.Errorf("Office card of the paper report:\n%s", c.Text)
	}
	rep, err := reporting.SelectWorkbook(f.store.Read(context.Background()), hcmc, f.clock(), f.item.Obligation.Code)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range rep.Entries {
		got[e.Receipt] = e.DaysLate
	}
	if got["1/2026"] != 1 || got["2/2026"] != 3 {
		t.Errorf("register days late %v, want 1/2026: 1 and 2/2026: 3", got)
	}

	// The Office's digest counts the same way: on Monday 15/06, five
	// calendar days after Wednesday's deadline.
	f.setNow(at(2026, 6, 15, 9, 0))
	if err := f.bot.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.bot.Kick()
	if d := f.waitText(f.office.ID, "Tổng hợp báo cáo trễ hạn"); !strings.Contains(d.Text, "trễ 5 ngày") || strings.Contains(d.Text, "trễ 0 ngày") {
		t.Errorf("digest:\n%s", d.Text)
	}
}
