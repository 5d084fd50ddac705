package bot

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
	"github.com/reportbot/reportbot/reminders"
)

// Chats of the department in these tests.
const (
	remOfficeChat = -1001
	remGroupChat  = -1002
)

// tick moves the business clock and runs one planner tick, as cron would.
func (h *harness) remTick(at time.Time) {
	h.t.Helper()
	h.setNow(at)
	if err := h.bot.Tick(context.Background()); err != nil {
		h.t.Fatalf("tick at %v: %v", at, err)
	}
	// Deliver what the tick queued before the clock moves on, as the
	// sender does within seconds in real life: a reminder still queued when
	// its next stage comes is skipped as stale.
	if _, err := h.bot.Sender().Drain(context.Background()); err != nil {
		h.t.Fatalf("drain at %v: %v", at, err)
	}
}

// importPlanWith loads the example plan with some text replaced, to vary it.
func (h *harness) remImportPlan(oldNew ...string) {
	h.t.Helper()
	data, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		h.t.Fatal(err)
	}
	text := strings.NewReplacer(oldNew...).Replace(string(data))
	p, err := plan.Parse([]byte(text))
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := plan.Apply(context.Background(), h.store, p); err != nil {
		h.t.Fatal(err)
	}
}

// bindChats makes the Office chat and the announcement group known to the
// fake server and binds them, as /bind would.
func (h *harness) remBindChats() {
	h.t.Helper()
	h.srv.NewGroup(remOfficeChat, "Văn phòng Sở")
	h.srv.NewSupergroup(remGroupChat, "Sở Nội vụ", false)
	h.remTx(func(tx *db.Tx) error {
		if err := tx.BindChat(db.BoundChat{Kind: db.ChatOffice, ChatID: remOfficeChat, Title: "Văn phòng Sở"}); err != nil {
			return err
		}
		return tx.BindChat(db.BoundChat{Kind: db.ChatGroup, ChatID: remGroupChat, Title: "Sở Nội vụ"})
	})
}

func (h *harness) remTx(fn func(tx *db.Tx) error) {
	h.t.Helper()
	if err := h.store.Tx(context.Background(), fn); err != nil {
		h.t.Fatal(err)
	}
}

// item finds a unit's assignment for an obligation's period.
func (h *harness) remItem(unitCode, obligationCode, periodKey string) db.Item {
	h.t.Helper()
	r := h.store.Read(context.Background())
	u, err := r.UnitByCode(unitCode)
	if err != nil {
		h.t.Fatal(err)
	}
	items, err := r.UnitItems(u.ID, time.Unix(0, 0), time.Unix(1<<40, 0))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, it := range items {
		if it.Obligation.Code == obligationCode && it.Period.Key == periodKey {
			return it
		}
	}
	h.t.Fatalf("no assignment %s %s %s", unitCode, obligationCode, periodKey)
	return db.Item{}
}

// submit marks an assignment submitted, as a received file would.
func (h *harness) remSubmitted(it db.Item) {
	h.t.Helper()
	h.remTx(func(tx *db.Tx) error { return tx.SetAssignmentStatus(it.ID, db.StatusSubmitted) })
}

// outbox lists outbox rows with a key prefix.
func (h *harness) remOutbox(prefix string) []db.OutMessage {
	h.t.Helper()
	rows, err := h.store.Read(context.Background()).Outbox(prefix)
	if err != nil {
		h.t.Fatal(err)
	}
	return rows
}

// remindersTo lists the reminder rows (sent or to send) for one assignment
// and member as "stage at", e.g. "7d.20260610 Wed 03/06 08:00".
func (h *harness) remindersTo(it db.Item, memberTelegramID int64) []string {
	h.t.Helper()
	var out []string
	for _, m := range h.remOutbox(fmt.Sprintf("rem:%d:", it.ID)) {
		if m.ChatID == memberTelegramID && m.Status != db.OutSkipped {
			stage := strings.Split(m.Key, ":")[2]
			out = append(out, stage+" "+m.CreatedAt.In(hcmc).Format("Mon 02/01 15:04"))
		}
	}
	return out
}

