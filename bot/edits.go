package bot

import (
	"strings"

	"github.com/reportbot/reportbot/db"
)

// Edits and pins of messages already in a chat go through the outbox like
// sends: they commit with the update that causes them, and get the
// sender's pacing, retries and refusal handling.

// EditText queues replacing the text and buttons of a bot message (no
// buttons: the keyboard is removed). An edit is one message: a text over
// Telegram's limit keeps its whole first lines and says there is more.
func (r *Request) EditText(chatID int64, messageID int, text string, kb [][]Button) {
	if parts := chunkLines(strings.Split(text, "\n"), maxMessageRunes-2); len(parts) > 1 {
		text = parts[0] + "\n…"
	}
	r.Send(db.OutMessage{Kind: db.KindEditText, ChatID: chatID, ReplyTo: messageID, Text: text, Markup: Keyboard(kb...)})
}

// EditButtons queues replacing only the buttons of a bot message.
func (r *Request) EditButtons(chatID int64, messageID int, kb [][]Button) {
	r.Send(db.OutMessage{Kind: db.KindEditMarkup, ChatID: chatID, ReplyTo: messageID, Markup: Keyboard(kb...)})
}

// Pin queues pinning a message; the member asking is told if Telegram
// refuses it (see pinRefused).
func (r *Request) Pin(chatID int64, messageID int) {
	r.Send(db.OutMessage{Kind: db.KindPin, ChatID: chatID, ReplyTo: messageID, RefID: r.Member.ID})
}
