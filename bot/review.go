package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// inputReturnReason is the Office member's typed reason for a return.
const inputReturnReason = "review.reason"

// registerReview wires the Office's buttons on a submission and the
// paper-submission claim and confirmation.

// staffOnly refuses a button meant for the Office; the router checks roles
// of commands, not of buttons, and anyone in the Office chat can press one.
func staffOnly(r *Request, key string) bool {
	if r.Member == nil || !r.Member.Role.Staff() {
		r.Toast(r.T(key))
		return false
	}
	return true
}

// cbAccept closes the assignment with the submission and tells the unit.
// A second press (by anyone) says it was handled instead of acting again.
func (b *Bot) cbAccept(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	decided := false
	err := act(r, func(tx *db.Tx) error {
		rv, err := reporting.Decide(tx, reporting.Accept, actor(r), id, "")
		if err != nil {
			return err
		}
		decided = true
		sub, it := rv.Submission, rv.Item
		r.Toast(r.T("review.accepted_toast"))
		lang := b.chatLang(tx.Reader())
		r.Reply(tr(lang, "review.accepted_office", r.Member.Name, sub.Receipt(), unitName(it.Unit, lang), obligationTitle(it.Obligation, lang),
			reminders.PeriodName(it.Period.Key, lang)))
		return b.tellUnit(r, tx, sub, it, purposeReceipt, func(lang string) string {
			return tr(lang, "review.accepted_head", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), sub.Receipt())
		})
	})
	if err == nil && decided {
		lang := b.chatLang(b.store.Read(r.ctx))
		b.closeButtons(r, lang, tr(lang, "life.decided_accept"))
	}
	return err
}

// cbReturn asks the Office member, in their private chat with the bot (typed
// answers are read only there), why the report goes back.
func (b *Bot) cbReturn(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	rv, err := reporting.Reviewable(b.store.Read(r.ctx), actor(r), id)
	if told(r, err) || err != nil {
		return ignoreRefusal(err)
	}
	sub, it := rv.Submission, rv.Item
	r.Toast(r.T("review.ask_reason_toast"))
	r.Send(db.OutMessage{ChatID: r.Ev.From.ID, MemberID: r.Member.ID,
		Text: r.T("review.ask_reason", sub.Receipt(), unitName(it.Unit, r.Lang), obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang))})
	// The card's chat and message ride along, so the return closes its buttons.
	return r.Tx(func(tx *db.Tx) error {
		return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.From.ID, Kind: inputReturnReason, RefID: sub.ID,
			Data: fmt.Sprintf("%d:%d", r.Ev.ChatID, r.Ev.MessageID)})
	})
}

// inputReturn records a return with its reason and sends the reason to the
// unit, whose next file for the assignment becomes a new version. The role
// is checked again now: the clerk may have been removed since the question.
func (b *Bot) inputReturn(r *Request, p db.PendingInput) error {
	if expired(b, r, p) {
		return nil
	}
	reason := strings.TrimSpace(r.Ev.Text)
	if reason == "" {
		r.Reply(r.T("review.reason_empty"))
		return nil
	}
	decided := false
	var rv reporting.Review
	err := act(r, func(tx *db.Tx) error {
		if _, err := tx.TakePendingInput(p.TelegramID, p.ChatID); err != nil {
			return err
		}
		var err error
		rv, err = reporting.Decide(tx, reporting.Return, actor(r), p.RefID, reason)
		if err != nil {
			return err
		}
		decided = true
		sub, it := rv.Submission, rv.Item
		r.Reply(r.T("review.returned_ok"))
		if office, err := tx.Reader().Chat(db.ChatOffice); err == nil {
			lang := b.chatLang(tx.Reader())
			r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID,
				Text: tr(lang, "review.returned_office", r.Member.Name, sub.Receipt(), unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reason)})
		}
		return b.tellUnit(r, tx, sub, it, purposeReturn, func(lang string) string {
			return tr(lang, "review.returned_head", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), sub.Receipt(), reason)
		})
	})
	if err == nil && !decided {
		// Refused: the question is answered all the same, or it would
		// catch every later message.
		return r.Tx(func(tx *db.Tx) error { return tx.DropPendingInput(p) })
	}
	if err == nil {
		var chatID int64
		var msgID int
		if _, scanErr := fmt.Sscanf(p.Data, "%d:%d", &chatID, &msgID); scanErr == nil {
			lang := b.chatLang(b.store.Read(r.ctx))
			b.closeMessageButtons(r, chatID, msgID, lang, tr(lang, "life.decided_return"))
		}
	}
	return err
}

