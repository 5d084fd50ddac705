// Package db holds reportbot's model and its SQLite storage: units, members,
// invites, bound chats, obligations, periods, assignments, submissions, the
// outbox, the update inbox and the audit log. It knows nothing of Telegram or
// cron.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQLite store. All writes go through one connection, so
// concurrent writers queue in Go instead of failing with SQLITE_BUSY; reads
// use a separate pool and, thanks to WAL, never wait for a writer.
type Store struct {
	path  string
	write *sql.DB
	read  *sql.DB

	// Now is the clock. Tests set it to a fixed date; everything that stamps a
	// time reads it, never time.Now directly.
	Now func() time.Time
}

// Open opens (creating if needed) the database at path and applies pending
// migrations. A file that is not SQLite, or that cannot be written, is a clear
// error here rather than a failure later.
func Open(path string) (*Store, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("open database %s: is a directory", path)
	}
	dsn := func(extra string) string {
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		// FULL: a receipt told to a head must survive a power cut.
		q.Add("_pragma", "synchronous(FULL)")
		if extra != "" {
			q.Add("_txlock", extra)
		}
		return "file:" + path + "?" + q.Encode()
	}
	write, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	s := &Store{path: path, write: write, read: read, Now: time.Now}
	if err := s.migrate(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, explain(err))
	}
	return s, nil
}

// explain turns SQLite's terse codes for the two mistakes people make at start
// (pointing at a file that is not a database, or one they cannot write) into
// words.
func explain(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("the file is not a SQLite database (%w)", err)
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%w (%v)", ErrCorrupt, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("the database cannot be written: check the file and folder permissions (%w)", err)
		}
	}
	return err
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}

// Ping checks that the database answers; /healthz uses it.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.read.QueryRowContext(ctx, `SELECT 1`).Scan(&n)
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	// A write at every start: a read-only file fails here, at start-up, and
	// not at the first receipt.
	return s.Tx(ctx, func(tx *Tx) error {
		return tx.SetSetting("last_open_at", fmt.Sprint(s.Now().Unix()))
	})
}

// migrateFile applies one file in its own transaction, once.
func (s *Store) migrateFile(ctx context.Context, name string) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// Tx is a write transaction with the time stamped once at its start, so every
// row it touches agrees on "now".
type Tx struct {
	tx  *sql.Tx
	ctx context.Context
	now time.Time
}

// Now is the transaction's time.
func (tx *Tx) Now() time.Time { return tx.now }

// Tx runs fn in a write transaction, committing if it returns nil.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, ctx: ctx, now: s.Now().UTC()}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, query, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.ctx, query, args...)
}

// querier is what both the read pool and a transaction offer, so a lookup is
// written once and used inside or outside a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Reader reads outside any transaction.
type Reader struct {
	q   querier
	ctx context.Context
}

// Read returns a reader over the read pool.
func (s *Store) Read(ctx context.Context) *Reader { return &Reader{q: s.read, ctx: ctx} }

// Reader returns a reader that sees the transaction's own writes.
func (tx *Tx) Reader() *Reader { return &Reader{q: tx.tx, ctx: tx.ctx} }

func (r *Reader) queryRow(query string, args ...any) *sql.Row {
	return r.q.QueryRowContext(r.ctx, query, args...)
}

func (r *Reader) query(query string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(r.ctx, query, args...)
}

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// unix stores a time; the zero time is stored as 0.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// fromUnix reads a stored time; 0 is the zero time.
func fromUnix(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

// nullTime reads a nullable time column.
func nullTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromUnix(v.Int64)
}

// nullUnix stores a nullable time column.
func nullUnix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// nullID stores an optional reference; 0 means none.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// SetSetting stores a key/value setting.
func (tx *Tx) SetSetting(key, value string) error {
	_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Setting reads a setting; a missing key is "".
func (r *Reader) Setting(key string) (string, error) {
	var v string
	err := r.queryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}
