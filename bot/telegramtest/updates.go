package telegramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// getUpdates confirms updates below offset, then answers at once if any are
// pending, or else long-polls: it waits on the update notifier (no polling)
// until an update is injected, timeout seconds pass, or the client goes away.
// allowed_updates is ignored: tests inject only what they mean to.
func getUpdates(s *Server, ctx context.Context, p *params) (any, error) {
	offset, limit, timeout := p.int64("offset"), p.int("limit"), p.int("timeout")
	if p.err != nil {
		return nil, p.err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(pollWait(timeout))
		defer t.Stop()
		deadline = t.C
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A newer getUpdates ends this one, as in Telegram: two bot instances
	// polling at once each see the other's conflict.
	s.st.polls++
	poll := s.st.polls
	if s.st.waitingPolls > 0 {
		s.updated.broadcast() // wake the older poll so it sees this one
	}
	for {
		if poll != s.st.polls {
			return nil, errPollConflict
		}
		if s.st.webhook.url != "" {
			return nil, &APIError{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		s.confirmLocked(offset)
		if len(s.st.pending) > 0 || deadline == nil {
			batch := make([]json.RawMessage, 0, min(limit, len(s.st.pending)))
			for _, u := range s.st.pending[:min(limit, len(s.st.pending))] {
				batch = append(batch, u.raw)
			}
			return batch, nil
		}
		ch := s.updated.wait()
		s.st.waitingPolls++
		s.mu.Unlock()
		var err error
		select {
		case <-ch:
		case <-deadline:
			deadline = nil // answer with whatever is pending now, possibly nothing
		case <-ctx.Done():
			err = ctx.Err()
		case <-s.done:
			err = ErrClosed
		}
		s.mu.Lock()
		s.st.waitingPolls--
		if err != nil {
			return nil, err
		}
	}
}

// maxPollTimeout is the Bot API server's cap on a long poll (LONG_POLL_MAX_TIMEOUT).
const maxPollTimeout = 50

// pollWait is how long a getUpdates with timeout seconds may wait.
func pollWait(timeout int) time.Duration {
	return time.Duration(min(timeout, maxPollTimeout)) * time.Second
}

var errPollConflict = &APIError{
	Code:        http.StatusConflict,
	Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
}

// confirmLocked applies a getUpdates offset: a positive one confirms (drops)
// every update below it; a negative one keeps only the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.st.pending) && s.st.pending[i].id < offset {
			i++
		}
		s.st.pending = s.st.pending[i:]
		if offset > s.st.confirmed {
			s.st.confirmed = offset
			s.changed.broadcast()
		}
	case offset < 0 && int64(len(s.st.pending)) > -offset:
		s.st.pending = s.st.pending[int64(len(s.st.pending))+offset:]
	}
}

// ConfirmedOffset is the highest offset the bot has confirmed with getUpdates
// (or, in webhook mode, one past the last delivered update); 0 before any.
// Every update with a smaller id is gone from the server.
func (s *Server) ConfirmedOffset() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.confirmed
}

// WaitConfirmed waits until ConfirmedOffset is at least offset.
func (s *Server) WaitConfirmed(ctx context.Context, offset int64) error {
	return s.waitFor(ctx, func() bool { return s.st.confirmed >= offset })
}

// PendingUpdates is the number of injected updates not yet confirmed.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.pending)
}

// InjectUpdate queues u as if Telegram received it, giving it the next
// update_id, and returns it with the id set. The other Inject methods build
// common updates; this one is for anything else.
func (s *Server) InjectUpdate(u models.Update) models.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueueLocked(u)
}

func (s *Server) enqueueLocked(u models.Update) models.Update {
	s.st.nextUpdateID++
	u.ID = s.st.nextUpdateID
	// Encoded now, under the lock: some models types' MarshalJSON write to
	// the value, so encoding it again concurrently would race.
	raw, err := json.Marshal(&u)
	if err != nil {
		panic("telegramtest: encode update: " + err.Error())
	}
	s.st.pending = append(s.st.pending, &pendingUpdate{id: u.ID, raw: raw, chat: updateChat(u), date: s.now()})
	s.updated.broadcast()
	s.changed.broadcast()
	return u
}

