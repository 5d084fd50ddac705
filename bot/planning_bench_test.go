package bot

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
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
	path  string // the database file

	mu  sync.Mutex
	now time.Time

	// The first look at the imported plan and the day's period upkeep,
	// done (and timed) before the benchmark's own ticks.
	importRun, dayRun tickRun
}

// tickRun is a run of ticks, one a minute, until nothing is due.
type tickRun struct {
	ticks   int
	total   time.Duration
	worst   time.Duration   // the slowest tick
	worstAt time.Time       // when the slowest tick ran
	each    []time.Duration // every tick, in order
}

// median is the middle tick's time: beside the worst, what a tick of the run
// usually cost.
func (r tickRun) median() time.Duration {
	sorted := slices.Sorted(slices.Values(r.each))
	return sorted[len(sorted)/2]
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
	p.path = path
	p.bot, err = New(ctx, Config{Token: srv.Token(), APIURL: srv.URL(), DataDir: dir, Store: store, Location: hcmc,
		Log: testLogger(), Pacer: NewFakePacer(p.now)})
	if err != nil {
		b.Fatal(err)
	}
	// No Run: the sender stays idle, so the ticks are measured alone.
	p.importRun = p.run(b, p.now)
	p.dayRun = p.run(b, time.Date(2026, 6, 3, 0, 1, 0, 0, hcmc))
	return p
}

// BenchmarkTick measures planner ticks with 1k, 10k and 100k units × 10
// obligations at the realistic worst moment, 08:00 on 03/06/2026, when the
// first report's 7-day reminder falls due for every unit, together with the
// day's digests. A tick queues at most a minute of sending (the default
// budget: 25 a second × 60 = 1,500 reminders), so cron's ticks go on every
// minute until nothing is due; each is timed, and the slowest is the worst
// minute (worst-ms, also reported as ns/op). Each tick decides, renders,
// queues and reschedules its share in SQLite, as in production.
//
// Beside it, in the same run and on the same database, floor-ms is what
// writing the worst tick's rows costs at the least: copies of its outbox rows
// by one INSERT…SELECT and one UPDATE of as many schedules, in one
// transaction (so one fsync of synchronous=FULL, like the tick's batches);
// worst/floor is the ratio. median-ms is the fan-out's middle tick. ticks is how many minutes the fan-out took to
// queue, queued how many reminders it queued in all. Also reported: the
// first look at every assignment after the import (import-s in all,
// import-ticks minutes, import-worst-ms the slowest of them), the first
// minutes of a day, which create the coming periods (day-worst-ms, the
// slowest tick), and an idle minute (idle-ms, the mean of 100).
func BenchmarkTick(b *testing.B) {
	for _, units := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			b.StopTimer()
			var worst, median, floor, idle time.Duration
			var ticks, queued int
			var p *planBench
			for i := 0; i < b.N; i++ {
				p = newPlanBench(b, units)
				start := time.Now()
				for m := 0; m < 100; m++ {
					p.tickAt(b, time.Date(2026, 6, 3, 6, m/60, m%60, 0, hcmc))
				}
				idle += time.Since(start) / 100
				run := p.run(b, time.Date(2026, 6, 3, 8, 0, 0, 0, hcmc))
				worst += run.worst
				median += run.median()
				ticks += run.ticks
				n, _, err := p.store.Read(context.Background()).OutboxDepth()
				if err != nil {
					b.Fatal(err)
				}
				queued += n
				floor += p.floor(b, run.worstAt)
			}
			b.ReportMetric(float64(worst.Nanoseconds())/float64(b.N), "ns/op")
			b.ReportMetric(ms(worst)/float64(b.N), "worst-ms")
			b.ReportMetric(ms(median)/float64(b.N), "median-ms")
			b.ReportMetric(ms(floor)/float64(b.N), "floor-ms")
			b.ReportMetric(float64(worst)/float64(floor), "worst/floor")
			b.ReportMetric(float64(ticks)/float64(b.N), "ticks")
			b.ReportMetric(float64(queued)/float64(b.N), "queued")
			b.ReportMetric(ms(idle)/float64(b.N), "idle-ms")
			b.ReportMetric(p.importRun.total.Seconds(), "import-s")
			b.ReportMetric(float64(p.importRun.ticks), "import-ticks")
			b.ReportMetric(ms(p.importRun.worst), "import-worst-ms")
			b.ReportMetric(ms(p.dayRun.worst), "day-worst-ms")
		})
	}
}

// run ticks every minute from start until nothing is due, as cron would
// through a fan-out bigger than one tick's budget.
func (p *planBench) run(b *testing.B, start time.Time) tickRun {
	b.Helper()
	var r tickRun
	for now := start; ; now = now.Add(time.Minute) {
		d := p.tickAt(b, now)
		if d > r.worst {
			r.worst, r.worstAt = d, now
		}
		r.ticks++
		r.total += d
		r.each = append(r.each, d)
		next, err := p.store.Read(context.Background()).NextNoticeAt()
		if err != nil {
			b.Fatal(err)
		}
		if next.IsZero() || next.After(now) {
			return r
		}
	}
}

// floor writes again what the tick at tickAt wrote, as cheaply as SQLite
// can: copies of its outbox rows (same texts and buttons, new keys) by one
// INSERT…SELECT, and one UPDATE moving as many assignments' next notice, in
// one transaction on a connection opened like the store's writer. The rows
// to copy are gathered into a temporary table first, untimed, so the timed
// part reads nothing the tick did not have in hand. It returns how long the
// transaction took.
func (p *planBench) floor(b *testing.B, tickAt time.Time) time.Duration {
	b.Helper()
	conn, err := sql.Open("sqlite", "file:"+p.path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1) // the temporary table lives on one connection
	const cols = `dedupe_key, chat_id, thread_id, member_id, kind, text, parse_mode, markup, purpose, ref_id, status, not_before, created_at, expires_at`
	if _, err := conn.Exec(`CREATE TEMP TABLE floor_rows AS SELECT `+cols+` FROM outbox WHERE created_at = ? AND purpose = 'reminder'`, tickAt.Unix()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tx, err := conn.Begin()
	if err != nil {
		b.Fatal(err)
	}
	res, err := tx.Exec(`INSERT INTO outbox (` + cols + `) SELECT 'floor:' || dedupe_key, ` + strings.TrimPrefix(cols, "dedupe_key, ") + ` FROM temp.floor_rows`)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE assignments SET next_notice_at = next_notice_at + 60 WHERE id IN (SELECT ref_id FROM temp.floor_rows)`); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	d := time.Since(start)
	if n, _ := res.RowsAffected(); n == 0 {
		b.Fatalf("the tick at %v wrote no reminders to copy", tickAt)
	}
	return d
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
