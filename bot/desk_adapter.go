package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/desk"
	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/reporting"
)

// deskCore gives the desk the bot's rules: the desk's actions run the very
// handlers the chat's buttons run, as if the member had pressed them, so the
// same checks apply and the same messages go out. When the Telegram-free
// core exists, this adapter is re-pointed to it.
type deskCore struct{ b *Bot }

// DeskCore is the desk's access to the rules of a report's life.
func (b *Bot) DeskCore() desk.Core { return deskCore{b} }

// deskUpdates numbers desk actions below zero, apart from Telegram's update
// ids, so the outbox keys of their messages never meet a chat update's.
var deskUpdates atomic.Int64

func init() { deskUpdates.Store(-time.Now().UnixNano()) }

// deskPress marks a desk action as a button press: the core's refusals
// then come back as the press's answer (shown on the desk) instead of a
// message in the chat, and no callback query is answered.
const deskPress = "desk"

// request is a desk action dressed as a press by actor in chatID; lang is
// the language the desk speaks to them.
func (c deskCore) request(ctx context.Context, actor db.Member, lang string, chatID int64, chatType string) *Request {
	ev := &Event{UpdateID: deskUpdates.Add(-1), ChatID: chatID, ChatType: chatType, CallbackID: deskPress,
		From: User{ID: actor.TelegramID, Name: actor.Name, Username: actor.Username}}
	return &Request{ctx: ctx, b: c.b, Ev: ev, Member: &actor, Lang: lang}
}

// finish stores what the handler queued outside its own transaction and
// wakes the sender.
func (c deskCore) finish(r *Request, err error) error {
	if err != nil {
		return err
	}
	if len(r.replies) > 0 {
		if err := r.Tx(func(*db.Tx) error { return nil }); err != nil {
			return err
		}
	}
	if r.sent > 0 {
		c.b.sender.Kick()
	}
	return nil
}

// officeChat is where an Office decision is announced: the Office chat, as
// when its button is pressed there, or the member's own chat without one.
func (c deskCore) officeChat(ctx context.Context, actor db.Member) (int64, string) {
	if office, err := c.b.store.Read(ctx).Chat(db.ChatOffice); err == nil {
		return office.ChatID, "supergroup"
	}
	return actor.TelegramID, "private"
}

// card is the Office chat's message with a submission's Accept and Return
// buttons, so a decision on the desk closes them as a press would; 0, 0
// when there is none.
func (c deskCore) card(ctx context.Context, submissionID int64) (chatID int64, messageID int) {
	rd := c.b.store.Read(ctx)
	office, err := rd.Chat(db.ChatOffice)
	if err != nil {
		return 0, 0
	}
	id, err := rd.LastMessageAbout(office.ChatID, "submission", submissionID)
	if err != nil {
		return 0, 0
	}
	return office.ChatID, id
}

func (c deskCore) Lang(chosen, telegram string) string { return pickLang(chosen, telegram) }

func (c deskCore) RoleName(role db.Role, lang string) string { return tr(lang, "role."+string(role)) }

// deskState is a state as /status shows it: the same mark, words and fill
// (stateStyles), so the desk has no table of its own.
func deskState(s unitState, lang string) desk.State {
	st := s.style()
	fill := fmt.Sprintf("#%02x%02x%02x", st.fill.R, st.fill.G, st.fill.B)
	return desk.State{Key: stateKeys[s], Symbol: st.mark, Label: s.label(lang), Fill: fill}
}

