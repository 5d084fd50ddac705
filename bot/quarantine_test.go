package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

func TestUnknownFilesGoToQuarantineNotAway(t *testing.T) {
	f := newSubFixture(t)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	orphan := filepath.Join(filesDir, "TCBC", "2026-H1", "2026-0099-mo-coi.pdf")
	half := filepath.Join(filesDir, incomingDir, "dl-123")
	for _, p := range []string{orphan, half} {
		p = filepath.Join(f.bot.cfg.DataDir, p)
		os.MkdirAll(filepath.Dir(p), 0o750)
		os.WriteFile(p, []byte("mồ côi"), 0o600)
	}
	moved, err := f.bot.QuarantineUnknownFiles(context.Background())
	if err != nil || len(moved) != 1 || moved[0] != orphan {
		t.Fatalf("moved %v, %v; want only %s", moved, err, orphan)
	}
	if got := f.storedFiles(); len(got) != 1 {
		t.Errorf("files folder holds %v, want the recorded file only", got)
	}
	kept, _ := filepath.Glob(filepath.Join(f.bot.cfg.DataDir, quarantineDir, "*", orphan))
	if len(kept) != 1 {
		t.Fatalf("the unknown file is not in quarantine: %v", kept)
	}
	if data, _ := os.ReadFile(kept[0]); string(data) != "mồ côi" {
		t.Errorf("quarantined file holds %q", data)
	}
	// The receipt its name carries is never handed out again.
	f.send(telegramtest.Upload{Name: "bc2.pdf", Data: pdf("y")})
	f.waitText(f.head.ID, "Mã tiếp nhận: 100/2026")
}

// TestRestoreOfAnOlderDatabaseLosesNoFileAndRepeatsNoReceipt follows the
// README: back up, go on receiving, stop, put the backup in place of the
// database, start. The report received after the backup must still be on
// disk (in quarantine, and the Office told), and the next receipt must not
// repeat the number that report was given.
func TestRestoreOfAnOlderDatabaseLosesNoFileAndRepeatsNoReceipt(t *testing.T) {
	f := newSubFixture(t)
	ctx := context.Background()
	f.send(telegramtest.Upload{Name: "truoc.pdf", Data: pdf("trước khi sao lưu")})
	f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := f.store.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	f.send(telegramtest.Upload{Name: "sau.pdf", Data: pdf("sau khi sao lưu")})
	f.waitText(f.head.ID, "Mã tiếp nhận: 2/2026")

	// Stop, restore as the README says, start.
	f.cancel()
	<-f.done
	f.store.Close()
	dbPath := filepath.Join(f.bot.cfg.DataDir, "reportbot.db")
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(dbPath + "-wal")
	os.Remove(dbPath + "-shm")
	if err := os.WriteFile(dbPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	store.Now = f.clock
	f.store, f.bot.cfg.Store = store, store
	f.done = make(chan struct{})
	close(f.done) // restart waits for the old run, which is over
	f.restart()

	f.waitText(f.office.ID, "không bị xoá mà được chuyển vào thư mục cách ly")
	var contents []string
	filepath.WalkDir(f.bot.cfg.DataDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".pdf") {
			b, _ := os.ReadFile(p)
			contents = append(contents, string(b))
		}
		return nil
	})
	for _, want := range []string{"trước khi sao lưu", "sau khi sao lưu"} {
		if !strings.Contains(strings.Join(contents, "|"), want) {
			t.Errorf("the report %q is gone after the restore", want)
		}
	}
	f.send(telegramtest.Upload{Name: "moi.pdf", Data: pdf("sau khi khôi phục")})
	f.waitText(f.head.ID, "Mã tiếp nhận: 3/2026")
}
