// Package backup copies the received report files beside a database backup
// and back into a data folder on restore. Received files never change once
// stored (their names carry the receipt), so a copy only adds the files the
// other side lacks, and one files folder serves every daily backup.
package backup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Result counts what a copy did.
type Result struct {
	Copied int // files the destination lacked
	Same   int // files the destination had already, of the same size
	// Differ lists files (relative paths) the destination holds with other
	// contents; they are left alone, never overwritten.
	Differ []string
}

// skipDir is a folder of half-way downloads, never worth keeping.
const skipDir = ".incoming"

// Folders are the folders of a data folder that hold received files: those
// the database records and those in quarantine (bot/files.go,
// bot/quarantine.go).
var Folders = []string{"files", "quarantine"}

// DataFiles copies the received files of a data folder into another folder
// (a backup's, or a data folder on restore), folder by folder.
func DataFiles(fromDir, toDir string) (Result, error) {
	var total Result
	for _, f := range Folders {
		res, err := Files(filepath.Join(fromDir, f), filepath.Join(toDir, f))
		total.Copied += res.Copied
		total.Same += res.Same
		for _, rel := range res.Differ {
			total.Differ = append(total.Differ, filepath.Join(f, rel))
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Files copies every file under src that dst lacks into dst, keeping the
// relative paths. A missing src is an empty one.
func Files(src, dst string) (Result, error) {
	var res Result
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		switch {
		case errors.Is(err, fs.ErrNotExist) && p == src:
			return nil
		case err != nil:
			return err
		case d.IsDir() && d.Name() == skipDir:
			return filepath.SkipDir
		case !d.Type().IsRegular():
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if have, err := os.Stat(to); err == nil {
			if want, err := d.Info(); err == nil && want.Size() == have.Size() {
				res.Same++
			} else {
				res.Differ = append(res.Differ, rel)
			}
			return nil
		}
		if err := File(p, to); err != nil {
			return err
		}
		res.Copied++
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("copy files from %s to %s: %w", src, dst, err)
	}
	return res, nil
}

// File copies one file durably: to a temporary name, synced, then renamed,
// so a copy cut short never looks complete.
func File(from, to string) (err error) {
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return err
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := to + ".part"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, to)
}
