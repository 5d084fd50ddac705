package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// reminderState is the planner's memory within one process. Nothing in it
// is needed for correctness after a restart: the schedule lives in the
// database (next_notice_at) and the outbox's keys stop repeats.
type reminderState struct {
	// tick lets one Tick run at a time (cron's SkipIfStillRunning covers
	// cron's own calls, not the start-up tick or a test's).
	tick sync.Mutex
	// ensured and daily are the local dates whose periods were ensured and
	// whose digests were done, so that work runs once a day and not in
	// every minute's tick.
	ensured, daily string
	// notes gathers the Office's notes over the ticks of a fan-out bigger
	// than one tick's budget, so the Office hears about it once, from the
	// tick that finishes it; nil between fan-outs.
	notes *tickNotes

	mu      sync.Mutex // guards the planner cache; handlers read it too
	pol     reminders.Policy
	planner *reminders.Planner
}

// tickBatch is how many due assignments one transaction handles at most.
const tickBatch = 2000

// lookFactor bounds the assignments one tick looks at, as a multiple of its
// budget of reminders: a look that only reschedules costs less than one
// that queues a reminder.
const lookFactor = 2

// planBudget is how many reminders one tick queues at most:
// Config.PlanPerTick, by default what the sender delivers in the minute
// until the next tick at its overall rate. Queuing more in one minute would
// only make that minute longer: the sender cannot send it any sooner. A tick
// also looks at no more than lookFactor × that many assignments, so a look
// that queues nothing (the first look at a freshly imported plan, which
// only schedules) cannot make one minute long either.
func (b *Bot) planBudget() int {
	if n := b.cfg.PlanPerTick; n > 0 {
		return n
	}
	return max(1, int(b.sender.cfg.GlobalPerSecond*60))
}

// listCap bounds the lines of a digest or an Office note: past it the
// message says how many more there are, and /overdue has the whole list.
const listCap = 100

func (b *Bot) registerReminders() {
	// "paper:<assignment>" belongs to submissions.
	b.addCallback("snooze", b.onSnooze)
}

// planner returns the planner for the stored policy, rebuilt only when a
// plan import changed it.
func (b *Bot) planner(ctx context.Context) (*reminders.Planner, error) {
	pol, err := reminders.LoadPolicy(b.store.Read(ctx))
	if err != nil {
		return nil, err
	}
	st := &b.rem
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.planner == nil || !pol.Equal(st.pol) {
		st.pol, st.planner = pol, reminders.NewPlanner(pol)
	}
	return st.planner, nil
}

// Tick does what is due at the business clock's now: once a day it creates
// the coming periods; every time it sends the reminders, overdue notices and
// escalations whose time has come (finding them through next_notice_at, so
// a quiet minute costs one indexed query); and at the working hour it posts
// the day's digests, once the reminders due are all queued: a fan-out that
// spans ticks does not have the digests' queries on top of a full tick. cron
// calls it every minute; it is safe to call at any time and any number of
// times, since every message has a dedupe key.
func (b *Bot) Tick(ctx context.Context) error {
	st := &b.rem
	st.tick.Lock()
	defer st.tick.Unlock()
	pl, err := b.planner(ctx)
	if err != nil {
		return err
	}
	now := b.store.Now()
	today := now.In(pl.Location()).Format(time.DateOnly)
	if st.ensured != today {
		if err := b.store.Tx(ctx, func(tx *db.Tx) error { return reminders.EnsurePeriods(tx, pl.Policy()) }); err != nil {
			return fmt.Errorf("ensure periods: %w", err)
		}
		st.ensured = today
	}
	sent, backlog, err := b.sendDue(ctx, pl, now)
	if err == nil && !backlog && st.daily != today && !now.Before(pl.WorkingTime(now)) {
		var n int
		if n, err = b.sendDigests(ctx, pl, now); err == nil {
			st.daily = today
		}
		sent += n
	}
	if sent > 0 {
		b.Kick()
	}
	return err
}

