package reporting

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/reminders"
)

// The data behind the files the Office keeps: the workbook (status sheet
// and register) and the deadline calendar. They are the department's
// working papers, in Vietnamese whoever asks, so their words live here with
// the data rather than in a face's catalog; package export writes the
// formats. "reportbot export", "reportbot ics" and the bot's /export and
// /calendar all build them here.

// markCells is how each mark shows on the workbook's status sheet: the
// words and the fill, the fills being the status picture's.
var markCells = [MarkCount]export.Cell{
	MarkAccepted:  {Text: "đã duyệt", Fill: color.RGBA{0xbb, 0xf7, 0xd0, 0xff}},
	MarkReceived:  {Text: "đã nhận, chờ duyệt", Fill: color.RGBA{0xbf, 0xdb, 0xfe, 0xff}},
	MarkReturned:  {Text: "trả lại, chờ nộp lại", Fill: color.RGBA{0xfe, 0xd7, 0xaa, 0xff}},
	MarkExtension: {Text: "được gia hạn", Fill: color.RGBA{0xfe, 0xf0, 0x8a, 0xff}},
	MarkMissing:   {Text: "chưa nộp, còn hạn", Fill: color.RGBA{0xf3, 0xf4, 0xf6, 0xff}},
	MarkLate:      {Text: "trễ hạn", Fill: color.RGBA{0xfe, 0xca, 0xca, 0xff}},
	MarkNone:      {Text: "không phải nộp", Fill: color.RGBA{0xff, 0xff, 0xff, 0xff}},
}

// reviewWords names a submission's review status in the register.
var reviewWords = map[db.SubmissionStatus]string{
	db.SubReceived: "Chờ duyệt",
	db.SubAccepted: "Đã duyệt",
	db.SubReturned: "Trả lại",
}

// Workbook is the export of a selection (see Select): every unit's mark
// and the register of every received version, with its days late as the
// submission recorded them by the one lateness rule.
func Workbook(r *db.Reader, loc *time.Location, now time.Time, views []View) (export.Report, error) {
	rep := export.Report{Location: loc, Title: "Tổng hợp tình hình nộp báo cáo — " + PeriodsTitle(views, "vi")}
	g := BuildGrid(views, now)
	rep.Columns = g.Columns
	for _, u := range g.Units {
		row := export.StatusRow{Code: u.Code, Name: u.Name}
		for _, m := range g.Cells[u.ID] {
			row.Cells = append(row.Cells, markCells[m])
		}
		rep.Status = append(rep.Status, row)
	}
	names := map[int64]string{}
	for _, v := range views {
		subs, err := r.PeriodSubmissions(v.Period.ID)
		if err != nil {
			return rep, err
		}
		byAssignment := map[int64]db.Item{}
		for _, it := range v.Items {
			byAssignment[it.ID] = it
		}
		for _, s := range subs {
			it := byAssignment[s.AssignmentID]
			e := export.Entry{
				Receipt: s.Receipt(), UnitCode: it.Unit.Code, UnitName: it.Unit.Name, Obligation: v.Obligation.Code,
				Period: reminders.PeriodName(v.Period.Key, "vi"), Version: s.Version, ReceivedAt: s.ReceivedAt, DaysLate: s.DaysLate,
				Status: reviewWords[s.Status], ReviewedAt: s.ReviewedAt, DocNumber: s.DocNumber,
			}
			if s.ReviewedBy != 0 {
				if _, ok := names[s.ReviewedBy]; !ok {
					m, err := r.Member(s.ReviewedBy)
					if err != nil {
						return rep, err
					}
					names[s.ReviewedBy] = m.Name
				}
				e.Reviewer = names[s.ReviewedBy]
			}
			for _, f := range s.Files {
				e.SHA256 = append(e.SHA256, f.SHA256)
			}
			rep.Entries = append(rep.Entries, e)
		}
	}
	return rep, nil
}

// SelectWorkbook is Workbook of what a selection names;
// ErrUnknownSelection when it names nothing.
func SelectWorkbook(r *db.Reader, loc *time.Location, now time.Time, selection string) (export.Report, error) {
	views, err := Select(r, now, selection)
	if err != nil {
		return export.Report{}, err
	}
	return Workbook(r, loc, now, views)
}

// Calendar is the deadlines from now on as a calendar: a unit's (with its
// own extended deadlines) when unitCode is given, else every obligation's.
// Alarms ring when the bot's own reminders go out. ErrNotFound for an
// unknown unit.
func Calendar(r *db.Reader, now time.Time, unitCode string) (export.Calendar, error) {
	pol, err := reminders.LoadPolicy(r)
	if err != nil {
		return export.Calendar{}, err
	}
	dept, err := r.Setting("department")
	if err != nil {
		return export.Calendar{}, err
	}
	cal := export.Calendar{Name: strings.TrimSpace("Hạn báo cáo " + dept)}
	add := func(o db.Obligation, p db.Period, deadline time.Time, uid string) {
		period := reminders.PeriodName(p.Key, "vi")
		cal.Events = append(cal.Events, export.Event{
			UID:         uid,
			Summary:     fmt.Sprintf("Hạn nộp %s: %s — %s", o.Code, o.Title, period),
			Description: fmt.Sprintf("%s\nKỳ: %s\nCăn cứ: %s\nNộp bằng cách gửi tệp báo cáo cho bot.", o.Title, period, o.Basis),
			Start:       deadline,
			Alarms:      alarms(o, deadline, pol),
			Updated:     now,
		})
	}
	if unitCode != "" {
		u, err := r.UnitByCode(unitCode)
		if err != nil {
			return cal, err
		}
		cal.Name += " — " + u.Name
		items, err := r.UnitItems(u.ID, now, now.AddDate(3, 0, 0))
		if err != nil {
			return cal, err
		}
		for _, it := range items {
			add(it.Obligation, it.Period, it.DeadlineAt, fmt.Sprintf("%s-%s-%s@reportbot", it.Obligation.Code, it.Period.Key, u.Code))
		}
		return cal, nil
	}
	obs, err := r.Obligations(false)
	if err != nil {
		return cal, err
	}
	for _, o := range obs {
		periods, err := r.Periods(o.ID)
		if err != nil {
			return cal, err
		}
		for _, p := range periods {
			if p.DeadlineAt.After(now) {
				add(o, p, p.DeadlineAt, fmt.Sprintf("%s-%s@reportbot", o.Code, p.Key))
			}
		}
	}
	return cal, nil
}

// alarms turns an obligation's reminder offsets into alarms before the
// deadline: day offsets ring at the working hour of that day, as the bot's
// own reminders go out.
func alarms(o db.Obligation, deadline time.Time, pol reminders.Policy) []time.Duration {
	loc := pol.Location()
	var out []time.Duration
	for _, s := range strings.Split(o.Offsets, ",") {
		off, err := reminders.ParseOffset(s)
		if err != nil {
			continue
		}
		if off.Dur > 0 {
			out = append(out, off.Dur)
			continue
		}
		d := deadline.In(loc).AddDate(0, 0, -off.Days)
		ring := time.Date(d.Year(), d.Month(), d.Day(), pol.WorkingHour, pol.WorkingMinute, 0, 0, loc)
		if before := deadline.Sub(ring); before > 0 {
			out = append(out, before)
		}
	}
	return out
}
