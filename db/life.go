package db

import (
	"fmt"
	"time"
)

// ClaimPaper records a head's word that an assignment's report went in on
// paper; a second claim only renews the first.
func (tx *Tx) ClaimPaper(assignmentID, memberID int64) error {
	_, err := tx.exec(`INSERT INTO paper_claims (assignment_id, member_id, claimed_at) VALUES (?, ?, ?)
		ON CONFLICT DO UPDATE SET member_id = excluded.member_id, claimed_at = excluded.claimed_at`, assignmentID, memberID, tx.now.Unix())
	if err != nil {
		return fmt.Errorf("claim paper: %w", err)
	}
	return nil
}

// DropPaperClaim forgets an assignment's paper claim (confirmed, or a file
// came after all).
func (tx *Tx) DropPaperClaim(assignmentID int64) error {
	_, err := tx.exec(`DELETE FROM paper_claims WHERE assignment_id = ?`, assignmentID)
	return err
}

// PaperClaim tells who announced an assignment's paper report and when;
// ErrNotFound if nobody did.
func (r *Reader) PaperClaim(assignmentID int64) (memberID int64, at time.Time, err error) {
	var unixAt int64
	err = r.queryRow(`SELECT member_id, claimed_at FROM paper_claims WHERE assignment_id = ?`, assignmentID).Scan(&memberID, &unixAt)
	return memberID, fromUnix(unixAt), notFound(err)
}

// KeptFiles are files a member sent that wait for their answer to "which
// report is this for?"; Data is the face's own record of them.
type KeptFiles struct {
	ID         int64
	TelegramID int64
	ChatID     int64
	Data       string
	CreatedAt  time.Time
}

// keptFilesKeep is how long files wait for an answer before they are
// dropped on the way of the next ones kept.
const keptFilesKeep = 7 * 24 * time.Hour

// KeepFiles stores files waiting for an answer and returns their id, which
// the question's buttons carry. Rows older than a week are dropped.
func (tx *Tx) KeepFiles(k KeptFiles) (KeptFiles, error) {
	if _, err := tx.exec(`DELETE FROM kept_files WHERE created_at < ?`, tx.now.Add(-keptFilesKeep).Unix()); err != nil {
		return k, fmt.Errorf("keep files: %w", err)
	}
	k.CreatedAt = tx.now
	res, err := tx.exec(`INSERT INTO kept_files (telegram_id, chat_id, data, created_at) VALUES (?, ?, ?, ?)`, k.TelegramID, k.ChatID, k.Data, k.CreatedAt.Unix())
	if err != nil {
		return k, fmt.Errorf("keep files: %w", err)
	}
	k.ID, _ = res.LastInsertId()
	return k, nil
}

// UpdateKeptFiles replaces the record of kept files (a later part of an
// album joined them).
func (tx *Tx) UpdateKeptFiles(id int64, data string) error {
	_, err := tx.exec(`UPDATE kept_files SET data = ? WHERE id = ?`, data, id)
	return err
}

// TakeKeptFiles returns and forgets a member's kept files: the answer is
// taken once, so a second press finds nothing.
func (tx *Tx) TakeKeptFiles(id, telegramID int64) (KeptFiles, error) {
	k := KeptFiles{ID: id, TelegramID: telegramID}
	var at int64
	err := tx.queryRow(`DELETE FROM kept_files WHERE id = ? AND telegram_id = ? RETURNING chat_id, data, created_at`, id, telegramID).
		Scan(&k.ChatID, &k.Data, &at)
	k.CreatedAt = fromUnix(at)
	return k, notFound(err)
}

// MemberKeptFiles lists a member's kept files in a chat, oldest first.
func (r *Reader) MemberKeptFiles(telegramID, chatID int64) ([]KeptFiles, error) {
	rows, err := r.query(`SELECT id, data, created_at FROM kept_files WHERE telegram_id = ? AND chat_id = ? ORDER BY id`, telegramID, chatID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []KeptFiles
	for rows.Next() {
		k := KeptFiles{TelegramID: telegramID, ChatID: chatID}
		var at int64
		if err := rows.Scan(&k.ID, &k.Data, &at); err != nil {
			return nil, err
		}
		k.CreatedAt = fromUnix(at)
		out = append(out, k)
	}
	return out, rows.Err()
}

// DropPendingInput forgets a question the bot asked, if it is still the one
// waiting (same kind): an expired question is dropped, a newer one kept.
func (tx *Tx) DropPendingInput(p PendingInput) error {
	_, err := tx.exec(`DELETE FROM pending_inputs WHERE telegram_id = ? AND chat_id = ? AND kind = ?`, p.TelegramID, p.ChatID, p.Kind)
	return err
}
