package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// cmdObligation closes or reopens an obligation from chat:
// "/obligation close BC6T", "/obligation reopen BC6T". Closing stops new
// periods and drops the future ones without a submission (history stays);
// reopening makes them again. Every head of a unit that owed it (or owes it
// again) is told. Adding or editing an obligation goes through the plan
// file (/plan, edit, send back).
func (b *Bot) cmdObligation(r *Request) error {
	words := strings.Fields(r.Ev.Args)
	if len(words) != 2 {
		r.Reply(r.T("obligation.usage"))
		return nil
	}
	var closing bool
	switch strings.ToLower(words[0]) {
	case "close", "đóng", "dong":
		closing = true
	case "reopen", "open", "mở", "mo":
	default:
		r.Reply(r.T("obligation.usage"))
		return nil
	}
	o, err := b.store.Read(r.ctx).ObligationByCode(words[1])
	if errors.Is(err, db.ErrNotFound) {
		b.unknownSelection(r, words[1])
		return nil
	}
	if err != nil {
		return err
	}
	now := b.store.Now()
	heads := 0
	changed := false
	err = r.Tx(func(tx *db.Tx) error {
		rd := tx.Reader()
		var owed []db.Item // what the units owed before closing
		if closing {
			periods, err := rd.Periods(o.ID)
			if err != nil {
				return err
			}
			for _, p := range periods {
				if owed, err = appendOpenItems(rd, p.ID, owed); err != nil {
					return err
				}
			}
		}
		if changed, err = tx.SetObligationClosed(o.ID, closing); err != nil || !changed {
			return err
		}
		pol, err := reminders.LoadPolicy(rd)
		if err != nil {
			return err
		}
		if err := reminders.EnsurePeriods(tx, pol); err != nil {
			return err
		}
		if !closing {
			// What the units owe again: the obligation's current period.
			p, err := currentPeriod(rd, o.ID, now)
			if err != nil && !errors.Is(err, db.ErrNotFound) {
				return err
			}
			if err == nil {
				if owed, err = appendOpenItems(rd, p.ID, owed); err != nil {
					return err
				}
			}
		}
		told := map[int64]bool{}
		for _, it := range owed {
			members, err := rd.Members(it.UnitID)
			if err != nil {
				return err
			}
			for _, m := range members {
				if m.Role != db.RoleHead || told[m.ID] {
					continue
				}
				told[m.ID] = true
				lang := pickLang(m.Lang, "")
				text := tr(lang, "obligation.closed_head", obligationTitle(o, lang))
				if !closing {
					text = tr(lang, "obligation.reopened_head", obligationTitle(o, lang), reminders.PeriodName(it.Period.Key, lang),
						formatDateTime(it.DeadlineAt, b.loc), weekday(it.DeadlineAt, b.loc, lang))
				}
				r.Send(db.OutMessage{ChatID: m.TelegramID, MemberID: m.ID, Text: text})
			}
		}
		heads = len(told)
		action := "obligation_reopen"
		if closing {
			action = "obligation_close"
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, action, o.Code, fmt.Sprintf("%d heads told", heads))
	})
	if err != nil {
		return err
	}
	title := obligationTitle(o, r.Lang)
	switch {
	case !changed && closing:
		r.Reply(r.T("obligation.already_closed", o.Code))
	case !changed:
		r.Reply(r.T("obligation.already_open", o.Code))
	case closing:
		r.Reply(r.T("obligation.closed", o.Code, title, heads))
	default:
		r.Reply(r.T("obligation.reopened", o.Code, title, heads))
	}
	return nil
}

// appendOpenItems adds a period's assignments that units still owe.
func appendOpenItems(rd *db.Reader, periodID int64, owed []db.Item) ([]db.Item, error) {
	items, err := rd.PeriodItems(periodID)
	if err != nil {
		return owed, err
	}
	for _, it := range items {
		if it.Open() {
			owed = append(owed, it)
		}
	}
	return owed, nil
}