// tickNotes gathers, over one tick, what the Office should hear about in one
// line each: stages skipped as stale, and units nobody could be told.
type tickNotes struct {
	skipped map[string]int // "code|period|stage name|at" → units
	order   []skipGroup
	nobody  []string
}

type skipGroup struct {
	key   string
	it    db.Item
	stage reminders.Stage
}

func (n *tickNotes) skip(it db.Item, s reminders.Stage) {
	key := fmt.Sprintf("%d|%s|%d", it.PeriodID, s.Name, s.At.Unix())
	if _, ok := n.skipped[key]; !ok {
		n.order = append(n.order, skipGroup{key: key, it: it, stage: s})
	}
	n.skipped[key]++
}

func (n *tickNotes) merge(o *tickNotes) {
	for _, g := range o.order {
		if _, ok := n.skipped[g.key]; !ok {
			n.order = append(n.order, g)
		}
		n.skipped[g.key] += o.skipped[g.key]
	}
	n.nobody = append(n.nobody, o.nobody...)
}

func newTickNotes() *tickNotes { return &tickNotes{skipped: map[string]int{}} }

// sendDue handles the assignments whose next notice is due, earliest
// deadline first, in batches of one transaction each: the notices are
// queued and the next look scheduled together, so a crash repeats a batch or
// nothing. It stops at the tick's budget (planBudget: reminders queued, and
// assignments looked at): what is left stays due and goes first in the next
// tick, so a fan-out bigger than a minute's sending spans ticks, each as
// cheap as the budget; backlog says so. The Office's notes are gathered
// until a tick finds nothing left, which sends them once.
func (b *Bot) sendDue(ctx context.Context, pl *reminders.Planner, now time.Time) (sent int, backlog bool, err error) {
	st := &b.rem
	if st.notes == nil {
		st.notes = newTickNotes()
	}
	budget := b.planBudget()
	looked := 0
	for {
		limit := min(tickBatch, budget-sent, lookFactor*budget-looked)
		if limit <= 0 {
			next, err := b.store.Read(ctx).NextNoticeAt()
			if err != nil {
				return sent, false, fmt.Errorf("plan reminders: %w", err)
			}
			if !next.IsZero() && !next.After(now) {
				return sent, true, nil // the next tick goes on with it
			}
			break // the budget was just enough
		}
		var n, queued int
		var batchNotes *tickNotes
		err := b.store.Tx(ctx, func(tx *db.Tx) error {
			batchNotes = newTickNotes()
			var err error
			n, queued, err = b.planBatch(tx, pl, now, limit, batchNotes)
			return err
		})
		if err != nil {
			return sent, false, fmt.Errorf("plan reminders: %w", err)
		}
		sent += queued
		looked += n
		st.notes.merge(batchNotes)
		if n < limit {
			break
		}
	}
	b.noteStale(ctx, pl, st.notes)
	n, err := b.tellOffice(ctx, pl, now, st.notes)
	if err == nil {
		st.notes = nil
	}
	return sent + n, false, err
}

// escalation is one assignment the Director hears about.
type escalation struct {
	it    db.Item
	stage reminders.Stage
}

