// Package demo plays a whole reporting season with the real bot — the same
// handlers, store and sender — against the in-process fake Bot API, with a
// fast simulated clock and scripted people, and prints the conversation.
package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reportbot/reportbot/bot"
	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/clock"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/examples"
	"github.com/reportbot/reportbot/plan"
)

// Options configure a demo run.
type Options struct {
	Out  io.Writer // the transcript
	Dir  string    // where the database and the files the demo makes are left
	Lang string    // "vi" (default) or "en": the people's Telegram language and the plan's chat_language
}

// season is the demo's simulated stretch: from two weeks before the
// first-half-year deadline (10/06/2026) to a few working days after it.
var (
	loc         = mustZone("Asia/Ho_Chi_Minh")
	seasonStart = time.Date(2026, 5, 25, 7, 0, 0, 0, loc)
	seasonEnd   = time.Date(2026, 6, 16, 18, 0, 0, 0, loc)
)

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// person is a scripted user. The fake server's own values for the user and
// the chats stay inside the closures cast makes, so the demo names no
// Telegram type: it speaks in ids, texts and files.
type person struct {
	id   int64
	name string
	unit string
	role db.Role
	// says injects a text from the person into a chat: privateChat, or
	// the Office chat or the group by id.
	says func(chatID int64, text string)
	// sends injects a document from the person in their private chat.
	sends func(up telegramtest.Upload, opts ...telegramtest.MessageOption)
	// presses injects a press on a button of a bot message.
	presses func(chatID int64, messageID int, data string)
}

// privateChat stands for a person's private chat with the bot in says.
const privateChat = 0

type world struct {
	opts  Options
	srv   *telegramtest.Server
	store *db.Store
	bot   *bot.Bot

	sim *clock.Manual

	printed int // how many of the fake server's sent calls are in the transcript
	names   map[int64]string

	admin, clerk          person
	an, binh, cuong       person
	officeChat, groupChat int64
}

// Run plays the season and returns when it is over.
func Run(ctx context.Context, opts Options) error {
	if opts.Lang != "en" {
		opts.Lang = "vi"
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return err
	}
	w := &world{opts: opts, sim: clock.NewManual(seasonStart), names: map[int64]string{}}
	w.srv = telegramtest.New(telegramtest.WithClock(w.clock))
	defer w.srv.Close()
	path := filepath.Join(opts.Dir, "reportbot.db")
	os.Remove(path)
	store, err := db.Open(path)
	if err != nil {
		return err
	}
	defer store.Close()
	store.Now = w.clock
	w.store = store

	p, err := plan.Parse(examples.Plan)
	if err != nil {
		return err
	}
	// The English demo is English throughout: the Office and the group too,
	// as a department that sets chat_language: en would see them.
	p.ChatLanguage = opts.Lang
	if _, err := plan.Apply(ctx, store, p); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.bot, err = bot.New(ctx, bot.Config{
		Token: w.srv.Token(), APIURL: w.srv.URL(), DataDir: opts.Dir, Store: store, Location: loc,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PollTimeout: time.Second,
		Pacer: bot.NewFakePacer(seasonStart),
	})
	if err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.bot.Run(ctx, true)
	}()
	defer func() { cancel(); <-done }()

	w.cast()
	if err := w.play(ctx); err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "\n%s %s\n", w.say("Các tệp của bản chạy thử nằm ở:", "The demo's files are in:"), opts.Dir)
	return nil
}

func (w *world) clock() time.Time { return w.sim.Now() }

func (w *world) setNow(t time.Time) { w.sim.Set(t) }

// say picks the Vietnamese or English narration.
func (w *world) say(vi, en string) string {
	if w.opts.Lang == "en" {
		return en
	}
	return vi
}

