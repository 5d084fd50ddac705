package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

func TestFloodGuardBucket(t *testing.T) {
	var g floodGuard
	cfg := RateLimit{PerMinute: 6, Burst: 3} // one token every 10 s
	t0 := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	var got []verdict
	for i := 0; i < 6; i++ {
		got = append(got, g.take(1, t0, cfg))
	}
	want := []verdict{allow, allow, allow, note, silent, silent}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("burst: got %v, want %v", got, want)
		}
	}
	if v := g.take(2, t0, cfg); v != allow {
		t.Errorf("another user: got %v, want allow", v)
	}
	if v := g.take(1, t0.Add(10*time.Second), cfg); v != allow {
		t.Errorf("after one refill: got %v, want allow", v)
	}
	if v := g.take(1, t0.Add(10*time.Second), cfg); v != silent {
		t.Errorf("again within the minute: got %v, want silent (told once)", v)
	}
	if v := g.take(1, t0.Add(-time.Hour), cfg); v != silent {
		t.Errorf("clock set back: got %v, want silent", v)
	}
	if v := g.take(1, t0.Add(time.Minute+time.Second), cfg); v != allow {
		t.Errorf("a minute later: got %v, want allow", v)
	}
	for i := 0; i < 3; i++ {
		g.take(1, t0.Add(time.Minute+time.Second), cfg)
	}
	if v := g.take(1, t0.Add(2*time.Minute+time.Second), cfg); v != allow {
		t.Errorf("flooding again later: got %v, want allow after refill", v)
	}
	if v := g.take(1, t0, RateLimit{PerMinute: -1}); v != allow {
		t.Errorf("limit off: got %v, want allow", v)
	}
}

func TestFloodGuardForgetsIdleUsers(t *testing.T) {
	var g floodGuard
	t0 := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	for id := int64(0); id <= floodPruneAt; id++ {
		g.take(id, t0, RateLimit{})
	}
	g.take(-1, t0.Add(time.Hour), RateLimit{})
	if n := len(g.buckets); n != 1 {
		t.Errorf("%d buckets after an idle hour, want 1", n)
	}
}

// TestFloodIsAnsweredOnceAndOthersStillServed floods the bot from a
// stranger and from a head, then has another head ask for /help while the
// flood is still queued: each flooder hears one polite note, the other head
// is answered, and the flooders are served again a minute later.
func TestFloodIsAnsweredOnceAndOthersStillServed(t *testing.T) {
	start := at(2026, 6, 3, 9, 0)
	h := newHarness(t, start)
	h.importPlan()
	flooder := h.srv.NewUser(3001, "Flooder", "", "vi")
	h.join(flooder, "TCBC", db.RoleHead)
	other := h.srv.NewUser(3002, "Other", "", "en")
	h.join(other, "VP", db.RoleHead)
	stranger := h.srv.NewUser(3003, "Stranger", "", "en")

	const flood = 200
	for i := 0; i < flood; i++ {
		h.srv.InjectText(telegramtest.PrivateChat(stranger), stranger, "spam "+strings.Repeat("x", i%50))
		h.srv.InjectText(telegramtest.PrivateChat(flooder), flooder, "/pending")
	}
	began := time.Now()
	h.srv.InjectText(telegramtest.PrivateChat(other), other, "/help")
	h.waitTextWithin(other.ID, "Commands you can use", 60*time.Second)
	latency := time.Since(began)
	queued := h.srv.PendingUpdates()
	if rows, err := h.store.Read(context.Background()).PendingUpdates(1000); err == nil {
		queued += len(rows)
	}
	t.Logf("/help answered %v after a flood of %d updates; %d flood updates still queued then", latency, 2*flood, queued)

	// One chat is handled in order: once the flooders are answered after the
	// minute, their whole flood was handled.
	h.waitUntil("the flood is handled", func() bool {
		rows, err := h.store.Read(context.Background()).PendingUpdates(1)
		return err == nil && len(rows) == 0 && h.srv.PendingUpdates() == 0
	})
	h.setNow(start.Add(2 * time.Minute))
	h.srv.InjectText(telegramtest.PrivateChat(flooder), flooder, "/help")
	h.waitText(flooder.ID, "Các lệnh đồng chí dùng được")
	h.srv.InjectText(telegramtest.PrivateChat(stranger), stranger, "/help")
	h.waitText(stranger.ID, "You have not joined")

	for _, c := range []struct {
		who  int64
		note string
	}{{flooder.ID, tr("vi", "abuse.slow_down")}, {stranger.ID, tr("en", "abuse.slow_down")}} {
		sent := h.srv.SentMatching(telegramtest.ToChat(c.who))
		notes := 0
		for _, s := range sent {
			if s.Text == c.note {
				notes++
			}
		}
		if notes != 1 {
			t.Errorf("chat %d got %d slow-down notes, want 1", c.who, notes)
		}
		// The burst's answers, the note, the greeting, the late /help.
		if limit := defaultRateBurst + 3 + 10; len(sent) > limit {
			t.Errorf("chat %d got %d messages for a flood of %d, want at most %d", c.who, len(sent), flood, limit)
		}
	}
}

// TestFloodButtonGetsToast checks a flood of button presses: the note is a
// toast, not a message.
func TestFloodButtonGetsToast(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 9, 0), func(b *Bot) { b.cfg.RateLimit = RateLimit{PerMinute: 1, Burst: 1} })
	stranger := h.srv.NewUser(3004, "Stranger", "", "vi")
	h.srv.InjectCallback(stranger, stranger.ID, 1, "acc:1")
	h.srv.InjectCallback(stranger, stranger.ID, 1, "acc:1")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	if _, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.Method == "answerCallbackQuery" && strings.Contains(s.Text, tr("vi", "abuse.slow_down"))
	}); err != nil {
		t.Fatalf("no slow-down toast: %v", err)
	}
	if n := len(h.srv.SentMatching(telegramtest.All(telegramtest.ToChat(stranger.ID), telegramtest.ByMethod("sendMessage")))); n != 0 {
		t.Errorf("stranger got %d messages for button presses, want 0", n)
	}
}

// waitTextWithin is waitText with a deadline of the caller's choosing.
func (h *harness) waitTextWithin(chatID int64, want string, d time.Duration) telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := telegramtest.Within(d)
	defer cancel()
	s, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.ChatID == chatID && s.Method == "sendMessage" && strings.Contains(s.Text, want)
	})
	if err != nil {
		h.t.Fatalf("no message to %d containing %q within %v: %v", chatID, want, d, err)
	}
	return s
}

// waitUntil polls cond until it holds, failing the test after 30 seconds.
// It is for state with no event to wait on (rows in the database).
func (h *harness) waitUntil(what string, cond func() bool) {
	h.t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			h.t.Fatalf("timed out waiting until %s", what)
		}
	}
}
