package bot

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// planBench is a department of n units, each with a head who joined, owing
// ten yearly reports (due on the 10th of June, July, … March), loaded
// through the same store calls a plan import and the joins make, in one
// transaction each, then a bot against the fake Bot API and the business
// clock at 20/05/2026 09:00. Its first tick (the one after an import, which
// looks at every new assignment once) and the day's period upkeep are done,
// and timed, before the benchmark's own ticks.
type planBench struct {
	store *db.Store
	bot   *Bot

	mu  sync.Mutex
	now time.Time

	importTick, dayTick time.Duration
}

func (p *planBench) clock() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now
}

func (p *planBench) tickAt(b *testing.B, t time.Time) time.Duration {
	b.Helper()
	p.mu.Lock()
	p.now = t
	p.mu.Unlock()
	start := time.Now()
	if err := p.bot.Tick(context.Background()); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func newPlanBench(b *testing.B, units int) *planBench {
	b.Helper()
	p := &planBench{now: time.Date(2026, 5, 20, 9, 0, 0, 0, hcmc)}
	srv := telegramtest.New()
	b.Cleanup(srv.Close)
	dir := b.TempDir()
	path := filepath.Join(dir, "reportbot.db")
	store, err := db.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	store.Now = p.clock
	ctx := context.Background()

	us := make([]db.Unit, units)
	codes := make([]string, units)
	for i := range us {
		codes[i] = fmt.Sprintf("U%06d", i)
		us[i] = db.Unit{Code: codes[i], Name: "Đơn vị " + strconv.Itoa(i)}
	}
	obs := make([]db.Obligation, 10)
	for i := range obs {
		month := (5+i)%12 + 1 // June, July, …, March
		obs[i] = db.Obligation{
			Code: fmt.Sprintf("BC%02d", i), Title: fmt.Sprintf("Báo cáo số %d", i), Basis: "Kế hoạch số 38/KH-UBND",
			Rule: fmt.Sprintf("yearly 10/%02d", month), Cover: "year", DueHour: 17, Offsets: "7d,3d,1d,0d",
			Announce: true, Summary: true, NameLateUnits: true, UnitCodes: codes,
		}
	}
	pol := reminders.DefaultPolicy()
	err = store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.SyncUnits(us); err != nil {
			return err
		}
		if _, err := tx.SyncObligations(obs); err != nil {
			return err
		}
		if err := reminders.SavePolicy(tx, pol); err != nil {
			return err
		}
		return reminders.EnsurePeriods(tx, pol)
	})
	if err != nil {
		b.Fatal(err)
	}
	err = store.Tx(ctx, func(tx *db.Tx) error {
		saved, err := tx.Reader().Units(false)
		if err != nil {
			return err
		}
		for i, u := range saved {
			token, _, err := tx.CreateInvite(u.ID, db.RoleHead, time.Hour, "bench")
			if err != nil {
				return err
			}
			if _, err := tx.RedeemInvite(token, db.Joiner{TelegramID: int64(100000 + i), Name: "Trưởng " + u.Code}); err != nil {
				return err
			}
		}
		for _, c := range []db.BoundChat{{Kind: db.ChatOffice, ChatID: -1}, {Kind: db.ChatGroup, ChatID: -2}} {
			if err := tx.BindChat(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// As in production, the bot opens a database the import wrote from
	// another process: closing checkpoints the import's write-ahead log, which
	// would otherwise be folded back during the measured tick.
	if err := store.Close(); err != nil {
		b.Fatal(err)
	}
	if store, err = db.Open(path); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	store.Now = p.clock
	p.store = store
	p.bot, err = New(ctx, Config{Token: srv.Token(), APIURL: srv.URL(), DataDir: dir, Store: store, Location: hcmc,
		Log: testLogger(), Pacer: NewFakePacer(p.now)})
	if err != nil {
		b.Fatal(err)
	}
	// No Run: the sender stays idle, so the ticks are measured alone.
	p.importTick = p.tickAt(b, p.now)
	p.dayTick = p.tickAt(b, time.Date(2026, 6, 3, 0, 1, 0, 0, hcmc))
	return p
}

// BenchmarkTick measures one planner tick with 1k, 10k and 100k units × 10
// obligations: the realistic worst minute, 08:00 on 03/06/2026, when the
// first report's 7-day reminder falls due for every unit (ns/op and
// worst-ms: decide, render, queue one message per head, reschedule, plus
// the day's digests), and an idle minute (idle-ms, the mean of 100). The
// first tick after the import (import-s) and the first tick of a day
// (day-ms, which creates the coming periods) are reported too: they run
// once, not every minute.
func BenchmarkTick(b *testing.B) {
	for _, units := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			var worst, idle time.Duration
			var p *planBench
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				p = newPlanBench(b, units)
				start := time.Now()
				for m := 0; m < 100; m++ {
					p.tickAt(b, time.Date(2026, 6, 3, 6, m/60, m%60, 0, hcmc))
				}
				idle += time.Since(start) / 100
				b.StartTimer()
				worst += p.tickAt(b, time.Date(2026, 6, 3, 8, 0, 0, 0, hcmc))
			}
			b.StopTimer()
			n, _, err := p.store.Read(context.Background()).OutboxDepth()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n), "queued")
			b.ReportMetric(ms(worst)/float64(b.N), "worst-ms")
			b.ReportMetric(ms(idle)/float64(b.N), "idle-ms")
			b.ReportMetric(p.importTick.Seconds(), "import-s")
			b.ReportMetric(ms(p.dayTick), "day-ms")
		})
	}
}

// BenchmarkMemory measures the process's resident memory (VmRSS from
// /proc/self/status: what the operating system charges the process,
// including SQLite's page cache and the Go runtime) with 10,000 units × 10
// obligations loaded, after the worst tick. The garbage the bulk load left
// behind is returned to the system first, as a bot process that did not do
// the import itself would never have held it. The Go heap in use is
// reported too (heap-MB, runtime.MemStats.HeapInuse).
func BenchmarkMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		p := newPlanBench(b, 10_000)
		runtime.GC()
		debug.FreeOSMemory()
		p.tickAt(b, time.Date(2026, 6, 3, 8, 0, 0, 0, hcmc))
		rss, err := vmRSS()
		if err != nil {
			b.Skip("no /proc/self/status:", err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
		if rss > 64<<20 {
			b.Errorf("resident memory %d MB, want under 64 MB", rss>>20)
		}
	}
}

// vmRSS reads the process's resident set size in bytes.
func vmRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS line")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
