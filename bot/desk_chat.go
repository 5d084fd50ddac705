package bot

import (
	"context"
	"encoding/json"
	"slices"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/desk"
)

// The chat's doors to the Office's desk: /web gives a single-use sign-in
// link for a browser, the menu button opens the desk as a Mini App for the
// Office, admins and the Director, and /status carries a button to it.

// cmdWeb answers with a sign-in link valid DefaultLoginTTL, usable once.
func (b *Bot) cmdWeb(r *Request) error {
	if b.cfg.DeskURL == "" {
		r.Reply(r.T("desk.web_off"))
		return nil
	}
	return r.Tx(func(tx *db.Tx) error {
		token, err := tx.CreateDeskLogin(r.Member.ID, desk.DefaultLoginTTL)
		if err != nil {
			return err
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "web_login", "", ""); err != nil {
			return err
		}
		r.Reply(r.T("desk.web_link", desk.LoginLink(b.cfg.DeskURL, token)))
		return nil
	})
}

// deskMenuRoles are the roles whose menu button opens the desk.
var deskMenuRoles = []db.Role{db.RoleOffice, db.RoleAdmin, db.RoleDirector}

// setDeskMenuButton makes a member's menu button open the desk. Like the
// command menu it is a convenience: a failure is logged, not fatal.
func (b *Bot) setDeskMenuButton(ctx context.Context, m db.Member, lang string) {
	if b.cfg.DeskURL == "" || !slices.Contains(deskMenuRoles, m.Role) {
		return
	}
	b.setMenuButton(ctx, m.TelegramID, models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: tr(lang, "desk.button"),
		WebApp: models.WebAppInfo{URL: b.cfg.DeskURL}})
}

// leaveDeskMenuButton puts the default menu button back for a member an
// invite moved from a role with the desk to one without (was: the old
// membership, nil for a newcomer).
func (b *Bot) leaveDeskMenuButton(ctx context.Context, was *db.Member, now db.Member) {
	if was != nil && slices.Contains(deskMenuRoles, was.Role) && !slices.Contains(deskMenuRoles, now.Role) {
		b.resetMenuButton(ctx, now.TelegramID)
	}
}

// resetMenuButton puts Telegram's default menu button back in a private
// chat: the desk's button must not outlive the role that had it.
func (b *Bot) resetMenuButton(ctx context.Context, telegramID int64) {
	b.setMenuButton(ctx, telegramID, models.MenuButtonDefault{Type: models.MenuButtonTypeDefault})
}

func (b *Bot) setMenuButton(ctx context.Context, telegramID int64, button models.InputMenuButton) {
	_, err := b.tg.SetChatMenuButton(ctx, &tgbot.SetChatMenuButtonParams{ChatID: telegramID, MenuButton: button})
	if err != nil {
		b.log.Warn("set menu button", "err", redact(err.Error(), b.cfg.Token))
	}
}

// SetDeskMenuButtons gives every Office member, admin and the Director the
// desk's menu button (nothing when the desk has no public address); run
// calls it at start for members who joined before the desk was enabled.
func (b *Bot) SetDeskMenuButtons(ctx context.Context) {
	if b.cfg.DeskURL == "" {
		return
	}
	for _, role := range deskMenuRoles {
		members, err := b.store.Read(ctx).MembersByRole(role)
		if err != nil {
			b.log.Warn("set menu buttons", "err", err)
			return
		}
		for _, m := range members {
			b.setDeskMenuButton(ctx, m, pickLang(m.Lang, ""))
		}
	}
}

// addDeskButton adds a last row opening the desk to the keyboard of the
// reply queued last: a Mini App button in a private chat, a link in a group
// (Telegram allows Web App buttons only in private chats).
func (b *Bot) addDeskButton(r *Request) {
	if b.cfg.DeskURL == "" || len(r.replies) == 0 {
		return
	}
	last := &r.replies[len(r.replies)-1]
	var kb models.InlineKeyboardMarkup
	if last.Markup != "" && json.Unmarshal([]byte(last.Markup), &kb) != nil {
		return // not an inline keyboard: leave it be
	}
	btn := models.InlineKeyboardButton{Text: r.T("desk.button")}
	if r.Ev.Private() {
		btn.WebApp = &models.WebAppInfo{URL: b.cfg.DeskURL}
	} else {
		btn.URL = b.cfg.DeskURL
	}
	kb.InlineKeyboard = append(kb.InlineKeyboard, []models.InlineKeyboardButton{btn})
	raw, _ := json.Marshal(kb)
	last.Markup = string(raw)
}
