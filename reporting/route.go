package reporting

import (
	"errors"
	"time"

	"github.com/reportbot/reportbot/db"
)

// Routing is where a file a unit sent goes: straight to Target, or, when
// that is not clear, to the report the sender picks from Choices. Early
// says the unit owes nothing now, so Choices are its recent and coming
// reports (an early or extra version). Neither: nothing to file it under.
type Routing struct {
	Target  *db.Item
	Choices []db.Item
	Early   bool
}

// Route decides where files from a go. replied is the assignment the bot
// message they answered was about (0 if none): it wins when it is the
// unit's. Else the one report the unit owes; else a choice.
func Route(r *db.Reader, a Actor, replied int64, now time.Time) (Routing, error) {
	if replied != 0 {
		it, err := r.Item(replied)
		switch {
		case err == nil && a.may(UnitPeople, it.UnitID):
			return Routing{Target: &it}, nil
		case err != nil && !errors.Is(err, db.ErrNotFound):
			return Routing{}, err
		}
	}
	choices, early, err := Choices(r, a, now)
	if err != nil || early || len(choices) != 1 {
		return Routing{Choices: choices, Early: early}, err
	}
	return Routing{Target: &choices[0]}, nil
}

// Choices lists the reports a's unit may file a report under: what it owes,
// by deadline; when it owes nothing, its reports of the last six months and
// the coming year (early reports true).
func Choices(r *db.Reader, a Actor, now time.Time) (items []db.Item, early bool, err error) {
	if !a.Role.NeedsUnit() {
		return nil, false, refuse(CodeNotAllowed, Submit.NotAllowed)
	}
	open, err := r.OpenUnitItems(a.UnitID)
	if err != nil || len(open) > 0 {
		return open, false, err
	}
	recent, err := r.UnitItems(a.UnitID, now.AddDate(0, -6, 0), now.AddDate(1, 0, 0))
	return recent, len(recent) > 0, err
}
