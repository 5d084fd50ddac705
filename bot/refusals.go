package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tgbot "github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/db"
)

// Refusal is why Telegram will not deliver to a chat. Each has a path: the
// sender holds or redirects the chat's messages so nothing is retried in a
// loop, and SenderConfig.OnUnreachable tells the people who can fix it.
type Refusal int

// The refusals, with Telegram's answers (tdlib/telegram-bot-api Client.cpp).
const (
	// RefusedBlocked: 403 "bot was blocked by the user" (or the account is gone).
	RefusedBlocked Refusal = iota + 1
	// RefusedNotStarted: 403 "bot can't initiate conversation with a user":
	// the member joined through a link but never opened the bot.
	RefusedNotStarted
	// RefusedKicked: 403 "bot was kicked from the group chat" (or "…
	// supergroup chat", "bot is not a member…"): the bot left a bound group.
	RefusedKicked
	// RefusedTopicGone: 400 "message thread not found" for a message to a
	// forum topic: the topic the chat is bound to was deleted.
	RefusedTopicGone
)

// reachability is what a refusal of a member's private chat records of
// them: blocked, or never opened a chat with the bot.
func (r Refusal) reachability() db.Reachability {
	if r == RefusedNotStarted {
		return db.UnreachableNotStarted
	}
	return db.UnreachableBlocked
}

// refusalOf reads a refused call's error; 0 means the error is no refusal of
// the chat.
func refusalOf(err error, m db.OutMessage) Refusal {
	msg := err.Error()
	switch {
	case errors.Is(err, tgbot.ErrorForbidden) && strings.Contains(msg, "can't initiate conversation"):
		return RefusedNotStarted
	case errors.Is(err, tgbot.ErrorForbidden) && m.ChatID < 0:
		return RefusedKicked
	case errors.Is(err, tgbot.ErrorForbidden):
		return RefusedBlocked
	case errors.Is(err, tgbot.ErrorBadRequest) && m.ThreadID != 0 && strings.Contains(msg, "message thread not found"):
		return RefusedTopicGone
	}
	return 0
}

// leaveTopic moves a chat out of its deleted forum topic: its bindings and
// pending messages go to the chat itself, and OnUnreachable hears of it
// once, when the binding moved.
func (s *Sender) leaveTopic(ctx context.Context, m db.OutMessage) error {
	var moved bool
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		moved, err = tx.DropThread(m.ChatID, m.ThreadID)
		return err
	})
	if err != nil {
		return fmt.Errorf("leave deleted topic %d of chat %d: %w", m.ThreadID, m.ChatID, err)
	}
	s.log.Warn("forum topic deleted; writing to the chat itself", "chat", m.ChatID, "thread", m.ThreadID, "outbox_id", m.ID)
	if moved && s.cfg.OnUnreachable != nil {
		s.cfg.OnUnreachable(0, m.ChatID, RefusedTopicGone)
	}
	return nil
}

// tellAdmins writes to every reachable admin that a bound chat refused the
// bot (RefusedKicked, RefusedTopicGone), naming the chat by its title.
func (b *Bot) tellAdmins(chatID int64, why Refusal) {
	ctx := context.Background()
	r := b.store.Read(ctx)
	title := fmt.Sprint(chatID)
	for _, kind := range []db.ChatKind{db.ChatOffice, db.ChatGroup} {
		if c, err := r.Chat(kind); err == nil && c.ChatID == chatID && c.Title != "" {
			title = c.Title
		}
	}
	key := "admin.bot_kicked"
	if why == RefusedTopicGone {
		key = "admin.topic_gone"
	}
	admins, err := r.MembersByRole(db.RoleAdmin)
	if err == nil {
		err = b.store.Tx(ctx, func(tx *db.Tx) error {
			for _, a := range admins {
				if !a.UnreachableAt.IsZero() {
					continue
				}
				_, _, err := tx.Enqueue(db.OutMessage{
					Key:    fmt.Sprintf("refused:%d:%d:%d:%d", why, chatID, a.ID, b.store.Now().Unix()),
					ChatID: a.TelegramID, MemberID: a.ID, Text: tr(pickLang(a.Lang, ""), key, title),
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		b.log.Error("tell admins a chat refused the bot", "chat", chatID, "err", err)
	}
}
