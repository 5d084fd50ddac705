package db

import (
	"database/sql"
	"fmt"
	"time"
)

// Role is what a member may do.
type Role string

// Roles. A head answers for a unit; a member of a unit may also submit; the
// Office monitors and reviews; an admin binds chats and manages the plan; the
// Director (or a deputy in charge) receives escalations.
const (
	RoleHead     Role = "head"
	RoleMember   Role = "member"
	RoleOffice   Role = "office"
	RoleAdmin    Role = "admin"
	RoleDirector Role = "director"
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleHead, RoleMember, RoleOffice, RoleAdmin, RoleDirector:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (head, member, office, admin or director)", s)
}

// NeedsUnit reports whether members of this role belong to a unit.
func (r Role) NeedsUnit() bool { return r == RoleHead || r == RoleMember }

// UnitFits says whether an invite for the role may name a unit (hasUnit)
// or go without one: a unit's people need one, admins and the Director
// have none, and the Office may be invited with its own unit or without.
func (r Role) UnitFits(hasUnit bool) bool { return r == RoleOffice || r.NeedsUnit() == hasUnit }

// Staff reports whether the role may use the Office's console.
func (r Role) Staff() bool { return r == RoleOffice || r == RoleAdmin }

// Unit is a division or attached unit of the department.
type Unit struct {
	ID       int64
	Code     string
	Name     string
	NameEN   string
	ClosedAt time.Time
}

// Member is a Telegram user who joined through an invite.
type Member struct {
	ID            int64
	TelegramID    int64
	Name          string
	Username      string
	UnitID        int64 // 0 for the Office, admins and the Director
	Role          Role
	Lang          string // "vi", "en" or "" (follow Telegram's language)
	JoinedAt      time.Time
	RemovedAt     time.Time
	UnreachableAt time.Time    // set when Telegram answered 403 to their private chat
	Unreachable   Reachability // why, while UnreachableAt is set
}

// Reachability is whether the bot can write to a member, and if not, why:
// the Office asks a member who blocked the bot to unblock it, and one who
// never opened a chat with it to open it and press Start.
type Reachability string

// The reachabilities.
const (
	Reachable Reachability = ""
	// UnreachableBlocked: 403 "bot was blocked by the user".
	UnreachableBlocked Reachability = "blocked"
	// UnreachableNotStarted: 403 "bot can't initiate conversation with a
	// user": the member never opened a chat with the bot.
	UnreachableNotStarted Reachability = "not_started"
	// UnreachableUnknown: marked before the reason was recorded.
	UnreachableUnknown Reachability = "unknown"
)

const memberCols = `id, telegram_id, name, username, COALESCE(unit_id, 0), role, lang, joined_at, removed_at, unreachable_at, unreachable_reason`

func scanMember(sc interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var joined int64
	var removed, unreachable sql.NullInt64
	err := sc.Scan(&m.ID, &m.TelegramID, &m.Name, &m.Username, &m.UnitID, &m.Role, &m.Lang, &joined, &removed, &unreachable, &m.Unreachable)
	m.JoinedAt, m.RemovedAt, m.UnreachableAt = fromUnix(joined), nullTime(removed), nullTime(unreachable)
	return m, err
}

// MemberByTelegramID finds the active member with that Telegram user id.
func (r *Reader) MemberByTelegramID(tgID int64) (Member, error) {
	m, err := scanMember(r.queryRow(`SELECT `+memberCols+` FROM members WHERE telegram_id = ? AND removed_at IS NULL`, tgID))
	return m, notFound(err)
}

// Member finds a member by id, removed or not.
func (r *Reader) Member(id int64) (Member, error) {
	m, err := scanMember(r.queryRow(`SELECT `+memberCols+` FROM members WHERE id = ?`, id))
	return m, notFound(err)
}

// Members lists active members, by unit then name; unitID 0 lists everyone.
func (r *Reader) Members(unitID int64) ([]Member, error) {
	q := `SELECT ` + memberCols + ` FROM members WHERE removed_at IS NULL`
	var args []any
	if unitID != 0 {
		q += ` AND unit_id = ?`
		args = append(args, unitID)
	}
	rows, err := r.query(q+` ORDER BY COALESCE(unit_id, 0), name, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MembersByRole lists the active members with a role.
func (r *Reader) MembersByRole(role Role) ([]Member, error) {
	all, err := r.Members(0)
	if err != nil {
		return nil, err
	}
	var out []Member
	for _, m := range all {
		if m.Role == role {
			out = append(out, m)
		}
	}
	return out, nil
}

// SetMemberLang stores a member's chosen language.
func (tx *Tx) SetMemberLang(memberID int64, lang string) error {
	_, err := tx.exec(`UPDATE members SET lang = ? WHERE id = ?`, lang, memberID)
	return err
}

// SetUnreachable marks a member whose private chat refused the bot, with
// why; Reachable clears the mark. A member already marked keeps the time
// and the reason of the first refusal.
func (tx *Tx) SetUnreachable(telegramID int64, why Reachability) (changed bool, err error) {
	var res sql.Result
	if why != Reachable {
		res, err = tx.exec(`UPDATE members SET unreachable_at = ?, unreachable_reason = ? WHERE telegram_id = ? AND removed_at IS NULL AND unreachable_at IS NULL`, tx.now.Unix(), why, telegramID)
	} else {
		res, err = tx.exec(`UPDATE members SET unreachable_at = NULL, unreachable_reason = '' WHERE telegram_id = ? AND removed_at IS NULL AND unreachable_at IS NOT NULL`, telegramID)
	}
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveMember ends a membership, with its desk sessions and unused
// sign-in links; history keeps the row.
func (tx *Tx) RemoveMember(memberID int64) error {
	var telegramID int64
	err := tx.queryRow(`UPDATE members SET removed_at = ? WHERE id = ? AND removed_at IS NULL RETURNING telegram_id`, tx.now.Unix(), memberID).Scan(&telegramID)
	if err != nil {
		return notFound(err)
	}
	// A question the bot asked them can no longer be answered.
	if _, err := tx.exec(`DELETE FROM pending_inputs WHERE telegram_id = ?`, telegramID); err != nil {
		return err
	}
	return tx.endDeskAccess(telegramID) // desk.go
}
