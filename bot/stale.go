package bot

import (
	"context"
	"strings"
	"sync"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// staleReminders collects reminders the sender skipped because an outage
// held them past their stage; the next tick tells the Office about them in
// the same "skipped" line the planner uses for stages it never queued.
type staleReminders struct {
	mu   sync.Mutex
	seen map[string]bool // "assignment:stage": one count per unit, not per member
	list []db.OutMessage
}

// add is the sender's OnSkipped hook.
func (s *staleReminders) add(m db.OutMessage) {
	if m.Purpose != "reminder" {
		return
	}
	parts := strings.Split(m.Key, ":") // rem:<assignment>:<stage>:<member>
	if len(parts) != 4 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	k := parts[1] + ":" + parts[2]
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.list = append(s.list, m)
}

// take returns and forgets what was collected.
func (s *staleReminders) take() []db.OutMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.list
	s.list, s.seen = nil, nil
	return out
}

// staleReminder is the sender's Stale hook: a reminder for a unit that has
// submitted meanwhile (or whose period closed) is not sent.
func (b *Bot) staleReminder(m db.OutMessage) bool {
	if m.Purpose != "reminder" || m.RefID == 0 {
		return false
	}
	it, err := b.store.Read(context.Background()).Item(m.RefID)
	return err == nil && !it.Open()
}

// noteStale adds the skipped reminders to a tick's notes for the Office.
func (b *Bot) noteStale(ctx context.Context, pl *reminders.Planner, notes *tickNotes) {
	r := b.store.Read(ctx)
	for _, m := range b.staleRem.take() {
		it, err := r.Item(m.RefID)
		if err != nil {
			continue
		}
		stageKey := strings.Split(m.Key, ":")[2]
		for _, s := range pl.Stages(it, b.store.Now()) {
			if s.Key == stageKey {
				notes.skip(it, s)
				break
			}
		}
	}
}