// TestHeadGetsRemindersAndOfficeTheOverdueDigest is the "done when":
// through the real client, a head hears 7, 3 and 1 days before 10/06/2026
// and on the morning itself, and after the deadline the head gets an overdue
// notice and the Office its digest.
func TestHeadGetsRemindersAndOfficeTheOverdueDigest(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	h.remBindChats()
	head := h.srv.NewUser(1001, "Nguyễn Văn An", "an", "vi")
	h.join(head, "TCBC", db.RoleHead)
	h.remTick(at(2026, 5, 25, 9, 0))

	steps := []struct {
		at   time.Time
		want string
	}{
		{at(2026, 6, 3, 8, 0), "còn 7 ngày"},
		{at(2026, 6, 5, 8, 0), "còn 5 ngày"}, // the 3-day reminder: Sunday 7/6 moves to Friday
		{at(2026, 6, 9, 8, 0), "còn 1 ngày"},
		{at(2026, 6, 10, 8, 0), "hôm nay là hạn cuối"},
	}
	for _, s := range steps {
		h.remTick(s.at.Add(-time.Minute)) // nothing yet
		h.remTick(s.at)
		got := h.waitText(head.ID, s.want)
		for _, want := range []string{
			"🔔 Nhắc hạn nộp báo cáo — Phòng Tổ chức, biên chế",
			"Báo cáo 6 tháng đầu năm về thực hiện Quy chế dân chủ",
			"Kỳ báo cáo: 6 tháng đầu năm 2026",
			"Căn cứ: Kế hoạch số 38/KH-UBND",
			"Hạn nộp: thứ Tư, 10/06/2026 lúc 17:00",
			"gửi tệp báo cáo vào cuộc trò chuyện này, hoặc trả lời tin nhắn này bằng tệp",
		} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("reminder at %v lacks %q:\n%s", s.at, want, got.Text)
			}
		}
		if len(got.Buttons) != 1 || len(got.Buttons[0]) != 2 ||
			got.Buttons[0][0].Text != "⏰ Nhắc lại sau" || !strings.HasPrefix(got.Buttons[0][0].CallbackData, "snooze:") ||
			got.Buttons[0][1].Text != "📄 Đã nộp bản giấy" || !strings.HasPrefix(got.Buttons[0][1].CallbackData, "paper:") {
			t.Errorf("reminder buttons %+v", got.Buttons)
		}
	}
	it := h.remItem("TCBC", "BC6T", "2026-H1")
	if got, want := strings.Join(h.remindersTo(it, head.ID), ", "),
		"7d.20260610 Wed 03/06 08:00, 3d.20260610 Fri 05/06 08:00, 1d.20260610 Tue 09/06 08:00, 0d.20260610 Wed 10/06 08:00"; got != want {
		t.Errorf("reminders:\n%s\nwant:\n%s", got, want)
	}

	h.remTick(at(2026, 6, 11, 8, 0))
	got := h.waitText(head.ID, "⚠️ Báo cáo đã quá hạn")
	if !strings.Contains(got.Text, "đã quá hạn 1 ngày") {
		t.Errorf("overdue notice:\n%s", got.Text)
	}
	digest := h.waitText(remOfficeChat, "📋 Tổng hợp báo cáo quá hạn ngày 11/06/2026")
	for _, want := range []string{
		"Phòng Tổ chức, biên chế và tổ chức phi chính phủ — Báo cáo 6 tháng đầu năm",
		"(6 tháng đầu năm 2026): hạn 10/06/2026, quá hạn 1 ngày",
		"Thanh tra Sở — Báo cáo 6 tháng đầu năm", // every late unit, joined or not
		"đơn vị chưa có ai tham gia bot",
	} {
		if !strings.Contains(digest.Text, want) {
			t.Errorf("Office digest lacks %q:\n%s", want, digest.Text)
		}
	}
	// The TCBC line names no reachability problem: its head has joined.
	for _, line := range strings.Split(digest.Text, "\n") {
		if strings.Contains(line, "Phòng Tổ chức") && strings.Contains(line, "⚠️") {
			t.Errorf("TCBC flagged unreachable: %s", line)
		}
	}
	h.remTick(at(2026, 6, 11, 9, 0))
	if n := len(h.remOutbox("digest:office:")); n != 1 {
		t.Errorf("%d Office digests on one day, want 1", n)
	}
}

