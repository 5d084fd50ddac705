package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
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

// reviewed loads the submission a review button names, answering forged or
// stale data with a toast.
func (b *Bot) reviewed(r *Request, args []string) (db.Submission, db.Item, bool, error) {
	if !staffOnly(r, "review.not_allowed") {
		return db.Submission{}, db.Item{}, false, nil
	}
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return db.Submission{}, db.Item{}, false, nil
	}
	rd := b.store.Read(r.ctx)
	sub, err := rd.Submission(id)
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return sub, db.Item{}, false, nil
	}
	if err != nil {
		return sub, db.Item{}, false, err
	}
	it, err := rd.Item(sub.AssignmentID)
	return sub, it, err == nil, err
}

// cbAccept closes the assignment with the submission and tells the unit.
// A second press (by anyone) says it was handled instead of acting again.
func (b *Bot) cbAccept(r *Request, args []string) error {
	sub, it, ok, err := b.reviewed(r, args)
	if !ok || err != nil {
		return err
	}
	return r.Tx(func(tx *db.Tx) error {
		changed, err := tx.ReviewSubmission(sub.ID, db.SubAccepted, r.Member.ID, "")
		if err != nil || !changed {
			if err == nil {
				r.Toast(r.T("review.already"))
			}
			return err
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "accept", fmt.Sprintf("submission:%d", sub.ID), sub.Receipt()); err != nil {
			return err
		}
		r.Toast(r.T("review.accepted_toast"))
		lang := b.chatLang(tx.Reader())
		r.Reply(tr(lang, "review.accepted_office", r.Member.Name, sub.Receipt(), unitName(it.Unit, lang), obligationTitle(it.Obligation, lang),
			reminders.PeriodName(it.Period.Key, lang)))
		return b.tellUnit(r, tx, sub, it, purposeReceipt, func(lang string) string {
			return tr(lang, "review.accepted_head", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), sub.Receipt())
		})
	})
}

// cbReturn asks the Office member, in their private chat with the bot (typed
// answers are read only there), why the report goes back.
func (b *Bot) cbReturn(r *Request, args []string) error {
	sub, it, ok, err := b.reviewed(r, args)
	if !ok || err != nil {
		return err
	}
	if sub.Status != db.SubReceived {
		r.Toast(r.T("review.already"))
		return nil
	}
	r.Toast(r.T("review.ask_reason_toast"))
	r.Send(db.OutMessage{ChatID: r.Ev.From.ID, MemberID: r.Member.ID,
		Text: r.T("review.ask_reason", sub.Receipt(), unitName(it.Unit, r.Lang), obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang))})
	return r.Tx(func(tx *db.Tx) error {
		return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.From.ID, Kind: inputReturnReason, RefID: sub.ID})
	})
}

// inputReturn records a return with its reason and sends the reason to the
// unit, whose next file for the assignment becomes a new version.
func (b *Bot) inputReturn(r *Request, p db.PendingInput) error {
	reason := strings.TrimSpace(r.Ev.Text)
	if reason == "" {
		r.Reply(r.T("review.reason_empty"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	sub, err := rd.Submission(p.RefID)
	if err != nil {
		return err
	}
	it, err := rd.Item(sub.AssignmentID)
	if err != nil {
		return err
	}
	return r.Tx(func(tx *db.Tx) error {
		if _, err := tx.TakePendingInput(p.TelegramID, p.ChatID); err != nil {
			return err
		}
		changed, err := tx.ReviewSubmission(sub.ID, db.SubReturned, r.Member.ID, reason)
		if err != nil {
			return err
		}
		if !changed {
			r.Reply(r.T("review.already"))
			return nil
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "return", fmt.Sprintf("submission:%d", sub.ID), reason); err != nil {
			return err
		}
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
	if !ok || !r.Member.Role.NeedsUnit() {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	it, err := rd.Item(id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && it.UnitID != r.Member.UnitID) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	if !it.Open() {
		r.Reply(r.T("paper.not_open"))
		return nil
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
	r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID,
		Text:   tr(lang, "paper.office", r.Member.Name, unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang)),
		Markup: Keyboard([]Button{{Label: tr(lang, "paper.btn_confirm"), Data: fmt.Sprintf("pok:%d:%d", it.ID, r.Member.ID)}})})
	r.Reply(r.T("paper.told"))
	return r.Tx(func(tx *db.Tx) error {
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "paper_claim", fmt.Sprintf("assignment:%d", it.ID), "")
	})
}

// cbPaperConfirm records the paper report the Office confirms it holds. The
// message with the button names the claim, so a second press finds it.
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
	claim := fmt.Sprintf("paper-claim:%d:%d", r.Ev.ChatID, r.Ev.MessageID)
	lang := b.chatLang(rd)
	return r.Tx(func(tx *db.Tx) error {
		if _, err := tx.Reader().SubmissionByReference(it.ID, claim); err == nil {
			r.Toast(r.T("review.already"))
			return nil
		} else if !errors.Is(err, db.ErrNotFound) {
			return err
		}
		now := tx.Now()
		sub, err := tx.AddSubmission(db.Submission{AssignmentID: it.ID, ReceiptYear: now.In(b.loc).Year(), MemberID: claimant,
			Source: db.SourcePaper, Reference: claim, ReceivedAt: now, DaysLate: b.daysLate(now, it.DeadlineAt)})
		if err != nil {
			return err
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "paper_confirm", fmt.Sprintf("submission:%d", sub.ID), sub.Receipt()); err != nil {
			return err
		}
		r.Toast(r.T("review.accepted_toast"))
		r.ReplyWith(db.OutMessage{
			Text: tr(lang, "paper.confirmed_office", r.Member.Name, unitName(it.Unit, lang), obligationTitle(it.Obligation, lang),
				reminders.PeriodName(it.Period.Key, lang), sub.Receipt()),
			Markup: reviewButtons(lang, sub.ID)})
		return b.tellUnit(r, tx, sub, it, purposeReceipt, func(lang string) string {
			return tr(lang, "paper.confirmed_head", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang), sub.Receipt())
		})
	})
}

// reviewButtons are the Office's Accept and Return buttons for a submission.
func reviewButtons(lang string, submissionID int64) string {
	return Keyboard([]Button{
		{Label: tr(lang, "review.btn_accept"), Data: fmt.Sprintf("acc:%d", submissionID)},
		{Label: tr(lang, "review.btn_return"), Data: fmt.Sprintf("ret:%d", submissionID)},
	})
}
