package bot

import (
	"sync"
	"time"

	"github.com/reportbot/reportbot/db"
)

// RateLimit bounds how fast one person may make the bot work. Heads and
// strangers type on phones; a stuck client, a script or a prankster can send
// hundreds of updates a minute, and each one would cost database writes and
// replies that Telegram then throttles for everyone. The Office and admins
// are not limited: they run bulk work on purpose and are trusted.
type RateLimit struct {
	// PerMinute is the sustained number of updates a person may send; a
	// negative value turns the limit off, zero means the default (20).
	PerMinute int
	// Burst is how many updates may come at once before the limit bites
	// (default 20): a head sending an album of ten files and a few commands
	// is not a flood.
	Burst int
}

// Defaults of RateLimit.
const (
	defaultRatePerMinute = 20
	defaultRateBurst     = 20
	// floodNoteEvery is how often a flooding person is told: once, then not
	// again for this long, so the note is not itself a flood.
	floodNoteEvery = time.Minute
	// floodPruneAt is the number of remembered people above which buckets
	// that have refilled (and so say nothing) are forgotten.
	floodPruneAt = 10000
)

// bucket is one person's token bucket.
type bucket struct {
	tokens float64
	last   time.Time // when tokens was computed
	noted  time.Time // when the person was last told to slow down
}

// floodGuard holds the token buckets, one per Telegram user id. Its zero
// value is ready to use.
type floodGuard struct {
	mu      sync.Mutex
	buckets map[int64]*bucket
}

// verdict is what the guard decides about one update.
type verdict int

const (
	allow  verdict = iota // handle it
	note                  // drop it and tell the sender, once per floodNoteEvery
	silent                // drop it without a word
)

// take spends one token of user's bucket at now.
func (g *floodGuard) take(user int64, now time.Time, cfg RateLimit) verdict {
	perMinute, burst := cfg.PerMinute, cfg.Burst
	if perMinute < 0 {
		return allow
	}
	if perMinute == 0 {
		perMinute = defaultRatePerMinute
	}
	if burst <= 0 {
		burst = defaultRateBurst
	}
	rate := float64(perMinute) / float64(time.Minute) // tokens per nanosecond
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.buckets == nil {
		g.buckets = map[int64]*bucket{}
	}
	if len(g.buckets) > floodPruneAt {
		g.prune(now, rate, burst)
	}
	bk, ok := g.buckets[user]
	if !ok {
		bk = &bucket{tokens: float64(burst), last: now}
		g.buckets[user] = bk
	}
	// A clock set back (tests, an NTP step) refills nothing rather than
	// draining the bucket.
	if elapsed := now.Sub(bk.last); elapsed > 0 {
		bk.tokens = min(float64(burst), bk.tokens+float64(elapsed)*rate)
		bk.last = now
	}
	if bk.tokens >= 1 {
		bk.tokens--
		return allow
	}
	if bk.noted.IsZero() || now.Sub(bk.noted) >= floodNoteEvery {
		bk.noted = now
		return note
	}
	return silent
}

// prune forgets buckets that would be full by now: they hold nothing a new
// bucket would not.
func (g *floodGuard) prune(now time.Time, rate float64, burst int) {
	for id, bk := range g.buckets {
		if bk.tokens+float64(now.Sub(bk.last))*rate >= float64(burst) && now.Sub(bk.noted) >= floodNoteEvery {
			delete(g.buckets, id)
		}
	}
}

// flooding reports whether the request is over its sender's rate limit and
// must be dropped. The first dropped update of a minute gets a polite note
// in the sender's language (a toast for a button press); group chats get
// nothing, since a note there would add to the noise. The business clock is
// used, so tests move time instead of sleeping.
func (b *Bot) flooding(r *Request) bool {
	if role := r.Role(); role == db.RoleOffice || role == db.RoleAdmin {
		return false
	}
	switch b.flood.take(r.Ev.From.ID, b.store.Now(), b.cfg.RateLimit) {
	case allow:
		return false
	case note:
		b.log.Warn("rate limit", "user", r.Ev.From.ID, "role", string(r.Role()))
		if r.Ev.CallbackID != "" {
			r.Toast(r.T("abuse.slow_down"))
		} else if r.Ev.Private() {
			r.Reply(r.T("abuse.slow_down"))
		}
	}
	return true
}
