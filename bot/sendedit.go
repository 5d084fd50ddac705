package bot

// The outbox messages that act on what is already in a chat: an edit of a
// message's text or keyboard, a pin, the chat's command menu (see Sender).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
)

// sendTargetGone is an edit or pin whose message was never sent (its outbox
// row failed or was skipped): there is nothing to act on.
type sendTargetGone struct{ status db.OutStatus }

func (e *sendTargetGone) Error() string {
	return fmt.Sprintf("the message to act on was not sent (%s)", e.status)
}

// actRequest builds the call of an edit or pin. A target named by its
// outbox row is resolved first: still pending, the call is tried again
// later like any error that may pass.
func (s *Sender) actRequest(ctx context.Context, m db.OutMessage, markup models.ReplyMarkup) (sendRequest, error) {
	chatID, target := m.ChatID, m.ReplyTo
	if target == 0 && m.TargetOutbox != 0 {
		status, chat, id, err := s.store.Read(ctx).OutboxTarget(m.TargetOutbox)
		switch {
		case errors.Is(err, db.ErrNotFound):
			return nil, &sendTargetGone{status: "deleted"}
		case err != nil:
			return nil, err
		case status == db.OutPending:
			return nil, fmt.Errorf("outbox %d: the message to act on (outbox %d) is not sent yet", m.ID, m.TargetOutbox)
		case status != db.OutSent || id == 0:
			return nil, &sendTargetGone{status: status}
		}
		chatID, target = chat, id
	}
	if target == 0 {
		return nil, &sendLocalError{fmt.Errorf("outbox %d: %s names no message", m.ID, m.Kind)}
	}
	done := func(err error) (int, error) { return target, err }
	switch m.Kind {
	case db.KindEditText:
		return func(ctx context.Context) (int, error) {
			_, err := s.api.EditMessageText(ctx, &tgbot.EditMessageTextParams{
				ChatID: chatID, MessageID: target, Text: m.Text, ParseMode: models.ParseMode(m.ParseMode), ReplyMarkup: markup,
			})
			return done(err)
		}, nil
	case db.KindEditMarkup:
		return func(ctx context.Context) (int, error) {
			_, err := s.api.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{
				ChatID: chatID, MessageID: target, ReplyMarkup: markup,
			})
			return done(err)
		}, nil
	default: // db.KindPin
		return func(ctx context.Context) (int, error) {
			_, err := s.api.PinChatMessage(ctx, &tgbot.PinChatMessageParams{ChatID: chatID, MessageID: target})
			return done(err)
		}, nil
	}
}

// actDone tells whether a refused edit or pin needs no more doing, and
// why: the message already reads so, or it is gone (deleted, too old to
// edit, never sent). Retrying would only be refused again.
func actDone(m db.OutMessage, err error) (note string, ok bool) {
	if !m.Kind.Acts() || err == nil {
		return "", false
	}
	var gone *sendTargetGone
	if errors.As(err, &gone) {
		return gone.Error(), true
	}
	if !errors.Is(err, tgbot.ErrorBadRequest) {
		return "", false
	}
	msg := err.Error()
	for _, done := range []string{"message is not modified", "message to edit not found", "message to pin not found",
		"message can't be edited", "MESSAGE_ID_INVALID"} {
		if strings.Contains(msg, done) {
			return sendRedact(msg), true
		}
	}
	return "", false
}

// menuRequest builds the call that sets a private chat's command menu to
// the commands in m.Text, or clears it.
func (s *Sender) menuRequest(m db.OutMessage) (sendRequest, error) {
	scope := &models.BotCommandScopeChat{ChatID: m.ChatID}
	if m.Text == "" {
		return func(ctx context.Context) (int, error) {
			_, err := s.api.DeleteMyCommands(ctx, &tgbot.DeleteMyCommandsParams{Scope: scope})
			return 0, err
		}, nil
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(m.Text), &cmds); err != nil {
		return nil, &sendLocalError{fmt.Errorf("outbox %d: bad command menu: %w", m.ID, err)}
	}
	return func(ctx context.Context) (int, error) {
		_, err := s.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, Scope: scope})
		return 0, err
	}, nil
}