// tellUnit sends a review result to whoever submitted, or, if they have left
// or it came outside Telegram, to the unit's heads, each in their language.
// A return also makes the bot wait for a file from them.
func (b *Bot) tellUnit(r *Request, tx *db.Tx, sub db.Submission, it db.Item, purpose string, text func(lang string) string) error {
	rd := tx.Reader()
	var to []db.Member
	if m, err := rd.Member(sub.MemberID); err == nil && m.RemovedAt.IsZero() && m.UnitID == it.UnitID {
		to = append(to, m)
	} else {
		members, err := rd.Members(it.UnitID)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.Role == db.RoleHead {
				to = append(to, m)
			}
		}
	}
	for _, m := range to {
		r.Send(db.OutMessage{ChatID: m.TelegramID, MemberID: m.ID, Text: text(pickLang(m.Lang, "")), Purpose: db.Purpose(purpose), RefID: it.ID})
		if purpose == purposeReturn {
			if err := tx.SetPendingInput(db.PendingInput{TelegramID: m.TelegramID, ChatID: m.TelegramID, Kind: inputAwait, RefID: it.ID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// cbPaper is a head's word that the report went in on paper: the Office is
// asked to confirm, and only its confirmation records a submission.
func (b *Bot) cbPaper(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	it, st, err := reporting.Load(rd, id)
	if err == nil {
		err = reporting.AnnouncePaper.Check(actor(r), it.UnitID, st)
	}
	if told(r, err) || err != nil {
		return ignoreRefusal(err)
	}
	office, err := rd.Chat(db.ChatOffice)
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("paper.no_office"))
		return nil
	}
	if err != nil {
		return err
	}
	lang := b.chatLang(rd)
	return act(r, func(tx *db.Tx) error {
		if err := reporting.Announce(tx, actor(r), it); err != nil {
			return err
		}
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID,
			Text:   tr(lang, "paper.office", r.Member.Name, unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang)),
			Markup: Keyboard([]Button{Callback{Verb: VerbPaperConfirm, ID: it.ID, Ref: r.Member.ID}.Button(tr(lang, "paper.btn_confirm"))})})
		r.Reply(r.T("paper.told"))
		return nil
	})
}

// cbPaperConfirm records the paper report the Office confirms it holds, and
// puts the same Accept/Return card before the Office as a file sent in chat
// gets.
func (b *Bot) cbPaperConfirm(r *Request, args []string) error {
	if !staffOnly(r, "review.not_allowed") {
		return nil
	}
	if len(args) != 2 {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	aid, err1 := strconv.ParseInt(args[0], 10, 64)
	claimant, err2 := strconv.ParseInt(args[1], 10, 64)
	rd := b.store.Read(r.ctx)
	it, err := rd.Item(aid)
	if err1 != nil || err2 != nil || errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	if m, err := rd.Member(claimant); err != nil || m.UnitID != it.UnitID {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	lang := b.chatLang(rd)
	decided := false
	err = act(r, func(tx *db.Tx) error {
		sub, err := reporting.Record(tx, reporting.ConfirmPaper, actor(r), it,
			reporting.NewSubmission{Source: db.SourcePaper, MemberID: claimant}, b.loc, 0)
		if err != nil {
			return err
		}
		decided = true
		r.Toast(r.T("review.accepted_toast"))
		r.ReplyWith(db.OutMessage{
			Text: tr(lang, "paper.confirmed_office", r.Member.Name, unitName(it.Unit, lang), obligationTitle(it.Obligation, lang),
				reminders.PeriodName(it.Period.Key, lang), sub.Receipt()),
			Markup: reviewButtons(lang, sub.ID)})
		return b.tellUnit(r, tx, sub, it, purposeReceipt, func(lang string) string {
			return tr(lang, "paper.confirmed_head", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), sub.Receipt())
		})
	})
	if err == nil && decided {
		b.closeButtons(r, lang, tr(lang, "life.decided_paper"))
	}
	return err
}

// ignoreRefusal is nil for a refusal already told to the user.
func ignoreRefusal(err error) error {
	if _, ok := reporting.AsError(err); ok {
		return nil
	}
	return err
}

// reviewButtons are the Office's Accept and Return buttons for a submission.
func reviewButtons(lang string, submissionID int64) string {
	return Keyboard([]Button{
		Callback{Verb: VerbAccept, ID: submissionID}.Button(tr(lang, "review.btn_accept")),
		Callback{Verb: VerbReturn, ID: submissionID}.Button(tr(lang, "review.btn_return")),
	})
}