// planBatch decides and queues a batch of at most limit due assignments and
// returns how many it looked at and how many messages it queued.
func (b *Bot) planBatch(tx *db.Tx, pl *reminders.Planner, now time.Time, limit int, notes *tickNotes) (looked, queued int, err error) {
	r := tx.Reader()
	items, err := r.DueItems(now, limit)
	if err != nil || len(items) == 0 {
		return 0, 0, err
	}
	unitIDs := make([]int64, 0, len(items))
	seen := map[int64]bool{}
	for _, it := range items {
		if !seen[it.UnitID] {
			seen[it.UnitID] = true
			unitIDs = append(unitIDs, it.UnitID)
		}
	}
	members, err := r.UnitRecipients(unitIDs)
	if err != nil {
		return 0, 0, err
	}
	w, err := tx.Batch()
	if err != nil {
		return 0, 0, err
	}
	defer w.Close()
	enqueue := w.Enqueue // written by Flush; w.Added then counts the new ones
	buttons := buttonCache{}
	var escalations []escalation
	texts := reminderTexts{b: b, pl: pl, now: now, bodies: map[reminderBody]string{}}
	for _, it := range items {
		d := pl.Decide(it, now)
		to := reachable(members[it.UnitID])
		for _, s := range d.Due {
			if s.Kind == reminders.StageEscalate {
				escalations = append(escalations, escalation{it, s})
				continue
			}
			if len(to) == 0 {
				notes.nobody = append(notes.nobody, nobodyItem(pl.Policy().ChatLang(), it, s))
				continue
			}
			for _, m := range to {
				lang := pickLang(m.Lang, "")
				err := enqueue(db.OutMessage{
					Key: reminderKey(it.ID, s.Key, m.ID), ChatID: m.TelegramID, MemberID: m.ID,
					Text: texts.text(lang, it), Markup: buttons.get(lang, it.ID), Purpose: "reminder", RefID: it.ID,
					ExpiresAt: s.Expires,
				})
				if err != nil {
					return 0, 0, err
				}
			}
		}
		for _, s := range d.Skipped {
			// Recorded, never sent: a later look (or a restart) cannot
			// mistake the stage for one still to send.
			for _, m := range to {
				err := enqueue(db.OutMessage{
					Key: reminderKey(it.ID, s.Key, m.ID), ChatID: m.TelegramID, MemberID: m.ID,
					Purpose: "reminder", RefID: it.ID, Status: db.OutSkipped,
				})
				if err != nil {
					return 0, 0, err
				}
			}
			notes.skip(it, s)
		}
		next := d.Next
		if !next.IsZero() && !next.After(now) {
			// Never schedule into the past: the batch loop would find the
			// assignment again and spin.
			next = now.Add(time.Minute)
		}
		w.SetNextNotice(it.ID, next)
	}
	if err := w.Flush(); err != nil {
		return 0, 0, err
	}
	queued = w.Added(db.OutPending)
	if len(escalations) > 0 {
		n, err := b.escalate(tx, now, items[0].ID, escalations, pl.Policy().ChatLang())
		if err != nil {
			return 0, 0, err
		}
		queued += n
	}
	return len(items), queued, nil
}

// nobodyItem is one unit nobody could be told, for the Office's note, in
// the chat language.
func nobodyItem(lang string, it db.Item, s reminders.Stage) string {
	return tr(lang, "rem.nobody_item", unitName(it.Unit, lang), it.Obligation.Code, stageName(lang, s))
}

// reminderKey is the outbox key of a stage's message to one member.
func reminderKey(assignmentID int64, stage string, memberID int64) string {
	return "rem:" + strconv.FormatInt(assignmentID, 10) + ":" + stage + ":" + strconv.FormatInt(memberID, 10)
}

// reachable keeps the members who can be sent to: a member who blocked the
// bot is skipped (the sender would hold the message anyway) until they write
// again; the Office's digest says so.
func reachable(ms []db.Member) []db.Member {
	out := ms[:0:0]
	for _, m := range ms {
		if m.UnreachableAt.IsZero() {
			out = append(out, m)
		}
	}
	return out
}

// reminderButtons are "remind me later" and, for a head who handed the
// report in on paper, "submitted on paper" (handled by submissions).
func reminderButtons(lang string, assignmentID int64) string {
	id := strconv.FormatInt(assignmentID, 10)
	return Keyboard([]Button{
		{Label: tr(lang, "rem.btn_snooze"), Data: "snooze:" + id},
		{Label: tr(lang, "rem.btn_paper"), Data: "paper:" + id},
	})
}

