package plan

import (
	"context"
	"errors"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// Apply makes the database say what the plan says, in one transaction:
// units and obligations are added, changed or closed, the policy is stored,
// and future periods follow the changed obligations. Past periods,
// submissions and receipts are never rewritten. It returns what changed; an
// unchanged plan changes nothing.
func Apply(ctx context.Context, store *db.Store, p *Plan) ([]db.Change, error) {
	var changes []db.Change
	err := store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		changes, err = apply(tx, p)
		return err
	})
	return changes, err
}

func apply(tx *db.Tx, p *Plan) ([]db.Change, error) {
	units := make([]db.Unit, len(p.Units))
	for i, u := range p.Units {
		units[i] = db.Unit{Code: u.Code, Name: u.Name, NameEN: u.NameEN}
	}
	changes, err := tx.SyncUnits(units)
	if err != nil {
		return nil, err
	}
	obs := make([]db.Obligation, len(p.Obligations))
	for i, o := range p.Obligations {
		obs[i] = DBObligation(o)
	}
	more, err := tx.SyncObligations(obs)
	if err != nil {
		return nil, err
	}
	for _, o := range p.Obligations {
		if err := tx.KeepRequestLetter(o.Code, o.Letter); err != nil {
			return nil, err
		}
		if err := tx.SetUpward(o.Code, o.ReportTo, o.ReportAfter); err != nil {
			return nil, err
		}
		if err := tx.KeepTemplate(o.Code, o.Template); err != nil {
			return nil, err
		}
	}
	changes = append(changes, more...)
	pol := p.Policy()
	old, err := reminders.LoadPolicy(tx.Reader())
	if err != nil {
		return nil, err
	}
	if !old.Equal(pol) {
		changes = append(changes, policyChanges(old, pol)...)
	}
	if err := reminders.SavePolicy(tx, pol); err != nil {
		return nil, err
	}
	if err := tx.SetSetting("department", p.Department); err != nil {
		return nil, err
	}
	if err := tx.SetSetting(db.SettingApproval, p.Approval); err != nil {
		return nil, err
	}
	return changes, reminders.EnsurePeriods(tx, pol)
}

// DBObligation is how an obligation of the plan is stored.
func DBObligation(o Obligation) db.Obligation {
	offs := make([]string, len(o.Reminders))
	for i, off := range o.Reminders {
		offs[i] = off.String()
	}
	return db.Obligation{
		Code: o.Code, Title: o.Title, TitleEN: o.TitleEN, Basis: o.Basis,
		Rule: o.Rule.String(), Cover: string(o.Cover), DueHour: o.DueHour, DueMinute: o.DueMinute,
		Offsets: strings.Join(offs, ","), FixedDeadline: o.FixedDeadline,
		Announce: o.Announce, Summary: o.Summary, NameLateUnits: o.NameLateUnits,
		UnitCodes: o.Units,
	}
}

// Policy is the plan-wide part the reminder engine needs.
func (p *Plan) Policy() reminders.Policy {
	return reminders.Policy{
		Timezone: p.Timezone, WorkingHour: p.WorkingHour.Hour, WorkingMinute: p.WorkingHour.Minute,
		OverdueEvery: p.OverdueEvery, EscalateAfter: p.EscalateAfter,
		WeeklyDigest: p.WeeklyDigest, Summary: p.Summary, NameLateUnits: p.NameLateUnits,
		ChatLanguage: p.ChatLanguage, Overrides: p.Overrides(),
	}
}

// Preview says what Apply would change, changing nothing: the same work in a
// transaction that is rolled back.
func Preview(ctx context.Context, store *db.Store, p *Plan) ([]db.Change, error) {
	var changes []db.Change
	err := store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if changes, err = apply(tx, p); err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		err = nil
	}
	return changes, err
}

var errPreview = errors.New("preview only")
