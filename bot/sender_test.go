package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// sendDay is the business clock's start in the sender's tests.
var sendDay = time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)

// sendFixture is a sender on a real SQLite store, talking through the real
// go-telegram client to the fake Bot API, with a FakePacer.
type sendFixture struct {
	t      *testing.T
	srv    *telegramtest.Server
	store  *db.Store
	pacer  *FakePacer
	api    *sendRecorder
	sender *Sender

	mu   sync.Mutex
	now  time.Time
	keys int
}

func newSendFixture(t *testing.T, cfg SenderConfig, opts ...telegramtest.Option) *sendFixture {
	t.Helper()
	f := &sendFixture{t: t, now: sendDay, srv: telegramtest.New(opts...)}
	t.Cleanup(f.srv.Close)
	store, err := db.Open(filepath.Join(t.TempDir(), "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Now = f.clock
	f.store = store
	tg, err := tgbot.New(f.srv.Token(), tgbot.WithServerURL(f.srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	f.pacer = NewFakePacer(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f.api = &sendRecorder{next: tg, pacer: f.pacer}
	cfg.Pacer = f.pacer
	f.sender = f.newSender(cfg)
	return f
}

// newSender makes another sender on the same store and API, as a restarted
// process would.
func (f *sendFixture) newSender(cfg SenderConfig) *Sender {
	cfg.Pacer = f.pacer
	// A restarted process holds the data folder's lock and frees the claims.
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.ReleaseOutboxClaims() }); err != nil {
		f.t.Fatal(err)
	}
	return NewSender(f.store, f.api, cfg, slog.New(slog.NewTextHandler(sendTestLogOut(), &slog.HandlerOptions{Level: slog.LevelDebug})))
}

func (f *sendFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *sendFixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// enqueue adds messages (an empty key gets a fresh one) and returns their ids.
func (f *sendFixture) enqueue(ms ...db.OutMessage) []int64 {
	f.t.Helper()
	var ids []int64
	err := f.store.Tx(context.Background(), func(tx *db.Tx) error {
		for _, m := range ms {
			if m.Key == "" {
				f.keys++
				m.Key = fmt.Sprintf("test:%d", f.keys)
			}
			f.srv.OpenChat(m.ChatID) // a chat the bot may write to
			id, _, err := tx.Enqueue(m)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// drain runs s.Drain with a deadline and returns what it sent.
func (f *sendFixture) drain(s *Sender) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return s.Drain(ctx)
}

func (f *sendFixture) mustDrain() int {
	f.t.Helper()
	n, err := f.drain(f.sender)
	if err != nil {
		f.t.Fatalf("drain: %v", err)
	}
	return n
}

// row reads one outbox message by id.
func (f *sendFixture) row(id int64) db.OutMessage {
	f.t.Helper()
	all, err := f.store.Read(context.Background()).Outbox("")
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range all {
		if m.ID == id {
			return m
		}
	}
	f.t.Fatalf("outbox %d not found", id)
	return db.OutMessage{}
}

// member registers a member with Telegram id tgID and returns their id.
func (f *sendFixture) member(tgID int64) int64 {
	f.t.Helper()
	var id int64
	err := f.store.Tx(context.Background(), func(tx *db.Tx) error {
		token, _, err := tx.CreateInvite(0, db.RoleOffice, time.Hour, "test")
		if err != nil {
			return err
		}
		m, err := tx.RedeemInvite(token, db.Joiner{TelegramID: tgID, Name: "Trần Thị Bích"})
		id = m.ID
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// sendCall is one API call the sender made, timed on the pacer's clock.
type sendCall struct {
	chat       int64
	start, end time.Time
	err        error
}

// sendRecorder wraps the real client and records every call.
type sendRecorder struct {
	next  SendAPI
	pacer Pacer

	mu    sync.Mutex
	calls []sendCall
}

func (r *sendRecorder) record(chat any, start time.Time, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, sendCall{chat: chat.(int64), start: start, end: r.pacer.Now(), err: err})
}

func (r *sendRecorder) log() []sendCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// recordCall makes one call through the recorder, recording it.
func recordCall[T any](r *sendRecorder, chat any, call func() (T, error)) (T, error) {
	start := r.pacer.Now()
	v, err := call()
	r.record(chat, start, err)
	return v, err
}

func (r *sendRecorder) SendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	return recordCall(r, p.ChatID, func() (*models.Message, error) { return r.next.SendMessage(ctx, p) })
}

func (r *sendRecorder) SendDocument(ctx context.Context, p *tgbot.SendDocumentParams) (*models.Message, error) {
	return recordCall(r, p.ChatID, func() (*models.Message, error) { return r.next.SendDocument(ctx, p) })
}

func (r *sendRecorder) SendPhoto(ctx context.Context, p *tgbot.SendPhotoParams) (*models.Message, error) {
	return recordCall(r, p.ChatID, func() (*models.Message, error) { return r.next.SendPhoto(ctx, p) })
}

func (r *sendRecorder) CopyMessage(ctx context.Context, p *tgbot.CopyMessageParams) (*models.MessageID, error) {
	return recordCall(r, p.ChatID, func() (*models.MessageID, error) { return r.next.CopyMessage(ctx, p) })
}

func (r *sendRecorder) EditMessageText(ctx context.Context, p *tgbot.EditMessageTextParams) (*models.Message, error) {
	return recordCall(r, p.ChatID, func() (*models.Message, error) { return r.next.EditMessageText(ctx, p) })
}

func (r *sendRecorder) EditMessageReplyMarkup(ctx context.Context, p *tgbot.EditMessageReplyMarkupParams) (*models.Message, error) {
	return recordCall(r, p.ChatID, func() (*models.Message, error) { return r.next.EditMessageReplyMarkup(ctx, p) })
}

func (r *sendRecorder) SetMyCommands(ctx context.Context, p *tgbot.SetMyCommandsParams) (bool, error) {
	return recordCall(r, p.Scope.(*models.BotCommandScopeChat).ChatID, func() (bool, error) { return r.next.SetMyCommands(ctx, p) })
}

func (r *sendRecorder) DeleteMyCommands(ctx context.Context, p *tgbot.DeleteMyCommandsParams) (bool, error) {
	return recordCall(r, p.Scope.(*models.BotCommandScopeChat).ChatID, func() (bool, error) { return r.next.DeleteMyCommands(ctx, p) })
}

func (r *sendRecorder) PinChatMessage(ctx context.Context, p *tgbot.PinChatMessageParams) (bool, error) {
	return recordCall(r, p.ChatID, func() (bool, error) { return r.next.PinChatMessage(ctx, p) })
}

func TestSenderSendsEveryKind(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	user := f.srv.NewUser(42, "Lan", "lan", "vi")
	forum := f.srv.NewSupergroup(-1001234, "Sở Nội vụ", true)
	f.srv.CreateTopic(forum.ID, 9)
	asked := f.srv.InjectText(telegramtest.PrivateChat(user), user, "Hạn nộp là khi nào?")
	upload := f.srv.InjectDocument(telegramtest.PrivateChat(user), user, telegramtest.Upload{Name: "bao-cao.docx", Data: []byte("báo cáo quý"), Caption: "Báo cáo"})

	dir := t.TempDir()
	docPath := filepath.Join(dir, "stored-1")
	if err := os.WriteFile(docPath, []byte("nội dung tờ trình"), 0o600); err != nil {
		t.Fatal(err)
	}
	photoPath := filepath.Join(dir, "stored-2")
	var chart bytes.Buffer
	if err := png.Encode(&chart, image.NewGray(image.Rect(0, 0, 60, 40))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photoPath, chart.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	keyboard := `{"inline_keyboard":[[{"text":"Đã nộp","callback_data":"done:7"},{"text":"Xin gia hạn","callback_data":"ext:7"}]]}`
	ids := f.enqueue(
		db.OutMessage{ChatID: 42, Text: "<b>Nhắc hạn</b> nộp báo cáo", ParseMode: "HTML", Markup: keyboard,
			ReplyTo: asked.Message.ID, Purpose: "reminder", RefID: 7},
		db.OutMessage{ChatID: forum.ID, ThreadID: 9, Text: "Thông báo chung"},
		db.OutMessage{ChatID: 42, Kind: db.KindDocument, FilePath: docPath, FileName: "Tờ trình.docx", Text: "Tờ trình số 12"},
		db.OutMessage{ChatID: forum.ID, ThreadID: 9, Kind: db.KindPhoto, FilePath: photoPath, FileName: "anh.png", Text: "Ảnh"},
		db.OutMessage{ChatID: forum.ID, ThreadID: 9, Kind: db.KindCopy, CopyChatID: 42, CopyMessageID: upload.Message.ID, Text: "Bản sao"},
		db.OutMessage{ChatID: 42, Kind: db.KindDocument, FilePath: filepath.Join(dir, "gone"), FileName: "x.pdf"},
	)
	if got := f.mustDrain(); got != 5 {
		t.Fatalf("sent %d, want 5", got)
	}
	if n := len(f.srv.Sent()); n != 5 {
		t.Fatalf("the fake got %d calls, want 5", n)
	}
	// Chats are served concurrently: look at each chat's calls in order.
	private := f.srv.SentMatching(telegramtest.ToChat(42))
	group := f.srv.SentMatching(telegramtest.ToChat(forum.ID))
	if len(private) != 2 || len(group) != 3 {
		t.Fatalf("got %d private and %d group calls, want 2 and 3", len(private), len(group))
	}
	text, doc := private[0], private[1]
	if text.Method != "sendMessage" || text.ParseMode != "HTML" || text.ReplyToMessageID != asked.Message.ID {
		t.Errorf("text: got %+v", text)
	}
	if len(text.Buttons) != 1 || len(text.Buttons[0]) != 2 || text.Buttons[0][1].CallbackData != "ext:7" {
		t.Errorf("text buttons: got %+v", text.Buttons)
	}
	if text.ReplyMarkup != keyboard {
		t.Errorf("keyboard: sent %s, want the stored JSON as it is", text.ReplyMarkup)
	}
	if topic := group[0]; topic.Method != "sendMessage" || topic.ThreadID != 9 || topic.Text != "Thông báo chung" {
		t.Errorf("topic message: got %+v", topic)
	}
	if doc.Method != "sendDocument" || doc.File == nil || doc.File.Name != "Tờ trình.docx" || string(doc.File.Data) != "nội dung tờ trình" || doc.Caption != "Tờ trình số 12" {
		t.Errorf("document: got %+v", doc)
	}
	if photo := group[1]; photo.Method != "sendPhoto" || photo.File == nil || !bytes.Equal(photo.File.Data, chart.Bytes()) || photo.ThreadID != 9 || photo.Caption != "Ảnh" {
		t.Errorf("photo: got %+v", photo)
	}
	if cp := group[2]; cp.Method != "copyMessage" || cp.FromChatID != 42 || cp.SourceMessageID != upload.Message.ID || cp.Caption != "Bản sao" || cp.ThreadID != 9 {
		t.Errorf("copy: got %+v", cp)
	}

	first := f.row(ids[0])
	if first.Status != db.OutSent || first.MessageID != text.MessageID || first.SentAt.IsZero() {
		t.Errorf("row: got status %s message %d, want sent %d", first.Status, first.MessageID, text.MessageID)
	}
	if purpose, ref, err := f.store.Read(context.Background()).MessageRef(42, text.MessageID); err != nil || purpose != "reminder" || ref != 7 {
		t.Errorf("message ref: got %q %d %v", purpose, ref, err)
	}
	missing := f.row(ids[5])
	if missing.Status != db.OutFailed || !strings.Contains(missing.Error, "file to send is missing") {
		t.Errorf("missing file: got status %s error %q, want failed with a clear reason", missing.Status, missing.Error)
	}
	if st := f.sender.Stats(); st.Sent != 5 || st.Failures != 1 {
		t.Errorf("stats: got %+v", st)
	}
}

// TestSenderKeepsOrderAndLimits sends interleaved messages to a few chats
// and checks each chat's order and, on the pacer's clock, every limit. The
// clock is exact only with one worker (concurrent sleepers on a FakePacer
// each move it), so the timing is checked there; the benchmark checks the
// limits with eight workers in real time.
func TestSenderKeepsOrderAndLimits(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			f := newSendFixture(t, SenderConfig{Workers: workers})
			chats := []int64{11, 12, 13, -4001, -4002}
			var ms []db.OutMessage
			for i := range 6 {
				for _, c := range chats {
					ms = append(ms, db.OutMessage{ChatID: c, Text: fmt.Sprintf("tin %d", i)})
				}
			}
			for c := int64(100); c < 160; c++ { // many chats with one message each
				ms = append(ms, db.OutMessage{ChatID: c, Text: "nhắc"})
			}
			f.enqueue(ms...)
			if got := f.mustDrain(); got != len(ms) {
				t.Fatalf("sent %d, want %d", got, len(ms))
			}
			for _, c := range chats {
				var got []string
				for _, s := range f.srv.SentMatching(telegramtest.ToChat(c)) {
					got = append(got, s.Text)
				}
				want := []string{"tin 0", "tin 1", "tin 2", "tin 3", "tin 4", "tin 5"}
				if !slices.Equal(got, want) {
					t.Errorf("chat %d: got %q, want %q", c, got, want)
				}
			}
			if workers > 1 {
				return
			}
			calls := f.api.log()
			last := map[int64]time.Time{}
			for _, c := range calls {
				gap := time.Second
				if c.chat < 0 {
					gap = 3 * time.Second // 20 a minute
				}
				if prev, ok := last[c.chat]; ok && c.start.Sub(prev) < gap {
					t.Errorf("chat %d: sends %v apart, want at least %v", c.chat, c.start.Sub(prev), gap)
				}
				last[c.chat] = c.start
			}
			for i := range calls {
				// Any 26 sends in a row must span more than a second (25 a second).
				if j := i + 25; j < len(calls) && calls[j].start.Sub(calls[i].start) <= time.Second {
					t.Fatalf("sends %d..%d within %v: over 25 a second", i, j, calls[j].start.Sub(calls[i].start))
				}
			}
			// The slow group chats need 5 gaps of 3s each; everything else
			// fits in between instead of queueing behind them.
			if span := calls[len(calls)-1].start.Sub(calls[0].start); span > 16*time.Second {
				t.Errorf("took %v of pacer time; the slow chats held up the others", span)
			}
		})
	}
}

func TestSenderPausesOn429(t *testing.T) {
	for _, workers := range []int{1, 8} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			f := newSendFixture(t, SenderConfig{Workers: workers})
			const storm, retryAfter = 5, 3
			f.srv.FailNextWith429("", storm, retryAfter)
			var ms []db.OutMessage
			for c := int64(1); c <= 20; c++ {
				ms = append(ms, db.OutMessage{ChatID: c, Text: "nhắc nộp báo cáo"})
			}
			ids := f.enqueue(ms...)
			if got := f.mustDrain(); got != len(ms) {
				t.Fatalf("sent %d, want %d", got, len(ms))
			}
			for c := int64(1); c <= 20; c++ {
				if n := len(f.srv.SentMatching(telegramtest.ToChat(c))); n != 1 {
					t.Errorf("chat %d got %d messages, want 1", c, n)
				}
			}
			for _, id := range ids {
				if m := f.row(id); m.Status != db.OutSent || m.Attempts != 1 {
					t.Errorf("outbox %d: got %s after %d attempts, want sent after 1", id, m.Status, m.Attempts)
				}
			}
			if got := f.sender.Stats().TooManyRequests; got != storm {
				t.Errorf("429s counted: got %d, want %d", got, storm)
			}
			calls := f.api.log()
			var pauses []time.Time
			for _, c := range calls {
				if tm := (*tgbot.TooManyRequestsError)(nil); errors.As(c.err, &tm) {
					pauses = append(pauses, c.end)
				}
			}
			want := retryAfter * time.Second
			if workers == 1 {
				// One at a time, every 429 is its own pause.
				want = storm * retryAfter * time.Second
				for _, p := range pauses {
					for _, c := range calls {
						if c.start.After(p) && c.start.Before(p.Add(retryAfter*time.Second)) {
							t.Errorf("a send started %v into a %ds pause", c.start.Sub(p), retryAfter)
						}
					}
				}
			}
			if slept := f.pacer.Slept(); slept < want {
				t.Errorf("pacer slept %v, want at least %v", slept, want)
			}
		})
	}
}

func TestSenderRetriesServerAndNetworkErrors(t *testing.T) {
	f := newSendFixture(t, SenderConfig{Workers: 2, MaxAttempts: 4})
	ids := f.enqueue(
		db.OutMessage{ChatID: 7, Text: "một"},
		db.OutMessage{ChatID: 7, Text: "hai"},
	)
	f.srv.FailNext("sendMessage", 1, 502)
	if got := f.mustDrain(); got != 0 {
		t.Fatalf("sent %d while Telegram failed, want 0", got)
	}
	first := f.row(ids[0])
	if first.Status != db.OutPending || first.Attempts != 1 || !first.NotBefore.Equal(sendDay.Add(10*time.Second)) || !strings.Contains(first.Error, "502") {
		t.Fatalf("after a 502: got %+v, want pending, 1 attempt, due in 10s", first)
	}
	if second := f.row(ids[1]); second.Status != db.OutPending || second.Attempts != 0 {
		t.Fatalf("the later message to the chat: got %s after %d attempts, want untouched", second.Status, second.Attempts)
	}

	// The retry comes due while the network is down: a longer backoff.
	f.advance(10 * time.Second)
	f.srv.SetDown(true)
	if got := f.mustDrain(); got != 0 {
		t.Fatalf("sent %d while down, want 0", got)
	}
	if m := f.row(ids[0]); m.Attempts != 2 || !m.NotBefore.Equal(sendDay.Add(30*time.Second)) {
		t.Fatalf("after a dropped connection: got %d attempts due %v, want 2 due in 20s more", m.Attempts, m.NotBefore)
	}
	f.srv.SetDown(false)
	f.advance(20 * time.Second)
	if got := f.mustDrain(); got != 2 {
		t.Fatalf("sent %d after recovery, want 2", got)
	}
	var got []string
	for _, s := range f.srv.SentMatching(telegramtest.ToChat(7)) {
		got = append(got, s.Text)
	}
	if !slices.Equal(got, []string{"một", "hai"}) {
		t.Errorf("order: got %q", got)
	}

	// Out of attempts, a message fails for good.
	last := f.enqueue(db.OutMessage{ChatID: 8, Text: "ba"})[0]
	f.srv.FailNext("sendMessage", 10, 500)
	for range 4 {
		f.mustDrain()
		f.advance(time.Hour)
	}
	if m := f.row(last); m.Status != db.OutFailed || m.Attempts != 4 {
		t.Errorf("after MaxAttempts: got %s after %d attempts, want failed after 4", m.Status, m.Attempts)
	}
	if st := f.sender.Stats(); st.Retries != 5 || st.Failures != 1 {
		t.Errorf("stats: got %+v, want 5 retries and 1 failure", st)
	}
}

func TestSenderFailsBadRequestAtOnce(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	ids := f.enqueue(
		db.OutMessage{ChatID: 5, Text: "Hạn <nop> báo cáo", ParseMode: "HTML"},
		db.OutMessage{ChatID: 5, Text: "Tin sau vẫn đi"},
	)
	if got := f.mustDrain(); got != 1 {
		t.Fatalf("sent %d, want 1", got)
	}
	bad := f.row(ids[0])
	if bad.Status != db.OutFailed || bad.Attempts != 1 || !strings.Contains(bad.Error, "can't parse entities") {
		t.Errorf("bad request: got %s after %d attempts, error %q", bad.Status, bad.Attempts, bad.Error)
	}
	if next := f.row(ids[1]); next.Status != db.OutSent {
		t.Errorf("the next message: got %s, want sent", next.Status)
	}
}

func TestSenderHoldsBlockedUser(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	var mu sync.Mutex
	var told [][2]int64
	cfg := SenderConfig{OnUnreachable: func(memberID, chatID int64, _ Refusal) {
		mu.Lock()
		told = append(told, [2]int64{memberID, chatID})
		mu.Unlock()
	}}
	f.sender = f.newSender(cfg)
	memberID := f.member(42)
	f.srv.Block(42)
	ids := f.enqueue(
		db.OutMessage{ChatID: 42, MemberID: memberID, Text: "nhắc 1"},
		db.OutMessage{ChatID: 42, MemberID: memberID, Text: "nhắc 2"},
		db.OutMessage{ChatID: 42, MemberID: memberID, Text: "nhắc 3"},
		db.OutMessage{ChatID: 43, Text: "người khác vẫn nhận"},
	)
	if got := f.mustDrain(); got != 1 {
		t.Fatalf("sent %d, want 1", got)
	}
	for _, id := range ids[:3] {
		if m := f.row(id); m.Status != db.OutFailed || !strings.Contains(m.Error, "blocked") {
			t.Errorf("outbox %d: got %s %q, want held", id, m.Status, m.Error)
		}
	}
	calls := 0
	for _, c := range f.api.log() {
		if c.chat == 42 {
			calls++
		}
	}
	if calls != 1 {
		t.Errorf("tried the blocked chat %d times, want 1", calls)
	}
	mem, err := f.store.Read(context.Background()).Member(memberID)
	if err != nil || mem.UnreachableAt.IsZero() {
		t.Errorf("member: got %+v %v, want unreachable", mem, err)
	}
	// Another message while still blocked: held too, but the Office is not
	// told again.
	f.enqueue(db.OutMessage{ChatID: 42, Text: "nhắc 4"})
	f.mustDrain()
	mu.Lock()
	if len(told) != 1 || told[0] != [2]int64{memberID, 42} {
		t.Errorf("OnUnreachable: got %v, want once with (%d, 42)", told, memberID)
	}
	mu.Unlock()

	// The member comes back: the held reminders stay held (stale by now).
	f.srv.Unblock(42)
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.SetUnreachable(42, db.Reachable)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f.mustDrain()
	if n := len(f.srv.SentMatching(telegramtest.ToChat(42))); n != 0 {
		t.Errorf("held messages were sent after the member came back: %d", n)
	}
}

func TestSenderFollowsMigratedGroup(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	const oldID, newID = -4001, -1004001
	f.srv.NewGroup(oldID, "Phòng Tổ chức")
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.BindChat(db.BoundChat{Kind: db.ChatGroup, ChatID: oldID, Title: "Phòng Tổ chức"})
	}); err != nil {
		t.Fatal(err)
	}
	f.srv.MigrateGroup(oldID, newID)
	ids := f.enqueue(
		db.OutMessage{ChatID: oldID, Text: "Thông báo 1", Purpose: "announce", RefID: 3},
		db.OutMessage{ChatID: oldID, Text: "Thông báo 2"},
	)
	if got := f.mustDrain(); got != 2 {
		t.Fatalf("sent %d, want 2", got)
	}
	var got []string
	for _, s := range f.srv.SentMatching(telegramtest.ToChat(newID)) {
		got = append(got, s.Text)
	}
	if !slices.Equal(got, []string{"Thông báo 1", "Thông báo 2"}) {
		t.Errorf("to the supergroup: got %q", got)
	}
	r := f.store.Read(context.Background())
	if c, err := r.Chat(db.ChatGroup); err != nil || c.ChatID != newID {
		t.Errorf("bound group: got %+v %v, want chat %d", c, err, newID)
	}
	for _, id := range ids {
		if m := f.row(id); m.ChatID != newID || m.Status != db.OutSent {
			t.Errorf("outbox %d: got chat %d %s", id, m.ChatID, m.Status)
		}
	}
	first := f.row(ids[0])
	if purpose, _, err := r.MessageRef(newID, first.MessageID); err != nil || purpose != "announce" {
		t.Errorf("message ref in the new chat: got %q %v", purpose, err)
	}
}

// sendVietnamese builds a text of about n characters in paragraphs, with
// precomposed and decomposed accents and an emoji (a surrogate pair in UTF-16).
func sendVietnamese(n int) string {
	words := []string{"Sở", "Nội", "vụ", "đề", "nghị", "các", "phòng", "ban", "đơn", "vị", "trực", "thuộc", "gửi",
		"báo", "cáo", "tổng", "kết", "công", "tác", "năm", "trước", "ngày", "quy", "định", "đúng", "hạn", "📎",
		"nghi\u0302\u0303", "Hu\u031bo\u031b\u0300ng"}
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < n; i++ {
		b.WriteString(words[(i*7)%len(words)])
		switch {
		case i%97 == 96:
			b.WriteString(".\n\n")
		case i%31 == 30:
			b.WriteString(".\n")
		default:
			b.WriteString(" ")
		}
	}
	return strings.TrimSpace(b.String())
}

// sendSameWords compares texts ignoring how whitespace was cut.
func sendSameWords(a, b string) bool { return slices.Equal(strings.Fields(a), strings.Fields(b)) }

func TestSenderSplitsLongVietnameseText(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	user := f.srv.NewUser(42, "Lan", "", "vi")
	asked := f.srv.InjectText(telegramtest.PrivateChat(user), user, "?")
	text := sendVietnamese(5000)
	keyboard := `{"inline_keyboard":[[{"text":"Đã đọc","callback_data":"read:1"}]]}`
	html := "<b>" + sendVietnamese(3000) + "</b>\n\n<i>" + sendVietnamese(3000) + "</i>"
	ids := f.enqueue(
		db.OutMessage{ChatID: 42, Text: text, Markup: keyboard, ReplyTo: asked.Message.ID, Purpose: "reminder", RefID: 9},
		db.OutMessage{ChatID: 42, Text: html, ParseMode: "HTML"},
	)
	if got := f.mustDrain(); got != 2 {
		t.Fatalf("sent %d, want 2", got)
	}
	sent := f.srv.Sent()
	if len(sent) < 4 {
		t.Fatalf("got %d messages, want at least 2 parts each", len(sent))
	}
	var parts []string
	var htmlParts []string
	for _, s := range sent {
		if n := sendUTF16Len(s.Text); n > sendTextLimit || !utf8.ValidString(s.Text) {
			t.Errorf("part of %d UTF-16 units (valid UTF-8: %v)", n, utf8.ValidString(s.Text))
		}
		if r, _ := utf8.DecodeRuneInString(s.Text); unicode.Is(unicode.Mn, r) {
			t.Errorf("a part starts with a combining accent: %q", s.Text[:10])
		}
		if s.ParseMode == "HTML" {
			htmlParts = append(htmlParts, s.Text)
		} else {
			parts = append(parts, s.Text)
		}
	}
	if !sendSameWords(strings.Join(parts, " "), text) {
		t.Errorf("the parts do not add up to the text")
	}
	if first := sent[0]; first.ReplyToMessageID != asked.Message.ID || first.Buttons != nil {
		t.Errorf("first part: reply %d, buttons %v; want the reply and no keyboard", first.ReplyToMessageID, first.Buttons)
	}
	lastPart := sent[len(parts)-1]
	if lastPart.ReplyToMessageID != 0 || len(lastPart.Buttons) != 1 {
		t.Errorf("last part: reply %d, buttons %v; want no reply and the keyboard", lastPart.ReplyToMessageID, lastPart.Buttons)
	}
	if m := f.row(ids[0]); m.Status != db.OutSent || m.MessageID != lastPart.MessageID {
		t.Errorf("row: got %s message %d, want sent as %d", m.Status, m.MessageID, lastPart.MessageID)
	}
	for _, p := range sent[:len(parts)] {
		if purpose, _, err := f.store.Read(context.Background()).MessageRef(42, p.MessageID); err != nil || purpose != "reminder" {
			t.Errorf("part %d not remembered: %q %v", p.MessageID, purpose, err)
		}
	}
	// The fake parses each HTML part, so a tag cut in two would have failed.
	plain := strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "")
	if !sendSameWords(plain.Replace(strings.Join(htmlParts, " ")), plain.Replace(html)) {
		t.Errorf("the HTML parts do not add up to the text")
	}
}

