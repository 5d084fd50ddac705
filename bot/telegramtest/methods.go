package telegramtest

import (
	"context"
	"reflect"
	"strings"

	"github.com/go-telegram/bot/models"
)

// methodFunc answers one Bot API method; the result is encoded as "result".
type methodFunc func(s *Server, ctx context.Context, p *params) (any, error)

// methods maps lower-case method names (Telegram ignores case) to handlers.
var methods = map[string]methodFunc{
	"getme":                  getMe,
	"getupdates":             getUpdates,
	"sendmessage":            sendMessage,
	"senddocument":           sendDocument,
	"sendphoto":              sendPhoto,
	"copymessage":            copyMessage,
	"forwardmessage":         forwardMessage,
	"editmessagetext":        editMessageText,
	"editmessagereplymarkup": editMessageReplyMarkup,
	"deletemessage":          deleteMessage,
	"pinchatmessage":         pinChatMessage,
	"sendchataction":         sendChatAction,
	"answercallbackquery":    answerCallbackQuery,
	"getfile":                getFile,
	"getchat":                getChat,
	"setmycommands":          setMyCommands,
	"deletemycommands":       deleteMyCommands,
	"setwebhook":             setWebhook,
	"deletewebhook":          deleteWebhook,
	"getwebhookinfo":         getWebhookInfo,
}

func getMe(s *Server, _ context.Context, _ *params) (any, error) {
	u := s.botUser
	return &u, nil
}

// outgoing holds the parameters every message-creating method shares.
type outgoing struct {
	method       string
	chat         string // chat_id as sent: a number or "@username"
	threadID     int
	parseMode    string
	markup       string
	inline       *models.InlineKeyboardMarkup
	buttons      [][]Button
	replyTo      int
	allowNoReply bool
	silent       bool
}

func readOutgoing(method string, p *params) outgoing {
	o := outgoing{
		method:    method,
		chat:      p.str("chat_id"),
		threadID:  p.int("message_thread_id"),
		parseMode: p.str("parse_mode"),
		markup:    p.str("reply_markup"),
		silent:    p.bool("disable_notification"),
	}
	o.inline, o.buttons = readMarkup(p)
	o.replyTo, o.allowNoReply = p.replyTo()
	return o
}

// readMarkup checks reply_markup as Telegram parses it and decodes an inline
// keyboard; other keyboard kinds decode to nil and stay visible in
// Sent.ReplyMarkup.
func readMarkup(p *params) (*models.InlineKeyboardMarkup, [][]Button) {
	raw := p.str("reply_markup")
	if raw == "" || p.err != nil {
		return nil, nil
	}
	if err := checkInlineKeyboard(raw); err != nil {
		p.err = err
		return nil, nil
	}
	var m models.InlineKeyboardMarkup
	p.json("reply_markup", &m)
	if len(m.InlineKeyboard) == 0 {
		return nil, nil
	}
	buttons := make([][]Button, len(m.InlineKeyboard))
	for i, row := range m.InlineKeyboard {
		for _, b := range row {
			buttons[i] = append(buttons[i], Button{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL})
		}
	}
	return &m, buttons
}

// send is the shared path of every method that creates a message: resolve and
// check the chat, let fill validate and set the content, check the reply
// target and the rate limits, then store and record the message.
func (s *Server) send(o outgoing, fill func(c *chatState, m *models.Message, rec *Sent) error) (*models.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.sendTargetLocked(o.chat, o.threadID)
	if apiErr != nil {
		return nil, apiErr
	}
	bot := s.botUser
	m := &models.Message{From: &bot, MessageThreadID: o.threadID, ReplyMarkup: o.inline}
	if !c.chat.IsForum {
		m.MessageThreadID = 0 // ignored outside forums, as in Telegram
	}
	rec := Sent{
		Method: o.method, ChatID: c.chat.ID, ThreadID: o.threadID, ParseMode: o.parseMode,
		Buttons: o.buttons, ReplyMarkup: o.markup, ReplyToMessageID: o.replyTo, DisableNotification: o.silent,
	}
	if err := fill(c, m, &rec); err != nil {
		return nil, err
	}
	if o.replyTo != 0 {
		r := c.messages[o.replyTo]
		switch {
		case r != nil:
			// Telegram nests reply_to_message one level deep only.
			shallow := *r
			shallow.ReplyToMessage = nil
			m.ReplyToMessage = &shallow
		case !o.allowNoReply:
			return nil, badRequest("message to be replied not found")
		}
	}
	if apiErr := s.admitLocked(c.chat.ID); apiErr != nil {
		return nil, apiErr
	}
	s.newMessageLocked(c, m)
	rec.MessageID = m.ID
	s.recordLocked(rec)
	return m, nil
}

