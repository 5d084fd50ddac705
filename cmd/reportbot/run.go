package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/reportbot/reportbot/bot"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/ops"
	"github.com/reportbot/reportbot/reminders"
)

const noToken = `TELEGRAM_BOT_TOKEN is not set.

To get a token: open Telegram, talk to @BotFather, send /newbot and follow the
questions; BotFather answers with a token like 123456789:AA…. Then:

    export TELEGRAM_BOT_TOKEN='<the token>'
    reportbot run

To try reportbot without a token, run the demo: it plays a whole reporting
season against a built-in fake Telegram and prints the conversation:

    reportbot demo

Chưa có TELEGRAM_BOT_TOKEN. Lấy token từ @BotFather trong Telegram (/newbot),
hoặc chạy thử không cần token: reportbot demo
`

// runOptions are the flags of "reportbot run".
type runOptions struct {
	dataDir    string
	apiURL     string
	webhookURL string
	listen     string
	logFormat  string
	logLevel   string
	workers    int
	httpAddr   string
	maxFileMB  int
	retention  int
	localFiles string
	localDir   string
	desk       *deskOptions // desk.go
}

func (a *app) cmdRun(args []string) error {
	fs, dataDir := a.flags("run")
	var o runOptions
	fs.StringVar(&o.apiURL, "api-url", envOr(a.getenv, "REPORTBOT_API_URL", "https://api.telegram.org"), "Bot API server: Telegram's, a local Bot API server, or a fake (env REPORTBOT_API_URL)")
	fs.StringVar(&o.webhookURL, "webhook-url", a.getenv("REPORTBOT_WEBHOOK_URL"), "public HTTPS URL Telegram posts updates to; empty means long polling (env REPORTBOT_WEBHOOK_URL)")
	fs.StringVar(&o.listen, "listen", envOr(a.getenv, "REPORTBOT_LISTEN", ":8443"), "address the webhook server listens on (env REPORTBOT_LISTEN)")
	fs.StringVar(&o.logFormat, "log-format", envOr(a.getenv, "REPORTBOT_LOG_FORMAT", "text"), "text or json")
	fs.StringVar(&o.logLevel, "log-level", envOr(a.getenv, "REPORTBOT_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.IntVar(&o.workers, "workers", 8, "chats handled at once")
	fs.IntVar(&o.maxFileMB, "max-file-mb", 0, "largest report file in MB (default 20, the public Bot API's download limit; up to 2000 with a local Bot API server in --local mode)")
	fs.StringVar(&o.localFiles, "local-files", a.getenv("REPORTBOT_LOCAL_FILES"), "with a local Bot API server run with --local: where its working directory is mounted here; empty reads the paths it names as they are (same machine) (env REPORTBOT_LOCAL_FILES)")
	fs.StringVar(&o.localDir, "local-server-dir", a.getenv("REPORTBOT_LOCAL_SERVER_DIR"), "the local Bot API server's own working directory (its --dir; default /var/lib/telegram-bot-api), which --local-files mounts (env REPORTBOT_LOCAL_SERVER_DIR)")
	fs.IntVar(&o.retention, "retention-days", 90, "days handled updates and sent messages are kept before they are pruned (reports and the audit log are kept for ever)")
	fs.StringVar(&o.httpAddr, "http", a.getenv("REPORTBOT_HTTP"), "serve /healthz, /metrics (Prometheus) and the Office's desk (/app/) on this address, e.g. 127.0.0.1:9090 (env REPORTBOT_HTTP)")
	o.desk = a.deskFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := o.desk.check(); err != nil {
		return err
	}
	o.dataDir = *dataDir
	if o.retention < 1 {
		return usagef("--retention-days must be at least 1")
	}
	if err := checkWebhookConfig(o.webhookURL, a.getenv("REPORTBOT_WEBHOOK_SECRET")); err != nil {
		return err
	}
	token := a.getenv("TELEGRAM_BOT_TOKEN")
	if token == "" {
		fmt.Fprint(a.stderr, noToken)
		return configError{"no token"}
	}
	log, err := newLogger(a.stderr, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	lock, err := lockDataDir(o.dataDir)
	if err != nil {
		return err
	}
	defer lock.release()
	store, err := openStore(o.dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.QuickCheck(a.ctx); err != nil {
		if errors.Is(err, db.ErrCorrupt) {
			return configError{damaged(o.dataDir, err)}
		}
		return err
	}
	// The lock makes this the only process on the folder, so the outbox
	// messages a killed one had claimed may be sent at once.
	if err := store.Tx(a.ctx, func(tx *db.Tx) error { return tx.ReleaseOutboxClaims() }); err != nil {
		return err
	}
	loc, err := planLocation(a.ctx, store)
	if err != nil {
		return err
	}
	cfg := bot.Config{
		Token: token, APIURL: o.apiURL, DataDir: o.dataDir, Store: store,
		Location: loc, Log: log, Workers: o.workers, DeskURL: o.desk.url,
		Retention:  time.Duration(o.retention) * 24 * time.Hour,
		LocalFiles: o.localFiles, LocalServerDir: o.localDir,
	}
	if o.maxFileMB > 0 {
		cfg.MaxFileSize = int64(o.maxFileMB) << 20
	}
	b, err := bot.New(a.ctx, cfg)
	if err != nil {
		if errors.Is(err, bot.ErrTokenRefused) {
			return configError{err.Error()}
		}
		return err
	}
	log.Info("reportbot started", "bot", "@"+b.Username(), "data", o.dataDir, "mode", mode(o.webhookURL))
	b.SetDeskMenuButtons(a.ctx)

	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	// The HTTP servers are shut down as soon as the bot stops, before
	// waiting for their goroutines: a deferred Shutdown would run only after
	// that wait, and the process would never exit.
	var servers []*http.Server
	defer func() { shutdownAll(servers) }()
	if o.webhookURL != "" {
		srv, err := a.startWebhook(ctx, b, o, &wg)
		if err != nil {
			return err
		}
		servers = append(servers, srv)
	}
	if o.httpAddr != "" {
		handler, err := withDesk(b, store, token, o.dataDir, o.desk, log, ops.Handler(b, ops.DefaultLimits))
		if err != nil {
			return err
		}
		srv, err := serveOps(handler, o.httpAddr, &wg)
		if err != nil {
			return err
		}
		servers = append(servers, srv)
		log.Info("health and metrics", "addr", o.httpAddr, "desk", "/app/")
	}
	err = b.Run(ctx, o.webhookURL == "")
	shutdownAll(servers)
	servers = nil
	wg.Wait()
	log.Info("reportbot stopped")
	return err
}

// shutdownAll stops the HTTP servers, giving open requests a few seconds.
func shutdownAll(servers []*http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		srv.Shutdown(ctx)
	}
}

func mode(webhookURL string) string {
	if webhookURL != "" {
		return "webhook"
	}
	return "polling"
}

// startWebhook serves the webhook and registers it with Telegram. The secret
// comes from REPORTBOT_WEBHOOK_SECRET or is made fresh at every start; it is
// never logged.
func (a *app) startWebhook(ctx context.Context, b *bot.Bot, o runOptions, wg *sync.WaitGroup) (*http.Server, error) {
	u, err := url.Parse(o.webhookURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, usagef("--webhook-url must be a full URL such as https://bot.example.gov.vn/telegram")
	}
	secret := a.getenv("REPORTBOT_WEBHOOK_SECRET")
	if secret == "" {
		buf := make([]byte, 24)
		rand.Read(buf)
		secret = hex.EncodeToString(buf)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.Handle(path, b.WebhookHandler(secret))
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return nil, configError{fmt.Sprintf("--listen %s: %v", o.listen, err)}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.Serve(ln)
	}()
	if err := b.SetWebhook(ctx, o.webhookURL, secret); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}

func envOr(getenv env, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// planLocation is the zone of the imported plan (Asia/Ho_Chi_Minh before any).
func planLocation(ctx context.Context, store *db.Store) (*time.Location, error) {
	pol, err := reminders.LoadPolicy(store.Read(ctx))
	if err != nil {
		return nil, err
	}
	return pol.Location(), nil
}

// serveOps serves /healthz and /metrics for the operator, and the desk.
func serveOps(handler http.Handler, addr string, wg *sync.WaitGroup) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, configError{fmt.Sprintf("--http %s: %v", addr, err)}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.Serve(ln)
	}()
	return srv, nil
}
