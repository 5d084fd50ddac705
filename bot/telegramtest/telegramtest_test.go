package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// wait bounds every wait in these tests; nothing here should come close to
// it, and it is reached only when a test fails, so it is generous for a
// machine whose cores are busy with other work.
const wait = 60 * time.Second

func newServer(t *testing.T, opts ...telegramtest.Option) *telegramtest.Server {
	t.Helper()
	srv := telegramtest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func newBot(t *testing.T, srv *telegramtest.Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(srv.URL()), bot.WithSkipGetMe()}, opts...)
	b, err := bot.New(srv.Token(), opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	t.Cleanup(cancel)
	return ctx
}

// startBot runs the real long-polling loop and hands every update to the channel.
func startBot(t *testing.T, srv *telegramtest.Server) (*bot.Bot, <-chan *models.Update) {
	t.Helper()
	updates := make(chan *models.Update, 16)
	b := newBot(t, srv, bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) {
		updates <- u
	}))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		b.Start(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-stopped
	})
	return b, updates
}

func receive(t *testing.T, updates <-chan *models.Update) *models.Update {
	t.Helper()
	select {
	case u := <-updates:
		return u
	case <-time.After(wait):
		t.Fatal("no update within deadline")
		return nil
	}
}

func TestGetMeAndToken(t *testing.T) {
	srv := newServer(t)
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL())) // real getMe
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	me, err := b.GetMe(deadline(t))
	if err != nil {
		t.Fatalf("GetMe: %v", err)
	}
	if got, want := me.Username, srv.BotUser().Username; got != want || !me.IsBot {
		t.Errorf("username = %q (bot %v), want %q", got, me.IsBot, want)
	}

	_, err = bot.New("999:wrong", bot.WithServerURL(srv.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("wrong token: err = %v, want ErrorUnauthorized", err)
	}
}

