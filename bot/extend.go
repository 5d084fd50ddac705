package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// inputExtension is a head's typed reason and date for an extension.
const inputExtension = "ext.request"

// registerExtend wires /extend, the extension button on reminders, and the
// Office's one-tap decision.
func (b *Bot) registerExtend() {
	b.addCommand(&command{name: "extend", roles: unitRoles, handle: b.cmdExtend})
	b.addCallback("ext", b.cbExtend)
	b.addInput(inputExtension, b.inputExtend)
	b.addCallback("exy", func(r *Request, args []string) error { return b.decideExtension(r, args, true) })
	b.addCallback("exn", func(r *Request, args []string) error { return b.decideExtension(r, args, false) })
}

// cmdExtend asks for which open report more time is wanted.
func (b *Bot) cmdExtend(r *Request) error {
	open, err := b.store.Read(r.ctx).OpenUnitItems(r.Member.UnitID)
	if err != nil {
		return err
	}
	switch len(open) {
	case 0:
		r.Reply(r.T("ext.none"))
		return nil
	case 1:
		return b.askExtension(r, open[0])
	}
	var rows [][]Button
	for _, it := range open {
		label := r.T("sub.pick_label", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang))
		rows = append(rows, []Button{{Label: label, Data: fmt.Sprintf("ext:%d", it.ID)}})
	}
	r.ReplyWith(db.OutMessage{Text: r.T("ext.pick"), Markup: Keyboard(rows...)})
	return nil
}

// cbExtend is the extension button of a reminder or of /extend's list.
func (b *Bot) cbExtend(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok || !r.Member.Role.NeedsUnit() {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	it, err := b.store.Read(r.ctx).Item(id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (it.UnitID != r.Member.UnitID || !it.Open())) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	return b.askExtension(r, it)
}

// askExtension asks, in the private chat (typed answers are read only
// there), for the reason and the proposed date.
func (b *Bot) askExtension(r *Request, it db.Item) error {
	r.Send(db.OutMessage{ChatID: r.Ev.From.ID, MemberID: r.Member.ID,
		Text: r.T("ext.ask", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang), formatDate(it.DeadlineAt, b.loc))})
	return r.Tx(func(tx *db.Tx) error {
		return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.From.ID, Kind: inputExtension, RefID: it.ID})
	})
}

var dateRe = regexp.MustCompile(`(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})`)

// parseRequest splits "reason, dd/mm/yyyy" into its parts; the date keeps
// the time of day of the current deadline.
func (b *Bot) parseRequest(text string, deadline time.Time) (reason string, date time.Time, ok bool) {
	m := dateRe.FindStringSubmatchIndex(text)
	if m == nil {
		return "", time.Time{}, false
	}
	d, _ := strconv.Atoi(text[m[2]:m[3]])
	mo, _ := strconv.Atoi(text[m[4]:m[5]])
	y, _ := strconv.Atoi(text[m[6]:m[7]])
	local := deadline.In(b.loc)
	date = time.Date(y, time.Month(mo), d, local.Hour(), local.Minute(), 0, 0, b.loc)
	if date.Day() != d || int(date.Month()) != mo { // 31/02 does not exist
		return "", time.Time{}, false
	}
	reason = strings.Trim(text[:m[0]]+" "+text[m[1]:], " ,;:-–—.\n")
	for _, filler := range []string{"đến ngày", "tới ngày", "đến", "until", "to"} {
		reason = strings.TrimSpace(strings.TrimSuffix(reason, filler))
	}
	return strings.Trim(reason, " ,;:-–—"), date, true
}

// inputExtend records the request and puts it before the Office.
func (b *Bot) inputExtend(r *Request, p db.PendingInput) error {
	rd := b.store.Read(r.ctx)
	it, err := rd.Item(p.RefID)
	if err != nil {
		return err
	}
	reason, date, ok := b.parseRequest(r.Ev.Text, it.DeadlineAt)
	switch {
	case !ok:
		r.Reply(r.T("ext.bad_date"))
		return nil
	case !date.After(it.DeadlineAt):
		r.Reply(r.T("ext.not_later", formatDate(date, b.loc), formatDate(it.DeadlineAt, b.loc)))
		return nil
	case reason == "":
		r.Reply(r.T("ext.no_reason"))
		return nil
	}
	office, officeErr := rd.Chat(db.ChatOffice)
	lang := b.chatLang(rd)
	return r.Tx(func(tx *db.Tx) error {
		if _, err := tx.TakePendingInput(p.TelegramID, p.ChatID); err != nil {
			return err
		}
		ext, err := tx.AddExtension(db.Extension{AssignmentID: it.ID, RequestedBy: r.Member.ID, Reason: reason, ProposedAt: date})
		if err != nil {
			return err
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "extend_request", fmt.Sprintf("extension:%d", ext.ID), formatDate(date, b.loc)+" "+reason); err != nil {
			return err
		}
		if sent, err := b.askApprover(r, tx, it, ext); sent || err != nil {
			return err
		}
		if officeErr != nil {
			r.Reply(r.T("paper.no_office"))
			return nil
		}
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID,
			Text: tr(lang, "ext.office", unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
				formatDate(it.DeadlineAt, b.loc), formatDate(date, b.loc), reason, r.Member.Name),
			Markup: Keyboard([]Button{
				{Label: tr(lang, "ext.btn_approve"), Data: fmt.Sprintf("exy:%d", ext.ID)},
				{Label: tr(lang, "ext.btn_refuse"), Data: fmt.Sprintf("exn:%d", ext.ID)},
			})})
		r.Reply(r.T("ext.sent", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang), formatDate(date, b.loc)))
		return nil
	})
}

// decideExtension is the Office's one tap; an approval moves that unit's
// deadline for that period only, and the planner's next look follows it.
func (b *Bot) decideExtension(r *Request, args []string, approve bool) error {
	if !b.mayDecideExtension(r) {
		return nil
	}
	id, ok := parseID(args)
	rd := b.store.Read(r.ctx)
	ext, err := rd.Extension(id)
	if !ok || errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	it, err := rd.Item(ext.AssignmentID)
	if err != nil {
		return err
	}
	head, err := rd.Member(ext.RequestedBy)
	if err != nil {
		return err
	}
	officeLang := b.chatLang(rd)
	return r.Tx(func(tx *db.Tx) error {
		changed, err := tx.DecideExtension(ext.ID, approve, r.Member.ID)
		if err != nil || !changed {
			if err == nil {
				r.Toast(r.T("ext.already"))
			}
			return err
		}
		action, officeKey, headKey := "extend_refuse", "ext.refused_office", "ext.refused_head"
		shown := formatDate(it.DeadlineAt, b.loc)
		if approve {
			action, officeKey, headKey = "extend_approve", "ext.approved_office", "ext.approved_head"
			shown = formatDate(ext.ProposedAt, b.loc)
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, action, fmt.Sprintf("extension:%d", ext.ID), shown); err != nil {
			return err
		}
		r.Toast(r.T("review.accepted_toast"))
		b.replyAndTellOffice(r, tx.Reader(), tr(officeLang, officeKey, r.Member.Name, unitName(it.Unit, officeLang), obligationTitle(it.Obligation, officeLang),
			reminders.PeriodName(it.Period.Key, officeLang), shown))
		if head.RemovedAt.IsZero() {
			lang := pickLang(head.Lang, "")
			r.Send(db.OutMessage{ChatID: head.TelegramID, MemberID: head.ID, Purpose: purposeReminder, RefID: it.ID,
				Text: tr(lang, headKey, obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), shown)})
		}
		return nil
	})
}
