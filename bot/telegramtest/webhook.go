package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// WebhookRetry says how injected updates are redelivered to a webhook that
// answers non-2xx or fails. After Attempts tries the update is dropped, as
// Telegram eventually gives up. Tests set a small Delay to stay fast.
type WebhookRetry struct {
	Attempts int           // tries per update, at least 1; default 3
	Delay    time.Duration // pause after a failed try; default 10ms
}

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
	lastErrDate int
	lastErr     string
}

func setWebhook(s *Server, _ context.Context, p *params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The fake accepts http:// URLs, unlike Telegram, so tests can use a plain
	// httptest server; an empty URL removes the webhook as in Telegram.
	s.st.webhook = webhookState{url: p.str("url"), secret: p.str("secret_token")}
	if p.bool("drop_pending_updates") {
		s.st.pending = nil
	}
	s.updated.broadcast()
	s.changed.broadcast()
	return true, nil
}

func deleteWebhook(s *Server, _ context.Context, p *params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.webhook = webhookState{}
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

// deliverWebhooks is the webhook worker: while a webhook is set it POSTs the
// oldest pending update, in order, one at a time, retrying per s.retry.
func (s *Server) deliverWebhooks() {
	defer s.workers.Done()
	var current int64
	attempt := 0
	for {
		s.mu.Lock()
		for s.st.webhook.url == "" || len(s.st.pending) == 0 {
			ch := s.updated.wait()
			s.mu.Unlock()
			select {
			case <-ch:
			case <-s.done:
				return
			}
			s.mu.Lock()
		}
		u, hook := s.st.pending[0], s.st.webhook
		s.mu.Unlock()

		if u.id != current {
			current, attempt = u.id, 0
		}
		attempt++
		d := Delivery{UpdateID: u.id, Attempt: attempt}
		d.Status, d.Err = s.post(hook, u.raw)
		d.Time = time.Now()

		s.mu.Lock()
		s.st.deliveries = append(s.st.deliveries, d)
		if !d.OK() {
			s.st.webhook.lastErrDate = int(s.now().Unix())
			s.st.webhook.lastErr = d.Err
			if d.Err == "" {
				s.st.webhook.lastErr = fmt.Sprintf("Wrong response from the webhook: %d %s", d.Status, http.StatusText(d.Status))
			}
		}
		done := d.OK() || attempt >= max(s.retry.Attempts, 1)
		// The queue may have changed during the POST (deleteWebhook dropping
		// updates), so only remove the update if it is still at the head.
		if done && len(s.st.pending) > 0 && s.st.pending[0].id == u.id {
			s.st.pending = s.st.pending[1:]
			s.st.confirmed = max(s.st.confirmed, u.id+1)
		}
		s.changed.broadcast()
		s.mu.Unlock()
		if !done && !s.pause(context.Background(), s.retry.Delay) {
			return
		}
	}
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
