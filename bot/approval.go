package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// The Director's say: when the plan names an approver (approval: director,
// or a deputy's @username), a unit's extension request goes to the approver
// with the buttons, the Office is told it waits, and the decision is told
// to the Office and the head as when the Office decides. The Office's
// /deadline (moving a period's deadline for every unit) waits for the
// approver the same way, and runs as the approver's own once approved.

// askApprover sends an extension request to the approvers, when the plan
// requires one; sent is false when the Office decides itself.
func (b *Bot) askApprover(r *Request, tx *db.Tx, it db.Item, ext db.Extension) (sent bool, err error) {
	rd := tx.Reader()
	approvers, required, err := rd.Approvers()
	if err != nil || !required {
		return false, err
	}
	if len(approvers) == 0 {
		// Nobody to ask yet: the Office decides rather than nobody.
		return false, nil
	}
	for _, m := range approvers {
		msg := b.extensionAsk(pickLang(m.Lang, ""), it, ext, r.Member.Name)
		msg.ChatID, msg.MemberID = m.TelegramID, m.ID
		r.Send(msg)
	}
	if office, err := rd.Chat(db.ChatOffice); err == nil {
		lang := b.chatLang(rd)
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID,
			Text: tr(lang, "approval.office_wait", unitName(it.Unit, lang), obligationTitle(it.Obligation, lang),
				formatDate(ext.ProposedAt, b.loc), approvers[0].Name)})
	}
	r.Reply(r.T("approval.head_wait", obligationTitle(it.Obligation, r.Lang), formatDate(ext.ProposedAt, b.loc)))
	return true, nil
}

// replyAndTellOffice answers where the button was pressed and, when that is
// not the Office chat (the approver's own chat), tells the Office too.
func (b *Bot) replyAndTellOffice(r *Request, rd *db.Reader, text string) {
	r.Reply(text)
	if office, err := rd.Chat(db.ChatOffice); err == nil && office.ChatID != r.Ev.ChatID {
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Text: text})
	}
}

// moveKey is the setting holding a deadline move waiting for approval:
// the /deadline arguments, then the requester's name.
func moveKey(id int64) string { return fmt.Sprintf("deadline_move:%d", id) }

// askMoveApproval puts the Office's /deadline before the approvers when the
// plan requires approval and the one asking is not an approver; asked is
// false when the move may go ahead.
func (b *Bot) askMoveApproval(r *Request, o db.Obligation, p db.Period, deadline time.Time) (asked bool, err error) {
	rd := b.store.Read(r.ctx)
	approvers, required, err := rd.Approvers()
	if err != nil || !required || len(approvers) == 0 {
		return false, err
	}
	for _, m := range approvers {
		if r.Member.ID == m.ID {
			return false, nil
		}
	}
	id := r.Ev.UpdateID
	args := o.Code + " " + deadline.In(b.loc).Format("02/01/2006")
	err = r.Tx(func(tx *db.Tx) error {
		if err := tx.SetSetting(moveKey(id), args+"|"+r.Member.Name); err != nil {
			return err
		}
		for _, m := range approvers {
			lang := pickLang(m.Lang, "")
			r.Send(db.OutMessage{ChatID: m.TelegramID, MemberID: m.ID,
				Text: tr(lang, "approval.move_ask", r.Member.Name, o.Code, obligationTitle(o, lang), reminders.PeriodName(p.Key, lang),
					formatDateTime(p.DeadlineAt, b.loc), formatDateTime(deadline, b.loc)),
				Markup: Keyboard([]Button{
					Callback{Verb: VerbMoveYes, ID: id}.Button(tr(lang, "ext.btn_approve")),
					Callback{Verb: VerbMoveNo, ID: id}.Button(tr(lang, "ext.btn_refuse")),
				})})
		}
		r.Reply(r.T("approval.move_wait", o.Code, formatDateTime(deadline, b.loc), approvers[0].Name))
		return nil
	})
	return true, err
}

// decideMove is the approver's tap on a waiting deadline move: approved, it
// runs /deadline as the approver's own; either way the Office is told.
func (b *Bot) decideMove(r *Request, id int64, approve bool) error {
	approvers, _, err := b.store.Read(r.ctx).Approvers()
	if err != nil {
		return err
	}
	allowed := false
	for _, m := range approvers {
		allowed = allowed || (r.Member != nil && m.ID == r.Member.ID)
	}
	if !allowed {
		r.Toast(r.T("approval.only_approver"))
		return nil
	}
	var stored string
	err = r.Tx(func(tx *db.Tx) error {
		var err error
		if stored, err = tx.Reader().Setting(moveKey(id)); err != nil || stored == "" {
			return err
		}
		_, err = tx.DeleteSetting(moveKey(id))
		return err
	})
	if err != nil {
		return err
	}
	if stored == "" {
		r.Toast(r.T("ext.already"))
		return nil
	}
	moveArgs, requester, _ := strings.Cut(stored, "|")
	rd := b.store.Read(r.ctx)
	lang := b.chatLang(rd)
	if !approve {
		b.replyAndTellOffice(r, rd, tr(lang, "approval.move_refused", r.Member.Name, moveArgs, requester))
		return nil
	}
	b.replyAndTellOffice(r, rd, tr(lang, "approval.move_approved", r.Member.Name, moveArgs, requester))
	r.Ev.Args = moveArgs
	return b.cmdDeadline(r)
}

// moveDecision is the approver's answer to a waiting deadline move.
func moveDecision(b *Bot, approve bool) func(*Request, Callback) error {
	return func(r *Request, c Callback) error { return b.decideMove(r, c.ID, approve) }
}