func (c deskCore) Grid(ctx context.Context, lang, selection string) (desk.Grid, error) {
	b := c.b
	rd := b.store.Read(ctx)
	now := b.store.Now()
	views, err := selectPeriods(rd, now, selection)
	if errors.Is(err, errUnknownSelection) {
		return desk.Grid{}, desk.ErrUnknownSelection
	}
	if err != nil {
		return desk.Grid{}, err
	}
	g := buildGrid(views, now, lang)
	out := desk.Grid{Columns: []desk.Column{}, Rows: []desk.Row{}, Obligations: []desk.Named{}, Periods: []desk.Named{}}
	for _, v := range views {
		out.Columns = append(out.Columns, desk.Column{Obligation: v.Obligation.Code, Title: obligationTitle(v.Obligation, lang),
			Period: v.Period.Key, PeriodName: deskPeriodName(v.Obligation, v.Period.Key, lang), Deadline: formatDate(v.Period.DeadlineAt, b.loc)})
	}
	for _, u := range g.units {
		row := desk.Row{UnitID: u.ID, Code: u.Code, Name: unitName(u, lang)}
		for _, s := range g.cells[u.ID] {
			row.Cells = append(row.Cells, deskState(s, lang))
		}
		out.Rows = append(out.Rows, row)
	}
	for s := stAccepted; s < stNone; s++ {
		out.Legend = append(out.Legend, deskState(s, lang))
	}
	obs, err := rd.Obligations(false)
	if err != nil {
		return desk.Grid{}, err
	}
	seen := map[string]bool{}
	for _, o := range obs {
		out.Obligations = append(out.Obligations, desk.Named{Code: o.Code, Name: obligationTitle(o, lang)})
		periods, err := rd.Periods(o.ID)
		if err != nil {
			return desk.Grid{}, err
		}
		for _, p := range periods {
			if !seen[p.Key] && !p.Start.After(now.AddDate(1, 0, 0)) {
				seen[p.Key] = true
				out.Periods = append(out.Periods, desk.Named{Code: p.Key, Name: b.deskPeriodDated(o, p, lang)})
			}
		}
	}
	sort.Slice(out.Periods, func(i, j int) bool { return out.Periods[i].Code > out.Periods[j].Code })
	return out, nil
}

// deskWindow is how far back and ahead a unit's page looks.
const deskWindow = 400 * 24 * time.Hour

func (c deskCore) Unit(ctx context.Context, lang string, unitID int64) (desk.UnitPage, error) {
	b := c.b
	rd := b.store.Read(ctx)
	now := b.store.Now()
	u, err := rd.Unit(unitID)
	if err != nil {
		return desk.UnitPage{}, err
	}
	items, err := rd.UnitItems(unitID, now.Add(-deskWindow), now.Add(deskWindow))
	if err != nil {
		return desk.UnitPage{}, err
	}
	names := memberNames{rd: rd, names: map[int64]string{}}
	page := desk.UnitPage{UnitID: u.ID, Code: u.Code, Name: unitName(u, lang), Items: []desk.UnitItem{}, Audit: []desk.AuditLine{}}
	about := auditSubjects{}
	for i := len(items) - 1; i >= 0; i-- { // latest deadline first
		it := items[i]
		view := desk.UnitItem{AssignmentID: it.ID, Obligation: it.Obligation.Code, Title: obligationTitle(it.Obligation, lang),
			PeriodName: deskPeriodName(it.Obligation, it.Period.Key, lang), Deadline: formatDate(it.DeadlineAt, b.loc),
			State: deskState(stateOf(it, now), lang), Open: it.Open(),
			Submissions: []desk.SubmissionView{}, Extensions: []desk.ExtensionView{}}
		about.item(b, it, lang)
		subs, err := rd.Submissions(it.ID)
		if err != nil {
			return desk.UnitPage{}, err
		}
		for j := len(subs) - 1; j >= 0; j-- { // newest version first
			s := subs[j]
			about.submission(s, it, lang)
			sv := desk.SubmissionView{ID: s.ID, Version: s.Version, Receipt: s.Receipt(), DocNumber: s.DocNumber,
				ReceivedAt: formatDateTime(s.ReceivedAt, b.loc), SentBy: names.of(s.MemberID), Source: string(s.Source),
				Timeliness: b.lateness(lang, s, it), Status: string(s.Status), StatusText: reporting.ReviewName(s.Status, lang),
				ReviewedBy: names.of(s.ReviewedBy), Reason: s.ReviewNote, Files: deskFiles(s.Files, lang)}
			if !s.ReviewedAt.IsZero() {
				sv.ReviewedAt = formatDateTime(s.ReviewedAt, b.loc)
			}
			view.Submissions = append(view.Submissions, sv)
		}
		exts, err := rd.Extensions(it.ID)
		if err != nil {
			return desk.UnitPage{}, err
		}
		for _, e := range exts {
			about.extension(b, e, lang)
			view.Extensions = append(view.Extensions, desk.ExtensionView{ID: e.ID, Reason: e.Reason,
				Proposed: formatDate(e.ProposedAt, b.loc), Status: string(e.Status), StatusText: tr(lang, "desk.ext_"+string(e.Status))})
		}
		page.Items = append(page.Items, view)
	}
	trail, err := rd.AuditAbout(about.keys())
	if err != nil {
		return desk.UnitPage{}, err
	}
	for _, e := range trail {
		page.Audit = append(page.Audit, desk.AuditLine{At: formatDateTime(e.At, b.loc), Who: names.of(e.MemberID),
			Action: auditLabel(lang, e.Action), Detail: about.detail(e, lang)})
	}
	return page, nil
}

