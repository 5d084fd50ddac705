package bot

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/clock"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
)

// harness is a running bot against the fake Bot API, with an injected clock
// and a pacer that never sleeps.
type harness struct {
	t     *testing.T
	srv   *telegramtest.Server
	store *db.Store
	bot   *Bot
	pacer *FakePacer

	sim *clock.Manual

	cancel context.CancelFunc
	done   chan struct{}
}

// hcmc is the plan's zone in every test.
var hcmc = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// slowWait bounds every wait for something the bot must do. It is only
// reached when a test fails, so it is generous: on a machine whose cores
// are busy with other work, under the race detector (which slows the
// pure-Go PNG, workbook and SQLite work about seventyfold), an answer that
// takes milliseconds when idle can take seconds.
const slowWait = 60 * time.Second

// at builds a local time in Asia/Ho_Chi_Minh.
func at(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, hcmc) }

func newHarness(t *testing.T, start time.Time, setup ...func(*Bot)) *harness {
	t.Helper()
	h := &harness{t: t, sim: clock.NewManual(start), done: make(chan struct{})}
	h.srv = telegramtest.New()
	t.Cleanup(h.srv.Close)
	t.Cleanup(func() {
		// A refused call is the likeliest cause of a wait that timed out.
		if t.Failed() {
			for _, r := range h.srv.Refusals() {
				t.Logf("refused %s: %d %s", r.Method, r.Code, r.Description)
			}
		}
	})
	// The Office chat a setup may bind before Run exists on Telegram's side.
	h.srv.OpenChat(remOfficeChat)
	dir := t.TempDir()
	store, err := db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	store.Now = h.clock
	h.store = store
	h.pacer = NewFakePacer(start)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	b, err := New(ctx, Config{
		Token: h.srv.Token(), APIURL: h.srv.URL(), DataDir: dir, Store: store, Location: hcmc,
		Log: testLogger(), PollTimeout: time.Second, Pacer: h.pacer, ManualTick: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range setup {
		fn(b)
	}
	h.bot = b
	go func() {
		defer close(h.done)
		b.Run(ctx, true)
	}()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
	h.store.Close()
}

func testLogger() *slog.Logger {
	if os.Getenv("REPORTBOT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (h *harness) clock() time.Time { return h.sim.Now() }

func (h *harness) setNow(t time.Time) { h.sim.Set(t) }

// importPlan loads the example plan, as "reportbot plan import" does.
func (h *harness) importPlan() {
	h.t.Helper()
	data, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		h.t.Fatal(err)
	}
	p, err := plan.Parse(data)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := plan.Apply(context.Background(), h.store, p); err != nil {
		h.t.Fatal(err)
	}
}

// invite makes an invite token as "reportbot invite" does.
func (h *harness) invite(unitCode string, role db.Role) string {
	h.t.Helper()
	var token string
	err := h.store.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		token, _, err = tx.CreateInviteByCode(unitCode, role, 7*24*time.Hour, "test")
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return token
}

// join makes a user a member through an invite and waits for the greeting.
func (h *harness) join(u models.User, unitCode string, role db.Role) telegramtest.Sent {
	h.t.Helper()
	h.srv.InjectText(telegramtest.PrivateChat(u), u, "/start "+h.invite(unitCode, role))
	return h.waitText(u.ID, "")
}

// waitText waits for a message to chat containing want (any message if
// want is ""). It looks at every message the chat ever got, so want must
// name text only the awaited message has.
func (h *harness) waitText(chatID int64, want string) telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	s, err := h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		text := s.Text + s.Caption
		return s.ChatID == chatID && (s.Method == "sendMessage" || s.Method == "sendDocument" || s.Method == "copyMessage" || s.Method == "sendPhoto") &&
			strings.Contains(text, want)
	})
	if err != nil {
		var got []string
		for _, s := range h.srv.SentMatching(telegramtest.ToChat(chatID)) {
			got = append(got, s.Method+": "+s.Text+s.Caption)
		}
		h.t.Fatalf("no message to %d containing %q: %v; chat got:\n%s", chatID, want, err, strings.Join(got, "\n---\n"))
	}
	return s
}
