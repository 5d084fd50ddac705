package bot

import (
	"fmt"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// The Director's say: when the plan names an approver (approval: director,
// or a deputy's @username), a unit's extension request goes to the approver
// with the buttons, the Office is told it waits, and the decision is told
// to the Office and the head as when the Office decides.

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
		lang := pickLang(m.Lang, "")
		r.Send(db.OutMessage{ChatID: m.TelegramID, MemberID: m.ID,
			Text: tr(lang, "ext.office", unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
				formatDate(it.DeadlineAt, b.loc), formatDate(ext.ProposedAt, b.loc), ext.Reason, r.Member.Name),
			Markup: Keyboard([]Button{
				{Label: tr(lang, "ext.btn_approve"), Data: fmt.Sprintf("exy:%d", ext.ID)},
				{Label: tr(lang, "ext.btn_refuse"), Data: fmt.Sprintf("exn:%d", ext.ID)},
			})})
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

// mayDecideExtension tells whether the one pressing Approve/Refuse may: the
// approvers when the plan names them, else the Office.
func (b *Bot) mayDecideExtension(r *Request) bool {
	approvers, required, err := b.store.Read(r.ctx).Approvers()
	if err != nil || !required || len(approvers) == 0 {
		return staffOnly(r, "ext.not_allowed")
	}
	for _, m := range approvers {
		if r.Member != nil && m.ID == r.Member.ID {
			return true
		}
	}
	r.Toast(r.T("approval.only_approver"))
	return false
}

// replyAndTellOffice answers where the button was pressed and, when that is
// not the Office chat (the approver's own chat), tells the Office too.
func (b *Bot) replyAndTellOffice(r *Request, rd *db.Reader, text string) {
	r.Reply(text)
	if office, err := rd.Chat(db.ChatOffice); err == nil && office.ChatID != r.Ev.ChatID {
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Text: text})
	}
}
