package bot

// Outage tests (issue 7, item 2): the Bot API answers 5xx, drops the
// connection or stops answering for ten simulated minutes and for six
// simulated hours, while reminders fall due and while a file is downloaded.
// Everything runs end to end: the real go-telegram client against the fake
// Bot API, the business clock moved by the test, the sender's backoff
// scheduled on that clock. Nothing may be lost, everything due is delivered
// afterwards in per-chat order and within Telegram's limits, and nothing
// stale is sent (the catch-up rule).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// outageScale speeds Telegram's broadcast limits up for these tests. The
// fake server enforces its limits on real time, so the sender here paces on
// real time too (RealPacer), with the same limits scaled alike: a check of
// "within the limits" that costs milliseconds, not seconds.
const outageScale = 20

// outageLimits are Telegram's limits (30/s, 1/s per chat, 20/min per group)
// times outageScale, enforced: a send over a limit is refused with a 429.
var outageLimits = telegramtest.Limits{Global: 30 * outageScale, PerChat: 1 * outageScale, PerGroup: 20 * outageScale}

// outageAPI is the Bot API as the sender calls it, with a call timeout the
// test can shorten while Telegram stops answering (so each hung attempt costs
// milliseconds) and lengthen again before recovery (so a slow answer after
// recovery is never taken for a timeout, which would send a message twice).
type outageAPI struct {
	SendAPI
	timeout atomic.Int64 // a time.Duration; 0: the sender's own CallTimeout only
}

func (a *outageAPI) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	if d := time.Duration(a.timeout.Load()); d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return ctx, func() {}
}

func (a *outageAPI) SendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	ctx, cancel := a.ctx(ctx)
	defer cancel()
	return a.SendAPI.SendMessage(ctx, p)
}

func (a *outageAPI) SendDocument(ctx context.Context, p *tgbot.SendDocumentParams) (*models.Message, error) {
	ctx, cancel := a.ctx(ctx)
	defer cancel()
	return a.SendAPI.SendDocument(ctx, p)
}

func (a *outageAPI) SendPhoto(ctx context.Context, p *tgbot.SendPhotoParams) (*models.Message, error) {
	ctx, cancel := a.ctx(ctx)
	defer cancel()
	return a.SendAPI.SendPhoto(ctx, p)
}

func (a *outageAPI) CopyMessage(ctx context.Context, p *tgbot.CopyMessageParams) (*models.MessageID, error) {
	ctx, cancel := a.ctx(ctx)
	defer cancel()
	return a.SendAPI.CopyMessage(ctx, p)
}

// outageSender replaces the harness's sender (set up before Run starts) by
// one that calls through api and paces on real time under the scaled limits.
func outageSender(api *outageAPI) func(b *Bot) {
	return func(b *Bot) {
		api.SendAPI = b.tg
		c := b.senderConfig()
		c.Pacer = RealPacer{}
		c.GlobalPerSecond = 25 * outageScale
		c.PerChatPerSecond = 1 * outageScale
		c.GroupPerMinute = 20 * outageScale
		b.sender = NewSender(b.store, api, c, b.log)
	}
}

// outageKind is one way the Bot API fails.
type outageKind struct {
	name  string
	start func(srv *telegramtest.Server)
	hangs bool // calls get no answer: the client's timeout ends them
}

var outageKinds = []outageKind{
	// Every send answers a Telegram-shaped 502.
	{"5xx", func(srv *telegramtest.Server) {
		for _, m := range []string{"sendMessage", "sendDocument", "copyMessage"} {
			srv.AddFault(telegramtest.Fault{Method: m, Status: 502})
		}
	}, false},
	// The whole server cuts every connection without an answer, polling
	// and downloads included.
	{"down", func(srv *telegramtest.Server) { srv.SetDown(true) }, false},
	// Sends are held until the client gives up (the call timeout).
	{"hang", func(srv *telegramtest.Server) {
		for _, m := range []string{"sendMessage", "sendDocument", "copyMessage"} {
			srv.AddFault(telegramtest.Fault{Method: m, Hang: true})
		}
	}, true},
}

// outageRun is a bot with the example plan, three heads joined, the Office
// and the group bound, and the fake server enforcing the (scaled) limits.
type outageRun struct {
	*harness
	api   *outageAPI
	kind  outageKind
	heads []models.User
	// mark is the highest outbox id before the outage: rows after it were
	// queued while Telegram was failing.
	mark int64
}