func sendMessage(s *Server, _ context.Context, p *params) (any, error) {
	o := readOutgoing("sendMessage", p)
	text := p.str("text")
	var preview *models.LinkPreviewOptions
	p.json("link_preview_options", &preview)
	if p.err != nil {
		return nil, p.err
	}
	return s.send(o, func(_ *chatState, m *models.Message, rec *Sent) error {
		plain, err := checkText(text, o.parseMode, false)
		if err != nil {
			return err
		}
		m.Text, m.LinkPreviewOptions, rec.Text = plain, preview, text
		return nil
	})
}

func sendDocument(s *Server, _ context.Context, p *params) (any, error) {
	return sendFile(s, p, "sendDocument", "document")
}

func sendPhoto(s *Server, _ context.Context, p *params) (any, error) {
	return sendFile(s, p, "sendPhoto", "photo")
}

// sendFile serves sendDocument and sendPhoto, which differ only in the field
// name and in how the message shows the file.
func sendFile(s *Server, p *params, method, field string) (any, error) {
	o := readOutgoing(method, p)
	caption := p.str("caption")
	if p.err != nil {
		return nil, p.err
	}
	return s.send(o, func(_ *chatState, m *models.Message, rec *Sent) error {
		plain, err := checkText(caption, o.parseMode, true)
		if err != nil {
			return err
		}
		if err := checkUpload(p, field); err != nil {
			return err
		}
		f, err := s.inputFileLocked(p, field)
		if err != nil {
			return err
		}
		if field == "photo" {
			m.Photo = s.photoSizesLocked(f)
		} else {
			m.Document = f.document()
		}
		m.Caption, rec.Caption, rec.File = plain, caption, f.sent()
		return nil
	})
}

