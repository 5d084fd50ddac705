package bot

// The Bot API call that sends one outbox message (see Sender).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
)

// sendRequest makes one Telegram call and returns the new message's id.
type sendRequest func(ctx context.Context) (messageID int, err error)

// Telegram's length limits, in UTF-16 code units.
const (
	sendTextLimit    = 4096
	sendCaptionLimit = 1024
)

// request builds the call that sends m, or its first part; rest is the text
// still to send after it ("" when the call sends everything).
func (s *Sender) request(ctx context.Context, m db.OutMessage) (req sendRequest, rest string, err error) {
	markup, err := sendMarkup(m.Markup)
	if err != nil {
		return nil, "", &sendLocalError{fmt.Errorf("outbox %d: bad inline keyboard: %w", m.ID, err)}
	}
	if m.Kind.Acts() {
		req, err := s.actRequest(ctx, m, markup)
		return req, "", err
	}
	html := strings.EqualFold(m.ParseMode, string(models.ParseModeHTML))
	var reply *models.ReplyParameters
	if m.ReplyTo != 0 {
		reply = &models.ReplyParameters{MessageID: m.ReplyTo, AllowSendingWithoutReply: true}
	}
	parseMode := models.ParseMode(m.ParseMode)
	switch m.Kind {
	case db.KindText, "":
		text, rest := sendSplit(m.Text, sendTextLimit, html)
		if rest != "" {
			markup = nil // the keyboard goes under the last part
		}
		return func(ctx context.Context) (int, error) {
			msg, err := s.api.SendMessage(ctx, &tgbot.SendMessageParams{
				ChatID: m.ChatID, MessageThreadID: m.ThreadID, Text: text, ParseMode: parseMode,
				ReplyParameters: reply, ReplyMarkup: markup,
			})
			return sendMessageID(msg, err)
		}, rest, nil

	case db.KindDocument, db.KindPhoto:
		if _, err := os.Stat(m.FilePath); err != nil {
			return nil, "", &sendLocalError{fmt.Errorf("outbox %d: the file to send is missing: %w", m.ID, err)}
		}
		caption, rest := sendCaption(m.Text, html)
		if rest != "" {
			markup = nil
		}
		name := m.FileName
		if name == "" {
			name = filepath.Base(m.FilePath)
		}
		return func(ctx context.Context) (int, error) {
			// Opened per call: an upload consumes the reader, and a 429
			// sends the same file again.
			f, err := os.Open(m.FilePath)
			if err != nil {
				return 0, &sendLocalError{fmt.Errorf("outbox %d: open the file to send: %w", m.ID, err)}
			}
			defer f.Close()
			file := &models.InputFileUpload{Filename: name, Data: f}
			var msg *models.Message
			if m.Kind == db.KindPhoto {
				msg, err = s.api.SendPhoto(ctx, &tgbot.SendPhotoParams{
					ChatID: m.ChatID, MessageThreadID: m.ThreadID, Photo: file, Caption: caption, ParseMode: parseMode,
					ReplyParameters: reply, ReplyMarkup: markup,
				})
			} else {
				msg, err = s.api.SendDocument(ctx, &tgbot.SendDocumentParams{
					ChatID: m.ChatID, MessageThreadID: m.ThreadID, Document: file, Caption: caption, ParseMode: parseMode,
					ReplyParameters: reply, ReplyMarkup: markup,
				})
			}
			return sendMessageID(msg, err)
		}, rest, nil

	case db.KindMenu:
		req, err := s.menuRequest(m)
		return req, "", err

	case db.KindCopy:
		caption, rest := sendCaption(m.Text, html)
		if rest != "" {
			markup = nil
		}
		return func(ctx context.Context) (int, error) {
			// An empty caption keeps the original message's own.
			id, err := s.api.CopyMessage(ctx, &tgbot.CopyMessageParams{
				ChatID: m.ChatID, MessageThreadID: m.ThreadID, FromChatID: m.CopyChatID, MessageID: m.CopyMessageID,
				Caption: caption, ParseMode: parseMode, ReplyParameters: reply, ReplyMarkup: markup,
			})
			if err != nil {
				return 0, err
			}
			if id == nil {
				return 0, nil
			}
			return id.ID, nil
		}, rest, nil
	}
	return nil, "", &sendLocalError{fmt.Errorf("outbox %d: unknown kind %q", m.ID, m.Kind)}
}

func sendMessageID(msg *models.Message, err error) (int, error) {
	if err != nil || msg == nil {
		return 0, err
	}
	return msg.ID, nil
}

// sendMarkup checks that an outbox row's markup is an inline keyboard and
// returns it as stored (nil if there is none). Sending the stored JSON, not a
// re-encoded models value, keeps fields the producer left out out of the
// request.
func sendMarkup(raw string) (models.ReplyMarkup, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, err
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, nil
	}
	return json.RawMessage(raw), nil
}