// TestRemindersOverAHalfYear runs the example plan from 25/05 to 25/11/2026,
// ticking whenever something may happen (the next notice any assignment
// waits for, each day's working hour for the digests, 10:00 when units hand
// in): every reminder goes out at 08:00 on a working day, on the days the
// plan says, once; units that submit hear nothing more; the one that never
// submits is chased every two working days and escalated once.
func TestRemindersOverAHalfYear(t *testing.T) {
	start, end := at(2026, 5, 25, 9, 0), at(2026, 11, 25, 9, 0)
	h := newHarness(t, start)
	h.importPlan()
	h.remBindChats()
	units, err := h.store.Read(context.Background()).Units(false)
	if err != nil {
		t.Fatal(err)
	}
	heads := map[string]models.User{}
	for i, u := range units {
		heads[u.Code] = h.srv.NewUser(int64(2000+i), "Trưởng "+u.Code, "", "vi")
		h.join(heads[u.Code], u.Code, db.RoleHead)
	}
	director := h.srv.NewUser(3000, "Giám Đốc", "", "vi")
	h.join(director, "", db.RoleDirector)

	cal := reminders.DefaultPolicy().Calendar()
	ticks := 0
	for now := start; !now.After(end); now = nextEvent(t, h, now) {
		h.remTick(now)
		ticks++
		if now.Hour() != 10 || now.Minute() != 0 {
			continue
		}
		// At 10:00 on a deadline day every unit but TCBC hands in.
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, hcmc)
		due, err := h.store.Read(context.Background()).ItemsBetween(day, day.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range due {
			if it.Unit.Code != "TCBC" {
				h.remSubmitted(it)
			}
		}
	}

	t.Logf("%d ticks", ticks)
	rows := h.remOutbox("rem:")
	seen := map[string]bool{}
	for _, m := range rows {
		if m.Status == db.OutSkipped {
			t.Errorf("%s skipped without an outage", m.Key)
			continue
		}
		local := m.CreatedAt.In(hcmc)
		if local.Hour() != 8 || local.Minute() != 0 || !cal.IsWorkingDay(local) {
			t.Errorf("%s queued at %v, not 08:00 on a working day", m.Key, local)
		}
		parts := strings.Split(m.Key, ":") // rem:<assignment>:<stage>:<member>
		same := parts[1] + ":" + parts[3] + ":" + local.Format(time.DateOnly)
		if seen[same] {
			t.Errorf("two reminders for one assignment to one member on %s", same)
		}
		seen[same] = true
	}

	cases := []struct {
		unit, obligation, period string
		want                     []string
	}{
		{"VP", "BC6T", "2026-H1", []string{"7d.20260610 Wed 03/06 08:00", "3d.20260610 Fri 05/06 08:00", "1d.20260610 Tue 09/06 08:00", "0d.20260610 Wed 10/06 08:00"}},
		{"VP", "KDQUY", "2026-Q2", []string{"7d.20260625 Thu 18/06 08:00", "3d.20260625 Mon 22/06 08:00", "1d.20260625 Wed 24/06 08:00", "0d.20260625 Thu 25/06 08:00"}},
		{"VP", "BCNAM", "2026", []string{"7d.20261110 Tue 03/11 08:00", "3d.20261110 Fri 06/11 08:00", "1d.20261110 Mon 09/11 08:00", "0d.20261110 Tue 10/11 08:00"}},
		{"TCBC", "BC6T", "2026-H1", []string{
			"7d.20260610 Wed 03/06 08:00", "3d.20260610 Fri 05/06 08:00", "1d.20260610 Tue 09/06 08:00", "0d.20260610 Wed 10/06 08:00",
			"late1.20260610 Thu 11/06 08:00", "late3.20260610 Mon 15/06 08:00", "late5.20260610 Wed 17/06 08:00", "late7.20260610 Fri 19/06 08:00",
		}},
	}
	for _, c := range cases {
		got := h.remindersTo(h.remItem(c.unit, c.obligation, c.period), heads[c.unit].ID)
		if len(got) > len(c.want) && c.unit == "TCBC" {
			got = got[:len(c.want)] // and on, every two working days
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s %s %s:\n%s\nwant:\n%s", c.unit, c.obligation, c.period, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	// Quarterly reviews for Q3 (25/09/2026, a Friday) too.
	if got := h.remindersTo(h.remItem("VP", "KDQUY", "2026-Q3"), heads["VP"].ID); len(got) != 4 || got[0] != "7d.20260925 Fri 18/09 08:00" {
		t.Errorf("Q3 reminders %v", got)
	}

	// The Director heard about each of TCBC's late reports once, five
	// working days after its deadline, told in calendar days like
	// everything else (a week, with its weekend).
	var escs []string
	for _, m := range h.remOutbox("esc:") {
		if m.ChatID == director.ID {
			escs = append(escs, m.CreatedAt.In(hcmc).Format("02/01 15:04"))
			if !strings.Contains(m.Text, "Phòng Tổ chức") || !strings.Contains(m.Text, "quá hạn 7 ngày") {
				t.Errorf("escalation:\n%s", m.Text)
			}
		}
	}
	if got, want := strings.Join(escs, ", "), "17/06 08:00, 02/07 08:00, 02/10 08:00, 17/11 08:00"; got != want {
		t.Errorf("escalations at %s, want %s", got, want)
	}

	// Everything queued reached Telegram, and nothing twice.
	pending := 0
	for _, m := range h.remOutbox("") {
		if m.Kind.Sends() && (m.Status == db.OutPending || m.Status == db.OutSent) {
			pending++
		}
	}
	ctx, cancel := telegramtest.Within(20 * time.Second)
	defer cancel()
	isSend := func(s telegramtest.Sent) bool { return s.Method == "sendMessage" }
	if _, err := h.srv.WaitCount(ctx, pending, isSend); err != nil {
		t.Fatalf("waiting for %d messages: %v (got %d)", pending, err, len(h.srv.SentMatching(isSend)))
	}
	texts := map[string]int{}
	for _, s := range h.srv.SentMatching(isSend) {
		texts[fmt.Sprint(s.ChatID, s.Text)]++
	}
	var dups []string
	for k, n := range texts {
		if n > 1 && !strings.Contains(k, "Kính chào") {
			dups = append(dups, k)
		}
	}
	sort.Strings(dups)
	if len(dups) > 0 {
		t.Errorf("%d texts sent twice to the same chat, e.g. %q", len(dups), dups[0])
	}
}

// nextEvent is the next time after now that a tick may have work: the
// earliest next notice, the next 08:00 (digests) or 10:00 (hand-ins).
func nextEvent(t *testing.T, h *harness, now time.Time) time.Time {
	t.Helper()
	next, err := h.store.Read(context.Background()).NextNoticeAt()
	if err != nil {
		t.Fatal(err)
	}
	for _, hour := range []int{8, 10} {
		day := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, hcmc)
		if !day.After(now) {
			day = day.AddDate(0, 0, 1)
		}
		if next.IsZero() || day.Before(next) {
			next = day
		}
	}
	if !next.After(now) {
		t.Fatalf("next event %v is not after %v", next, now)
	}
	return next
}

// TestSubmittingBetweenStagesStopsReminders: a unit that hands in after the
// 7-day reminder hears nothing more; the others still do.
func TestSubmittingBetweenStagesStopsReminders(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	a := h.srv.NewUser(1001, "A", "", "vi")
	b := h.srv.NewUser(1002, "B", "", "vi")
	h.join(a, "TCBC", db.RoleHead)
	h.join(b, "VP", db.RoleHead)
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 3, 8, 0))
	h.waitText(a.ID, "còn 7 ngày")

	it := h.remItem("TCBC", "BC6T", "2026-H1")
	h.remSubmitted(it)
	for _, now := range []time.Time{at(2026, 6, 5, 8, 0), at(2026, 6, 9, 8, 0), at(2026, 6, 10, 8, 0), at(2026, 6, 11, 8, 0), at(2026, 6, 17, 8, 0)} {
		h.remTick(now)
	}
	h.waitText(b.ID, "hôm nay là hạn cuối")
	if got := h.remindersTo(it, a.ID); len(got) != 1 {
		t.Errorf("after submitting, TCBC got %v", got)
	}
	if got := h.remindersTo(h.remItem("VP", "BC6T", "2026-H1"), b.ID); len(got) < 4 {
		t.Errorf("VP got %v", got)
	}
}