// cast creates the people and chats of the play.
func (w *world) cast() {
	lang := w.opts.Lang
	office := w.srv.NewGroup(-2001, "Văn phòng Sở")
	group := w.srv.NewSupergroup(-1002002, "Sở Nội vụ — thông báo", false)
	w.officeChat, w.groupChat = office.ID, group.ID
	mk := func(id int64, name, unit string, role db.Role) person {
		u := w.srv.NewUser(id, name, "", lang)
		private := telegramtest.PrivateChat(u)
		w.names[id] = name
		return person{id: id, name: name, unit: unit, role: role,
			says: func(chatID int64, text string) {
				switch chatID {
				case office.ID:
					w.srv.InjectText(office, u, text)
				case group.ID:
					w.srv.InjectText(group, u, text)
				default:
					w.srv.InjectText(private, u, text)
				}
			},
			sends: func(up telegramtest.Upload, opts ...telegramtest.MessageOption) {
				w.srv.InjectDocument(private, u, up, opts...)
			},
			presses: func(chatID int64, messageID int, data string) { w.srv.InjectCallback(u, chatID, messageID, data) },
		}
	}
	w.admin = mk(9001, "Lê Văn Quản", "", db.RoleAdmin)
	w.clerk = mk(9002, "Phạm Thị Thu", "", db.RoleOffice)
	w.an = mk(1001, "Nguyễn Văn An", "TCBC", db.RoleHead)
	w.binh = mk(1002, "Trần Thị Bình", "CCHC", db.RoleHead)
	w.cuong = mk(1003, "Hoàng Văn Cường", "BTG", db.RoleHead)
	w.names[w.officeChat] = "nhóm Văn phòng Sở"
	w.names[w.groupChat] = "nhóm thông báo chung"
	if lang == "en" {
		w.names[w.officeChat] = "Office group"
		w.names[w.groupChat] = "announcement group"
	}
}

// line prints one transcript line: the simulated time, who, to whom (a
// person, the bot, or a group), what.
func (w *world) line(who, where, text string) {
	text = strings.Join(strings.Fields(strings.ReplaceAll(text, "\n", " ↵ ")), " ")
	if r := []rune(text); len(r) > 260 {
		text = string(r[:259]) + "…"
	}
	fmt.Fprintf(w.opts.Out, "[%s] %s → %s: %s\n", w.clock().Format("02/01/2006 15:04"), who, where, text)
}

// narrate prints a stage direction.
func (w *world) narrate(vi, en string) {
	fmt.Fprintf(w.opts.Out, "\n— %s\n", w.say(vi, en))
}

// chatName names a chat as the transcript shows it: a private chat by the
// person in it, a group by its name.
func (w *world) chatName(id int64) string {
	if n, ok := w.names[id]; ok {
		return n
	}
	return fmt.Sprint(id)
}

// whereTo is where a person's message goes: the bot, in a private chat.
func (w *world) whereTo(chatID int64) string {
	if chatID > 0 {
		return "bot"
	}
	return w.chatName(chatID)
}

// userSays injects a text from a person in a chat and prints it.
func (w *world) userSays(p person, chatID int64, text string) {
	where := chatID
	if chatID == privateChat {
		where = p.id
	}
	w.line(p.name, w.whereTo(where), text)
	p.says(chatID, text)
}

// stuck is how long flush waits for the bot before calling it stuck. It
// guards against a hung bot, not a slow one: a step takes milliseconds, but
// under the race detector on a busy machine a step that writes the
// synthesis pack takes seconds.
const stuck = 2 * time.Minute

// flush waits until the bot has handled everything and sent what is due,
// then prints the bot's new messages.
func (w *world) flush(ctx context.Context) error {
	deadline := time.Now().Add(stuck)
	for {
		// In the order things flow, so nothing slips between two looks: an
		// update the fake no longer holds is stored; a stored update once
		// handled has its replies in the outbox (one transaction); a reply
		// no longer pending has reached the fake. Looking at the fake last
		// would miss an update stored and confirmed after the inbox was read.
		idle := w.srv.PendingUpdates() == 0
		r := w.store.Read(ctx)
		ups, err := r.PendingUpdates(1)
		if err != nil {
			return err
		}
		due, err := r.PendingOutbox(w.clock(), 1)
		if err != nil {
			return err
		}
		if idle && len(ups) == 0 && len(due) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: the bot did not finish within %v", stuck)
		}
		w.bot.Kick()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	sent := w.srv.Sent()
	for _, s := range sent[w.printed:] {
		w.printSent(s)
	}
	w.printed = len(sent)
	return nil
}

func (w *world) printSent(s telegramtest.Sent) {
	text := s.Text
	switch s.Method {
	case "sendMessage":
	case "sendDocument", "sendPhoto":
		name := ""
		if s.File != nil {
			name = s.File.Name
		}
		text = fmt.Sprintf("[%s %s] %s", w.say("tệp", "file"), name, s.Caption)
	case "copyMessage":
		text = fmt.Sprintf("[%s] %s", w.say("bản sao tệp báo cáo", "copy of the report file"), s.Caption)
	case "editMessageText":
		text = "✎ " + s.Text
	default:
		return
	}
	var buttons []string
	for _, row := range s.Buttons {
		for _, b := range row {
			buttons = append(buttons, "["+b.Text+"]")
		}
	}
	if len(buttons) > 0 {
		text += " " + strings.Join(buttons, " ")
	}
	w.line("🤖 bot", w.chatName(s.ChatID), text)
}
