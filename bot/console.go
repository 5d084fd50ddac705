package bot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/reporting"
)

// The Office's console: status at a glance (status.go), chasing
// (status.go), announcements (announce.go), exports and archives (here),
// and managing units, members and the plan (manage.go).

// periodView is one period of one obligation with every unit's assignment.
type periodView = reporting.View

// currentPeriod picks what the Office is working on for an obligation, by
// the core's one rule (reporting.CurrentPeriod).
func currentPeriod(r *db.Reader, obligationID int64, now time.Time) (db.Period, error) {
	return reporting.CurrentPeriod(r, obligationID, now)
}

// errUnknownSelection means the argument names no obligation and no period.
var errUnknownSelection = reporting.ErrUnknownSelection

// selectPeriods reads what a console command is about (reporting.Select).
func selectPeriods(r *db.Reader, now time.Time, arg string) ([]periodView, error) {
	return reporting.Select(r, now, arg)
}

func loadView(r *db.Reader, o db.Obligation, p db.Period) (periodView, error) {
	return reporting.LoadView(r, o, p)
}

// selection reads the periods a console command's argument names. When the
// argument names nothing, or (with needSome) nothing is current, the user is
// told and ok is false.
func (b *Bot) selection(r *Request, rd *db.Reader, now time.Time, needSome bool) (views []periodView, ok bool, err error) {
	views, err = selectPeriods(rd, now, r.Ev.Args)
	if errors.Is(err, errUnknownSelection) {
		b.unknownSelection(r, r.Ev.Args)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if needSome && len(views) == 0 {
		r.Reply(r.T("console.no_periods"))
		return nil, false, nil
	}
	return views, true, nil
}

// unknownSelection answers an argument that names nothing, listing what
// exists so the next try works.
func (b *Bot) unknownSelection(r *Request, arg string) {
	obs, _ := b.store.Read(r.ctx).Obligations(false)
	var codes []string
	for _, o := range obs {
		codes = append(codes, o.Code)
	}
	r.Reply(r.T("console.unknown_selection", arg, strings.Join(codes, ", ")))
}

// outPath is a new file under <data>/out for something the bot sends; the
// update id keeps two requests from writing the same file.
func (b *Bot) outPath(r *Request, name string) (string, error) {
	dir := filepath.Join(b.cfg.DataDir, "out")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("create output folder: %w", err)
	}
	return filepath.Join(dir, fmt.Sprintf("%d-%s", r.Ev.UpdateID, name)), nil
}

// writeOut writes a file under <data>/out with fn and returns its path.
func (b *Bot) writeOut(r *Request, name string, fn func(f *os.File) error) (string, error) {
	path, err := b.outPath(r, name)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return "", err
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(path)
		return "", err
	}
	return path, f.Close()
}

// replyFile queues a document (or photo) for the event's chat.
func (r *Request) replyFile(kind db.OutKind, path, name, caption string) {
	r.ReplyWith(db.OutMessage{Kind: kind, FilePath: path, FileName: name, Text: caption})
}

// chatAction shows "sending a file…" while long work runs. It is a hint,
// not a message: it is not outbox-bound and a failure is only logged.
func (b *Bot) chatAction(r *Request, action models.ChatAction) {
	_, err := b.tg.SendChatAction(r.ctx, &tgbot.SendChatActionParams{ChatID: r.Ev.ChatID, MessageThreadID: r.Ev.ThreadID, Action: action})
	if err != nil {
		b.log.Warn("chat action", "err", redact(err.Error(), b.cfg.Token))
	}
}

// periodsTitle names what a selection covers (reporting.PeriodsTitle).
func periodsTitle(views []periodView, lang string) string { return reporting.PeriodsTitle(views, lang) }

// fileKey is a selection's part of a file name, ASCII only.
func fileKey(views []periodView) string {
	seen := map[string]bool{}
	var keys []string
	for _, v := range views {
		if !seen[v.Period.Key] {
			seen[v.Period.Key] = true
			keys = append(keys, v.Period.Key)
		}
	}
	sort.Strings(keys)
	if len(keys) > 3 {
		keys = append(keys[:3], "etc")
	}
	return strings.Join(keys, "_")
}

