package db

import (
	"context"
	"fmt"
	"testing"
)

// SavePeriod checks a period's assignments only when its units changed
// since the last time (a daily upkeep at 100,000 units must not check them
// all): the same units again, in any order, leave the assignments alone;
// other units add what is missing and remove the untouched assignments of
// units that no longer owe it, and CloseFutureAssignments does nothing more
// for a period SavePeriod recorded.
func TestSavePeriodChecksUnitsOnlyWhenTheyChange(t *testing.T) {
	s, units := planTest(t) // units A, B, C own BC1's period "2026"
	ctx := context.Background()
	a, b, c := units[0], units[1], units[2]
	var obligationID int64
	var p Period
	owing := func() string {
		t.Helper()
		var got []string
		err := s.Tx(ctx, func(tx *Tx) error {
			rows, err := tx.query(`SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.period_id = ? ORDER BY u.code`, p.ID)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var code string
				rows.Scan(&code)
				got = append(got, code)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(got)
	}
	save := func(ids ...int64) {
		t.Helper()
		err := s.Tx(ctx, func(tx *Tx) error {
			var err error
			if _, err = tx.SavePeriod(p, ids); err != nil {
				return err
			}
			return tx.CloseFutureAssignments(obligationID, ids)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		obs, err := tx.Reader().Obligations(false)
		if err != nil {
			return err
		}
		obligationID = obs[0].ID
		ps, err := tx.Reader().Periods(obligationID)
		p = ps[0]
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := owing(); got != "[A B C]" {
		t.Fatalf("owing %s", got)
	}
	// Behind SavePeriod's back, A's assignment goes: the same units, in
	// another order, do not bring it back, since nothing changed.
	if err := s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM assignments WHERE period_id = ? AND unit_id = ?`, p.ID, a)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	save(c, b, a)
	if got := owing(); got != "[B C]" {
		t.Errorf("the same units checked again: owing %s", got)
	}
	// C leaves the plan: its assignment goes, and A's comes back with the check.
	save(a, b)
	if got := owing(); got != "[A B]" {
		t.Errorf("after C left: owing %s, want [A B]", got)
	}
	save(a, b, c)
	if got := owing(); got != "[A B C]" {
		t.Errorf("after C came back: owing %s, want [A B C]", got)
	}
}

// PeriodStats counts a period's units and hand-ins from indexes, as all
// assignments less those of closed units: the same figures as counting the
// open units' assignments one by one.
func TestPeriodStatsLeaveOutClosedUnits(t *testing.T) {
	s, units := planTest(t) // A, B, C owe BC1 "2026" and BC2 "2026"
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error {
		ps, err := tx.Reader().PeriodStats(day0, day0.AddDate(1, 0, 0))
		if err != nil || len(ps) != 2 {
			return fmt.Errorf("before: %+v, %v", ps, err)
		}
		first := ps[0].Period.ID
		// A and B hand in the first period; then B's unit is closed.
		for _, u := range units[:2] {
			if _, err := tx.exec(`UPDATE assignments SET status = 'submitted' WHERE period_id = ? AND unit_id = ?`, first, u); err != nil {
				return err
			}
		}
		_, err = tx.SyncUnits([]Unit{{Code: "A", Name: "Phòng A", NameEN: "Office A"}, {Code: "C", Name: "Phòng C"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Read(ctx).PeriodStats(day0, day0.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s %d/%d", p.Obligation.Code, p.Submitted, p.Units))
	}
	if fmt.Sprint(got) != "[BC1 1/2 BC2 0/2]" {
		t.Errorf("stats %v, want [BC1 1/2 BC2 0/2] (B closed: only A's hand-in and A, C count)", got)
	}
}
