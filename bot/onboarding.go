package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// cmdStart redeems an invite. A stranger without a valid invite learns how
// to get one and nothing about the department.
func (b *Bot) cmdStart(r *Request) error {
	if !r.Ev.Private() {
		return nil
	}
	token := strings.TrimSpace(r.Ev.Args)
	if token == "" {
		if r.Member != nil {
			r.Reply(r.T("start.already", r.T("role."+string(r.Member.Role))))
		} else {
			r.Reply(r.T("start.stranger"))
		}
		return nil
	}
	var m db.Member
	err := r.Tx(func(tx *db.Tx) error {
		var err error
		m, err = tx.RedeemInvite(token, db.Joiner{TelegramID: r.Ev.From.ID, Name: r.Ev.From.Name, Username: r.Ev.From.Username, Lang: r.Ev.From.Lang})
		if err != nil {
			return err
		}
		// Remember the language Telegram reports, so reminders the bot
		// starts on its own speak it too; /lang changes it later.
		if lang := pickLang("", r.Ev.From.Lang); lang != "vi" {
			m.Lang = lang
			if err := tx.SetMemberLang(m.ID, lang); err != nil {
				return err
			}
		}
		return tx.Audit(m.ID, m.TelegramID, "join", string(m.Role), "")
	})
	switch {
	case errors.Is(err, db.ErrInviteUsed):
		if r.Member != nil {
			r.Reply(r.T("start.already", r.T("role."+string(r.Member.Role))))
		} else {
			r.Reply(r.T("start.invite_used"))
		}
		return nil
	case errors.Is(err, db.ErrInviteExpired):
		r.Reply(r.T("start.invite_expired"))
		return nil
	case errors.Is(err, db.ErrInviteUnknown):
		r.Reply(r.T("start.invite_unknown"))
		return nil
	case err != nil:
		return err
	}
	was := r.Member
	r.Member = &m
	r.Lang = pickLang(m.Lang, r.Ev.From.Lang)
	b.setMemberCommands(r, m, r.Lang)
	b.leaveDeskMenuButton(r.ctx, was, m) // desk_chat.go
	return b.greet(r)
}

// greet welcomes a new member and, for a unit's people, says what the unit
// owes next.
func (b *Bot) greet(r *Request) error {
	m := r.Member
	role := r.T("role." + string(m.Role))
	if !m.Role.NeedsUnit() {
		r.Reply(r.T("start.welcome_staff", m.Name, role) + "\n\n" + b.helpText(r))
		return nil
	}
	unit, err := b.store.Read(r.ctx).Unit(m.UnitID)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(r.T("start.welcome_unit", m.Name, role, unitName(unit, r.Lang)))
	sb.WriteString("\n\n")
	owed, err := b.owedLines(r, m.UnitID, 3)
	if err != nil {
		return err
	}
	if owed == "" {
		sb.WriteString(r.T("start.nothing"))
	} else {
		sb.WriteString(r.T("start.next") + "\n" + owed)
	}
	sb.WriteString("\n\n" + r.T("start.howto"))
	r.Reply(sb.String())
	return nil
}

// owedLines lists up to max things a unit still owes, soonest first.
func (b *Bot) owedLines(r *Request, unitID int64, max int) (string, error) {
	items, err := b.store.Read(r.ctx).OpenUnitItems(unitID)
	if err != nil {
		return "", err
	}
	var lines []string
	for i, it := range items {
		if i == max {
			break
		}
		lines = append(lines, b.owedLine(r.Lang, it))
	}
	return strings.Join(lines, "\n"), nil
}

// owedLine says what is owed, for which period, by when, and how long is left.
func (b *Bot) owedLine(lang string, it db.Item) string {
	when := b.when(lang, it.DeadlineAt, b.store.Now())
	key, deadline := "owed.line", formatDate(it.DeadlineAt, b.loc)
	if worded := b.deadlineWording(lang, it); worded != "" {
		key, deadline = "owed.worded", worded
	}
	line := tr(lang, key, obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
		deadline, weekday(it.DeadlineAt, b.loc, lang), when)
	if it.Period.MovedReason != "" && it.DeadlineAt.Equal(it.Period.DeadlineAt) {
		line += tr(lang, "owed.moved", formatDate(it.Period.DueAt, b.loc), it.Period.MovedReason)
	}
	return line
}

func unitName(u db.Unit, lang string) string {
	if lang == "en" && u.NameEN != "" {
		return u.NameEN
	}
	return u.Name
}

func obligationTitle(o db.Obligation, lang string) string {
	if lang == "en" && o.TitleEN != "" {
		return o.TitleEN
	}
	return o.Title
}

// cmdHelp lists exactly the commands the user's role may use.
func (b *Bot) cmdHelp(r *Request) error {
	r.Reply(b.helpText(r))
	return nil
}

func (b *Bot) helpText(r *Request) string {
	var sb strings.Builder
	sb.WriteString(r.T("help.title", r.T("role."+string(r.Member.Role))))
	for _, name := range b.routes.order {
		c := b.routes.commands[name]
		if c.hidden || !c.allows(r.Member.Role) {
			continue
		}
		sb.WriteString("\n/" + name + " — " + r.T("cmd."+name))
	}
	if r.Member.Role.NeedsUnit() {
		sb.WriteString("\n\n" + r.T("help.submit"))
	}
	return sb.String()
}