// reminderTexts renders the reminders of one batch. Everything but the
// unit's name depends only on the period, the deadline and the language, so
// that part is rendered once per batch and shared by every unit: a busy
// tick reminds thousands of units of the same period.
type reminderTexts struct {
	b      *Bot
	pl     *reminders.Planner
	now    time.Time
	bodies map[reminderBody]string
}

type reminderBody struct {
	period   int64
	deadline int64
	lang     string
}

// text says what is owed, for which period, by when, how long is left (or
// how late it is), whether the deadline moved and why, and how to submit.
func (rt *reminderTexts) text(lang string, it db.Item) string {
	title := "rem.title_before"
	if rt.now.After(it.DeadlineAt) {
		title = "rem.title_overdue"
	}
	key := reminderBody{it.PeriodID, it.DeadlineAt.Unix(), lang}
	body, ok := rt.bodies[key]
	if !ok {
		body = rt.b.reminderBody(rt.pl, lang, it, rt.now)
		rt.bodies[key] = body
	}
	return tr(lang, title, unitName(it.Unit, lang)) + body
}

// reminderBody is a reminder after its title line.
func (b *Bot) reminderBody(pl *reminders.Planner, lang string, it db.Item, now time.Time) string {
	var sb strings.Builder
	sb.WriteString("\n\n" + tr(lang, "rem.report", obligationTitle(it.Obligation, lang)))
	sb.WriteString("\n" + tr(lang, "rem.period", reminders.PeriodName(it.Period.Key, lang)))
	if it.Obligation.Basis != "" {
		sb.WriteString("\n" + tr(lang, "rem.basis", it.Obligation.Basis))
	}
	sb.WriteString("\n" + tr(lang, "rem.deadline", weekday(it.DeadlineAt, b.loc, lang), formatDate(it.DeadlineAt, b.loc),
		it.DeadlineAt.In(b.loc).Format("15:04"), b.when(lang, it.DeadlineAt, now)))
	if reason := b.movedReason(pl, lang, it); reason != "" {
		sb.WriteString("\n" + tr(lang, "rem.moved", formatDate(it.Period.DueAt, b.loc), reason))
	}
	sb.WriteString("\n\n" + tr(lang, "rem.howto"))
	return sb.String()
}

// when says how many calendar days are left before a deadline, or how many
// days late it is.
func (b *Bot) when(lang string, deadline, now time.Time) string {
	switch left := daysUntil(now, deadline, b.loc); {
	case left > 0:
		return tr(lang, "owed.days_left", left)
	case left == 0:
		return tr(lang, "owed.today")
	default:
		return tr(lang, "owed.days_late", -left)
	}
}

// movedReason names the day off that moved the period's deadline, in lang,
// or "" if it did not move (or this unit's deadline is an extension).
func (b *Bot) movedReason(pl *reminders.Planner, lang string, it db.Item) string {
	p := it.Period
	if p.MovedReason == "" || !it.DeadlineAt.Equal(p.DeadlineAt) {
		return ""
	}
	if lang != "en" {
		return p.MovedReason
	}
	if day, ok := pl.Calendar().DayInfo(p.DueAt); ok {
		return day.NameEN
	}
	return weekday(p.DueAt, b.loc, "en") // a plain weekend
}

// stageName says which notice a stage is, for the Office's notes.
func stageName(lang string, s reminders.Stage) string {
	switch s.Kind {
	case reminders.StageBefore:
		switch {
		case s.Offset.Dur > 0:
			return tr(lang, "rem.stage_dur", s.Offset.String())
		case s.Offset.Days == 0:
			return tr(lang, "rem.stage_morning")
		}
		return tr(lang, "rem.stage_days", s.Offset.Days)
	case reminders.StageOverdue:
		return tr(lang, "rem.stage_late", s.DaysLate)
	case reminders.StageSnooze:
		return tr(lang, "rem.stage_snooze")
	}
	return tr(lang, "rem.stage_esc")
}