// cmdExport sends the XLSX workbook and the CSV register of a selection.
func (b *Bot) cmdExport(r *Request) error {
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	views, ok, err := b.selection(r, rd, now, true)
	if !ok {
		return err
	}
	b.chatAction(r, models.ChatActionUploadDocument)
	rep, err := reporting.Workbook(rd, b.loc, now, views)
	if err != nil {
		return err
	}
	base := "tong-hop-" + fileKey(views)
	xlsx, err := b.writeOut(r, base+".xlsx", func(f *os.File) error { return export.XLSX(f, rep) })
	if err != nil {
		return err
	}
	csvPath, err := b.writeOut(r, base+".csv", func(f *os.File) error { return export.CSV(f, rep) })
	if err != nil {
		return err
	}
	title := periodsTitle(views, r.Lang)
	if len(rep.Entries) == 0 {
		r.Reply(r.T("export.empty", title))
	}
	r.replyFile(db.KindDocument, xlsx, base+".xlsx", r.T("export.xlsx_caption", title, len(rep.Entries)))
	r.replyFile(db.KindDocument, csvPath, base+".csv", r.T("export.csv_caption"))
	return nil
}

// telegramUploadLimit is the Bot API's limit for a file the bot sends.
const telegramUploadLimit = 50 << 20

// cmdArchive sends one ZIP of the latest accepted file of every unit for a
// period, with the summary workbook inside.
func (b *Bot) cmdArchive(r *Request) error {
	if strings.TrimSpace(r.Ev.Args) == "" {
		r.Reply(r.T("archive.usage"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	views, ok, err := b.selection(r, rd, now, false)
	if !ok {
		return err
	}
	b.chatAction(r, models.ChatActionUploadDocument)
	var files []export.ArchiveFile
	var unitsDone []int // after the i-th file, how many units are in
	units := 0
	for _, v := range views {
		accepted, err := rd.LatestAccepted(v.Period.ID)
		if err != nil {
			return err
		}
		for _, it := range v.Items {
			s, ok := accepted[it.ID]
			if !ok || len(s.Files) == 0 {
				continue
			}
			units++
			for _, f := range s.Files {
				unitsDone = append(unitsDone, units)
				name := export.ArchiveName(it.Unit.Code, it.Unit.Name, f.FileName)
				if len(views) > 1 {
					// Several obligations share the period: one folder each.
					name = export.SafeName(v.Obligation.Code) + "/" + name
				}
				files = append(files, export.ArchiveFile{Name: name, Path: filepath.Join(b.cfg.DataDir, f.StoredPath)})
			}
		}
	}
	title := periodsTitle(views, r.Lang)
	if len(files) == 0 {
		r.Reply(r.T("archive.empty", title))
		return nil
	}
	rep, err := reporting.Workbook(rd, b.loc, now, views)
	if err != nil {
		return err
	}
	name := "bao-cao-" + fileKey(views) + ".zip"
	prog := b.startProgress(r, units)
	path, err := b.writeOut(r, name, func(f *os.File) error {
		return export.ArchiveProgress(f, files, "Tổng hợp.xlsx", rep, now, func(done int) { prog.update(unitsDone[done-1]) })
	})
	if err != nil {
		prog.finish(r.T("archive.progress_failed"))
		return err
	}
	prog.finish(r.T("archive.progress_done", units, len(files)))
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Size() > telegramUploadLimit {
		abs, _ := filepath.Abs(path)
		r.Reply(r.T("archive.too_big", title, fi.Size()>>20, abs))
		return nil
	}
	r.replyFile(db.KindDocument, path, name, r.T("archive.caption", title, len(files)))
	return nil
}

// cmdCalendar sends the .ics of deadlines: a unit's people get their
// unit's, the Office everything or one unit's (/calendar UNIT).
func (b *Bot) cmdCalendar(r *Request) error {
	code := strings.TrimSpace(r.Ev.Args)
	rd := b.store.Read(r.ctx)
	if r.Member.Role.NeedsUnit() {
		// A head sees only their own unit, whatever they type.
		u, err := rd.Unit(r.Member.UnitID)
		if err != nil {
			return err
		}
		code = u.Code
	}
	cal, err := reporting.Calendar(rd, b.store.Now(), code)
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("console.unknown_unit", code))
		return nil
	}
	if err != nil {
		return err
	}
	name := "han-bao-cao.ics"
	if code != "" {
		name = "han-bao-cao-" + export.SafeName(strings.ToUpper(code)) + ".ics"
	}
	path, err := b.writeOut(r, name, func(f *os.File) error { return export.ICS(f, cal) })
	if err != nil {
		return err
	}
	r.replyFile(db.KindDocument, path, name, r.T("cal.caption", len(cal.Events)))
	return nil
}
