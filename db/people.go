package db

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
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
	UnreachableAt time.Time // set when Telegram answered 403 (the user blocked the bot)
}

const memberCols = `id, telegram_id, name, username, COALESCE(unit_id, 0), role, lang, joined_at, removed_at, unreachable_at`

func scanMember(sc interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var joined int64
	var removed, unreachable sql.NullInt64
	err := sc.Scan(&m.ID, &m.TelegramID, &m.Name, &m.Username, &m.UnitID, &m.Role, &m.Lang, &joined, &removed, &unreachable)
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

// SetUnreachable marks (or clears, with reachable=true) a member whose
// private chat refused the bot.
func (tx *Tx) SetUnreachable(telegramID int64, unreachable bool) (changed bool, err error) {
	var res sql.Result
	if unreachable {
		res, err = tx.exec(`UPDATE members SET unreachable_at = ? WHERE telegram_id = ? AND removed_at IS NULL AND unreachable_at IS NULL`, tx.now.Unix(), telegramID)
	} else {
		res, err = tx.exec(`UPDATE members SET unreachable_at = NULL WHERE telegram_id = ? AND removed_at IS NULL AND unreachable_at IS NOT NULL`, telegramID)
	}
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveMember ends a membership; history keeps the row.
func (tx *Tx) RemoveMember(memberID int64) error {
	res, err := tx.exec(`UPDATE members SET removed_at = ? WHERE id = ? AND removed_at IS NULL`, tx.now.Unix(), memberID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	// A question the bot asked them can no longer be answered.
	_, err = tx.exec(`DELETE FROM pending_inputs WHERE telegram_id = (SELECT telegram_id FROM members WHERE id = ?)`, memberID)
	return err
}

// Invite is a one-time link to join as a role (of a unit).
type Invite struct {
	ID        int64
	UnitID    int64
	Role      Role
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// HashToken is how invite tokens are stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateInvite makes a random single-use token valid for ttl and returns it;
// only its hash is stored.
func (tx *Tx) CreateInvite(unitID int64, role Role, ttl time.Duration, createdBy string) (string, Invite, error) {
	// The Office may be invited with its own unit (Văn phòng Sở) or none;
	// heads and members need one; admins and the Director have none.
	if role.NeedsUnit() && unitID == 0 || !role.NeedsUnit() && role != RoleOffice && unitID != 0 {
		return "", Invite{}, fmt.Errorf("role %s and unit do not fit together", role)
	}
	buf := make([]byte, 18)
	if _, err := rand.Read(buf); err != nil {
		return "", Invite{}, err
	}
	// URL-safe, and within the 64 characters Telegram allows in a /start payload.
	token := base64.RawURLEncoding.EncodeToString(buf)
	inv := Invite{UnitID: unitID, Role: role, CreatedAt: tx.now, ExpiresAt: tx.now.Add(ttl)}
	res, err := tx.exec(`INSERT INTO invites (token_hash, unit_id, role, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
		HashToken(token), nullID(unitID), role, inv.CreatedAt.Unix(), inv.ExpiresAt.Unix(), createdBy)
	if err != nil {
		return "", Invite{}, fmt.Errorf("create invite: %w", err)
	}
	inv.ID, _ = res.LastInsertId()
	return token, inv, nil
}

// Why an invite could not be used. Each gets its own words for the user.
var (
	ErrInviteUnknown = errors.New("invite unknown")
	ErrInviteUsed    = errors.New("invite already used")
	ErrInviteExpired = errors.New("invite expired")
)

// Joiner is the Telegram user redeeming an invite.
type Joiner struct {
	TelegramID int64
	Name       string
	Username   string
	Lang       string
}

// RedeemInvite turns a token into a membership, once. A user who is already
// a member gets the new role and unit (an invite is how the Office moves
// people), and their old membership is ended.
func (tx *Tx) RedeemInvite(token string, j Joiner) (Member, error) {
	var inv Invite
	var unitID sql.NullInt64
	var expires int64
	var used sql.NullInt64
	err := tx.queryRow(`SELECT id, unit_id, role, expires_at, used_at FROM invites WHERE token_hash = ?`, HashToken(token)).
		Scan(&inv.ID, &unitID, &inv.Role, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, ErrInviteUnknown
	}
	if err != nil {
		return Member{}, err
	}
	if used.Valid {
		return Member{}, ErrInviteUsed
	}
	if !tx.now.Before(fromUnix(expires)) {
		return Member{}, ErrInviteExpired
	}
	if _, err := tx.exec(`UPDATE members SET removed_at = ? WHERE telegram_id = ? AND removed_at IS NULL`, tx.now.Unix(), j.TelegramID); err != nil {
		return Member{}, err
	}
	m := Member{TelegramID: j.TelegramID, Name: j.Name, Username: j.Username, UnitID: unitID.Int64, Role: inv.Role, JoinedAt: tx.now}
	res, err := tx.exec(`INSERT INTO members (telegram_id, name, username, unit_id, role, lang, joined_at) VALUES (?, ?, ?, ?, ?, '', ?)`,
		m.TelegramID, m.Name, m.Username, nullID(m.UnitID), m.Role, m.JoinedAt.Unix())
	if err != nil {
		return Member{}, fmt.Errorf("add member: %w", err)
	}
	m.ID, _ = res.LastInsertId()
	if _, err := tx.exec(`UPDATE invites SET used_at = ?, used_by = ? WHERE id = ?`, tx.now.Unix(), m.ID, inv.ID); err != nil {
		return Member{}, err
	}
	return m, nil
}

// ChatKind names a chat the bot is bound to.
type ChatKind string

// The chats an admin can bind.
const (
	ChatOffice ChatKind = "office"
	ChatGroup  ChatKind = "group"
)

// BoundChat is a group (or forum topic) the bot speaks in.
type BoundChat struct {
	Kind     ChatKind
	ChatID   int64
	ThreadID int
	Title    string
	BoundBy  int64
	BoundAt  time.Time
}

// BindChat binds (or rebinds) a chat kind to a Telegram chat.
func (tx *Tx) BindChat(c BoundChat) error {
	_, err := tx.exec(`INSERT INTO chats (kind, chat_id, thread_id, title, bound_by, bound_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET chat_id = excluded.chat_id, thread_id = excluded.thread_id, title = excluded.title, bound_by = excluded.bound_by, bound_at = excluded.bound_at`,
		c.Kind, c.ChatID, c.ThreadID, c.Title, nullID(c.BoundBy), tx.now.Unix())
	return err
}

// MigrateChat follows a group that Telegram upgraded to a supergroup.
func (tx *Tx) MigrateChat(oldID, newID int64) error {
	if _, err := tx.exec(`UPDATE chats SET chat_id = ? WHERE chat_id = ?`, newID, oldID); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'`, newID, oldID)
	return err
}

// Chat returns the chat bound to kind.
func (r *Reader) Chat(kind ChatKind) (BoundChat, error) {
	c := BoundChat{Kind: kind}
	var by sql.NullInt64
	var at int64
	err := r.queryRow(`SELECT chat_id, thread_id, title, bound_by, bound_at FROM chats WHERE kind = ?`, kind).Scan(&c.ChatID, &c.ThreadID, &c.Title, &by, &at)
	c.BoundBy, c.BoundAt = by.Int64, fromUnix(at)
	return c, notFound(err)
}

// Audit records who did what.
func (tx *Tx) Audit(memberID, telegramID int64, action, subject, detail string) error {
	_, err := tx.exec(`INSERT INTO audit (at, member_id, telegram_id, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		tx.now.Unix(), nullID(memberID), telegramID, action, subject, detail)
	return err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At         time.Time
	MemberID   int64
	TelegramID int64
	Action     string
	Subject    string
	Detail     string
}

// AuditLog lists the audit entries with an action (all if ""), oldest first.
func (r *Reader) AuditLog(action string) ([]AuditEntry, error) {
	return r.audit(`? = '' OR action = ?`, action, action)
}

// PendingInput is a question the bot asked a user and waits for a typed
// answer to, such as the reason for returning a report.
type PendingInput struct {
	TelegramID int64
	ChatID     int64
	Kind       string
	RefID      int64
	Data       string
	CreatedAt  time.Time
}

// SetPendingInput remembers a question, replacing any earlier one in that chat.
func (tx *Tx) SetPendingInput(p PendingInput) error {
	_, err := tx.exec(`INSERT INTO pending_inputs (telegram_id, chat_id, kind, ref_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET kind = excluded.kind, ref_id = excluded.ref_id, data = excluded.data, created_at = excluded.created_at`,
		p.TelegramID, p.ChatID, p.Kind, p.RefID, p.Data, tx.now.Unix())
	return err
}

// TakePendingInput returns and forgets the question waiting in a chat.
func (tx *Tx) TakePendingInput(telegramID, chatID int64) (PendingInput, error) {
	p := PendingInput{TelegramID: telegramID, ChatID: chatID}
	var at int64
	err := tx.queryRow(`DELETE FROM pending_inputs WHERE telegram_id = ? AND chat_id = ? RETURNING kind, ref_id, data, created_at`, telegramID, chatID).
		Scan(&p.Kind, &p.RefID, &p.Data, &at)
	p.CreatedAt = fromUnix(at)
	return p, notFound(err)
}

// PeekPendingInput tells whether a question waits in a chat, without taking it.
func (r *Reader) PeekPendingInput(telegramID, chatID int64) (PendingInput, error) {
	p := PendingInput{TelegramID: telegramID, ChatID: chatID}
	var at int64
	err := r.queryRow(`SELECT kind, ref_id, data, created_at FROM pending_inputs WHERE telegram_id = ? AND chat_id = ?`, telegramID, chatID).
		Scan(&p.Kind, &p.RefID, &p.Data, &at)
	p.CreatedAt = fromUnix(at)
	return p, notFound(err)
}

// CreateInviteByCode is CreateInvite for a unit named by its code ("" for
// the roles without a unit), as people type it on the command line.
func (tx *Tx) CreateInviteByCode(unitCode string, role Role, ttl time.Duration, createdBy string) (string, Invite, error) {
	var unitID int64
	if unitCode != "" {
		u, err := tx.Reader().UnitByCode(unitCode)
		if err != nil {
			return "", Invite{}, fmt.Errorf("unit %s: %w", unitCode, err)
		}
		unitID = u.ID
	}
	return tx.CreateInvite(unitID, role, ttl, createdBy)
}
