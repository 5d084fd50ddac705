package bot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/figures"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
	"github.com/reportbot/reportbot/synthesis"
)

// The Office's tổng hợp: /synthesis PERIOD gives the draft of the
// department's report (DOCX), the register workbook and the ZIP of the
// accepted files. "reportbot synthesis" shares SynthesisPack.

// AmbiguousError means a selection names a period several obligations
// share: the synthesis is one report, so the Office must name which.
type AmbiguousError struct{ Codes []string }

func (e AmbiguousError) Error() string {
	return "several obligations: " + strings.Join(e.Codes, ", ")
}

// SynthesisPack gathers the synthesis pack of a selection (as /export reads
// it) that comes to one obligation's period with something received.
// Errors: reporting.ErrUnknownSelection, AmbiguousError, synthesis.ErrNothingReceived.
func SynthesisPack(rd *db.Reader, loc *time.Location, now time.Time, dataDir, selection string) (synthesis.Pack, error) {
	views, err := selectPeriods(rd, now, selection)
	if err != nil {
		return synthesis.Pack{}, err
	}
	var packs []synthesis.Pack
	var codes []string
	for _, v := range views {
		p, err := viewPack(rd, loc, now, dataDir, v)
		if errors.Is(err, synthesis.ErrNothingReceived) {
			continue
		}
		if err != nil {
			return synthesis.Pack{}, err
		}
		packs = append(packs, p)
		codes = append(codes, v.Obligation.Code+" "+v.Period.Key)
	}
	switch len(packs) {
	case 0:
		return synthesis.Pack{}, synthesis.ErrNothingReceived
	case 1:
		return packs[0], nil
	}
	return synthesis.Pack{}, AmbiguousError{codes}
}

// viewPack is one period's pack.
func viewPack(rd *db.Reader, loc *time.Location, now time.Time, dataDir string, v periodView) (synthesis.Pack, error) {
	subs, err := rd.PeriodSubmissions(v.Period.ID)
	if err != nil {
		return synthesis.Pack{}, err
	}
	latest := map[int64]db.Submission{}
	for _, s := range subs {
		if s.Version > latest[s.AssignmentID].Version {
			latest[s.AssignmentID] = s
		}
	}
	dept, err := rd.Setting("department")
	if err != nil {
		return synthesis.Pack{}, err
	}
	d := synthesis.Draft{
		Issuer: synthesis.IssuerOf(dept), Date: now, Title: v.Obligation.Title,
		Basis: v.Obligation.Basis, Deadline: v.Period.DeadlineAt,
		Annexes: []string{
			"Sổ tiếp nhận báo cáo của các phòng, đơn vị (tệp Excel kèm theo)",
			"Hồ sơ báo cáo của các phòng, đơn vị đã được tiếp nhận (tệp nén kèm theo)",
		},
		Recipients: []string{"Lãnh đạo Sở"},
	}
	if v.Obligation.Cover != "once" {
		// A one-off request's period is only its date; the title says it all.
		d.Period = reminders.PeriodName(v.Period.Key, "vi")
	}
	if up, err := rd.Upward(v.Obligation.ID); err == nil {
		d.Recipients = append(up.RecipientList(), d.Recipients...)
	} else if !errors.Is(err, db.ErrNotFound) {
		return synthesis.Pack{}, err
	}
	reported := 0
	for _, it := range v.Items {
		u := synthesis.Unit{Code: it.Unit.Code, Name: it.Unit.Name}
		if s, ok := latest[it.ID]; ok && s.Status != db.SubReturned {
			reported++
			u.Reported, u.DocNumber, u.ReceivedAt, u.Receipt = true, s.DocNumber, s.ReceivedAt, s.Receipt()
			u.DaysLate, u.Accepted = s.DaysLate, s.Status == db.SubAccepted
			u.DocDate = docDate(s.Caption, loc)
		}
		d.Units = append(d.Units, u)
	}
	if reported == 0 {
		return synthesis.Pack{}, synthesis.ErrNothingReceived
	}
	register, err := reporting.Workbook(rd, loc, now, []periodView{v}, "vi")
	if err != nil {
		return synthesis.Pack{}, err
	}
	groups, err := acceptedFiles(rd, v, dataDir, false)
	if err != nil {
		return synthesis.Pack{}, err
	}
	var files []export.ArchiveFile
	for _, g := range groups {
		files = append(files, g...)
	}
	pack := synthesis.Pack{Key: export.SafeName(v.Obligation.Code + "-" + v.Period.Key), PeriodID: v.Period.ID, Draft: d, Register: register, Files: files}
	tpl, has, err := loadTemplate(rd, dataDir, v.Obligation.ID)
	if err != nil {
		return synthesis.Pack{}, err
	}
	if has {
		units, err := unitFigures(rd, tpl, v.Items, latest)
		if err != nil {
			return synthesis.Pack{}, err
		}
		pack.Figures = &synthesis.Figures{Template: tpl, Units: units}
		pack.Draft.Annexes = append(pack.Draft.Annexes, "Bảng tổng hợp số liệu theo biểu mẫu "+tpl.Form+" (trang «"+figures.SynthesisSheet+"» của tệp Excel)")
	}
	return pack, nil
}

