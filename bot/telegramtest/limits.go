package telegramtest

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"
)

// Limits are Telegram's broadcast limits, enforced (opt-in) on message sends:
// sendMessage, sendDocument, sendPhoto, copyMessage and forwardMessage. They
// use sliding windows on real time (or on the clock WithLimitClock gives). A zero field means no limit. Telegram's
// values are Global 30, PerChat 1, PerGroup 20; benchmarks scale them up.
type Limits struct {
	Global   int // accepted sends per second over all chats
	PerChat  int // accepted sends per second to any one chat
	PerGroup int // accepted sends per minute to one group or supergroup (negative chat id)
	// ObserveOnly accepts sends over a limit but still counts them as
	// violations, to measure a sender without disturbing it.
	ObserveOnly bool
}

// SendStats counts message sends.
type SendStats struct {
	Accepted        int // sends that created a message
	TooManyRequests int // 429 answers; overall totals include FailNextWith429 faults
	Violations      int // sends over a limit, refused or (ObserveOnly) accepted
}

// window holds the times of accepted sends within the last period, oldest first.
type window struct{ times []time.Time }

// full drops times older than period and reports whether limit is reached,
// and if so how long until the oldest send leaves the window.
func (w *window) full(now time.Time, period time.Duration, limit int) (bool, time.Duration) {
	cut := now.Add(-period)
	i := 0
	for i < len(w.times) && !w.times[i].After(cut) {
		i++
	}
	w.times = w.times[i:]
	if len(w.times) < limit {
		return false, 0
	}
	return true, w.times[0].Add(period).Sub(now)
}

type chatLimit struct {
	second, minute window
	stats          SendStats
}

// limiter is the rate limit bookkeeping; Server.mu guards it. The cost per
// send is a few slice operations, so a 10,000-send benchmark measures the
// sender, not the fake.
type limiter struct {
	limits   Limits
	global   window
	chats    map[int64]*chatLimit
	total    SendStats
	accepted []time.Time
}

func newLimiter() limiter { return limiter{chats: map[int64]*chatLimit{}} }

// admit decides one send to chatID at now; when refused it returns how long to wait.
func (l *limiter) admit(chatID int64, now time.Time) (time.Duration, bool) {
	c := l.chats[chatID]
	if c == nil {
		c = &chatLimit{}
		l.chats[chatID] = c
	}
	over, wait := false, time.Duration(0)
	check := func(w *window, period time.Duration, limit int) {
		if limit <= 0 {
			return
		}
		if full, d := w.full(now, period, limit); full {
			over, wait = true, max(wait, d)
		}
	}
	check(&l.global, time.Second, l.limits.Global)
	check(&c.second, time.Second, l.limits.PerChat)
	if chatID < 0 {
		check(&c.minute, time.Minute, l.limits.PerGroup)
	}
	if over {
		c.stats.Violations++
		l.total.Violations++
		if !l.limits.ObserveOnly {
			c.stats.TooManyRequests++
			l.total.TooManyRequests++
			return wait, false
		}
	}
	if l.limits.Global > 0 {
		l.global.times = append(l.global.times, now)
	}
	if l.limits.PerChat > 0 {
		c.second.times = append(c.second.times, now)
	}
	if l.limits.PerGroup > 0 && chatID < 0 {
		c.minute.times = append(c.minute.times, now)
	}
	c.stats.Accepted++
	l.total.Accepted++
	l.accepted = append(l.accepted, now)
	return 0, true
}

// admitLocked applies the limits to a send to chatID.
func (s *Server) admitLocked(chatID int64) *APIError {
	wait, ok := s.st.limiter.admit(chatID, s.limitNow())
	if ok {
		return nil
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &APIError{
		Code:        http.StatusTooManyRequests,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", secs),
		RetryAfter:  secs,
	}
}

// SetLimits replaces the rate limits; the windows keep their history.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.limiter.limits = l
}

// Stats returns the send counts over all chats.
func (s *Server) Stats() SendStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.limiter.total
}

// ChatStats returns the send counts for one chat.
func (s *Server) ChatStats(chatID int64) SendStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.st.limiter.chats[chatID]; c != nil {
		return c.stats
	}
	return SendStats{}
}

// AcceptedTimes returns when each accepted send was accepted, oldest first,
// so a benchmark can compute the rate it achieved.
func (s *Server) AcceptedTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.limiter.accepted)
}
