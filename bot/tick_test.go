package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
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
