package telegramtest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Refused is a call the server answered with an API error: Telegram's
// refusal of what the bot asked (not an injected Fault, not a long poll the
// client gave up on).
type Refused struct {
	Method      string // as the client spelled it
	Code        int
	Description string
}

// recordRefusal keeps a refused call for Refusals.
func (s *Server) recordRefusal(method string, err error) {
	var e *APIError
	if !errors.As(err, &e) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.refused = append(s.st.refused, Refused{Method: method, Code: e.Code, Description: e.Description})
	s.changed.broadcast()
}

// Refusals returns every call the server refused, oldest first: a test of
// the bot's requests asserts there are none it did not mean to provoke.
func (s *Server) Refusals() []Refused {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.refused)
}

// Sent is one accepted call by which the bot acted on a chat: sendMessage,
// sendDocument, sendPhoto, copyMessage, forwardMessage, editMessageText,
// editMessageReplyMarkup, deleteMessage, pinChatMessage, sendChatAction or
// answerCallbackQuery. Refused calls are not recorded here: Telegram's
// refusals show in Refusals, 429s and faults in Stats.
type Sent struct {
	Method              string // API method name as the client spelled it, e.g. "sendMessage"
	ChatID              int64  // resolved chat id (for answerCallbackQuery, the pressed message's chat)
	ThreadID            int    // message_thread_id
	MessageID           int    // the message sent, edited, deleted or pinned
	Text                string // text as sent, markup included (answer text for answerCallbackQuery)
	ParseMode           string
	Buttons             [][]Button // inline keyboard from reply_markup, nil if none
	ReplyMarkup         string     // reply_markup as sent (JSON), for any keyboard kind
	ReplyToMessageID    int
	DisableNotification bool
	Caption             string
	File                *SentFile // document or photo of the message
	FromChatID          int64     // copyMessage/forwardMessage source chat
	SourceMessageID     int       // copyMessage/forwardMessage source message
	Action              string    // sendChatAction action
	CallbackQueryID     string    // answerCallbackQuery
	ShowAlert           bool      // answerCallbackQuery
	Time                time.Time // when the server accepted the call
}

// Button is an inline keyboard button as the bot sent it.
type Button struct {
	Text         string
	CallbackData string
	URL          string
}

// SentFile is a file attached to a sent message. Data is what the bot
// uploaded, or the stored bytes when it sent a file_id the server knows.
type SentFile struct {
	FileID   string
	Name     string
	MIMEType string
	Data     []byte
}

// CommandsCall records a setMyCommands or deleteMyCommands call.
type CommandsCall struct {
	Method       string // "setMyCommands" or "deleteMyCommands"
	Commands     []models.BotCommand
	Scope        CommandScope
	LanguageCode string
	Time         time.Time
}

// CommandScope is a decoded BotCommandScope; Type is "default" when none was given.
type CommandScope struct {
	Type   string `json:"type"`
	ChatID int64  `json:"chat_id,omitempty"`
	UserID int64  `json:"user_id,omitempty"`
}

// recordLocked appends an accepted call and wakes the waiters.
func (s *Server) recordLocked(rec Sent) {
	rec.Time = time.Now()
	s.st.sent = append(s.st.sent, rec)
	s.changed.broadcast()
}

// Sent returns a snapshot of every accepted call, oldest first.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.sent)
}

// SentMatching returns the recorded calls match accepts, oldest first.
func (s *Server) SentMatching(match func(Sent) bool) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, r := range s.st.sent {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

// WaitSent waits until a recorded call satisfies match (possibly one recorded
// before the call) and returns the first such call. It never polls: it wakes
// when something is recorded, and gives up when ctx ends.
func (s *Server) WaitSent(ctx context.Context, match func(Sent) bool) (Sent, error) {
	var found Sent
	seen := 0 // only new records are examined after each wake
	err := s.waitFor(ctx, func() bool {
		for ; seen < len(s.st.sent); seen++ {
			if match(s.st.sent[seen]) {
				found = s.st.sent[seen]
				return true
			}
		}
		return false
	})
	return found, err
}

// WaitCount waits until at least n recorded calls satisfy match (nil matches
// all) and returns the first n of them.
func (s *Server) WaitCount(ctx context.Context, n int, match func(Sent) bool) ([]Sent, error) {
	var got []Sent
	seen := 0
	err := s.waitFor(ctx, func() bool {
		for ; seen < len(s.st.sent) && len(got) < n; seen++ {
			if match == nil || match(s.st.sent[seen]) {
				got = append(got, s.st.sent[seen])
			}
		}
		return len(got) >= n
	})
	return got, err
}

// Within is a convenience for the Wait methods: a context that ends after d.
// Callers must call the returned cancel.
func Within(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// ToChat matches calls to chatID, for WaitSent and friends.
func ToChat(chatID int64) func(Sent) bool {
	return func(r Sent) bool { return r.ChatID == chatID }
}

// ByMethod matches calls of one API method, case-insensitively.
func ByMethod(method string) func(Sent) bool {
	return func(r Sent) bool { return strings.EqualFold(r.Method, method) }
}

// All matches calls every one of matchers accepts.
func All(matchers ...func(Sent) bool) func(Sent) bool {
	return func(r Sent) bool {
		for _, m := range matchers {
			if !m(r) {
				return false
			}
		}
		return true
	}
}

// Commands returns every setMyCommands and deleteMyCommands call, oldest first.
func (s *Server) Commands() []CommandsCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.commands)
}