func TestSenderSendsLongCaptionAfterTheFile(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("pdf"), 0o600); err != nil {
		t.Fatal(err)
	}
	caption := sendVietnamese(1500)
	f.enqueue(db.OutMessage{ChatID: 42, Kind: db.KindDocument, FilePath: path, FileName: "kế hoạch.pdf", Text: caption,
		Markup: `{"inline_keyboard":[[{"text":"Xem","callback_data":"v"}]]}`})
	f.mustDrain()
	sent := f.srv.Sent()
	if len(sent) != 2 || sent[0].Method != "sendDocument" || sent[1].Method != "sendMessage" {
		t.Fatalf("got %+v, want the document then a message", sent)
	}
	if n := sendUTF16Len(sent[0].Caption); n > sendCaptionLimit || !strings.HasSuffix(sent[0].Caption, "…") {
		t.Errorf("caption of %d units %q…, want at most %d ending in an ellipsis", n, sent[0].Caption[:20], sendCaptionLimit)
	}
	if sent[1].Text != caption || len(sent[1].Buttons) != 1 || sent[0].Buttons != nil {
		t.Errorf("follow-up: want the full text with the keyboard")
	}
}

func TestSendSplit(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		limit int
		html  bool
	}{
		{"vietnamese", sendVietnamese(5000), sendTextLimit, false},
		{"emoji only", strings.Repeat("😀", 3000), sendTextLimit, false},
		{"decomposed accents, no spaces", strings.Repeat("e\u0302\u0301", 900), 100, false},
		{"one long word", strings.Repeat("đ", 300), 64, false},
		{"html tags and entities", strings.Repeat(`<a href="https://t.me/x">Hồ sơ</a> &amp; <b>bìa</b> `, 40), 100, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rest := c.text
			var parts []string
			for rest != "" {
				var head string
				head, rest = sendSplit(rest, c.limit, c.html)
				if n := sendUTF16Len(head); n > c.limit || n == 0 {
					t.Fatalf("part of %d units, limit %d", n, c.limit)
				}
				if !utf8.ValidString(head) {
					t.Fatalf("part is not valid UTF-8: %q", head)
				}
				if r, _ := utf8.DecodeRuneInString(rest); unicode.Is(unicode.Mn, r) {
					t.Fatalf("cut before a combining accent")
				}
				if c.html {
					if _, err := sendCheckHTML(head); err != nil {
						t.Fatalf("part does not parse: %v: %q", err, head)
					}
				}
				parts = append(parts, head)
				if len(parts) > 1000 {
					t.Fatal("no progress")
				}
			}
			if !c.html && strings.Join(parts, "") != strings.Join(strings.Fields(c.text), "") && !sendSameWords(strings.Join(parts, " "), c.text) {
				t.Errorf("parts do not add up to the text")
			}
		})
	}
}

