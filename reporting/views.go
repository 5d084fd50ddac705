package reporting

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// View is one period of one obligation with every unit's assignment: what
// a console command, an export or the status grid is about.
type View struct {
	Obligation db.Obligation
	Period     db.Period
	Items      []db.Item
}

// ErrUnknownSelection means a selection names no obligation and no period.
var ErrUnknownSelection = errors.New("unknown obligation or period")

// Select reads what a selection names: nothing (the current period of
// every open obligation), an obligation code (its current period), a period
// key such as 2026-H1 (that period of every obligation that has one), or
// both ("BC6T 2026-H1").
func Select(r *db.Reader, now time.Time, arg string) ([]View, error) {
	obs, err := r.Obligations(false)
	if err != nil {
		return nil, err
	}
	var only *db.Obligation
	key := ""
	for _, word := range strings.Fields(arg) {
		if o, err := r.ObligationByCode(word); err == nil && only == nil {
			only = &o
			continue
		} else if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		if key != "" {
			return nil, ErrUnknownSelection
		}
		key = word
	}
	if only != nil {
		obs = []db.Obligation{*only}
	}
	var out []View
	for _, o := range obs {
		var p db.Period
		if key != "" {
			p, err = r.PeriodByKey(o.ID, key)
		} else {
			p, err = CurrentPeriod(r, o.ID, now)
		}
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		v, err := LoadView(r, o, p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 && (key != "" || only != nil) {
		return nil, ErrUnknownSelection
	}
	return out, nil
}

// LoadView reads one obligation's period with its assignments.
func LoadView(r *db.Reader, o db.Obligation, p db.Period) (View, error) {
	items, err := r.PeriodItems(p.ID)
	return View{Obligation: o, Period: p, Items: items}, err
}

// PeriodsTitle names what a selection covers: one period's name, or the
// names of its periods joined, in lang.
func PeriodsTitle(views []View, lang string) string {
	seen := map[string]bool{}
	var names []string
	for _, v := range views {
		n := reminders.PeriodName(v.Period.Key, lang)
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// Mark is where one unit stands on one period in the status grid, in the
// order the Office reads it: done, waiting for the Office, needing the
// unit, and not owed at all.
type Mark int

// The marks of the status grid.
const (
	MarkAccepted  Mark = iota // the Office accepted it
	MarkReceived              // received, waiting for the Office's review
	MarkReturned              // returned to the unit to redo
	MarkExtension             // not in yet, the unit has its own later deadline
	MarkMissing               // not in yet, the deadline is still ahead
	MarkLate                  // not in yet, the deadline has passed
	MarkNone                  // the unit does not owe this period
	MarkCount
)

// MarkOf tells where an assignment stands at now. What a closed unit or a
// closed obligation never handed in is no longer owed, not missing.
func MarkOf(it db.Item, now time.Time) Mark {
	switch it.Status {
	case db.StatusAccepted:
		return MarkAccepted
	case db.StatusSubmitted:
		return MarkReceived
	case db.StatusReturned:
		return MarkReturned
	}
	switch {
	case !it.Unit.ClosedAt.IsZero() || !it.Obligation.ClosedAt.IsZero():
		return MarkNone
	case !it.DeadlineAt.After(now):
		return MarkLate
	case it.DeadlineAt.After(it.Period.DeadlineAt):
		return MarkExtension
	}
	return MarkMissing
}

// Grid is a selection laid out as units × periods: the data behind the
// status picture and the workbook's status sheet.
type Grid struct {
	Columns []string // "BC6T 2026-H1", one per view
	Units   []db.Unit
	Cells   map[int64][]Mark // by unit id, one per column
}

// BuildGrid lays out views, one column per view, units in code order; a
// unit a view does not list is MarkNone there.
func BuildGrid(views []View, now time.Time) Grid {
	g := Grid{Cells: map[int64][]Mark{}}
	byID := map[int64]db.Unit{}
	for _, v := range views {
		for _, it := range v.Items {
			byID[it.Unit.ID] = it.Unit
		}
	}
	for _, u := range byID {
		g.Units = append(g.Units, u)
		g.Cells[u.ID] = make([]Mark, len(views))
		for i := range views {
			g.Cells[u.ID][i] = MarkNone
		}
	}
	sort.Slice(g.Units, func(i, j int) bool { return g.Units[i].Code < g.Units[j].Code })
	for i, v := range views {
		g.Columns = append(g.Columns, v.Obligation.Code+" "+v.Period.Key)
		for _, it := range v.Items {
			g.Cells[it.Unit.ID][i] = MarkOf(it, now)
		}
	}
	return g
}