// escalate tells the Director (every member with that role, each in their
// language; the Office chat if there is none) about a batch's assignments
// that are EscalateAfter working days late, in one message each.
func (b *Bot) escalate(tx *db.Tx, now time.Time, batchID int64, escs []escalation, chatLang string) (int, error) {
	r := tx.Reader()
	directors, err := r.MembersByRole(db.RoleDirector)
	if err != nil {
		return 0, err
	}
	directors = reachable(directors)
	text := func(lang string) string {
		lines := []string{tr(lang, "rem.escalate")}
		for i, e := range escs {
			if i == listCap {
				lines = append(lines, tr(lang, "rem.more", len(escs)-i))
				break
			}
			lines = append(lines, tr(lang, "rem.escalate_line", unitName(e.it.Unit, lang), obligationTitle(e.it.Obligation, lang),
				reminders.PeriodName(e.it.Period.Key, lang), formatDate(e.it.DeadlineAt, b.loc), e.stage.DaysLate))
		}
		return strings.Join(lines, "\n")
	}
	key := fmt.Sprintf("esc:%d:%d:", now.Unix(), batchID)
	queued := 0
	for _, m := range directors {
		_, created, err := tx.Enqueue(db.OutMessage{Key: key + strconv.FormatInt(m.ID, 10), ChatID: m.TelegramID, MemberID: m.ID,
			Text: text(pickLang(m.Lang, "")), Purpose: "escalation"})
		if err != nil {
			return 0, err
		}
		if created {
			queued++
		}
	}
	if len(directors) > 0 {
		return queued, nil
	}
	office, err := r.Chat(db.ChatOffice)
	if errors.Is(err, db.ErrNotFound) {
		b.log.Warn("escalation has nobody to go to: no director and no Office chat", "assignments", len(escs))
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	_, created, err := tx.Enqueue(db.OutMessage{Key: key + "office", ChatID: office.ChatID, ThreadID: office.ThreadID,
		Text: text(chatLang), Purpose: "escalation"})
	if created {
		queued++
	}
	return queued, err
}

// tellOffice sends the tick's notes to the Office: one line listing the
// stages skipped as stale, one listing units nobody could be told.
func (b *Bot) tellOffice(ctx context.Context, pl *reminders.Planner, now time.Time, notes *tickNotes) (int, error) {
	if len(notes.order) == 0 && len(notes.nobody) == 0 {
		return 0, nil
	}
	office, err := b.store.Read(ctx).Chat(db.ChatOffice)
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	lang := pl.Policy().ChatLang()
	var msgs []db.OutMessage
	if len(notes.order) > 0 {
		var parts []string
		for _, g := range notes.order {
			parts = append(parts, tr(lang, "rem.skipped_item", g.it.Obligation.Code, reminders.PeriodName(g.it.Period.Key, lang),
				stageName(lang, g.stage), formatDateTime(g.stage.At, b.loc), notes.skipped[g.key]))
		}
		msgs = append(msgs, db.OutMessage{Key: fmt.Sprintf("skipped:%d", now.Unix()), Text: tr(lang, "rem.office_skipped", capList(lang, parts, "; "))})
	}
	if len(notes.nobody) > 0 {
		msgs = append(msgs, db.OutMessage{Key: fmt.Sprintf("nobody:%d", now.Unix()), Text: tr(lang, "rem.office_nobody", capList(lang, notes.nobody, "; "))})
	}
	return b.enqueueAll(ctx, office, msgs)
}

// capList joins at most listCap parts, saying how many more there are.
func capList(lang string, parts []string, sep string) string {
	if len(parts) > listCap {
		parts = append(parts[:listCap:listCap], tr(lang, "rem.more", len(parts)-listCap))
	}
	return strings.Join(parts, sep)
}

// enqueueAll queues messages to a bound chat in one transaction and returns
// how many were new.
func (b *Bot) enqueueAll(ctx context.Context, chat db.BoundChat, msgs []db.OutMessage) (int, error) {
	queued := 0
	err := b.store.Tx(ctx, func(tx *db.Tx) error {
		queued = 0
		for _, m := range msgs {
			m.ChatID, m.ThreadID = chat.ChatID, chat.ThreadID
			_, created, err := tx.Enqueue(m)
			if err != nil {
				return err
			}
			if created {
				queued++
			}
		}
		return nil
	})
	return queued, err
}

// onSnooze holds an assignment's reminders until the next working day's
// working hour ("⏰ Nhắc lại sau"), for anyone of the unit that owes it.
func (b *Bot) onSnooze(r *Request, args []string) error {
	var id int64
	if len(args) == 1 {
		id, _ = strconv.ParseInt(args[0], 10, 64)
	}
	it, err := b.store.Read(r.ctx).Item(id)
	switch {
	case errors.Is(err, db.ErrNotFound):
		r.Toast(r.T("callback.stale"))
		return nil
	case err != nil:
		return err
	case !r.Member.Role.NeedsUnit() || r.Member.UnitID != it.UnitID:
		r.Toast(r.T("snooze.not_member"))
		return nil
	case !it.Open():
		r.Toast(r.T("snooze.closed"))
		return nil
	}
	pl, err := b.planner(r.ctx)
	if err != nil {
		return err
	}
	until := pl.NextWorkingTime(b.store.Now())
	err = r.Tx(func(tx *db.Tx) error {
		cur, err := tx.Reader().Item(id)
		if err != nil {
			return err
		}
		if err := tx.Snooze(id, until); err != nil {
			return err
		}
		// Snooze moves the next look to its end; an earlier look (the
		// Director's escalation) must still happen.
		if next := cur.NextNoticeAt; !next.IsZero() && next.Before(until) {
			if err := tx.SetNextNotice(id, next); err != nil {
				return err
			}
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "snooze", strconv.FormatInt(id, 10), until.Format(time.RFC3339))
	})
	if err != nil {
		return err
	}
	r.Toast(r.T("snooze.done", formatDateTime(until, b.loc)+" ("+weekday(until, b.loc, r.Lang)+")"))
	return nil
}

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
			formatDate(it.DeadlineAt, b.loc), -daysUntil(now, it.DeadlineAt, b.loc))
		lines = append(lines, line+reachNote(lang, members[it.UnitID]))
	}
	if total > len(items) {
		lines = append(lines, tr(lang, "rem.more", total-len(items)))
	}
	return []db.OutMessage{{Key: "digest:office:" + day.In(b.loc).Format(time.DateOnly), Text: strings.Join(lines, "\n"), Purpose: "digest"}}, nil
}

// reachNote says, for the Office, why a unit may not have heard its
// reminders: nobody joined, the head did not join, or the heads blocked the
// bot.
func reachNote(lang string, ms []db.Member) string {
	if len(ms) == 0 {
		return tr(lang, "digest.nobody")
	}
	heads, blocked := 0, 0
	for _, m := range ms {
		if m.Role == db.RoleHead {
			heads++
			if !m.UnreachableAt.IsZero() {
				blocked++
			}
		}
	}
	switch {
	case heads == 0:
		return tr(lang, "digest.no_head")
	case blocked == heads:
		return tr(lang, "digest.unreachable")
	}
	return ""
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
		p := s.Period
		line := tr(lang, "digest.week_line", obligationTitle(s.Obligation, lang), reminders.PeriodName(p.Key, lang),
			weekday(p.DeadlineAt, b.loc, lang), formatDate(p.DeadlineAt, b.loc), b.when(lang, p.DeadlineAt, now), s.Submitted, s.Units)
		if reason := b.movedReason(pl, lang, db.Item{Assignment: db.Assignment{DeadlineAt: p.DeadlineAt}, Period: p}); reason != "" {
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
			text += tr(lang, "summary.late_names", capList(lang, names, ", "))
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
