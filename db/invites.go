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
	// The old membership's desk sessions spoke for its role, not the new one.
	if err := tx.endDeskAccess(j.TelegramID); err != nil {
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
