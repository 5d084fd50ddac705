package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/reportbot/reportbot/backup"
	"github.com/reportbot/reportbot/db"
)

// damaged is what the operator reads when the database file is damaged:
// what happened and how to restore the last good backup.
func damaged(dataDir string, err error) string {
	dbPath := filepath.Join(dataDir, "reportbot.db")
	return fmt.Sprintf(`cơ sở dữ liệu %[1]s bị hỏng, bot không khởi động: %[2]v
Khôi phục bản sao lưu gần nhất (các tệp báo cáo đã nhận vẫn được giữ nguyên):
    reportbot restore --data %[3]s /duong-dan/reportbot-NGAY.db
rồi khởi động lại bot. Tệp hỏng được giữ lại bên cạnh để kiểm tra.

the database %[1]s is damaged; the bot was not started: %[2]v
Restore the last good backup (received report files are kept):
    reportbot restore --data %[3]s /backups/reportbot-DATE.db
then start the bot again. The damaged file is kept beside it for inspection.`, dbPath, err, dataDir)
}

// cmdRestore puts a backup made by "reportbot backup" back in place. The bot
// must be stopped (the data folder's lock says so). The database being
// replaced is kept beside it, the receipt numbers it handed out stay used,
// the backup's files that the data folder lacks are copied back, and no file
// of the data folder is touched: the next start moves the files the restored
// database does not know to quarantine.
func (a *app) cmdRestore(args []string) error {
	fs, dataDir := a.flags("restore")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: reportbot restore FILE (a backup made by 'reportbot backup')")
	}
	src := pos[0]
	lock, err := lockDataDir(*dataDir)
	if err != nil {
		return err
	}
	defer lock.release()
	if err := db.CheckIntegrity(a.ctx, src); err != nil {
		return configError{fmt.Sprintf("bản sao lưu không dùng được / the backup cannot be used: %v", err)}
	}
	dbPath := filepath.Join(*dataDir, "reportbot.db")
	highs := a.receiptHighs(dbPath)
	kept := ""
	if _, err := os.Stat(dbPath); err == nil {
		kept = dbPath + ".before-restore-" + time.Now().UTC().Format("20060102-150405")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(dbPath+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("keep the replaced database: %w", err)
			}
		}
	}
	if err := backup.File(src, dbPath); err != nil {
		return fmt.Errorf("put the backup in place: %w", err)
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	err = store.Tx(a.ctx, func(tx *db.Tx) error {
		for year, no := range highs {
			if err := tx.RaiseReceiptFloor(year, no); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	res, err := backup.DataFiles(filepath.Dir(src), *dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Đã khôi phục / Restored: %s → %s\n", src, dbPath)
	if kept != "" {
		fmt.Fprintf(a.stdout, "Cơ sở dữ liệu cũ được giữ lại / The replaced database is kept: %s\n", kept)
	}
	fmt.Fprintf(a.stdout, "Tệp báo cáo chép lại từ bản sao lưu / Report files copied back: %d (%d đã có / already there)\n", res.Copied, res.Same)
	warnDiffer(a.stderr, res.Differ)
	return nil
}

// receiptHighs reads the receipt numbers the database about to be replaced
// handed out, so the restored one does not hand them out again. A database
// that cannot be read (damaged, missing) gives none: the receipts named by
// the received files still count at the next start.
func (a *app) receiptHighs(dbPath string) map[int]int {
	if _, err := os.Stat(dbPath); err != nil {
		return nil
	}
	s, err := db.Open(dbPath)
	if err != nil {
		fmt.Fprintf(a.stderr, "(the database being replaced cannot be read: %v)\n", err)
		return nil
	}
	defer s.Close()
	highs, err := s.Read(a.ctx).ReceiptHighs()
	if err != nil {
		fmt.Fprintf(a.stderr, "(the receipts of the database being replaced cannot be read: %v)\n", err)
	}
	return highs
}

// warnDiffer names files that exist on both sides with other contents: they
// were left alone, and a person should look.
func warnDiffer(w io.Writer, differ []string) {
	for _, rel := range differ {
		fmt.Fprintf(w, "Tệp trùng tên nhưng khác nội dung, giữ nguyên / Same name, other contents, left alone: %s\n", rel)
	}
}
