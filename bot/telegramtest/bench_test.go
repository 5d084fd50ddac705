package telegramtest_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// BenchmarkSendMessage measures the fake's throughput through the real client,
// with limits on in observe mode so their bookkeeping is part of the cost.
func BenchmarkSendMessage(b *testing.B) {
	srv := telegramtest.New(telegramtest.WithAutoChats(), telegramtest.WithLimits(telegramtest.Limits{Global: 3000, PerChat: 1, PerGroup: 20, ObserveOnly: true}))
	defer srv.Close()
	tg, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	var chat atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := chat.Add(1)%1000 + 1
			if _, err := tg.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: id, Text: "nhắc hạn nộp báo cáo"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if got := srv.Stats().Accepted; got < b.N {
		b.Errorf("accepted %d of %d", got, b.N)
	}
}
