package db

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// planTest is three units (one with a head and a member, one with a removed
// member and an unreachable head, one with nobody) owing two obligations.
func planTest(t *testing.T) (*Store, []int64) {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	var unitIDs []int64
	err := s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.SyncUnits([]Unit{{Code: "A", Name: "Phòng A", NameEN: "Office A"}, {Code: "B", Name: "Phòng B"}, {Code: "C", Name: "Phòng C"}}); err != nil {
			return err
		}
		codes := []string{"A", "B", "C"}
		if _, err := tx.SyncObligations([]Obligation{
			{Code: "BC1", Title: "Báo cáo 1", Basis: "KH 38", Rule: "yearly 10/06", Cover: "year", DueHour: 17, Offsets: "7d,1d", UnitCodes: codes},
			{Code: "BC2", Title: "Báo cáo 2", TitleEN: "Report 2", Rule: "yearly 10/07", Cover: "year", DueHour: 17, Offsets: "3d", UnitCodes: codes},
		}); err != nil {
			return err
		}
		units, err := tx.Reader().Units(false)
		if err != nil {
			return err
		}
		for _, u := range units {
			unitIDs = append(unitIDs, u.ID)
		}
		obs, err := tx.Reader().Obligations(false)
		if err != nil {
			return err
		}
		for i, o := range obs {
			due := day0.AddDate(0, i+1, 0)
			if _, err := tx.SavePeriod(Period{ObligationID: o.ID, Key: "2026", DueAt: due, DeadlineAt: due, MovedReason: "nghỉ"}, unitIDs); err != nil {
				return err
			}
		}
		join := func(unit int64, role Role, tg int64, name, lang string) (Member, error) {
			token, _, err := tx.CreateInvite(unit, role, time.Hour, "test")
			if err != nil {
				return Member{}, err
			}
			return tx.RedeemInvite(token, Joiner{TelegramID: tg, Name: name, Lang: lang})
		}
		if _, err := join(unitIDs[0], RoleMember, 11, "Zung", "en"); err != nil {
			return err
		}
		if _, err := join(unitIDs[0], RoleHead, 12, "An", ""); err != nil {
			return err
		}
		gone, err := join(unitIDs[1], RoleMember, 21, "Bình", "")
		if err != nil {
			return err
		}
		if err := tx.RemoveMember(gone.ID); err != nil {
			return err
		}
		if _, err := join(unitIDs[1], RoleHead, 22, "Cường", "vi"); err != nil {
			return err
		}
		if _, err := tx.SetUnreachable(22, UnreachableBlocked); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, unitIDs
}

