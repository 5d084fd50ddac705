package bot

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// Chasing from the console: the nudge button of /overdue and /remind all.

// nudgeGap is how long after a nudge about an assignment another one is
// not sent: a double press, or two clerks pressing at once, nudges once.
const nudgeGap = 10 * time.Minute

// onNudge sends a nudge about one assignment now.
func (b *Bot) onNudge(r *Request, c Callback) error {
	it, err := b.store.Read(r.ctx).Item(c.ID)
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
	res, err := b.nudge(r, []db.Item{it})
	switch {
	case err != nil:
		return err
	case len(res.recent) > 0:
		r.Toast(r.T("nudge.recent", it.Unit.Code, formatDateTime(res.recent[0].at, b.loc)))
	case res.messages == 0:
		r.Toast(r.T("overdue.nobody", it.Unit.Code))
		r.Reply(r.T("overdue.nobody", it.Unit.Code))
	default:
		r.Toast(r.T("overdue.nudged", it.Unit.Code, res.messages))
	}
	return nil
}

// cmdRemind nudges the units that owe a current period and are late or
// inside its reminder window: "/remind all". It reports the units reached,
// those nobody could be told, and those not chased because their deadline
// is still far off.
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
	pl, err := b.planner(r.ctx)
	if err != nil {
		return err
	}
	var items []db.Item
	early, due := map[int64]bool{}, map[int64]bool{}
	for _, v := range views {
		for _, it := range v.Items {
			if !it.Open() || stateOf(it, now) == stNone {
				continue
			}
			if it.DeadlineAt.After(now) && len(pl.Stages(it, now)) == 0 {
				early[it.UnitID] = true
				continue
			}
			items = append(items, it)
			due[it.UnitID] = true
		}
	}
	for id := range due {
		delete(early, id)
	}
	if len(items) == 0 && len(early) == 0 {
		r.Reply(r.T("overdue.remind_none"))
		return nil
	}
	res, err := b.nudge(r, items)
	if err != nil {
		return err
	}
	lines := []string{r.T("overdue.remind_done", len(res.reached), res.messages)}
	if len(res.unreached) > 0 {
		lines = append(lines, r.T("nudge.unreached", len(res.unreached), strings.Join(res.unreached, ", ")))
	}
	if len(res.recent) > 0 {
		var codes []string
		for _, n := range res.recent {
			codes = append(codes, n.unit)
		}
		lines = append(lines, r.T("nudge.recent_units", len(codes), strings.Join(codes, ", ")))
	}
	if len(early) > 0 {
		lines = append(lines, r.T("nudge.early", len(early)))
	}
	return r.ReplyList(strings.Join(lines, "\n"), nil)
}

// nudgeResult is what a round of nudges did, counted in units.
type nudgeResult struct {
	messages  int
	reached   map[int64]bool // units at least one person of which was told
	unreached []string       // codes of units nobody of which could be told
	recent    []recentNudge  // assignments nudged less than nudgeGap ago
}

type recentNudge struct {
	unit string
	at   time.Time
}

// nudge queues an "đôn đốc" message about each item to every reachable
// member of its unit, through the outbox (so the sender's limits apply),
// and records each in the audit log, in one transaction. An assignment
// nudged less than nudgeGap ago is left alone.
func (b *Bot) nudge(r *Request, items []db.Item) (nudgeResult, error) {
	now := b.store.Now()
	res := nudgeResult{reached: map[int64]bool{}}
	unreached := map[string]bool{}
	err := r.Tx(func(tx *db.Tx) error {
		rd := tx.Reader()
		for _, it := range items {
			last, err := rd.LastNudged(it.ID)
			if err != nil {
				return err
			}
			if !last.IsZero() && now.Sub(last) < nudgeGap {
				res.recent = append(res.recent, recentNudge{it.Unit.Code, last})
				continue
			}
			members, err := rd.Members(it.UnitID)
			if err != nil {
				return err
			}
			sent := 0
			for _, m := range reporting.Reachable(members) {
				lang := pickLang(m.Lang, "")
				text := tr(lang, "overdue.nudge_text", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
					formatDate(it.DeadlineAt, b.loc), b.when(lang, it.DeadlineAt, now))
				r.Send(db.OutMessage{
					Key: fmt.Sprintf("nudge:%d:%d:u%d", it.ID, m.ID, r.Ev.UpdateID), ChatID: m.TelegramID, MemberID: m.ID,
					Text: text, Purpose: db.PurposeNudge, RefID: it.ID,
				})
				sent++
			}
			if sent == 0 {
				unreached[it.Unit.Code] = true
			} else {
				res.reached[it.UnitID] = true
			}
			if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "nudge", it.Unit.Code, fmt.Sprintf("%s %s: %d", it.Obligation.Code, it.Period.Key, sent)); err != nil {
				return err
			}
			res.messages += sent
		}
		return nil
	})
	for code := range unreached {
		res.unreached = append(res.unreached, code)
	}
	sort.Strings(res.unreached)
	return res, err
}
