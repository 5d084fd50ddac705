package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// remTicksUntilDone ticks at from and then every minute for as long as some
// assignment is still due (a fan-out bigger than a tick's budget leaves the
// rest due), as cron would, and returns how many ticks it took.
func (h *harness) remTicksUntilDone(from time.Time) int {
	h.t.Helper()
	ticks := 0
	for now := from; ; now = now.Add(time.Minute) {
		h.remTick(now)
		ticks++
		next, err := h.store.Read(context.Background()).NextNoticeAt()
		if err != nil {
			h.t.Fatal(err)
		}
		if next.After(now) || next.IsZero() {
			return ticks
		}
		if ticks > 100 {
			h.t.Fatalf("still due after %d ticks", ticks)
		}
	}
}

// TestFanoutSpanningTicksGoesEarliestDeadlineFirst: with a budget of 4
// reminders a tick, the 16 reminders due at 05/06/2026 08:00 (the annual
// report moved to 08/06 and the half-year report due 10/06, eight heads
// each) go out over several minutes, at most 4 queued a minute, every one
// exactly once, all of the earlier deadline before any of the later; the
// unit nobody joined is reported to the Office once, when the fan-out ends,
// with both of its reports.
func TestFanoutSpanningTicksGoesEarliestDeadlineFirst(t *testing.T) {
	const budget = 4
	start := at(2026, 6, 4, 9, 0)
	h := newHarness(t, start, func(b *Bot) { b.cfg.PlanPerTick = budget })
	h.remImportPlan("yearly 10/11", "yearly 08/06")
	h.remBindChats()
	units, err := h.store.Read(context.Background()).Units(false)
	if err != nil {
		t.Fatal(err)
	}
	heads := map[string]models.User{}
	for i, u := range units {
		if u.Code == "BTG" {
			continue // nobody joins: the Office must hear of it
		}
		heads[u.Code] = h.srv.NewUser(int64(5000+i), "Trưởng "+u.Code, "", "vi")
		h.join(heads[u.Code], u.Code, db.RoleHead)
	}
	h.remTicksUntilDone(start) // the catch-up of 03/06's stages

	fanout := at(2026, 6, 5, 8, 0)
	h.remTick(fanout.Add(-time.Minute)) // nothing due yet
	if ticks := h.remTicksUntilDone(fanout); ticks < 16/budget {
		t.Errorf("the fan-out took %d ticks; with %d a tick it needs at least %d", ticks, budget, 16/budget)
	}

	perMinute := map[time.Time]int{}
	lastEarly, firstLate := time.Time{}, time.Time{}
	for code, head := range heads {
		for _, c := range []struct {
			obligation, period string
			deadline           time.Time
		}{{"BCNAM", "2026", at(2026, 6, 8, 17, 0)}, {"BC6T", "2026-H1", at(2026, 6, 10, 17, 0)}} {
			it := h.remItem(code, c.obligation, c.period)
			if !it.DeadlineAt.Equal(c.deadline) {
				t.Fatalf("%s %s due %v, want %v", code, c.obligation, it.DeadlineAt, c.deadline)
			}
			var got []db.OutMessage
			for _, m := range h.remOutbox(fmt.Sprintf("rem:%d:", it.ID)) {
				if m.ChatID == head.ID && !m.CreatedAt.Before(fanout) {
					got = append(got, m)
				}
			}
			if len(got) != 1 || got[0].Status != db.OutSent {
				t.Errorf("%s %s: %d reminders from 05/06 on (%+v), want 1 sent", code, c.obligation, len(got), got)
				continue
			}
			at := got[0].CreatedAt
			perMinute[at]++
			if c.obligation == "BCNAM" && at.After(lastEarly) {
				lastEarly = at
			}
			if c.obligation == "BC6T" && (firstLate.IsZero() || at.Before(firstLate)) {
				firstLate = at
			}
			// Telegram got it once, besides the catch-up of 04/06.
			deadline := ", " + c.deadline.Format("02/01/2006") + " lúc 17:00"
			n := len(h.srv.SentMatching(func(s telegramtest.Sent) bool {
				return s.ChatID == head.ID && s.Method == "sendMessage" && strings.Contains(s.Text, deadline)
			}))
			if n != 2 {
				t.Errorf("%s %s: Telegram got %d reminders, want 2 (04/06 and 05/06)", code, c.obligation, n)
			}
		}
	}
	for minute, n := range perMinute {
		if n > budget {
			t.Errorf("%d reminders queued at %v, budget %d", n, minute.In(hcmc), budget)
		}
	}
	if len(perMinute) < 16/budget {
		t.Errorf("reminders queued in %d minutes, want at least %d", len(perMinute), 16/budget)
	}
	if lastEarly.After(firstLate) {
		t.Errorf("a reminder for 10/06 was queued at %v, before the last for 08/06 at %v", firstLate.In(hcmc), lastEarly.In(hcmc))
	}

	var notes []db.OutMessage
	for _, m := range h.remOutbox("nobody:") {
		if !m.CreatedAt.Before(fanout) {
			notes = append(notes, m)
		}
	}
	// One note per period (the core's rule: at most one a period a day),
	// however many ticks the fan-out spans.
	if len(notes) != 2 {
		t.Fatalf("%d notes to the Office about the fan-out, want 1 for each of its 2 periods", len(notes))
	}
	for _, code := range []string{"BCNAM", "BC6T"} {
		n := 0
		for _, m := range notes {
			if strings.Contains(m.Text, code) {
				n++
				if !strings.Contains(m.Text, "Ban Tôn giáo") {
					t.Errorf("Office note about %s lacks the unreachable unit:\n%s", code, m.Text)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d Office notes name %s, want 1", n, code)
		}
	}
	if notes[0].ChatID != remOfficeChat {
		t.Errorf("note went to %d", notes[0].ChatID)
	}
}
