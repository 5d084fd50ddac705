package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/reportbot/reportbot/bot"
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
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	loc, err := planLocation(a.ctx, store)
	if err != nil {
		return err
	}
	now := store.Now()
	pack, err := bot.SynthesisPack(store.Read(a.ctx), loc, now, *dataDir, *period)
	var amb bot.AmbiguousError
	switch {
	case errors.Is(err, bot.ErrUnknownSelection):
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
