package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/reportbot/reportbot/bot"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
	"github.com/reportbot/reportbot/requests"
	"github.com/reportbot/reportbot/synthesis"
)

// cmdSynthesis writes the synthesis pack of a period, as the bot's
// /synthesis sends it: "reportbot synthesis --period 'BC6T 2026-H1' --out DIR [--pdf]".
func (a *app) cmdSynthesis(args []string) error {
	fs, dataDir := a.flags("synthesis")
	period := fs.String("period", "", "the period (2026-H1), the obligation code, or both (\"BC6T 2026-H1\")")
	out := fs.String("out", ".", "the folder to write the draft (DOCX), the workbook (XLSX) and the archive (ZIP) into")
	pdf := fs.Bool("pdf", false, "also render the draft to PDF with LibreOffice (soffice), to check it before sending")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*period) == "" {
		return usagef("usage: reportbot synthesis --period KEY [--out DIR] [--pdf]")
	}
	if *pdf && synthesis.OfficeBinary() == "" {
		return configError{"--pdf cần LibreOffice (soffice) / --pdf needs LibreOffice (soffice): " + synthesis.ErrNoOffice.Error()}
	}
	store, loc, err := a.openInZone(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	now := store.Now()
	pack, err := bot.SynthesisPack(store.Read(a.ctx), loc, now, *dataDir, *period)
	var amb bot.AmbiguousError
	switch {
	case errors.Is(err, reporting.ErrUnknownSelection):
		return configError{fmt.Sprintf("không có báo cáo hoặc kỳ %q / no obligation or period %q", *period, *period)}
	case errors.As(err, &amb):
		return configError{fmt.Sprintf("nhiều báo cáo đã nhận trong kỳ, hãy ghi rõ một / several obligations received reports, name one: %s", strings.Join(amb.Codes, "; "))}
	case errors.Is(err, synthesis.ErrNothingReceived):
		return configError{fmt.Sprintf("chưa đơn vị nào nộp báo cáo cho %q, không tạo tệp nào / nothing received for %q, no file written", *period, *period)}
	case err != nil:
		return err
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		return err
	}
	paths, err := pack.Write(*out, loc, now)
	if err != nil {
		return err
	}
	reported, late, missing := pack.Draft.Counts()
	fmt.Fprintf(a.stdout, "%s\n  %d/%d đơn vị đã báo cáo / units reported (trễ / late: %d), chưa / missing: %d\n  %s\n  %s\n  %s (%d tệp / files)\n",
		pack.Draft.Subject(), reported, len(pack.Draft.Units), late, missing, paths.Draft, paths.Workbook, paths.Archive, len(pack.Files))
	if *pdf {
		p, err := synthesis.RenderPDF(a.ctx, paths.Draft, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "  %s\n", p)
	}
	return nil
}

// cmdRequest makes an ad-hoc request from the command line, as /request
// does in chat: "reportbot request --letter CV.pdf --title T --deadline
// 'trước ngày 05/12' --units TCBC,VP|all". The heads' messages wait in the
// outbox for the running bot to send.
func (a *app) cmdRequest(args []string) error {
	fs, dataDir := a.flags("request")
	title := fs.String("title", "", "the report asked for")
	deadline := fs.String("deadline", "", "the deadline as the letter writes it: \"trước ngày 05/12\", \"05/12/2026 17:00\"")
	units := fs.String("units", "", "unit codes, comma-separated, or all")
	letter := fs.String("letter", "", "the official letter (PDF or Word)")
	template := fs.String("template", "", "a workbook template (XLSX with defined names) the units fill in")
	basis := fs.String("basis", "", "the letter as the draft cites it: \"Công văn số 123/UBND-NC ngày 01/6/2026 của UBND tỉnh\"")
	reportTo := fs.String("report-to", "", "who receives the department's report (\"UBND tỉnh; Ban Dân vận Tỉnh ủy\"); the deadline is then the department's and the units are due earlier")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *title == "" || *deadline == "" || *units == "" || *letter == "" {
		return usagef("usage: reportbot request --letter FILE --title TITLE --deadline DEADLINE --units CODES|all")
	}
	store, loc, err := a.openInZone(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	text := *title + "\n" + *deadline + "\nunits: " + *units
	if *reportTo != "" {
		text += "\nreport to: " + *reportTo
	}
	if *basis != "" {
		text += "\nbasis: " + *basis
	}
	spec, err := requests.Parse(text, store.Now(), loc, requests.DefaultDueHour, 0)
	if err == nil {
		pol, perr := reminders.LoadPolicy(store.Read(a.ctx))
		if perr != nil {
			return perr
		}
		spec.Deadline, err = requests.UnitsDeadline(spec, pol.Calendar(), store.Now())
	}
	var pr *requests.Problem
	if errors.As(err, &pr) {
		return configError{bot.RequestProblem(pr)}
	}
	if err != nil {
		return err
	}
	all, err := store.Read(a.ctx).Units(false)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, u := range all {
		known[u.Code] = true
		if spec.AllUnits {
			spec.Units = append(spec.Units, u.Code)
		}
	}
	for _, c := range spec.Units {
		if !known[c] {
			return configError{fmt.Sprintf("không có đơn vị %s / no unit %s", c, c)}
		}
	}
	l, err := bot.StoreLetter(*dataDir, *letter)
	if err != nil {
		return configError{err.Error()}
	}
	var tpl *db.Letter
	if *template != "" {
		t, err := bot.StoreTemplate(*dataDir, *template)
		if err != nil {
			return configError{err.Error()}
		}
		tpl = &t
	}
	var res bot.RequestResult
	err = store.Tx(a.ctx, func(tx *db.Tx) error {
		var err error
		res, err = bot.CreateRequest(tx, loc, *dataDir, bot.NewRequest{Title: spec.Title, Deadline: spec.Deadline, Units: spec.Units,
			Letter: l, Template: tpl, ReportTo: spec.ReportTo, Basis: bot.LetterBasis(spec.Basis, l.Name)})
		if err != nil {
			return err
		}
		return tx.Audit(0, 0, "request", res.Obligation.Code, fmt.Sprintf("%s; %d units; letter %s; command line", spec.Title, res.Units, l.SHA256))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s — %s: hạn / due %s; %d đơn vị / units, %d Trưởng đơn vị được báo / heads told\n",
		res.Obligation.Code, spec.Title, spec.Deadline.In(loc).Format("15:04 02/01/2006"), res.Units, res.Heads)
	if len(res.Headless) > 0 {
		fmt.Fprintf(a.stdout, "Chưa có Trưởng đơn vị / no head yet: %s\n", strings.Join(res.Headless, ", "))
	}
	return nil
}

// openInZone opens the store and reads the plan's zone.
func (a *app) openInZone(dataDir string) (*db.Store, *time.Location, error) {
	store, err := openStore(dataDir)
	if err != nil {
		return nil, nil, err
	}
	loc, err := planLocation(a.ctx, store)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, loc, nil
}
