package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// state is everything the server remembers; Server.mu guards it.
type state struct {
	chats     map[int64]*chatState
	usernames map[string]int64 // lower-case username without '@' -> chat id
	users     map[int64]models.User

	files     map[string]*storedFile // by file_id
	filePaths map[string]*storedFile // by file_path
	nextFile  int

	// pending holds updates not yet confirmed, pre-encoded at injection so
	// answering a poll or a webhook never marshals shared structs concurrently.
	pending      []pendingUpdate
	nextUpdateID int64
	confirmed    int64

	openCallbacks map[string]int64     // unanswered callback query id -> chat id
	menuButtons   map[int64]MenuButton // by chat id (menubutton.go)
	nextCallback  int

	webhook    webhookState
	deliveries []Delivery

	sent     []Sent
	commands []CommandsCall

	limiter        limiter
	faults         []Fault
	downloadFaults []DownloadFault
	down           bool
}

func newState() state {
	return state{
		chats:         map[int64]*chatState{},
		usernames:     map[string]int64{},
		users:         map[int64]models.User{},
		files:         map[string]*storedFile{},
		filePaths:     map[string]*storedFile{},
		nextUpdateID:  1000, // not 1, so code that confuses ids with counts shows it
		openCallbacks: map[string]int64{},
		limiter:       newLimiter(),
	}
}

type pendingUpdate struct {
	id  int64
	raw json.RawMessage
}

// chatState is one chat the bot can talk to. Stored messages are never
// modified after they are published (edits store a new copy), so they can be
// encoded to JSON outside the lock.
type chatState struct {
	chat          models.Chat
	lastMessageID int
	messages      map[int]*models.Message
	pinned        int
	blocked       bool
	migratedTo    int64
}

// supergroupIDBelow separates supergroup ids (-100xxxxxxxxxx) from basic group ids.
const supergroupIDBelow = -1000000000000

// chatLocked returns the chat with id, creating it on first use so benchmarks
// can send to thousands of chats without registering them. The type follows
// Telegram's id ranges: positive private, -100… supergroup, other negative group.
func (s *Server) chatLocked(id int64) *chatState {
	if c, ok := s.st.chats[id]; ok {
		return c
	}
	chat := models.Chat{ID: id, Type: models.ChatTypeGroup}
	switch {
	case id > 0:
		chat.Type = models.ChatTypePrivate
		if u, ok := s.st.users[id]; ok {
			chat.FirstName, chat.LastName, chat.Username = u.FirstName, u.LastName, u.Username
		}
	case id <= supergroupIDBelow:
		chat.Type = models.ChatTypeSupergroup
	}
	return s.addChatLocked(chat)
}

func (s *Server) addChatLocked(chat models.Chat) *chatState {
	c, ok := s.st.chats[chat.ID]
	if !ok {
		c = &chatState{messages: map[int]*models.Message{}}
		s.st.chats[chat.ID] = c
	}
	c.chat = chat
	if chat.Username != "" {
		s.st.usernames[strings.ToLower(chat.Username)] = chat.ID
	}
	return c
}

// lookupChatLocked resolves a chat_id value (a number or "@username") to a known chat.
func (s *Server) lookupChatLocked(raw string) (*chatState, *APIError) {
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	if name, ok := strings.CutPrefix(raw, "@"); ok {
		if id, ok := s.st.usernames[strings.ToLower(name)]; ok {
			return s.st.chats[id], nil
		}
		return nil, badRequest("chat not found")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return nil, badRequest("chat not found")
	}
	return s.chatLocked(id), nil
}

// sendTargetLocked resolves the chat a message is about to be sent to and
// applies the per-chat refusals: migrated groups and users who blocked the bot.
func (s *Server) sendTargetLocked(raw string) (*chatState, *APIError) {
	c, err := s.lookupChatLocked(raw)
	if err != nil {
		return nil, err
	}
	if c.migratedTo != 0 {
		e := badRequest("group chat was upgraded to a supergroup chat")
		e.MigrateToChatID = c.migratedTo
		return nil, e
	}
	if c.blocked {
		return nil, &APIError{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
	}
	return c, nil
}

// newMessageLocked allocates the next message id in c and stores m under it.
func (s *Server) newMessageLocked(c *chatState, m *models.Message) *models.Message {
	c.lastMessageID++
	m.ID = c.lastMessageID
	m.Chat = c.chat
	if m.Date == 0 {
		m.Date = int(s.now().Unix())
	}
	if m.MessageThreadID != 0 && c.chat.IsForum {
		m.IsTopicMessage = true
	}
	c.messages[m.ID] = m
	return m
}

// messageLocked finds a stored message by chat_id value and message id.
func (s *Server) messageLocked(rawChat string, id int) (*chatState, *models.Message) {
	c, err := s.lookupChatLocked(rawChat)
	if err != nil {
		return nil, nil
	}
	return c, c.messages[id]
}
