package bot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"os"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/render"
	"github.com/reportbot/reportbot/reporting"
)

// unitState is where one unit stands on one period: the core's mark
// (reporting.Mark), which this file gives its symbols and words.
type unitState int

// The states, the core's marks in the order the Office reads them.
const (
	stAccepted  = unitState(reporting.MarkAccepted)
	stReceived  = unitState(reporting.MarkReceived)
	stReturned  = unitState(reporting.MarkReturned)
	stExtension = unitState(reporting.MarkExtension)
	stMissing   = unitState(reporting.MarkMissing)
	stLate      = unitState(reporting.MarkLate)
	stNone      = unitState(reporting.MarkNone)
	stateCount  = unitState(reporting.MarkCount)
)

// stateStyle is how a state shows: one mark, the same in the text and the
// picture (so it must be a glyph the picture's embedded font has, which
// rules emoji out), and a fill colour for the picture and the workbook.
// One table, so they never disagree.
type stateStyle struct {
	mark string
	fill color.RGBA
}

var stateStyles = [stateCount]stateStyle{
	stAccepted:  {"✓", color.RGBA{0xbb, 0xf7, 0xd0, 0xff}},
	stReceived:  {"◐", color.RGBA{0xbf, 0xdb, 0xfe, 0xff}},
	stReturned:  {"↩", color.RGBA{0xfe, 0xd7, 0xaa, 0xff}},
	stExtension: {"+", color.RGBA{0xfe, 0xf0, 0x8a, 0xff}},
	stMissing:   {"○", color.RGBA{0xf3, 0xf4, 0xf6, 0xff}},
	stLate:      {"✗", color.RGBA{0xfe, 0xca, 0xca, 0xff}},
	stNone:      {"–", color.RGBA{0xff, 0xff, 0xff, 0xff}},
}

var stateKeys = [stateCount]string{"accepted", "received", "returned", "extension", "missing", "late", "none"}

func (s unitState) style() stateStyle { return stateStyles[s] }

// label is the state's name in a language.
func (s unitState) label(lang string) string { return reporting.MarkName(reporting.Mark(s), lang) }

// stateOf tells where an assignment stands at now, by the core's rule
// (reporting.MarkOf).
func stateOf(it db.Item, now time.Time) unitState { return unitState(reporting.MarkOf(it, now)) }

// grid is a selection laid out as units × columns.
type grid struct {
	columns []string
	units   []db.Unit
	cells   map[int64][]unitState // by unit id, one per column
}

// buildGrid lays out views by the core's grid (reporting.BuildGrid).
func buildGrid(views []periodView, now time.Time, lang string) grid {
	g := reporting.BuildGrid(views, now, lang)
	out := grid{columns: g.Columns, units: g.Units, cells: map[int64][]unitState{}}
	for id, marks := range g.Cells {
		for _, m := range marks {
			out.cells[id] = append(out.cells[id], unitState(m))
		}
	}
	return out
}

