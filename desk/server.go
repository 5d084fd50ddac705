package desk

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
)

// The page templates and the static files they load; only static/ is
// served as files.
var (
	//go:embed pages
	pagesFS embed.FS
	//go:embed static
	staticFS embed.FS
)

// TelegramScript is Telegram's Web App script, which hands the page its init
// data inside Telegram.
const TelegramScript = "https://telegram.org/js/telegram-web-app.js"

// Defaults of Config.
const (
	DefaultSessionTTL = 12 * time.Hour
	DefaultLoginTTL   = 10 * time.Minute
	DefaultRate       = 120 // requests per member per minute
	defaultMaxUpload  = 20 << 20
)

// Config is what the desk needs from its owner.
type Config struct {
	Store *db.Store
	Core  Core
	// DataDir is where received files are stored (their paths come from
	// the database, never from a request).
	DataDir string
	// WebAppKey checks Telegram's init data (see WebAppKey); the token
	// itself stays with the bot.
	WebAppKey []byte
	// MaxAge is how old init data may be (DefaultMaxAge if zero).
	MaxAge time.Duration
	// SessionTTL is how long a browser session lasts.
	SessionTTL time.Duration
	// Script is the URL of Telegram's Web App script (TelegramScript if
	// empty); tests serve a stub instead.
	Script string
	// Rate is how many requests a member may make a minute.
	Rate int
	// MaxUpload is the largest file a head may upload.
	MaxUpload int64
	// Log gets what went wrong inside; callers see only a code.
	Log *slog.Logger
}

// Server serves the desk.
type Server struct {
	cfg    Config
	store  *db.Store
	core   Core
	log    *slog.Logger
	index  *template.Template
	signIn *template.Template
	// linkKey signs download links (links.go); made fresh at every start,
	// so a restart ends every link.
	linkKey []byte
	static  http.Handler
	limit   *limiter
	csp     string
}

// New prepares the desk.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Core == nil {
		return nil, errors.New("desk: no store or core")
	}
	if len(cfg.WebAppKey) == 0 {
		return nil, errors.New("desk: no Web App key")
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Script == "" {
		cfg.Script = TelegramScript
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = defaultMaxUpload
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	index, err := template.ParseFS(pagesFS, "pages/index.html")
	if err != nil {
		return nil, err
	}
	signIn, err := template.ParseFS(pagesFS, "pages/login.html")
	if err != nil {
		return nil, err
	}
	// The Telegram script's origin, unless it is served from here.
	scriptSrc := "'self'"
	if u, err := url.Parse(cfg.Script); err == nil && u.Scheme == "https" && u.Host != "" {
		scriptSrc += " https://" + u.Host
	}
	linkKey, err := newLinkKey()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, store: cfg.Store, core: cfg.Core, log: cfg.Log, index: index, signIn: signIn, linkKey: linkKey,
		static: http.StripPrefix("/app/static/", noListing(http.FileServerFS(sub))),
		limit:  newLimiter(cfg.Rate, cfg.Store.Now),
		// No inline script or style anywhere; only Telegram's web clients
		// may frame the page.
		csp: "default-src 'none'; script-src " + scriptSrc + "; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
			"form-action 'self'; base-uri 'none'; frame-ancestors https://web.telegram.org https://*.telegram.org",
	}
	return s, nil
}

// Handler is the desk's whole surface, mounted at /app/.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /app/{$}", s.page)
	mux.Handle("GET /app/static/", s.static)
	mux.HandleFunc("GET /app/login", s.loginPage)
	mux.HandleFunc("POST /app/login", s.login)
	mux.HandleFunc("GET /app/dl", s.signedDownload)

	mux.Handle("GET /app/api/me", s.api(anyone, s.me))
	mux.Handle("POST /app/api/logout", s.api(anyone, s.logout))
	mux.Handle("GET /app/api/grid", s.api(anyone, s.grid))
	mux.Handle("GET /app/api/units/{id}", s.api(anyone, s.unit))
	mux.Handle("GET /app/api/files/{id}", s.api(anyone, s.file))
	mux.Handle("GET /app/api/link", s.api(anyone, s.link))
	mux.Handle("GET /app/api/register", s.api(overseers, s.register))
	mux.Handle("GET /app/api/export", s.api(staff, s.export))
	mux.Handle("POST /app/api/submissions/{id}/accept", s.api(staff, s.accept))
	mux.Handle("POST /app/api/submissions/{id}/return", s.api(staff, s.returnReport))
	mux.Handle("POST /app/api/extensions/{id}/{decision}", s.api(staff, s.decide))
	mux.Handle("POST /app/api/assignments/{id}/upload", s.api(unitPeople, s.upload))
	return secure(s.csp, mux)
}

// noListing answers 404 for a folder instead of listing it.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// secure sets the headers every answer carries.
func secure(csp string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// page is the one HTML page; everything else is fetched by its script.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	s.render(w, s.index, struct{ Script string }{s.cfg.Script})
}

// loginPage asks for a press before the single-use link is spent: Telegram
// fetches links in messages for their preview, and a GET that signed in
// would spend the link before its owner opened it.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, s.signIn, struct{ Token string }{r.URL.Query().Get("t")})
}

func (s *Server) render(w http.ResponseWriter, t *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(w, data); err != nil {
		s.log.Error("desk page", "err", err)
	}
}

// LoginLink is the sign-in link for a login token, given the desk's public
// address (".../app/").
func LoginLink(deskURL, token string) string {
	return strings.TrimRight(deskURL, "/") + "/login?t=" + token
}
