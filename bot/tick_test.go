package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/ops"
)

// TestClockJumpHoldsTheTickBackAndTellsTheOffice moves the wall clock three
// hours past a deadline while a minute really passes: that tick must queue
// no overdue notice and no skipped stage, only one note to the Office.
func TestClockJumpHoldsTheTickBackAndTellsTheOffice(t *testing.T) {
	mono := time.Unix(1_000_000, 0)
	f := newSubFixture(t, func(b *Bot) { b.monotonic = func() time.Time { return mono } })
	ctx := context.Background()
	minute := func() {
		mono = mono.Add(time.Minute)
		f.setNow(f.clock().Add(time.Minute))
	}
	f.bot.tickAndLog(ctx)
	if f.bot.PlannerTicks().LastOK.IsZero() {
		t.Fatal("a successful tick is not recorded for /healthz")
	}
	minute()
	f.bot.tickAndLog(ctx)
	before := outboxRows(t, f.store)

	mono = mono.Add(time.Minute)
	f.setNow(f.item.DeadlineAt.Add(3 * time.Hour))
	f.bot.tickAndLog(ctx)
	added := outboxRows(t, f.store)[len(before):]
	if len(added) != 1 || !strings.HasPrefix(added[0].Key, "clockjump:") || added[0].ChatID != f.office.ID {
		t.Fatalf("the jump's tick queued %d messages, want only the note to the Office: %+v", len(added), added)
	}
	f.waitText(f.office.ID, "Đồng hồ của máy chủ vừa thay đổi đột ngột")

	// The next minute ticks as usual, and the jump is not told again.
	minute()
	f.bot.tickAndLog(ctx)
	minute()
	f.bot.tickAndLog(ctx)
	if notes := clockNotes(t, f.store); notes != 1 {
		t.Errorf("%d clock-jump notes after one jump, want 1", notes)
	}
	// A jump back is seen too.
	mono = mono.Add(time.Minute)
	f.setNow(f.clock().Add(-2 * time.Hour))
	f.bot.tickAndLog(ctx)
	if notes := clockNotes(t, f.store); notes != 2 {
		t.Errorf("%d clock-jump notes after a jump back, want 2", notes)
	}
}

func outboxRows(t *testing.T, s *db.Store) []db.OutMessage {
	t.Helper()
	rows, err := s.Read(context.Background()).Outbox("")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func clockNotes(t *testing.T, s *db.Store) int {
	t.Helper()
	rows, err := s.Read(context.Background()).Outbox("clockjump:")
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

// TestHealthTurnsUnhealthyWhenTicksFail breaks what the planner reads and
// expects /healthz to say so, and to recover with the next good tick.
func TestHealthTurnsUnhealthyWhenTicksFail(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 9, 0))
	h.importPlan()
	ctx := context.Background()
	srv := httptest.NewServer(ops.Handler(h.bot, ops.DefaultLimits))
	defer srv.Close()
	health := func() (int, ops.Report) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var rep ops.Report
		json.NewDecoder(resp.Body).Decode(&rep)
		return resp.StatusCode, rep
	}
	h.bot.tickAndLog(ctx)
	if code, rep := health(); code != http.StatusOK || !strings.Contains(rep.Planner, "last successful tick") {
		t.Fatalf("after a good tick: %d %+v", code, rep)
	}
	setPolicy := func(v string) {
		if err := h.store.Tx(ctx, func(tx *db.Tx) error { return tx.SetSetting("policy", v) }); err != nil {
			t.Fatal(err)
		}
	}
	good, _ := h.store.Read(ctx).Setting("policy")
	setPolicy("{broken")
	h.bot.tickAndLog(ctx)
	if code, rep := health(); code != http.StatusServiceUnavailable || !strings.Contains(rep.Planner, "1 planner ticks failed") {
		t.Fatalf("after a failed tick: %d %+v", code, rep)
	}
	setPolicy(good)
	h.bot.tickAndLog(ctx)
	if code, rep := health(); code != http.StatusOK {
		t.Fatalf("after recovering: %d %+v", code, rep)
	}
}
