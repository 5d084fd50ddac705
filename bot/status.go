package bot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/render"
)

// unitState is where one unit stands on one period.
type unitState int

// The states, in the order the Office reads them: done, waiting for the
// Office, needing the unit, and (stNone) not owed at all.
const (
	stAccepted  unitState = iota // the Office accepted it
	stReceived                   // received, waiting for the Office's review
	stReturned                   // returned to the unit to redo
	stExtension                  // not in yet, the unit has its own later deadline
	stMissing                    // not in yet, the deadline is still ahead
	stLate                       // not in yet, the deadline has passed
	stNone                       // the unit does not owe this period
	stateCount
)

// stateStyle is how a state shows in text (an emoji), in the picture (a
// mark the embedded font has) and in both the picture and the workbook (a
// fill colour). One table, so the three never disagree.
type stateStyle struct {
	emoji string
	mark  string
	fill  color.RGBA
}

var stateStyles = [stateCount]stateStyle{
	stAccepted:  {"✅", "✓", color.RGBA{0xbb, 0xf7, 0xd0, 0xff}},
	stReceived:  {"📥", "↓", color.RGBA{0xbf, 0xdb, 0xfe, 0xff}},
	stReturned:  {"↩️", "↩", color.RGBA{0xfe, 0xd7, 0xaa, 0xff}},
	stExtension: {"⏳", "+", color.RGBA{0xfe, 0xf0, 0x8a, 0xff}},
	stMissing:   {"❌", "·", color.RGBA{0xf3, 0xf4, 0xf6, 0xff}},
	stLate:      {"🕒", "✗", color.RGBA{0xfe, 0xca, 0xca, 0xff}},
	stNone:      {"", "–", color.RGBA{0xff, 0xff, 0xff, 0xff}},
}

var stateKeys = [stateCount]string{"accepted", "received", "returned", "extension", "missing", "late", "none"}

func (s unitState) style() stateStyle { return stateStyles[s] }

// label is the state's name in a language.
func (s unitState) label(lang string) string { return tr(lang, "status.state."+stateKeys[s]) }

// stateOf tells where an assignment stands at now.
func stateOf(it db.Item, now time.Time) unitState {
	switch it.Status {
	case db.StatusAccepted:
		return stAccepted
	case db.StatusSubmitted:
		return stReceived
	case db.StatusReturned:
		return stReturned
	}
	switch {
	case !it.DeadlineAt.After(now):
		return stLate
	case it.DeadlineAt.After(it.Period.DeadlineAt):
		return stExtension
	}
	return stMissing
}

// grid is a selection laid out as units × columns.
type grid struct {
	columns []string
	units   []db.Unit
	cells   map[int64][]unitState // by unit id, one per column
}

// buildGrid lays out views, one column per view, units in code order.
func buildGrid(views []periodView, now time.Time) grid {
	g := grid{cells: map[int64][]unitState{}}
	byID := map[int64]db.Unit{}
	for _, v := range views {
		for _, it := range v.Items {
			byID[it.Unit.ID] = it.Unit
		}
	}
	for _, u := range byID {
		g.units = append(g.units, u)
		g.cells[u.ID] = make([]unitState, len(views))
		for i := range views {
			g.cells[u.ID][i] = stNone
		}
	}
	sort.Slice(g.units, func(i, j int) bool { return g.units[i].Code < g.units[j].Code })
	for i, v := range views {
		g.columns = append(g.columns, v.Obligation.Code+" "+v.Period.Key)
		for _, it := range v.Items {
			g.cells[it.Unit.ID][i] = stateOf(it, now)
		}
	}
	return g
}

