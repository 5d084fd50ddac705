package bot

import (
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// inputExtension is a head's typed reason and date for an extension.
const inputExtension = "ext.request"

// registerExtend wires /extend, the extension button on reminders, and the
// Office's one-tap decision.

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
		rows = append(rows, []Button{Callback{Verb: VerbExtend, ID: it.ID}.Button(label)})
	}
	r.ReplyWith(db.OutMessage{Text: r.T("ext.pick"), Markup: Keyboard(rows...)})
	return nil
}

// cbExtend is the extension button of a reminder or of /extend's list.
func (b *Bot) cbExtend(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	it, err := b.askable(r, id)
	if told(r, err) || err != nil {
		return ignoreRefusal(err)
	}
	return b.askExtension(r, it)
}

// askable loads an assignment the actor may ask more time on.
func (b *Bot) askable(r *Request, assignmentID int64) (db.Item, error) {
	rd := b.store.Read(r.ctx)
	it, _, err := reporting.Load(rd, assignmentID)
	if err != nil {
		return it, err
	}
	return it, reporting.AskExtension(rd, actor(r), it)
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

// inputExtend records the request and puts it before the Office. The
// request is checked against the member's role and unit as they are now.
// A date the core refuses leaves the question open for another try.
func (b *Bot) inputExtend(r *Request, p db.PendingInput) error {
	if expired(b, r, p) {
		return nil
	}
	rd := b.store.Read(r.ctx)
	it, err := rd.Item(p.RefID)
	if err != nil {
		return err
	}
	office, officeErr := rd.Chat(db.ChatOffice)
	lang := b.chatLang(rd)
	return act(r, func(tx *db.Tx) error {
		ext, err := reporting.FileExtension(tx, actor(r), it, r.Ev.Text, b.loc)
		if e, ok := reporting.AsError(err); ok && e.Code != reporting.CodeInvalid {
			// Not theirs to ask any more: the question goes with the refusal.
			if err := tx.DropPendingInput(p); err != nil {
				return err
			}
			told(r, err)
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.TakePendingInput(p.TelegramID, p.ChatID); err != nil {
			return err
		}
		if officeErr != nil {
			r.Reply(r.T("paper.no_office"))
			return nil
		}
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID,
			Text: tr(lang, "ext.office", unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
				formatDate(it.DeadlineAt, b.loc), formatDate(ext.ProposedAt, b.loc), ext.Reason, r.Member.Name),
			Markup: Keyboard([]Button{
				Callback{Verb: VerbExtendYes, ID: ext.ID}.Button(tr(lang, "ext.btn_approve")),
				Callback{Verb: VerbExtendNo, ID: ext.ID}.Button(tr(lang, "ext.btn_refuse")),
			})})
		r.Reply(r.T("ext.sent", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang), formatDate(ext.ProposedAt, b.loc)))
		return nil
	})
}

// decideExtension is the Office's one tap; an approval moves that unit's
// deadline for that period only, and the planner's next look follows it.
// The message's buttons give way to what was decided, by whom and when.
func (b *Bot) decideExtension(r *Request, args []string, approve bool) error {
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	officeLang := b.chatLang(rd)
	decided := false
	err := act(r, func(tx *db.Tx) error {
		d, err := reporting.DecideExtension(tx, actor(r), id, approve)
		if err != nil {
			return err
		}
		decided = true
		it := d.Item
		officeKey, headKey := "ext.refused_office", "ext.refused_head"
		if approve {
			officeKey, headKey = "ext.approved_office", "ext.approved_head"
		}
		shown := formatDate(d.Deadline, b.loc)
		r.Toast(r.T("review.accepted_toast"))
		r.Reply(tr(officeLang, officeKey, r.Member.Name, unitName(it.Unit, officeLang), obligationTitle(it.Obligation, officeLang),
			reminders.PeriodName(it.Period.Key, officeLang), shown))
		head, err := tx.Reader().Member(d.Extension.RequestedBy)
		if err != nil {
			return err
		}
		if head.RemovedAt.IsZero() {
			lang := pickLang(head.Lang, "")
			r.Send(db.OutMessage{ChatID: head.TelegramID, MemberID: head.ID, Purpose: purposeReminder, RefID: it.ID,
				Text: tr(lang, headKey, obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), shown)})
		}
		return nil
	})
	if err == nil && decided {
		key := "life.decided_ext_refused"
		if approve {
			key = "life.decided_ext_approved"
		}
		b.closeButtons(r, officeLang, tr(officeLang, key))
	}
	return err
}
