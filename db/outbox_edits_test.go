package db

import (
	"context"
	"testing"
)

// A newer progress edit supersedes the older ones not yet sent; what was
// sent, and rows of other messages, stay as they are. An edit keeps the
// outbox row it targets.
func TestSupersedeSkipsOlderPendingEdits(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var start int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		if start, _, err = tx.Enqueue(OutMessage{Key: "u1-progress", ChatID: 5, Text: "0/30"}); err != nil {
			return err
		}
		for _, k := range []string{"u1-progress-edit-1", "u1-progress-edit-2", "u2-progress-edit-1"} {
			if _, _, err := tx.Enqueue(OutMessage{Key: k, ChatID: 5, Kind: KindEditText, TargetOutbox: start, Text: k}); err != nil {
				return err
			}
		}
		first, _ := tx.Reader().Outbox("u1-progress-edit-1")
		if err := tx.MarkSent(first[0], 77); err != nil {
			return err
		}
		if err := tx.Supersede("u1-progress-edit-"); err != nil {
			return err
		}
		_, _, err = tx.Enqueue(OutMessage{Key: "u1-progress-edit-3", ChatID: 5, Kind: KindEditText, TargetOutbox: start, Text: "30/30"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Read(ctx).Outbox("")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]OutStatus{"u1-progress": OutPending, "u1-progress-edit-1": OutSent, "u1-progress-edit-2": OutSkipped,
		"u2-progress-edit-1": OutPending, "u1-progress-edit-3": OutPending}
	for _, m := range all {
		if m.Status != want[m.Key] {
			t.Errorf("%s: got %s, want %s", m.Key, m.Status, want[m.Key])
		}
		if m.Kind == KindEditText && m.TargetOutbox != start {
			t.Errorf("%s: targets outbox %d, want %d", m.Key, m.TargetOutbox, start)
		}
	}
	if status, chat, id, err := s.Read(ctx).OutboxTarget(start); err != nil || status != OutPending || chat != 5 || id != 0 {
		t.Errorf("target: got %s in %d as %d (%v), want pending in 5, no id yet", status, chat, id, err)
	}
}
