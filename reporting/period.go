package reporting

import (
	"errors"
	"time"

	"github.com/reportbot/reportbot/db"
)

// RecentWindow is how long after its deadline a period stays "current"
// while it is still owed: the Office chases it before looking ahead.
const RecentWindow = 30 * 24 * time.Hour

// current is the one rule for "the current period", given periods by
// deadline and whether a period is still owed (by some unit, or by the unit
// asked about): a period whose deadline passed within RecentWindow and is
// still owed, else the next one due, else the last one.
func current(periods []db.Period, now time.Time, owed func(db.Period) (bool, error)) (db.Period, error) {
	if len(periods) == 0 {
		return db.Period{}, db.ErrNotFound
	}
	for _, p := range periods {
		if p.DeadlineAt.After(now) {
			return p, nil
		}
		if now.Sub(p.DeadlineAt) > RecentWindow {
			continue
		}
		ok, err := owed(p)
		if err != nil || ok {
			return p, err
		}
	}
	return periods[len(periods)-1], nil
}

// CurrentPeriod is what the Office is working on for an obligation: see
// current, where "owed" means some unit still owes the period.
func CurrentPeriod(r *db.Reader, obligationID int64, now time.Time) (db.Period, error) {
	periods, err := r.Periods(obligationID)
	if err != nil {
		return db.Period{}, err
	}
	return current(periods, now, func(p db.Period) (bool, error) {
		items, err := r.PeriodItems(p.ID)
		for _, it := range items {
			if it.Open() {
				return true, err
			}
		}
		return false, err
	})
}

// UnitCurrent is this unit's current assignment of an obligation, by the
// same rule judged on the unit's own assignments: a recent one it still
// owes, else the next one due, else its last one. ErrNotFound if the unit
// owes the obligation nothing at all.
func UnitCurrent(r *db.Reader, unitID, obligationID int64, now time.Time) (db.Item, error) {
	periods, err := r.Periods(obligationID)
	if err != nil {
		return db.Item{}, err
	}
	mine := map[int64]db.Item{}
	var owedPeriods []db.Period
	for _, p := range periods {
		items, err := r.PeriodItems(p.ID)
		if err != nil {
			return db.Item{}, err
		}
		for _, it := range items {
			if it.UnitID == unitID {
				mine[p.ID] = it
				p.DeadlineAt = it.DeadlineAt // the unit's own, extended or not
				owedPeriods = append(owedPeriods, p)
			}
		}
	}
	p, err := current(owedPeriods, now, func(p db.Period) (bool, error) { return mine[p.ID].Open(), nil })
	if errors.Is(err, db.ErrNotFound) {
		return db.Item{}, err
	}
	return mine[p.ID], err
}
