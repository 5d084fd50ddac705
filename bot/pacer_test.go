package bot

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

func TestPaceLimitsSpacing(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newPaceLimits(25, 1, 20)
	// Distinct chats: one global interval apart.
	a, _ := l.reserve(1, start)
	b, _ := l.reserve(2, start)
	if gap := b.Sub(a); gap < 40*time.Millisecond {
		t.Errorf("global: %v apart, want at least 1/25 s", gap)
	}
	// The same private chat: a second apart; a group: three.
	c, _ := l.reserve(1, start)
	if gap := c.Sub(a); gap < time.Second {
		t.Errorf("private chat: %v apart, want at least 1s", gap)
	}
	g1, _ := l.reserve(-5, start)
	g2, _ := l.reserve(-5, start)
	if gap := g2.Sub(g1); gap < 3*time.Second {
		t.Errorf("group: %v apart, want at least 3s", gap)
	}
	// A pause books nothing until it ends.
	l.pause(start.Add(time.Minute))
	if at, ok := l.reserve(9, start.Add(time.Second)); ok || !at.Equal(start.Add(time.Minute)) {
		t.Errorf("paused: got %v %v, want not booked until the pause ends", at, ok)
	}
}

// TestPaceLimitsCatchUpStaysUnderLimit books sends for eight workers that
// are often late by random amounts, as on a busy machine, and checks every
// one-second window (half-open, as Telegram and the fake count) against the
// limit, and that catching up keeps the rate near it.
func TestPaceLimitsCatchUpStaysUnderLimit(t *testing.T) {
	for _, limit := range []int{25, 30, 1200, 3000} {
		l := newPaceLimits(float64(limit), 1000, 1000)
		rng := rand.New(rand.NewPCG(1, uint64(limit)))
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		free := make([]time.Time, 8) // when each worker can book again
		for w := range free {
			free[w] = start
		}
		var sent []time.Time
		for i := range 20 * limit {
			w := 0
			for k := range free {
				if free[k].Before(free[w]) {
					w = k
				}
			}
			at, _ := l.reserve(int64(i), free[w])
			sent = append(sent, at)
			// A send and its record take half a millisecond; one in ten
			// workers is held up for up to 20ms more.
			busy := 500 * time.Microsecond
			if rng.IntN(10) == 0 {
				busy += time.Duration(rng.IntN(20)) * time.Millisecond
			}
			free[w] = at.Add(busy)
		}
		lo := 0
		for hi, t1 := range sent {
			for !sent[lo].After(t1.Add(-time.Second)) {
				lo++
			}
			if n := hi - lo + 1; n > limit {
				t.Fatalf("limit %d: %d sends within a second ending at send %d", limit, n, hi)
			}
		}
		rate := float64(len(sent)-1) / sent[len(sent)-1].Sub(sent[0]).Seconds()
		if rate < 0.95*float64(limit) {
			t.Errorf("limit %d: achieved %.1f/s with late workers, want at least 95%%", limit, rate)
		}
	}
}

func TestFakePacer(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewFakePacer(start)
	ctx := context.Background()
	if err := p.Sleep(ctx, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := paceUntil(ctx, p, start.Add(2*time.Second)); err != nil { // already past: no sleep
		t.Fatal(err)
	}
	p.Advance(time.Minute)
	if got := p.Now(); !got.Equal(start.Add(63 * time.Second)) {
		t.Errorf("now: got %v", got)
	}
	if p.Slept() != 3*time.Second || p.Sleeps() != 1 {
		t.Errorf("slept %v in %d sleeps, want 3s in 1", p.Slept(), p.Sleeps())
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Sleep(cancelled, time.Hour); err == nil || p.Slept() != 3*time.Second {
		t.Errorf("sleep on an ended context: got %v, slept %v", err, p.Slept())
	}
}
