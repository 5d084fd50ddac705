package plan

import (
	"fmt"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// FromStore rebuilds the plan the database holds now (after imports and
// changes made in chat), so "plan export" writes what is really in force.
func FromStore(r *db.Reader) (*Plan, error) {
	pol, err := reminders.LoadPolicy(r)
	if err != nil {
		return nil, err
	}
	dept, err := r.Setting("department")
	if err != nil {
		return nil, err
	}
	approval, err := r.Setting(db.SettingApproval)
	if err != nil {
		return nil, err
	}
	p := &Plan{
		Department: dept, Approval: approval, Timezone: pol.Timezone, Location: pol.Location(), ChatLanguage: pol.ChatLang(),
		WorkingHour:  ClockTime{Hour: pol.WorkingHour, Minute: pol.WorkingMinute},
		DueTime:      ClockTime{Hour: 17},
		Reminders:    append([]reminders.Offset(nil), reminders.DefaultOffsets...),
		OverdueEvery: pol.OverdueEvery, EscalateAfter: pol.EscalateAfter,
		WeeklyDigest: pol.WeeklyDigest, Summary: pol.Summary, NameLateUnits: pol.NameLateUnits,
	}
	for _, o := range pol.Overrides {
		d := CalendarDay{Date: o.Date, Name: o.NameVI, NameEN: o.NameEN}
		if o.Off {
			p.DaysOff = append(p.DaysOff, d)
		} else {
			p.WorkingDays = append(p.WorkingDays, d)
		}
	}
	units, err := r.Units(false)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		p.Units = append(p.Units, Unit{Code: u.Code, Name: u.Name, NameEN: u.NameEN})
	}
	obs, err := r.Obligations(false)
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		po, err := fromDBObligation(o)
		if err != nil {
			return nil, fmt.Errorf("obligation %s: %w", o.Code, err)
		}
		if l, err := r.RequestLetter(o.ID); err == nil {
			po.Letter = l.StoredPath
		}
		if t, err := r.Template(o.ID); err == nil {
			po.Template = t.StoredPath
		}
		if up, err := r.Upward(o.ID); err == nil {
			po.ReportTo, po.ReportAfter = up.Recipients, up.WorkingDaysAfter
		}
		p.Obligations = append(p.Obligations, po)
	}
	return p, nil
}

func fromDBObligation(o db.Obligation) (Obligation, error) {
	rule, err := reminders.ParseRule(o.Rule)
	if err != nil {
		return Obligation{}, err
	}
	po := Obligation{
		Code: o.Code, Title: o.Title, TitleEN: o.TitleEN, Basis: o.Basis, Rule: rule, Cover: reminders.Cover(o.Cover),
		DueHour: o.DueHour, DueMinute: o.DueMinute, Units: o.UnitCodes, FixedDeadline: o.FixedDeadline,
		Announce: o.Announce, Summary: o.Summary, NameLateUnits: o.NameLateUnits,
	}
	for _, s := range strings.Split(o.Offsets, ",") {
		if s == "" {
			continue
		}
		off, err := reminders.ParseOffset(s)
		if err != nil {
			return Obligation{}, err
		}
		po.Reminders = append(po.Reminders, off)
	}
	return po, nil
}
