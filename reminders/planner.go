package reminders

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reportbot/reportbot/db"
)

// StageKind says what a notice about an assignment is for.
type StageKind int

// The kinds of stage. The zero value is deliberately not a kind.
const (
	// StageBefore reminds a unit before its deadline: one of the
	// obligation's offsets ("7d", "0d", "2h").
	StageBefore StageKind = iota + 1
	// StageSnooze repeats the reminder when someone of the unit pressed
	// "remind me later".
	StageSnooze
	// StageOverdue tells a unit that its report is late.
	StageOverdue
	// StageEscalate tells the Director that a unit is EscalateAfter working
	// days late. It runs on its own track: later overdue notices to the
	// unit never make it stale.
	StageEscalate
)

// Stage is one notice in the life of an assignment.
type Stage struct {
	Kind StageKind
	// Name is "7d", "2h", "snooze", "late3" (three working days late) or
	// "esc".
	Name string
	// Key identifies the stage within its assignment across ticks and
	// restarts: the name, then the deadline's local date ("7d.20260610";
	// a snooze uses its own time). A moved deadline (an extension) thus
	// starts a fresh series instead of colliding with the old one's
	// notices, which the outbox would take for already sent.
	Key string
	// At is when the notice is due.
	At time.Time
	// Expires is when a due notice stops being worth sending (the next
	// stage, or the deadline); zero for one that never goes stale. The
	// outbox skips it from then on if an outage held it back.
	Expires time.Time
	// Offset is the obligation's offset, for StageBefore.
	Offset Offset
	// DaysLate counts working days after the deadline, for StageOverdue and
	// StageEscalate.
	DaysLate int
}

// Decision is what the planner says about one assignment at one instant.
type Decision struct {
	// Due are the stages to send now: at most one of the unit's track
	// (before, snooze, overdue) and the escalation. A stage of the unit's
	// track may be offered again by a later look (say, after a report was
	// returned) while it is still current; the outbox's dedupe keys absorb
	// that. The escalation is offered once.
	Due []Stage
	// Skipped are stages whose time came since the last look (the
	// assignment's NextNoticeAt) but which a later stage, or the deadline,
	// has already made stale: after an outage they are recorded as skipped,
	// never sent. Each stage is reported skipped at most once.
	Skipped []Stage
	// Next is when the assignment needs a look again; the zero time means
	// never (the unit submitted, or nothing is left to say). It is always
	// after now.
	Next time.Time
}

// Planner turns an assignment and an instant into the notices due then.
// Everything it decides follows from its arguments (no clock, no database),
// so a tick can be replayed and tested at any date. It is safe for
// concurrent use.
type Planner struct {
	pol Policy
	cal *Calendar

	mu        sync.Mutex
	offsets   map[string][]Offset       // parsed obligation offsets, by their text
	schedules map[scheduleKey]*schedule // by deadline and offsets
}

// scheduleKey names the stages every unit of a period shares.
type scheduleKey struct {
	deadline int64
	offsets  string
}

// schedule is what follows from a deadline and the obligation's offsets
// alone, worked out once and shared by every unit that owes that deadline:
// a busy tick decides thousands of assignments of one period.
type schedule struct {
	tag       string  // ".20260610": the deadline's local date, for stage keys
	before    []Stage // in time order
	firstLate Stage   // the first overdue notice
	esc       Stage
	hasEsc    bool
}

// maxSchedules bounds the schedule cache; periods and extensions are few,
// so it is only reached by a process that runs for years.
const maxSchedules = 4096

// NewPlanner returns a planner for a policy and its working calendar.
func NewPlanner(pol Policy) *Planner {
	return &Planner{pol: pol, cal: pol.Calendar(), offsets: map[string][]Offset{}, schedules: map[scheduleKey]*schedule{}}
}

// Policy is the policy the planner follows.
func (p *Planner) Policy() Policy { return p.pol }

// Calendar is the working calendar the planner counts days with.
func (p *Planner) Calendar() *Calendar { return p.cal }

// Location is the zone in which days and working hours are read.
func (p *Planner) Location() *time.Location { return p.cal.Location() }

// WorkingTime is t's local date at the policy's working hour.
func (p *Planner) WorkingTime(t time.Time) time.Time {
	y, m, d := t.In(p.cal.Location()).Date()
	return time.Date(y, m, d, p.pol.WorkingHour, p.pol.WorkingMinute, 0, 0, p.cal.Location())
}