// TestOutageSendsOneCatchUpAndSkipsTheStaleStage: the bot is down from
// 02/06 to 05/06 10:00, across the 7-day (03/06) and 3-day (05/06)
// reminders. When it is back the 3-day one goes out at once, the 7-day one
// is recorded as skipped, and the Office hears about it in one line, once.
func TestOutageSendsOneCatchUpAndSkipsTheStaleStage(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	h.remBindChats()
	head := h.srv.NewUser(1001, "A", "", "vi")
	h.join(head, "TCBC", db.RoleHead)
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 2, 8, 0))

	h.remTick(at(2026, 6, 5, 10, 0))
	h.waitText(head.ID, "còn 5 ngày")
	h.remTick(at(2026, 6, 5, 10, 1))
	h.remTick(at(2026, 6, 5, 11, 0))

	it := h.remItem("TCBC", "BC6T", "2026-H1")
	status := map[string]db.OutStatus{}
	for _, m := range h.remOutbox(fmt.Sprintf("rem:%d:", it.ID)) {
		status[strings.Split(m.Key, ":")[2]] = m.Status
	}
	if len(status) != 2 || status["7d.20260610"] != db.OutSkipped || status["3d.20260610"] == db.OutSkipped || status["3d.20260610"] == "" {
		t.Errorf("outbox for the assignment: %v, want 7d skipped and 3d sent", status)
	}
	if n := len(h.srv.SentMatching(func(s telegramtest.Sent) bool { return s.ChatID == head.ID && strings.Contains(s.Text, "Nhắc hạn") })); n != 1 {
		t.Errorf("head got %d reminders, want 1", n)
	}
	note := h.waitText(remOfficeChat, "⏭")
	for _, want := range []string{"BC6T 6 tháng đầu năm 2026, nhắc trước 7 ngày (08:00 03/06/2026): 9 đơn vị"} {
		if !strings.Contains(note.Text, want) {
			t.Errorf("Office note lacks %q:\n%s", want, note.Text)
		}
	}
	if strings.Contains(note.Text, "3 ngày") {
		t.Errorf("Office note lists the stage that was sent:\n%s", note.Text)
	}
	if n := len(h.remOutbox("skipped:")); n != 1 {
		t.Errorf("%d skipped notes to the Office, want 1", n)
	}
}

