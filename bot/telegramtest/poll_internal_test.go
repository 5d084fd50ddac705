package telegramtest

import (
	"testing"
	"time"
)

// TestLongPollIsCappedAtFiftySeconds: Telegram holds a long poll at most
// 50 seconds whatever timeout the client asks for.
func TestLongPollIsCappedAtFiftySeconds(t *testing.T) {
	for _, c := range []struct {
		timeout int
		want    time.Duration
	}{{1, time.Second}, {50, 50 * time.Second}, {51, 50 * time.Second}, {3600, 50 * time.Second}} {
		if got := pollWait(c.timeout); got != c.want {
			t.Errorf("pollWait(%d) = %v, want %v", c.timeout, got, c.want)
		}
	}
}