// NextWorkingTime is the working hour of the first working day after t's
// date: where a snooze ends.
func (p *Planner) NextWorkingTime(t time.Time) time.Time {
	return p.cal.NextWorkingDay(p.WorkingTime(t))
}

// Decide says what an assignment needs at now. An assignment that no longer
// owes anything (submitted, accepted, or its unit or obligation closed)
// needs nothing, ever; a snoozed one waits for its snooze to end.
//
// Catch-up: a stage whose time has passed is still due while the next stage
// (or the deadline, for a stage before it) has not come; otherwise it is
// stale. So after an outage only what is still useful goes out, never a
// burst of old reminders.
func (p *Planner) Decide(it db.Item, now time.Time) Decision {
	if !it.Open() || !it.Obligation.ClosedAt.IsZero() || !it.Unit.ClosedAt.IsZero() {
		return Decision{}
	}
	since := it.NextNoticeAt
	if since.IsZero() || since.After(now) {
		since = now
	}
	if now.Before(it.SnoozedUntil) {
		// The unit asked for quiet; the Director's track is not theirs to
		// silence.
		d := Decision{Next: it.SnoozedUntil}
		p.escalate(&d, it, since, now)
		return d
	}
	var d Decision
	track := p.track(it, now)
	for i, s := range track {
		if s.At.After(now) {
			d.Next = s.At
			break
		}
		var expires time.Time // zero: never stale
		if i+1 < len(track) {
			expires = track[i+1].At
		}
		if s.At.Before(it.DeadlineAt) && (expires.IsZero() || it.DeadlineAt.Before(expires)) {
			expires = it.DeadlineAt
		}
		switch {
		case expires.IsZero() || now.Before(expires):
			s.Expires = expires
			d.Due = append(d.Due, s)
		case !s.At.Before(since):
			d.Skipped = append(d.Skipped, s)
		}
	}
	p.escalate(&d, it, since, now)
	return d
}

// escalate adds the escalation to a decision: due at the first look at or
// after its time, else the next look. It never goes stale, but neither is it
// repeated, so the bot may group a tick's escalations into one message.
func (p *Planner) escalate(d *Decision, it db.Item, since, now time.Time) {
	esc, ok := p.escalation(it)
	switch {
	case !ok:
	case esc.At.After(now):
		d.Next = earliest(d.Next, esc.At)
	case !esc.At.Before(since):
		d.Due = append(d.Due, esc)
	}
}

// Stages lists an assignment's notices due up to and including until, in
// time order, as they would go out if nobody submitted and nothing was
// missed: what the unit will hear and when. Escalation is included.
func (p *Planner) Stages(it db.Item, until time.Time) []Stage {
	var out []Stage
	for _, s := range p.track(it, until) {
		if !s.At.After(until) {
			out = append(out, s)
		}
	}
	if esc, ok := p.escalation(it); ok && !esc.At.After(until) {
		out = append(out, esc)
		sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	}
	return out
}

// track is the unit's sequence of notices in time order: the before-stages,
// a snooze if there is one, then overdue notices up to the first one after
// until, so the caller always sees what comes next.
func (p *Planner) track(it db.Item, until time.Time) []Stage {
	sch := p.schedule(it.DeadlineAt, it.Obligation.Offsets)
	track := make([]Stage, len(sch.before), len(sch.before)+2)
	copy(track, sch.before)

	// Overdue notices: the first working day after the deadline, then every
	// OverdueEvery working days. They go on for as long as the unit owes the
	// report, so they are generated only as far as needed.
	horizon := until
	if it.SnoozedUntil.After(horizon) {
		horizon = it.SnoozedUntil
	}
	for s := sch.firstLate; ; {
		track = append(track, s)
		if s.At.After(horizon) || p.pol.OverdueEvery <= 0 {
			break
		}
		s.At = p.cal.AddWorkingDays(s.At, p.pol.OverdueEvery)
		s.DaysLate += p.pol.OverdueEvery
		s.Name = "late" + strconv.Itoa(s.DaysLate)
		s.Key = s.Name + sch.tag
	}

	if snooze := it.SnoozedUntil; !snooze.IsZero() {
		// A snooze at the time of a regular stage adds nothing: the regular
		// stage is the reminder they asked for.
		clash := false
		for _, t := range track {
			clash = clash || t.At.Equal(snooze)
		}
		if !clash {
			track = append(track, Stage{Kind: StageSnooze, Name: "snooze", Key: "snooze." + strconv.FormatInt(snooze.Unix(), 10), At: snooze})
			sort.SliceStable(track, func(i, j int) bool { return track[i].At.Before(track[j].At) })
		}
	}
	return track
}

