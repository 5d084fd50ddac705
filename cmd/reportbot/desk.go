package main

import (
	"flag"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reportbot/reportbot/bot"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/desk"
)

// deskOptions configure the Office's desk, served under /app/ on --http.
type deskOptions struct {
	url    string        // public HTTPS address of /app/ (menu button, /web links)
	maxAge time.Duration // how old Telegram's init data may be
	badEnv string        // REPORTBOT_DESK_MAX_AGE when it is not a duration
}

func (a *app) deskFlags(fs *flag.FlagSet) *deskOptions {
	o := &deskOptions{}
	fs.StringVar(&o.url, "desk-url", a.getenv("REPORTBOT_DESK_URL"), "public HTTPS address of the desk, e.g. https://bot.example.gov.vn/app/ (env REPORTBOT_DESK_URL); the desk is served under /app/ on --http")
	maxAge := desk.DefaultMaxAge
	if v := a.getenv("REPORTBOT_DESK_MAX_AGE"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			maxAge = d
		} else {
			o.badEnv = v
		}
	}
	fs.DurationVar(&o.maxAge, "desk-max-age", maxAge, "how old Telegram's Mini App sign-in data may be (env REPORTBOT_DESK_MAX_AGE)")
	return o
}

// check refuses a desk address Telegram would not open and a sign-in age
// that is not one.
func (o *deskOptions) check() error {
	if o.badEnv != "" {
		return usagef("REPORTBOT_DESK_MAX_AGE=%q is not a duration; write it as 24h or 90m", o.badEnv)
	}
	if o.maxAge <= 0 {
		return usagef("--desk-max-age must be more than 0, e.g. 24h")
	}
	if o.url == "" {
		return nil
	}
	u, err := url.Parse(o.url)
	if err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasSuffix(u.Path, "/app/") {
		return usagef("--desk-url must be the HTTPS address of /app/, e.g. https://bot.example.gov.vn/app/ (Telegram opens Mini Apps only over HTTPS)")
	}
	return nil
}

// withDesk serves the desk under /app/ beside the operator's endpoints. The
// desk gets the key derived from the token, never the token.
func withDesk(b *bot.Bot, store *db.Store, token, dataDir string, o *deskOptions, log *slog.Logger, ops http.Handler) (http.Handler, error) {
	d, err := desk.New(desk.Config{Store: store, Core: b.DeskCore(), DataDir: dataDir, WebAppKey: desk.WebAppKey(token), MaxAge: o.maxAge,
		MaxUpload: b.MaxFileSize(), Log: log})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/app/", d.Handler())
	mux.Handle("/", ops)
	return mux, nil
}