func TestUnknownMethodAndBodyEncodings(t *testing.T) {
	srv := newServer(t)
	srv.NewUser(42, "Lan", "", "vi")
	base := srv.URL() + "/bot" + srv.Token() + "/"

	resp, err := http.Post(base+"noSuchMethod", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		OK        bool `json:"ok"`
		ErrorCode int  `json:"error_code"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 404 || body.OK || body.ErrorCode != 404 {
		t.Errorf("unknown method: status %d, body %+v; want 404", resp.StatusCode, body)
	}

	resp, err = http.Post(base+"sendMessage", "application/json",
		strings.NewReader(`{"chat_id":42,"text":"json body","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.PostForm(base+"sendMessage", url.Values{"chat_id": {"42"}, "text": {"form body"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	sent := srv.Sent()
	if len(sent) != 2 || sent[0].Text != "json body" || sent[1].Text != "form body" {
		t.Fatalf("sent = %+v", sent)
	}
	if got := sent[0].Buttons; len(got) != 1 || got[0][0].CallbackData != "a" {
		t.Errorf("json buttons = %+v", got)
	}
}

func TestLongPollWakesOnInjection(t *testing.T) {
	srv := newServer(t)
	_, updates := startBot(t, srv)
	// The first getUpdates confirms offset 1: the bot is now polling.
	if err := srv.WaitConfirmed(deadline(t), 1); err != nil {
		t.Fatalf("bot never polled: %v", err)
	}

	user := srv.NewUser(42, "Lan", "lan", "vi")
	start := time.Now()
	injected := srv.InjectText(telegramtest.PrivateChat(user), user, "/start hello")
	u := receive(t, updates)
	// The client asks for a 59 s long poll; an answer well under that means
	// the poll woke on the injection.
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("update took %v to arrive", took)
	}
	if u.ID != injected.ID || u.Message.Text != "/start hello" || u.Message.From.LanguageCode != "vi" {
		t.Errorf("got update %+v, want %+v", u, injected)
	}
	if e := u.Message.Entities; len(e) != 1 || e[0].Type != models.MessageEntityTypeBotCommand || e[0].Length != 6 {
		t.Errorf("entities = %+v, want one bot_command of length 6", e)
	}
	// The library confirms with its next poll.
	if err := srv.WaitConfirmed(deadline(t), injected.ID+1); err != nil {
		t.Fatalf("offset never moved past the update: %v", err)
	}
	if n := srv.PendingUpdates(); n != 0 {
		t.Errorf("pending = %d after confirmation", n)
	}
}

func TestSendMessageWithKeyboardAndReply(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	user := srv.NewUser(42, "Lan", "lan", "vi")
	in := srv.InjectText(telegramtest.PrivateChat(user), user, "nộp báo cáo")

	msg, err := b.SendMessage(deadline(t), &bot.SendMessageParams{
		ChatID:          user.ID,
		Text:            "<b>Chọn</b> kỳ báo cáo",
		ParseMode:       models.ParseModeHTML,
		ReplyParameters: &models.ReplyParameters{MessageID: in.Message.ID},
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Quý 1", CallbackData: "period:q1"}, {Text: "Quý 2", CallbackData: "period:q2"}},
		}},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if msg.ID != in.Message.ID+1 || msg.Chat.ID != 42 || msg.From.ID != srv.BotUser().ID {
		t.Errorf("message id %d chat %d from %d", msg.ID, msg.Chat.ID, msg.From.ID)
	}
	if msg.Text != "Chọn kỳ báo cáo" {
		t.Errorf("message text = %q, want markup stripped", msg.Text)
	}
	if msg.ReplyToMessage == nil || msg.ReplyToMessage.Text != "nộp báo cáo" {
		t.Errorf("reply_to_message = %+v", msg.ReplyToMessage)
	}
	if msg.ReplyMarkup == nil || msg.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "period:q2" {
		t.Errorf("reply_markup = %+v", msg.ReplyMarkup)
	}

	sent, err := srv.WaitSent(deadline(t), telegramtest.All(telegramtest.ToChat(42), telegramtest.ByMethod("sendMessage")))
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "<b>Chọn</b> kỳ báo cáo" || sent.ParseMode != "HTML" || sent.ReplyToMessageID != in.Message.ID || sent.MessageID != msg.ID {
		t.Errorf("sent = %+v", sent)
	}
	if got := sent.Buttons; len(got) != 1 || len(got[0]) != 2 || got[0][0].Text != "Quý 1" || got[0][0].CallbackData != "period:q1" {
		t.Errorf("buttons = %+v", got)
	}

	_, err = b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: 42, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 999}})
	if err == nil || !strings.Contains(err.Error(), "message to be replied not found") {
		t.Errorf("reply to unknown message: err = %v", err)
	}
}

func TestSendDocumentAndPhoto(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	srv.NewGroup(-4001, "Văn phòng Sở")
	srv.NewUser(42, "Lan", "", "vi")
	data := []byte("Đơn vị,Số liệu\nA,1\n")

	msg, err := b.SendDocument(deadline(t), &bot.SendDocumentParams{
		ChatID:   -4001,
		Document: &models.InputFileUpload{Filename: "bao-cao.csv", Data: bytes.NewReader(data)},
		Caption:  "Báo cáo quý 1",
	})
	if err != nil {
		t.Fatalf("SendDocument: %v", err)
	}
	if msg.Document == nil || msg.Document.FileName != "bao-cao.csv" || msg.Document.FileSize != int64(len(data)) || msg.Chat.Type != models.ChatTypeGroup {
		t.Fatalf("document message = %+v", msg)
	}
	sent, err := srv.WaitSent(deadline(t), telegramtest.ByMethod("sendDocument"))
	if err != nil {
		t.Fatal(err)
	}
	if sent.File == nil || !bytes.Equal(sent.File.Data, data) || sent.File.Name != "bao-cao.csv" || sent.Caption != "Báo cáo quý 1" {
		t.Errorf("sent = %+v", sent)
	}

	// Re-sending by file_id reuses the stored bytes.
	if _, err := b.SendDocument(deadline(t), &bot.SendDocumentParams{ChatID: 42, Document: &models.InputFileString{Data: msg.Document.FileID}}); err != nil {
		t.Fatalf("SendDocument by file_id: %v", err)
	}
	again, _ := srv.WaitCount(deadline(t), 2, telegramtest.ByMethod("sendDocument"))
	if !bytes.Equal(again[1].File.Data, data) {
		t.Errorf("re-sent data = %q", again[1].File.Data)
	}
	_, err = b.SendDocument(deadline(t), &bot.SendDocumentParams{ChatID: 42, Document: &models.InputFileString{Data: "nope"}})
	if !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("unknown file_id: err = %v", err)
	}

	chart := pngOf(t, 40, 30)
	photo, err := b.SendPhoto(deadline(t), &bot.SendPhotoParams{ChatID: 42, Photo: &models.InputFileUpload{Filename: "chart.png", Data: bytes.NewReader(chart)}})
	if err != nil {
		t.Fatalf("SendPhoto: %v", err)
	}
	if len(photo.Photo) != 3 || photo.Photo[2].FileSize != len(chart) {
		t.Errorf("photo sizes = %+v", photo.Photo)
	}
}

