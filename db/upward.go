package db

import (
	"database/sql"
	"strings"
	"time"
)

// Upward is an obligation's part in the department's own report upward.
type Upward struct {
	ObligationID     int64
	Recipients       string // "; " between them
	WorkingDaysAfter int    // the report is due this many working days after the units' deadline
}

// RecipientList is Recipients split.
func (u Upward) RecipientList() []string {
	var out []string
	for _, r := range strings.Split(u.Recipients, ";") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// UpwardPeriod is what the Office did about the report upward of a period.
type UpwardPeriod struct {
	PeriodID  int64
	DraftedAt time.Time // the synthesis was made
	Number    string    // số and ký hiệu of what was sent, "45/BC-SNV"
	DocDate   time.Time // the document's date
	FileName  string
	FilePath  string // under the data folder; "" when no file was given
	SentBy    int64
	SentAt    time.Time // zero: not sent yet
}

// Sent tells whether the report was recorded as sent.
func (u UpwardPeriod) Sent() bool { return !u.SentAt.IsZero() }

// SetUpward records (or, with no recipients, removes) an obligation's
// report upward, by the obligation's code.
func (tx *Tx) SetUpward(code, recipients string, workingDaysAfter int) error {
	if strings.TrimSpace(recipients) == "" {
		_, err := tx.exec(`DELETE FROM upward_reports WHERE obligation_id = (SELECT id FROM obligations WHERE code = ?)`, code)
		return err
	}
	_, err := tx.exec(`INSERT INTO upward_reports (obligation_id, recipients, working_days_after) SELECT id, ?, ? FROM obligations WHERE code = ?
		ON CONFLICT (obligation_id) DO UPDATE SET recipients = excluded.recipients, working_days_after = excluded.working_days_after`,
		recipients, workingDaysAfter, code)
	return err
}

// Upward reads an obligation's report upward; ErrNotFound when it has none.
func (r *Reader) Upward(obligationID int64) (Upward, error) {
	u := Upward{ObligationID: obligationID}
	err := r.queryRow(`SELECT recipients, working_days_after FROM upward_reports WHERE obligation_id = ?`, obligationID).Scan(&u.Recipients, &u.WorkingDaysAfter)
	return u, notFound(err)
}

// UpwardPeriod reads what was done for a period's report upward; a period
// with nothing done yet is a zero record, not an error.
func (r *Reader) UpwardPeriod(periodID int64) (UpwardPeriod, error) {
	u := UpwardPeriod{PeriodID: periodID}
	var drafted, docDate, sentBy, sentAt sql.NullInt64
	err := r.queryRow(`SELECT drafted_at, number, doc_date, file_name, file_path, sent_by, sent_at FROM upward_periods WHERE period_id = ?`, periodID).
		Scan(&drafted, &u.Number, &docDate, &u.FileName, &u.FilePath, &sentBy, &sentAt)
	if err == sql.ErrNoRows {
		return u, nil
	}
	u.DraftedAt, u.DocDate, u.SentAt, u.SentBy = nullTime(drafted), nullTime(docDate), nullTime(sentAt), sentBy.Int64
	return u, err
}

// MarkDrafted records that the synthesis of a period was made.
func (tx *Tx) MarkDrafted(periodID int64) error {
	_, err := tx.exec(`INSERT INTO upward_periods (period_id, drafted_at) VALUES (?, ?) ON CONFLICT (period_id) DO UPDATE SET drafted_at = excluded.drafted_at`,
		periodID, tx.now.Unix())
	return err
}

// RecordSent records the report upward as sent; sending again replaces it
// (a corrected number or file).
func (tx *Tx) RecordSent(u UpwardPeriod) error {
	_, err := tx.exec(`INSERT INTO upward_periods (period_id, number, doc_date, file_name, file_path, sent_by, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (period_id) DO UPDATE SET number = excluded.number, doc_date = excluded.doc_date, file_name = excluded.file_name,
		file_path = excluded.file_path, sent_by = excluded.sent_by, sent_at = excluded.sent_at`,
		u.PeriodID, u.Number, nullUnix(u.DocDate), u.FileName, u.FilePath, nullID(u.SentBy), tx.now.Unix())
	return err
}
