package db

import (
	"database/sql"
	"fmt"
	"time"
)

// Source is how a report reached the Office.
type Source string

// Submission sources.
const (
	SourceTelegram Source = "telegram"
	SourcePaper    Source = "paper"
	SourceEmail    Source = "email"
	SourceEOffice  Source = "eoffice"
)

// SubmissionStatus is the Office's review of a submission.
type SubmissionStatus string

// Submission review statuses.
const (
	SubReceived SubmissionStatus = "received"
	SubAccepted SubmissionStatus = "accepted"
	SubReturned SubmissionStatus = "returned"
)

// Submission is one version of a unit's report for an assignment. Receipt
// numbers run per year like an incoming-document register ("12/2026").
type Submission struct {
	ID, AssignmentID int64
	Version          int
	ReceiptYear      int
	ReceiptNo        int
	MemberID         int64  // who sent or brought it; 0 if unknown
	Source           Source // SourceTelegram (default), SourcePaper, SourceEmail, SourceEOffice
	Reference        string // e.g. the e-office number of a report that came outside Telegram
	Caption          string
	DocNumber        string // the report's own number, "45/BC-SNV"
	ReceivedAt       time.Time
	DaysLate         int // calendar days after the deadline, in the plan's zone; 0 if on time
	Status           SubmissionStatus
	ReviewedBy       int64
	ReviewedAt       time.Time
	ReviewNote       string
	Files            []SubmissionFile
}

// SubmissionFile is one stored file of a submission. StoredPath is relative
// to the data folder, so the folder can move.
type SubmissionFile struct {
	ID, SubmissionID int64
	FileName         string
	StoredPath       string
	Size             int64
	SHA256           string // hex
	Mime             string
	TgFileID         string
	TgUniqueID       string
}

// Receipt is how the receipt number is written: "12/2026".
func (s Submission) Receipt() string { return fmt.Sprintf("%d/%d", s.ReceiptNo, s.ReceiptYear) }

// NextReceiptNo is the receipt number the next submission of year gets. It is
// only stable inside the write transaction that then adds the submission:
// files are named after it before the row exists.
func (tx *Tx) NextReceiptNo(year int) (int, error) {
	var n int
	// Above the floor too (receipts.go): a restored older database must not
	// hand out again a number a head was already told.
	err := tx.queryRow(`SELECT MAX(COALESCE((SELECT MAX(receipt_no) FROM submissions WHERE receipt_year = ?), 0),
		COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?), 0)) + 1`, year, receiptFloorKey(year)).Scan(&n)
	return n, err
}

// AddSubmission records a new version of an assignment's report with its
// files: the next version number for the assignment and the next receipt
// number of ReceiptYear (the year of ReceivedAt when 0; ReceivedAt defaults
// to the transaction's time). The assignment becomes submitted, so its
// reminders stop, even if an earlier version was already accepted: a new
// version waits for the Office's review again.
func (tx *Tx) AddSubmission(s Submission) (Submission, error) {
	if s.ReceivedAt.IsZero() {
		s.ReceivedAt = tx.now
	}
	if s.ReceiptYear == 0 {
		s.ReceiptYear = s.ReceivedAt.Year()
	}
	if s.Source == "" {
		s.Source = SourceTelegram
	}
	s.Status = SubReceived
	if err := tx.queryRow(`SELECT COALESCE(MAX(version), 0) + 1 FROM submissions WHERE assignment_id = ?`, s.AssignmentID).Scan(&s.Version); err != nil {
		return s, fmt.Errorf("add submission: %w", err)
	}
	no, err := tx.NextReceiptNo(s.ReceiptYear)
	if err != nil {
		return s, fmt.Errorf("add submission: %w", err)
	}
	s.ReceiptNo = no
	res, err := tx.exec(`INSERT INTO submissions (assignment_id, version, receipt_year, receipt_no, member_id, source, reference, caption, doc_number, received_at, days_late, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.AssignmentID, s.Version, s.ReceiptYear, s.ReceiptNo, nullID(s.MemberID), s.Source, s.Reference, s.Caption, s.DocNumber,
		s.ReceivedAt.Unix(), s.DaysLate, s.Status)
	if err != nil {
		return s, fmt.Errorf("add submission: %w", err)
	}
	s.ID, _ = res.LastInsertId()
	for i := range s.Files {
		f := &s.Files[i]
		f.SubmissionID = s.ID
		res, err := tx.exec(`INSERT INTO submission_files (submission_id, file_name, stored_path, size, sha256, mime, tg_file_id, tg_unique_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, f.FileName, f.StoredPath, f.Size, f.SHA256, f.Mime, f.TgFileID, f.TgUniqueID)
		if err != nil {
			return s, fmt.Errorf("add submission file: %w", err)
		}
		f.ID, _ = res.LastInsertId()
	}
	if err := tx.SetAssignmentStatus(s.AssignmentID, StatusSubmitted); err != nil {
		return s, fmt.Errorf("add submission: %w", err)
	}
	return s, nil
}