// schedule returns the stages that follow from a deadline and offsets,
// from the cache when it can.
func (p *Planner) schedule(deadline time.Time, offsets string) *schedule {
	key := scheduleKey{deadline.Unix(), offsets}
	p.mu.Lock()
	sch, ok := p.schedules[key]
	p.mu.Unlock()
	if ok {
		return sch
	}
	sch = &schedule{tag: "." + deadline.In(p.cal.Location()).Format("20060102")}
	sch.before = p.beforeStages(p.parseOffsets(offsets), deadline, sch.tag)
	first := p.cal.AddWorkingDays(p.WorkingTime(deadline), 1)
	late := p.cal.WorkingDaysBetween(deadline, first)
	name := "late" + strconv.Itoa(late)
	sch.firstLate = Stage{Kind: StageOverdue, Name: name, Key: name + sch.tag, At: first, DaysLate: late}
	if n := p.pol.EscalateAfter; n > 0 {
		at := p.cal.AddWorkingDays(p.WorkingTime(deadline), n)
		sch.esc = Stage{Kind: StageEscalate, Name: "esc", Key: "esc" + sch.tag, At: at, DaysLate: p.cal.WorkingDaysBetween(deadline, at)}
		sch.hasEsc = true
	}
	p.mu.Lock()
	if len(p.schedules) >= maxSchedules {
		clear(p.schedules)
	}
	p.schedules[key] = sch
	p.mu.Unlock()
	return sch
}

// beforeStages turns the obligation's offsets into reminders before the
// deadline, in time order. A day offset goes out at the working hour of that
// day, or of the working day before it when it is a day off; a duration
// offset is exact. Two offsets that land on the same instant (3d and 1d
// before a Monday both fall on the Friday) make one reminder, the nearer
// one; a reminder at or after the deadline is no reminder at all.
func (p *Planner) beforeStages(offsets []Offset, deadline time.Time, tag string) []Stage {
	var out []Stage
	for _, o := range offsets {
		var at time.Time
		if o.Dur > 0 {
			at = deadline.Add(-o.Dur)
		} else {
			at = p.WorkingTime(deadline.In(p.cal.Location()).AddDate(0, 0, -o.Days))
			if !p.cal.IsWorkingDay(at) {
				at = p.cal.PrevWorkingDay(at)
			}
		}
		if !at.Before(deadline) {
			continue
		}
		name := o.String()
		s := Stage{Kind: StageBefore, Name: name, Key: name + tag, At: at, Offset: o}
		replaced := false
		for i := range out {
			if out[i].At.Equal(at) {
				if reach(o) < reach(out[i].Offset) {
					out[i] = s
				}
				replaced = true
			}
		}
		if !replaced {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// reach is how far before the deadline an offset means, for choosing
// between two offsets that land on the same instant.
func reach(o Offset) time.Duration {
	if o.Dur > 0 {
		return o.Dur
	}
	return time.Duration(o.Days) * 24 * time.Hour
}

// escalation is the notice to the Director, if the policy asks for one.
func (p *Planner) escalation(it db.Item) (Stage, bool) {
	sch := p.schedule(it.DeadlineAt, it.Obligation.Offsets)
	return sch.esc, sch.hasEsc
}

// parseOffsets reads an obligation's stored offsets ("7d,3d,1d,0d"), once
// per distinct text: a busy tick meets the same few texts thousands of
// times. Unreadable entries are dropped (the plan parser refuses them, so
// this only guards a hand-edited database); no offsets at all means the
// defaults.
func (p *Planner) parseOffsets(s string) []Offset {
	p.mu.Lock()
	defer p.mu.Unlock()
	if offs, ok := p.offsets[s]; ok {
		return offs
	}
	var offs []Offset
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if o, err := ParseOffset(part); err == nil {
			offs = append(offs, o)
		}
	}
	if len(offs) == 0 {
		offs = DefaultOffsets
	}
	p.offsets[s] = offs
	return offs
}

// earliest is the earlier of two times, where zero means "none".
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
