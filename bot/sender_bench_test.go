package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// Fan-out shape, from the issue: 10,000 reminders to 5,000 private chats and
// 50 groups. Telegram's limits (30 a second overall, 1 a second per chat, 20
// a minute per group) are all multiplied by sendBenchScale, which keeps
// their proportions, so the global limit stays the binding one (5,000 chats
// can take far more than the global rate) and the run takes about 8.5
// seconds instead of five and a half minutes. The whole path (client, fake
// server, SQLite) costs about 0.55 ms of CPU per message, so 1,200/s needs
// two thirds of a core, which a 2-core machine has when it is not busy with
// other work; starved of CPU, the rate falls short.
const (
	sendBenchScale        = 40 // 1,200/s overall, 40/s per chat, 800/min per group
	sendBenchPrivateChats = 5000
	sendBenchGroups       = 50
	sendBenchReminders    = 10000
	sendBenchPerGroup     = 2 // announcements per group; the rest go to private chats
)

// BenchmarkFanout drains the fan-out through the real client against the
// fake Bot API, which enforces the scaled limits in real time (a send over
// any limit is refused with 429 and counted as a violation). The sender runs
// with the RealPacer and its default eight workers, configured with the same
// limits the fake enforces.
//
// Metrics: rate/allowed is the accepted sends per second, first to last,
// over the global limit (must be at least 0.95); 429s, private-violations
// and group-violations must be 0. Run it with
//
//	go test -run '^$' -bench Fanout -benchtime 1x ./bot/
func BenchmarkFanout(b *testing.B) {
	limits := telegramtest.Limits{Global: 30 * sendBenchScale, PerChat: 1 * sendBenchScale, PerGroup: 20 * sendBenchScale}
	for range b.N {
		b.StopTimer()
		srv := telegramtest.New(telegramtest.WithLimits(limits), telegramtest.WithAutoChats())
		store, err := db.Open(filepath.Join(b.TempDir(), "reportbot.db"))
		if err != nil {
			b.Fatal(err)
		}
		tg, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
		if err != nil {
			b.Fatal(err)
		}
		sendBenchEnqueue(b, store)
		s := NewSender(store, tg, SenderConfig{
			GlobalPerSecond:  float64(limits.Global),
			PerChatPerSecond: float64(limits.PerChat),
			GroupPerMinute:   float64(limits.PerGroup),
			Pacer:            RealPacer{},
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
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
		sendBenchReport(b, srv, s, limits)
		srv.Close()
		store.Close()
	}
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

// sendBenchReport reports the achieved rate against the limit and what the
// fake counted, and fails the benchmark if a requirement is not met.
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