// updateChat is the chat an update belongs to, which orders its webhook delivery.
func updateChat(u models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.InaccessibleMessage != nil:
		return u.CallbackQuery.Message.InaccessibleMessage.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// NewUser registers a user and the private chat with the bot; username and
// languageCode may be empty.
func (s *Server) NewUser(id int64, firstName, username, languageCode string) models.User {
	u := models.User{ID: id, FirstName: firstName, Username: username, LanguageCode: languageCode}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.users[id] = u
	s.addChatLocked(PrivateChat(u)).started = true
	return u
}

// PrivateChat is the private chat between the bot and u; its id is u's id.
func PrivateChat(u models.User) models.Chat {
	return models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// NewGroup registers a basic group; id must be negative (e.g. -4001).
func (s *Server) NewGroup(id int64, title string) models.Chat {
	return s.registerChat(models.Chat{ID: id, Type: models.ChatTypeGroup, Title: title})
}

// NewSupergroup registers a supergroup (ids look like -100xxxxxxxxxx); a forum
// has topics, and messages in it can carry a message_thread_id.
func (s *Server) NewSupergroup(id int64, title string, forum bool) models.Chat {
	return s.registerChat(models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: title, IsForum: forum})
}

func (s *Server) registerChat(c models.Chat) models.Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChatLocked(c)
	return c
}

// MessageOption adjusts an injected message.
type MessageOption func(*incoming)

type incoming struct {
	threadID   int
	replyTo    int
	mediaGroup string
}

// InThread puts the message in a forum topic (message_thread_id).
func InThread(threadID int) MessageOption {
	return func(in *incoming) { in.threadID = threadID }
}

// ReplyTo makes the message a reply to messageID in the same chat, typically a
// bot message taken from Sent. An unknown id yields a reply_to_message
// carrying only the id.
func ReplyTo(messageID int) MessageOption {
	return func(in *incoming) { in.replyTo = messageID }
}

// InMediaGroup gives an injected file message this media_group_id, as
// Telegram does for each part of an album; with it a test can deliver an
// album's parts in separate batches of updates.
func InMediaGroup(id string) MessageOption {
	return func(in *incoming) { in.mediaGroup = id }
}

// Upload is a file a user sends: a document, or a photo when Photo is set.
type Upload struct {
	Name     string
	MIMEType string // guessed from Name when empty
	Data     []byte
	Caption  string
	Photo    bool
}

// InjectText queues a text message from a user in chat. A leading /command
// gets a bot_command entity, as Telegram adds, so command handlers match.
func (s *Server) InjectText(chat models.Chat, from models.User, text string, opts ...MessageOption) models.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.incomingLocked(chat, from, opts, func(m *models.Message) {
		m.Text = text
		if strings.HasPrefix(text, "/") {
			cmd, _, _ := strings.Cut(text, " ")
			cmd, _, _ = strings.Cut(cmd, "\n")
			m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: utf16Len(cmd)}}
		}
	})
	return s.enqueueLocked(models.Update{Message: m})
}

// InjectDocument queues a document message; the server stores the bytes so
// getFile and the download URL serve them.
func (s *Server) InjectDocument(chat models.Chat, from models.User, doc Upload, opts ...MessageOption) models.Update {
	doc.Photo = false
	return s.InjectAlbum(chat, from, []Upload{doc}, opts...)[0]
}

// InjectPhoto queues a photo message with several sizes.
func (s *Server) InjectPhoto(chat models.Chat, from models.User, photo Upload, opts ...MessageOption) models.Update {
	photo.Photo = true
	return s.InjectAlbum(chat, from, []Upload{photo}, opts...)[0]
}

