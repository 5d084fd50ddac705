// Command reportbot runs the report-collection bot and its administration
// commands: plan import/export, invites, backups and the working calendar.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	_ "time/tzdata" // a minimal container has no zoneinfo; Asia/Ho_Chi_Minh must still load

	"github.com/reportbot/reportbot/backup"
	"github.com/reportbot/reportbot/db"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit codes: 0 fine, 1 the work failed, 2 the command line or the
// configuration is wrong.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is how the program reads its environment, so tests can give their own.
type env func(string) string

// app holds what every subcommand shares.
type app struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	getenv env
}

// usageError is a mistake on the command line; Main prints it with the usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `reportbot — nhắc và thu báo cáo của các đơn vị qua Telegram
(a Telegram bot that reminds units of report deadlines and collects the reports)

Usage:
  reportbot run [flags]                 run the bot (needs TELEGRAM_BOT_TOKEN)
  reportbot demo [--lang en]            the whole season against a built-in fake Telegram, no token needed
  reportbot plan import FILE            load the department's plan (YAML)
  reportbot plan export [--out FILE]    write the current plan as YAML
  reportbot invite UNIT [--role head|member|office]
  reportbot invite --role office|admin|director
                                        print a one-time invite link
  reportbot backup FILE                 consistent copy of the database, checked, and
                                        the report files copied beside it
  reportbot restore FILE                put a backup back (the bot stopped); keeps every file
  reportbot calendar [YEAR]             days off and make-up working days of a year
  reportbot export [--period KEY] --out FILE.xlsx|FILE.csv
                                        the Office's summary workbook, or the register as CSV
  reportbot ics [--unit CODE] [--out FILE]
                                        deadline calendar (iCalendar) with reminders
  reportbot request --letter FILE --title TITLE --deadline DEADLINE --units CODES|all
                                        an ad-hoc request; the running bot sends it to the heads
  reportbot synthesis --period KEY [--out DIR] [--pdf]
                                        the Office's synthesis pack: draft report (DOCX), workbook, ZIP
  reportbot weblogin MEMBER --desk-url https://…/app/
                                        single-use sign-in link to the Office's desk

Every command takes --data DIR (default ./data, or $REPORTBOT_DATA).
Run 'reportbot COMMAND -h' for a command's flags.
`

// Main runs one command line and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	a := &app{ctx: ctx, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func([]string) error{
		"run":       a.cmdRun,
		"plan":      a.cmdPlan,
		"invite":    a.cmdInvite,
		"backup":    a.cmdBackup,
		"restore":   a.cmdRestore,
		"calendar":  a.cmdCalendar,
		"export":    a.cmdExport,
		"ics":       a.cmdICS,
		"demo":      a.cmdDemo,
		"synthesis": a.cmdSynthesis,
		"request":   a.cmdRequest,
		"weblogin":  a.cmdWeblogin,
	}
	fn, ok := cmds[args[0]]
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if !ok {
		fmt.Fprintf(stderr, "reportbot: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := fn(args[1:])
	var ue usageError
	var ce configError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "reportbot %s: %s\n", args[0], ue.msg)
		return exitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "reportbot %s: %s\n", args[0], ce.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "reportbot %s: %v\n", args[0], err)
		return exitFail
	}
}

// configError is a configuration problem the operator must fix (exit 2).
type configError struct{ msg string }

func (e configError) Error() string { return e.msg }

// flags makes a flag set with the flags every command shares.
func (a *app) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("reportbot "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	def := a.getenv("REPORTBOT_DATA")
	if def == "" {
		def = "data"
	}
	dataDir := fs.String("data", def, "folder for the database and received files (env REPORTBOT_DATA)")
	return fs, dataDir
}

// parse parses flags that may come before or after positional arguments, as
// people type them ("invite VP --role head").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// openStore opens the database in the data folder, creating the folder.
func openStore(dataDir string) (*db.Store, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, configError{fmt.Sprintf("cannot create the data folder %s: %v", dataDir, err)}
	}
	s, err := db.Open(filepath.Join(dataDir, "reportbot.db"))
	if errors.Is(err, db.ErrCorrupt) {
		return nil, configError{damaged(dataDir, err)}
	}
	if err != nil {
		return nil, configError{err.Error()}
	}
	return s, nil
}

// newLogger builds the process logger: text or JSON, at a level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level: %v", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format must be text or json")
}

func (a *app) cmdBackup(args []string) error {
	fs, dataDir := a.flags("backup")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: reportbot backup FILE")
	}
	s, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(a.ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Đã sao lưu và kiểm tra (integrity_check: ok): %s\nBackup written and checked: %s\n", pos[0], pos[0])
	// The files go beside the database copy, into folders every backup in
	// that place shares: only files not copied before are copied.
	res, err := backup.DataFiles(*dataDir, filepath.Dir(pos[0]))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Tệp báo cáo / Report files: %d mới chép / newly copied, %d đã có / already there (%s)\n",
		res.Copied, res.Same, filepath.Join(filepath.Dir(pos[0]), "files"))
	warnDiffer(a.stderr, res.Differ)
	return nil
}
