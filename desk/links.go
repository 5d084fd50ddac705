package desk

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
)

// Downloads by link. Inside Telegram a file is saved by the client itself
// (WebApp.downloadFile), which fetches a URL without the page's init data or
// cookies; so the page asks for a short-lived link that stands for one
// download route, signed with a key only this process holds.

// linkTTL is how long a download link works.
const linkTTL = 5 * time.Minute

// newLinkKey makes the process's link-signing key.
func newLinkKey() ([]byte, error) {
	key := make([]byte, 32)
	_, err := rand.Read(key)
	return key, err
}

// linkable reports whether a path is a download route a link may stand for.
func linkable(path string) bool {
	return strings.HasPrefix(path, "/app/api/files/") || path == "/app/api/export"
}

// signLink is the signature of a link: who, until when, which route.
func (s *Server) signLink(memberID, expires int64, target string) []byte {
	m := hmac.New(sha256.New, s.linkKey)
	m.Write([]byte(strconv.FormatInt(memberID, 10) + "\n" + strconv.FormatInt(expires, 10) + "\n" + target))
	return m.Sum(nil)
}

// link answers a signed link for one of the caller's downloads.
func (s *Server) link(w http.ResponseWriter, r *http.Request, c caller) error {
	target, err := url.ParseRequestURI(r.URL.Query().Get("for"))
	if err != nil || !linkable(target.Path) || target.Host != "" {
		return errBadRequest
	}
	expires := s.store.Now().Add(linkTTL).Unix()
	uri := target.RequestURI()
	q := url.Values{"p": {uri}, "m": {strconv.FormatInt(c.Member.ID, 10)}, "e": {strconv.FormatInt(expires, 10)},
		"s": {hex.EncodeToString(s.signLink(c.Member.ID, expires, uri))}}
	return writeJSON(w, http.StatusOK, map[string]string{"url": "/app/dl?" + q.Encode()})
}

// signedDownload serves a download named by a signed link, as the member
// who asked for it, through the same handler and checks as the API route.
func (s *Server) signedDownload(w http.ResponseWriter, r *http.Request) {
	if err := s.serveLink(w, r); err != nil {
		s.fail(w, err)
	}
}

func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	memberID, err1 := strconv.ParseInt(q.Get("m"), 10, 64)
	expires, err2 := strconv.ParseInt(q.Get("e"), 10, 64)
	got, err3 := hex.DecodeString(q.Get("s"))
	if err1 != nil || err2 != nil || err3 != nil || !hmac.Equal(got, s.signLink(memberID, expires, q.Get("p"))) {
		return errUnauthorized
	}
	if s.store.Now().Unix() > expires {
		return errUnauthorized
	}
	m, err := s.store.Read(r.Context()).Member(memberID)
	if errors.Is(err, db.ErrNotFound) || err == nil && !m.RemovedAt.IsZero() {
		return errForbidden
	}
	if err != nil {
		return err
	}
	if !s.limit.allow(m.ID) {
		return errRate
	}
	target, err := url.ParseRequestURI(q.Get("p"))
	if err != nil || !linkable(target.Path) {
		return errBadRequest
	}
	c := caller{Member: m, Lang: s.core.Lang(m.Lang, "")}
	inner := r.Clone(r.Context())
	inner.URL = target
	if target.Path == "/app/api/export" {
		if !hasRole(staff, m.Role) {
			return errForbidden
		}
		return s.export(w, inner, c)
	}
	inner.SetPathValue("id", strings.TrimPrefix(target.Path, "/app/api/files/"))
	return s.file(w, inner, c)
}
