// Package bot is the only package that talks to Telegram: the durable update
// inbox, the handlers for heads, the Office and admins, the texts in
// Vietnamese and English, and the throttled outbox sender.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
)

// Config is what the bot needs from its owner (cmd/reportbot or a test).
type Config struct {
	Token    string
	APIURL   string // Telegram's public Bot API unless a local server or a fake is used
	DataDir  string // received files live under DataDir/files
	Store    *db.Store
	Location *time.Location // the plan's zone, for every date shown
	Log      *slog.Logger

	// Workers is how many chats are handled at once; one chat's updates are
	// always handled in order.
	Workers int
	// PollTimeout is the long-poll wait of getUpdates.
	PollTimeout time.Duration
	// HTTPClient carries API calls and file downloads; nil means a default.
	HTTPClient *http.Client
	// Pacer waits between Telegram calls (rate limits, retry_after). Tests
	// pass a FakePacer so no test sleeps.
	Pacer  Pacer
	Sender SenderConfig
	// InviteTTL is how long a new invite stays valid.
	InviteTTL time.Duration
	// MaxFileSize is the largest file a member may submit (default 20 MB, the
	// public Bot API's download limit; a local Bot API server allows more).
	MaxFileSize int64
	// LocalFiles is where the working directory of a local Bot API server
	// run with --local (LocalServerDir on its machine, default
	// /var/lib/telegram-bot-api) is mounted here; empty reads the paths its
	// getFile names as they are (localfiles.go).
	LocalFiles, LocalServerDir string
	// DownloadStall gives up a file download that received nothing for this
	// long (default 60s); it is retried like any failed download.
	DownloadStall time.Duration
	// DownloadTimeout bounds a whole download attempt, however steadily it
	// trickles (default 15 min); a chat's queue waits for it, others do not.
	DownloadTimeout time.Duration
	// Retention is how long handled updates and sent messages are kept
	// (default 90 days); the audit log and reports are kept for ever.
	Retention time.Duration
	// RateLimit bounds how fast a head, member or stranger may send updates.
	RateLimit RateLimit
	// PlanPerTick is how many reminders one planner tick queues at most; the
	// rest stays due for the next tick, earliest deadline first. The
	// default, 0, is what the sender delivers in a minute
	// (Sender.GlobalPerSecond × 60): a bigger fan-out would not go out any
	// sooner, only make its minute longer.
	PlanPerTick int
	// DeskURL is the public HTTPS address of the Office's desk (".../app/"),
	// for its menu button, /web links and the /status button; "" is off.
	DeskURL string
	// ManualTick keeps Run from starting the per-minute planner trigger:
	// tests that drive the business clock call Tick themselves, and a
	// wall-clock minute passing mid-test must not send anything.
	ManualTick bool
}

// Bot is reportbot's Telegram side.
type Bot struct {
	cfg      Config
	store    *db.Store
	tg       *tgbot.Bot
	log      *slog.Logger
	loc      *time.Location
	username string
	http     *http.Client
	sender   *Sender

	routes *routeTable // the bot's surface (routes.go)

	wake   chan struct{}
	lastOK lastCall
	rem    reminderState // the planner's per-process memory (reminders.go)
	// staleRem holds reminders the sender skipped as stale, for the
	// Office's next "skipped" line.
	staleRem staleReminders
	flood    floodGuard // per-user rate limit (ratelimit.go)
	// inboxFailures counts polls whose updates could not be stored (and so
	// were left on Telegram's side).
	inboxFailures atomic.Int64
	// updatesHandled and downloadFailures feed /metrics.
	updatesHandled   atomic.Int64
	downloadFailures atomic.Int64
	// ticks and jump watch the planner's trigger (tick.go); monotonic is
	// the clock a wall-clock jump does not move (tests replace it).
	ticks     tickRecord
	jump      clockWatch
	monotonic func() time.Time
}

// lastCall remembers the last successful Telegram call, for /healthz.
type lastCall struct {
	mu sync.Mutex
	at time.Time
}

func (l *lastCall) mark() {
	l.mu.Lock()
	l.at = time.Now()
	l.mu.Unlock()
}

// LastTelegramOK is when Telegram last answered a call successfully.
func (b *Bot) LastTelegramOK() time.Time {
	b.lastOK.mu.Lock()
	defer b.lastOK.mu.Unlock()
	return b.lastOK.at
}

// ErrTokenRefused means Telegram did not accept the bot token.
var ErrTokenRefused = errors.New("Telegram refused the bot token (check TELEGRAM_BOT_TOKEN; BotFather gives it)")

