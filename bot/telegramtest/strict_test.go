package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/clock"
)

// answer is a Bot API answer as the wire carries it.
type answer struct {
	Status      int
	OK          bool            `json:"ok"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Result      json.RawMessage `json:"result"`
}

// call makes one API call with form values and, if file is set, a file part
// named field, and returns the decoded answer.
func call(t *testing.T, srv *telegramtest.Server, method string, values map[string]string, field string, file []byte) answer {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range values {
		_ = w.WriteField(k, v)
	}
	if file != nil {
		part, _ := w.CreateFormFile(field, "f.png")
		_, _ = part.Write(file)
	}
	_ = w.Close()
	resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/"+method, w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("%s: decode answer: %v", method, err)
	}
	a.Status = resp.StatusCode
	return a
}

// refused checks that a refused with Telegram's code and description.
func refused(t *testing.T, what string, a answer, code int, description string) {
	t.Helper()
	if a.OK || a.Status != code || a.ErrorCode != code || a.Description != description {
		t.Errorf("%s: got %d %q (ok=%v), want %d %q", what, a.ErrorCode, a.Description, a.OK, code, description)
	}
}

func accepted(t *testing.T, what string, a answer) {
	t.Helper()
	if !a.OK {
		t.Errorf("%s: refused with %d %q", what, a.ErrorCode, a.Description)
	}
}

func TestStrictInlineKeyboards(t *testing.T) {
	srv := newServer(t)
	srv.NewUser(42, "Lan", "", "vi")
	send := func(markup string) answer {
		return call(t, srv, "sendMessage", map[string]string{"chat_id": "42", "text": "x", "reply_markup": markup}, "", nil)
	}
	const rows = `Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`
	refused(t, "empty row as null", send(`{"inline_keyboard":[null,[{"text":"A","callback_data":"a"}]]}`), 400, rows)
	refused(t, "row not an array", send(`{"inline_keyboard":[{"text":"A","callback_data":"a"}]}`), 400, rows)
	refused(t, "label-only button", send(`{"inline_keyboard":[[{"text":"A"}]]}`), 400,
		"Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	refused(t, "callback data over 64 bytes", send(`{"inline_keyboard":[[{"text":"A","callback_data":"`+strings.Repeat("x", 65)+`"}]]}`), 400, "Bad Request: BUTTON_DATA_INVALID")
	accepted(t, "url button", send(`{"inline_keyboard":[[{"text":"A","url":"https://t.me/x"}]]}`))
	accepted(t, "empty keyboard", send(`{"inline_keyboard":[]}`))
	accepted(t, "reply keyboard", send(`{"keyboard":[[{"text":"A"}]]}`))
}

func TestStrictPhotoAndDocumentLimits(t *testing.T) {
	srv := newServer(t)
	srv.NewUser(42, "Lan", "", "vi")
	photo := func(data []byte) answer {
		return call(t, srv, "sendPhoto", map[string]string{"chat_id": "42"}, "photo", data)
	}
	accepted(t, "a page of the status picture", photo(pngOf(t, 2400, 2200)))
	refused(t, "width + height over 10,000", photo(pngOf(t, 400, 9700)), 400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
	refused(t, "ratio over 20", photo(pngOf(t, 100, 2100)), 400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
	refused(t, "not an image", photo([]byte("not a picture")), 400, "Bad Request: IMAGE_PROCESS_FAILED")
	refused(t, "photo over 10 MB", photo(make([]byte, 10<<20+1)), 400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
	big := call(t, srv, "sendDocument", map[string]string{"chat_id": "42"}, "document", make([]byte, 50<<20+1))
	refused(t, "document over 50 MB", big, 413, "Request Entity Too Large")
}

func TestStrictThreadsAndChats(t *testing.T) {
	srv := newServer(t)
	srv.NewUser(42, "Lan", "", "vi")
	forum := srv.NewSupergroup(-1001, "Sở Nội vụ", true)
	group := srv.NewGroup(-5, "Văn phòng Sở")
	srv.CreateTopic(forum.ID, 77)
	send := func(chat int64, thread int) answer {
		return call(t, srv, "sendMessage", map[string]string{
			"chat_id": fmt.Sprint(chat), "message_thread_id": fmt.Sprint(thread), "text": "x",
		}, "", nil)
	}
	const noThread = "Bad Request: message thread not found"
	accepted(t, "open topic", send(forum.ID, 77))
	refused(t, "unknown topic", send(forum.ID, 78), 400, noThread)
	refused(t, "General topic by id", send(forum.ID, 1), 400, noThread)
	refused(t, "thread in a private chat", send(42, 77), 400, noThread)
	srv.DeleteTopic(forum.ID, 77)
	refused(t, "deleted topic", send(forum.ID, 77), 400, noThread)
	a := send(group.ID, 77)
	accepted(t, "thread in an ordinary group is ignored", a)
	var m models.Message
	if json.Unmarshal(a.Result, &m); m.MessageThreadID != 0 {
		t.Errorf("ordinary group message has thread %d", m.MessageThreadID)
	}

	refused(t, "unknown chat", send(987654, 0), 400, "Bad Request: chat not found")
	stranger := models.User{ID: 555, FirstName: "Hùng"}
	srv.MeetUser(stranger)
	refused(t, "never started", send(stranger.ID, 0), 403, "Forbidden: bot can't initiate conversation with a user")
	srv.InjectText(telegramtest.PrivateChat(stranger), stranger, "/start")
	accepted(t, "after /start", send(stranger.ID, 0))

	srv.KickBot(group.ID, stranger)
	refused(t, "kicked from group", send(group.ID, 0), 403, "Forbidden: bot was kicked from the group chat")
	srv.KickBot(forum.ID, stranger)
	refused(t, "kicked from supergroup", send(forum.ID, 0), 403, "Forbidden: bot was kicked from the supergroup chat")
	action := call(t, srv, "sendChatAction", map[string]string{"chat_id": fmt.Sprint(forum.ID), "action": "typing"}, "", nil)
	refused(t, "chat action where kicked", action, 403, "Forbidden: bot was kicked from the supergroup chat")
	edit := call(t, srv, "editMessageText", map[string]string{"chat_id": fmt.Sprint(group.ID), "message_id": fmt.Sprint(m.ID), "text": "y"}, "", nil)
	refused(t, "edit where kicked", edit, 403, "Forbidden: bot was kicked from the group chat")
}

func TestStrictSetWebhook(t *testing.T) {
	srv := newServer(t)
	set := func(url, secret string) answer {
		return call(t, srv, "setWebhook", map[string]string{"url": url, "secret_token": secret}, "", nil)
	}
	refused(t, "plain HTTP", set("http://bot.example.gov.vn/tg", ""), 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
	refused(t, "port 8080", set("https://bot.example.gov.vn:8080/tg", ""), 400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
	refused(t, "secret with a space", set("https://bot.example.gov.vn/tg", "bí mật"), 400, "Bad Request: secret token contains unallowed characters")
	refused(t, "secret of 257", set("https://bot.example.gov.vn/tg", strings.Repeat("a", 257)), 400, "Bad Request: secret token is too long")
	refused(t, "not a URL", set("bot.example.gov.vn", ""), 400, "Bad Request: invalid webhook URL specified")
	for _, port := range []string{"", ":443", ":80", ":88", ":8443"} {
		accepted(t, "port "+port, set("https://bot.example.gov.vn"+port+"/tg", "A-z_0-9"+strings.Repeat("x", 249)))
	}
	accepted(t, "removal", set("", ""))
}

// advance moves a manual clock on by d.
func advance(c *clock.Manual, d time.Duration) { c.Set(c.Now().Add(d)) }

func TestStrictWebhookDeliveryParallelOrderedAndRetried(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC))
	// The receiver holds every POST until three are in at once, then
	// answers 500 to chat 1's first update twice before taking it.
	var mu sync.Mutex
	inFlight, most := 0, 0
	three := make(chan struct{})
	var order []string
	var chat1Fails atomic.Int32
	srv := newHook(t, func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == 3 {
			close(three)
		}
		mu.Unlock()
		select {
		case <-three:
		case <-time.After(wait):
		}
		mu.Lock()
		defer mu.Unlock()
		inFlight--
		if u.Message.Chat.ID == 1 && u.Message.Text == "1a" && chat1Fails.Add(1) <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		order = append(order, u.Message.Text)
	}, telegramtest.WithClock(clk.Now))
	b := newBot(t, srv)
	for id := int64(1); id <= 3; id++ {
		srv.NewUser(id, "U", "", "vi")
	}
	users := map[int64]models.User{}
	for id := int64(1); id <= 3; id++ {
		users[id] = models.User{ID: id, FirstName: "U"}
		srv.InjectText(telegramtest.PrivateChat(users[id]), users[id], fmt.Sprintf("%da", id))
	}
	last := srv.InjectText(telegramtest.PrivateChat(users[1]), users[1], "1b")
	if _, err := b.SetWebhook(deadline(t), &bot.SetWebhookParams{URL: hookURL, MaxConnections: 3}); err != nil {
		t.Fatal(err)
	}
	// The first failure is retried at once; the second waits 2 s of the
	// server's clock, and nothing is sent again until the clock moves.
	if _, err := srv.WaitDeliveries(deadline(t), 4); err != nil {
		t.Fatal(err)
	}
	d := srv.Deliveries()
	failed := 0
	for _, x := range d {
		if !x.OK() {
			failed++
		}
	}
	if len(d) != 4 || failed != 2 {
		t.Fatalf("deliveries before the clock moved = %+v, want 4 with chat 1's two failures", d)
	}
	advance(clk, 2*time.Second)
	srv.ClockMoved()
	if err := srv.WaitConfirmed(deadline(t), last.ID+1); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if most != 3 {
		t.Errorf("at most %d updates in flight, want 3 (max_connections)", most)
	}
	if i, j := strings.Index(strings.Join(order, ","), "1a"), strings.Index(strings.Join(order, ","), "1b"); i < 0 || j < i {
		t.Errorf("delivery order %v: chat 1's updates out of order", order)
	}
}

func TestStrictWebhookGivesUpAfterADay(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC))
	srv := newHook(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}, telegramtest.WithClock(clk.Now))
	b := newBot(t, srv)
	user := srv.NewUser(7, "Lan", "", "vi")
	in := srv.InjectText(telegramtest.PrivateChat(user), user, "xin chào")
	if _, err := b.SetWebhook(deadline(t), &bot.SetWebhookParams{URL: hookURL}); err != nil {
		t.Fatal(err)
	}
	tries := 2 // at once, then again at once
	if _, err := srv.WaitDeliveries(deadline(t), tries); err != nil {
		t.Fatal(err)
	}
	// Back-off doubles to a minute; a day later the update is dropped.
	for srv.PendingUpdates() > 0 && tries < 100 {
		advance(clk, time.Hour)
		srv.ClockMoved()
		tries++
		if _, err := srv.WaitDeliveries(deadline(t), tries); err != nil && srv.PendingUpdates() > 0 {
			t.Fatalf("try %d: %v", tries, err)
		}
	}
	if srv.PendingUpdates() != 0 || srv.ConfirmedOffset() != in.ID+1 {
		t.Fatalf("pending %d, confirmed %d after %d tries", srv.PendingUpdates(), srv.ConfirmedOffset(), tries)
	}
	if age := clk.Now().Sub(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)); age < 23*time.Hour || age > 25*time.Hour {
		t.Errorf("dropped after %v, want about a day", age)
	}
}

func TestStrictGetUpdatesConflict(t *testing.T) {
	srv := newServer(t)
	first := make(chan answer, 1)
	go func() {
		first <- call(t, srv, "getUpdates", map[string]string{"timeout": "30"}, "", nil)
	}()
	// The second poller ends the first; wait until the first is waiting.
	var second answer
	for {
		second = call(t, srv, "getUpdates", map[string]string{"timeout": "0"}, "", nil)
		select {
		case a := <-first:
			refused(t, "first poller", a, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
			accepted(t, "second poller", second)
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestStrictCommandsCallbacksActionsAndParseModes(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC))
	srv := newServer(t, telegramtest.WithClock(clk.Now))
	user := srv.NewUser(42, "Lan", "", "vi")
	commands := func(cmds, lang string) answer {
		return call(t, srv, "setMyCommands", map[string]string{"commands": cmds, "language_code": lang}, "", nil)
	}
	accepted(t, "valid commands", commands(`[{"command":"nop_bao_cao","description":"Nộp báo cáo"}]`, "vi"))
	refused(t, "capital letter", commands(`[{"command":"Nop","description":"x"}]`, ""), 400, "Bad Request: BOT_COMMAND_INVALID")
	refused(t, "33 characters", commands(`[{"command":"`+strings.Repeat("a", 33)+`","description":"x"}]`, ""), 400, "Bad Request: command length must not exceed 32")
	refused(t, "empty description", commands(`[{"command":"a","description":" "}]`, ""), 400, "Bad Request: command description must be non-empty")
	refused(t, "long description", commands(`[{"command":"a","description":"`+strings.Repeat("ă", 257)+`"}]`, ""), 400, "Bad Request: command description length must not exceed 256")
	var many []string
	for i := range 101 {
		many = append(many, fmt.Sprintf(`{"command":"c%d","description":"x"}`, i))
	}
	refused(t, "101 commands", commands("["+strings.Join(many, ",")+"]", ""), 400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
	refused(t, "language code", commands(`[{"command":"a","description":"x"}]`, "vie"), 400, "Bad Request: invalid language code specified")

	sent := call(t, srv, "sendMessage", map[string]string{"chat_id": "42", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`}, "", nil)
	var m models.Message
	_ = json.Unmarshal(sent.Result, &m)
	answerQuery := func(text string) answer {
		q := srv.InjectCallback(user, 42, m.ID, "a")
		return call(t, srv, "answerCallbackQuery", map[string]string{"callback_query_id": q.CallbackQuery.ID, "text": text}, "", nil)
	}
	accepted(t, "200 characters", answerQuery(strings.Repeat("ă", 200)))
	refused(t, "201 characters", answerQuery(strings.Repeat("ă", 201)), 400, "Bad Request: MESSAGE_TOO_LONG")
	q := srv.InjectCallback(user, 42, m.ID, "a")
	advance(clk, 16*time.Second)
	late := call(t, srv, "answerCallbackQuery", map[string]string{"callback_query_id": q.CallbackQuery.ID}, "", nil)
	refused(t, "after 15 s", late, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")

	refused(t, "unknown action", call(t, srv, "sendChatAction", map[string]string{"chat_id": "42", "action": "thinking"}, "", nil), 400, "Bad Request: wrong parameter action in request")
	accepted(t, "upload_photo", call(t, srv, "sendChatAction", map[string]string{"chat_id": "42", "action": "upload_photo"}, "", nil))

	text := func(s, mode string) answer {
		return call(t, srv, "sendMessage", map[string]string{"chat_id": "42", "text": s, "parse_mode": mode}, "", nil)
	}
	refused(t, "unknown parse_mode", text("x", "Markdown3"), 400, "Bad Request: unsupported parse_mode")
	for _, ok := range []string{`<b>a</b><strong>b</strong><i>c</i><em>d</em><u>e</u><ins>f</ins><s>g</s><strike>h</strike><del>i</del>`,
		`<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler><a href="https://t.me">c</a><code>d</code><pre><code class="language-go">e</code></pre>`,
		`<blockquote>a</blockquote><blockquote expandable>b</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`} {
		accepted(t, ok, text(ok, "HTML"))
	}
	for _, bad := range []string{"<span>a</span>", "a<br>b", "<p>a</p>", "<div>a</div>"} {
		if a := text(bad, "HTML"); a.OK || !strings.Contains(a.Description, "Unsupported start tag") {
			t.Errorf("%s: got %d %q, want Unsupported start tag", bad, a.ErrorCode, a.Description)
		}
	}
}

func TestStrictLimiterCoversEdits(t *testing.T) {
	srv := newServer(t)
	srv.NewUser(42, "Lan", "", "vi")
	sent := call(t, srv, "sendMessage", map[string]string{"chat_id": "42", "text": "0"}, "", nil)
	var m models.Message
	_ = json.Unmarshal(sent.Result, &m)
	srv.SetLimits(telegramtest.Limits{PerChat: 1})
	edit := func(text string) answer {
		return call(t, srv, "editMessageText", map[string]string{"chat_id": "42", "message_id": fmt.Sprint(m.ID), "text": text}, "", nil)
	}
	accepted(t, "first edit", edit("1"))
	a := edit("2")
	if a.OK || a.ErrorCode != 429 || !strings.HasPrefix(a.Description, "Too Many Requests: retry after ") {
		t.Errorf("second edit within a second: %d %q, want 429", a.ErrorCode, a.Description)
	}
}