// TestWeeklyDigestAndSummaryInTheGroup: on Monday the group sees what is due
// in the next 14 days; the working day after a deadline, how it went.
// Obligations that opt out of the summary, or out of naming late units, are
// honoured.
func TestWeeklyDigestAndSummaryInTheGroup(t *testing.T) {
	h := newHarness(t, at(2026, 6, 2, 9, 0))
	// The quarterly review keeps its summary but not the names of late units.
	h.remImportPlan("    summary: false               # việc nội bộ từng đơn vị: không công bố tổng hợp\n", "")
	h.remBindChats()
	h.remTick(at(2026, 6, 2, 9, 0))

	h.remTick(at(2026, 6, 8, 7, 59))
	h.remTick(at(2026, 6, 8, 8, 0))
	// (Tuesday's start-up tick caught up on the week of 1/6 already.)
	week := h.waitText(remGroupChat, "(còn 2 ngày)")
	if !strings.HasPrefix(week.Text, "🗓 Các hạn nộp báo cáo trong 14 ngày tới:\n") {
		t.Errorf("weekly digest:\n%s", week.Text)
	}
	for _, want := range []string{
		"• Báo cáo 6 tháng đầu năm về thực hiện Quy chế dân chủ ở cơ sở và công tác dân vận chính quyền — 6 tháng đầu năm 2026: hạn thứ Tư, 10/06/2026 (còn 2 ngày); đã nộp 0/9 đơn vị",
	} {
		if !strings.Contains(week.Text, want) {
			t.Errorf("weekly digest lacks %q:\n%s", want, week.Text)
		}
	}
	if n := len(h.remOutbox("digest:week:2026-06-08")); n != 1 {
		t.Errorf("%d digests for the week of 8/6, want 1", n)
	}
	if strings.Contains(week.Text, "25/06/2026") {
		t.Errorf("weekly digest looks further than 14 days:\n%s", week.Text)
	}

	for _, code := range []string{"VP", "TTRA", "XDCQ", "CCHC", "CCVC", "BTDKT", "BTG"} {
		h.remSubmitted(h.remItem(code, "BC6T", "2026-H1"))
	}
	h.remTick(at(2026, 6, 10, 8, 0))
	late := h.remItem("CCVTLT", "BC6T", "2026-H1") // hands in after the deadline
	h.setNow(at(2026, 6, 10, 18, 0))
	h.remSubmitted(late)
	h.remTick(at(2026, 6, 11, 8, 0))
	sum := h.waitText(remGroupChat, "📊")
	want := "📊 Báo cáo 6 tháng đầu năm về thực hiện Quy chế dân chủ ở cơ sở và công tác dân vận chính quyền — 6 tháng đầu năm 2026 (hạn 10/06/2026): " +
		"7/9 đơn vị nộp đúng hạn; chậm nộp: Chi cục Văn thư - Lưu trữ; Phòng Tổ chức, biên chế và tổ chức phi chính phủ"
	if sum.Text != want {
		t.Errorf("summary:\n%s\nwant:\n%s", sum.Text, want)
	}

	h.remTick(at(2026, 6, 26, 8, 0))
	q := h.waitText(remGroupChat, "quý II/2026")
	if !strings.Contains(q.Text, "0/9 đơn vị nộp đúng hạn; chậm nộp: 9 đơn vị") {
		t.Errorf("quarterly summary should count, not name, late units:\n%s", q.Text)
	}
	if n := len(h.remOutbox("summary:")); n != 2 {
		t.Errorf("%d summaries, want 2", n)
	}
}

