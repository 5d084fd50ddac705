package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/reportbot/reportbot/db"
)

// quarantineDir, under DataDir, keeps the files found in the files folder
// that the database does not know, in a folder per start-up. Such files come
// from a crash between placing a file and recording it, or from an older
// database put back by a restore; in the second case they are reports a head
// was given a receipt for, so they are never deleted.
const quarantineDir = "quarantine"

// receiptName reads the receipt a stored file is named after:
// "<year>-<number>[-<index>]-<name>" (storedPath).
var receiptName = regexp.MustCompile(`^(\d{4})-(\d{4,})-`)

// QuarantineUnknownFiles moves every file under the files folder that no
// submission records into DataDir/quarantine/<start time>/, keeping its
// path, and removes half-way downloads (never receipted). It raises the
// receipt floor above every receipt named by a file, quarantined ones
// included, so a number told to a head is not handed out again after an
// older database is restored. Call it at start-up, before anything is
// received. It returns the paths moved, relative to DataDir.
func (b *Bot) QuarantineUnknownFiles(ctx context.Context) ([]string, error) {
	known, err := b.store.Read(ctx).StoredPaths()
	if err != nil {
		return nil, fmt.Errorf("quarantine unknown files: %w", err)
	}
	root := filepath.Join(b.cfg.DataDir, filesDir)
	incoming := filepath.Join(root, incomingDir)
	dest := filepath.Join(b.cfg.DataDir, quarantineDir, b.store.Now().UTC().Format("20060102-150405"))
	var moved []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil
		case err != nil:
			return err
		case d.IsDir():
			return nil
		case filepath.Dir(p) == incoming:
			return os.Remove(p)
		}
		rel, err := filepath.Rel(b.cfg.DataDir, p)
		if err != nil || known[filepath.ToSlash(rel)] {
			return err
		}
		to := filepath.Join(dest, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
			return err
		}
		if err := os.Rename(p, to); err != nil {
			return err
		}
		moved = append(moved, rel)
		return nil
	})
	if err != nil {
		return moved, fmt.Errorf("quarantine unknown files: %w", err)
	}
	return moved, b.raiseReceiptFloor(ctx)
}

// raiseReceiptFloor reads the receipts named by the files kept and by those
// in quarantine, and keeps the highest of each year as the floor.
func (b *Bot) raiseReceiptFloor(ctx context.Context) error {
	highs := map[int]int{}
	for _, dir := range []string{filesDir, quarantineDir} {
		err := filepath.WalkDir(filepath.Join(b.cfg.DataDir, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil // an unreadable corner must not stop the start
			}
			if m := receiptName.FindStringSubmatch(d.Name()); m != nil {
				year, _ := strconv.Atoi(m[1])
				no, _ := strconv.Atoi(m[2])
				highs[year] = max(highs[year], no)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(highs) == 0 {
		return nil
	}
	return b.store.Tx(ctx, func(tx *db.Tx) error {
		for year, no := range highs {
			if err := tx.RaiseReceiptFloor(year, no); err != nil {
				return err
			}
		}
		return nil
	})
}

// quarantineAtStart runs QuarantineUnknownFiles and tells the operator (log)
// and the Office what was moved and where.
func (b *Bot) quarantineAtStart(ctx context.Context) {
	moved, err := b.QuarantineUnknownFiles(ctx)
	if err != nil {
		b.log.Error("quarantine unknown files", "err", err)
	}
	if len(moved) == 0 {
		return
	}
	folder := filepath.Join(b.cfg.DataDir, quarantineDir)
	for _, rel := range moved {
		b.log.Warn("file not in the database moved to quarantine", "path", rel, "folder", folder)
	}
	b.noteOffice(ctx, fmt.Sprintf("quarantine:%d", b.store.Now().Unix()), "office.quarantine", len(moved), folder)
}
