package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tgbot "github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/db"
)

type answerCallbackParams = tgbot.AnswerCallbackQueryParams

// Request is one update being handled: the event, who sent it (nil Member
// for a stranger), their language, and the replies produced so far.
type Request struct {
	ctx    context.Context
	b      *Bot
	Ev     *Event
	Member *db.Member
	Lang   string

	replies []db.OutMessage
	seq     int
	sent    int

	// answerCallback makes the dispatcher answer the callback query (with
	// callbackText as a toast) after the handler ran.
	answerCallback bool
	callbackText   string
}

func (b *Bot) newRequest(ctx context.Context, ev *Event) (*Request, error) {
	r := &Request{ctx: ctx, b: b, Ev: ev, answerCallback: ev.CallbackID != ""}
	m, err := b.store.Read(ctx).MemberByTelegramID(ev.From.ID)
	switch {
	case err == nil:
		r.Member = &m
	case !errors.Is(err, db.ErrNotFound):
		return nil, err
	}
	chosen := ""
	if r.Member != nil {
		chosen = r.Member.Lang
	}
	r.Lang = pickLang(chosen, ev.From.Lang)
	return r, nil
}

// Context is the request's context.
func (r *Request) Context() context.Context { return r.ctx }

// T translates a key into the user's language.
func (r *Request) T(key string, args ...any) string { return tr(r.Lang, key, args...) }

// Role is the sender's role, "" for a stranger.
func (r *Request) Role() db.Role {
	if r.Member == nil {
		return ""
	}
	return r.Member.Role
}

// Reply answers in the chat (and forum topic) the event came from.
func (r *Request) Reply(text string) { r.ReplyWith(db.OutMessage{Text: text}) }

// ReplyWith answers in the event's chat with a prepared message (keyboard,
// document, reply-to…); chat and thread are filled in.
func (r *Request) ReplyWith(m db.OutMessage) {
	m.ChatID, m.ThreadID = r.Ev.ChatID, r.Ev.ThreadID
	if r.Ev.Private() && r.Member != nil {
		m.MemberID = r.Member.ID
	}
	r.Send(m)
}

// Send queues any message; it reaches the outbox when the update is marked
// handled, in the same transaction. Without a key it gets one derived from
// the update id, so handling the update again cannot send it twice.
func (r *Request) Send(m db.OutMessage) {
	if m.Key == "" {
		m.Key = fmt.Sprintf("u%d-%d", r.Ev.UpdateID, r.seq)
	}
	r.seq++
	r.replies = append(r.replies, m)
}

// Toast sets the short text shown when answering a button press.
func (r *Request) Toast(text string) { r.callbackText = text }

func (r *Request) flush(tx *db.Tx) error {
	for _, m := range r.replies {
		if _, created, err := tx.Enqueue(m); err != nil {
			return err
		} else if created {
			r.sent++
		}
	}
	r.replies = nil
	return nil
}

// Tx runs fn in a write transaction that also stores the replies queued so
// far; handlers use it for the state change the update causes.
func (r *Request) Tx(fn func(tx *db.Tx) error) error {
	return r.b.store.Tx(r.ctx, func(tx *db.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return r.flush(tx)
	})
}

// apologise tells the user something went wrong, dropping any half-made
// replies, so a failure is never silent.
func (r *Request) apologise() {
	r.replies = nil
	if r.Ev.ChatID == 0 {
		return
	}
	if r.Ev.CallbackID != "" {
		r.Toast(r.T("error.internal"))
	}
	r.Reply(r.T("error.internal"))
}

// Keyboard encodes inline buttons for an outbox message: rows of
// (label, callback data) pairs.
func Keyboard(rows ...[]Button) string {
	raw, _ := json.Marshal(inlineMarkup(rows))
	return string(raw)
}

// Button is one inline button.
type Button struct{ Label, Data string }

// Who may use a command.
var (
	everyone  = []db.Role{db.RoleHead, db.RoleMember, db.RoleOffice, db.RoleAdmin, db.RoleDirector}
	unitRoles = []db.Role{db.RoleHead, db.RoleMember}
	staff     = []db.Role{db.RoleOffice, db.RoleAdmin}
	admins    = []db.Role{db.RoleAdmin}
)