// TestNoSummaryWhenTheObligationSaysSo: the example's quarterly review opts
// out of the group summary.
func TestNoSummaryWhenTheObligationSaysSo(t *testing.T) {
	h := newHarness(t, at(2026, 6, 20, 9, 0))
	h.importPlan()
	h.remBindChats()
	h.remTick(at(2026, 6, 20, 9, 0))
	h.remTick(at(2026, 6, 26, 8, 0))
	for _, m := range h.remOutbox("summary:") {
		t.Errorf("summary posted: %s", m.Text)
	}
}

// TestSnoozeButton: "⏰ Nhắc lại sau" holds the reminders until the next
// working day's 08:00 and then reminds again; only the unit's people may
// press it.
func TestSnoozeButton(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "A", "", "vi")
	other := h.srv.NewUser(1002, "B", "", "en")
	h.join(head, "TCBC", db.RoleHead)
	h.join(other, "VP", db.RoleHead)
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 5, 8, 0))
	msg := h.waitText(head.ID, "còn 5 ngày")
	data := msg.Buttons[0][0].CallbackData

	toast := func(from models.User) string {
		t.Helper()
		h.srv.InjectCallback(from, head.ID, msg.MessageID, data)
		ctx, cancel := telegramtest.Within(slowWait)
		defer cancel()
		got, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
			return s.Method == "answerCallbackQuery" && s.Text != "" && strings.Contains(fmt.Sprint(s.CallbackQueryID), "cbq-")
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.Text
	}
	h.setNow(at(2026, 6, 5, 9, 30))
	if got := toast(other); got != "You are not in the unit that owes this report." {
		t.Errorf("other unit's toast %q", got)
	}
	// Friday: the next working day is Monday.
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	h.srv.InjectCallback(head, head.ID, msg.MessageID, data)
	got, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.Method == "answerCallbackQuery" && strings.Contains(s.Text, "nhắc lại")
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Bot sẽ nhắc lại lúc 08:00 08/06/2026 (thứ Hai)."; got.Text != want {
		t.Errorf("toast %q, want %q", got.Text, want)
	}
	h.remTick(at(2026, 6, 5, 10, 0))
	h.remTick(at(2026, 6, 8, 7, 59))
	h.remTick(at(2026, 6, 8, 8, 0))
	again := h.waitText(head.ID, "còn 2 ngày")
	if !strings.Contains(again.Text, "🔔 Nhắc hạn nộp báo cáo") {
		t.Errorf("snoozed reminder:\n%s", again.Text)
	}
	it := h.remItem("TCBC", "BC6T", "2026-H1")
	if got := h.remindersTo(it, head.ID); len(got) != 2 || !strings.HasPrefix(got[1], "snooze.") || !strings.HasSuffix(got[1], "Mon 08/06 08:00") {
		t.Errorf("reminders %v", got)
	}
	h.remTick(at(2026, 6, 9, 8, 0))
	h.waitText(head.ID, "còn 1 ngày")
}

