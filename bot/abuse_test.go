package bot

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/text/unicode/norm"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
)

// noLimit turns the rate limit off for tests that send many updates from
// one person on purpose.
func noLimit(b *Bot) { b.cfg.RateLimit = RateLimit{PerMinute: -1} }

// TestForgedAndReplayedButtons presses buttons nobody was shown, with ids
// of real and unknown records, from a stranger and from a head, each twice:
// nothing changes, the toast says the button is not valid, and nobody else
// hears of it.
func TestForgedAndReplayedButtons(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 9, 0), noLimit)
	h.importPlan()
	head := h.srv.NewUser(4001, "Head", "", "vi")
	h.join(head, "TCBC", db.RoleHead)
	stranger := h.srv.NewUser(4002, "Stranger", "", "vi")
	before := len(h.srv.Sent())

	forged := []string{"acc:1", "ret:1", "paper:1", "pok:1:1", "exy:1:30", "exn:1", "ext:1", "sp:1:1",
		"snooze:1:1d", "acc:-1", "acc:99999999999999999999", "acc", "", ":::", "acc:1:extra", "nope:1"}
	presses := 0
	for _, who := range []models.User{stranger, head} {
		for _, data := range forged {
			for range 2 { // a replay is the same press again
				h.srv.InjectCallback(who, who.ID, 1, data)
				presses++
			}
		}
	}
	ctx, cancel := telegramtest.Within(30 * time.Second)
	defer cancel()
	answers, err := h.srv.WaitCount(ctx, presses, telegramtest.ByMethod("answerCallbackQuery"))
	if err != nil {
		t.Fatalf("%d of %d presses answered: %v", len(h.srv.SentMatching(telegramtest.ByMethod("answerCallbackQuery"))), presses, err)
	}
	for _, a := range answers {
		if a.Text == "" || strings.Contains(a.Text, tr("vi", "error.internal")[:20]) {
			t.Errorf("press in chat %d answered %q, want a 'not valid' toast", a.ChatID, a.Text)
		}
	}
	for _, s := range h.srv.Sent()[before:] {
		if s.Method == "answerCallbackQuery" {
			continue
		}
		if s.ChatID != head.ID || s.Method != "sendMessage" {
			t.Errorf("a forged press caused %s to %d: %q", s.Method, s.ChatID, s.Text)
		}
	}
	n, err := h.store.Read(context.Background()).CountSubmissions()
	if err != nil || n != 0 {
		t.Errorf("%d submissions after forged presses (err %v), want 0", n, err)
	}
}