// cmdLang switches the member's language and their command menu with it.
func (b *Bot) cmdLang(r *Request) error {
	lang := strings.ToLower(strings.TrimSpace(r.Ev.Args))
	if lang != "vi" && lang != "en" {
		r.Reply(r.T("lang.usage"))
		return nil
	}
	if err := r.Tx(func(tx *db.Tx) error { return tx.SetMemberLang(r.Member.ID, lang) }); err != nil {
		return err
	}
	r.Lang = lang
	r.Member.Lang = lang
	b.setMemberCommands(r, *r.Member, lang)
	r.Reply(r.T("lang.set"))
	return nil
}

// cmdBind binds the group (or forum topic) it is sent in as the Office chat
// or the announcement group.
func (b *Bot) cmdBind(r *Request) error {
	if r.Ev.Private() {
		r.Reply(r.T("bind.not_group"))
		return nil
	}
	var kind db.ChatKind
	switch strings.ToLower(strings.TrimSpace(r.Ev.Args)) {
	case "office", "vp", "vanphong":
		kind = db.ChatOffice
	case "group", "nhom", "nhóm":
		kind = db.ChatGroup
	default:
		r.Reply(r.T("bind.usage"))
		return nil
	}
	old, err := b.store.Read(r.ctx).Chat(kind)
	switch {
	case errors.Is(err, db.ErrNotFound):
	case err != nil:
		return err
	case old.ChatID != r.Ev.ChatID || old.ThreadID != r.Ev.ThreadID:
		// Moving the Office or the group is asked first: a /bind typed in
		// the wrong chat must not silently take the department's messages
		// away from where people read them.
		r.ReplyWith(db.OutMessage{Text: r.T("bind.move_"+string(kind), old.Title), Markup: Keyboard([]Button{
			Callback{Verb: VerbBind, Step: string(kind), ID: old.BoundAt.Unix()}.Button(r.T("bind.btn_move")),
			Callback{Verb: VerbBind, Step: "no", ID: old.BoundAt.Unix()}.Button(r.T("announce.cancel")),
		})})
		return nil
	}
	text, err := b.bindHere(r, kind)
	if err != nil {
		return err
	}
	r.Reply(text)
	return nil
}

// bindHere binds the chat (and topic) of the request and says so.
func (b *Bot) bindHere(r *Request, kind db.ChatKind) (string, error) {
	err := r.Tx(func(tx *db.Tx) error {
		if err := tx.BindChat(db.BoundChat{Kind: kind, ChatID: r.Ev.ChatID, ThreadID: r.Ev.ThreadID, Title: r.Ev.ChatTitle, BoundBy: r.Member.ID}); err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "bind", string(kind), r.Ev.ChatTitle)
	})
	text := r.T("bind." + string(kind) + "_ok")
	if r.Ev.ThreadID != 0 {
		text += "\n" + r.T("bind.topic_note")
	}
	return text, err
}

// onBindButton moves a binding to the chat the question was asked in, and
// tells the chat it leaves; the button names the binding it was asked
// about (by when it was made), so a binding changed since is not undone.
func (b *Bot) onBindButton(r *Request, c Callback) error {
	kind := db.ChatKind(c.Step)
	if c.Step == "no" {
		b.editMessage(r, r.T("bind.kept")+b.decidedBy(r), nil)
		return nil
	}
	old, err := b.store.Read(r.ctx).Chat(kind)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	if err != nil || old.BoundAt.Unix() != c.ID || old.ChatID == r.Ev.ChatID && old.ThreadID == r.Ev.ThreadID {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	lang := b.chatLang(b.store.Read(r.ctx))
	r.Send(db.OutMessage{ChatID: old.ChatID, ThreadID: old.ThreadID, Text: tr(lang, "bind.left_"+string(kind), r.Member.Name, formatDateTime(b.store.Now(), b.loc))})
	text, err := b.bindHere(r, kind)
	if err != nil {
		return err
	}
	b.editMessage(r, text+b.decidedBy(r), nil)
	return nil
}

// menuFor lists the commands a role sees in Telegram's menu.
func (b *Bot) menuFor(role db.Role, lang string) []models.BotCommand {
	var out []models.BotCommand
	for _, name := range b.routes.order {
		c := b.routes.commands[name]
		if c.hidden || (role != "" && !c.allows(role)) || (role == "" && name != "start") {
			continue
		}
		out = append(out, models.BotCommand{Command: name, Description: tr(lang, "cmd."+name)})
	}
	return out
}

// setDefaultCommands gives strangers a menu with only /start, in Vietnamese
// and, for English-speaking Telegram clients, in English.
func (b *Bot) setDefaultCommands(ctx context.Context) {
	stranger := []models.BotCommand{{Command: "start", Description: tr("vi", "cmd.start")}}
	b.setCommands(ctx, stranger, &models.BotCommandScopeDefault{}, "")
	stranger = []models.BotCommand{{Command: "start", Description: tr("en", "cmd.start")}}
	b.setCommands(ctx, stranger, &models.BotCommandScopeDefault{}, "en")
}

// setMemberCommands queues the menu of one member's private chat for their
// role and language, ahead of the replies to the same chat. Menus are a
// convenience: a refused one is logged by the sender, not fatal.
func (b *Bot) setMemberCommands(r *Request, m db.Member, lang string) {
	cmds, _ := json.Marshal(b.menuFor(m.Role, lang))
	r.Send(db.OutMessage{Kind: db.KindMenu, ChatID: m.TelegramID, MemberID: m.ID, Text: string(cmds)})
	b.setDeskMenuButton(r.ctx, m, lang) // desk_chat.go
}

func (b *Bot) setCommands(ctx context.Context, cmds []models.BotCommand, scope models.BotCommandScope, lang string) {
	_, err := b.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, Scope: scope, LanguageCode: lang})
	if err != nil {
		b.log.Warn("set commands", "err", redact(err.Error(), b.cfg.Token))
	}
}
