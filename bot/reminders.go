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
	"github.com/reportbot/reportbot/reporting"
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

	mu      sync.Mutex // guards the planner cache; handlers read it too
	pol     reminders.Policy
	planner *reminders.Planner
}

// tickBatch is how many due assignments one transaction handles.
const tickBatch = 2000

// listCap bounds the lines of a digest or an Office note: past it the
// message says how many more there are, and /overdue has the whole list.
const listCap = 100

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
// the day's digests. cron calls it every minute; it is safe to call at any
// time and any number of times, since every message has a dedupe key.
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
	sent, err := b.sendDue(ctx, pl, now)
	if err == nil && st.daily != today && !now.Before(pl.WorkingTime(now)) {
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
	nobody  []nobodyNote
}

// nobodyNote is one unit nobody could be told about one period.
type nobodyNote struct {
	period int64
	line   string
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

// sendDue handles every assignment whose next notice is due, in batches of
// one transaction each: the notices are queued and the next look scheduled
// together, so a crash repeats a batch or nothing.
func (b *Bot) sendDue(ctx context.Context, pl *reminders.Planner, now time.Time) (int, error) {
	notes := newTickNotes()
	sent := 0
	for batch := 0; ; batch++ {
		var n, queued int
		batchNotes := newTickNotes()
		err := b.store.Tx(ctx, func(tx *db.Tx) error {
			batchNotes = newTickNotes()
			var err error
			n, queued, err = b.planBatch(tx, pl, now, batchNotes)
			return err
		})
		if err != nil {
			return sent, fmt.Errorf("plan reminders: %w", err)
		}
		sent += queued
		notes.merge(batchNotes)
		if n < tickBatch {
			break
		}
	}
	b.noteStale(ctx, pl, notes)
	n, err := b.tellOffice(ctx, pl, now, notes)
	return sent + n, err
}

// planBatch queues one batch of the core's tick (reporting.PlanTick) and
// returns how many assignments it looked at and how many messages it queued.
func (b *Bot) planBatch(tx *db.Tx, pl *reminders.Planner, now time.Time, notes *tickNotes) (looked, queued int, err error) {
	tb, err := reporting.PlanTick(tx.Reader(), pl, now, tickBatch)
	if err != nil || tb.Looked == 0 {
		return 0, 0, err
	}
	w, err := tx.Batch()
	if err != nil {
		return 0, 0, err
	}
	defer w.Close()
	enqueue := w.Enqueue // written by Flush; w.Added then counts the new ones
	buttons := buttonCache{}
	texts := reminderTexts{b: b, pl: pl, now: now, bodies: map[reminderBody]string{}}
	for _, n := range tb.Reminders {
		it := n.Item
		for _, m := range n.To {
			lang := pickLang(m.Lang, "")
			err := enqueue(db.OutMessage{
				Key: reminderKey(it.ID, n.Stage.Key, m.ID), ChatID: m.TelegramID, MemberID: m.ID,
				Text: texts.text(lang, it), Markup: buttons.get(lang, it.ID), Purpose: "reminder", RefID: it.ID,
				ExpiresAt: n.Stage.Expires,
			})
			if err != nil {
				return 0, 0, err
			}
		}
	}
	for _, n := range tb.Skipped {
		// Recorded, never sent: a later look (or a restart) cannot
		// mistake the stage for one still to send.
		for _, m := range n.To {
			err := enqueue(db.OutMessage{
				Key: reminderKey(n.Item.ID, n.Stage.Key, m.ID), ChatID: m.TelegramID, MemberID: m.ID,
				Purpose: "reminder", RefID: n.Item.ID, Status: db.OutSkipped,
			})
			if err != nil {
				return 0, 0, err
			}
		}
		notes.skip(n.Item, n.Stage)
	}
	for _, n := range tb.Unreached {
		notes.nobody = append(notes.nobody, nobodyNote{n.Item.PeriodID, b.nobodyItem(pl.Policy().ChatLang(), n.Item, n.Stage)})
	}
	for _, next := range tb.Next {
		w.SetNextNotice(next.AssignmentID, next.At)
	}
	if err := w.Flush(); err != nil {
		return 0, 0, err
	}
	queued = w.Added(db.OutPending)
	if len(tb.Escalations) > 0 {
		n, err := b.escalate(tx, now, tb.FirstID, tb.Escalations, pl.Policy().ChatLang())
		if err != nil {
			return 0, 0, err
		}
		queued += n
	}
	return tb.Looked, queued, nil
}

// nobodyItem is one unit nobody could be told, for the Office's note, in
// the chat language.
func (b *Bot) nobodyItem(lang string, it db.Item, s reminders.Stage) string {
	return tr(lang, "rem.nobody_item", unitName(it.Unit, lang), it.Obligation.Code, b.stageName(lang, s, it))
}

// reminderKey is the outbox key of a stage's message to one member.
func reminderKey(assignmentID int64, stage string, memberID int64) string {
	return "rem:" + strconv.FormatInt(assignmentID, 10) + ":" + stage + ":" + strconv.FormatInt(memberID, 10)
}

// reminderButtons are "remind me later" and, for a head who handed the
// report in on paper, "submitted on paper" (handled by submissions).
func reminderButtons(lang string, assignmentID int64) string {
	return Keyboard([]Button{
		Callback{Verb: VerbSnooze, ID: assignmentID}.Button(tr(lang, "rem.btn_snooze")),
		Callback{Verb: VerbPaper, ID: assignmentID}.Button(tr(lang, "rem.btn_paper")),
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
// days late it is, by the one lateness rule: after the deadline it is never
// "due today" and never "0 days late".
func (b *Bot) when(lang string, deadline, now time.Time) string {
	switch st := reporting.Measure(now, deadline, b.loc); {
	case st.Late:
		return tr(lang, "owed.days_late", st.Days)
	case st.Days == 0:
		return tr(lang, "owed.today")
	default:
		return tr(lang, "owed.days_left", st.Days)
	}
}

// daysLate is how many calendar days late an assignment is at now.
func (b *Bot) daysLate(it db.Item, now time.Time) int {
	return reporting.DaysLate(now, it.DeadlineAt, b.loc)
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

// stageName says which notice a stage of it is, for the Office's notes; an
// overdue notice says how late, by the one lateness rule.
func (b *Bot) stageName(lang string, s reminders.Stage, it db.Item) string {
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
		return tr(lang, "life.stage_late", reporting.DaysLate(s.At, it.DeadlineAt, b.loc))
	case reminders.StageSnooze:
		return tr(lang, "rem.stage_snooze")
	}
	return tr(lang, "rem.stage_esc")
}

// escalate tells the Director (every member with that role, each in their
// language; the Office chat if there is none) about a batch's assignments
// that are EscalateAfter working days late, in one message each.
func (b *Bot) escalate(tx *db.Tx, now time.Time, batchID int64, escs []reporting.Notice, chatLang string) (int, error) {
	r := tx.Reader()
	directors, err := r.MembersByRole(db.RoleDirector)
	if err != nil {
		return 0, err
	}
	directors = reporting.Reachable(directors)
	text := func(lang string) string {
		lines := []string{tr(lang, "rem.escalate")}
		for i, e := range escs {
			if i == listCap {
				lines = append(lines, tr(lang, "rem.more", len(escs)-i))
				break
			}
			lines = append(lines, tr(lang, "life.escalate_line", unitName(e.Item.Unit, lang), obligationTitle(e.Item.Obligation, lang),
				reminders.PeriodName(e.Item.Period.Key, lang), formatDate(e.Item.DeadlineAt, b.loc), b.daysLate(e.Item, now)))
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
				b.stageName(lang, g.stage, g.it), formatDateTime(g.stage.At, b.loc), notes.skipped[g.key]))
		}
		msgs = append(msgs, db.OutMessage{Key: fmt.Sprintf("skipped:%d", now.Unix()), Text: tr(lang, "rem.office_skipped", capList(lang, parts, "; "))})
	}
	// At most one "could not remind" note per period per day, listing its
	// units: a unit nobody can reach is found again at every later stage.
	day := now.In(b.loc).Format(time.DateOnly)
	var periods []int64
	lines := map[int64][]string{}
	for _, n := range notes.nobody {
		if _, ok := lines[n.period]; !ok {
			periods = append(periods, n.period)
		}
		lines[n.period] = append(lines[n.period], n.line)
	}
	for _, p := range periods {
		msgs = append(msgs, db.OutMessage{Key: fmt.Sprintf("nobody:%d:%s", p, day), Text: tr(lang, "rem.office_nobody", capList(lang, lines[p], "; "))})
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

// onSnooze holds an assignment's reminders ("⏰ Nhắc lại sau"), for anyone
// of the unit that owes it, until the core's SnoozeUntil: never past the
// next scheduled reminder nor the deadline.
func (b *Bot) onSnooze(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	it, _, err := reporting.Load(b.store.Read(r.ctx), id)
	if told(r, err) || err != nil {
		return ignoreRefusal(err)
	}
	pl, err := b.planner(r.ctx)
	if err != nil {
		return err
	}
	var until time.Time
	err = act(r, func(tx *db.Tx) error {
		var err error
		until, err = reporting.Hold(tx, actor(r), pl, it)
		return err
	})
	if err != nil || until.IsZero() {
		return err
	}
	r.Toast(r.T("snooze.done", formatDateTime(until, b.loc)+" ("+weekday(until, b.loc, r.Lang)+")"))
	return nil
}
