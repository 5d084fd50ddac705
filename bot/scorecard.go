package bot

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reporting"
	"github.com/reportbot/reportbot/scorecard"
)

// cmdScorecard sends a year's scorecard: a line per unit and the workbook.
func (b *Bot) cmdScorecard(r *Request) error {
	now := b.store.Now()
	year := now.In(b.loc).Year()
	if arg := strings.TrimSpace(r.Ev.Args); arg != "" {
		y, err := strconv.Atoi(arg)
		if err != nil || y < 2000 || y > year+1 {
			r.Reply(r.T("scorecard.usage", year))
			return nil
		}
		year = y
	}
	rows, err := yearRows(b.store.Read(r.ctx), b.loc, now, year)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		r.Reply(r.T("scorecard.empty", year))
		return nil
	}
	lines := []string{r.T("scorecard.title", year, formatDate(now, b.loc))}
	for _, row := range rows {
		lines = append(lines, r.T("scorecard.line", row.UnitCode, row.Due, row.OnTime, row.Late, row.DaysLate, row.Missing, row.Returned))
	}
	r.Reply(strings.Join(lines, "\n"))
	name := fmt.Sprintf("thi-dua-%d.xlsx", year)
	path, err := b.writeOut(r, name, func(f *os.File) error { return scorecard.XLSX(f, year, rows) })
	if err != nil {
		return err
	}
	r.replyFile(db.KindDocument, path, name, r.T("scorecard.caption", year))
	return nil
}

// yearRows counts every unit's reports with deadlines in a year.
func yearRows(rd *db.Reader, loc *time.Location, now time.Time, year int) ([]scorecard.Row, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	items, err := rd.ItemsBetween(from, from.AddDate(1, 0, 0))
	if err != nil {
		return nil, err
	}
	var as []scorecard.Assignment
	for _, it := range items {
		subs, err := rd.Submissions(it.ID)
		if err != nil {
			return nil, err
		}
		a := scorecard.Assignment{UnitCode: it.Unit.Code, UnitName: it.Unit.Name}
		latest := 0
		for _, s := range subs {
			if s.Status == db.SubReturned {
				a.Returned++
			}
			if s.Version > latest {
				latest = s.Version
				a.Submitted, a.DaysLate = s.Status != db.SubReturned, s.DaysLate
			}
		}
		// Late and missing by the core's one rule; days late are the
		// submission's own, which Record measured by the same rule.
		a.Overdue = !a.Submitted && reporting.Measure(now, it.DeadlineAt, loc).Late
		as = append(as, a)
	}
	return scorecard.Count(as), nil
}
