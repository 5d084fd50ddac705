package telegramtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// Delivery is one attempt to POST an update to the webhook.
type Delivery struct {
	UpdateID int64
	Attempt  int    // 1 for the first try of this update
	Status   int    // HTTP status of the answer, 0 if there was none
	Err      string // transport error, if any
	Time     time.Time
}

// OK reports whether the webhook accepted the update.
func (d Delivery) OK() bool { return d.Err == "" && d.Status/100 == 2 }

type webhookState struct {
	url, secret string
	maxConns    int
	inFlight    int
	lastErrDate int
	lastErr     string
}

// Telegram's webhook rules (Client.cpp do_set_webhook, WebhookActor.cpp).
var (
	webhookPorts   = map[string]bool{"443": true, "80": true, "88": true, "8443": true}
	webhookSecret  = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)
	errWebhookPort = badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
	errWebhookTLS  = badRequest("bad webhook: An HTTPS URL must be provided for webhook")
)

// Webhook delivery as WebhookActor does it.
const (
	defaultMaxConns  = 40
	maxResendSeconds = 60 // back-off cap (Telegram picks 60-120 at random)
	webhookGiveUp    = 24 * time.Hour
)

func setWebhook(s *Server, _ context.Context, p *params) (any, error) {
	raw, secret := p.str("url"), p.str("secret_token")
	conns := p.int("max_connections")
	if p.err != nil {
		return nil, p.err
	}
	if raw != "" {
		if err := checkWebhook(raw, secret); err != nil {
			return nil, err
		}
	}
	if conns <= 0 {
		conns = defaultMaxConns
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// An empty URL removes the webhook, as in Telegram.
	s.st.webhook = webhookState{url: raw, secret: secret, maxConns: min(conns, 100), inFlight: s.st.webhook.inFlight}
	if p.bool("drop_pending_updates") {
		s.st.pending = nil
	}
	s.updated.broadcast()
	s.changed.broadcast()
	return true, nil
}

// checkWebhook applies setWebhook's rules to a new URL and secret token.
func checkWebhook(raw, secret string) *APIError {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return badRequest("invalid webhook URL specified")
	}
	if len(secret) > 256 {
		return badRequest("secret token is too long")
	}
	if !webhookSecret.MatchString(secret) {
		return badRequest("secret token contains unallowed characters")
	}
	if u.Scheme != "https" {
		return errWebhookTLS
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	if !webhookPorts[port] {
		return errWebhookPort
	}
	return nil
}

// WebhookClientFor returns a client that delivers every webhook POST to
// addr, whatever host and port the registered URL names, over TLS trusting
// tlsConf (an httptest TLS server's client config): the bot registers a URL
// Telegram would accept, and the test still receives the updates.
func WebhookClientFor(addr string, tlsConf *tls.Config) *http.Client {
	cfg := tlsConf.Clone()
	cfg.ServerName, _, _ = net.SplitHostPort(addr)
	var d net.Dialer
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: cfg,
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, addr)
			},
		},
	}
}

// ClockMoved tells the server its clock (WithClock) moved, so webhook
// retries that fell due are made now.
func (s *Server) ClockMoved() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updated.broadcast()
}

func deleteWebhook(s *Server, _ context.Context, p *params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.webhook = webhookState{inFlight: s.st.webhook.inFlight}
	if p.bool("drop_pending_updates") {
		s.st.pending = nil
	}
	s.updated.broadcast()
	s.changed.broadcast()
	return true, nil
}

func getWebhookInfo(s *Server, _ context.Context, _ *params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.st.webhook
	return &models.WebhookInfo{
		URL: w.url, PendingUpdateCount: len(s.st.pending),
		LastErrorDate: w.lastErrDate, LastErrorMessage: w.lastErr,
	}, nil
}

// Webhook returns the webhook URL and secret token the bot set; url is "" when none.
func (s *Server) Webhook() (url, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.webhook.url, s.st.webhook.secret
}

// Deliveries returns every webhook delivery attempt, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.deliveries)
}

// WaitDeliveries waits until at least n delivery attempts were made and returns them.
func (s *Server) WaitDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	var got []Delivery
	err := s.waitFor(ctx, func() bool {
		if len(s.st.deliveries) < n {
			return false
		}
		got = slices.Clone(s.st.deliveries)
		return true
	})
	return got, err
}

