package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// TestStalledDownloadDoesNotDelayOthers holds one head's download open for
// the whole test (the server pauses an hour, the stall watchdog waits
// longer) and expects another user's /help answered meanwhile. What it
// checks is the order, not a stopwatch: the answer comes while that first
// download is still the only attempt and nothing is stored, which a
// dispatch that waits for its slowest chat can never do; the generous wait
// only absorbs a loaded machine.
func TestStalledDownloadDoesNotDelayOthers(t *testing.T) {
	f := newSubFixture(t, func(b *Bot) { b.cfg.DownloadStall = 2 * time.Hour })
	f.srv.AddDownloadFault(telegramtest.DownloadFault{Times: 1, ChunkSize: 4, ChunkDelay: time.Hour})
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("treo")})
	f.waitUntil("the download started", func() bool { return f.calls.downloads.Load() == 1 })

	toStaff := func(s telegramtest.Sent) bool {
		return s.ChatID == f.staff.ID && s.Method == "sendMessage" && strings.Contains(s.Text, "Các lệnh đồng chí dùng được")
	}
	before := len(f.srv.SentMatching(toStaff))
	asked := time.Now()
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/help")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	if _, err := f.srv.WaitCount(ctx, before+1, toStaff); err != nil {
		t.Fatalf("no answer to /help while a download stalls: %v", err)
	}
	t.Logf("/help answered in %v during a stalled download", time.Since(asked).Round(time.Microsecond))
	if n := f.calls.downloads.Load(); n != 1 {
		t.Errorf("%d download attempts by the time /help was answered, want the first one, still stalled", n)
	}
	if n := len(f.submissions(f.item)); n != 0 {
		t.Errorf("%d submissions while the download is still stalled", n)
	}
}

// TestDownloadHasAnOverallTimeLimit trickles a file steadily, so the stall
// watchdog never fires, and expects the overall limit to give it up.
func TestDownloadHasAnOverallTimeLimit(t *testing.T) {
	f := newSubFixture(t, func(b *Bot) { b.cfg.DownloadTimeout = 100 * time.Millisecond })
	f.srv.AddDownloadFault(telegramtest.DownloadFault{ChunkSize: 2, ChunkDelay: 20 * time.Millisecond})
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("nhỏ giọt từng chút một")})
	f.waitText(f.head.ID, "chưa tải được tệp «bc.pdf»")
	if n := f.calls.downloads.Load(); n != downloadAttempts {
		t.Errorf("%d download attempts, want %d", n, downloadAttempts)
	}
	if n := len(f.submissions(f.item)); n != 0 {
		t.Errorf("%d submissions from a download that never finished", n)
	}
}
