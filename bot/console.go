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
	"github.com/reportbot/reportbot/reminders"
)

// The Office's console: status at a glance (status.go), chasing
// (status.go), announcements (announce.go), exports and archives (here),
// and managing units, members and the plan (manage.go).

// viewers may look at the status; only staff act on it.
var viewers = []db.Role{db.RoleOffice, db.RoleAdmin, db.RoleDirector}

func (b *Bot) registerConsole() {
	b.addCommand(&command{name: "status", roles: viewers, inGroup: true, handle: b.cmdStatus})
	b.addCommand(&command{name: "overdue", roles: staff, inGroup: true, handle: b.cmdOverdue})
	b.addCommand(&command{name: "remind", roles: staff, inGroup: true, handle: b.cmdRemind})
	b.addCommand(&command{name: "announce", roles: staff, handle: b.cmdAnnounce})
	b.addCommand(&command{name: "export", roles: viewers, inGroup: true, handle: b.cmdExport})
	b.addCommand(&command{name: "archive", roles: staff, inGroup: true, handle: b.cmdArchive})
	b.addCommand(&command{name: "received", roles: staff, handle: b.cmdReceived})
	b.addCommand(&command{name: "units", roles: staff, inGroup: true, handle: b.cmdUnits})
	b.addCommand(&command{name: "members", roles: staff, handle: b.cmdMembers})
	b.addCommand(&command{name: "invite", roles: staff, handle: b.cmdInvite})
	b.addCommand(&command{name: "remove", roles: staff, handle: b.cmdRemove})
	b.addCommand(&command{name: "deadline", roles: staff, handle: b.cmdDeadline})
	b.addCommand(&command{name: "plan", roles: staff, handle: b.cmdPlan})
	b.addCommand(&command{name: "obligation", roles: staff, handle: b.cmdObligation})
	b.addCommand(&command{name: "calendar", roles: everyone, handle: b.cmdCalendar})

	b.addGuardedCallback("st", viewers, b.onStatusButton)
	b.addGuardedCallback("nudge", staff, b.onNudge)
	b.addGuardedCallback("ann", staff, b.onAnnounceButton)
	b.addGuardedCallback("plan", staff, b.onPlanButton)
	b.addInput("announce", b.onAnnounceText)
	b.addInput(inputReceivedScan, b.onReceivedScanText)

	// A plan file from the Office or an admin is a plan, not a report:
	// look at it before the submissions flow does. This wraps whatever
	// handler is set, so registerConsole runs after registerSubmissions.
	next := b.onFiles
	b.onFiles = func(r *Request) error {
		if handled, err := b.maybePlanFile(r); handled || err != nil {
			return err
		}
		if handled, err := b.maybeReceivedScan(r); handled || err != nil {
			return err
		}
		if next == nil {
			r.Reply(r.T("hint.text"))
			return nil
		}
		return next(r)
	}
}

// addGuardedCallback routes a button like addCallback, checking the role
// of whoever pressed it: a message forwarded to, or a button forged by, a
// head must not act with the Office's rights.
func (b *Bot) addGuardedCallback(verb string, roles []db.Role, fn callbackFunc) {
	b.addCallback(verb, func(r *Request, args []string) error {
		if !hasRole(roles, r.Role()) {
			r.Toast(r.T("console.not_allowed"))
			return nil
		}
		return fn(r, args)
	})
}

func hasRole(roles []db.Role, role db.Role) bool {
	for _, x := range roles {
		if x == role {
			return true
		}
	}
	return false
}

// periodView is one period of one obligation with every unit's assignment.
type periodView struct {
	Obligation db.Obligation
	Period     db.Period
	Items      []db.Item
}

// recentWindow is how long after its deadline a period stays "current"
// while some unit still owes it: the Office chases it before looking ahead.
const recentWindow = 30 * 24 * time.Hour

