package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/db"
)

// inboxClient is the HTTP client we give go-telegram/bot. For getUpdates it
// stores every update in the inbox before the library sees the answer: the
// library moves its offset as soon as it sees an update, and Telegram forgets
// an update once a later getUpdates confirms that offset, so an update must
// be on disk first. It also honours retry_after on 429, which the library's
// poll loop ignores.
type inboxClient struct {
	b           *Bot
	next        *http.Client
	pollTimeout time.Duration
}

// telegramAnswer is the envelope of every Bot API answer.
type telegramAnswer struct {
	OK         bool              `json:"ok"`
	Result     []json.RawMessage `json:"result"`
	ErrorCode  int               `json:"error_code"`
	Parameters struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func (c *inboxClient) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		resp, err := c.next.Do(req)
		if err == nil && resp.StatusCode < 500 {
			c.b.lastOK.mark()
		}
		return resp, err
	}
	// The poll may wait pollTimeout on the server; give it a little more.
	ctx, cancel := context.WithTimeout(req.Context(), c.pollTimeout+15*time.Second)
	defer cancel()
	resp, err := c.next.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read getUpdates answer: %w", err)
	}
	var ans telegramAnswer
	if json.Unmarshal(body, &ans) == nil {
		if ans.OK {
			c.b.lastOK.mark()
			if err := c.b.storeUpdates(req.Context(), ans.Result); err != nil {
				// Not stored: fail the poll so the offset does not move and
				// Telegram delivers the same updates again.
				c.b.inboxFailures.Add(1)
				c.b.log.Error("store updates", "err", err)
				return nil, fmt.Errorf("store updates: %w", err)
			}
		} else if ans.ErrorCode == http.StatusTooManyRequests && ans.Parameters.RetryAfter > 0 {
			d := time.Duration(ans.Parameters.RetryAfter) * time.Second
			c.b.log.Warn("getUpdates rate limited", "retry_after", d)
			if err := c.b.cfg.Pacer.Sleep(req.Context(), d); err != nil {
				return nil, err
			}
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// storeUpdates writes raw updates to the inbox and wakes the dispatcher.
func (b *Bot) storeUpdates(ctx context.Context, raws []json.RawMessage) error {
	if len(raws) == 0 {
		return nil
	}
	ups := make([]db.InboundUpdate, 0, len(raws))
	for _, raw := range raws {
		u, err := inbound(raw)
		if err != nil {
			return err
		}
		ups = append(ups, u)
	}
	err := b.store.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.StoreUpdates(ups)
		return err
	})
	if err == nil {
		b.wakeDispatcher()
	}
	return err
}

// inbound reads just enough of an update to file it: its id and chat.
func inbound(raw []byte) (db.InboundUpdate, error) {
	var head struct {
		UpdateID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.UpdateID == 0 {
		return db.InboundUpdate{}, fmt.Errorf("update without update_id")
	}
	return db.InboundUpdate{ID: head.UpdateID, ChatID: chatOf(raw), Payload: append([]byte(nil), raw...)}, nil
}

// chatOf finds the chat an update belongs to, so one chat's updates can be
// handled in order while other chats proceed.
func chatOf(raw []byte) int64 {
	type chat struct {
		ID int64 `json:"id"`
	}
	type msg struct {
		Chat chat `json:"chat"`
	}
	var u struct {
		Message       *msg `json:"message"`
		EditedMessage *msg `json:"edited_message"`
		CallbackQuery *struct {
			Message *msg `json:"message"`
			From    chat `json:"from"`
		} `json:"callback_query"`
		MyChatMember *msg `json:"my_chat_member"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return 0
	}
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// WebhookHandler receives updates from Telegram in webhook mode. The secret
// is compared in constant time, and Telegram gets its 200 only after the
// update is stored, so a crash before that makes Telegram deliver it again.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := b.storeUpdates(r.Context(), []json.RawMessage{raw}); err != nil {
			b.log.Error("webhook: store update", "err", err)
			http.Error(w, "not stored", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// SetWebhook tells Telegram where to deliver updates.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	_, err := b.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: url, SecretToken: secret})
	if err != nil {
		return fmt.Errorf("set webhook: %s", redact(err.Error(), b.cfg.Token))
	}
	return nil
}
