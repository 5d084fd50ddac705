package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/ops"
)

// clockJumpLimit is how far the wall clock may move, beyond the time that
// really passed, before a tick is held back as a clock jump.
const clockJumpLimit = time.Hour

// runTicker ticks once at start-up, then every minute in the plan's zone,
// until ctx ends. cron is only the trigger: what is due is decided by Tick
// from the business clock, never from cron's idea of the time. A panicking
// tick is recovered and logged, and a tick still running when the next
// minute comes makes that minute skip.
func (b *Bot) runTicker(ctx context.Context) {
	b.tickAndLog(ctx)
	logger := cronLogger{b.log}
	c := cron.New(
		cron.WithLocation(b.loc),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	if _, err := c.AddFunc("* * * * *", func() { b.tickAndLog(ctx) }); err != nil {
		// A constant spec: failing here is a bug, not a condition to run with.
		panic("bot: cron spec: " + err.Error())
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done() // wait for a running tick to finish
}

// tickAndLog is the planner's entry from the trigger: it holds back the tick
// of a clock jump, runs Tick and keeps the outcome for /healthz.
func (b *Bot) tickAndLog(ctx context.Context) {
	if b.clockJumped(ctx) {
		return
	}
	err := b.Tick(ctx)
	if err == nil {
		err = b.pruneDaily(ctx)
	}
	if ctx.Err() != nil {
		return
	}
	b.ticks.record(err)
	if err != nil {
		b.log.Error("planner tick", "err", err)
	}
}

// clockJumped compares how far the business clock moved since the last tick
// with the time that really passed (the monotonic clock, which an NTP step
// or an operator's date command does not move). A jump of more than an hour
// either way would make the planner mark a day of reminders skipped, or send
// overdue notices before the deadline: that tick is held back, the planner
// rebuilds what it keeps in memory from the database, and the Office is told
// once.
func (b *Bot) clockJumped(ctx context.Context) bool {
	w := &b.jump
	wall, mono := b.store.Now().Round(0), b.monotonic()
	w.mu.Lock()
	lastWall, lastMono := w.wall, w.mono
	w.wall, w.mono = wall, mono
	w.mu.Unlock()
	if lastWall.IsZero() {
		return false
	}
	drift := wall.Sub(lastWall) - mono.Sub(lastMono)
	if drift < clockJumpLimit && drift > -clockJumpLimit {
		return false
	}
	b.log.Warn("wall clock jumped: this tick is held back", "from", lastWall, "to", wall, "drift", drift)
	st := &b.rem
	st.tick.Lock()
	st.mu.Lock()
	st.planner, st.ensured = nil, ""
	st.mu.Unlock()
	st.tick.Unlock()
	b.noteOffice(ctx, fmt.Sprintf("clockjump:%d:%d", lastWall.Unix(), wall.Unix()), "office.clock_jump",
		formatDateTime(lastWall, b.loc), formatDateTime(wall, b.loc))
	return true
}

// defaultRetention is how long handled updates and sent messages are kept.
const defaultRetention = 90 * 24 * time.Hour

// pruneDaily removes, once a day, handled updates and sent messages older
// than the retention period (db/retention.go says why).
func (b *Bot) pruneDaily(ctx context.Context) error {
	now := b.store.Now()
	today := now.In(b.loc).Format(time.DateOnly)
	b.ticks.mu.Lock()
	done := b.ticks.prunedOn == today
	b.ticks.mu.Unlock()
	if done {
		return nil
	}
	keep := b.cfg.Retention
	if keep <= 0 {
		keep = defaultRetention
	}
	var p db.Pruned
	err := b.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		p, err = tx.Prune(now.Add(-keep))
		return err
	})
	if err != nil {
		return err
	}
	b.ticks.mu.Lock()
	b.ticks.prunedOn = today
	b.ticks.mu.Unlock()
	if p.Updates+p.Outbox > 0 {
		b.log.Info("pruned past the retention period", "updates", p.Updates, "messages", p.Outbox, "retention", keep)
	}
	return nil
}

// clockWatch is the wall and monotonic time of the last tick.
type clockWatch struct {
	mu         sync.Mutex
	wall, mono time.Time
}

// noteOffice queues a note for the Office chat in the chat language, once
// per key; without a bound Office chat the log is all there is.
func (b *Bot) noteOffice(ctx context.Context, key, textKey string, args ...any) {
	r := b.store.Read(ctx)
	office, err := r.Chat(db.ChatOffice)
	if err != nil {
		return
	}
	msg := db.OutMessage{Key: key, Text: tr(b.chatLang(r), textKey, args...)}
	if n, err := b.enqueueAll(context.WithoutCancel(ctx), office, []db.OutMessage{msg}); err != nil {
		b.log.Error("tell the Office", "note", textKey, "err", err)
	} else if n > 0 {
		b.Kick()
	}
}

// tickRecord is the outcome of the planner's ticks, for /healthz, and the
// day of the last prune.
type tickRecord struct {
	mu       sync.Mutex
	lastOK   time.Time
	failures int
	lastErr  string
	prunedOn string // local date of the last prune
}

func (r *tickRecord) record(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.failures++
		r.lastErr = err.Error()
		return
	}
	r.lastOK, r.failures, r.lastErr = time.Now(), 0, ""
}

// PlannerTicks reports the last successful planner tick and the failures
// since, for /healthz.
func (b *Bot) PlannerTicks() ops.Ticks {
	b.ticks.mu.Lock()
	defer b.ticks.mu.Unlock()
	return ops.Ticks{LastOK: b.ticks.lastOK, Failures: b.ticks.failures, LastError: b.ticks.lastErr}
}

// cronLogger routes cron's messages to our slog logger. cron logs every
// skipped or scheduled run at Info, which is noise once a minute, so those
// go to Debug; errors (a recovered panic) stay errors.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
