package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// sendDigests posts the day's digests, once a day from the working hour on:
// the Office's list of everything overdue, the group's weekly digest of
// coming deadlines, and the group's summary of each deadline that has just
// passed. Each has a key naming its day, week or period, so a restart posts
// nothing twice.
func (b *Bot) sendDigests(ctx context.Context, pl *reminders.Planner, now time.Time) (int, error) {
	r := b.store.Read(ctx)
	pol := pl.Policy()
	lang := pol.ChatLang()
	office, officeErr := r.Chat(db.ChatOffice)
	group, groupErr := r.Chat(db.ChatGroup)
	for _, err := range []error{officeErr, groupErr} {
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return 0, err
		}
	}
	sent := 0
	if day, due := pl.OfficeDigestDue(now); due && officeErr == nil {
		msg, err := b.officeDigest(r, lang, now, day)
		if err != nil {
			return sent, fmt.Errorf("office digest: %w", err)
		}
		n, err := b.enqueueAll(ctx, office, msg)
		if sent += n; err != nil {
			return sent, err
		}
	}
	if groupErr != nil {
		return sent, nil
	}
	var msgs []db.OutMessage
	if monday, due := pl.WeeklyDigestDue(now); due && pol.WeeklyDigest {
		m, err := b.weeklyDigest(r, pl, lang, now, monday)
		if err != nil {
			return sent, fmt.Errorf("weekly digest: %w", err)
		}
		msgs = append(msgs, m...)
	}
	if pol.Summary {
		m, err := b.summaries(r, pl, lang, now)
		if err != nil {
			return sent, fmt.Errorf("summaries: %w", err)
		}
		msgs = append(msgs, m...)
	}
	n, err := b.enqueueAll(ctx, group, msgs)
	return sent + n, err
}

// officeDigest lists every overdue report for the Office: unit, report,
// period, deadline, days late, and whether the unit can be reached at all;
// in lang, the chat language.
func (b *Bot) officeDigest(r *db.Reader, lang string, now, day time.Time) ([]db.OutMessage, error) {
	items, total, err := r.OverdueItems(now, listCap)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	var unitIDs []int64
	for _, it := range items {
		unitIDs = append(unitIDs, it.UnitID)
	}
	members, err := r.UnitMembers(unitIDs)
	if err != nil {
		return nil, err
	}
	lines := []string{tr(lang, "digest.office", formatDate(day, b.loc), total)}
	for _, it := range items {
		line := tr(lang, "digest.office_line", unitName(it.Unit, lang), obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
			formatDate(it.DeadlineAt, b.loc), b.daysLate(it, now))
		lines = append(lines, line+reachNote(lang, members[it.UnitID]))
	}
	if total > len(items) {
		lines = append(lines, tr(lang, "rem.more", total-len(items)))
	}
	return []db.OutMessage{{Key: "digest:office:" + day.In(b.loc).Format(time.DateOnly), Text: strings.Join(lines, "\n"), Purpose: "digest"}}, nil
}

// reachNote says, for the Office, why a unit may not have heard its
// reminders, and what to do: nobody joined, the head did not join, or no
// head can be written to, because they blocked the bot or never opened a
// chat with it (unknown when the heads differ, or it was not recorded).
func reachNote(lang string, ms []db.Member) string {
	if len(ms) == 0 {
		return tr(lang, "digest.nobody")
	}
	heads, unreachable := 0, 0
	why := db.Reachable
	for _, m := range ms {
		if m.Role != db.RoleHead {
			continue
		}
		heads++
		if m.UnreachableAt.IsZero() {
			continue
		}
		if unreachable++; unreachable == 1 {
			why = m.Unreachable
		} else if why != m.Unreachable {
			why = db.UnreachableUnknown
		}
	}
	switch {
	case heads == 0:
		return tr(lang, "digest.no_head")
	case unreachable == heads:
		return tr(lang, "digest.head_"+reachKey(why))
	}
	return ""
}

