package telegramtest

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

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
	pending      []*pendingUpdate
	nextUpdateID int64
	confirmed    int64
	polls        int64 // getUpdates calls so far; a newer one ends an older
	waitingPolls int   // getUpdates calls waiting for an update

	openCallbacks map[string]openCallback // unanswered callback queries by id
	menuButtons   map[int64]MenuButton    // by chat id (menubutton.go)
	nextCallback  int

	webhook    webhookState
	deliveries []Delivery

	sent     []Sent
	refused  []Refused
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
		openCallbacks: map[string]openCallback{},
		limiter:       newLimiter(),
	}
}

// openCallback is a callback query the bot has not answered yet.
type openCallback struct {
	chatID int64
	at     time.Time // when the button was pressed, on the server's clock
}

type pendingUpdate struct {
	id   int64
	raw  json.RawMessage
	chat int64     // the chat whose updates a webhook delivers in order
	date time.Time // when Telegram got it; a webhook gives up a day later

	// Webhook delivery state: in flight, failures so far, the current
	// back-off in seconds and when the next try is due.
	busy  bool
	fails int
	delay int
	due   time.Time
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
	// started: the user opened the private chat (/start or any message);
	// until then Telegram lets no bot write first.
	started bool
	kicked  bool         // the bot was removed from the group
	topics  map[int]bool // a forum's topics: true while open, false once deleted
}

// supergroupIDBelow separates supergroup ids (-100xxxxxxxxxx) from basic group ids.
const supergroupIDBelow = -1000000000000

// chatLocked returns the chat with id, creating it on first use: the control
// side (Block, InjectCallback…) may name a chat before the bot has seen it,
// and with WithAutoChats so may the bot. The type follows Telegram's id
// ranges: positive private, -100… supergroup, other negative group. A private
// chat made here counts as started only with WithAutoChats.
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
	c := s.addChatLocked(chat)
	c.started = s.autoChats
	return c
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
	if c, ok := s.st.chats[id]; ok {
		return c, nil
	}
	// A user the bot has met (in a group) has a chat it may not write to
	// yet; anyone else is unknown to it, as to Telegram.
	if _, met := s.st.users[id]; met || s.autoChats {
		return s.chatLocked(id), nil
	}
	return nil, badRequest("chat not found")
}

// sendTargetLocked resolves the chat a message is about to be sent to and
// applies the per-chat refusals (see chatRefusalLocked) and the topic check.
func (s *Server) sendTargetLocked(raw string, threadID int) (*chatState, *APIError) {
	c, err := s.lookupChatLocked(raw)
	if err != nil {
		return nil, err
	}
	if err := s.chatRefusalLocked(c); err != nil {
		return nil, err
	}
	if err := threadRefusalLocked(c, threadID); err != nil {
		return nil, err
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