// docDateRe finds a report's own date in its caption: "Số 45/BC-TCBC ngày
// 02/6/2026".
var docDateRe = regexp.MustCompile(`(?i)ngày\s+(\d{1,2}/\d{1,2}/\d{4})`)

// docDate is the date a caption gives the report, or the zero time.
func docDate(caption string, loc *time.Location) time.Time {
	m := docDateRe.FindStringSubmatch(caption)
	if m == nil {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2/1/2006", m[1], loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// acceptedFiles lists, unit by unit, the files of each unit's latest
// accepted report of a period, named for an archive (in a folder per
// obligation when inFolder).
func acceptedFiles(rd *db.Reader, v periodView, dataDir string, inFolder bool) ([][]export.ArchiveFile, error) {
	accepted, err := rd.LatestAccepted(v.Period.ID)
	if err != nil {
		return nil, err
	}
	var out [][]export.ArchiveFile
	for _, it := range v.Items {
		s, ok := accepted[it.ID]
		if !ok || len(s.Files) == 0 {
			continue
		}
		var unit []export.ArchiveFile
		for _, f := range s.Files {
			name := export.ArchiveName(it.Unit.Code, it.Unit.Name, f.FileName)
			if inFolder {
				name = export.SafeName(v.Obligation.Code) + "/" + name
			}
			unit = append(unit, export.ArchiveFile{Name: name, Path: filepath.Join(dataDir, f.StoredPath)})
		}
		out = append(out, unit)
	}
	return out, nil
}

// cmdSynthesis sends the synthesis pack of a period.
func (b *Bot) cmdSynthesis(r *Request) error {
	arg := strings.TrimSpace(r.Ev.Args)
	if arg == "" {
		r.Reply(r.T("synthesis.usage"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	pack, err := SynthesisPack(rd, b.loc, now, b.cfg.DataDir, arg)
	var amb AmbiguousError
	switch {
	case errors.Is(err, errUnknownSelection):
		b.unknownSelection(r, arg)
		return nil
	case errors.As(err, &amb):
		r.Reply(r.T("synthesis.which", arg, strings.Join(amb.Codes, "; ")))
		return nil
	case errors.Is(err, synthesis.ErrNothingReceived):
		r.Reply(r.T("synthesis.nothing", arg))
		return nil
	case err != nil:
		return err
	}
	b.chatAction(r, models.ChatActionUploadDocument)
	dir, err := b.outPath(r, "synthesis")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create synthesis folder: %w", err)
	}
	paths, err := pack.Write(dir, b.loc, now)
	if err != nil {
		return err
	}
	if err := r.Tx(func(tx *db.Tx) error { return tx.MarkDrafted(pack.PeriodID) }); err != nil {
		return err
	}
	reported, late, missing := pack.Draft.Counts()
	title := pack.Draft.Subject()
	r.replyFile(db.KindDocument, paths.Draft, filepath.Base(paths.Draft), r.T("synthesis.draft_caption", title, reported, len(pack.Draft.Units), late, missing))
	r.replyFile(db.KindDocument, paths.Workbook, filepath.Base(paths.Workbook), r.T("synthesis.workbook_caption"))
	if fi, err := os.Stat(paths.Archive); err == nil && fi.Size() > telegramUploadLimit {
		abs, _ := filepath.Abs(paths.Archive)
		r.Reply(r.T("synthesis.archive_too_big", fi.Size()>>20, abs))
		return nil
	}
	r.replyFile(db.KindDocument, paths.Archive, filepath.Base(paths.Archive), r.T("synthesis.archive_caption", len(pack.Files)))
	return nil
}
