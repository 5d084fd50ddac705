package desk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxAge is how old Telegram's init data may be before the desk asks
// for a fresh start: Telegram signs it once when the Mini App opens.
const DefaultMaxAge = 24 * time.Hour

// Why init data is refused. Every one of them is a 401: the caller has not
// proved who they are.
var (
	ErrNoInitData   = errors.New("no init data")
	ErrMalformed    = errors.New("init data is malformed")
	ErrDuplicateKey = errors.New("init data repeats a field")
	ErrBadHash      = errors.New("init data signature does not match")
	ErrStale        = errors.New("init data is too old")
	ErrNoUser       = errors.New("init data names no user")
)

// WebAppUser is the Telegram user the init data vouches for.
type WebAppUser struct {
	ID           int64  `json:"id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Username     string `json:"username"`
	LanguageCode string `json:"language_code"`
}

// WebAppKey is the secret Telegram's Mini App signatures are checked with:
// HMAC-SHA-256 of the bot token keyed with "WebAppData". The desk keeps only
// this key, never the token itself.
func WebAppKey(botToken string) []byte {
	m := hmac.New(sha256.New, []byte("WebAppData"))
	m.Write([]byte(botToken))
	return m.Sum(nil)
}

// CheckInitData verifies init data exactly as Telegram documents for Mini
// Apps: the hash is the hex HMAC-SHA-256, keyed with key, of every other
// field as "key=value" lines in key order, compared in constant time; and
// auth_date is at most maxAge before now. A field given twice is refused, so
// no reader can see a different value from the one that was signed.
func CheckInitData(initData string, key []byte, maxAge time.Duration, now time.Time) (WebAppUser, error) {
	if initData == "" {
		return WebAppUser{}, ErrNoInitData
	}
	fields := map[string]string{}
	for _, pair := range strings.Split(initData, "&") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return WebAppUser{}, ErrMalformed
		}
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || k == "" {
			return WebAppUser{}, ErrMalformed
		}
		if _, dup := fields[k]; dup {
			return WebAppUser{}, ErrDuplicateKey
		}
		fields[k] = v
	}
	got, err := hex.DecodeString(fields["hash"])
	if err != nil || len(got) != sha256.Size {
		return WebAppUser{}, ErrBadHash
	}
	if !hmac.Equal(dataCheckHash(key, fields), got) {
		return WebAppUser{}, ErrBadHash
	}
	// Only signed data is looked at from here on.
	authDate, err := strconv.ParseInt(fields["auth_date"], 10, 64)
	if err != nil || authDate <= 0 {
		return WebAppUser{}, ErrMalformed
	}
	if age := now.Sub(time.Unix(authDate, 0)); age > maxAge || age < -time.Minute {
		return WebAppUser{}, ErrStale
	}
	var u WebAppUser
	if fields["user"] == "" || json.Unmarshal([]byte(fields["user"]), &u) != nil || u.ID == 0 {
		return WebAppUser{}, ErrNoUser
	}
	return u, nil
}

// dataCheckHash is the HMAC of the data-check string: every field but
// "hash" as key=value, sorted by key, one per line.
func dataCheckHash(key []byte, fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != "hash" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "=" + fields[k]
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(lines, "\n")))
	return m.Sum(nil)
}

// SignInitData makes init data as Telegram would for user at authDate, with
// any extra fields; tests stand in for Telegram with it, since only Telegram
// signs init data in production.
func SignInitData(key []byte, u WebAppUser, authDate time.Time, extra map[string]string) string {
	raw, _ := json.Marshal(u)
	fields := map[string]string{}
	for k, v := range extra {
		fields[k] = v
	}
	fields["user"] = string(raw)
	fields["auth_date"] = strconv.FormatInt(authDate.Unix(), 10)
	q := url.Values{}
	for k, v := range fields {
		q.Set(k, v)
	}
	q.Set("hash", hex.EncodeToString(dataCheckHash(key, fields)))
	return q.Encode()
}
