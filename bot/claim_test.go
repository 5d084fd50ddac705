package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/reportbot/reportbot/db"
)

// TestTwoSendersNeverSendAMessageTwice runs two senders on one database at
// once, as two processes on one data folder would: every message must reach
// Telegram exactly once.
func TestTwoSendersNeverSendAMessageTwice(t *testing.T) {
	f := newSendFixture(t, SenderConfig{Workers: 4})
	var ms []db.OutMessage
	for i := range 300 {
		ms = append(ms, db.OutMessage{ChatID: int64(1000 + i%30), Text: fmt.Sprintf("tin %d", i)})
	}
	f.enqueue(ms...)
	second := NewSender(f.store, f.api, SenderConfig{Workers: 4, Pacer: f.pacer}, nil)
	var wg sync.WaitGroup
	var sent [2]int
	for i, s := range []*Sender{f.sender, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := f.drain(s)
			if err != nil && err != context.Canceled {
				t.Errorf("sender %d: %v", i, err)
			}
			sent[i] = n
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, s := range f.srv.Sent() {
		if s.Method == "sendMessage" {
			seen[s.Text]++
		}
	}
	for _, m := range ms {
		if seen[m.Text] != 1 {
			t.Errorf("%q reached Telegram %d times, want 1", m.Text, seen[m.Text])
		}
	}
	if sent[0]+sent[1] != len(ms) {
		t.Errorf("the senders sent %d and %d, want %d in all", sent[0], sent[1], len(ms))
	}
}
