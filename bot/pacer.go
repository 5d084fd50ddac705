package bot

import (
	"context"
	"sync"
	"time"
)

// Pacer is the clock of Telegram's real-time rate limits: every wait between
// Telegram calls (pacing, retry_after pauses, the sender's idle wait) goes
// through it, so tests swap in a FakePacer and a 429 storm runs in
// milliseconds. It is not the business clock: which messages are due is
// decided by db.Store.Now.
type Pacer interface {
	Now() time.Time
	// Sleep waits d, or less if ctx ends first, in which case it returns ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealPacer waits in real time.
type RealPacer struct{}

// Now is time.Now.
func (RealPacer) Now() time.Time { return time.Now() }

// Sleep waits d on a timer, ending early with ctx's error if ctx ends.
func (RealPacer) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FakePacer is a virtual clock for tests: Sleep moves it forward at once and
// adds to the total slept, so pacing and retry_after pauses cost no real time
// and can still be checked. It is safe for concurrent use; concurrent sleepers
// advance the one clock in turn, which is conservative for rate limits.
//
// An idle wait of Sender.Run (nothing due) does not race the clock forward:
// under a FakePacer it ends on Kick or after a few milliseconds of real time,
// so Run idles instead of spinning and still notices messages that came due
// because a test moved the business clock (db.Store.Now).
type FakePacer struct {
	mu     sync.Mutex
	now    time.Time
	slept  time.Duration
	sleeps int
}

// NewFakePacer starts a virtual clock at start.
func NewFakePacer(start time.Time) *FakePacer { return &FakePacer{now: start} }

// Now is the virtual time.
func (p *FakePacer) Now() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now
}

// Sleep advances the virtual clock by d and returns at once; a context that
// has already ended returns its error without advancing.
func (p *FakePacer) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = p.now.Add(d)
	p.slept += d
	p.sleeps++
	return nil
}

// Advance moves the virtual clock forward without counting it as slept.
func (p *FakePacer) Advance(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = p.now.Add(d)
}

// Slept is the total of every Sleep so far.
func (p *FakePacer) Slept() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slept
}

// Sleeps counts the Sleep calls that waited.
func (p *FakePacer) Sleeps() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sleeps
}

// paceIdlePoll is how long, in real time, Sender.Run idles under a
// FakePacer before it looks at the outbox again.
const paceIdlePoll = 10 * time.Millisecond

// paceIdle is the sender's idle wait under a FakePacer: it ends on a Kick
// (ctx) or after paceIdlePoll of real time, and does not move the virtual
// clock. Racing virtual time forward would only spin, and waiting for a Kick
// alone would miss a message that came due because a test moved the
// business clock.
func (p *FakePacer) paceIdle(ctx context.Context, _ time.Duration) error {
	return RealPacer{}.Sleep(ctx, paceIdlePoll)
}

// paceIdler is a Pacer with its own idle wait; see FakePacer.
type paceIdler interface {
	paceIdle(ctx context.Context, d time.Duration) error
}

// paceUntil waits until the pacer's clock reaches t. Waiting for an absolute
// time (not a duration) keeps concurrent waiters on a FakePacer from adding
// up their sleeps: once one has moved the clock past t, the others go at once.
func paceUntil(ctx context.Context, p Pacer, t time.Time) error {
	if d := t.Sub(p.Now()); d > 0 {
		return p.Sleep(ctx, d)
	}
	return ctx.Err()
}

// paceMargin keeps the sender this far under each configured limit, and
// paceCatchUp is how far behind schedule the global slots may be used. A
// minimum interval with that catch-up lets at most 1 + (1s+paceCatchUp)/
// interval sends into any one-second window, which is 1 + 0.99 × the limit:
// under it, with room left for jitter between when a request leaves and
// when Telegram counts it.
const (
	paceMargin  = 0.02
	paceCatchUp = 10 * time.Millisecond
)

// paceLimits schedules sends under three limits: a global rate, a rate per
// private chat and a rate per group. Each is a minimum interval (a token
// bucket holding one token), which satisfies any sliding window of the same
// rate. It is not safe for concurrent use; the Sender guards it.
type paceLimits struct {
	global, private, group time.Duration // minimum intervals

	nextGlobal time.Time
	nextChat   map[int64]time.Time // earliest next send per chat
	pauseUntil time.Time           // no send at all before this (429 retry_after)
}

func newPaceLimits(globalPerSecond, perChatPerSecond, groupPerMinute float64) paceLimits {
	interval := func(perSecond float64) time.Duration {
		return time.Duration(float64(time.Second) * (1 + paceMargin) / perSecond)
	}
	return paceLimits{
		global:  interval(globalPerSecond),
		private: interval(perChatPerSecond),
		// A group is held to both its per-minute limit and the per-chat one.
		group:    max(interval(perChatPerSecond), interval(groupPerMinute/60)),
		nextChat: map[int64]time.Time{},
	}
}

func paceLatest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// chatReady is the earliest time chatID may be sent to (zero: any time).
func (l *paceLimits) chatReady(chatID int64) time.Time { return l.nextChat[chatID] }

// reserve books the next send to chatID at or after now and returns its time;
// the caller waits until then. A paused sender books nothing: ok is false and
// at is when the pause ends.
func (l *paceLimits) reserve(chatID int64, now time.Time) (at time.Time, ok bool) {
	if now.Before(l.pauseUntil) {
		return l.pauseUntil, false
	}
	// A worker that comes late for the global slot may still use it if it
	// passed less than paceCatchUp ago; otherwise every late wake-up would
	// lose capacity for good.
	slot := paceLatest(l.nextGlobal, now.Add(-paceCatchUp))
	at = paceLatest(now, paceLatest(slot, l.nextChat[chatID]))
	if at.After(slot) {
		slot = at
	}
	l.nextGlobal = slot.Add(l.global)
	l.nextChat[chatID] = at.Add(l.chatInterval(chatID))
	return at, true
}

// done records that a send to chatID was answered at now. The next send to
// the chat is counted from the answer, not from when the request left: a slow
// upload cannot make two sends reach Telegram closer than the interval.
func (l *paceLimits) done(chatID int64, now time.Time) {
	if next := now.Add(l.chatInterval(chatID)); next.After(l.nextChat[chatID]) {
		l.nextChat[chatID] = next
	}
}

// pause stops every send until until (a 429's retry_after); it reports
// whether this extended the pause.
func (l *paceLimits) pause(until time.Time) bool {
	if until.After(l.pauseUntil) {
		l.pauseUntil = until
		return true
	}
	return false
}

func (l *paceLimits) chatInterval(chatID int64) time.Duration {
	if chatID < 0 {
		return l.group
	}
	return l.private
}

// forget drops per-chat entries already in the past, so the map holds only
// chats sent to recently.
func (l *paceLimits) forget(now time.Time) {
	for id, t := range l.nextChat {
		if !t.After(now) {
			delete(l.nextChat, id)
		}
	}
}