// New connects to the Bot API (getMe) and prepares the handlers. It does not
// start polling; Run does.
func New(ctx context.Context, cfg Config) (*Bot, error) {
	if cfg.Store == nil {
		return nil, errors.New("bot: no store")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Pacer == nil {
		cfg.Pacer = RealPacer{}
	}
	if cfg.InviteTTL <= 0 {
		cfg.InviteTTL = 7 * 24 * time.Hour
	}
	b := &Bot{
		cfg:       cfg,
		store:     cfg.Store,
		log:       cfg.Log,
		loc:       cfg.Location,
		http:      cfg.HTTPClient,
		wake:      make(chan struct{}, 1),
		monotonic: time.Now,
	}
	offset, err := b.store.Read(ctx).MaxUpdateID()
	if err != nil {
		return nil, fmt.Errorf("read update offset: %w", err)
	}
	opts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(cfg.PollTimeout+10*time.Second, &inboxClient{b: b, next: cfg.HTTPClient, pollTimeout: cfg.PollTimeout}),
		// The library hands every polled update to this handler; we handle
		// them from the inbox instead, so it only wakes the dispatcher.
		tgbot.WithDefaultHandler(func(context.Context, *tgbot.Bot, *models.Update) { b.wakeDispatcher() }),
		tgbot.WithErrorsHandler(func(err error) { b.log.Warn("telegram client", "err", redact(err.Error(), cfg.Token)) }),
		tgbot.WithInitialOffset(offset),
	}
	if cfg.APIURL != "" {
		opts = append(opts, tgbot.WithServerURL(strings.TrimRight(cfg.APIURL, "/")))
	}
	b.tg, err = tgbot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", err)
	}
	me, err := b.tg.GetMe(ctx)
	if err != nil {
		if errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) {
			return nil, ErrTokenRefused
		}
		return nil, fmt.Errorf("reach the Bot API: %s", redact(err.Error(), cfg.Token))
	}
	b.lastOK.mark()
	b.username = me.Username
	// "reportbot invite" prints deep links without a token at hand.
	if err := b.store.Tx(ctx, func(tx *db.Tx) error { return tx.SetSetting("bot_username", me.Username) }); err != nil {
		return nil, err
	}
	b.sender = NewSender(b.store, b.tg, b.senderConfig(), b.log)
	b.routes = b.surface()
	return b, nil
}

// Username is the bot's Telegram username, for deep links.
func (b *Bot) Username() string { return b.username }

// DeepLink is the t.me link that starts the bot with a payload.
func (b *Bot) DeepLink(payload string) string {
	return "https://t.me/" + b.username + "?start=" + payload
}

// Sender is the outbox sender.
func (b *Bot) Sender() *Sender { return b.sender }

// redact removes the token from a text that may quote a URL.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

// Run polls Telegram (or, with a webhook configured by the caller, only
// handles stored updates), handles updates and drains the outbox until ctx
// ends. It returns after in-flight work has finished.
func (b *Bot) Run(ctx context.Context, polling bool) error {
	// Files the database does not know (a crash mid-submission, an older
	// database restored) go to quarantine before anything new arrives.
	b.quarantineAtStart(ctx)
	b.setDefaultCommands(ctx)
	var wg sync.WaitGroup
	if polling {
		// A webhook left over from another deployment would make getUpdates
		// fail with 409 forever.
		if _, err := b.tg.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
			b.log.Warn("delete webhook", "err", redact(err.Error(), b.cfg.Token))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.tg.Start(ctx)
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		b.dispatchLoop(ctx)
	}()
	go func() {
		defer wg.Done()
		b.sender.Run(ctx)
	}()
	if !b.cfg.ManualTick {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.runTicker(ctx)
		}()
	}
	<-ctx.Done()
	wg.Wait()
	return nil
}

func (b *Bot) wakeDispatcher() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Kick tells the sender that the outbox has new messages.
func (b *Bot) Kick() { b.sender.Kick() }

func (b *Bot) senderConfig() SenderConfig {
	c := b.cfg.Sender
	c.Pacer = b.cfg.Pacer
	c.OnUnreachable = b.unreachable
	c.Stale = b.staleReminder
	c.OnSkipped = b.staleRem.add
	c.OnFailed = b.pinRefused // announce.go
	return c
}

// unreachable tells the Office, once per time it happens, that a member
// blocked the bot or never opened it: reminders to them stop until they
// write again. A bound group that refused the bot is the admins' to fix.
func (b *Bot) unreachable(memberID, chatID int64, why Refusal) {
	if why == RefusedKicked || why == RefusedTopicGone {
		b.tellAdmins(chatID, why)
		return
	}
	key := "office.unreachable"
	if why == RefusedNotStarted {
		key = "office.never_started"
	}
	ctx := context.Background()
	r := b.store.Read(ctx)
	m, err := r.Member(memberID)
	if err != nil {
		return
	}
	office, err := r.Chat(db.ChatOffice)
	if err != nil {
		return
	}
	lang := b.chatLang(r)
	who := m.Name
	if m.UnitID != 0 {
		if u, err := r.Unit(m.UnitID); err == nil {
			who += " (" + unitName(u, lang) + ")"
		}
	}
	err = b.store.Tx(ctx, func(tx *db.Tx) error {
		_, _, err := tx.Enqueue(db.OutMessage{
			Key:    fmt.Sprintf("unreachable:%d:%d", memberID, b.store.Now().Unix()),
			ChatID: office.ChatID, ThreadID: office.ThreadID,
			Text: tr(lang, key, who),
		})
		return err
	})
	if err != nil {
		b.log.Error("tell office about unreachable member", "member", memberID, "err", err)
	}
}