// InjectAlbum queues one message per item; with more than one item they share
// a media_group_id, as an album does (InMediaGroup chooses it).
func (s *Server) InjectAlbum(chat models.Chat, from models.User, items []Upload, opts ...MessageOption) []models.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	group := ""
	if len(items) > 1 {
		group = strconv.FormatInt(s.st.nextUpdateID+1, 10) + "-album"
	}
	var in incoming
	for _, o := range opts {
		o(&in)
	}
	if in.mediaGroup != "" {
		group = in.mediaGroup
	}
	var out []models.Update
	for _, it := range items {
		m := s.incomingLocked(chat, from, opts, func(m *models.Message) {
			f := s.storeFileLocked(it.Photo, it.Name, it.MIMEType, it.Data)
			if it.Photo {
				m.Photo = s.photoSizesLocked(f)
			} else {
				m.Document = f.document()
			}
			m.Caption, m.MediaGroupID = it.Caption, group
		})
		out = append(out, s.enqueueLocked(models.Update{Message: m}))
	}
	return out
}

// incomingLocked builds and stores a user's message in chat, registering the
// chat and user on first sight.
func (s *Server) incomingLocked(chat models.Chat, from models.User, opts []MessageOption, content func(*models.Message)) *models.Message {
	var in incoming
	for _, o := range opts {
		o(&in)
	}
	c, ok := s.st.chats[chat.ID]
	if !ok {
		c = s.addChatLocked(chat)
	}
	if _, ok := s.st.users[from.ID]; !ok {
		s.st.users[from.ID] = from
	}
	switch {
	case c.chat.Type == models.ChatTypePrivate:
		c.started = true // a user who writes to the bot has started it
	case in.threadID != 0 && c.chat.IsForum:
		if c.topics == nil {
			c.topics = map[int]bool{}
		}
		if _, known := c.topics[in.threadID]; !known {
			c.topics[in.threadID] = true // a message in a topic shows it exists
		}
	}
	m := &models.Message{From: &from, MessageThreadID: in.threadID}
	if in.replyTo != 0 {
		if r := c.messages[in.replyTo]; r != nil {
			shallow := *r
			shallow.ReplyToMessage = nil
			m.ReplyToMessage = &shallow
		} else {
			m.ReplyToMessage = &models.Message{ID: in.replyTo, Chat: c.chat}
		}
	}
	content(m)
	return s.newMessageLocked(c, m)
}

// InjectCallback queues a callback query: from pressed a button carrying data
// on message messageID in chatID. data is not checked against the keyboard,
// so tests can forge it. A deleted or unknown message arrives as inaccessible.
func (s *Server) InjectCallback(from models.User, chatID int64, messageID int, data string) models.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	s.st.nextCallback++
	id := "cbq-" + strconv.Itoa(s.st.nextCallback)
	s.st.openCallbacks[id] = openCallback{chatID: chatID, at: s.now()}
	q := &models.CallbackQuery{ID: id, From: from, ChatInstance: strconv.FormatInt(chatID, 10), Data: data}
	if m := c.messages[messageID]; m != nil {
		q.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: m}
	} else {
		q.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: c.chat, MessageID: messageID},
		}
	}
	return s.enqueueLocked(models.Update{CallbackQuery: q})
}

// InjectBlockedBy blocks the bot for u (see Block) and queues the
// my_chat_member update Telegram sends when a user blocks a bot.
func (s *Server) InjectBlockedBy(u models.User) models.Update { return s.injectMembership(u, true) }

// InjectUnblockedBy unblocks the bot for u and queues the matching my_chat_member update.
func (s *Server) InjectUnblockedBy(u models.User) models.Update { return s.injectMembership(u, false) }

func (s *Server) injectMembership(u models.User, blocked bool) models.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(u.ID)
	c.blocked = blocked
	c.started = c.started || !blocked // unblocking restarts the bot
	bot := s.botUser
	member := models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &bot}}
	banned := models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: &bot}}
	upd := &models.ChatMemberUpdated{Chat: PrivateChat(u), From: u, Date: int(s.now().Unix()), OldChatMember: member, NewChatMember: banned}
	if !blocked {
		upd.OldChatMember, upd.NewChatMember = banned, member
	}
	return s.enqueueLocked(models.Update{MyChatMember: upd})
}