// sendCheckHTML checks that tags balance, as Telegram's parser does.
func sendCheckHTML(s string) (int, error) {
	var open []string
	for _, t := range sendTagsIn(s) {
		if name, ok := strings.CutPrefix(t, "/"); ok {
			if len(open) == 0 || open[len(open)-1] != name {
				return 0, fmt.Errorf("unmatched </%s>", name)
			}
			open = open[:len(open)-1]
			continue
		}
		open = append(open, t)
	}
	if len(open) > 0 {
		return 0, fmt.Errorf("unclosed %v", open)
	}
	return len(s), nil
}

func sendTagsIn(s string) []string {
	var tags []string
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return tags
		}
		j := strings.IndexByte(s[i:], '>')
		name, _, _ := strings.Cut(s[i+1:i+j], " ")
		tags = append(tags, name)
		s = s[i+j+1:]
	}
}

// TestSenderCrashBetweenSendAndMark stops the sender right after Telegram
// accepted a message, before the outbox records it, then starts a new one
// on the same database: only that message goes twice.
func TestSenderCrashBetweenSendAndMark(t *testing.T) {
	f := newSendFixture(t, SenderConfig{Workers: 1})
	var ms []db.OutMessage
	for c := int64(1); c <= 6; c++ {
		ms = append(ms, db.OutMessage{ChatID: c, Text: fmt.Sprintf("nhắc %d", c)})
	}
	f.enqueue(ms...)
	accepted := 0
	f.sender.crashAfterAccept = func(db.OutMessage) bool {
		accepted++
		return accepted == 3
	}
	if _, err := f.drain(f.sender); !errors.Is(err, errSendCrashed) {
		t.Fatalf("drain: got %v, want the simulated crash", err)
	}
	restarted := f.newSender(SenderConfig{Workers: 1})
	if _, err := f.drain(restarted); err != nil {
		t.Fatal(err)
	}
	count := map[int64]int{}
	for _, s := range f.srv.Sent() {
		count[s.ChatID]++
	}
	dups := 0
	for c := int64(1); c <= 6; c++ {
		switch n := count[c]; {
		case n == 0:
			t.Errorf("chat %d got nothing", c)
		case n > 1:
			dups += n - 1
		}
	}
	if dups != 1 || count[3] != 2 {
		t.Errorf("duplicates: got %d (%v), want exactly the one in flight (chat 3)", dups, count)
	}
}

