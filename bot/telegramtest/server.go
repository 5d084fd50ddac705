// Package telegramtest is a fake Telegram Bot API server on loopback.
//
// It speaks the wire protocol the real github.com/go-telegram/bot client uses
// (multipart/form-data for every method, plus JSON and url-encoded bodies), keeps
// chats, messages, files and the update queue in memory, and records everything
// the bot does so tests can wait on it. It is ordinary non-test code: the demo
// and the benchmarks run it too, so it never imports package testing and never
// sleeps to wait for state; every wait is on a broadcast channel with a deadline.
//
// A typical test:
//
//	srv := telegramtest.New()
//	defer srv.Close()
//	b, _ := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
//	user := srv.NewUser(42, "Lan", "lan", "vi")
//	srv.InjectText(telegramtest.PrivateChat(user), user, "/start")
//	ctx, cancel := telegramtest.Within(5 * time.Second)
//	defer cancel()
//	reply, err := srv.WaitSent(ctx, telegramtest.ToChat(user.ID))
//
// The server is as strict as Telegram (Bot API 10.1 and the official server,
// tdlib/telegram-bot-api), answering with Telegram's codes and descriptions:
// it refuses malformed inline keyboards, photos over Telegram's size and
// dimension limits, topics that do not exist, chats the bot does not know,
// users who never started the bot, groups the bot was removed from, webhook
// URLs and secrets Telegram would not take, a second concurrent poller, bad
// commands, old callback queries, unknown chat actions and parse modes, and
// HTML outside Telegram's tags; Refusals lists what it refused, so a test can
// assert the bot asked nothing Telegram would refuse. The control side
// (NewUser, NewGroup, MeetUser, KickBot, DeleteTopic, Block…) sets up what
// each chat allows. WithAutoChats lets a benchmark address thousands of
// chats without registering them.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// ErrClosed is returned by the Wait methods when the server is closed while they wait.
var ErrClosed = errors.New("telegramtest: server closed")

// DefaultToken is the bot token a Server accepts unless WithToken says otherwise.
const DefaultToken = "123456:TEST-token"

// Server is a fake Telegram Bot API server. All methods are safe for concurrent use.
type Server struct {
	token   string
	botUser models.User
	now     func() time.Time
	hookCli *http.Client
	// localDir is the working directory of --local mode (local.go); guarded by mu.
	localDir string
	// autoChats lets the bot write to chats nobody registered (WithAutoChats).
	autoChats bool

	// limitNow is the clock of the rate limits (real time unless
	// WithLimitClock).
	limitNow func() time.Time

	ln   net.Listener
	http *http.Server
	url  string

	// life ends on Close so hung calls, long polls and webhook POSTs end;
	// done is life.Done().
	life      context.Context
	kill      context.CancelFunc
	done      <-chan struct{}
	closeOnce sync.Once
	workers   sync.WaitGroup

	// mu guards everything below. It is never held while a call blocks on a
	// long poll, a fault delay or a webhook POST.
	mu sync.Mutex
	// updated wakes long polls and the webhook worker when the update queue or
	// the webhook changes; changed wakes the Wait methods on any recorded change.
	updated notifier
	changed notifier
	st      state
}

// Option configures a Server in New.
type Option func(*Server)

// WithToken sets the bot token the server accepts; the part before ':' is the bot's user id.
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithBotUser sets the user getMe returns and the sender of the bot's messages.
func WithBotUser(u models.User) Option {
	return func(s *Server) { s.botUser = u }
}

// WithClock sets the clock used for message dates, callback query ages and
// webhook retries (not for rate limits, which run on real time so
// benchmarks measure what they achieve, unless WithLimitClock says
// otherwise). After moving a fake clock, call ClockMoved so webhook retries
// that fell due are made.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithLimitClock sets the clock the rate limits are enforced on: a
// simulated clock (the sender's FakePacer) lets a benchmark run a fan-out at
// Telegram's real limits in simulated time. Sends must then reach the server
// in the simulated order, one at a time.
func WithLimitClock(now func() time.Time) Option {
	return func(s *Server) { s.limitNow = now }
}

// WithLimits enables rate limiting from the start; see Limits.
func WithLimits(l Limits) Option {
	return func(s *Server) { s.st.limiter.limits = l }
}

// WithAutoChats lets the bot write to any chat id, private chats included,
// without the chat being registered or the user having started the bot: a
// load test addresses thousands of chats this way. Without it an unknown id
// is "chat not found", as in Telegram.
func WithAutoChats() Option {
	return func(s *Server) { s.autoChats = true }
}

