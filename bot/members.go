package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
)

// Members from chat: who is in, inviting people, and removing them.

// cmdMembers lists members with roles, when they joined and whether the bot
// can reach them; "/members UNIT" lists one unit.
func (b *Bot) cmdMembers(r *Request) error {
	rd := b.store.Read(r.ctx)
	var unitID int64
	if code := strings.TrimSpace(r.Ev.Args); code != "" {
		u, err := rd.UnitByCode(code)
		if errors.Is(err, db.ErrNotFound) {
			r.Reply(r.T("console.unknown_unit", code))
			return nil
		}
		if err != nil {
			return err
		}
		unitID = u.ID
	}
	members, err := rd.Members(unitID)
	if err != nil {
		return err
	}
	units, err := rd.Units(true)
	if err != nil {
		return err
	}
	codes := map[int64]string{}
	for _, u := range units {
		codes[u.ID] = u.Code
	}
	if len(members) == 0 {
		r.Reply(r.T("manage.no_members"))
		return nil
	}
	lines := []string{r.T("manage.members_title", len(members))}
	for _, m := range members {
		where := r.T("role." + string(m.Role))
		if m.UnitID != 0 {
			where = codes[m.UnitID] + ", " + where
		}
		line := r.T("manage.member_line", m.ID, m.Name, where, formatDate(m.JoinedAt, b.loc))
		if m.Username != "" {
			line += " @" + m.Username
		}
		if !m.UnreachableAt.IsZero() {
			line += " " + r.T("reach."+reachKey(m.Unreachable))
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", r.T("manage.members_hint"))
	return r.ReplyList(strings.Join(lines, "\n"), nil)
}

// cmdInvite makes a one-time invite link, the same kind the CLI makes and
// with the CLI's arguments (see parseInviteArgs). Only an admin may invite
// the Office, admins or the Director: the Office must not be able to raise
// anyone, itself included, above its own rights.
func (b *Bot) cmdInvite(r *Request) error {
	code, role, ttl, ok := parseInviteArgs(r.Ev.Args, b.cfg.InviteTTL)
	if !ok {
		r.Reply(r.T("manage.invite_usage") + "\n" + r.T("invite.usage_cli"))
		return nil
	}
	var unit db.Unit
	if code != "" {
		u, err := b.store.Read(r.ctx).UnitByCode(code)
		if errors.Is(err, db.ErrNotFound) {
			r.Reply(r.T("console.unknown_unit", code))
			return nil
		}
		if err != nil {
			return err
		}
		unit = u
	}
	if !role.NeedsUnit() && r.Member.Role != db.RoleAdmin {
		r.Reply(r.T("manage.invite_admin_only", r.T("role."+string(role))))
		return nil
	}
	var token string
	var inv db.Invite
	err := r.Tx(func(tx *db.Tx) error {
		var err error
		token, inv, err = tx.CreateInvite(unit.ID, role, ttl, fmt.Sprintf("tg:%d", r.Member.ID))
		if err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "invite", string(role), unit.Code)
	})
	if err != nil {
		return err
	}
	who := r.T("role." + string(role))
	if unit.ID != 0 {
		who += " — " + unit.Code + " " + unitName(unit, r.Lang)
	}
	r.ReplyWith(db.OutMessage{Text: r.T("manage.invite_made", who, formatDateTime(inv.ExpiresAt, b.loc), b.DeepLink(token)), Sensitive: true})
	return nil
}

// parseInviteArgs reads /invite's arguments the way "reportbot invite"
// reads its command line — "UNIT [--role head|member] [--ttl 72h]",
// "[UNIT] --role office", "--role admin|director" — and also the short
// chat forms "UNIT member" and "director". A phone may have turned "--"
// into a dash; that is read as "--" too.
func parseInviteArgs(text string, ttl time.Duration) (unitCode string, role db.Role, _ time.Duration, ok bool) {
	words := strings.Fields(text)
	var pos []string
	roleName := ""
	for i := 0; i < len(words); i++ {
		w := words[i]
		for _, dash := range []string{"—", "–"} {
			if rest, found := strings.CutPrefix(w, dash); found {
				w = "--" + rest
			}
		}
		if !strings.HasPrefix(w, "-") {
			pos = append(pos, w)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !hasVal {
			if i+1 == len(words) {
				return "", "", 0, false
			}
			i++
			val = words[i]
		}
		switch name {
		case "role":
			roleName = val
		case "ttl":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return "", "", 0, false
			}
			ttl = d
		default:
			return "", "", 0, false
		}
	}
	if roleName == "" {
		switch len(pos) {
		case 1:
			if rl, err := db.ParseRole(strings.ToLower(pos[0])); err == nil && !rl.NeedsUnit() {
				return "", rl, ttl, true
			}
		case 2:
			roleName, pos = pos[1], pos[:1]
		}
	}
	if roleName == "" {
		roleName = string(db.RoleHead)
	}
	role, err := db.ParseRole(strings.ToLower(roleName))
	if err != nil || len(pos) > 1 || !role.UnitFits(len(pos) == 1) {
		return "", "", 0, false
	}
	if len(pos) == 1 {
		unitCode = pos[0]
	}
	return unitCode, role, ttl, true
}

// cmdRemove asks to confirm ending a membership: "/remove <member number
// or @username>". Nothing changes until the Confirm button is pressed.
func (b *Bot) cmdRemove(r *Request) error {
	arg := strings.TrimSpace(r.Ev.Args)
	if arg == "" {
		r.Reply(r.T("manage.remove_usage"))
		return nil
	}
	members, err := b.store.Read(r.ctx).Members(0)
	if err != nil {
		return err
	}
	var target *db.Member
	for i, m := range members {
		if id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64); err == nil && m.ID == id ||
			strings.HasPrefix(arg, "@") && strings.EqualFold(m.Username, arg[1:]) {
			target = &members[i]
			break
		}
	}
	if target == nil {
		r.Reply(r.T("manage.no_such_member", arg))
		return nil
	}
	if !b.mayRemove(r, *target) {
		return nil
	}
	r.ReplyWith(db.OutMessage{Text: r.T("remove.confirm", b.memberLabel(r, *target)), Markup: Keyboard([]Button{
		Callback{Verb: VerbRemove, Step: "yes", ID: target.ID}.Button(r.T("remove.btn_yes")),
		Callback{Verb: VerbRemove, Step: "no", ID: target.ID}.Button(r.T("announce.cancel")),
	})})
	return nil
}