// TestSenderRunWakesOnKick runs the loop under a FakePacer: it idles
// without spinning the virtual clock, wakes on a Kick, and notices messages
// that came due because the business clock moved.
func TestSenderRunWakesOnKick(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.sender.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	for i := range 3 {
		f.enqueue(db.OutMessage{ChatID: 42, Text: fmt.Sprintf("tin %d", i)})
		f.sender.Kick()
		wait, stop := telegramtest.Within(slowWait)
		_, err := f.srv.WaitCount(wait, i+1, telegramtest.ToChat(42))
		stop()
		if err != nil {
			t.Fatalf("message %d not sent after a kick: %v", i, err)
		}
	}
	if slept := f.pacer.Slept(); slept > 5*time.Second {
		t.Errorf("the idle loop moved the virtual clock by %v", slept)
	}
	// A message that comes due when the business clock moves goes without
	// a Kick.
	f.enqueue(db.OutMessage{ChatID: 42, Text: "sau một giờ", NotBefore: f.clock().Add(time.Hour)})
	f.advance(time.Hour)
	wait, stop := telegramtest.Within(slowWait)
	defer stop()
	if _, err := f.srv.WaitCount(wait, 4, telegramtest.ToChat(42)); err != nil {
		t.Fatalf("a message due after the clock moved was not sent: %v", err)
	}
}

func sendTestLogOut() io.Writer {
	if os.Getenv("REPORTBOT_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