// pngOf is a blank PNG of w×h pixels.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetFileAndDownload(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	user := srv.NewUser(42, "Lan", "", "")
	data := bytes.Repeat([]byte("báo cáo "), 1000)
	up := srv.InjectDocument(telegramtest.PrivateChat(user), user, telegramtest.Upload{Name: "q1.xlsx", Data: data, Caption: "Q1"})
	if up.Message.Document.MimeType == "" {
		t.Errorf("mime type not guessed from name")
	}

	f, err := b.GetFile(deadline(t), &bot.GetFileParams{FileID: up.Message.Document.FileID})
	if err != nil {
		t.Fatalf("GetFile: %v", err)
	}
	got := download(t, b.FileDownloadLink(f))
	if !bytes.Equal(got, data) {
		t.Errorf("downloaded %d bytes, want %d", len(got), len(data))
	}

	if _, err := b.GetFile(deadline(t), &bot.GetFileParams{FileID: "unknown"}); err == nil || !strings.Contains(err.Error(), "invalid file_id") {
		t.Errorf("unknown file: err = %v", err)
	}

	// Download faults: an error status, then a body cut short.
	srv.AddDownloadFault(telegramtest.DownloadFault{Times: 1, Status: http.StatusBadGateway})
	srv.AddDownloadFault(telegramtest.DownloadFault{Times: 1, TruncateAfter: 100})
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("faulted download status = %d", resp.StatusCode)
	}
	resp, err = http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || len(body) != 100 {
		t.Errorf("truncated download: %d bytes, err %v; want 100 bytes and an error", len(body), err)
	}
	if got := download(t, b.FileDownloadLink(f)); !bytes.Equal(got, data) {
		t.Errorf("download after faults differs")
	}
}

func download(t *testing.T, link string) []byte {
	t.Helper()
	req, _ := http.NewRequestWithContext(deadline(t), http.MethodGet, link, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: status %d, err %v", resp.StatusCode, err)
	}
	return body
}

func TestCallbackQuery(t *testing.T) {
	srv := newServer(t)
	b, updates := startBot(t, srv)
	user := srv.NewUser(42, "Lan", "lan", "vi")
	msg, err := b.SendMessage(deadline(t), &bot.SendMessageParams{
		ChatID: user.ID, Text: "Xác nhận?",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Có", CallbackData: "yes"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}

	srv.InjectCallback(user, user.ID, msg.ID, "forged:data")
	u := receive(t, updates)
	q := u.CallbackQuery
	if q == nil || q.Data != "forged:data" || q.From.ID != 42 || q.Message.Message == nil || q.Message.Message.ID != msg.ID {
		t.Fatalf("callback update = %+v", u)
	}
	if got := q.Message.Message.ReplyMarkup; got == nil || got.InlineKeyboard[0][0].CallbackData != "yes" {
		t.Errorf("callback message keyboard = %+v", got)
	}
	ok, err := b.AnswerCallbackQuery(deadline(t), &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "Đã ghi nhận"})
	if err != nil || !ok {
		t.Fatalf("AnswerCallbackQuery: %v", err)
	}
	ans, err := srv.WaitSent(deadline(t), telegramtest.ByMethod("answerCallbackQuery"))
	if err != nil || ans.CallbackQueryID != q.ID || ans.Text != "Đã ghi nhận" {
		t.Errorf("answer = %+v, %v", ans, err)
	}
	if _, err := b.AnswerCallbackQuery(deadline(t), &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("second answer: err = %v, want bad request", err)
	}

	// Editing the keyboard away, then a press on a deleted message.
	if _, err := b.EditMessageText(deadline(t), &bot.EditMessageTextParams{ChatID: user.ID, MessageID: msg.ID, Text: "Đã xác nhận"}); err != nil {
		t.Fatalf("EditMessageText: %v", err)
	}
	if m, _ := srv.Message(user.ID, msg.ID); m.Text != "Đã xác nhận" || m.ReplyMarkup != nil || m.EditDate == 0 {
		t.Errorf("edited message = %+v", m)
	}
	if _, err := b.EditMessageText(deadline(t), &bot.EditMessageTextParams{ChatID: user.ID, MessageID: msg.ID, Text: "Đã xác nhận"}); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("no-op edit: err = %v", err)
	}
	if ok, err := b.DeleteMessage(deadline(t), &bot.DeleteMessageParams{ChatID: user.ID, MessageID: msg.ID}); err != nil || !ok {
		t.Fatalf("DeleteMessage: %v", err)
	}
	srv.InjectCallback(user, user.ID, msg.ID, "yes")
	if u := receive(t, updates); u.CallbackQuery.Message.InaccessibleMessage == nil {
		t.Errorf("press on deleted message should be inaccessible: %+v", u.CallbackQuery.Message)
	}
}