func newOutageRun(t *testing.T, kind outageKind) *outageRun {
	t.Helper()
	api := &outageAPI{}
	h := newHarness(t, at(2026, 5, 25, 9, 0), outageSender(api))
	h.srv.SetLimits(outageLimits)
	h.importPlan()
	h.remBindChats()
	o := &outageRun{harness: h, api: api, kind: kind}
	for i, code := range []string{"TCBC", "VP", "TTRA"} {
		u := h.srv.NewUser(int64(1001+i), "Trưởng "+code, "", "vi")
		h.join(u, code, db.RoleHead)
		o.heads = append(o.heads, u)
	}
	h.remTick(at(2026, 5, 25, 9, 0))
	h.remTick(at(2026, 6, 2, 8, 0))
	o.drain()
	if rows := o.rows(func(m db.OutMessage) bool { return m.Status != db.OutSent && m.Status != db.OutSkipped }); len(rows) > 0 {
		t.Fatalf("before the outage, %d messages not sent: %+v", len(rows), rows)
	}
	for _, m := range h.remOutbox("") {
		o.mark = max(o.mark, m.ID)
	}
	return o
}

// begin starts the outage.
func (o *outageRun) begin() {
	if o.kind.hangs {
		o.api.timeout.Store(int64(20 * time.Millisecond))
	}
	o.kind.start(o.srv)
}

// recover ends the outage: the Bot API answers again, promptly.
func (o *outageRun) recover() {
	o.api.timeout.Store(0)
	o.srv.ClearFaults()
}

// drain sends whatever is due at the business clock's now, synchronously:
// when it returns, every due message was sent, put back or given up.
func (o *outageRun) drain() {
	o.t.Helper()
	// A safety net, not a wait: Drain returns when the pass is done.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := o.bot.Sender().Drain(ctx); err != nil {
		o.t.Fatalf("drain at %v: %v", o.sim.Now(), err)
	}
}

// rows lists the outbox rows that match.
func (o *outageRun) rows(match func(db.OutMessage) bool) []db.OutMessage {
	var out []db.OutMessage
	for _, m := range o.remOutbox("") {
		if match(m) {
			out = append(out, m)
		}
	}
	return out
}

// nextRetry is the earliest future time a pending message waits for (zero
// if none).
func (o *outageRun) nextRetry(now time.Time) time.Time {
	var next time.Time
	for _, m := range o.remOutbox("") {
		if m.Status == db.OutPending && m.NotBefore.After(now) && (next.IsZero() || m.NotBefore.Before(next)) {
			next = m.NotBefore
		}
	}
	return next
}

// runUntil moves the business clock to until as the running bot would see
// it: a planner tick and a pass of the sender at every retry's due time and
// at the top of every hour. (cron ticks every minute, but every notice of
// the example plan falls on the hour, and a tick with nothing due does
// nothing.)
func (o *outageRun) runUntil(until time.Time) {
	o.t.Helper()
	for {
		now := o.sim.Now()
		o.remTick(now)
		o.drain()
		if !now.Before(until) {
			return
		}
		next := now.Truncate(time.Hour).Add(time.Hour) // the plan's zone is a whole number of hours from UTC
		if r := o.nextRetry(now); !r.IsZero() && r.Before(next) {
			next = r
		}
		if next.After(until) {
			next = until
		}
		o.setNow(next)
	}
}

// settle runs the clock on after recovery until nothing is pending, and
// fails if that takes longer than the longest backoff (plus a minute).
func (o *outageRun) settle() {
	o.t.Helper()
	deadline := o.sim.Now().Add(sendRetryCap + time.Minute)
	for {
		pending := o.rows(func(m db.OutMessage) bool { return m.Status == db.OutPending })
		if len(pending) == 0 {
			return
		}
		next := o.nextRetry(o.sim.Now())
		if next.IsZero() || next.After(deadline) {
			o.t.Fatalf("at %v, %d messages still pending after recovery (next due %v): %s",
				o.sim.Now().In(hcmc), len(pending), next, outageKeys(pending))
		}
		o.setNow(next)
		o.runUntil(next)
	}
}

func outageKeys(ms []db.OutMessage) string {
	var keys []string
	for _, m := range ms {
		keys = append(keys, fmt.Sprintf("%s[%s, %d attempts, %q]", m.Key, m.Status, m.Attempts, m.Error))
	}
	return strings.Join(keys, "; ")
}

// reminders lists the reminder texts a chat received from the fake server.
func (o *outageRun) reminders(chatID int64) []string {
	var out []string
	for _, s := range o.srv.SentMatching(telegramtest.ToChat(chatID)) {
		if strings.Contains(s.Text, "Nhắc hạn nộp báo cáo") {
			out = append(out, s.Text)
		}
	}
	return out
}

