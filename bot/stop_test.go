package bot

import (
	"context"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// restart stops the running bot as SIGTERM does and starts a new one on the
// same database, data folder and fake Telegram, as systemd would.
func (h *harness) restart() {
	h.t.Helper()
	h.cancel()
	<-h.done
	// As "reportbot run" does once it holds the data folder's lock.
	if err := h.bot.cfg.Store.Tx(context.Background(), func(tx *db.Tx) error { return tx.ReleaseOutboxClaims() }); err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, err := New(ctx, h.bot.cfg)
	if err != nil {
		cancel()
		h.t.Fatal(err)
	}
	done := make(chan struct{})
	h.bot, h.cancel, h.done = b, cancel, done
	go func() {
		defer close(done)
		b.Run(ctx, true)
	}()
}

// TestStopDuringDownloadLosesNoReport stops the bot while a report trickles
// in: the update must stay pending, with nothing said to the head, and the
// restarted bot must receipt the report.
func TestStopDuringDownloadLosesNoReport(t *testing.T) {
	f := newSubFixture(t)
	f.srv.AddDownloadFault(telegramtest.DownloadFault{Times: 1, ChunkSize: 4, ChunkDelay: time.Hour})
	before := len(f.srv.SentMatching(telegramtest.ToChat(f.head.ID)))
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("dừng giữa chừng")})
	f.waitUntil("the download started", func() bool { return f.calls.downloads.Load() == 1 })
	f.cancel()
	<-f.done

	pending, err := f.store.Read(context.Background()).PendingUpdates(10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending updates after the stop: %d, %v; want the interrupted one", len(pending), err)
	}
	if n := len(f.submissions(f.item)); n != 0 {
		t.Fatalf("%d submissions recorded by an interrupted download", n)
	}
	if got := f.srv.SentMatching(telegramtest.ToChat(f.head.ID)); len(got) != before {
		t.Errorf("the head was told something about an interrupted download: %+v", got[before:])
	}
	if files := f.storedFiles(); len(files) != 0 {
		t.Errorf("files left by the interrupted download: %v", files)
	}

	f.restart()
	f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	if subs := f.submissions(f.item); len(subs) != 1 {
		t.Fatalf("%d submissions after the restart, want 1", len(subs))
	}
	if n := f.calls.downloads.Load(); n != 2 {
		t.Errorf("%d downloads, want 2 (the interrupted one and the restart's)", n)
	}
}