// TestHostileDocumentsAndTexts sends documents with path-traversal,
// reserved, control-character and Unicode names, captions at and beyond
// Telegram's limit, and odd commands, from a head and from a stranger.
// Nothing fails, every file lands inside the data folder, and the stranger
// learns nothing but how to join.
func TestHostileDocumentsAndTexts(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 9, 0), noLimit)
	h.importPlan()
	head := h.srv.NewUser(4101, "Trưởng phòng", "", "vi")
	h.join(head, "TCBC", db.RoleHead)
	stranger := h.srv.NewUser(4102, "Người lạ \u200F\u200B🙂", "", "vi")
	pdf := func(i int) []byte { return []byte("%PDF-1.4 hostile " + strings.Repeat("x", i)) }

	names := []string{
		"../../etc/passwd.pdf", `..\..\windows\win.ini.pdf`, "/etc/shadow.pdf", "CON.pdf", "lpt1.docx", "a\x00b.pdf",
		"..pdf", ". .pdf", norm.NFD.String("Báo cáo tổng kết.pdf"), "\u200Fتقرير\u200F.pdf", "zero\u200Bwidth\u200D.pdf",
		"📄🇻🇳 báo cáo.pdf", "\u202Efdp.exe.pdf", strings.Repeat("ạ", 85) + ".pdf", strings.Repeat("a", 255) + ".pdf",
		strings.Repeat("b", 1000) + ".pdf",
	}
	captions := []string{"", strings.Repeat("c", 1024), strings.Repeat("đ", 1025), strings.Repeat("😀", 700),
		norm.NFD.String("Số 45/BC-SNV ngày 10/6"), "\u200F45/BC-SNV\u200B", "<b>x</b>", strings.Repeat("e", 5000)}
	var lastPick telegramtest.Sent
	for i, name := range names {
		seen := len(h.srv.SentMatching(telegramtest.All(telegramtest.ToChat(head.ID), telegramtest.ByMethod("sendMessage"))))
		h.srv.InjectDocument(telegramtest.PrivateChat(head), head,
			telegramtest.Upload{Name: name, Data: pdf(i), Caption: captions[i%len(captions)]})
		// Each file gets an answer: a receipt, a refusal, or the question
		// which report it is for, answered with the first button.
		got := nthMessage(t, h.srv, head.ID, seen)
		if len(got.Buttons) > 0 && len(got.Buttons[0]) > 0 {
			h.srv.InjectCallback(head, got.ChatID, got.MessageID, got.Buttons[0][0].CallbackData)
			nthMessage(t, h.srv, head.ID, seen+1)
			lastPick = got
		}
	}
	// Replaying an answered question's button changes nothing.
	if lastPick.MessageID != 0 {
		n, _ := h.store.Read(context.Background()).CountSubmissions()
		h.srv.InjectCallback(head, lastPick.ChatID, lastPick.MessageID, lastPick.Buttons[0][0].CallbackData)
		ctx, cancel := telegramtest.Within(slowWait)
		defer cancel()
		h.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
			return s.Method == "answerCallbackQuery" && s.ChatID == head.ID && s.Text != ""
		})
		if m, _ := h.store.Read(context.Background()).CountSubmissions(); m != n {
			t.Errorf("a replayed pick made %d submissions into %d", n, m)
		}
	}
	for _, text := range []string{"/pending\u200B", "/ｈelp", "/help@someone_else_bot", norm.NFD.String("/lịch"),
		"/" + strings.Repeat("x", 5000), "\u200F/help", "/start ../../etc/passwd"} {
		h.srv.InjectText(telegramtest.PrivateChat(head), head, text)
		h.srv.InjectText(telegramtest.PrivateChat(stranger), stranger, text)
	}
	for i, name := range names[:4] {
		h.srv.InjectDocument(telegramtest.PrivateChat(stranger), stranger, telegramtest.Upload{Name: name, Data: pdf(i)})
	}
	// One chat is handled in order: a final /help answered means all of
	// the above was handled.
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	h.waitTextWithin(head.ID, "Các lệnh đồng chí dùng được", 30*time.Second)
	h.srv.InjectText(telegramtest.PrivateChat(stranger), stranger, "/help")
	h.waitTextWithin(stranger.ID, tr("vi", "stranger.only"), 30*time.Second)

	internal := tr("vi", "error.internal")
	for _, s := range h.srv.Sent() {
		if strings.Contains(s.Text+s.Caption, internal[:40]) {
			t.Errorf("internal error shown to %d", s.ChatID)
		}
		if s.ChatID == stranger.ID {
			allowed := []string{tr("vi", "start.stranger"), tr("vi", "start.invite_unknown"), tr("vi", "stranger.only"), tr("vi", "callback.stale")}
			ok := false
			for _, a := range allowed {
				ok = ok || s.Text == a || strings.HasPrefix(a, s.Text)
			}
			if s.Method != "sendMessage" || !ok {
				t.Errorf("stranger got %s %q", s.Method, s.Text)
			}
		}
	}
	for _, s := range h.srv.Sent() {
		if s.Method == "getFile" && s.ChatID == stranger.ID {
			t.Errorf("a stranger's file was downloaded")
		}
	}

	// Everything the bot wrote is inside its data folder, under plain names.
	dataDir := h.bot.cfg.DataDir
	filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Errorf("walk %s: %v", p, err)
			return nil
		}
		rel, _ := filepath.Rel(dataDir, p)
		if strings.HasPrefix(rel, "..") || strings.ContainsAny(d.Name(), "\x00\\") {
			t.Errorf("written outside or under a bad name: %q", rel)
		}
		if !d.IsDir() && !strings.HasPrefix(rel, "reportbot.db") && !strings.HasPrefix(rel, filesDir+string(filepath.Separator)) {
			t.Errorf("unexpected file %q", rel)
		}
		return nil
	})
	for _, p := range []string{filepath.Join(dataDir, "..", "etc"), filepath.Join(filepath.Dir(dataDir), "etc", "passwd.pdf")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists", p)
		}
	}
	known, err := h.store.Read(context.Background()).StoredPaths()
	if err != nil {
		t.Fatal(err)
	}
	if len(known) == 0 {
		var got []string
		for _, s := range h.srv.SentMatching(telegramtest.ToChat(head.ID)) {
			got = append(got, s.Method+": "+clip(s.Text, 80))
		}
		t.Errorf("no file was stored at all; the head got:\n%s", strings.Join(got, "\n"))
	}
	for rel := range known {
		abs := filepath.Join(dataDir, filepath.FromSlash(rel))
		if !strings.HasPrefix(abs, filepath.Join(dataDir, filesDir)+string(filepath.Separator)) {
			t.Errorf("stored path %q leaves the files folder", rel)
		}
		if len(filepath.Base(abs)) > 255 {
			t.Errorf("stored name of %d bytes: %q", len(filepath.Base(abs)), rel)
		}
	}
}

// TestHugePlanRefused checks that a plan over 1 MiB is refused with a
// message in both languages before any YAML is parsed.
func TestHugePlanRefused(t *testing.T) {
	data := append([]byte("department: x\n# "), bytes.Repeat([]byte("a"), plan.MaxSize)...)
	p, err := plan.Parse(data)
	if p != nil || err == nil {
		t.Fatalf("Parse of %d bytes: plan %v, err %v; want a refusal", len(data), p, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "1 MiB") {
		t.Errorf("refusal %q does not say the limit", msg)
	}
}

// nthMessage waits for the n-th (from 0) sendMessage to chat.
func nthMessage(t *testing.T, srv *telegramtest.Server, chat int64, n int) telegramtest.Sent {
	t.Helper()
	ctx, cancel := telegramtest.Within(slowWait)
	defer cancel()
	got, err := srv.WaitCount(ctx, n+1, telegramtest.All(telegramtest.ToChat(chat), telegramtest.ByMethod("sendMessage")))
	if err != nil {
		t.Fatalf("waiting for message %d to %d: %v", n+1, chat, err)
	}
	return got[n]
}
