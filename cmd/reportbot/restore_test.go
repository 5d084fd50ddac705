package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/db"
)

// put writes a received file into a data folder.
func put(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
}

func readOrEmpty(dir, rel string) string {
	b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	return string(b)
}

// nextReceipt is the receipt number the data folder's database gives next.
func nextReceipt(t *testing.T, dir string) int {
	t.Helper()
	s, err := db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	err = s.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		n, err = tx.NextReceiptNo(2026)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func raiseFloor(t *testing.T, dir string, no int) {
	t.Helper()
	s, err := db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Tx(context.Background(), func(tx *db.Tx) error { return tx.RaiseReceiptFloor(2026, no) }); err != nil {
		t.Fatal(err)
	}
}

// TestBackupAndRestoreKeepEveryFileAndReceipt backs up a data folder, lets
// it go on (a file and receipts after the backup), loses a file from before,
// and restores: both files must be there and no receipt number repeats.
func TestBackupAndRestoreKeepEveryFileAndReceipt(t *testing.T) {
	dir, backups := t.TempDir(), t.TempDir()
	env := map[string]string{"REPORTBOT_DATA": dir}
	ctx := context.Background()
	if code, _, stderr := run(t, ctx, env, "plan", "import", examplePlan); code != exitOK {
		t.Fatal(stderr)
	}
	const before, after = "files/TCBC/2026-H1/2026-0001-truoc.pdf", "files/TCBC/2026-H1/2026-0002-sau.pdf"
	put(t, dir, before, "trước")
	put(t, dir, "files/.incoming/dl-1", "dở dang")
	raiseFloor(t, dir, 1)
	bk := filepath.Join(backups, "reportbot-2026-06-01.db")
	code, out, stderr := run(t, ctx, env, "backup", bk)
	if code != exitOK || !strings.Contains(out, "1 mới chép") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, stderr)
	}
	if readOrEmpty(backups, before) != "trước" || readOrEmpty(backups, "files/.incoming/dl-1") != "" {
		t.Fatal("the backup did not copy the received file, or copied a half-way download")
	}
	// A second backup in the same place copies only what is new.
	if _, out, _ := run(t, ctx, env, "backup", filepath.Join(backups, "reportbot-2026-06-02.db")); !strings.Contains(out, "0 mới chép / newly copied, 1 đã có") {
		t.Errorf("second backup:\n%s", out)
	}

	put(t, dir, after, "sau")
	raiseFloor(t, dir, 2)
	os.Remove(filepath.Join(dir, filepath.FromSlash(before))) // a disk lost it

	held, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, ctx, env, "restore", bk); code != exitUsage || !strings.Contains(stderr, "in use") {
		t.Errorf("restore while the bot runs: exit %d\n%s", code, stderr)
	}
	held.release()
	code, out, stderr = run(t, ctx, env, "restore", bk)
	if code != exitOK {
		t.Fatalf("restore: exit %d\n%s%s", code, out, stderr)
	}
	if readOrEmpty(dir, before) != "trước" || readOrEmpty(dir, after) != "sau" {
		t.Errorf("after the restore: %q=%q, %q=%q; want both files", before, readOrEmpty(dir, before), after, readOrEmpty(dir, after))
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "reportbot.db.before-restore-*")); len(kept) == 0 {
		t.Error("the replaced database was not kept")
	}
	if n := nextReceipt(t, dir); n != 3 {
		t.Errorf("next receipt after the restore %d, want 3 (1 and 2 were given)", n)
	}
}

// TestDamagedDatabaseIsRefusedWithTheRestoreProcedure damages the database
// and expects "run" to stop before talking to Telegram, saying how to
// restore.
func TestDamagedDatabaseIsRefusedWithTheRestoreProcedure(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"REPORTBOT_DATA": dir, "TELEGRAM_BOT_TOKEN": "1:x"}
	ctx := context.Background()
	if code, _, stderr := run(t, ctx, env, "plan", "import", examplePlan); code != exitOK {
		t.Fatal(stderr)
	}
	path := filepath.Join(dir, "reportbot.db")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	// Garbage over the b-tree header of the last page, as a torn write leaves.
	f.WriteAt([]byte{0x0d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, (fi.Size()/4096-1)*4096)
	f.Close()
	code, _, stderr := run(t, ctx, env, "run", "--api-url", "http://127.0.0.1:1")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d:\n%s", code, exitUsage, stderr)
	}
	for _, want := range []string{"is damaged", "bị hỏng", "reportbot restore --data " + dir} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q:\n%s", want, stderr)
		}
	}
}
