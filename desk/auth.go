package desk

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/reportbot/reportbot/db"
)

// sessionCookie names the browser session outside Telegram.
const sessionCookie = "desk_session"

// caller is who makes a request, once recognised.
type caller struct {
	Member db.Member
	Lang   string
	// CSRF is the session's token; empty inside Telegram, where the init
	// data rides in a header no other site can make a browser send.
	CSRF string
}

// Who may use an API route.
var (
	anyone     = []db.Role{db.RoleHead, db.RoleMember, db.RoleOffice, db.RoleAdmin, db.RoleDirector}
	overseers  = []db.Role{db.RoleOffice, db.RoleAdmin, db.RoleDirector}
	staff      = []db.Role{db.RoleOffice, db.RoleAdmin}
	unitPeople = []db.Role{db.RoleHead, db.RoleMember}
)

// apiError is an answer with a status and a code the page translates.
type apiError struct {
	status int
	code   string
}

func (e apiError) Error() string { return e.code }

var (
	errUnauthorized = apiError{http.StatusUnauthorized, "unauthorized"}
	errForbidden    = apiError{http.StatusForbidden, "forbidden"}
	errNotFound     = apiError{http.StatusNotFound, "not_found"}
	errBadRequest   = apiError{http.StatusBadRequest, "bad_request"}
	errCSRF         = apiError{http.StatusForbidden, "csrf"}
	errRate         = apiError{http.StatusTooManyRequests, "rate_limited"}
)

type apiFunc func(w http.ResponseWriter, r *http.Request, c caller) error

// api recognises the caller, checks their role, their rate and (for a
// browser session) the CSRF token of a state-changing request, then runs fn.
func (s *Server) api(roles []db.Role, fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := func() error {
			c, err := s.recognise(r)
			if err != nil {
				return err
			}
			if !s.limit.allow(c.Member.ID) {
				return errRate
			}
			if !hasRole(roles, c.Member.Role) {
				return errForbidden
			}
			if r.Method != http.MethodGet && c.CSRF != "" &&
				subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(c.CSRF)) != 1 {
				return errCSRF
			}
			return fn(w, r, c)
		}()
		if err != nil {
			s.fail(w, err)
		}
	})
}

// fail answers an error: an apiError as itself, anything else as an
// internal error that is logged and not shown.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var ae apiError
	if !errors.As(err, &ae) {
		s.log.Error("desk", "err", err)
		ae = apiError{http.StatusInternalServerError, "internal"}
	}
	if ae.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `tma realm="reportbot"`)
	}
	writeJSON(w, ae.status, map[string]string{"error": ae.code})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func hasRole(roles []db.Role, role db.Role) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// recognise finds the member behind a request: Telegram's init data in
// "Authorization: tma …", else the session cookie. A proof that fails is a
// 401; a valid proof from someone who is not (or no longer) a member, a 403.
func (s *Server) recognise(r *http.Request) (caller, error) {
	now := s.store.Now()
	rd := s.store.Read(r.Context())
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, data, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "tma") {
			return caller{}, errUnauthorized
		}
		u, err := CheckInitData(strings.TrimSpace(data), s.cfg.WebAppKey, s.cfg.MaxAge, now)
		if err != nil {
			return caller{}, errUnauthorized
		}
		m, err := rd.MemberByTelegramID(u.ID)
		if errors.Is(err, db.ErrNotFound) || err == nil && !m.RemovedAt.IsZero() {
			return caller{}, errForbidden
		}
		if err != nil {
			return caller{}, err
		}
		return caller{Member: m, Lang: s.core.Lang(m.Lang, u.LanguageCode)}, nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return caller{}, errUnauthorized
	}
	sess, err := rd.DeskSession(ck.Value, now)
	if errors.Is(err, db.ErrNotFound) {
		return caller{}, errUnauthorized
	}
	if err != nil {
		return caller{}, err
	}
	m, err := rd.Member(sess.MemberID)
	if err != nil {
		return caller{}, err
	}
	if !m.RemovedAt.IsZero() {
		// Removal ends the sessions in its own transaction; this only
		// guards against a session outliving it some other way.
		return caller{}, errForbidden
	}
	return caller{Member: m, Lang: s.core.Lang(m.Lang, ""), CSRF: sess.CSRF}, nil
}

// login spends a single-use link's token for a session cookie and opens
// the desk.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var id string
	err := s.store.Tx(r.Context(), func(tx *db.Tx) error {
		var err error
		id, _, err = tx.RedeemDeskLogin(r.PostFormValue("t"), s.cfg.SessionTTL)
		return err
	})
	if errors.Is(err, db.ErrLoginInvalid) {
		http.Redirect(w, r, "/app/#login-invalid", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		// MaxAge, not Expires: the browser counts it on its own clock.
		Name: sessionCookie, Value: id, Path: "/app/", MaxAge: int(s.cfg.SessionTTL.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode,
	})
	// The link itself must not stay in the address bar or history.
	http.Redirect(w, r, "/app/", http.StatusSeeOther)
}

// logout ends the browser session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, c caller) error {
	if c.CSRF != "" {
		if err := s.store.Tx(r.Context(), func(tx *db.Tx) error { return tx.EndDeskSessions(c.Member.ID) }); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/app/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	return writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// me is the smallest contract: who is calling, in which role and language.
func (s *Server) me(w http.ResponseWriter, r *http.Request, c caller) error {
	out := map[string]any{"name": c.Member.Name, "role": string(c.Member.Role), "roleName": s.core.RoleName(c.Member.Role, c.Lang),
		"unit": "", "lang": c.Lang}
	if c.Member.UnitID != 0 {
		u, err := s.store.Read(r.Context()).Unit(c.Member.UnitID)
		if err != nil {
			return err
		}
		out["unit"] = u.Code
		out["unitId"] = u.ID
	}
	if c.CSRF != "" {
		out["csrf"] = c.CSRF
	}
	return writeJSON(w, http.StatusOK, out)
}

// limiter counts each member's requests per minute of the store's clock.
type limiter struct {
	mu     sync.Mutex
	rate   int
	now    func() time.Time
	window time.Time
	counts map[int64]int
}

func newLimiter(rate int, now func() time.Time) *limiter {
	return &limiter{rate: rate, now: now, counts: map[int64]int{}}
}

func (l *limiter) allow(memberID int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.now().Truncate(time.Minute); !w.Equal(l.window) {
		l.window, l.counts = w, map[int64]int{}
	}
	l.counts[memberID]++
	return l.counts[memberID] <= l.rate
}
