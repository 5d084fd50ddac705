package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damage writes garbage over the b-tree header of the file's last page, the
// way a torn write or a bad disk does, leaving the schema readable.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	const page = 4096
	last := (fi.Size()/page - 1) * page
	if _, err := f.WriteAt([]byte{0x0d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, last); err != nil {
		t.Fatal(err)
	}
}

// MakeDamaged builds a database that opens but fails PRAGMA quick_check.
func makeDamaged(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reportbot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE junk (x TEXT); CREATE INDEX junk_x ON junk(x);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO junk SELECT printf('%040d', i) FROM n`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	damage(t, path)
	return path
}

func TestQuickCheckRefusesADamagedFile(t *testing.T) {
	path := makeDamaged(t)
	s, err := Open(path)
	if err != nil {
		t.Fatalf("the damaged file should still open (only a table's page is hit): %v", err)
	}
	defer s.Close()
	err = s.QuickCheck(context.Background())
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "quick_check") {
		t.Fatalf("QuickCheck = %v, want ErrCorrupt naming quick_check", err)
	}

	healthy, err := Open(filepath.Join(t.TempDir(), "ok.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer healthy.Close()
	if err := healthy.QuickCheck(context.Background()); err != nil {
		t.Errorf("a healthy database: %v", err)
	}
}

func TestReceiptFloorKeepsNumbersFromRepeating(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	next := func(year int) int {
		var n int
		if err := s.Tx(ctx, func(tx *Tx) error {
			var err error
			n, err = tx.NextReceiptNo(year)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := next(2026); n != 1 {
		t.Fatalf("first receipt %d, want 1", n)
	}
	for _, no := range []int{12, 7} { // a lower floor never lowers it
		if err := s.Tx(ctx, func(tx *Tx) error { return tx.RaiseReceiptFloor(2026, no) }); err != nil {
			t.Fatal(err)
		}
	}
	if n := next(2026); n != 13 {
		t.Errorf("after the floor 12: next %d, want 13", n)
	}
	if n := next(2027); n != 1 {
		t.Errorf("another year: next %d, want 1", n)
	}
	highs, err := s.Read(ctx).ReceiptHighs()
	if err != nil || highs[2026] != 12 || len(highs) != 1 {
		t.Errorf("ReceiptHighs = %v, %v; want 2026: 12", highs, err)
	}
}