func TestBlockedUser(t *testing.T) {
	srv := newServer(t)
	b, updates := startBot(t, srv)
	user := srv.NewUser(42, "Lan", "lan", "vi")

	srv.InjectBlockedBy(user)
	u := receive(t, updates)
	if u.MyChatMember == nil || u.MyChatMember.NewChatMember.Type != models.ChatMemberTypeBanned {
		t.Fatalf("my_chat_member update = %+v", u)
	}
	_, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: user.ID, Text: "nhắc hạn"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Errorf("send to blocked user: err = %v", err)
	}
	srv.Unblock(user.ID)
	if _, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: user.ID, Text: "nhắc hạn"}); err != nil {
		t.Errorf("send after Unblock: %v", err)
	}
}

func TestRateLimits(t *testing.T) {
	srv := newServer(t, telegramtest.WithLimits(telegramtest.Limits{PerChat: 1}))
	b := newBot(t, srv)
	for id := int64(42); id <= 44; id++ {
		srv.NewUser(id, "Lan", "", "vi")
	}
	send := func(chat int64) error {
		_, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: chat, Text: "x"})
		return err
	}
	if err := send(42); err != nil {
		t.Fatal(err)
	}
	// The second send to the same chat within a second is refused.
	err := send(42)
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter < 1 {
		t.Fatalf("err = %v, want TooManyRequestsError with retry_after >= 1", err)
	}
	if err := send(43); err != nil {
		t.Errorf("another chat is not limited: %v", err)
	}
	if got, want := srv.Stats(), (telegramtest.SendStats{Accepted: 2, TooManyRequests: 1, Violations: 1}); got != want {
		t.Errorf("stats = %+v, want %+v", got, want)
	}
	if got := srv.ChatStats(42); got.TooManyRequests != 1 || got.Accepted != 1 {
		t.Errorf("chat stats = %+v", got)
	}

	// ObserveOnly accepts but counts the violation.
	srv.SetLimits(telegramtest.Limits{PerChat: 1, ObserveOnly: true})
	if err := send(42); err != nil {
		t.Errorf("observe-only send: %v", err)
	}
	if got := srv.Stats(); got.Violations != 2 || got.Accepted != 3 {
		t.Errorf("observe-only stats = %+v", got)
	}
	if n := len(srv.AcceptedTimes()); n != 3 {
		t.Errorf("accepted times = %d, want 3", n)
	}

	// An injected 429 regardless of limits.
	srv.SetLimits(telegramtest.Limits{})
	srv.FailNextWith429("sendMessage", 1, 7)
	if err := send(44); !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Errorf("injected 429: err = %v", err)
	}
	if err := send(44); err != nil {
		t.Errorf("after injected 429: %v", err)
	}
}