// statusPNG draws the grid of a selection, in pages (render.Pages) when it
// is too long for one photo, and writes them under <data>/out.
func (b *Bot) statusPNG(r *Request, views []periodView, now time.Time) ([]string, error) {
	g := buildGrid(views, now, r.Lang)
	pic := render.Grid{
		Title:    tr(r.Lang, "status.picture_title", periodsTitle(views, r.Lang)),
		Subtitle: tr(r.Lang, "status.picture_subtitle", formatDateTime(now, b.loc)),
		Columns:  g.columns,
	}
	for _, u := range g.units {
		row := render.Row{Label: u.Code + " — " + u.Name}
		for _, s := range g.cells[u.ID] {
			row.Cells = append(row.Cells, render.Cell{Text: s.style().mark, Fill: s.style().fill})
		}
		pic.Rows = append(pic.Rows, row)
	}
	for s := range unitState(stateCount) {
		pic.Legend = append(pic.Legend, render.LegendItem{Cell: render.Cell{Text: s.style().mark, Fill: s.style().fill}, Label: s.label(r.Lang)})
	}
	pages, err := render.Pages(pic)
	if err != nil {
		return nil, err
	}
	var paths []string
	for i, page := range pages {
		if len(pages) > 1 {
			page.Subtitle = tr(r.Lang, "status.picture_subtitle_page", formatDateTime(now, b.loc), i+1, len(pages))
		}
		var buf bytes.Buffer
		if err := render.PNG(&buf, page); err != nil {
			return nil, err
		}
		path, err := b.writeOut(r, statusFileName(r, i+1, len(pages)), func(f *os.File) error { _, err := f.Write(buf.Bytes()); return err })
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// statusFileName is the file name of one page of the status picture.
func statusFileName(r *Request, page, pages int) string {
	name := r.T("status.file")
	if pages == 1 {
		return name
	}
	base := strings.TrimSuffix(name, ".png")
	return fmt.Sprintf("%s-%d.png", base, page)
}

// statusCaption names a picture of a selection, and its page if there are several.
func statusCaption(r *Request, views []periodView, page, pages int) string {
	if pages == 1 {
		return r.T("status.picture_caption", periodsTitle(views, r.Lang))
	}
	return r.T("status.picture_caption_page", periodsTitle(views, r.Lang), page, pages)
}

// cmdStatus sends the picture and the text of a selection; the text's
// buttons move between obligations and periods.
func (b *Bot) cmdStatus(r *Request) error {
	now := b.store.Now()
	views, ok, err := b.selection(r, b.store.Read(r.ctx), now, true)
	if !ok {
		return err
	}
	b.chatAction(r, models.ChatActionUploadPhoto)
	pngs, err := b.statusPNG(r, views, now)
	if err != nil {
		return err
	}
	for i, png := range pngs {
		r.replyFile(db.KindPhoto, png, statusFileName(r, i+1, len(pngs)), statusCaption(r, views, i+1, len(pngs)))
	}
	text, kb, err := b.statusMessage(r, views, now)
	if err != nil {
		return err
	}
	if err := r.ReplyList(text, kb); err != nil {
		return err
	}
	b.addDeskButton(r) // desk_chat.go
	return nil
}

// statusMessage is the text of a selection and its navigation buttons. One
// obligation gets a line per unit and buttons to its neighbouring periods;
// several get their counts and a button each.
func (b *Bot) statusMessage(r *Request, views []periodView, now time.Time) (string, [][]Button, error) {
	var sb strings.Builder
	var kb [][]Button
	detail := len(views) == 1
	if !detail {
		sb.WriteString(unitsLine(r.Lang, buildGrid(views, now, r.Lang)) + "\n\n")
	}
	for i, v := range views {
		if i > 0 {
			sb.WriteString("\n\n")
		}
		sb.WriteString(b.periodHeader(r.Lang, v, now))
		counts := make([]int, stateCount)
		var lines []string
		for _, it := range v.Items {
			s := stateOf(it, now)
			counts[s]++
			if detail || s == stLate || s == stReturned {
				lines = append(lines, fmt.Sprintf("%s %s — %s%s", s.style().mark, it.Unit.Code, unitName(it.Unit, r.Lang), b.lateNote(r.Lang, it, s, now)))
			}
		}
		sb.WriteString("\n" + countsLine(r.Lang, counts))
		up, err := b.upwardStatus(r, v, now)
		if err != nil {
			return "", nil, err
		}
		sb.WriteString(up)
		if len(lines) > 0 {
			sb.WriteString("\n" + strings.Join(lines, "\n"))
		}
	}
	sb.WriteString("\n\n" + legend(r.Lang))
	if detail {
		v := views[0]
		periods, err := b.store.Read(r.ctx).Periods(v.Obligation.ID)
		if err != nil {
			return "", nil, err
		}
		var nav []Button
		for i, p := range periods {
			if p.ID != v.Period.ID {
				continue
			}
			if i > 0 {
				nav = append(nav, Callback{Verb: VerbStatus, ID: v.Obligation.ID, Ref: periods[i-1].ID}.Button("◀ "+periods[i-1].Key))
			}
			if i+1 < len(periods) {
				nav = append(nav, Callback{Verb: VerbStatus, ID: v.Obligation.ID, Ref: periods[i+1].ID}.Button(periods[i+1].Key+" ▶"))
			}
		}
		kb = append(kb, nav, []Button{Callback{Verb: VerbStatus}.Button(r.T("status.overview"))})
	} else {
		var row []Button
		for _, v := range views {
			row = append(row, Callback{Verb: VerbStatus, ID: v.Obligation.ID, Ref: v.Period.ID}.Button(v.Obligation.Code))
			if len(row) == 4 {
				kb, row = append(kb, row), nil
			}
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
	}
	return sb.String(), kb, nil
}

// periodHeader names an obligation's period, its deadline (as the document
// words it, when the rule has a wording) and the days left.
func (b *Bot) periodHeader(lang string, v periodView, now time.Time) string {
	when := b.when(lang, v.Period.DeadlineAt, now)
	key, deadline := "status.header", formatDate(v.Period.DeadlineAt, b.loc)
	if worded := b.deadlineWording(lang, periodItem(v.Obligation, v.Period)); worded != "" {
		key, deadline = "status.header_worded", worded
	}
	return tr(lang, key, v.Obligation.Code, obligationTitle(v.Obligation, lang), reminders.PeriodName(v.Period.Key, lang),
		deadline, weekday(v.Period.DeadlineAt, b.loc, lang), when)
}

// lateNote adds "days late" to a late unit's line.
func (b *Bot) lateNote(lang string, it db.Item, s unitState, now time.Time) string {
	if s != stLate {
		return ""
	}
	return tr(lang, "status.days_late", b.daysLate(it, now))
}

// countsLine sums a period up in units: "✓ 3 · ◐ 1 · ✗ 2 — 3/6 accepted";
// units that do not owe it are not counted.
func countsLine(lang string, counts []int) string {
	var parts []string
	total := 0
	for s := stAccepted; s < stNone; s++ {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s.style().mark, counts[s]))
		}
		total += counts[s]
	}
	return strings.Join(parts, " · ") + " — " + tr(lang, "status.accepted_of", counts[stAccepted], total)
}

