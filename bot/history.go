package bot

import (
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// historyLimit is how many submissions /history shows.
const historyLimit = 20

// registerHistory wires a unit's /pending and /history; each shows the
// asker's own unit only.

// cmdPending lists what the unit owes or has not yet had accepted, by
// deadline, with its state.
func (b *Bot) cmdPending(r *Request) error {
	rd := b.store.Read(r.ctx)
	unit, err := rd.Unit(r.Member.UnitID)
	if err != nil {
		return err
	}
	now := b.store.Now()
	items, err := rd.UnitItems(unit.ID, now.AddDate(0, -6, 0), now.AddDate(1, 0, 0))
	if err != nil {
		return err
	}
	var lines []string
	for _, it := range items {
		_, st, err := reporting.Load(rd, it.ID)
		if err != nil {
			return err
		}
		if st == reporting.StateAccepted || st == reporting.StateNotRequired {
			continue
		}
		lines = append(lines, b.owedLine(r.Lang, it)+" — "+stateWords(r, st))
	}
	if len(lines) == 0 {
		r.Reply(r.T("hist.pending_none"))
		return nil
	}
	r.Reply(r.T("hist.pending_title", unitName(unit, r.Lang)) + "\n" + strings.Join(lines, "\n"))
	return nil
}

// stateWords names an assignment's state of life for its unit.
func stateWords(r *Request, st reporting.State) string {
	switch st {
	case reporting.StateExtended, reporting.StatePaper:
		return r.T("life.state_" + string(st))
	}
	return r.T("hist.state_" + string(st))
}

// cmdHistory lists the unit's latest submissions with receipt numbers,
// versions and review results.
func (b *Bot) cmdHistory(r *Request) error {
	rd := b.store.Read(r.ctx)
	unit, err := rd.Unit(r.Member.UnitID)
	if err != nil {
		return err
	}
	subs, err := rd.UnitSubmissions(unit.ID, historyLimit)
	if err != nil {
		return err
	}
	if len(subs) == 0 {
		r.Reply(r.T("hist.none"))
		return nil
	}
	items := map[int64]db.Item{}
	var sb strings.Builder
	sb.WriteString(r.T("hist.title", unitName(unit, r.Lang)))
	for _, s := range subs {
		it, ok := items[s.AssignmentID]
		if !ok {
			if it, err = rd.Item(s.AssignmentID); err != nil {
				return err
			}
			items[s.AssignmentID] = it
		}
		result := r.T("hist.status_" + string(s.Status))
		if s.Status == db.SubReturned && s.ReviewNote != "" {
			result = r.T("hist.status_returned_because", s.ReviewNote)
		}
		sb.WriteString("\n" + r.T("hist.line", s.Receipt(), obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang),
			s.Version, formatDateTime(s.ReceivedAt, b.loc), r.T("hist.source_"+string(s.Source)), result))
	}
	r.Reply(sb.String())
	return nil
}