// TestReminderSaysTheDeadlineMovedAndWhy: a deadline on a Sunday moves to
// Monday, and reminders say so, in each member's language.
func TestReminderSaysTheDeadlineMovedAndWhy(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.remImportPlan("recurrence: yearly 10/06", "recurrence: yearly 07/06")
	vi := h.srv.NewUser(1001, "A", "", "vi")
	en := h.srv.NewUser(1002, "Anna", "", "en")
	h.join(vi, "TCBC", db.RoleHead)
	h.join(en, "TCBC", db.RoleMember)
	h.remTx(func(tx *db.Tx) error {
		m, err := tx.Reader().MemberByTelegramID(en.ID)
		if err != nil {
			return err
		}
		return tx.SetMemberLang(m.ID, "en")
	})
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 1, 8, 0))
	got := h.waitText(vi.ID, "còn 7 ngày")
	if want := "Hạn nộp: thứ Hai, 08/06/2026 lúc 17:00 — còn 7 ngày.\nHạn được dời từ 07/06/2026 sang ngày làm việc kế tiếp vì Chủ nhật."; !strings.Contains(got.Text, want) {
		t.Errorf("reminder lacks %q:\n%s", want, got.Text)
	}
	got = h.waitText(en.ID, "7 days left")
	if want := "Deadline: Monday, 08/06/2026 at 17:00 — 7 days left.\nThe deadline moved from 07/06/2026 to the next working day because of Sunday."; !strings.Contains(got.Text, want) {
		t.Errorf("English reminder lacks %q:\n%s", want, got.Text)
	}
	if got.Buttons[0][0].Text != "⏰ Remind me later" {
		t.Errorf("English buttons %+v", got.Buttons)
	}
}

// TestOfficeHearsWhenNobodyCanBeReminded: a unit where nobody joined gets
// no reminder, and the Office is told in one line per tick.
func TestOfficeHearsWhenNobodyCanBeReminded(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	h.remBindChats()
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 3, 8, 0))
	got := h.waitText(remOfficeChat, "ℹ️")
	if !strings.Contains(got.Text, "Phòng Tổ chức, biên chế và tổ chức phi chính phủ (BC6T, nhắc trước 7 ngày)") {
		t.Errorf("Office note:\n%s", got.Text)
	}
	if n := len(h.remOutbox("nobody:")); n != 1 {
		t.Errorf("%d notes, want 1", n)
	}
}

// TestRunTicksAtStartUp: Run starts the planner's trigger, which ticks once
// at start-up without waiting for the first minute: a unit nobody has joined
// is reported to the Office at once.
func TestRunTicksAtStartUp(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 8, 0), func(b *Bot) {
		b.cfg.ManualTick = false
		data, err := os.ReadFile("testdata/plan.yaml")
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plan.Apply(context.Background(), b.store, p); err != nil {
			t.Fatal(err)
		}
		if err := b.store.Tx(context.Background(), func(tx *db.Tx) error {
			return tx.BindChat(db.BoundChat{Kind: db.ChatOffice, ChatID: remOfficeChat})
		}); err != nil {
			t.Fatal(err)
		}
	})
	got := h.waitText(remOfficeChat, "ℹ️")
	if !strings.Contains(got.Text, "(BC6T, nhắc trước 7 ngày)") {
		t.Errorf("start-up tick told the Office:\n%s", got.Text)
	}
}