// WithWebhookClient sets the HTTP client that delivers webhook updates. The
// URL the bot registers must be HTTPS on a port Telegram allows, so a test
// routes it to its own server through this client's transport (see
// WebhookClientFor).
func WithWebhookClient(c *http.Client) Option {
	return func(s *Server) { s.hookCli = c }
}

// New starts a server on 127.0.0.1 with a free port. It panics if it cannot
// listen, like httptest.NewServer, because a caller has nothing better to do.
func New(opts ...Option) *Server {
	s := &Server{
		token: DefaultToken,
		botUser: models.User{
			ID:        123456,
			IsBot:     true,
			FirstName: "Report Bot",
			Username:  "reportbot_test_bot",
		},
		now:      time.Now,
		limitNow: time.Now,
		hookCli:  &http.Client{Timeout: 10 * time.Second},
		st:       newState(),
	}
	s.life, s.kill = context.WithCancel(context.Background())
	s.done = s.life.Done()
	for _, o := range opts {
		o(s)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("telegramtest: listen: " + err.Error())
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.workers.Add(2)
	go func() {
		defer s.workers.Done()
		_ = s.http.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	go s.deliverWebhooks()
	return s
}

// URL is the server's base URL, for bot.WithServerURL.
func (s *Server) URL() string { return s.url }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// BotUser is the bot's own user, as getMe returns it.
func (s *Server) BotUser() models.User { return s.botUser }

// Close stops the server, ends hung calls and long polls, and waits for its goroutines.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.kill()
		_ = s.http.Close()
		s.workers.Wait()
	})
}

// ServeHTTP routes POST /bot{token}/{method} and GET /file/bot{token}/{path}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.isDown() {
		dropConnection(w)
		return
	}
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/file/bot"); ok {
		token, filePath, _ := strings.Cut(rest, "/")
		if token != s.token {
			writeError(w, errUnauthorized)
			return
		}
		s.serveFile(w, r, filePath)
		return
	}
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		writeError(w, errNotFound)
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeError(w, errUnauthorized)
		return
	}
	// The real API has a test environment under /bot{token}/test/{method}.
	method = strings.TrimPrefix(method, "test/")
	s.serveMethod(w, r, method)
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request, method string) {
	name := strings.ToLower(method)
	if !s.applyFault(w, r, name) {
		return
	}
	h, ok := methods[name]
	if !ok {
		writeError(w, errNotFound)
		return
	}
	p, err := parseParams(w, r)
	if err != nil {
		writeError(w, badRequest("%s", err))
		return
	}
	result, err := h(s, r.Context(), p)
	if err != nil {
		s.recordRefusal(method, err)
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, response{OK: true, Result: result})
}

// response is the envelope of every Bot API answer.
type response struct {
	OK          bool            `json:"ok"`
	Result      any             `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *responseParams `json:"parameters,omitempty"`
}

type responseParams struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: ` + err.Error() + `"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with a Telegram-shaped error; anything that is not an
// *APIError is a bug in this package and answers 500.
func writeError(w http.ResponseWriter, err error) {
	var e *APIError
	if !errors.As(err, &e) {
		e = &APIError{Code: http.StatusInternalServerError, Description: "Internal Server Error: " + err.Error()}
	}
	resp := response{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter > 0 || e.MigrateToChatID != 0 {
		resp.Parameters = &responseParams{RetryAfter: e.RetryAfter, MigrateToChatID: e.MigrateToChatID}
	}
	writeJSON(w, e.Code, resp)
}

// dropConnection closes the connection without an answer, the way an outage
// or a dying proxy looks to the client.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeError(w, &APIError{Code: http.StatusBadGateway, Description: "Bad Gateway"})
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	_ = conn.Close()
}

// notifier is a broadcast condition that composes with select: a waiter takes
// the current channel under Server.mu, and the next broadcast closes it. Unlike
// sync.Cond it lets waiters also watch a context and a deadline. The channel is
// made lazily so a broadcast with nobody waiting costs nothing.
type notifier struct{ ch chan struct{} }

func (n *notifier) wait() <-chan struct{} {
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) broadcast() {
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}

// waitFor blocks until cond, called with s.mu held, is true, or ctx ends, or
// the server closes.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	s.mu.Lock()
	for !cond() {
		ch := s.changed.wait()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
		s.mu.Lock()
	}
	s.mu.Unlock()
	return nil
}