type command struct {
	name        string
	roles       []db.Role // who may use it; strangers never
	inGroup     bool      // usable in group chats as well as in private
	handle      func(r *Request) error
	hiddenInAll bool // not listed in /help or the menu (e.g. /start)
}

type (
	callbackFunc func(r *Request, args []string) error
	inputFunc    func(r *Request, p db.PendingInput) error
)

func (c *command) allows(role db.Role) bool {
	for _, x := range c.roles {
		if x == role {
			return true
		}
	}
	return false
}

func (b *Bot) addCommand(c *command) {
	b.commands[c.name] = c
	b.order = append(b.order, c.name)
}

// addCallback routes button presses whose data starts with "verb:".
func (b *Bot) addCallback(verb string, fn callbackFunc) { b.callbacks[verb] = fn }

// addInput routes a typed answer to a question of this kind.
func (b *Bot) addInput(kind string, fn inputFunc) { b.inputs[kind] = fn }

// route sends a request to its handler after the checks every handler
// relies on: strangers can only /start, roles are checked against the
// person acting (not whoever got the message), and group chatter is ignored.
func (b *Bot) route(r *Request) error {
	ev := r.Ev
	if ev.BlockedBot != nil || ev.MigrateToChat != 0 {
		return b.chatChanged(r)
	}
	if ev.From.IsBot || ev.From.ID == 0 {
		return nil
	}
	if b.flooding(r) {
		return nil // over the sender's rate limit: dropped, told once (ratelimit.go)
	}
	if r.Member != nil && !r.Member.UnreachableAt.IsZero() && ev.Private() {
		// They wrote to us, so we can reach them again.
		if err := r.Tx(func(tx *db.Tx) error { _, err := tx.SetUnreachable(ev.From.ID, false); return err }); err != nil {
			return err
		}
	}
	if ev.CallbackID != "" {
		return b.routeCallback(r)
	}
	if ev.Command != "" {
		return b.routeCommand(r)
	}
	if !ev.Private() {
		if len(ev.Files) > 0 && r.Member != nil && b.onFiles != nil {
			return b.onFiles(r) // a member's file in a group gets a pointer to the private chat
		}
		return nil
	}
	if r.Member == nil {
		// Nothing is downloaded or stored for a stranger.
		r.Reply(r.T("start.stranger"))
		return nil
	}
	if p, err := b.store.Read(r.ctx).PeekPendingInput(ev.From.ID, ev.ChatID); err == nil && len(ev.Files) == 0 {
		if fn, ok := b.inputs[p.Kind]; ok {
			return fn(r, p)
		}
	}
	if len(ev.Files) > 0 && b.onFiles != nil {
		return b.onFiles(r)
	}
	r.Reply(r.T("hint.text"))
	return nil
}

func (b *Bot) routeCommand(r *Request) error {
	ev := r.Ev
	c, ok := b.commands[ev.Command]
	if r.Member == nil && ev.Command != "start" {
		// A stranger learns how to join, and not even which commands exist.
		if ev.Private() {
			r.Reply(r.T("stranger.only"))
		} else if ev.Command == "bind" {
			r.Reply(r.T("bind.not_admin"))
		}
		return nil
	}
	if !ok {
		if ev.Private() {
			r.Reply(r.T("error.unknown_command", ev.Command))
		}
		return nil
	}
	if c.name != "start" && !c.allows(r.Member.Role) {
		r.Reply(r.T("error.not_allowed", c.name, r.T("role."+string(r.Member.Role))))
		return nil
	}
	if !ev.Private() && !c.inGroup {
		r.Reply(r.T("error.private_only"))
		return nil
	}
	return c.handle(r)
}

func (b *Bot) routeCallback(r *Request) error {
	verb, rest, _ := strings.Cut(r.Ev.CallbackData, ":")
	fn, ok := b.callbacks[verb]
	if !ok || r.Member == nil {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	var args []string
	if rest != "" {
		args = strings.Split(rest, ":")
	}
	return fn(r, args)
}

// chatChanged follows a user blocking or unblocking the bot, and a group
// becoming a supergroup.
func (b *Bot) chatChanged(r *Request) error {
	ev := r.Ev
	return r.Tx(func(tx *db.Tx) error {
		if ev.MigrateToChat != 0 {
			return tx.MigrateChat(ev.ChatID, ev.MigrateToChat)
		}
		_, err := tx.SetUnreachable(ev.From.ID, *ev.BlockedBot)
		return err
	})
}