// DueItems reads assignments and their context separately; what it returns
// must be what the joined query (Item) says, earliest deadline first.
func TestDueItemsMatchTheJoin(t *testing.T) {
	s, _ := planTest(t)
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error {
		// Spread the schedule: some due, in a different order from the ids,
		// one not due, one never.
		for i, at := range []int64{50, 10, 30, 0, 20, 1 << 40} {
			var when any = at
			if at == 0 {
				when = nil
			}
			if _, err := tx.exec(`UPDATE assignments SET next_notice_at = ? WHERE id = (SELECT id FROM assignments ORDER BY id LIMIT 1 OFFSET ?)`, when, i); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`UPDATE assignments SET snoozed_until = 40, status = 'returned' WHERE next_notice_at = 30`); err != nil {
			return err
		}
		// Deadlines in another order than both the ids and the schedule:
		// the one due last has the earliest deadline.
		if _, err := tx.exec(`UPDATE assignments SET deadline_at = 9000 - next_notice_at * 100 WHERE next_notice_at IS NOT NULL`); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Read(ctx)
	for _, limit := range []int{1, 2, 100} {
		got, err := r.DueItems(time.Unix(1000, 0), limit)
		if err != nil {
			t.Fatal(err)
		}
		want, err := r.items(`WHERE a.next_notice_at IS NOT NULL AND a.next_notice_at <= ? ORDER BY a.deadline_at, a.next_notice_at, a.id LIMIT ?`, 1000, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != min(limit, 4) {
			t.Fatalf("limit %d: the join found %d", limit, len(want))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d:\n got %+v\nwant %+v", limit, got, want)
		}
	}
	if got, err := r.DueItems(time.Unix(5, 0), 100); err != nil || len(got) != 0 {
		t.Errorf("nothing due: %v, %v", got, err)
	}
}

// UnitRecipients is UnitMembers with fewer columns: same people, same order.
func TestUnitRecipientsMatchUnitMembers(t *testing.T) {
	s, units := planTest(t)
	r := s.Read(context.Background())
	ids := append(units, 9999)
	full, err := r.UnitMembers(ids)
	if err != nil {
		t.Fatal(err)
	}
	slim, err := r.UnitRecipients(ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(full) != 2 || len(slim) != len(full) {
		t.Fatalf("units with people: %d (UnitMembers) and %d (UnitRecipients), want 2", len(full), len(slim))
	}
	for unit, ms := range full {
		got := slim[unit]
		if len(got) != len(ms) {
			t.Fatalf("unit %d: %d recipients, want %d", unit, len(got), len(ms))
		}
		for i, m := range ms {
			want := Member{ID: m.ID, TelegramID: m.TelegramID, UnitID: m.UnitID, Role: m.Role, Lang: m.Lang, UnreachableAt: m.UnreachableAt}
			if !reflect.DeepEqual(got[i], want) {
				t.Errorf("unit %d #%d: %+v, want %+v", unit, i, got[i], want)
			}
		}
	}
	if got, err := r.UnitRecipients(nil); err != nil || len(got) != 0 {
		t.Errorf("no units: %v, %v", got, err)
	}
}

// A Batch writes in multi-row INSERTs: existing keys are kept, a key given
// twice is one message, and Added counts only new rows, by status.
func TestBatchEnqueue(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error {
		_, _, err := tx.Enqueue(OutMessage{Key: "k3", ChatID: 1, Text: "old"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 2*batchRows + 7
	var added, skipped int
	err = s.Tx(ctx, func(tx *Tx) error {
		w, err := tx.Batch()
		if err != nil {
			return err
		}
		defer w.Close()
		for i := range n {
			m := OutMessage{Key: fmt.Sprintf("k%d", i), ChatID: int64(i), MemberID: 0, Text: fmt.Sprintf("text %d", i),
				Markup: "{}", Purpose: "reminder", RefID: int64(i), ExpiresAt: day0.Add(time.Duration(i) * time.Hour)}
			if i%5 == 0 {
				m = OutMessage{Key: m.Key, ChatID: m.ChatID, Purpose: "reminder", RefID: m.RefID, Status: OutSkipped}
			}
			if err := w.Enqueue(m); err != nil {
				return err
			}
		}
		if err := w.Enqueue(OutMessage{Key: "k1", ChatID: 99, Text: "again"}); err != nil {
			return err
		}
		if err := w.Enqueue(OutMessage{}); err == nil {
			return fmt.Errorf("an empty key was accepted")
		}
		if err := w.Flush(); err != nil {
			return err
		}
		added, skipped = w.Added(OutPending), w.Added(OutSkipped)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := (n + 4) / 5
	if wantPending := n - wantSkipped - 1; added != wantPending || skipped != wantSkipped { // k3 existed
		t.Errorf("added %d pending and %d skipped, want %d and %d", added, skipped, wantPending, wantSkipped)
	}
	all, err := s.Read(ctx).Outbox("k")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("%d rows, want %d", len(all), n)
	}
	byKey := map[string]OutMessage{}
	for _, m := range all {
		byKey[m.Key] = m
	}
	if m := byKey["k3"]; m.Text != "old" {
		t.Errorf("k3 was overwritten: %q", m.Text)
	}
	if m := byKey["k1"]; m.Text != "text 1" || m.ChatID != 1 || m.Markup != "{}" || m.Purpose != "reminder" || m.RefID != 1 ||
		m.Status != OutPending || m.Kind != KindText || !m.NotBefore.Equal(day0) || !m.CreatedAt.Equal(day0) || !m.ExpiresAt.Equal(day0.Add(time.Hour)) {
		t.Errorf("k1: %+v", m)
	}
	if m := byKey["k10"]; m.Status != OutSkipped || m.Text != "" || !m.ExpiresAt.IsZero() {
		t.Errorf("k10: %+v", m)
	}
}