// memberNames looks members' names up once each.
type memberNames struct {
	rd    *db.Reader
	names map[int64]string
}

func (n memberNames) of(id int64) string {
	if id == 0 {
		return ""
	}
	if name, ok := n.names[id]; ok {
		return name
	}
	m, err := n.rd.Member(id)
	if err != nil {
		return ""
	}
	n.names[id] = m.Name
	return m.Name
}

func deskFiles(files []db.SubmissionFile, lang string) []desk.FileView {
	out := []desk.FileView{}
	for _, f := range files {
		out = append(out, desk.FileView{ID: f.ID, Name: f.FileName, Size: humanSize(f.Size, lang)})
	}
	return out
}

// registerLimit is how many lines of the register one search shows.
const registerLimit = 200

func (c deskCore) Register(ctx context.Context, lang, query string) ([]desk.RegisterRow, error) {
	b := c.b
	entries, err := b.store.Read(ctx).Register(query, registerLimit)
	if err != nil {
		return nil, err
	}
	out := make([]desk.RegisterRow, 0, len(entries))
	for _, e := range entries {
		out = append(out, desk.RegisterRow{Receipt: e.Receipt(), ReceivedAt: formatDateTime(e.ReceivedAt, b.loc), UnitID: e.Item.UnitID,
			Unit: e.Item.Unit.Code + " — " + unitName(e.Item.Unit, lang), Obligation: obligationTitle(e.Item.Obligation, lang),
			PeriodName: b.deskPeriodDated(e.Item.Obligation, e.Item.Period, lang), DocNumber: e.DocNumber,
			Status: reporting.ReviewName(e.Status, lang), Files: deskFiles(e.Files, lang)})
	}
	return out, nil
}

func (c deskCore) Export(ctx context.Context, w io.Writer, lang, selection string) (string, error) {
	rd := c.b.store.Read(ctx)
	now := c.b.store.Now()
	views, err := selectPeriods(rd, now, selection)
	if errors.Is(err, errUnknownSelection) {
		return "", desk.ErrUnknownSelection
	}
	if err != nil {
		return "", err
	}
	rep, err := reporting.Workbook(rd, c.b.loc, now, views, lang)
	if err != nil {
		return "", err
	}
	return tr(lang, "export.file") + "-" + fileKey(views, lang) + ".xlsx", export.XLSX(w, rep)
}

func (c deskCore) Accept(ctx context.Context, actor db.Member, lang string, submissionID int64) (desk.Outcome, error) {
	chatID, chatType := c.officeChat(ctx, actor)
	r := c.request(ctx, actor, lang, chatID, chatType)
	if cardChat, card := c.card(ctx, submissionID); cardChat == chatID {
		r.Ev.MessageID = card
	}
	err := c.finish(r, c.b.cbAccept(r, []string{strconv.FormatInt(submissionID, 10)}))
	return c.reviewOutcome(r, submissionID, db.SubAccepted, err)
}

func (c deskCore) Return(ctx context.Context, actor db.Member, lang string, submissionID int64, reason string) (desk.Outcome, error) {
	r := c.request(ctx, actor, lang, actor.TelegramID, "private")
	r.Ev.Text = reason
	// The chat asks for the reason and waits for it; the desk has it at hand.
	p := db.PendingInput{TelegramID: actor.TelegramID, ChatID: actor.TelegramID, Kind: inputReturnReason, RefID: submissionID}
	if cardChat, card := c.card(ctx, submissionID); card != 0 {
		p.Data = fmt.Sprintf("%d:%d", cardChat, card) // as cbReturn notes it, so the card's buttons close
	}
	err := c.b.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SetPendingInput(p); err != nil {
			return err
		}
		var err error
		p, err = tx.Reader().PeekPendingInput(p.TelegramID, p.ChatID) // as stored, with its time
		return err
	})
	if err != nil {
		return desk.Outcome{}, err
	}
	err = c.finish(r, c.b.inputReturn(r, p))
	return c.reviewOutcome(r, submissionID, db.SubReturned, err)
}

