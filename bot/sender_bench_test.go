package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// Fan-out shape, from the issue: 10,000 reminders to 5,000 private chats and
// 50 groups.
const (
	sendBenchPrivateChats = 5000
	sendBenchGroups       = 50
	sendBenchReminders    = 10000
	sendBenchPerGroup     = 2 // announcements per group; the rest go to private chats
)

// telegramLimits are Telegram's own: 30 messages a second overall, 1 a
// second to one chat, 20 a minute to one group.
var telegramLimits = telegramtest.Limits{Global: 30, PerChat: 1, PerGroup: 20}

// BenchmarkFanout drains the fan-out through the real client against the
// fake Bot API, which enforces Telegram's real limits (a send over any limit
// is refused with 429 and counted as a violation) on the sender's simulated
// clock: the sender runs with a FakePacer, so the 5.6 minutes the fan-out
// takes at 30 a second pass in seconds of real time, and every wait the
// sender makes is checked against the limits as if it had been real. The
// sender is configured at those same limits, with one worker: in simulated
// time a call takes no time, so one worker keeps the pace, and its sends
// reach the fake in the order of the simulated clock (concurrent workers
// would each move the shared clock for the others).
//
// Metrics: rate/allowed is the accepted sends per simulated second, first to
// last, over the global limit (must be at least 0.95); 429s,
// private-violations and group-violations must be 0; s-to-drain is the
// simulated seconds from the first send to the last, real-s the real
// seconds the drain took. Run it with
//
//	go test -run '^$' -bench 'Fanout$' -benchtime 1x ./bot/
func BenchmarkFanout(b *testing.B) {
	for range b.N {
		b.StopTimer()
		pacer := NewFakePacer(time.Date(2026, 6, 3, 8, 0, 0, 0, time.UTC))
		srv := telegramtest.New(telegramtest.WithLimits(telegramLimits), telegramtest.WithLimitClock(pacer.Now), telegramtest.WithAutoChats())
		store, tg := sendBenchSetup(b, srv)
		s := NewSender(store, tg, SenderConfig{
			GlobalPerSecond:  float64(telegramLimits.Global),
			PerChatPerSecond: float64(telegramLimits.PerChat),
			GroupPerMinute:   float64(telegramLimits.PerGroup),
			Workers:          1,
			Pacer:            pacer,
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		realStart := time.Now()
		b.StartTimer()
		sent, err := s.Drain(ctx)
		b.StopTimer()
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		if sent != sendBenchReminders {
			b.Errorf("sent %d of %d", sent, sendBenchReminders)
		}
		sendBenchReport(b, srv, s, telegramLimits)
		b.ReportMetric(time.Since(realStart).Seconds(), "real-s")
		srv.Close()
		store.Close()
	}
}

// BenchmarkSenderHeadroom measures how fast the sender can go when the API
// answers at once: the same fan-out, no limits at the fake, the sender's
// limits set far above anything it can reach, real time and its default
// eight workers, while a CPU hog (one busy-loop process per core but one,
// started before the drain and killed after) keeps the machine's other
// cores busy, as another program would. msgs/s is what it achieved,
// x-telegram that over Telegram's 30 a second: how much room the whole path
// (client, fake server, SQLite) leaves above the limit it is paced to.
//
//	go test -run '^$' -bench SenderHeadroom -benchtime 1x ./bot/
func BenchmarkSenderHeadroom(b *testing.B) {
	for range b.N {
		b.StopTimer()
		srv := telegramtest.New()
		store, tg := sendBenchSetup(b, srv)
		s := NewSender(store, tg, SenderConfig{GlobalPerSecond: 1e6, PerChatPerSecond: 1e6, GroupPerMinute: 1e8, Pacer: RealPacer{}},
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		hogs := startCPUHogs(b, max(1, runtime.NumCPU()-1))
		start := time.Now()
		b.StartTimer()
		sent, err := s.Drain(ctx)
		b.StopTimer()
		elapsed := time.Since(start)
		hogs()
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		if sent != sendBenchReminders {
			b.Errorf("sent %d of %d", sent, sendBenchReminders)
		}
		rate := float64(sent) / elapsed.Seconds()
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(rate/float64(telegramLimits.Global), "x-telegram")
		b.ReportMetric(float64(max(1, runtime.NumCPU()-1)), "hogs")
		srv.Close()
		store.Close()
	}
}

// startCPUHogs starts n busy-loop processes and returns the function that
// kills them (by their process, never by name) and waits for them.
func startCPUHogs(b *testing.B, n int) (stop func()) {
	b.Helper()
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
		cmds = nil
	}
	b.Cleanup(stop) // also on a failure between start and stop
	for range n {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if err := c.Start(); err != nil {
			b.Fatalf("start CPU hog: %v", err)
		}
		cmds = append(cmds, c)
	}
	return stop
}

// sendBenchSetup opens a fresh store with the fan-out queued and a client of
// srv.
func sendBenchSetup(b *testing.B, srv *telegramtest.Server) (*db.Store, *tgbot.Bot) {
	b.Helper()
	store, err := db.Open(filepath.Join(b.TempDir(), "reportbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	tg, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	sendBenchEnqueue(b, store)
	return store, tg
}

// sendBenchEnqueue writes the reminders as a planner would: each chat's
// messages one after another, the groups' announcements first.
func sendBenchEnqueue(b *testing.B, store *db.Store) {
	b.Helper()
	err := store.Tx(context.Background(), func(tx *db.Tx) error {
		n := 0
		add := func(chat int64) error {
			n++
			_, _, err := tx.Enqueue(db.OutMessage{Key: fmt.Sprintf("bench:%d", n), ChatID: chat,
				Text: fmt.Sprintf("Nhắc hạn: báo cáo tháng của đơn vị (%d) hạn nộp 17:00 ngày 05/06/2026.", n)})
			return err
		}
		for g := range sendBenchGroups {
			for range sendBenchPerGroup {
				if err := add(-100000 - int64(g)); err != nil {
					return err
				}
			}
		}
		// 9,900 to private chats: two each to the first 4,900, one to the rest.
		private := sendBenchReminders - sendBenchGroups*sendBenchPerGroup
		for c := range sendBenchPrivateChats {
			each := private / sendBenchPrivateChats
			if c < private%sendBenchPrivateChats {
				each++
			}
			for range each {
				if err := add(1000 + int64(c)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// sendBenchReport reports the achieved rate against the limit (on the fake's
// limit clock) and what the fake counted, and fails the benchmark if a
// requirement is not met.
func sendBenchReport(b *testing.B, srv *telegramtest.Server, s *Sender, limits telegramtest.Limits) {
	b.Helper()
	times := srv.AcceptedTimes()
	if len(times) < 2 {
		b.Fatalf("only %d sends accepted", len(times))
	}
	span := times[len(times)-1].Sub(times[0])
	// n sends at the limit take (n-1) intervals.
	rate := float64(len(times)-1) / span.Seconds()
	ratio := rate / float64(limits.Global)
	var private, group int
	for c := range sendBenchPrivateChats {
		private += srv.ChatStats(1000 + int64(c)).Violations
	}
	for g := range sendBenchGroups {
		group += srv.ChatStats(-100000 - int64(g)).Violations
	}
	tooMany := srv.Stats().TooManyRequests
	b.ReportMetric(ratio, "rate/allowed")
	b.ReportMetric(rate, "sends/s")
	b.ReportMetric(float64(tooMany), "429s")
	b.ReportMetric(float64(private), "private-violations")
	b.ReportMetric(float64(group), "group-violations")
	b.ReportMetric(span.Seconds(), "s-to-drain")
	if ratio < 0.95 || tooMany != 0 || private != 0 || group != 0 || s.Stats().TooManyRequests != 0 {
		b.Errorf("rate/allowed %.3f (want ≥ 0.95), 429s %d, violations %d private %d group (want 0)", ratio, tooMany, private, group)
	}
}