// copyMessage and forwardMessage share readSource: both create a new message
// from a stored one.
func copyMessage(s *Server, _ context.Context, p *params) (any, error) {
	o := readOutgoing("copyMessage", p)
	caption, newCaption := p.str("caption"), p.has("caption")
	from, id := p.str("from_chat_id"), p.int("message_id")
	if p.err != nil {
		return nil, p.err
	}
	m, err := s.send(o, func(_ *chatState, m *models.Message, rec *Sent) error {
		if err := s.copySourceLocked(from, id, "copy", m, rec); err != nil {
			return err
		}
		if newCaption {
			plain, err := checkText(caption, o.parseMode, true)
			if err != nil {
				return err
			}
			m.Caption, rec.Caption = plain, caption
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &models.MessageID{ID: m.ID}, nil
}

// forwardMessage copies the content; the result has no forward_origin because
// models.MessageOrigin's MarshalJSON writes to the value, which would race
// when a stored message is encoded by two requests at once.
func forwardMessage(s *Server, _ context.Context, p *params) (any, error) {
	o := readOutgoing("forwardMessage", p)
	o.inline, o.buttons, o.markup = nil, nil, "" // forwards cannot carry a keyboard
	from, id := p.str("from_chat_id"), p.int("message_id")
	if p.err != nil {
		return nil, p.err
	}
	return s.send(o, func(_ *chatState, m *models.Message, rec *Sent) error {
		return s.copySourceLocked(from, id, "forward", m, rec)
	})
}

// copySourceLocked copies the content of a stored message into m.
func (s *Server) copySourceLocked(fromChat string, id int, verb string, m *models.Message, rec *Sent) error {
	c, src := s.messageLocked(fromChat, id)
	if src == nil {
		return badRequest("message to %s not found", verb)
	}
	m.Text, m.Entities, m.Caption, m.CaptionEntities = src.Text, src.Entities, src.Caption, src.CaptionEntities
	m.Document, m.Photo = src.Document, src.Photo
	rec.FromChatID, rec.SourceMessageID = c.chat.ID, src.ID
	rec.Text, rec.Caption = src.Text, src.Caption
	rec.File = s.messageFileLocked(src)
	return nil
}

func editMessageText(s *Server, _ context.Context, p *params) (any, error) {
	text, parseMode := p.str("text"), p.str("parse_mode")
	return s.edit(p, "editMessageText", func(old, m *models.Message, rec *Sent) error {
		if old.Text == "" {
			return badRequest("there is no text in the message to edit")
		}
		plain, err := checkText(text, parseMode, false)
		if err != nil {
			return err
		}
		m.Text, rec.Text, rec.ParseMode = plain, text, parseMode
		return nil
	})
}

func editMessageReplyMarkup(s *Server, _ context.Context, p *params) (any, error) {
	return s.edit(p, "editMessageReplyMarkup", func(_, _ *models.Message, _ *Sent) error { return nil })
}

// edit is the shared path of the edit methods: find the bot's message, let
// change set the new content, refuse a no-op like Telegram, store a new copy.
// Both methods replace the inline keyboard; leaving reply_markup out removes it.
func (s *Server) edit(p *params, method string, change func(old, m *models.Message, rec *Sent) error) (any, error) {
	if p.str("inline_message_id") != "" {
		return nil, badRequest("inline messages are not supported by telegramtest")
	}
	id := p.int("message_id")
	inline, buttons := readMarkup(p)
	if p.err != nil {
		return nil, p.err
	}
	if err := checkParseMode(p.str("text"), p.str("parse_mode")); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, old := s.messageLocked(p.str("chat_id"), id)
	if c != nil {
		if err := s.chatRefusalLocked(c); err != nil {
			return nil, err
		}
	}
	if old == nil {
		return nil, badRequest("message to edit not found")
	}
	if old.From == nil || old.From.ID != s.botUser.ID {
		return nil, badRequest("message can't be edited")
	}
	m := *old
	m.ReplyMarkup = inline
	rec := Sent{Method: method, ChatID: c.chat.ID, MessageID: id, Buttons: buttons, ReplyMarkup: p.str("reply_markup")}
	if err := change(old, &m, &rec); err != nil {
		return nil, err
	}
	if m.Text == old.Text && reflect.DeepEqual(m.ReplyMarkup, old.ReplyMarkup) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	// Edits count against the same flood limits as sends.
	if apiErr := s.admitLocked(c.chat.ID); apiErr != nil {
		return nil, apiErr
	}
	m.EditDate = int(s.now().Unix())
	c.messages[id] = &m
	s.recordLocked(rec)
	return &m, nil
}

func deleteMessage(s *Server, _ context.Context, p *params) (any, error) {
	return s.onMessage(p, "deleteMessage", "delete", func(c *chatState, id int) { delete(c.messages, id) })
}

func pinChatMessage(s *Server, _ context.Context, p *params) (any, error) {
	return s.onMessage(p, "pinChatMessage", "pin", func(c *chatState, id int) { c.pinned = id })
}

// onMessage is the shared path of methods that act on one stored message and answer true.
func (s *Server) onMessage(p *params, method, verb string, act func(c *chatState, id int)) (any, error) {
	id := p.int("message_id")
	if p.err != nil {
		return nil, p.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m := s.messageLocked(p.str("chat_id"), id)
	if c != nil {
		if err := s.chatRefusalLocked(c); err != nil {
			return nil, err
		}
	}
	if m == nil {
		return nil, badRequest("message to %s not found", verb)
	}
	act(c, id)
	s.recordLocked(Sent{Method: method, ChatID: c.chat.ID, MessageID: id, DisableNotification: p.bool("disable_notification")})
	return true, nil
}

func sendChatAction(s *Server, _ context.Context, p *params) (any, error) {
	thread := p.int("message_thread_id")
	if p.err != nil {
		return nil, p.err
	}
	if action := strings.ToLower(p.str("action")); !chatActions[action] && action != "cancel" {
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.sendTargetLocked(p.str("chat_id"), thread)
	if err != nil {
		return nil, err
	}
	s.recordLocked(Sent{Method: "sendChatAction", ChatID: c.chat.ID, ThreadID: thread, Action: p.str("action")})
	return true, nil
}

func answerCallbackQuery(s *Server, _ context.Context, p *params) (any, error) {
	id := p.str("callback_query_id")
	text := p.str("text")
	s.mu.Lock()
	defer s.mu.Unlock()
	// Each query can be answered once, and only within 15 seconds.
	q, open := s.st.openCallbacks[id]
	if !open || s.now().Sub(q.at) > callbackTimeout {
		delete(s.st.openCallbacks, id)
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if len([]rune(text)) > maxCallbackAlert {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	delete(s.st.openCallbacks, id)
	s.recordLocked(Sent{Method: "answerCallbackQuery", ChatID: q.chatID, CallbackQueryID: id, Text: text, ShowAlert: p.bool("show_alert")})
	return true, nil
}

func getChat(s *Server, _ context.Context, p *params) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupChatLocked(p.str("chat_id"))
	if err != nil {
		return nil, err
	}
	ch := c.chat
	return &models.ChatFullInfo{
		ID: ch.ID, Type: ch.Type, Title: ch.Title, Username: ch.Username,
		FirstName: ch.FirstName, LastName: ch.LastName, IsForum: ch.IsForum,
	}, nil
}

func setMyCommands(s *Server, _ context.Context, p *params) (any, error) {
	var cmds []models.BotCommand
	p.json("commands", &cmds)
	if p.err != nil {
		return nil, p.err
	}
	if err := checkCommands(cmds, p.str("language_code")); err != nil {
		return nil, err
	}
	return s.recordCommands(p, "setMyCommands", cmds)
}

func deleteMyCommands(s *Server, _ context.Context, p *params) (any, error) {
	if err := checkCommands(nil, p.str("language_code")); err != nil {
		return nil, err
	}
	return s.recordCommands(p, "deleteMyCommands", nil)
}

func (s *Server) recordCommands(p *params, method string, cmds []models.BotCommand) (any, error) {
	scope := CommandScope{Type: "default"}
	p.json("scope", &scope)
	if p.err != nil {
		return nil, p.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.commands = append(s.st.commands, CommandsCall{
		Method: method, Commands: cmds, Scope: scope, LanguageCode: p.str("language_code"), Time: s.now(),
	})
	s.changed.broadcast()
	return true, nil
}