// reachKey names a member's unreachability in the catalogs' keys
// ("reach.blocked", "digest.head_not_started", …).
func reachKey(why db.Reachability) string {
	switch why {
	case db.UnreachableBlocked, db.UnreachableNotStarted:
		return string(why)
	}
	return string(db.UnreachableUnknown)
}

// weeklyDigest lists, for the group, the deadlines of the next 14 days of
// obligations that are announced, with how many units have handed in; in
// lang, the chat language.
func (b *Bot) weeklyDigest(r *db.Reader, pl *reminders.Planner, lang string, now, monday time.Time) ([]db.OutMessage, error) {
	stats, err := r.PeriodStats(now, now.Add(reminders.DigestWindow))
	if err != nil {
		return nil, err
	}
	lines := []string{tr(lang, "digest.week")}
	for _, s := range stats {
		if !s.Obligation.Announce || s.Units == 0 {
			continue
		}
		p, it := s.Period, periodItem(s.Obligation, s.Period)
		title, period, when := obligationTitle(s.Obligation, lang), reminders.PeriodName(p.Key, lang), b.when(lang, p.DeadlineAt, now)
		line := tr(lang, "digest.week_line", title, period, weekday(p.DeadlineAt, b.loc, lang), formatDate(p.DeadlineAt, b.loc), when, s.Submitted, s.Units)
		if worded := b.deadlineWording(lang, it); worded != "" {
			line = tr(lang, "digest.week_worded", title, period, worded, weekday(p.DeadlineAt, b.loc, lang), when, s.Submitted, s.Units)
		}
		if reason := b.movedReason(pl, lang, it); reason != "" {
			line += tr(lang, "digest.week_moved", formatDate(p.DueAt, b.loc), reason)
		}
		lines = append(lines, line)
	}
	m := db.OutMessage{Key: "digest:week:" + monday.Format(time.DateOnly), Text: strings.Join(lines, "\n"), Purpose: "digest"}
	if len(lines) == 1 {
		// Nothing due: no message rather than an empty one, and the week's
		// digest counts as done, so a deadline entering the 14-day window
		// on Thursday does not bring a "weekly" digest on Thursday.
		m.Status = db.OutSkipped
	}
	return []db.OutMessage{m}, nil
}

// summaries tells the group, the working day after each deadline, how many
// units handed in on time and (unless the plan or the obligation says not
// to name them) which were late; in lang, the chat language.
func (b *Bot) summaries(r *db.Reader, pl *reminders.Planner, lang string, now time.Time) ([]db.OutMessage, error) {
	// Far enough back to reach a deadline before Tết's long break.
	stats, err := r.PeriodStats(now.Add(-reminders.SummaryStale-14*24*time.Hour), now)
	if err != nil {
		return nil, err
	}
	var out []db.OutMessage
	for _, s := range stats {
		o, p := s.Obligation, s.Period
		if !o.Summary || s.Units == 0 || !pl.SummaryDue(p.DeadlineAt, now) {
			continue
		}
		items, err := r.PeriodItems(p.ID)
		if err != nil {
			return nil, err
		}
		sum := reminders.Summarize(items, now)
		text := tr(lang, "summary.line", obligationTitle(o, lang), reminders.PeriodName(p.Key, lang), formatDate(p.DeadlineAt, b.loc), sum.OnTime, sum.Total)
		switch {
		case len(sum.Late) > 0 && o.NameLateUnits && pl.Policy().NameLateUnits:
			var names []string
			for _, it := range sum.Late {
				names = append(names, unitName(it.Unit, lang))
			}
			text += tr(lang, "summary.late_names", capList(lang, names, "; "))
		case len(sum.Late) > 0:
			text += tr(lang, "summary.late_count", len(sum.Late))
		}
		if sum.Extended > 0 {
			text += tr(lang, "summary.extended", sum.Extended)
		}
		if len(sum.Late) == 0 {
			text += tr(lang, "summary.thanks")
		}
		out = append(out, db.OutMessage{Key: "summary:" + strconv.FormatInt(p.ID, 10), Text: text, Purpose: "summary", RefID: p.ID})
	}
	return out, nil
}
