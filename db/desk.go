package db

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Desk logins and sessions: the Office's desk in an ordinary browser.

// ErrLoginInvalid means a desk login link is unknown, used or expired; the
// three are not told apart to whoever holds the link.
var ErrLoginInvalid = errors.New("login link unknown, used or expired")

// randomToken is 24 random bytes, URL-safe.
func randomToken() (string, error) {
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// CreateDeskLogin makes a single-use login token for a member, valid for ttl;
// only its hash is stored.
func (tx *Tx) CreateDeskLogin(memberID int64, ttl time.Duration) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	_, err = tx.exec(`INSERT INTO desk_logins (token_hash, member_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		HashToken(token), memberID, tx.now.Unix(), tx.now.Add(ttl).Unix())
	if err != nil {
		return "", fmt.Errorf("create desk login: %w", err)
	}
	return token, nil
}

// DeskSession is a signed-in browser.
type DeskSession struct {
	MemberID  int64
	CSRF      string
	ExpiresAt time.Time
}

// RedeemDeskLogin uses a login token once and opens a session of ttl for
// its member; it returns the session id (for the cookie) and the session.
func (tx *Tx) RedeemDeskLogin(token string, ttl time.Duration) (string, DeskSession, error) {
	var memberID, expires int64
	err := tx.queryRow(`UPDATE desk_logins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING member_id, expires_at`,
		tx.now.Unix(), HashToken(token), tx.now.Unix()).Scan(&memberID, &expires)
	if err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return "", DeskSession{}, ErrLoginInvalid
		}
		return "", DeskSession{}, err
	}
	id, err := randomToken()
	if err != nil {
		return "", DeskSession{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", DeskSession{}, err
	}
	s := DeskSession{MemberID: memberID, CSRF: csrf, ExpiresAt: tx.now.Add(ttl)}
	_, err = tx.exec(`INSERT INTO desk_sessions (id_hash, member_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		HashToken(id), memberID, csrf, tx.now.Unix(), s.ExpiresAt.Unix())
	if err != nil {
		return "", DeskSession{}, fmt.Errorf("open desk session: %w", err)
	}
	return id, s, nil
}

// DeskSession finds an unexpired session by its id.
func (r *Reader) DeskSession(id string, now time.Time) (DeskSession, error) {
	var s DeskSession
	var expires int64
	err := r.queryRow(`SELECT member_id, csrf, expires_at FROM desk_sessions WHERE id_hash = ? AND expires_at > ?`, HashToken(id), now.Unix()).
		Scan(&s.MemberID, &s.CSRF, &expires)
	s.ExpiresAt = fromUnix(expires)
	return s, notFound(err)
}

// EndDeskSessions ends every session of a member (signed out) and every
// expired session of anyone.
func (tx *Tx) EndDeskSessions(memberID int64) error {
	_, err := tx.exec(`DELETE FROM desk_sessions WHERE member_id = ? OR expires_at <= ?`, memberID, tx.now.Unix())
	return err
}

// endDeskAccess ends the desk sessions and unused sign-in links of every
// membership of a Telegram user, in the transaction that ends their
// membership: a removed member's browser is refused on its very next
// request, not when it happens to come back. Used links stay as history.
func (tx *Tx) endDeskAccess(telegramID int64) error {
	const theirs = `member_id IN (SELECT id FROM members WHERE telegram_id = ?)`
	if _, err := tx.exec(`DELETE FROM desk_sessions WHERE `+theirs, telegramID); err != nil {
		return fmt.Errorf("end desk sessions: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM desk_logins WHERE used_at IS NULL AND `+theirs, telegramID); err != nil {
		return fmt.Errorf("end desk sign-in links: %w", err)
	}
	return nil
}

// SubmissionFile finds one stored file by its id, with the assignment its
// submission belongs to, so the caller can check who may see it.
func (r *Reader) SubmissionFile(id int64) (SubmissionFile, int64, error) {
	var f SubmissionFile
	var assignmentID int64
	err := r.queryRow(`SELECT f.id, f.submission_id, f.file_name, f.stored_path, f.size, f.sha256, f.mime, s.assignment_id
		FROM submission_files f JOIN submissions s ON s.id = f.submission_id WHERE f.id = ?`, id).
		Scan(&f.ID, &f.SubmissionID, &f.FileName, &f.StoredPath, &f.Size, &f.SHA256, &f.Mime, &assignmentID)
	return f, assignmentID, notFound(err)
}

// RegisterEntry is one line of the register of received reports (sổ tiếp
// nhận): a submission with what it was for.
type RegisterEntry struct {
	Submission
	Item Item
}

// Register lists submissions newest first, at most limit, whose receipt,
// số/ký hiệu, unit, obligation or file name contains query (all if empty).
func (r *Reader) Register(query string, limit int) ([]RegisterEntry, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(query)) + "%"
	subs, err := r.submissions(`WHERE ? = '' OR id IN (
		SELECT s.id FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN units u ON u.id = a.unit_id
		JOIN periods p ON p.id = a.period_id JOIN obligations o ON o.id = p.obligation_id
		LEFT JOIN submission_files f ON f.submission_id = s.id
		WHERE lower(s.receipt_no || '/' || s.receipt_year || ' ' || s.doc_number || ' ' || u.code || ' ' || u.name || ' ' || o.code || ' ' || o.title || ' ' || COALESCE(f.file_name, '')) LIKE ? ESCAPE '\')
		ORDER BY received_at DESC, id DESC LIMIT ?`, query, like, limit)
	if err != nil {
		return nil, err
	}
	out := make([]RegisterEntry, 0, len(subs))
	for _, s := range subs {
		it, err := r.Item(s.AssignmentID)
		if err != nil {
			return nil, err
		}
		out = append(out, RegisterEntry{Submission: s, Item: it})
	}
	return out, nil
}

// AuditAbout lists the audit entries about any of subjects ("submission:7",
// "assignment:3"), oldest first.
func (r *Reader) AuditAbout(subjects []string) ([]AuditEntry, error) {
	if len(subjects) == 0 {
		return nil, nil
	}
	args := make([]any, len(subjects))
	for i, s := range subjects {
		args[i] = s
	}
	return r.audit(`subject IN (`+placeholders(len(subjects))+`)`, args...)
}

// audit lists the audit entries matching a condition, oldest first.
func (r *Reader) audit(where string, args ...any) ([]AuditEntry, error) {
	rows, err := r.query(`SELECT at, COALESCE(member_id, 0), telegram_id, action, subject, detail FROM audit WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.MemberID, &e.TelegramID, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromUnix(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Extensions lists an assignment's extension requests, oldest first.
func (r *Reader) Extensions(assignmentID int64) ([]Extension, error) {
	rows, err := r.query(`SELECT `+extensionCols+` FROM extensions WHERE assignment_id = ? ORDER BY id`, assignmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Extension
	for rows.Next() {
		e, err := scanExtension(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastMessageAbout is the latest bot message in a chat about a record, such
// as the Office's card of a submission (whose buttons ride on its last
// message).
func (r *Reader) LastMessageAbout(chatID int64, purpose string, refID int64) (int, error) {
	var id int
	err := r.queryRow(`SELECT message_id FROM message_refs WHERE chat_id = ? AND purpose = ? AND ref_id = ? ORDER BY message_id DESC LIMIT 1`,
		chatID, purpose, refID).Scan(&id)
	return id, notFound(err)
}
