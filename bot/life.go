package bot

import (
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reporting"
)

// The face of the report's life: handlers turn presses and messages into
// calls of the core (package reporting) and its results and refusals into
// messages.

// actor is the person a request acts as, for the core.
func actor(r *Request) reporting.Actor {
	if r.Member == nil {
		return reporting.Actor{TelegramID: r.Ev.From.ID}
	}
	a := reporting.ActorOf(*r.Member)
	a.TelegramID = r.Ev.From.ID
	return a
}

// act runs a use case in the request's transaction. A refusal of the core
// is told to the user in their language (a toast on a button, a reply
// otherwise) and whatever the failed attempt queued is dropped; any other
// error is returned, and the dispatcher logs it as internal with the update
// id and apologises.
func act(r *Request, fn func(tx *db.Tx) error) error {
	before := len(r.replies)
	err := r.Tx(fn)
	if _, ok := reporting.AsError(err); ok {
		r.replies = r.replies[:before]
		told(r, err)
		return nil
	}
	return err
}

// told tells a core refusal to the user and reports whether err was one.
func told(r *Request, err error) bool {
	e, ok := reporting.AsError(err)
	if !ok {
		return false
	}
	text := r.T(e.Key, e.Args...)
	if r.Ev.CallbackID != "" {
		r.Toast(text)
		return true
	}
	r.Reply(text)
	return true
}

// closeButtons replaces the buttons of the message a decision was pressed
// on with one line saying what was decided, by whom and when, so a second
// clerk sees it without pressing. The edit goes through the outbox with the
// decision's replies.
func (b *Bot) closeButtons(r *Request, lang, decided string) {
	if r.Ev.CallbackID != "" {
		b.closeMessageButtons(r, r.Ev.ChatID, r.Ev.MessageID, lang, decided)
	}
}

// closeMessageButtons is closeButtons for a message named by chat and id: a
// decision typed in the private chat closes the card in the Office chat.
func (b *Bot) closeMessageButtons(r *Request, chatID int64, messageID int, lang, decided string) {
	if chatID == 0 || messageID == 0 {
		return
	}
	// Worded as the surface's edited messages end (decided.by), in the
	// language of the chat the message is in.
	line := decided + " " + tr(lang, "decided.by", r.Member.Name, formatDateTime(b.store.Now(), b.loc))
	r.EditButtons(chatID, messageID, [][]Button{{Callback{Verb: VerbDecided}.Button(line)}})
}

// cbDecided answers a press on a decision already made.
func (b *Bot) cbDecided(r *Request, _ Callback) error {
	r.Toast(r.T("life.decided"))
	return nil
}

// questionTTL is how long a question the bot asked waits for its typed
// answer; an answer after that is not taken.
const questionTTL = 24 * time.Hour

// expired drops a question older than questionTTL and tells the user to
// start again; it reports whether it did.
func expired(b *Bot, r *Request, p db.PendingInput) bool {
	if b.store.Now().Sub(p.CreatedAt) <= questionTTL {
		return false
	}
	if err := r.Tx(func(tx *db.Tx) error { return tx.DropPendingInput(p) }); err != nil {
		b.log.Error("drop expired question", "update_id", r.Ev.UpdateID, "err", err)
	}
	r.Reply(r.T("life.question_expired"))
	return true
}
