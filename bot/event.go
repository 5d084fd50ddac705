package bot

import (
	"strings"

	"github.com/go-telegram/bot/models"
	"golang.org/x/text/unicode/norm"
)

// Event is a Telegram update in our own terms. Only transform sees
// models.Update; everything after it works on Events.
type Event struct {
	UpdateID  int64
	ChatID    int64
	ChatType  string // "private", "group", "supergroup", "channel"
	ChatTitle string
	ThreadID  int
	MessageID int
	From      User

	Text    string // NFC-normalised text or caption
	Command string // lower-case command without "/" and "@bot", if the text is one
	Args    string // the rest of the command line

	ReplyTo      int // the message this one replies to
	ReplyToBot   bool
	MediaGroupID string
	Files        []File // a document, or the largest size of a photo
	ReplyFile    *File  // the document of the message this one replies to

	CallbackID   string
	CallbackData string

	// BlockedBot is set when the user blocked (true) or unblocked the bot.
	BlockedBot    *bool
	MigrateToChat int64
}

// User is who sent an update.
type User struct {
	ID       int64
	Name     string
	Username string
	Lang     string
	IsBot    bool
}

// File is an attachment as Telegram describes it; the bytes are fetched later.
type File struct {
	ID       string
	UniqueID string
	Name     string
	Mime     string
	Size     int64
	Photo    bool
}

// Private reports whether the event came from a private chat.
func (e *Event) Private() bool { return e.ChatType == "private" }

// transform turns a Telegram update into an Event, or nil for updates the
// bot does not act on. botUsername lets "/cmd@otherbot" in a group be ignored.
func transform(u *models.Update, botUsername string) *Event {
	ev := &Event{UpdateID: u.ID}
	switch {
	case u.Message != nil:
		fromMessage(ev, u.Message)
	case u.EditedMessage != nil:
		// Edits are not re-handled: an edited command must not act twice.
		return nil
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		ev.From = fromUser(&cq.From)
		ev.CallbackID = cq.ID
		ev.CallbackData = cq.Data
		if m := cq.Message.Message; m != nil {
			ev.ChatID, ev.ChatType, ev.ChatTitle = m.Chat.ID, string(m.Chat.Type), m.Chat.Title
			ev.MessageID, ev.ThreadID = m.ID, m.MessageThreadID
		} else if m := cq.Message.InaccessibleMessage; m != nil {
			ev.ChatID, ev.MessageID = m.Chat.ID, m.MessageID
		}
	case u.MyChatMember != nil:
		cm := u.MyChatMember
		ev.From = fromUser(&cm.From)
		ev.ChatID, ev.ChatType = cm.Chat.ID, string(cm.Chat.Type)
		if cm.Chat.Type == models.ChatTypePrivate {
			blocked := cm.NewChatMember.Type == models.ChatMemberTypeBanned || cm.NewChatMember.Type == models.ChatMemberTypeLeft
			ev.BlockedBot = &blocked
		}
	default:
		return nil
	}
	if ev.Command != "" {
		if at := strings.IndexByte(ev.Command, '@'); at >= 0 {
			if !strings.EqualFold(ev.Command[at+1:], botUsername) {
				ev.Command = ""
			} else {
				ev.Command = ev.Command[:at]
			}
		}
	}
	return ev
}

func fromMessage(ev *Event, m *models.Message) {
	ev.ChatID, ev.ChatType, ev.ChatTitle = m.Chat.ID, string(m.Chat.Type), m.Chat.Title
	ev.MessageID = m.ID
	if m.IsTopicMessage {
		ev.ThreadID = m.MessageThreadID
	}
	if m.From != nil {
		ev.From = fromUser(m.From)
	}
	ev.MigrateToChat = m.MigrateToChatID
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	ev.Text = norm.NFC.String(strings.TrimSpace(text))
	if m.Text != "" && strings.HasPrefix(ev.Text, "/") {
		cmd, args, _ := strings.Cut(ev.Text[1:], " ")
		ev.Command = strings.ToLower(cmd)
		ev.Args = strings.TrimSpace(args)
	}
	if r := m.ReplyToMessage; r != nil {
		ev.ReplyTo = r.ID
		ev.ReplyToBot = r.From != nil && r.From.IsBot
		if d := r.Document; d != nil {
			ev.ReplyFile = &File{ID: d.FileID, UniqueID: d.FileUniqueID, Name: norm.NFC.String(d.FileName), Mime: d.MimeType, Size: d.FileSize}
		}
	}
	ev.MediaGroupID = m.MediaGroupID
	if d := m.Document; d != nil {
		ev.Files = append(ev.Files, File{ID: d.FileID, UniqueID: d.FileUniqueID, Name: norm.NFC.String(d.FileName), Mime: d.MimeType, Size: d.FileSize})
	}
	if len(m.Photo) > 0 {
		p := m.Photo[len(m.Photo)-1] // Telegram lists sizes smallest first
		ev.Files = append(ev.Files, File{ID: p.FileID, UniqueID: p.FileUniqueID, Size: int64(p.FileSize), Mime: "image/jpeg", Photo: true})
	}
}

func fromUser(u *models.User) User {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	return User{ID: u.ID, Name: norm.NFC.String(name), Username: u.Username, Lang: u.LanguageCode, IsBot: u.IsBot}
}