// statusPNG draws the grid of a selection, in pages (render.Pages) when it
// is too long for one photo, and writes them under <data>/out.
func (b *Bot) statusPNG(r *Request, views []periodView, now time.Time) ([]string, error) {
	g := buildGrid(views, now)
	pic := render.Grid{
		Title:    tr("vi", "status.picture_title", periodsTitle(views, "vi")),
		Subtitle: tr("vi", "status.picture_subtitle", formatDateTime(now, b.loc)),
		Columns:  g.columns,
	}
	for _, u := range g.units {
		row := render.Row{Label: u.Code + " — " + u.Name}
		for _, s := range g.cells[u.ID] {
			row.Cells = append(row.Cells, render.Cell{Text: s.style().mark, Fill: s.style().fill})
		}
		pic.Rows = append(pic.Rows, row)
	}
	for s := stAccepted; s < stNone; s++ {
		pic.Legend = append(pic.Legend, render.LegendItem{Cell: render.Cell{Text: s.style().mark, Fill: s.style().fill}, Label: s.label("vi")})
	}
	pages, err := render.Pages(pic)
	if err != nil {
		return nil, err
	}
	var paths []string
	for i, page := range pages {
		if len(pages) > 1 {
			page.Subtitle = tr("vi", "status.picture_subtitle_page", formatDateTime(now, b.loc), i+1, len(pages))
		}
		var buf bytes.Buffer
		if err := render.PNG(&buf, page); err != nil {
			return nil, err
		}
		path, err := b.writeOut(r, statusFileName(i+1, len(pages)), func(f *os.File) error { _, err := f.Write(buf.Bytes()); return err })
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// statusFileName is the file name of one page of the status picture.
func statusFileName(page, pages int) string {
	if pages == 1 {
		return "tinh-hinh.png"
	}
	return fmt.Sprintf("tinh-hinh-%d.png", page)
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
		r.replyFile(db.KindPhoto, png, statusFileName(i+1, len(pngs)), statusCaption(r, views, i+1, len(pngs)))
	}
	text, kb, err := b.statusMessage(r, views, now)
	if err != nil {
		return err
	}
	r.ReplyWith(db.OutMessage{Text: text, Markup: Keyboard(kb...)})
	return nil
}

// statusMessage is the text of a selection and its navigation buttons. One
// obligation gets a line per unit and buttons to its neighbouring periods;
// several get their counts and a button each.
func (b *Bot) statusMessage(r *Request, views []periodView, now time.Time) (string, [][]Button, error) {
	var sb strings.Builder
	var kb [][]Button
	detail := len(views) == 1
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
				lines = append(lines, fmt.Sprintf("%s %s — %s%s", s.style().emoji, it.Unit.Code, unitName(it.Unit, r.Lang), b.lateNote(r.Lang, it, s, now)))
			}
		}
		sb.WriteString("\n" + countsLine(r.Lang, counts, len(v.Items)))
		if len(lines) > 0 {
			sb.WriteString("\n" + strings.Join(lines, "\n"))
		}
	}
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
				nav = append(nav, Button{"◀ " + periods[i-1].Key, fmt.Sprintf("st:%d:%d", v.Obligation.ID, periods[i-1].ID)})
			}
			if i+1 < len(periods) {
				nav = append(nav, Button{periods[i+1].Key + " ▶", fmt.Sprintf("st:%d:%d", v.Obligation.ID, periods[i+1].ID)})
			}
		}
		kb = append(kb, nav, []Button{{r.T("status.overview"), "st:0:0"}})
	} else {
		var row []Button
		for _, v := range views {
			row = append(row, Button{v.Obligation.Code, fmt.Sprintf("st:%d:%d", v.Obligation.ID, v.Period.ID)})
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

// periodHeader names an obligation's period, its deadline and the days left.
func (b *Bot) periodHeader(lang string, v periodView, now time.Time) string {
	when := b.when(lang, v.Period.DeadlineAt, now)
	return tr(lang, "status.header", v.Obligation.Code, obligationTitle(v.Obligation, lang), reminders.PeriodName(v.Period.Key, lang),
		formatDate(v.Period.DeadlineAt, b.loc), weekday(v.Period.DeadlineAt, b.loc, lang), when)
}

// lateNote adds "days late" to a late unit's line.
func (b *Bot) lateNote(lang string, it db.Item, s unitState, now time.Time) string {
	if s != stLate {
		return ""
	}
	return tr(lang, "status.days_late", -daysUntil(now, it.DeadlineAt, b.loc))
}

// countsLine sums a period up: "✅ 3 · 📥 1 · 🕒 2 — 3/9 accepted".
func countsLine(lang string, counts []int, total int) string {
	var parts []string
	for s := stAccepted; s < stNone; s++ {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s.style().emoji, counts[s]))
		}
	}
	return strings.Join(parts, " · ") + " — " + tr(lang, "status.accepted_of", counts[stAccepted], total)
}

