package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/desk"
)

// cmdWeblogin prints a single-use sign-in link to the desk for a member, as
// /web does in chat: for the operator on the server, or for a member whose
// Telegram is not at hand.
func (a *app) cmdWeblogin(args []string) error {
	fs, dataDir := a.flags("weblogin")
	o := a.deskFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: reportbot weblogin MEMBER (@username or Telegram id) --desk-url https://…/app/")
	}
	if o.url == "" {
		return usagef("--desk-url (or REPORTBOT_DESK_URL) is needed: the link points at the desk's public address")
	}
	if err := o.check(); err != nil {
		return err
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	m, err := findMember(store.Read(a.ctx), pos[0])
	if err != nil {
		return err
	}
	var token string
	err = store.Tx(a.ctx, func(tx *db.Tx) error {
		var err error
		if token, err = tx.CreateDeskLogin(m.ID, desk.DefaultLoginTTL); err != nil {
			return err
		}
		return tx.Audit(0, 0, "web_login", fmt.Sprintf("member:%d", m.ID), "command line")
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s (%s) — dùng một lần, hiệu lực %d phút / single use, valid %d minutes:\n%s\n",
		m.Name, m.Role, int(desk.DefaultLoginTTL.Minutes()), int(desk.DefaultLoginTTL.Minutes()), desk.LoginLink(o.url, token))
	return nil
}

// findMember finds an active member by @username or Telegram id.
func findMember(r *db.Reader, who string) (db.Member, error) {
	if id, err := strconv.ParseInt(who, 10, 64); err == nil {
		m, err := r.MemberByTelegramID(id)
		if err == nil && m.RemovedAt.IsZero() {
			return m, nil
		}
	}
	members, err := r.Members(0)
	if err != nil {
		return db.Member{}, err
	}
	name := strings.TrimPrefix(who, "@")
	for _, m := range members {
		if m.Username != "" && strings.EqualFold(m.Username, name) {
			return m, nil
		}
	}
	return db.Member{}, configError{fmt.Sprintf("không có thành viên %q / no member %q (give @username or Telegram id)", who, who)}
}