// mayRemove refuses removing oneself, and an admin by anyone but an admin.
func (b *Bot) mayRemove(r *Request, target db.Member) bool {
	if target.ID == r.Member.ID {
		r.Reply(r.T("manage.remove_self"))
		return false
	}
	if target.Role == db.RoleAdmin && r.Member.Role != db.RoleAdmin {
		r.Reply(r.T("manage.invite_admin_only", r.T("role.admin")))
		return false
	}
	return true
}

// memberLabel names a member with their role and unit, for the Office.
func (b *Bot) memberLabel(r *Request, m db.Member) string {
	where := r.T("role." + string(m.Role))
	if m.UnitID != 0 {
		if u, err := b.store.Read(r.ctx).Unit(m.UnitID); err == nil {
			where += ", " + u.Code
		}
	}
	return m.Name + " (" + where + ")"
}

// onRemoveButton ends the membership the confirmation names (and with it
// their desk sessions and sign-in links), tells the person, clears their
// command menu and menu button, and closes the confirmation so a
// second clerk sees what was done, by whom and when.
func (b *Bot) onRemoveButton(r *Request, c Callback) error {
	target, err := b.store.Read(r.ctx).Member(c.ID)
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	label := b.memberLabel(r, target)
	if c.Step == "no" {
		b.editMessage(r, r.T("remove.cancelled", label)+b.decidedBy(r), nil)
		return nil
	}
	if !target.RemovedAt.IsZero() {
		r.Toast(r.T("remove.gone"))
		return nil
	}
	if !b.mayRemove(r, target) {
		return nil
	}
	lang := pickLang(target.Lang, "")
	// The menu goes first: the chat's messages keep their order, so once
	// the person is told, their menu is already empty.
	r.Send(db.OutMessage{Kind: db.KindMenu, ChatID: target.TelegramID, MemberID: target.ID})
	// The desk's menu button must not outlive the role that had it.
	b.resetMenuButton(r.ctx, target.TelegramID) // desk_chat.go
	r.Send(db.OutMessage{ChatID: target.TelegramID, MemberID: target.ID, Text: tr(lang, "remove.told"), Key: fmt.Sprintf("removed:%d", target.ID)})
	err = r.Tx(func(tx *db.Tx) error {
		if err := tx.RemoveMember(target.ID); err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "remove", strconv.FormatInt(target.ID, 10), target.Name)
	})
	if errors.Is(err, db.ErrNotFound) {
		r.replies = nil
		r.Toast(r.T("remove.gone"))
		return nil
	}
	if err != nil {
		return err
	}
	r.Toast(r.T("remove.toast"))
	b.editMessage(r, r.T("manage.removed", label)+b.decidedBy(r), nil)
	return nil
}

// decidedBy is the line a decision adds to the message it closes: who
// pressed, and when.
func (b *Bot) decidedBy(r *Request) string {
	return "\n" + r.T("decided.by", r.Member.Name, formatDateTime(b.store.Now(), b.loc))
}
