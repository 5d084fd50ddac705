package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/reporting"
)

// cmdExport writes the same workbook (or, for a .csv file, the register)
// as the bot's /export: "reportbot export --period 2026-H1 --out FILE".
func (a *app) cmdExport(args []string) error {
	fs, dataDir := a.flags("export")
	period := fs.String("period", "", "a period key (2026-H1), an obligation code, or both (\"BC6T 2026-H1\"); empty: the current periods")
	out := fs.String("out", "", "the file to write: .xlsx for the workbook, .csv for the register")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	lower := strings.ToLower(*out)
	if !strings.HasSuffix(lower, ".xlsx") && !strings.HasSuffix(lower, ".csv") {
		return usagef("usage: reportbot export [--period KEY] --out FILE.xlsx|FILE.csv")
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	loc, err := planLocation(a.ctx, store)
	if err != nil {
		return err
	}
	rep, err := reporting.SelectWorkbook(store.Read(a.ctx), loc, store.Now(), *period)
	if errors.Is(err, reporting.ErrUnknownSelection) {
		return configError{fmt.Sprintf("không có báo cáo hoặc kỳ %q / no obligation or period %q", *period, *period)}
	}
	if err != nil {
		return err
	}
	write := export.XLSX
	if strings.HasSuffix(lower, ".csv") {
		write = export.CSV
	}
	if err := writeFile(*out, func(w io.Writer) error { return write(w, rep) }); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Đã ghi / Written: %s (%d lượt nộp / submissions)\n", *out, len(rep.Entries))
	if len(rep.Entries) == 0 {
		fmt.Fprintln(a.stdout, "Kỳ này chưa có báo cáo nào được nộp / nothing has been submitted for this period yet.")
	}
	return nil
}

// cmdICS writes the deadline calendar: "reportbot ics [--unit CODE] [--out FILE]".
func (a *app) cmdICS(args []string) error {
	fs, dataDir := a.flags("ics")
	unit := fs.String("unit", "", "one unit's deadlines (with its extensions); empty: every obligation's")
	out := fs.String("out", "", "write to this file instead of standard output")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	cal, err := reporting.Calendar(store.Read(a.ctx), store.Now(), *unit)
	if errors.Is(err, db.ErrNotFound) {
		return configError{fmt.Sprintf("không có đơn vị %q / no unit %q", *unit, *unit)}
	}
	if err != nil {
		return err
	}
	if *out == "" {
		return export.ICS(a.stdout, cal)
	}
	return writeFile(*out, func(w io.Writer) error { return export.ICS(w, cal) })
}

// writeFile writes a whole file, removing it if writing fails half-way.
func writeFile(path string, fn func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