// deliverWebhooks is the webhook dispatcher. Like Telegram it posts several
// updates at once, up to the webhook's max connections, but only the oldest
// pending update of each chat, so a chat's updates arrive in order. A failed
// update is tried again at once, then after 2, 4, 8… seconds (at most a
// minute) on the server's clock, and dropped once it is a day old.
func (s *Server) deliverWebhooks() {
	defer s.workers.Done()
	for {
		s.mu.Lock()
		ready, wake := s.dueWebhooksLocked()
		hook := s.st.webhook
		for _, u := range ready {
			u.busy = true
			s.st.webhook.inFlight++
			s.workers.Add(1)
			go s.deliverOne(hook, u)
		}
		ch := s.updated.wait()
		s.mu.Unlock()
		if !s.idleWebhooks(ch, wake) {
			return
		}
	}
}

// idleWebhooks waits for a change, or until wake if it is set (a real-time
// backstop for the default real clock; a fake clock moves the retries
// through ClockMoved instead). It reports false when the server closes.
func (s *Server) idleWebhooks(changed <-chan struct{}, wake time.Duration) bool {
	var timer <-chan time.Time
	if wake > 0 {
		t := time.NewTimer(wake)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-changed:
	case <-timer:
	case <-s.done:
		return false
	}
	return true
}

// dueWebhooksLocked picks the updates to post now and, if some retry is not
// yet due, how long until the first is.
func (s *Server) dueWebhooksLocked() (ready []*pendingUpdate, wake time.Duration) {
	hook := &s.st.webhook
	if hook.url == "" {
		return nil, 0
	}
	now := s.now()
	seen := map[int64]bool{}
	free := hook.maxConns - hook.inFlight
	for _, u := range s.st.pending {
		if seen[u.chat] {
			continue // a chat's later updates wait for its first
		}
		seen[u.chat] = true
		switch {
		case u.busy:
		case u.due.After(now):
			if d := u.due.Sub(now); wake == 0 || d < wake {
				wake = d
			}
		case len(ready) < free:
			ready = append(ready, u)
		}
	}
	return ready, wake
}

// deliverOne posts one update and settles it: removed when the webhook
// took it or it is too old to try again, else scheduled for a retry.
func (s *Server) deliverOne(hook webhookState, u *pendingUpdate) {
	defer s.workers.Done()
	d := Delivery{UpdateID: u.id}
	d.Status, d.Err = s.post(hook, u.raw)
	d.Time = time.Now()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.webhook.inFlight--
	u.busy = false
	u.fails++
	d.Attempt = u.fails
	s.st.deliveries = append(s.st.deliveries, d)
	done := d.OK()
	if !done {
		s.st.webhook.lastErrDate = int(s.now().Unix())
		s.st.webhook.lastErr = d.Err
		if d.Err == "" {
			s.st.webhook.lastErr = fmt.Sprintf("Wrong response from the webhook: %d %s", d.Status, http.StatusText(d.Status))
		}
		// Telegram tries again at once after the first failure, then
		// doubles the wait.
		if u.fails > 1 {
			u.delay = min(max(u.delay, 1)*2, maxResendSeconds)
		}
		u.due = s.now().Add(time.Duration(u.delay) * time.Second)
		done = u.due.After(u.date.Add(webhookGiveUp))
	}
	if done {
		s.dropPendingLocked(u)
	}
	s.updated.broadcast()
	s.changed.broadcast()
}

// dropPendingLocked removes a delivered (or abandoned) update and moves the
// confirmed offset up to the oldest update still pending.
func (s *Server) dropPendingLocked(u *pendingUpdate) {
	i := slices.Index(s.st.pending, u)
	if i < 0 {
		return // dropped meanwhile (deleteWebhook, drop_pending_updates)
	}
	s.st.pending = slices.Delete(s.st.pending, i, i+1)
	next := u.id + 1
	if len(s.st.pending) > 0 {
		next = min(next, s.st.pending[0].id)
	}
	s.st.confirmed = max(s.st.confirmed, next)
}

// post sends one update to the webhook and returns the answer's status or the transport error.
func (s *Server) post(hook webhookState, body []byte) (int, string) {
	req, err := http.NewRequestWithContext(s.life, http.MethodPost, hook.url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	if hook.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.secret)
	}
	resp, err := s.hookCli.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	return resp.StatusCode, ""
}