func TestMigratedGroup(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	srv.NewGroup(-4001, "Phòng Kế hoạch")
	srv.MigrateGroup(-4001, -1001234567890)

	_, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: -4001, Text: "x"})
	var migrate *bot.MigrateError
	if !errors.As(err, &migrate) || migrate.MigrateToChatID != -1001234567890 {
		t.Fatalf("err = %v, want MigrateError to -1001234567890", err)
	}
	msg, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: -1001234567890, Text: "x"})
	if err != nil || msg.Chat.Type != models.ChatTypeSupergroup {
		t.Errorf("send to new id: %+v, %v", msg, err)
	}
}

func TestFaults(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	srv.NewUser(42, "Lan", "", "vi")
	send := func(ctx context.Context) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "x"})
		return err
	}

	srv.FailNext("sendMessage", 1, http.StatusBadGateway)
	if err := send(deadline(t)); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("5xx fault: err = %v", err)
	}
	if err := send(deadline(t)); err != nil {
		t.Errorf("after fault: %v", err)
	}

	srv.SetDown(true)
	if err := send(deadline(t)); err == nil {
		t.Error("send while down succeeded")
	}
	srv.SetDown(false)
	if err := send(deadline(t)); err != nil {
		t.Errorf("send after up: %v", err)
	}

	srv.HangNext("", 1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := send(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hung call: err = %v, want deadline exceeded", err)
	}
	if got := len(srv.SentMatching(telegramtest.ByMethod("sendMessage"))); got != 2 {
		t.Errorf("recorded %d sends, want 2 (faulted calls are not recorded)", got)
	}
}

func TestTextValidation(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	srv.NewUser(42, "Lan", "", "vi")
	send := func(text string, mode models.ParseMode) error {
		_, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: 42, Text: text, ParseMode: mode})
		return err
	}
	cases := []struct {
		name, text string
		mode       models.ParseMode
		wantErr    string
	}{
		{"limit", strings.Repeat("ă", 4096), "", ""},
		{"too long", strings.Repeat("ă", 4097), "", "message is too long"},
		{"emoji count two", strings.Repeat("😀", 2049), "", "message is too long"},
		{"markup not counted", "<b>" + strings.Repeat("a", 4096) + "</b>", models.ParseModeHTML, ""},
		{"empty", "", "", "message text is empty"},
		{"bad tag", "a <br> b", models.ParseModeHTML, "Unsupported start tag"},
		{"unclosed", "<b>a", models.ParseModeHTML, "Can't find end tag"},
		{"escaped", "a &lt; b", models.ParseModeHTML, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := send(c.text, c.mode)
			if c.wantErr == "" && err != nil {
				t.Errorf("err = %v, want none", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Errorf("err = %v, want %q", err, c.wantErr)
			}
		})
	}

	_, err := b.SendDocument(deadline(t), &bot.SendDocumentParams{
		ChatID: 42, Caption: strings.Repeat("a", 1025),
		Document: &models.InputFileUpload{Filename: "a.txt", Data: strings.NewReader("a")},
	})
	if err == nil || !strings.Contains(err.Error(), "message caption is too long") {
		t.Errorf("long caption: err = %v", err)
	}
}