// onStatusButton moves a status message to another obligation or period by
// editing it in place: "st:<obligation>:<period>", 0:0 for the overview.
func (b *Bot) onStatusButton(r *Request, args []string) error {
	ids, ok := parseIDs(args, 2)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	var views []periodView
	var err error
	if ids[0] == 0 {
		views, err = selectPeriods(rd, now, "")
	} else {
		var o db.Obligation
		var p db.Period
		o, err = rd.Obligation(ids[0])
		if err == nil {
			p, err = rd.Period(ids[1])
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
	b.editMessage(r, text, kb)
	return nil
}

// editMessage replaces the text and buttons of the message a button was
// pressed on. Edits change what is already there, so they are not
// outbox-bound; a failed edit (the message is too old, or unchanged) is
// logged and the user can ask again.
func (b *Bot) editMessage(r *Request, text string, kb [][]Button) {
	if utf8.RuneCountInString(text) > maxMessageRunes {
		text = string([]rune(text)[:maxMessageRunes-1]) + "…"
	}
	_, err := b.tg.EditMessageText(r.ctx, &tgbot.EditMessageTextParams{
		ChatID: r.Ev.ChatID, MessageID: r.Ev.MessageID, Text: text, ReplyMarkup: inlineMarkup(kb),
	})
	if err != nil {
		b.log.Warn("edit message", "err", redact(err.Error(), b.cfg.Token))
	}
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

// parseIDs reads n numeric callback arguments; anything else is forged or
// from an older version of the bot.
func parseIDs(args []string, n int) ([]int64, bool) {
	if len(args) != n {
		return nil, false
	}
	out := make([]int64, n)
	for i, a := range args {
		v, err := strconv.ParseInt(a, 10, 64)
		if err != nil || v < 0 {
			return nil, false
		}
		out[i] = v
	}
	return out, true
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
			kb = append(kb, []Button{{r.T("overdue.nudge_button", it.Unit.Code, v.Obligation.Code), fmt.Sprintf("nudge:%d", it.ID)}})
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
	r.ReplyWith(db.OutMessage{Text: sb.String(), Markup: Keyboard(kb...)})
	return nil
}

// overdueLine says how late a unit is, who its head is, when it was last
// reminded, and whether anyone there can be reached.
func (b *Bot) overdueLine(r *Request, it db.Item, lastReminded time.Time, now time.Time) (string, error) {
	members, err := b.store.Read(r.ctx).Members(it.Unit.ID)
	if err != nil {
		return "", err
	}
	line := fmt.Sprintf("🕒 %s — %s: %s", it.Unit.Code, unitName(it.Unit, r.Lang), r.T("status.days_late", -daysUntil(now, it.DeadlineAt, b.loc)))
	var heads []string
	reachable := 0
	for _, m := range members {
		if m.Role == db.RoleHead {
			h := m.Name
			if !m.UnreachableAt.IsZero() {
				h += " " + r.T("overdue.blocked")
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

// onNudge sends a nudge about one assignment now: "nudge:<assignment>".
func (b *Bot) onNudge(r *Request, args []string) error {
	ids, ok := parseIDs(args, 1)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	it, err := b.store.Read(r.ctx).Item(ids[0])
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	if !it.Open() {
		r.Toast(r.T("overdue.already_in", it.Unit.Code))
		return nil
	}
	n, err := b.nudge(r, []db.Item{it})
	if err != nil {
		return err
	}
	if n == 0 {
		r.Toast(r.T("overdue.nobody", it.Unit.Code))
		r.Reply(r.T("overdue.nobody", it.Unit.Code))
		return nil
	}
	r.Toast(r.T("overdue.nudged", it.Unit.Code, n))
	return nil
}

// cmdRemind nudges every unit that has not submitted the current periods:
// "/remind all".
func (b *Bot) cmdRemind(r *Request) error {
	arg := strings.ToLower(strings.TrimSpace(r.Ev.Args))
	if arg != "all" && arg != "tất cả" && arg != "tatca" {
		r.Reply(r.T("overdue.remind_usage"))
		return nil
	}
	now := b.store.Now()
	views, err := selectPeriods(b.store.Read(r.ctx), now, "")
	if err != nil {
		return err
	}
	var items []db.Item
	units := map[int64]bool{}
	for _, v := range views {
		for _, it := range v.Items {
			if it.Open() && it.Unit.ClosedAt.IsZero() {
				items = append(items, it)
				units[it.UnitID] = true
			}
		}
	}
	if len(items) == 0 {
		r.Reply(r.T("overdue.remind_none"))
		return nil
	}
	n, err := b.nudge(r, items)
	if err != nil {
		return err
	}
	r.Reply(r.T("overdue.remind_done", len(units), n))
	return nil
}

// nudge queues an "đôn đốc" message about each item to every reachable
// member of its unit, through the outbox (so the sender's limits apply),
// and records each in the audit log, in one transaction. It returns how
// many messages it queued.
func (b *Bot) nudge(r *Request, items []db.Item) (int, error) {
	now := b.store.Now()
	n := 0
	err := r.Tx(func(tx *db.Tx) error {
		rd := tx.Reader()
		for _, it := range items {
			members, err := rd.Members(it.UnitID)
			if err != nil {
				return err
			}
			sent := 0
			for _, m := range members {
				if !m.UnreachableAt.IsZero() {
					continue
				}
				lang := pickLang(m.Lang, "")
				text := tr(lang, "overdue.nudge_text", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
					formatDate(it.DeadlineAt, b.loc), b.when(lang, it.DeadlineAt, now))
				// Keyed by the update: pressing the button again sends again,
				// re-handling the same press does not.
				r.Send(db.OutMessage{
					Key: fmt.Sprintf("nudge:%d:%d:u%d", it.ID, m.ID, r.Ev.UpdateID), ChatID: m.TelegramID, MemberID: m.ID,
					Text: text, Purpose: "nudge", RefID: it.ID,
				})
				sent++
			}
			if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "nudge", it.Unit.Code, fmt.Sprintf("%s %s: %d", it.Obligation.Code, it.Period.Key, sent)); err != nil {
				return err
			}
			n += sent
		}
		return nil
	})
	return n, err
}