// Message returns the current version of a stored message (after edits), or
// false if there is no such message or it was deleted. Do not modify it.
func (s *Server) Message(chatID int64, messageID int) (models.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.chats[chatID]
	if !ok || c.messages[messageID] == nil {
		return models.Message{}, false
	}
	return *c.messages[messageID], true
}

// PinnedMessageID returns the id of the message last pinned in chatID, or 0.
func (s *Server) PinnedMessageID(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.st.chats[chatID]; ok {
		return c.pinned
	}
	return 0
}

// Block makes every send to userID's private chat fail with 403
// "Forbidden: bot was blocked by the user", until Unblock.
func (s *Server) Block(userID int64) { s.setBlocked(userID, true) }

// Unblock undoes Block.
func (s *Server) Unblock(userID int64) { s.setBlocked(userID, false) }

func (s *Server) setBlocked(userID int64, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(userID)
	c.blocked = blocked
	c.started = c.started || !blocked
}

// OpenChat registers chat id, typed by Telegram's id ranges, as a chat the
// bot may write to (a private chat counts as started), unless it is known
// already: for tests that address chats by id without any message in them.
func (s *Server) OpenChat(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.chats[id]; !ok {
		s.chatLocked(id).started = true
	}
}

// MeetUser makes u known to the bot without a private chat, as a member of
// a group the bot is in: sends to u's id then fail with 403 "Forbidden: bot
// can't initiate conversation with a user" until u writes to the bot.
// (An id the bot has never met is 400 "chat not found".)
func (s *Server) MeetUser(u models.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.users[u.ID] = u
	if c, ok := s.st.chats[u.ID]; ok {
		c.started = false
	}
}

// KickBot removes the bot from group chatID: sends to it then fail with 403
// "Forbidden: bot was kicked from the group chat" (or "supergroup chat").
// It also queues the my_chat_member update Telegram sends, from by.
func (s *Server) KickBot(chatID int64, by models.User) models.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.kicked = true
	bot := s.botUser
	return s.enqueueLocked(models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat: c.chat, From: by, Date: int(s.now().Unix()),
		OldChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &bot}},
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: &bot}},
	}})
}

// CreateTopic opens topic threadID in forum chatID (a message injected with
// InThread opens its topic too).
func (s *Server) CreateTopic(chatID int64, threadID int) { s.setTopic(chatID, threadID, true) }

// DeleteTopic deletes topic threadID of forum chatID: sends with that
// message_thread_id then fail with 400 "Bad Request: message thread not found".
func (s *Server) DeleteTopic(chatID int64, threadID int) { s.setTopic(chatID, threadID, false) }

func (s *Server) setTopic(chatID int64, threadID int, open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	if c.topics == nil {
		c.topics = map[int]bool{}
	}
	c.topics[threadID] = open
}

// MigrateGroup records that group oldChatID became supergroup newChatID:
// sends to the old id then fail with 400 "group chat was upgraded to a
// supergroup chat" and parameters.migrate_to_chat_id = newChatID.
func (s *Server) MigrateGroup(oldChatID, newChatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chatLocked(oldChatID)
	old.migratedTo = newChatID
	if _, ok := s.st.chats[newChatID]; !ok {
		s.addChatLocked(models.Chat{ID: newChatID, Type: models.ChatTypeSupergroup, Title: old.chat.Title})
	}
}
