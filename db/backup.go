package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of the live database to dest with VACUUM
// INTO, which reads one snapshot while the bot keeps writing, and then checks
// the copy with PRAGMA integrity_check. dest must not exist.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	if _, err := s.read.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := CheckIntegrity(ctx, dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// ErrCorrupt marks a database whose file is damaged.
var ErrCorrupt = errors.New("the database file is damaged")

// QuickCheck runs PRAGMA quick_check on the live database: start-up refuses a
// damaged file rather than handing reports to it.
func (s *Store) QuickCheck(ctx context.Context) error {
	rows, err := s.read.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return fmt.Errorf("quick check: %w", explain(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("quick check: %w", explain(err))
		}
		if line != "ok" && len(problems) < 5 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("quick check: %w", explain(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w (PRAGMA quick_check: %s)", ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// CheckIntegrity opens a database file read-only and runs PRAGMA
// integrity_check; restore instructions use it on a backup.
func CheckIntegrity(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	var res string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, explain(err))
	}
	if res != "ok" {
		return fmt.Errorf("integrity check of %s: %s", path, res)
	}
	return nil
}
