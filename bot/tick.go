package bot

import (
	"context"
	"log/slog"

	"github.com/robfig/cron/v3"
)

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

func (b *Bot) tickAndLog(ctx context.Context) {
	if err := b.Tick(ctx); err != nil && ctx.Err() == nil {
		b.log.Error("planner tick", "err", err)
	}
}

// cronLogger routes cron's messages to our slog logger. cron logs every
// skipped or scheduled run at Info, which is noise once a minute, so those
// go to Debug; errors (a recovered panic) stay errors.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