// checkDelivered asserts what every outage must leave behind: each message
// queued during the outage was sent (or recorded as skipped), none failed
// or is pending; each was accepted exactly once by Telegram, and each chat
// received them in the order they were queued; no send went over a limit
// and Telegram never answered 429.
func (o *outageRun) checkDelivered() {
	o.t.Helper()
	t := o.t
	during := o.rows(func(m db.OutMessage) bool { return m.ID > o.mark })
	if len(during) == 0 {
		t.Fatal("nothing was queued during the outage")
	}
	if lost := o.rows(func(m db.OutMessage) bool {
		return m.ID > o.mark && m.Status != db.OutSent && m.Status != db.OutSkipped
	}); len(lost) > 0 {
		t.Errorf("messages queued during the outage and not delivered: %s", outageKeys(lost))
	}
	// Per chat, the outbox's order (by id) is the order Telegram accepted them.
	byChat := map[int64][]int{}
	for _, m := range o.remOutbox("") {
		if m.Status == db.OutSent && m.Kind.Sends() {
			byChat[m.ChatID] = append(byChat[m.ChatID], m.MessageID)
		}
	}
	for chat, want := range byChat {
		var got []int
		for _, s := range o.srv.SentMatching(telegramtest.ToChat(chat)) {
			if s.Method == "sendMessage" || s.Method == "sendDocument" || s.Method == "copyMessage" {
				got = append(got, s.MessageID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("chat %d: Telegram accepted messages %v, the outbox recorded %v (order or count differs)", chat, got, want)
		}
	}
	if st := o.srv.Stats(); st.Violations != 0 || st.TooManyRequests != 0 {
		t.Errorf("limits: %d violations, %d answers 429; want none", st.Violations, st.TooManyRequests)
	}
}

// TestOutageRemindersAreDeliveredAfterwards: the Bot API fails (5xx, cut
// connections, no answer) from 03/06/2026 08:00, when the 7-day reminders
// fall due, for ten minutes and for six hours. The planner queues the
// reminders on time; the sender backs off on the business clock; when the
// API is back every head gets the 7-day reminder exactly once, a message
// queued behind it to the same chat comes after it, no limit is broken and
// nothing is left pending or failed.
func TestOutageRemindersAreDeliveredAfterwards(t *testing.T) {
	for _, dur := range []time.Duration{10 * time.Minute, 6 * time.Hour} {
		for _, kind := range outageKinds {
			t.Run(fmt.Sprintf("%s_%s", kind.name, dur), func(t *testing.T) {
				t.Parallel()
				o := newOutageRun(t, kind)
				start := at(2026, 6, 3, 8, 0)
				o.setNow(start)
				o.begin()
				o.runUntil(start.Add(time.Minute))

				// Something else for the first head, queued after its
				// reminder while the API is failing: it must not overtake.
				o.remTx(func(tx *db.Tx) error {
					_, _, err := tx.Enqueue(db.OutMessage{Key: "outage:after", ChatID: o.heads[0].ID, Text: "Tin sau lời nhắc"})
					return err
				})
				o.runUntil(start.Add(dur))
				if n := len(o.srv.SentMatching(func(s telegramtest.Sent) bool { return strings.Contains(s.Text, "còn 7 ngày") })); n != 0 {
					t.Fatalf("%d reminders accepted during the outage", n)
				}
				recovered := o.sim.Now()
				o.recover()
				o.settle()

				for _, head := range o.heads {
					got := o.reminders(head.ID)
					if len(got) != 1 || !strings.Contains(got[0], "còn 7 ngày") {
						t.Errorf("head %d got %d reminders, want the 7-day one once: %q", head.ID, len(got), got)
					}
				}
				var order []string
				for _, s := range o.srv.SentMatching(telegramtest.ToChat(o.heads[0].ID)) {
					switch {
					case strings.Contains(s.Text, "còn 7 ngày"):
						order = append(order, "reminder")
					case s.Text == "Tin sau lời nhắc":
						order = append(order, "later")
					}
				}
				if !slices.Equal(order, []string{"reminder", "later"}) {
					t.Errorf("first head's messages after the outage, in order: %q; want the reminder, then the later message", order)
				}
				rem := o.rows(func(m db.OutMessage) bool { return strings.HasPrefix(m.Key, "rem:") && m.ID > o.mark })
				for _, m := range rem {
					if m.Attempts < 2 {
						t.Errorf("%s took %d attempt(s): the outage did not hold it up", m.Key, m.Attempts)
					}
					if m.Status == db.OutSent && m.SentAt.After(recovered.Add(sendRetryCap)) {
						t.Errorf("%s sent at %v, more than %v after the API came back at %v", m.Key, m.SentAt.In(hcmc), sendRetryCap, recovered.In(hcmc))
					}
				}
				if n := len(o.remOutbox("skipped:")); n != 0 {
					t.Errorf("%d Office notes about skipped stages, want none: nothing went stale", n)
				}
				o.checkDelivered()
			})
		}
	}
}

// TestOutageAcrossTheNextStageSkipsTheStaleOne: the Bot API fails from
// 03/06/2026 08:00 (the 7-day reminders) to 05/06 09:00, past the 3-day
// reminder (05/06 08:00, Sunday 07/06 moved to Friday). The bot kept
// ticking all along. Afterwards the catch-up rule holds as after the bot's
// own downtime: the 7-day reminder, stale by now, is never sent and is
// recorded as skipped; the 3-day one goes out once to each head; the Office
// hears about the skipped stage in one line.
func TestOutageAcrossTheNextStageSkipsTheStaleOne(t *testing.T) {
	for _, kind := range outageKinds[:2] { // 5xx, down
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			o := newOutageRun(t, kind)
			start, end := at(2026, 6, 3, 8, 0), at(2026, 6, 5, 9, 0)
			o.setNow(start)
			o.begin()
			o.runUntil(end)
			o.recover()
			o.settle()

			for _, head := range o.heads {
				got := o.reminders(head.ID)
				if len(got) != 1 || !strings.Contains(got[0], "còn 5 ngày") {
					t.Errorf("head %d got %d reminders, want only the current (3-day) one: %q", head.ID, len(got), got)
				}
			}
			it := o.remItem("TCBC", "BC6T", "2026-H1")
			status := map[string]db.OutStatus{}
			for _, m := range o.remOutbox(fmt.Sprintf("rem:%d:", it.ID)) {
				status[strings.Split(m.Key, ":")[2]] = m.Status
			}
			if status["7d.20260610"] != db.OutSkipped || status["3d.20260610"] != db.OutSent {
				t.Errorf("TCBC's reminders: %v; want 7d skipped and 3d sent", status)
			}
			notes := o.remOutbox("skipped:")
			if len(notes) != 1 {
				t.Errorf("%d Office notes about skipped stages, want 1", len(notes))
			} else {
				note := o.waitText(remOfficeChat, "⏭")
				if want := "BC6T 6 tháng đầu năm 2026, nhắc trước 7 ngày (08:00 03/06/2026)"; !strings.Contains(note.Text, want) {
					t.Errorf("Office note lacks %q:\n%s", want, note.Text)
				}
				if strings.Contains(note.Text, "3 ngày") {
					t.Errorf("Office note lists the stage that was sent:\n%s", note.Text)
				}
			}
			o.checkDelivered()
		})
	}
}

