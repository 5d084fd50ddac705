package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var day0 = time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return day0 }
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenTwiceAppliesMigrationsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	for i := 0; i < 2; i++ {
		s, err := Open(path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var n int
		s.read.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
		if n == 0 {
			t.Fatalf("no migrations recorded")
		}
		s.Close()
	}
}

func TestOpenRejectsNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(path, []byte(strings.Repeat("this is not a database\n", 200)), 0o600)
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Fatalf("got %v, want a 'not a SQLite database' error", err)
	}
}

func TestOpenRejectsDirectory(t *testing.T) {
	_, err := Open(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("got %v, want a directory error", err)
	}
}

func TestConcurrentWritersNeverBusy(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 800)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				errs <- s.Tx(ctx, func(tx *Tx) error {
					_, _, err := tx.Enqueue(OutMessage{Key: fmt.Sprintf("w%d-%d", w, i), ChatID: int64(w), Text: "x"})
					if err != nil {
						return err
					}
					// Read inside the transaction too, as handlers do.
					_, err = tx.Reader().Setting("k")
					return err
				})
			}
		}(w)
	}
	// Readers run alongside the writers.
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if _, _, err := s.Read(ctx).OutboxDepth(); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, _, _ := s.Read(ctx).OutboxDepth()
	if n != 800 {
		t.Fatalf("got %d messages, want 800", n)
	}
}

func TestInviteSingleUseAndExpiry(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var unitID int64
	var token, token2 string
	err := s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.SyncUnits([]Unit{{Code: "VP", Name: "Văn phòng Sở"}}); err != nil {
			return err
		}
		u, err := tx.Reader().UnitByCode("vp")
		if err != nil {
			return err
		}
		unitID = u.ID
		token, _, err = tx.CreateInvite(unitID, RoleHead, 7*24*time.Hour, "test")
		if err != nil {
			return err
		}
		token2, _, err = tx.CreateInvite(unitID, RoleHead, time.Hour, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	s.read.QueryRow(`SELECT COUNT(*) FROM invites WHERE token_hash = ?`, token).Scan(&stored)
	if stored != 0 {
		t.Fatal("the bare token is stored; want only its hash")
	}
	redeem := func(tok string, tg int64) (Member, error) {
		var m Member
		err := s.Tx(ctx, func(tx *Tx) error {
			var err error
			m, err = tx.RedeemInvite(tok, Joiner{TelegramID: tg, Name: "Nguyễn Văn A"})
			return err
		})
		return m, err
	}
	m, err := redeem(token, 42)
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != RoleHead || m.UnitID != unitID {
		t.Fatalf("got %+v", m)
	}
	if _, err := redeem(token, 43); !errors.Is(err, ErrInviteUsed) {
		t.Fatalf("reuse: got %v, want ErrInviteUsed", err)
	}
	if _, err := redeem("nope", 43); !errors.Is(err, ErrInviteUnknown) {
		t.Fatalf("unknown: got %v, want ErrInviteUnknown", err)
	}
	s.Now = func() time.Time { return day0.Add(2 * time.Hour) }
	if _, err := redeem(token2, 44); !errors.Is(err, ErrInviteExpired) {
		t.Fatalf("expired: got %v, want ErrInviteExpired", err)
	}
}

func TestBackupIsConsistentAndChecked(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.SyncUnits([]Unit{{Code: "VP", Name: "Văn phòng Sở"}})
		return err
	})
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	units, _ := b.Read(ctx).Units(false)
	if len(units) != 1 || units[0].Name != "Văn phòng Sở" {
		t.Fatalf("got %+v", units)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file: want an error")
	}
}

func TestUpdatesDeduplicated(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var n1, n2 int
	s.Tx(ctx, func(tx *Tx) error {
		n1, _ = tx.StoreUpdates([]InboundUpdate{{ID: 5, Payload: []byte(`{}`)}, {ID: 6, Payload: []byte(`{}`)}})
		n2, _ = tx.StoreUpdates([]InboundUpdate{{ID: 6, Payload: []byte(`{}`)}, {ID: 7, Payload: []byte(`{}`)}})
		return nil
	})
	if n1 != 2 || n2 != 1 {
		t.Fatalf("got %d, %d new; want 2, 1", n1, n2)
	}
	max, _ := s.Read(ctx).MaxUpdateID()
	if max != 7 {
		t.Fatalf("max update id %d, want 7", max)
	}
}

func TestDeadlineMovedByHandSurvivesTheRule(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	due := day0.AddDate(0, 0, 9)
	var p Period
	err := s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.SyncUnits([]Unit{{Code: "VP", Name: "Văn phòng Sở"}}); err != nil {
			return err
		}
		if _, err := tx.SyncObligations([]Obligation{{Code: "BC", Title: "Báo cáo", Rule: "yearly 10/06", Cover: "first-half", DueHour: 17, Offsets: "7d", UnitCodes: []string{"VP"}}}); err != nil {
			return err
		}
		obs, _ := tx.Reader().Obligations(false)
		units, _ := tx.Reader().ObligationUnitIDs(obs[0].ID)
		var err error
		p, err = tx.SavePeriod(Period{ObligationID: obs[0].ID, Key: "2026-H1", DueAt: due, DeadlineAt: due}, units)
		if err != nil {
			return err
		}
		if _, err := tx.MovePeriodDeadline(p.ID, due.AddDate(0, 0, 5), "test"); err != nil {
			return err
		}
		// The planner recomputes the period from the rule.
		_, err = tx.SavePeriod(Period{ObligationID: obs[0].ID, Key: "2026-H1", DueAt: due, DeadlineAt: due}, units)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Read(ctx).Period(p.ID)
	if want := due.AddDate(0, 0, 5); !got.DeadlineAt.Equal(want) {
		t.Fatalf("deadline %v, want the hand-moved %v", got.DeadlineAt, want)
	}
}

func TestFairPendingUpdatesCapsEachChat(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var ups []InboundUpdate
	for i := int64(1); i <= 50; i++ {
		ups = append(ups, InboundUpdate{ID: i, ChatID: 1, Payload: []byte(`{}`)})
	}
	ups = append(ups, InboundUpdate{ID: 51, ChatID: 2, Payload: []byte(`{}`)})
	s.Tx(ctx, func(tx *Tx) error { _, err := tx.StoreUpdates(ups); return err })
	got, err := s.Read(ctx).FairPendingUpdates(4, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, u := range got {
		ids = append(ids, u.ID)
	}
	if fmt.Sprint(ids) != "[1 2 3 4 51]" {
		t.Fatalf("got %v, want the flooding chat's first 4 and the other chat's update", ids)
	}
}
