package bot

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
)

// benchRig is a running bot against the fake server for benchmarks: the
// example plan, many members (so chats run in parallel, as in life),
// each with a reminder to reply to, and a bound Office chat. People are
// spread over the units; each sends one file a round, as no person sends a
// hundred reports a second (and the flood guard would stop one who did).
type benchRig struct {
	srv    *telegramtest.Server
	store  *db.Store
	bot    *Bot
	dir    string
	office int64
	heads  []models.User
	remind []int // per head: the reminder message id to reply to
}

func newBenchRig(b *testing.B, people int) *benchRig {
	b.Helper()
	rig := &benchRig{srv: telegramtest.New(telegramtest.WithAutoChats()), dir: b.TempDir(), office: -100}
	b.Cleanup(rig.srv.Close)
	store, err := db.Open(filepath.Join(rig.dir, "reportbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	now := at(2026, 6, 3, 9, 0)
	store.Now = func() time.Time { return now }
	rig.store = store
	data, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := plan.Apply(ctx, store, p); err != nil {
		b.Fatal(err)
	}
	rig.bot, err = New(ctx, Config{Token: rig.srv.Token(), APIURL: rig.srv.URL(), DataDir: rig.dir, Store: store,
		Location: hcmc, Log: testLogger(), PollTimeout: time.Second, Pacer: NewFakePacer(now)})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rig.bot.Run(ctx, true)
	}()
	b.Cleanup(func() {
		cancel()
		<-done
		store.Close()
	})
	err = store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.BindChat(db.BoundChat{Kind: db.ChatOffice, ChatID: rig.office}); err != nil {
			return err
		}
		all, err := tx.Reader().Units(false)
		if err != nil {
			return err
		}
		type owing struct {
			unit       db.Unit
			assignment int64
		}
		var units []owing
		for _, u := range all {
			if open, err := tx.Reader().OpenUnitItems(u.ID); err == nil && len(open) > 0 {
				units = append(units, owing{u, open[0].ID})
			}
		}
		for i := 0; i < people; i++ {
			u := units[i%len(units)]
			role := db.RoleMember
			if i < len(units) {
				role = db.RoleHead
			}
			token, _, err := tx.CreateInvite(u.unit.ID, role, time.Hour, "bench")
			if err != nil {
				return err
			}
			user := rig.srv.NewUser(int64(5000+i), fmt.Sprintf("Người %d %s", i, u.unit.Code), "", "vi")
			if _, err := tx.RedeemInvite(token, db.Joiner{TelegramID: user.ID, Name: user.FirstName}); err != nil {
				return err
			}
			// A reminder to reply to; the fake accepts a reply to an id it
			// never sent.
			const reminderID = 1
			if err := tx.RememberMessage(user.ID, reminderID, purposeReminder, u.assignment); err != nil {
				return err
			}
			rig.heads = append(rig.heads, user)
			rig.remind = append(rig.remind, reminderID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return rig
}

// confirmations counts the receipts to heads and the copies to the Office.
func (rig *benchRig) confirmations(s telegramtest.Sent) bool {
	return (s.Method == "sendMessage" && strings.Contains(s.Text, "Mã tiếp nhận")) ||
		(s.Method == "copyMessage" && s.ChatID == rig.office)
}

// report makes a distinct file of size bytes: a PDF header, then filler
// carrying n so that no two are the same bytes.
func report(n, size int) []byte {
	data := bytes.Repeat([]byte{'x'}, size)
	copy(data, "%PDF-1.7\n"+strconv.Itoa(n)+"\n")
	return data
}

// BenchmarkSubmission measures submissions end to end — update in, file on
// disk, receipt and Office copy out — with 1 MB files, reported as
// submissions/s (the target is at least 100).
func BenchmarkSubmission(b *testing.B) {
	const perRound = 200
	rig := newBenchRig(b, perRound)
	files := make([][]byte, perRound)
	total := 0
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		for j := range files {
			files[j] = report(i*perRound+j, 1<<20)
		}
		start := time.Now()
		for j, data := range files {
			head := rig.heads[j%len(rig.heads)]
			rig.srv.InjectDocument(telegramtest.PrivateChat(head), head, telegramtest.Upload{Name: fmt.Sprintf("bc-%d.pdf", j), Data: data},
				telegramtest.ReplyTo(rig.remind[j%len(rig.heads)]))
		}
		total += perRound
		ctx, cancel := telegramtest.Within(60 * time.Second)
		_, err := rig.srv.WaitCount(ctx, 2*total, rig.confirmations)
		cancel()
		if err != nil {
			b.Fatalf("confirmations: %v (got %d of %d; %d updates pending on the server)", err,
				len(rig.srv.SentMatching(rig.confirmations)), 2*total, rig.srv.PendingUpdates())
		}
		elapsed += time.Since(start)
	}
	b.StopTimer()
	var stored int
	filepath.WalkDir(filepath.Join(rig.dir, filesDir), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			stored++
		}
		return nil
	})
	if stored != total {
		b.Fatalf("%d files on disk, want %d", stored, total)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "submissions/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSubmissionMemory20MB receives one 20 MB file and reports how much
// resident memory (peak, from /proc) and heap allocation grew meanwhile; the
// target is at most 8 MB: the file is streamed to disk, never held whole.
func BenchmarkSubmissionMemory20MB(b *testing.B) {
	rig := newBenchRig(b, 1)
	head := rig.heads[0]
	var worstRSS, worstAlloc int64
	for i := 0; i < b.N; i++ {
		data := report(i, 20<<20)
		// The fake holds the file in this process; inject it before the
		// baseline so only the bot's side is measured.
		rig.srv.InjectDocument(telegramtest.PrivateChat(head), head, telegramtest.Upload{Name: "lon.pdf", Data: data},
			telegramtest.ReplyTo(rig.remind[0]))
		runtime.GC()
		base := rssKB(b, "VmRSS")
		resetPeakRSS()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)

		ctx, cancel := telegramtest.Within(60 * time.Second)
		_, err := rig.srv.WaitCount(ctx, 2*(i+1), rig.confirmations)
		cancel()
		if err != nil {
			b.Fatalf("confirmations: %v", err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		worstRSS = max(worstRSS, (rssKB(b, "VmHWM")-base)*1024)
		worstAlloc = max(worstAlloc, int64(after.TotalAlloc-before.TotalAlloc))
	}
	b.ReportMetric(float64(worstRSS)/(1<<20), "MB-peak-RSS-growth")
	b.ReportMetric(float64(worstAlloc)/(1<<20), "MB-allocated")
	b.ReportMetric(0, "ns/op")
	if worstRSS > 8<<20 {
		b.Errorf("resident memory grew %.1f MB while receiving 20 MB, want at most 8", float64(worstRSS)/(1<<20))
	}
}

// rssKB reads a memory figure in kB from /proc/self/status (Linux).
func rssKB(b *testing.B, field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	b.Skipf("no %s in /proc/self/status", field)
	return 0
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux 4.0+).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
