package db

import (
	"fmt"
	"path"
	"time"
)

// Letter is the official letter an ad-hoc request answers, stored under
// the data folder.
type Letter struct {
	Name       string // as the Office named it
	StoredPath string // relative to the data folder
	Size       int64
	SHA256     string
}

// Request is an ad-hoc request: a one-off obligation and its letter.
type Request struct {
	Obligation Obligation
	Letter     Letter
	CreatedBy  int64
	CreatedAt  time.Time
}

// requestCodePrefix starts the codes of ad-hoc requests: DX1, DX2, … (đột
// xuất), short enough to type after /status or /synthesis.
const requestCodePrefix = "DX"

// NextRequestCode is the code the next ad-hoc request gets.
func (r *Reader) NextRequestCode() (string, error) {
	for n := 1; ; n++ {
		code := fmt.Sprintf("%s%d", requestCodePrefix, n)
		var taken int
		if err := r.queryRow(`SELECT COUNT(*) FROM obligations WHERE code = ? COLLATE NOCASE`, code).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			return code, nil
		}
	}
}

// AddRequest stores a new one-off obligation owed by the units named, with
// its letter. The caller makes its period (reminders.EnsurePeriods).
func (tx *Tx) AddRequest(o Obligation, l Letter, createdBy int64) (Obligation, error) {
	res, err := tx.exec(`INSERT INTO obligations (code, title, title_en, basis, rule, cover, due_hour, due_minute, offsets, fixed_deadline, announce, summary, name_late_units, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.Code, o.Title, o.TitleEN, o.Basis, o.Rule, o.Cover, o.DueHour, o.DueMinute, o.Offsets,
		o.FixedDeadline, o.Announce, o.Summary, o.NameLateUnits, tx.now.Unix())
	if err != nil {
		return Obligation{}, fmt.Errorf("save request %s: %w", o.Code, err)
	}
	id, _ := res.LastInsertId()
	if err := tx.setObligationUnits(id, o.UnitCodes); err != nil {
		return Obligation{}, fmt.Errorf("request %s: %w", o.Code, err)
	}
	if _, err := tx.exec(`INSERT INTO requests (obligation_id, letter_name, letter_path, letter_size, letter_sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, l.Name, l.StoredPath, l.Size, l.SHA256, nullID(createdBy), tx.now.Unix()); err != nil {
		return Obligation{}, fmt.Errorf("save request %s letter: %w", o.Code, err)
	}
	return tx.Reader().Obligation(id)
}

// RequestLetter is the letter of an ad-hoc request; ErrNotFound for a
// planned obligation.
func (r *Reader) RequestLetter(obligationID int64) (Letter, error) {
	var l Letter
	err := r.queryRow(`SELECT letter_name, letter_path, letter_size, letter_sha256 FROM requests WHERE obligation_id = ?`, obligationID).
		Scan(&l.Name, &l.StoredPath, &l.Size, &l.SHA256)
	return l, notFound(err)
}

// isRequest tells whether an obligation was made as an ad-hoc request: a
// plan import that does not list it leaves it alone.
func (tx *Tx) isRequest(obligationID int64) bool {
	var n int
	tx.queryRow(`SELECT COUNT(*) FROM requests WHERE obligation_id = ?`, obligationID).Scan(&n)
	return n > 0
}

// DocumentInUse tells whether a request's letter or an obligation's
// template is the file at storedPath.
func (r *Reader) DocumentInUse(storedPath string) (bool, error) {
	var n int
	err := r.queryRow(`SELECT (SELECT COUNT(*) FROM requests WHERE letter_path = ?) + (SELECT COUNT(*) FROM templates WHERE stored_path = ?)`,
		storedPath, storedPath).Scan(&n)
	return n > 0, err
}

// KeepRequestLetter records, for an obligation a plan file lists with a
// letter, that it is an ad-hoc request with that letter (a path under the
// data folder). An obligation already recorded, or one without a letter,
// is left as it is.
func (tx *Tx) KeepRequestLetter(code, storedPath string) error {
	if storedPath == "" {
		return nil
	}
	_, err := tx.exec(`INSERT INTO requests (obligation_id, letter_name, letter_path, letter_size, letter_sha256, created_at)
		SELECT id, ?, ?, 0, '', ? FROM obligations WHERE code = ? ON CONFLICT (obligation_id) DO NOTHING`,
		path.Base(storedPath), storedPath, tx.now.Unix(), code)
	return err
}
