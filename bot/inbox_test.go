package bot

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	_ "modernc.org/sqlite"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// rawDB opens a second connection to the bot's database, for tests that
// make the database misbehave behind the bot's back.
func rawDB(t *testing.T, h *harness) *sql.DB {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+h.store.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestOffsetNeverMovesPastAnUnstoredUpdate(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	confirmed := h.srv.ConfirmedOffset()

	conn := rawDB(t, h)
	if _, err := conn.Exec(`CREATE TRIGGER full_disk BEFORE INSERT ON updates BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	upd := h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	// The bot polls, fails to store, polls again with the same offset: the
	// update stays on Telegram's side.
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	for h.bot.inboxFailures.Load() < 2 && ctx.Err() == nil {
		runtimeYield()
	}
	if got := h.srv.ConfirmedOffset(); got > upd.ID {
		t.Fatalf("offset confirmed %d past unstored update %d", got, upd.ID)
	}
	if _, err := h.store.Read(context.Background()).UpdateStatus(upd.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("update stored despite the failure: %v", err)
	}
	if _, err := conn.Exec(`DROP TRIGGER full_disk`); err != nil {
		t.Fatal(err)
	}
	h.waitText(head.ID, "Các lệnh đồng chí dùng được")
	if got := h.srv.ConfirmedOffset(); got < confirmed {
		t.Fatalf("offset went back: %d < %d", got, confirmed)
	}
}

// runtimeYield lets the bot's goroutines run while a test polls a
// condition the fake server cannot signal (a failed store leaves no trace
// there). It is bounded by the caller's deadline.
func runtimeYield() { <-time.After(time.Millisecond) }

func TestRedeliveredUpdateIsHandledOnce(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	// Telegram delivers the same update twice (a webhook answer lost on
	// the way back): the second delivery is recognised by its update_id.
	upd := models.Update{ID: 800001, Message: &models.Message{ID: 50, Chat: telegramtest.PrivateChat(head), From: &head, Text: "/help",
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 5}}}}
	body, _ := json.Marshal(upd)
	for i := 0; i < 2; i++ {
		req := httptest.NewRequest(http.MethodPost, "/tg", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "k")
		rec := httptest.NewRecorder()
		h.bot.WebhookHandler("k").ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("delivery %d: %d", i, rec.Code)
		}
	}
	h.waitText(head.ID, "Các lệnh")
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/lang en")
	h.waitText(head.ID, "Switched to English")
	var helps int
	for _, s := range h.srv.SentMatching(telegramtest.ToChat(head.ID)) {
		if strings.Contains(s.Text, "Các lệnh đồng chí dùng được") {
			helps++
		}
	}
	if helps != 1 {
		t.Fatalf("/help answered %d times, want 1", helps)
	}
}

func TestHandlerPanicIsRecoveredAndUserTold(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0), func(b *Bot) {
		b.routes.commands["boom"] = &commandRoute{name: "boom", roles: everyone, chats: inPrivate, handle: func(*Request) error { panic("kaboom") }}
	})
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	upd := h.srv.InjectText(telegramtest.PrivateChat(head), head, "/boom")
	h.waitText(head.ID, "Đã có lỗi")
	// The bot keeps running.
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	h.waitText(head.ID, "Các lệnh")
	status, err := h.store.Read(context.Background()).UpdateStatus(upd.ID)
	if err != nil || status != "failed" {
		t.Fatalf("panicked update status %q, %v; want failed", status, err)
	}
}

func TestOneChatsUpdatesInOrder(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	chat := telegramtest.PrivateChat(head)
	for _, l := range []string{"en", "vi", "en", "vi", "en"} {
		h.srv.InjectText(chat, head, "/lang "+l)
	}
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	sent, err := h.srv.WaitCount(ctx, 6, telegramtest.All(telegramtest.ToChat(head.ID), telegramtest.ByMethod("sendMessage")))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range sent[1:] {
		order = append(order, map[bool]string{true: "en", false: "vi"}[strings.Contains(s.Text, "English")])
	}
	if got, want := strings.Join(order, ","), "en,vi,en,vi,en"; got != want {
		t.Fatalf("answers in order %s, want %s", got, want)
	}
}

func TestGetUpdates429HonoursRetryAfter(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	before := h.pacer.Slept()
	h.srv.FailNextWith429("getUpdates", 1, 7)
	// A long poll (ten seconds of real time) may be in flight already; the
	// update ends it, or, if none was in flight, waits for the pause. Either
	// way the 429 answers the poll after the one that brings the update, so
	// wait for the pause it must cause (FakePacer sleeps take no time: it
	// follows the 429 at once) rather than for the answer alone.
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	h.waitText(head.ID, "Các lệnh")
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	for h.pacer.Slept()-before < 7*time.Second && ctx.Err() == nil {
		runtimeYield()
	}
	if got := h.pacer.Slept() - before; got < 7*time.Second {
		t.Fatalf("paused %v after a 429 with retry_after 7, want at least 7s", got)
	}
	// Polling goes on after the pause.
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/lang en")
	h.waitText(head.ID, "Switched to English")
}

func TestWebhookStoresBeforeAnsweringAndChecksSecret(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.srv.OpenChat(77) // the stranger below wrote to the bot
	handler := h.bot.WebhookHandler("s3cret")
	upd := models.Update{ID: 900001, Message: &models.Message{ID: 1, Chat: models.Chat{ID: 77, Type: "private"}, From: &models.User{ID: 77, FirstName: "X"}, Text: "hi"}}
	body, _ := json.Marshal(upd)
	post := func(secret string) int {
		req := httptest.NewRequest(http.MethodPost, "/tg", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post("wrong"); code != http.StatusForbidden {
		t.Fatalf("wrong secret: %d, want 403", code)
	}
	if _, err := h.store.Read(context.Background()).UpdateStatus(upd.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatal("an update with a wrong secret was stored")
	}
	if code := post("s3cret"); code != http.StatusOK {
		t.Fatalf("right secret: %d, want 200", code)
	}
	if _, err := h.store.Read(context.Background()).UpdateStatus(upd.ID); err != nil {
		t.Fatalf("update answered 200 but not stored: %v", err)
	}
	// A stranger's "hi" gets the how-to-join answer.
	h.waitText(77, "link mời")
	// Telegram retrying the same update changes nothing.
	if code := post("s3cret"); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
}

func TestWebhookAnswers500WhenItCannotStore(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	conn := rawDB(t, h)
	conn.Exec(`CREATE TRIGGER full_disk BEFORE INSERT ON updates BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
	body, _ := json.Marshal(models.Update{ID: 5, Message: &models.Message{Chat: models.Chat{ID: 1}}})
	req := httptest.NewRequest(http.MethodPost, "/tg", bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "k")
	rec := httptest.NewRecorder()
	h.bot.WebhookHandler("k").ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500 so Telegram delivers again", rec.Code)
	}
}

func TestPollingBacksOffAndRecoversAfterNetworkErrors(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	// Two polls have their connection cut, then two get a 502: the update
	// can only arrive once all four failures were met and retried.
	h.srv.AddFault(telegramtest.Fault{Method: "getUpdates", Times: 2, Drop: true})
	h.srv.FailNext("getUpdates", 2, http.StatusBadGateway)
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	h.waitText(head.ID, "Các lệnh")
}