// reviewOutcome tells whether the review left the submission in want, as
// this member's doing, and what the chat would have said.
func (c deskCore) reviewOutcome(r *Request, submissionID int64, want db.SubmissionStatus, err error) (desk.Outcome, error) {
	if err != nil {
		return desk.Outcome{}, err
	}
	sub, err := c.b.store.Read(r.ctx).Submission(submissionID)
	if err != nil {
		return desk.Outcome{}, err
	}
	done := r.sent > 0 && sub.Status == want && sub.ReviewedBy == r.Member.ID
	msg := r.callbackText
	switch {
	case done && want == db.SubReturned:
		msg = r.T("review.returned_ok")
	case !done && msg == "":
		msg = r.T("review.already")
	}
	return desk.Outcome{Done: done, Message: msg}, nil
}

func (c deskCore) Decide(ctx context.Context, actor db.Member, lang string, extensionID int64, approve bool) (desk.Outcome, error) {
	chatID, chatType := c.officeChat(ctx, actor)
	r := c.request(ctx, actor, lang, chatID, chatType)
	if err := c.finish(r, c.b.decideExtension(r, []string{strconv.FormatInt(extensionID, 10)}, approve)); err != nil {
		return desk.Outcome{}, err
	}
	return desk.Outcome{Done: r.sent > 0, Message: r.callbackText}, nil
}

func (c deskCore) Submit(ctx context.Context, actor db.Member, lang string, assignmentID int64, fileName string, body io.Reader) (desk.Outcome, error) {
	b := c.b
	r := c.request(ctx, actor, lang, actor.TelegramID, "private")
	it, err := b.store.Read(ctx).Item(assignmentID)
	if err != nil {
		return desk.Outcome{}, err
	}
	if !actor.Role.NeedsUnit() || it.UnitID != actor.UnitID {
		return desk.Outcome{}, db.ErrNotFound // another unit's: not theirs to see
	}
	before, err := b.store.Read(ctx).Submissions(it.ID)
	if err != nil {
		return desk.Outcome{}, err
	}
	f := File{Name: fileName}
	refused := func(p *fileProblem) (desk.Outcome, error) {
		b.refuse(r, p)
		return desk.Outcome{Message: said(r)}, nil
	}
	if p := checkName(f); p != nil {
		return refused(p)
	}
	d, err := b.spool(f, body, 0, func() {})
	var p *fileProblem
	if errors.As(err, &p) {
		return refused(p)
	}
	if err != nil {
		return desk.Outcome{}, err
	}
	in := incoming{ChatID: actor.TelegramID, Files: []File{f}, SenderName: actor.Name, FirstUpdate: r.Ev.UpdateID, uploaded: []*download{d}}
	err = b.receive(r, it, in, false)
	if err != nil {
		return desk.Outcome{}, err
	}
	after, err := b.store.Read(ctx).Submissions(it.ID)
	if err != nil {
		return desk.Outcome{}, err
	}
	if len(after) == len(before) {
		return desk.Outcome{Message: said(r)}, nil
	}
	if err := c.finish(r, nil); err != nil {
		return desk.Outcome{}, err
	}
	return desk.Outcome{Done: true, Message: r.T("desk.submitted", after[len(after)-1].Receipt())}, nil
}

// said is what the chat would have answered a refused or repeated file (a
// refusal of the core comes as the press's answer, the file checks' as a
// reply); the desk shows it instead of sending it.
func said(r *Request) string {
	if r.callbackText != "" || len(r.replies) == 0 {
		return r.callbackText
	}
	return r.replies[len(r.replies)-1].Text
}

// queueUploadedCopies sends the Office the files of a submission uploaded on
// the desk (no chat message to copy), the summary and the review buttons on
// the last one.
func (b *Bot) queueUploadedCopies(r *Request, office db.BoundChat, sub db.Submission, summary, buttons string) {
	for i, f := range sub.Files {
		m := db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Kind: db.KindDocument,
			FilePath: filepath.Join(b.cfg.DataDir, filepath.FromSlash(f.StoredPath)), FileName: f.FileName, Purpose: "submission", RefID: sub.ID}
		if i == len(sub.Files)-1 {
			m.Text, m.Markup = summary, buttons
		}
		r.Send(m)
	}
}

// MaxFileSize is the largest report file a member may submit, in chat or on
// the desk.
func (b *Bot) MaxFileSize() int64 { return b.maxFileSize() }
