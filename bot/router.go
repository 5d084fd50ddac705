package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

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

// commandRoute is one command: who may use it and where.
type commandRoute struct {
	name      string
	roles     []db.Role // who may use it; strangers never, unless strangers is set
	chats     chats
	handle    func(r *Request) error
	strangers bool // a stranger may use it too (/start redeems an invite)
	hidden    bool // not listed in /help or the menu
}

// buttonRoute is one button verb. refusal is the toast for a role that may
// not press it ("callback.stale" when empty: a button someone else's role
// got is as good as forged).
type buttonRoute struct {
	verb    Verb
	roles   []db.Role
	chats   chats
	refusal string
	handle  func(r *Request, c Callback) error
}

// inputRoute is one kind of typed answer the bot waits for.
type inputRoute struct {
	kind   string
	roles  []db.Role
	handle func(r *Request, p db.PendingInput) error
}

// fileFunc looks at a file sent to the bot and says whether it was its own.
type fileFunc func(r *Request) (handled bool, err error)

// routeTable is routes.go's list, indexed for dispatch.
type routeTable struct {
	commands map[string]*commandRoute
	order    []string // for /help and the menu
	buttons  map[Verb]*buttonRoute
	inputs   map[string]*inputRoute
	files    []fileFunc
}

func newRouteTable(cmds []commandRoute, buttons []buttonRoute, inputs []inputRoute, files []fileFunc) *routeTable {
	t := &routeTable{commands: map[string]*commandRoute{}, buttons: map[Verb]*buttonRoute{}, inputs: map[string]*inputRoute{}, files: files}
	for i := range cmds {
		t.commands[cmds[i].name] = &cmds[i]
		t.order = append(t.order, cmds[i].name)
	}
	for i := range buttons {
		t.buttons[buttons[i].verb] = &buttons[i]
	}
	for i := range inputs {
		t.inputs[inputs[i].kind] = &inputs[i]
	}
	return t
}

// withArgs adapts a button handler that still reads its data as strings;
// the data it gets has passed DecodeCallback's checks.
func withArgs(fn func(r *Request, args []string) error) func(*Request, Callback) error {
	return func(r *Request, c Callback) error { return fn(r, c.args()) }
}

// always makes a handler that takes every file it is given the last word.
func always(fn func(r *Request) error) fileFunc {
	return func(r *Request) (bool, error) { return true, fn(r) }
}

func (c *commandRoute) allows(role db.Role) bool { return slices.Contains(c.roles, role) }

// route sends a request to its handler after the checks every handler
// relies on: strangers can only /start, roles and chats are checked as
// routes.go declares them, against the person acting (not whoever got the
// message), and group chatter is ignored.
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
		if err := r.Tx(func(tx *db.Tx) error { _, err := tx.SetUnreachable(ev.From.ID, db.Reachable); return err }); err != nil {
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
		if len(ev.Files) > 0 && r.Member != nil {
			return b.routeFiles(r) // a member's file in a group gets a pointer to the private chat
		}
		return nil
	}
	if r.Member == nil {
		// Nothing is downloaded or stored for a stranger.
		r.Reply(r.T("start.stranger"))
		return nil
	}
	if len(ev.Files) == 0 {
		p, err := b.store.Read(r.ctx).PeekPendingInput(ev.From.ID, ev.ChatID)
		if err == nil {
			if in, ok := b.routes.inputs[p.Kind]; ok {
				return b.routeInput(r, in, p)
			}
		} else if !errors.Is(err, db.ErrNotFound) {
			return err
		}
	}
	if len(ev.Files) > 0 {
		return b.routeFiles(r)
	}
	r.Reply(r.T("hint.text"))
	return nil
}

// routeInput hands a typed answer to its question, unless the person's
// role changed since the question was asked: then the question is dropped.
func (b *Bot) routeInput(r *Request, in *inputRoute, p db.PendingInput) error {
	if slices.Contains(in.roles, r.Role()) {
		return in.handle(r, p)
	}
	r.Reply(r.T("input.expired_role"))
	return r.Tx(func(tx *db.Tx) error { _, err := tx.TakePendingInput(p.TelegramID, p.ChatID); return err })
}

func (b *Bot) routeFiles(r *Request) error {
	for _, fn := range b.routes.files {
		if handled, err := fn(r); handled || err != nil {
			return err
		}
	}
	return nil
}

func (b *Bot) routeCommand(r *Request) error {
	ev := r.Ev
	c, ok := b.routes.commands[ev.Command]
	if r.Member == nil && !(ok && c.strangers) {
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
	if !c.strangers && !c.allows(r.Member.Role) {
		r.Reply(r.T("error.not_allowed", c.name, r.T("role."+string(r.Member.Role))))
		return nil
	}
	in, err := b.chatOf(r)
	if err != nil {
		return err
	}
	if c.chats&in == 0 {
		b.refuseHere(r, c.chats)
		return nil
	}
	return c.handle(r)
}

// refuseHere says where a command works instead; in a group it names no
// chat and nothing of the department, since strangers may read it.
func (b *Bot) refuseHere(r *Request, allowed chats) {
	if allowed&inOffice != 0 {
		r.Reply(r.T("console.office_only"))
		return
	}
	r.Reply(r.T("error.private_only"))
}

// chatOf says which kind of chat the event came from.
func (b *Bot) chatOf(r *Request) (chats, error) {
	if r.Ev.Private() {
		return inPrivate, nil
	}
	office, err := b.store.Read(r.ctx).Chat(db.ChatOffice)
	switch {
	case errors.Is(err, db.ErrNotFound):
		return inAnyGroup, nil
	case err != nil:
		return 0, err
	}
	if office.ChatID == r.Ev.ChatID && (office.ThreadID == 0 || office.ThreadID == r.Ev.ThreadID) {
		return inOffice | inAnyGroup, nil
	}
	return inAnyGroup, nil
}

func (b *Bot) routeCallback(r *Request) error {
	c, err := DecodeCallback(r.Ev.CallbackData)
	route, ok := b.routes.buttons[c.Verb]
	if err != nil || !ok || r.Member == nil {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if !slices.Contains(route.roles, r.Member.Role) {
		// A message forwarded to, or a button forged by, a head must not
		// act with the Office's rights.
		refusal := route.refusal
		if refusal == "" {
			refusal = "callback.stale"
		}
		r.Toast(r.T(refusal))
		return nil
	}
	in, err := b.chatOf(r)
	if err != nil {
		return err
	}
	if route.chats&in == 0 {
		r.Toast(r.T("console.office_only"))
		return nil
	}
	return route.handle(r, c)
}

// chatChanged follows a user blocking or unblocking the bot, and a group
// becoming a supergroup.
func (b *Bot) chatChanged(r *Request) error {
	ev := r.Ev
	return r.Tx(func(tx *db.Tx) error {
		if ev.MigrateToChat != 0 {
			return tx.MigrateChat(ev.ChatID, ev.MigrateToChat)
		}
		why := db.Reachable
		if *ev.BlockedBot {
			why = db.UnreachableBlocked
		}
		_, err := tx.SetUnreachable(ev.From.ID, why)
		return err
	})
}
