package bot

import (
	"context"
	"time"

	"github.com/reportbot/reportbot/ops"
)

// The Bot is the ops.Source of /healthz and /metrics.
var _ ops.Source = (*Bot)(nil)

// Ping checks that the database answers.
func (b *Bot) Ping(ctx context.Context) error { return b.store.Ping(ctx) }

// Outbox reports how many messages wait and how long the oldest has waited.
func (b *Bot) Outbox(ctx context.Context) (int, time.Duration, error) {
	n, oldest, err := b.store.Read(ctx).OutboxDepth()
	if err != nil || n == 0 {
		return n, 0, err
	}
	return n, b.store.Now().Sub(oldest), nil
}

// Counters are the bot's running totals since start (submissions: ever).
func (b *Bot) Counters() ops.Counters {
	st := b.sender.Stats()
	c := ops.Counters{
		UpdatesHandled:   b.updatesHandled.Load(),
		MessagesSent:     st.Sent,
		TooManyRequests:  st.TooManyRequests,
		DownloadFailures: b.downloadFailures.Load(),
	}
	c.Submissions, _ = b.store.Read(context.Background()).CountSubmissions()
	return c
}