// unitsLine sums several periods up by unit, not by unit and report: how
// many units owe any of them, how many handed all in, how many are late
// with at least one.
func unitsLine(lang string, g grid) string {
	owing, done, late := 0, 0, 0
	for _, u := range g.units {
		owes, all, isLate := false, true, false
		for _, s := range g.cells[u.ID] {
			if s == stNone {
				continue
			}
			owes = true
			all = all && (s == stAccepted || s == stReceived)
			isLate = isLate || s == stLate
		}
		if !owes {
			continue
		}
		owing++
		if all {
			done++
		}
		if isLate {
			late++
		}
	}
	return tr(lang, "status.units", done, owing, late)
}

// legend says what each mark means, in the order of the picture's legend.
func legend(lang string) string {
	parts := make([]string, 0, stateCount)
	for s := range unitState(stateCount) {
		parts = append(parts, s.style().mark+" "+s.label(lang))
	}
	return strings.Join(parts, " · ")
}

// onStatusButton moves a status message to another obligation or period by
// editing it in place; obligation 0 is the overview.
func (b *Bot) onStatusButton(r *Request, c Callback) error {
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	var views []periodView
	var err error
	if c.ID == 0 {
		views, err = selectPeriods(rd, now, "")
	} else {
		var o db.Obligation
		var p db.Period
		o, err = rd.Obligation(c.ID)
		if err == nil {
			p, err = rd.Period(c.Ref)
		}
		if err == nil && p.ObligationID != o.ID {
			err = db.ErrNotFound
		}
		if err == nil {
			var v periodView
			v, err = loadView(rd, o, p)
			views = []periodView{v}
		}
	}
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	text, kb, err := b.statusMessage(r, views, now)
	if err != nil {
		return err
	}
	first, err := r.firstPage(kb)
	if err != nil {
		return err
	}
	b.editMessage(r, text, first)
	return nil
}

