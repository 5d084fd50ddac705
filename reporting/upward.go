package reporting

import (
	"errors"
	"fmt"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/reminders"
)

// upwardEntries are the register's rows for the department's own reports
// sent upward for the periods of a workbook: the register is of every
// document the Office handled, outgoing ones too.
func upwardEntries(rd *db.Reader, views []View, lang string) ([]export.Entry, error) {
	dept, err := rd.Setting("department")
	if err != nil {
		return nil, err
	}
	w := wordsFor(lang)
	var out []export.Entry
	for _, v := range views {
		up, err := rd.Upward(v.Obligation.ID)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		u, err := rd.UpwardPeriod(v.Period.ID)
		if err != nil {
			return nil, err
		}
		if !u.Sent() {
			continue
		}
		out = append(out, export.Entry{
			UnitName: dept, Obligation: v.Obligation.Code, Period: reminders.PeriodName(v.Period.Key, lang), Version: 1,
			ReceivedAt: u.DocDate, Status: fmt.Sprintf(w.upwardSent, up.Recipients), ReviewedAt: u.SentAt, DocNumber: u.Number,
		})
	}
	return out, nil
}
