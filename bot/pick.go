package bot

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// Files whose report is not known yet are kept aside (db.KeptFiles), one
// record per file or album, and each question's buttons carry that record's
// id: two files sent before the first answer keep their own questions, and
// answering them in any order stores each under the report chosen for it.

// keep stores files aside and leaves a marker question, so text typed
// meanwhile is answered with a hint instead of being taken for a command.
func (b *Bot) keep(tx *db.Tx, r *Request, in incoming) (int64, error) {
	data, err := json.Marshal(in)
	if err != nil {
		return 0, err
	}
	k, err := tx.KeepFiles(db.KeptFiles{TelegramID: r.Ev.From.ID, ChatID: in.ChatID, Data: string(data)})
	if err != nil {
		return 0, err
	}
	return k.ID, tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: in.ChatID, Kind: inputPick, RefID: k.ID})
}

// askWhich keeps the files aside (unless keptID already holds them) and asks
// which report they are for, among the core's choices: what the unit owes,
// or, when it owes nothing, an early or extra version of a recent or coming
// report.
func (b *Bot) askWhich(r *Request, in incoming, rt reporting.Routing, keptID int64) error {
	if len(rt.Choices) == 0 {
		r.Reply(r.T("sub.nothing"))
		return nil
	}
	question := "sub.pick"
	if rt.Early {
		question = "sub.pick_early"
	}
	return r.Tx(func(tx *db.Tx) error {
		if keptID == 0 {
			var err error
			if keptID, err = b.keep(tx, r, in); err != nil {
				return err
			}
		}
		const maxButtons = 8
		var rows [][]Button
		for i, it := range rt.Choices {
			if i == maxButtons {
				break
			}
			label := r.T("sub.pick_label", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang))
			if it.Status == db.StatusAccepted {
				label = r.T("life.pick_correction", label)
			}
			rows = append(rows, []Button{Callback{Verb: VerbPick, ID: keptID, Ref: it.ID}.Button(label)})
		}
		r.ReplyWith(db.OutMessage{Text: r.T(question), Markup: Keyboard(rows...), ReplyTo: firstMessage(in)})
		return nil
	})
}

// firstMessage is the message files came in, for the question to quote.
func firstMessage(in incoming) int {
	if len(in.Messages) == 0 {
		return 0
	}
	return in.Messages[0]
}

// askCorrection keeps a file sent for a report the Office already accepted
// and asks whether it is a correction (a new version that replaces the
// accepted one, which stays in the history and the register) or belongs to
// another report: an accepted report is never silently reopened.
func (b *Bot) askCorrection(r *Request, it db.Item, in incoming) error {
	return r.Tx(func(tx *db.Tx) error {
		keptID, err := b.keep(tx, r, in)
		if err != nil {
			return err
		}
		r.ReplyWith(db.OutMessage{
			Text: r.T("life.correction_ask", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang)),
			Markup: Keyboard(
				[]Button{Callback{Verb: VerbPick, ID: keptID, Ref: it.ID}.Button(r.T("life.btn_correction"))},
				[]Button{Callback{Verb: VerbOther, ID: keptID}.Button(r.T("life.btn_other"))},
			),
			ReplyTo: firstMessage(in)})
		return nil
	})
}

// cbPick is the head's choice of report for files kept aside:
// "sp:<kept>:<assignment>". Choosing an accepted report is a correction.
func (b *Bot) cbPick(r *Request, c Callback) error {
	if !r.Ev.Private() {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	it, err := b.store.Read(r.ctx).Item(c.Ref)
	if errors.Is(err, db.ErrNotFound) || (err == nil && it.UnitID != r.Member.UnitID) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	in, ok, err := b.takeKept(r, c.ID)
	if !ok || err != nil {
		return err
	}
	b.closeButtons(r, r.Lang, "→ "+r.T("sub.pick_label", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang)))
	return b.receive(r, it, in, true)
}

// cbOther answers "another report" to the correction question: the list of
// the unit's reports for the same kept files, "so:<kept>".
func (b *Bot) cbOther(r *Request, c Callback) error {
	id := c.ID
	if !r.Ev.Private() {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	kept, err := b.store.Read(r.ctx).MemberKeptFiles(r.Ev.From.ID, r.Ev.ChatID)
	if err != nil {
		return err
	}
	for _, k := range kept {
		if k.ID != id {
			continue
		}
		var in incoming
		if err := json.Unmarshal([]byte(k.Data), &in); err != nil {
			return fmt.Errorf("kept files: %w", err)
		}
		choices, early, err := reporting.Choices(b.store.Read(r.ctx), actor(r), b.store.Now())
		if told(r, err) || err != nil {
			return ignoreRefusal(err)
		}
		b.closeButtons(r, r.Lang, r.T("life.btn_other"))
		return b.askWhich(r, in, reporting.Routing{Choices: choices, Early: early}, k.ID)
	}
	r.Toast(r.T("sub.pick_stale"))
	return nil
}

// takeKept takes the kept files a button names, once; ok is false (and the
// user told) when they were already taken or dropped.
func (b *Bot) takeKept(r *Request, keptID int64) (incoming, bool, error) {
	var in incoming
	var k db.KeptFiles
	err := b.store.Tx(r.ctx, func(tx *db.Tx) error {
		var err error
		if k, err = tx.TakeKeptFiles(keptID, r.Ev.From.ID); err != nil {
			return err
		}
		left, err := tx.Reader().MemberKeptFiles(r.Ev.From.ID, k.ChatID)
		if err != nil || len(left) > 0 {
			return err
		}
		// Nothing else waits for an answer: the marker question goes.
		return tx.DropPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: k.ChatID, Kind: inputPick})
	})
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("sub.pick_stale"))
		return in, false, nil
	}
	if err != nil {
		return in, false, err
	}
	if err := json.Unmarshal([]byte(k.Data), &in); err != nil {
		return in, false, fmt.Errorf("kept files: %w", err)
	}
	return in, true, nil
}

// inputWhilePicking answers text typed while the bot waits for a choice;
// once no kept files wait any more (all answered, or dropped after a
// week), the question goes and the text is answered as any other.
func (b *Bot) inputWhilePicking(r *Request, p db.PendingInput) error {
	kept, err := b.store.Read(r.ctx).MemberKeptFiles(p.TelegramID, p.ChatID)
	if err != nil {
		return err
	}
	if len(kept) > 0 {
		r.Reply(r.T("sub.pick_text"))
		return nil
	}
	r.Reply(r.T("hint.text"))
	return r.Tx(func(tx *db.Tx) error { return tx.DropPendingInput(p) })
}

// joinKeptAside adds a later part of an album to the album's files kept
// aside while the head chooses the report, so the choice takes them all.
func (b *Bot) joinKeptAside(r *Request, in incoming) (bool, error) {
	kept, err := b.store.Read(r.ctx).MemberKeptFiles(r.Ev.From.ID, in.ChatID)
	if err != nil {
		return false, err
	}
	for _, k := range kept {
		var old incoming
		if json.Unmarshal([]byte(k.Data), &old) != nil || old.MediaGroup != in.MediaGroup {
			continue
		}
		old.Messages = append(old.Messages, in.Messages...)
		old.Files = append(old.Files, in.Files...)
		data, err := json.Marshal(old)
		if err != nil {
			return false, err
		}
		return true, r.Tx(func(tx *db.Tx) error { return tx.UpdateKeptFiles(k.ID, string(data)) })
	}
	return false, nil
}