// editMessage queues replacing the text and buttons of the message a
// button was pressed on.
func (b *Bot) editMessage(r *Request, text string, kb [][]Button) {
	r.EditText(r.Ev.ChatID, r.Ev.MessageID, text, kb)
}

// maxMessageRunes is Telegram's limit on a message's text.
const maxMessageRunes = 4096

// inlineMarkup builds the keyboard Telegram takes. An empty row (a
// navigation row with nothing to go to) is left out: encoded it is null,
// and Telegram refuses the whole message for it.
func inlineMarkup(rows [][]Button) models.InlineKeyboardMarkup {
	kb := models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}
	for _, row := range rows {
		var out []models.InlineKeyboardButton
		for _, btn := range row {
			out = append(out, models.InlineKeyboardButton{Text: btn.Label, CallbackData: btn.Data})
		}
		if len(out) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, out)
		}
	}
	return kb
}

// cmdOverdue lists the late units of the current periods with what the
// Office needs to chase them, and a nudge button for each.
func (b *Bot) cmdOverdue(r *Request) error {
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	views, ok, err := b.selection(r, rd, now, false)
	if !ok {
		return err
	}
	var sb strings.Builder
	var kb [][]Button
	pending := 0
	for _, v := range views {
		reminded, err := rd.LastReminded(v.Period.ID)
		if err != nil {
			return err
		}
		var lines []string
		for _, it := range v.Items {
			switch stateOf(it, now) {
			case stLate:
			case stMissing, stExtension, stReturned:
				pending++
				continue
			default:
				continue
			}
			line, err := b.overdueLine(r, it, reminded[it.ID], now)
			if err != nil {
				return err
			}
			lines = append(lines, line)
			kb = append(kb, []Button{Callback{Verb: VerbNudge, ID: it.ID}.Button(r.T("overdue.nudge_button", it.Unit.Code, v.Obligation.Code))})
		}
		if len(lines) == 0 {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		sb.WriteString(b.periodHeader(r.Lang, v, now) + "\n" + strings.Join(lines, "\n"))
	}
	if sb.Len() == 0 {
		sb.WriteString(r.T("overdue.none"))
	}
	if pending > 0 {
		sb.WriteString("\n\n" + r.T("overdue.pending", pending))
	}
	if len(kb) > 0 {
		sb.WriteString("\n\n" + r.T("overdue.hint"))
	}
	return r.ReplyList(sb.String(), kb)
}

// overdueLine says how late a unit is, who its head is, when it was last
// reminded, and whether anyone there can be reached.
func (b *Bot) overdueLine(r *Request, it db.Item, lastReminded time.Time, now time.Time) (string, error) {
	members, err := b.store.Read(r.ctx).Members(it.Unit.ID)
	if err != nil {
		return "", err
	}
	line := fmt.Sprintf("🕒 %s — %s: %s", it.Unit.Code, unitName(it.Unit, r.Lang), r.T("status.days_late", b.daysLate(it, now)))
	var heads, todo []string
	reachable := 0
	for _, m := range members {
		if m.Role == db.RoleHead {
			h := m.Name
			if !m.UnreachableAt.IsZero() {
				h += " " + r.T("reach."+reachKey(m.Unreachable))
				todo = append(todo, r.T("reach."+reachKey(m.Unreachable)+"_todo", m.Name))
			}
			heads = append(heads, h)
		}
		if m.UnreachableAt.IsZero() {
			reachable++
		}
	}
	if len(heads) == 0 {
		line += "\n   " + r.T("overdue.no_head")
	} else {
		line += "\n   " + r.T("overdue.head", strings.Join(heads, ", "))
	}
	for _, t := range todo {
		line += "\n   " + t
	}
	if reachable == 0 && len(members) > 0 {
		line += "\n   " + r.T("overdue.unreachable")
	}
	if lastReminded.IsZero() {
		line += "\n   " + r.T("overdue.never_reminded")
	} else {
		line += "\n   " + r.T("overdue.last_reminded", formatDateTime(lastReminded, b.loc))
	}
	return line, nil
}
