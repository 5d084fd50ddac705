// Package ops serves what an operator watches: /healthz and Prometheus
// metrics. It reads the running bot through a small interface and knows
// nothing of Telegram.
package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Source is what the health check and the metrics read.
type Source interface {
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// LastTelegramOK is when Telegram last answered a call.
	LastTelegramOK() time.Time
	// Outbox is the number of messages waiting and the age of the oldest.
	Outbox(ctx context.Context) (depth int, oldest time.Duration, err error)
	// Counters are monotonic counts: updates handled, messages sent, 429s,
	// submissions, download failures.
	Counters() Counters
	// PlannerTicks is how the per-minute planner ticks have gone.
	PlannerTicks() Ticks
}

// Ticks is the planner's recent record.
type Ticks struct {
	LastOK    time.Time // the last tick that succeeded; zero before the first
	Failures  int       // ticks failed in a row since
	LastError string    // why the last one failed
}

// Counters are the running totals the bot keeps.
type Counters struct {
	UpdatesHandled   int64
	MessagesSent     int64
	TooManyRequests  int64
	Submissions      int64
	DownloadFailures int64
}

// Limits say when the bot is unhealthy.
type Limits struct {
	// TelegramSilence: no successful Telegram call for this long. Long
	// polling answers at least once a minute, so a few minutes means trouble.
	TelegramSilence time.Duration
	// OutboxStuck: the oldest waiting message is older than this.
	OutboxStuck time.Duration
	// PlannerSilence: the planner ticks every minute; no successful tick for
	// this long means it is stuck even if no tick reported a failure.
	PlannerSilence time.Duration
}

// DefaultLimits fit long polling with a 50 s poll.
var DefaultLimits = Limits{TelegramSilence: 5 * time.Minute, OutboxStuck: 15 * time.Minute, PlannerSilence: 10 * time.Minute}

// Handler serves /healthz and /metrics.
func Handler(src Source, lim Limits) http.Handler {
	reg := prometheus.NewRegistry()
	counter := func(name, help string, get func(Counters) int64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "reportbot_" + name, Help: help},
			func() float64 { return float64(get(src.Counters())) }))
	}
	counter("updates_handled_total", "Telegram updates handled.", func(c Counters) int64 { return c.UpdatesHandled })
	counter("messages_sent_total", "Messages Telegram accepted from the outbox.", func(c Counters) int64 { return c.MessagesSent })
	counter("telegram_429_total", "Too Many Requests answers from Telegram.", func(c Counters) int64 { return c.TooManyRequests })
	counter("submissions_total", "Report submissions recorded.", func(c Counters) int64 { return c.Submissions })
	counter("download_failures_total", "Report downloads that failed for good.", func(c Counters) int64 { return c.DownloadFailures })
	outbox := func() (int, time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, age, _ := src.Outbox(ctx)
		return n, age
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "reportbot_outbox_depth", Help: "Messages waiting in the outbox."},
		func() float64 { n, _ := outbox(); return float64(n) }))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "reportbot_outbox_oldest_seconds", Help: "Age of the oldest waiting message."},
		func() float64 { _, age := outbox(); return age.Seconds() }))

	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		rep := check(r.Context(), src, lim)
		w.Header().Set("Content-Type", "application/json")
		if !rep.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(rep)
	})
	return mux
}

// Report is the /healthz answer.
type Report struct {
	OK       bool   `json:"ok"`
	Database string `json:"database"`
	Telegram string `json:"telegram"`
	Outbox   string `json:"outbox"`
	// Planner names the last successful planner tick, or why it fails.
	Planner string `json:"planner"`
}

func check(ctx context.Context, src Source, lim Limits) Report {
	rep := Report{OK: true, Database: "ok", Telegram: "ok", Outbox: "ok", Planner: "no tick yet"}
	fail := func(field *string, msg string) {
		rep.OK = false
		*field = msg
	}
	if err := src.Ping(ctx); err != nil {
		fail(&rep.Database, "database does not answer: "+err.Error())
	}
	if last := src.LastTelegramOK(); last.IsZero() || time.Since(last) > lim.TelegramSilence {
		fail(&rep.Telegram, "no successful Telegram call since "+last.Format(time.RFC3339))
	}
	if n, age, err := src.Outbox(ctx); err != nil {
		fail(&rep.Outbox, "cannot read the outbox: "+err.Error())
	} else if n > 0 && age > lim.OutboxStuck {
		fail(&rep.Outbox, "outbox stuck: oldest message waiting "+age.Round(time.Second).String())
	}
	ticks := src.PlannerTicks()
	if !ticks.LastOK.IsZero() {
		rep.Planner = "last successful tick " + ticks.LastOK.UTC().Format(time.RFC3339)
	}
	switch {
	case ticks.Failures > 0:
		fail(&rep.Planner, fmt.Sprintf("%d planner ticks failed in a row (last success %s): %s",
			ticks.Failures, since(ticks.LastOK), ticks.LastError))
	case !ticks.LastOK.IsZero() && time.Since(ticks.LastOK) > lim.PlannerSilence:
		fail(&rep.Planner, "no successful planner tick since "+since(ticks.LastOK))
	}
	return rep
}

// since writes a time for the report, "never" for the zero time.
func since(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