// outageFiles lists every file under the data folder's files/, the
// incoming folder included: what a failed download may have left.
func outageFiles(t *testing.T, f *subFixture) []string {
	t.Helper()
	var out []string
	root := filepath.Join(f.bot.cfg.DataDir, filesDir)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(f.bot.cfg.DataDir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOneStored asserts that the assignment has exactly one submission
// holding data, and that it is the only file under files/.
func checkOneStored(t *testing.T, f *subFixture, data []byte) {
	t.Helper()
	subs := f.submissions(f.item)
	if len(subs) != 1 || len(subs[0].Files) != 1 || subs[0].Files[0].SHA256 != sha(data) {
		t.Fatalf("submissions %+v, want one holding the file", subs)
	}
	onDisk, err := os.ReadFile(filepath.Join(f.bot.cfg.DataDir, subs[0].Files[0].StoredPath))
	if err != nil || sha(onDisk) != sha(data) {
		t.Fatalf("stored file: %v, sha %s, want %s", err, sha(onDisk), sha(data))
	}
	if got := outageFiles(t, f); len(got) != 1 || got[0] != subs[0].Files[0].StoredPath {
		t.Errorf("files on disk %q, want only %s", got, subs[0].Files[0].StoredPath)
	}
}

// TestOutageDuringADownload: a head sends a PDF while getFile answers 5xx
// or drops the connection, or the download itself fails, is cut or stalls.
// A passing fault is ridden out by the retries (through the pacer); one that
// lasts makes the bot tell the head to send again, with nothing recorded and
// nothing half-stored; once the fault clears, the resent file is received
// with a receipt.
func TestOutageDuringADownload(t *testing.T) {
	data := pdf("Báo cáo 6 tháng đầu năm")
	upload := telegramtest.Upload{Name: "bc.pdf", Data: data}

	t.Run("getFile_5xx_for_a_while", func(t *testing.T) {
		t.Parallel()
		f := newSubFixture(t)
		f.srv.AddFault(telegramtest.Fault{Method: "getFile", Times: downloadAttempts - 1, Status: 502})
		f.send(upload)
		f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
		if n := f.calls.getFile.Load(); n != downloadAttempts {
			t.Errorf("%d getFile calls, want %d", n, downloadAttempts)
		}
		if f.pacer.Slept() == 0 {
			t.Error("retries did not back off through the pacer")
		}
		checkOneStored(t, f, data)
	})

	lasting := []struct {
		name  string
		fault func(srv *telegramtest.Server)
	}{
		{"getFile_5xx", func(srv *telegramtest.Server) {
			srv.AddFault(telegramtest.Fault{Method: "getFile", Status: 502})
		}},
		{"getFile_dropped", func(srv *telegramtest.Server) {
			srv.AddFault(telegramtest.Fault{Method: "getFile", Drop: true})
		}},
		{"download_5xx", func(srv *telegramtest.Server) {
			srv.AddDownloadFault(telegramtest.DownloadFault{Status: 502})
		}},
		{"download_cut", func(srv *telegramtest.Server) {
			srv.AddDownloadFault(telegramtest.DownloadFault{TruncateAfter: 5})
		}},
		{"download_stalls", func(srv *telegramtest.Server) {
			srv.AddDownloadFault(telegramtest.DownloadFault{ChunkSize: 4, ChunkDelay: time.Hour})
		}},
	}
	for _, c := range lasting {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newSubFixture(t, func(b *Bot) { b.cfg.DownloadStall = 100 * time.Millisecond })
			c.fault(f.srv)
			f.send(upload)
			f.waitText(f.head.ID, "chưa tải được tệp «bc.pdf»")
			if subs := f.submissions(f.item); len(subs) != 0 {
				t.Errorf("submissions recorded after a failed download: %+v", subs)
			}
			if got := outageFiles(t, f); len(got) != 0 {
				t.Errorf("files left behind by a failed download: %q", got)
			}
			if f.pacer.Slept() == 0 {
				t.Error("retries did not back off through the pacer")
			}
			f.srv.ClearFaults()
			f.send(upload)
			f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
			checkOneStored(t, f, data)
		})
	}

	// The whole Bot API refuses connections for the bot's calls while a file
	// comes in: getFile fails, and so does telling the head. When the API is
	// back, after ten minutes or six hours, the head is told to send again,
	// once; the resent file gets its receipt.
	for _, dur := range []time.Duration{10 * time.Minute, 6 * time.Hour} {
		t.Run(fmt.Sprintf("api_refuses_%s", dur), func(t *testing.T) {
			t.Parallel()
			f := newSubFixture(t)
			o := &outageRun{harness: f.harness}
			for _, m := range []string{"getFile", "sendMessage", "copyMessage"} {
				f.srv.AddFault(telegramtest.Fault{Method: m, Drop: true})
			}
			start := f.sim.Now()
			f.send(upload)
			// Wait for the handler to give up and queue its answer.
			ctx, cancel := telegramtest.Within(slowWait)
			defer cancel()
			isNotice := func(m db.OutMessage) bool {
				return m.ChatID == f.head.ID && strings.Contains(m.Text, "chưa tải được tệp «bc.pdf»")
			}
			// Nothing reaches the fake server while it refuses the bot, so
			// this waits on the outbox, looking again every millisecond.
			for len(o.rows(isNotice)) == 0 {
				select {
				case <-ctx.Done():
					t.Fatal("the failed download was never answered")
				case <-time.After(time.Millisecond):
				}
			}
			o.runUntil(start.Add(dur))
			if got := outageFiles(t, f); len(got) != 0 {
				t.Errorf("files left behind by a failed download: %q", got)
			}
			f.srv.ClearFaults()
			o.settle()
			notices := o.rows(isNotice)
			if len(notices) != 1 || notices[0].Status != db.OutSent {
				t.Fatalf("the head's 'send again' notice: %s; want one, sent", outageKeys(notices))
			}
			f.waitText(f.head.ID, "chưa tải được tệp «bc.pdf»")
			if n := len(f.srv.SentMatching(func(s telegramtest.Sent) bool {
				return s.ChatID == f.head.ID && strings.Contains(s.Text, "chưa tải được tệp")
			})); n != 1 {
				t.Errorf("head told %d times to send again, want once", n)
			}
			f.send(upload)
			f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
			checkOneStored(t, f, data)
		})
	}
}