func TestCommandsActionsAndPins(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	srv.NewUser(42, "Lan", "", "vi")
	_, err := b.SetMyCommands(deadline(t), &bot.SetMyCommandsParams{
		Commands:     []models.BotCommand{{Command: "nop", Description: "Nộp báo cáo"}},
		Scope:        &models.BotCommandScopeChat{ChatID: -4001},
		LanguageCode: "vi",
	})
	if err != nil {
		t.Fatal(err)
	}
	cmds := srv.Commands()
	if len(cmds) != 1 || cmds[0].Commands[0].Command != "nop" || cmds[0].Scope.Type != "chat" || cmds[0].Scope.ChatID != -4001 || cmds[0].LanguageCode != "vi" {
		t.Errorf("commands = %+v", cmds)
	}

	forum := srv.NewSupergroup(-1009876543210, "Các đơn vị", true)
	srv.CreateTopic(forum.ID, 7)
	msg, err := b.SendMessage(deadline(t), &bot.SendMessageParams{ChatID: forum.ID, MessageThreadID: 7, Text: "Hạn nộp"})
	if err != nil || msg.MessageThreadID != 7 || !msg.IsTopicMessage {
		t.Fatalf("forum send: %+v, %v", msg, err)
	}
	if _, err := b.PinChatMessage(deadline(t), &bot.PinChatMessageParams{ChatID: forum.ID, MessageID: msg.ID}); err != nil {
		t.Fatal(err)
	}
	if got := srv.PinnedMessageID(forum.ID); got != msg.ID {
		t.Errorf("pinned = %d, want %d", got, msg.ID)
	}
	if _, err := b.SendChatAction(deadline(t), &bot.SendChatActionParams{ChatID: forum.ID, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	act, err := srv.WaitSent(deadline(t), telegramtest.ByMethod("sendChatAction"))
	if err != nil || act.Action != "typing" {
		t.Errorf("chat action = %+v, %v", act, err)
	}
	id, err := b.CopyMessage(deadline(t), &bot.CopyMessageParams{ChatID: 42, FromChatID: forum.ID, MessageID: msg.ID})
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := srv.Message(42, id.ID); !ok || m.Text != "Hạn nộp" {
		t.Errorf("copied message = %+v", m)
	}
}

// hookURL is the webhook URL tests register: HTTPS on a port Telegram
// allows; WebhookClientFor routes it to the test's own TLS server.
const hookURL = "https://bot.example.gov.vn:8443/telegram"

// newHook starts a TLS webhook receiver and a fake server delivering to it.
func newHook(t *testing.T, h http.HandlerFunc, opts ...telegramtest.Option) *telegramtest.Server {
	t.Helper()
	hook := httptest.NewTLSServer(h)
	t.Cleanup(hook.Close)
	tlsConf := hook.Client().Transport.(*http.Transport).TLSClientConfig
	opts = append(opts, telegramtest.WithWebhookClient(telegramtest.WebhookClientFor(hook.Listener.Addr().String(), tlsConf)))
	return newServer(t, opts...)
}

func TestWebhookDelivery(t *testing.T) {
	type hit struct {
		secret string
		update models.Update
	}
	hits := make(chan hit, 8)
	var calls atomic.Int32
	srv := newHook(t, func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		hits <- hit{r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), u}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError) // Telegram retries the first failure at once
		}
	})
	b := newBot(t, srv)

	if _, err := b.SetWebhook(deadline(t), &bot.SetWebhookParams{URL: hookURL, SecretToken: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	user := srv.NewUser(42, "Lan", "", "")
	in := srv.InjectText(telegramtest.PrivateChat(user), user, "xin chào")
	for attempt := 1; attempt <= 2; attempt++ {
		select {
		case h := <-hits:
			if h.secret != "s3cret" || h.update.ID != in.ID || h.update.Message.Text != "xin chào" {
				t.Errorf("attempt %d: %+v", attempt, h)
			}
		case <-time.After(wait):
			t.Fatalf("attempt %d never arrived", attempt)
		}
	}
	if err := srv.WaitConfirmed(deadline(t), in.ID+1); err != nil {
		t.Fatal(err)
	}
	if d := srv.Deliveries(); len(d) != 2 || d[0].OK() || !d[1].OK() {
		t.Errorf("deliveries = %+v", d)
	}

	// getUpdates while a webhook is set is a conflict, as in Telegram.
	resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/getUpdates", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("getUpdates with webhook: status %d, want 409", resp.StatusCode)
	}
	info, err := b.GetWebhookInfo(deadline(t))
	if err != nil || info.URL != hookURL || info.LastErrorMessage == "" {
		t.Errorf("webhook info = %+v, %v", info, err)
	}
}

func TestClosedServerEndsWaits(t *testing.T) {
	srv := telegramtest.New()
	done := make(chan error, 1)
	go func() {
		_, err := srv.WaitSent(context.Background(), func(telegramtest.Sent) bool { return false })
		done <- err
	}()
	srv.Close()
	select {
	case err := <-done:
		if !errors.Is(err, telegramtest.ErrClosed) {
			t.Errorf("err = %v, want ErrClosed", err)
		}
	case <-time.After(wait):
		t.Fatal("WaitSent did not end on Close")
	}
}