// ReviewSubmission records the Office's decision (SubAccepted or
// SubReturned) on a submission still waiting for one; changed is false when
// it was already reviewed, so a second click on a button acts once. The
// assignment follows the decision only if this is its latest version: a
// verdict on an older version must not close a newer one unseen.
func (tx *Tx) ReviewSubmission(id int64, status SubmissionStatus, reviewerID int64, note string) (changed bool, err error) {
	if status != SubAccepted && status != SubReturned {
		return false, fmt.Errorf("review submission: unknown status %q", status)
	}
	res, err := tx.exec(`UPDATE submissions SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ? AND status = 'received'`,
		status, nullID(reviewerID), tx.now.Unix(), note, id)
	if err != nil {
		return false, fmt.Errorf("review submission: %w", err)
	}
	var assignmentID int64
	var latest bool
	err = tx.queryRow(`SELECT assignment_id, version = (SELECT MAX(version) FROM submissions x WHERE x.assignment_id = s.assignment_id) FROM submissions s WHERE id = ?`, id).
		Scan(&assignmentID, &latest)
	if err != nil {
		return false, notFound(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if !latest {
		return true, nil
	}
	astatus := StatusAccepted
	if status == SubReturned {
		astatus = StatusReturned
	}
	return true, tx.SetAssignmentStatus(assignmentID, astatus)
}

const submissionCols = `id, assignment_id, version, receipt_year, receipt_no, COALESCE(member_id, 0), source, reference, caption, doc_number,
	received_at, days_late, status, COALESCE(reviewed_by, 0), reviewed_at, review_note`

func scanSubmission(sc interface{ Scan(...any) error }) (Submission, error) {
	var s Submission
	var received int64
	var reviewed sql.NullInt64
	err := sc.Scan(&s.ID, &s.AssignmentID, &s.Version, &s.ReceiptYear, &s.ReceiptNo, &s.MemberID, &s.Source, &s.Reference, &s.Caption, &s.DocNumber,
		&received, &s.DaysLate, &s.Status, &s.ReviewedBy, &reviewed, &s.ReviewNote)
	s.ReceivedAt, s.ReviewedAt = fromUnix(received), nullTime(reviewed)
	return s, err
}

// Submission finds a submission with its files.
func (r *Reader) Submission(id int64) (Submission, error) {
	s, err := scanSubmission(r.queryRow(`SELECT `+submissionCols+` FROM submissions WHERE id = ?`, id))
	if err != nil {
		return s, notFound(err)
	}
	list := []Submission{s}
	if err := r.attachFiles(list); err != nil {
		return s, err
	}
	return list[0], nil
}

// Submissions lists an assignment's submissions, oldest version first.
func (r *Reader) Submissions(assignmentID int64) ([]Submission, error) {
	return r.submissions(`WHERE assignment_id = ? ORDER BY version`, assignmentID)
}

// UnitSubmissions lists a unit's latest submissions, newest first, at most
// limit of them: the unit's /history.
func (r *Reader) UnitSubmissions(unitID int64, limit int) ([]Submission, error) {
	return r.submissions(`WHERE assignment_id IN (SELECT id FROM assignments WHERE unit_id = ?) ORDER BY received_at DESC, id DESC LIMIT ?`, unitID, limit)
}

// SubmissionWithFile finds the earliest submission of an assignment that has
// a file with these bytes: the same report sent again is the same receipt.
func (r *Reader) SubmissionWithFile(assignmentID int64, sha256 string) (Submission, error) {
	list, err := r.submissions(`WHERE assignment_id = ? AND id IN (SELECT submission_id FROM submission_files WHERE sha256 = ?) ORDER BY version LIMIT 1`, assignmentID, sha256)
	if err != nil {
		return Submission{}, err
	}
	if len(list) == 0 {
		return Submission{}, ErrNotFound
	}
	return list[0], nil
}

// SubmissionByReference finds an assignment's submission recorded with a
// reference, so recording the same outside report twice is noticed.
func (r *Reader) SubmissionByReference(assignmentID int64, reference string) (Submission, error) {
	list, err := r.submissions(`WHERE assignment_id = ? AND reference = ? ORDER BY version LIMIT 1`, assignmentID, reference)
	if err != nil {
		return Submission{}, err
	}
	if len(list) == 0 {
		return Submission{}, ErrNotFound
	}
	return list[0], nil
}

func (r *Reader) submissions(where string, args ...any) ([]Submission, error) {
	rows, err := r.query(`SELECT `+submissionCols+` FROM submissions `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []Submission
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, r.attachFiles(out)
}

// attachFiles loads the files of a list of submissions in one query.
func (r *Reader) attachFiles(subs []Submission) error {
	if len(subs) == 0 {
		return nil
	}
	index := map[int64]int{}
	args := make([]any, len(subs))
	for i, s := range subs {
		index[s.ID] = i
		args[i] = s.ID
	}
	rows, err := r.query(`SELECT id, submission_id, file_name, stored_path, size, sha256, mime, tg_file_id, tg_unique_id
		FROM submission_files WHERE submission_id IN (`+placeholders(len(subs))+`) ORDER BY id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f SubmissionFile
		if err := rows.Scan(&f.ID, &f.SubmissionID, &f.FileName, &f.StoredPath, &f.Size, &f.SHA256, &f.Mime, &f.TgFileID, &f.TgUniqueID); err != nil {
			return err
		}
		i := index[f.SubmissionID]
		subs[i].Files = append(subs[i].Files, f)
	}
	return rows.Err()
}

// StoredPaths is the set of every stored file path (relative to the data
// folder); the start-up sweep removes files on disk that are not in it.
func (r *Reader) StoredPaths() (map[string]bool, error) {
	rows, err := r.query(`SELECT stored_path FROM submission_files WHERE stored_path <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// AddSubmissionFiles adds files to a recorded submission: the later parts of
// an album that reached the bot in another batch than its first part.
func (tx *Tx) AddSubmissionFiles(submissionID int64, files []SubmissionFile) ([]SubmissionFile, error) {
	for i := range files {
		f := &files[i]
		f.SubmissionID = submissionID
		res, err := tx.exec(`INSERT INTO submission_files (submission_id, file_name, stored_path, size, sha256, mime, tg_file_id, tg_unique_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			submissionID, f.FileName, f.StoredPath, f.Size, f.SHA256, f.Mime, f.TgFileID, f.TgUniqueID)
		if err != nil {
			return files, fmt.Errorf("add submission file: %w", err)
		}
		f.ID, _ = res.LastInsertId()
	}
	return files, nil
}

// albumKey is the settings row remembering which submission an album
// (Telegram's media_group_id in one chat) became.
func albumKey(chatID int64, group string) string { return fmt.Sprintf("album:%d:%s", chatID, group) }

// albumKeep is how long an album's row is kept: far longer than any wait
// for its parts, short enough that the rows do not pile up.
const albumKeep = 24 * time.Hour

// RememberAlbum records that the album group in chatID is submissionID, as
// of now, so its parts that arrive later join it even after a restart. Rows
// of albums older than a day are dropped on the way.
func (tx *Tx) RememberAlbum(chatID int64, group string, submissionID int64) error {
	if _, err := tx.exec(`DELETE FROM settings WHERE key LIKE 'album:%' AND CAST(substr(value, instr(value, ':') + 1) AS INTEGER) < ?`,
		tx.now.Add(-albumKeep).Unix()); err != nil {
		return fmt.Errorf("remember album: %w", err)
	}
	return tx.SetSetting(albumKey(chatID, group), fmt.Sprintf("%d:%d", submissionID, tx.now.Unix()))
}

// AlbumSubmission finds the submission an album became and when its last
// part was taken; ErrNotFound if none.
func (r *Reader) AlbumSubmission(chatID int64, group string) (submissionID int64, at time.Time, err error) {
	v, err := r.Setting(albumKey(chatID, group))
	if err != nil {
		return 0, time.Time{}, err
	}
	if v == "" {
		return 0, time.Time{}, ErrNotFound
	}
	var unixAt int64
	if _, err := fmt.Sscanf(v, "%d:%d", &submissionID, &unixAt); err != nil {
		return 0, time.Time{}, fmt.Errorf("album %s: bad value %q", albumKey(chatID, group), v)
	}
	return submissionID, fromUnix(unixAt), nil
}

// ExtensionStatus is where a request for more time stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtPending  ExtensionStatus = "pending"
	ExtApproved ExtensionStatus = "approved"
	ExtRefused  ExtensionStatus = "refused"
)

// Extension is a unit's request for more time on one assignment.
type Extension struct {
	ID           int64
	AssignmentID int64
	RequestedBy  int64
	Reason       string
	ProposedAt   time.Time // the deadline the unit asks for
	Status       ExtensionStatus
	DecidedBy    int64
	DecidedAt    time.Time
	CreatedAt    time.Time
}

// AddExtension records a pending extension request.
func (tx *Tx) AddExtension(e Extension) (Extension, error) {
	e.Status, e.CreatedAt = ExtPending, tx.now
	res, err := tx.exec(`INSERT INTO extensions (assignment_id, requested_by, reason, proposed_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.AssignmentID, e.RequestedBy, e.Reason, e.ProposedAt.Unix(), e.Status, e.CreatedAt.Unix())
	if err != nil {
		return e, fmt.Errorf("add extension: %w", err)
	}
	e.ID, _ = res.LastInsertId()
	return e, nil
}

// Extension finds an extension request.
func (r *Reader) Extension(id int64) (Extension, error) {
	e, err := scanExtension(r.queryRow(`SELECT `+extensionCols+` FROM extensions WHERE id = ?`, id))
	return e, notFound(err)
}

const extensionCols = `id, assignment_id, requested_by, reason, proposed_at, status, COALESCE(decided_by, 0), decided_at, created_at`

func scanExtension(sc interface{ Scan(...any) error }) (Extension, error) {
	var e Extension
	var proposed, created int64
	var decided sql.NullInt64
	err := sc.Scan(&e.ID, &e.AssignmentID, &e.RequestedBy, &e.Reason, &proposed, &e.Status, &e.DecidedBy, &decided, &created)
	e.ProposedAt, e.DecidedAt, e.CreatedAt = fromUnix(proposed), nullTime(decided), fromUnix(created)
	return e, err
}

// DecideExtension approves or refuses a pending request; changed is false
// when it was already decided. An approval moves that unit's deadline for
// that period only (ExtendDeadline), and its reminders follow.
func (tx *Tx) DecideExtension(id int64, approve bool, deciderID int64) (changed bool, err error) {
	status := ExtRefused
	if approve {
		status = ExtApproved
	}
	res, err := tx.exec(`UPDATE extensions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
		status, nullID(deciderID), tx.now.Unix(), id)
	if err != nil {
		return false, fmt.Errorf("decide extension: %w", err)
	}
	e, err := tx.Reader().Extension(id)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if approve {
		if err := tx.ExtendDeadline(e.AssignmentID, e.ProposedAt); err != nil {
			return false, fmt.Errorf("decide extension: %w", err)
		}
	}
	return true, nil
}