// currentPeriod picks what the Office is working on for an obligation: a
// period whose deadline passed recently and which some unit still owes,
// else the next one due, else the last one.
func currentPeriod(r *db.Reader, obligationID int64, now time.Time) (db.Period, error) {
	periods, err := r.Periods(obligationID)
	if err != nil {
		return db.Period{}, err
	}
	if len(periods) == 0 {
		return db.Period{}, db.ErrNotFound
	}
	for _, p := range periods {
		if p.DeadlineAt.After(now) {
			return p, nil
		}
		if now.Sub(p.DeadlineAt) > recentWindow {
			continue
		}
		items, err := r.PeriodItems(p.ID)
		if err != nil {
			return db.Period{}, err
		}
		for _, it := range items {
			if it.Open() {
				return p, nil
			}
		}
	}
	return periods[len(periods)-1], nil
}

// errUnknownSelection means the argument names no obligation and no period.
var errUnknownSelection = errors.New("unknown obligation or period")

// selectPeriods reads what a console command is about: nothing (the
// current period of every open obligation), an obligation code (its
// current period), a period key such as 2026-H1 (that period of every
// obligation that has one), or both ("BC6T 2026-H1").
func selectPeriods(r *db.Reader, now time.Time, arg string) ([]periodView, error) {
	obs, err := r.Obligations(false)
	if err != nil {
		return nil, err
	}
	var only *db.Obligation
	key := ""
	for _, word := range strings.Fields(arg) {
		if o, err := r.ObligationByCode(word); err == nil && only == nil {
			only = &o
			continue
		} else if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		if key != "" {
			return nil, errUnknownSelection
		}
		key = word
	}
	if only != nil {
		obs = []db.Obligation{*only}
	}
	var out []periodView
	for _, o := range obs {
		var p db.Period
		if key != "" {
			p, err = r.PeriodByKey(o.ID, key)
		} else {
			p, err = currentPeriod(r, o.ID, now)
		}
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		v, err := loadView(r, o, p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 && (key != "" || only != nil) {
		return nil, errUnknownSelection
	}
	return out, nil
}

func loadView(r *db.Reader, o db.Obligation, p db.Period) (periodView, error) {
	items, err := r.PeriodItems(p.ID)
	return periodView{Obligation: o, Period: p, Items: items}, err
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
func (r *Request) replyFile(kind, path, name, caption string) {
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

// ExportReport builds the export of a selection (see selectPeriods): the
// status of every unit and the register of every received version. The
// bot's /export and "reportbot export" share it.
func ExportReport(r *db.Reader, loc *time.Location, now time.Time, selection string) (export.Report, error) {
	views, err := selectPeriods(r, now, selection)
	if err != nil {
		return export.Report{}, err
	}
	return buildReport(r, loc, now, views)
}

// ErrUnknownSelection is returned by ExportReport for an argument that names
// no obligation or period.
var ErrUnknownSelection = errUnknownSelection

func buildReport(r *db.Reader, loc *time.Location, now time.Time, views []periodView) (export.Report, error) {
	rep := export.Report{Location: loc, Title: tr("vi", "export.title", periodsTitle(views, "vi"))}
	grid := buildGrid(views, now)
	rep.Columns = grid.columns
	for _, u := range grid.units {
		row := export.StatusRow{Code: u.Code, Name: u.Name}
		for _, st := range grid.cells[u.ID] {
			row.Cells = append(row.Cells, export.Cell{Text: st.label("vi"), Fill: st.style().fill})
		}
		rep.Status = append(rep.Status, row)
	}
	names := map[int64]string{}
	for _, v := range views {
		subs, err := r.PeriodSubmissions(v.Period.ID)
		if err != nil {
			return rep, err
		}
		byAssignment := map[int64]db.Item{}
		for _, it := range v.Items {
			byAssignment[it.ID] = it
		}
		for _, s := range subs {
			it := byAssignment[s.AssignmentID]
			e := export.Entry{
				Receipt: s.Receipt(), UnitCode: it.Unit.Code, UnitName: it.Unit.Name, Obligation: v.Obligation.Code,
				Period: reminders.PeriodName(v.Period.Key, "vi"), Version: s.Version, ReceivedAt: s.ReceivedAt, DaysLate: s.DaysLate,
				Status: tr("vi", "export.sub_"+s.Status), ReviewedAt: s.ReviewedAt, DocNumber: s.DocNumber,
			}
			if s.ReviewedBy != 0 {
				if _, ok := names[s.ReviewedBy]; !ok {
					m, _ := r.Member(s.ReviewedBy)
					names[s.ReviewedBy] = m.Name
				}
				e.Reviewer = names[s.ReviewedBy]
			}
			for _, f := range s.Files {
				e.SHA256 = append(e.SHA256, f.SHA256)
			}
			rep.Entries = append(rep.Entries, e)
		}
	}
	up, err := upwardEntries(r, views)
	rep.Entries = append(rep.Entries, up...)
	return rep, err
}

// periodsTitle names what a selection covers: one period's name, or the
// names of the periods joined.
func periodsTitle(views []periodView, lang string) string {
	seen := map[string]bool{}
	var names []string
	for _, v := range views {
		n := reminders.PeriodName(v.Period.Key, lang)
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

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
	rep, err := buildReport(rd, b.loc, now, views)
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
		// Several obligations share the period: one folder each.
		groups, err := acceptedFiles(rd, v, b.cfg.DataDir, len(views) > 1)
		if err != nil {
			return err
		}
		for _, g := range groups {
			units++
			for range g {
				unitsDone = append(unitsDone, units)
			}
			files = append(files, g...)
		}
	}
	title := periodsTitle(views, r.Lang)
	if len(files) == 0 {
		r.Reply(r.T("archive.empty", title))
		return nil
	}
	rep, err := buildReport(rd, b.loc, now, views)
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

// DeadlineCalendar builds the iCalendar of deadlines from now on: a unit's
// (with its own extended deadlines) when unitCode is given, else every
// obligation's. Alarms follow each obligation's reminders.
func DeadlineCalendar(r *db.Reader, now time.Time, unitCode string) (export.Calendar, error) {
	pol, err := reminders.LoadPolicy(r)
	if err != nil {
		return export.Calendar{}, err
	}
	dept, _ := r.Setting("department")
	cal := export.Calendar{Name: strings.TrimSpace(tr("vi", "cal.name") + " " + dept)}
	add := func(o db.Obligation, p db.Period, deadline time.Time, uid string) {
		cal.Events = append(cal.Events, export.Event{
			UID:         uid,
			Summary:     tr("vi", "cal.summary", o.Code, o.Title, reminders.PeriodName(p.Key, "vi")),
			Description: tr("vi", "cal.description", o.Title, reminders.PeriodName(p.Key, "vi"), o.Basis),
			Start:       deadline,
			Alarms:      alarms(o, deadline, pol),
			Updated:     now,
		})
	}
	if unitCode != "" {
		u, err := r.UnitByCode(unitCode)
		if err != nil {
			return cal, err
		}
		cal.Name += " — " + u.Name
		items, err := r.UnitItems(u.ID, now, now.AddDate(3, 0, 0))
		if err != nil {
			return cal, err
		}
		for _, it := range items {
			add(it.Obligation, it.Period, it.DeadlineAt, fmt.Sprintf("%s-%s-%s@reportbot", it.Obligation.Code, it.Period.Key, u.Code))
		}
		return cal, nil
	}
	obs, err := r.Obligations(false)
	if err != nil {
		return cal, err
	}
	for _, o := range obs {
		periods, err := r.Periods(o.ID)
		if err != nil {
			return cal, err
		}
		for _, p := range periods {
			if p.DeadlineAt.After(now) {
				add(o, p, p.DeadlineAt, fmt.Sprintf("%s-%s@reportbot", o.Code, p.Key))
			}
		}
	}
	return cal, nil
}

// alarms turns an obligation's reminder offsets into alarms before the
// deadline: day offsets ring at the working hour of that day, as the bot's
// own reminders go out.
func alarms(o db.Obligation, deadline time.Time, pol reminders.Policy) []time.Duration {
	loc := pol.Location()
	var out []time.Duration
	for _, s := range strings.Split(o.Offsets, ",") {
		off, err := reminders.ParseOffset(s)
		if err != nil {
			continue
		}
		if off.Dur > 0 {
			out = append(out, off.Dur)
			continue
		}
		d := deadline.In(loc).AddDate(0, 0, -off.Days)
		ring := time.Date(d.Year(), d.Month(), d.Day(), pol.WorkingHour, pol.WorkingMinute, 0, 0, loc)
		if before := deadline.Sub(ring); before > 0 {
			out = append(out, before)
		}
	}
	return out
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
	cal, err := DeadlineCalendar(rd, b.store.Now(), code)
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
