package reporting

import (
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
)

// itemIn builds an assignment of unit 7 in state s (paper: whether a claim
// waits), for the pure checks.
func itemIn(s State) (db.Item, bool) {
	deadline := time.Date(2026, 6, 10, 10, 0, 0, 0, time.UTC)
	it := db.Item{Assignment: db.Assignment{UnitID: 7, Status: db.StatusOpen, DeadlineAt: deadline}}
	it.Period.DeadlineAt = deadline
	paper := false
	switch s {
	case StateExtended:
		it.DeadlineAt = deadline.AddDate(0, 0, 5)
	case StatePaper:
		paper = true
	case StateSubmitted:
		it.Status = db.StatusSubmitted
	case StateAccepted:
		it.Status = db.StatusAccepted
	case StateReturned:
		it.Status = db.StatusReturned
	case StateNotRequired:
		it.Obligation.ClosedAt = deadline
	}
	return it, paper
}

// TestLife walks every transition from every state, by every kind of
// actor: the table of the assignment's life, allowed and refused.
func TestLife(t *testing.T) {
	head := Actor{MemberID: 1, Role: db.RoleHead, UnitID: 7}
	member := Actor{MemberID: 2, Role: db.RoleMember, UnitID: 7}
	stranger := Actor{MemberID: 3, Role: db.RoleHead, UnitID: 8}
	office := Actor{MemberID: 4, Role: db.RoleOffice}
	admin := Actor{MemberID: 5, Role: db.RoleAdmin}
	director := Actor{MemberID: 6, Role: db.RoleDirector}
	type S = []State
	owed := S{StateOpen, StateExtended, StatePaper, StateReturned}
	// want is the whole table: for each transition, the states it starts
	// from and where it leads; every other state refuses it.
	want := []struct {
		t    *Transition
		from S
		to   State // "" : the state stays
		who  Who
	}{
		{Submit, S{StateOpen, StateExtended, StatePaper, StateReturned, StateSubmitted}, StateSubmitted, UnitPeople},
		{Correct, S{StateAccepted}, StateSubmitted, UnitPeople},
		{AnnouncePaper, owed, StatePaper, UnitPeople},
		{ConfirmPaper, S{StatePaper}, StateSubmitted, Office},
		{RecordReceived, S{StateOpen, StateExtended, StatePaper, StateReturned, StateSubmitted, StateAccepted}, StateSubmitted, Office},
		{Accept, S{StateSubmitted}, StateAccepted, Office},
		{Return, S{StateSubmitted}, StateReturned, Office},
		{RequestExtension, owed, "", UnitPeople},
		{ApproveExtension, S{StateOpen, StateExtended}, StateExtended, Office},
		{RefuseExtension, S{StateOpen, StateExtended, StatePaper, StateReturned, StateSubmitted}, "", Office},
		{Snooze, owed, "", UnitPeople},
		{Nudge, owed, "", Office},
	}
	if len(want) != len(Life) {
		t.Fatalf("the table has %d transitions, Life %d", len(want), len(Life))
	}
	actors := map[Who][]Actor{UnitPeople: {head, member}, Office: {office, admin}}
	outsiders := map[Who][]Actor{UnitPeople: {stranger, office, admin, director}, Office: {head, member, director}}
	for i, w := range want {
		if Life[i] != w.t {
			t.Fatalf("Life[%d] is %s, want %s", i, Life[i].Name, w.t.Name)
		}
		for _, s := range States {
			it, paper := itemIn(s)
			if got := StateOf(it, paper); got != s {
				t.Fatalf("StateOf(%s fixture) = %s", s, got)
			}
			allowed := false
			for _, f := range w.from {
				allowed = allowed || f == s
			}
			for _, a := range actors[w.who] {
				err := w.t.Check(a, it.UnitID, s)
				switch {
				case allowed && err != nil:
					t.Errorf("%s from %s by %s: refused (%v), want allowed", w.t.Name, s, a.Role, err)
				case !allowed && err == nil:
					t.Errorf("%s from %s by %s: allowed, want refused", w.t.Name, s, a.Role)
				case !allowed:
					if e, ok := AsError(err); !ok || e.Code != CodeConflict || e.Key != w.t.Refused {
						t.Errorf("%s from %s by %s: got %v, want conflict %s", w.t.Name, s, a.Role, err, w.t.Refused)
					}
				}
				if allowed {
					to := w.to
					if to == "" {
						to = s
					}
					if got := w.t.Target(s); got != to {
						t.Errorf("%s from %s leads to %s, want %s", w.t.Name, s, got, to)
					}
				}
			}
			for _, a := range outsiders[w.who] {
				err := w.t.Check(a, it.UnitID, s)
				if e, ok := AsError(err); !ok || e.Code != CodeNotAllowed {
					t.Errorf("%s from %s by %s (unit %d): got %v, want not allowed", w.t.Name, s, a.Role, a.UnitID, err)
				}
			}
		}
	}
}

// TestNotRequiredIsFinal: once nothing is owed, nothing can happen.
func TestNotRequiredIsFinal(t *testing.T) {
	for _, tr := range Life {
		if tr.Allows(StateNotRequired) {
			t.Errorf("%s is allowed from %s", tr.Name, StateNotRequired)
		}
	}
}
