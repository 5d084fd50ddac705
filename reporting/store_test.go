package reporting

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/examples"
	"github.com/reportbot/reportbot/plan"
	"github.com/reportbot/reportbot/reminders"
)

var hcmc = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// world is the example plan in a real store at a settable time, with a
// head of TCBC, a head of another unit and an Office clerk.
type world struct {
	t                    *testing.T
	store                *db.Store
	now                  time.Time
	head, stranger, desk Actor
}

// newWorld sets the plan up before its first deadlines (so every unit owes
// them) and then moves the clock to now.
func newWorld(t *testing.T, now time.Time) *world {
	t.Helper()
	w := &world{t: t, now: time.Date(2026, 5, 25, 9, 0, 0, 0, hcmc)}
	s, err := db.Open(filepath.Join(t.TempDir(), "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return w.now }
	w.store = s
	p, err := plan.Parse(examples.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Apply(context.Background(), s, p); err != nil {
		t.Fatal(err)
	}
	w.tx(func(tx *db.Tx) error {
		pol, err := reminders.LoadPolicy(tx.Reader())
		if err != nil {
			return err
		}
		return reminders.EnsurePeriods(tx, pol)
	})
	w.head = w.join(101, "TCBC", db.RoleHead)
	w.stranger = w.join(102, "CCHC", db.RoleHead)
	w.desk = w.join(201, "", db.RoleOffice)
	w.now = now
	return w
}

func (w *world) tx(fn func(tx *db.Tx) error) {
	w.t.Helper()
	if err := w.store.Tx(context.Background(), fn); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) join(telegramID int64, unit string, role db.Role) Actor {
	w.t.Helper()
	var m db.Member
	w.tx(func(tx *db.Tx) error {
		token, _, err := tx.CreateInviteByCode(unit, role, time.Hour, "test")
		if err != nil {
			return err
		}
		m, err = tx.RedeemInvite(token, db.Joiner{TelegramID: telegramID, Name: unit + " " + string(role)})
		return err
	})
	return ActorOf(m)
}

// item is TCBC's assignment of BC6T for the first half of 2026 (due
// Wednesday 10/06/2026 17:00), as it is now.
func (w *world) item() db.Item {
	w.t.Helper()
	r := w.store.Read(context.Background())
	u, err := r.UnitByCode("TCBC")
	if err != nil {
		w.t.Fatal(err)
	}
	items, err := r.UnitItems(u.ID, time.Unix(0, 0), time.Unix(1<<40, 0))
	if err != nil {
		w.t.Fatal(err)
	}
	for _, it := range items {
		if it.Obligation.Code == "BC6T" && it.Period.Key == "2026-H1" {
			return it
		}
	}
	w.t.Fatal("no TCBC BC6T 2026-H1")
	return db.Item{}
}

func (w *world) state() State {
	w.t.Helper()
	_, st, err := Load(w.store.Read(context.Background()), w.item().ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return st
}

// refusedWith asserts err is a refusal with that code and key.
func refusedWith(t *testing.T, err error, code Code, key string) {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Code != code || e.Key != key {
		t.Errorf("got %v, want %s %s", err, code, key)
	}
}

func TestSubmissionsThroughTheirLife(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 10, 17, 1, 0, 0, hcmc))
	record := func(tr *Transition, a Actor) (db.Submission, error) {
		var sub db.Submission
		err := w.store.Tx(context.Background(), func(tx *db.Tx) error {
			var err error
			sub, err = Record(tx, tr, a, w.item(), NewSubmission{Source: db.SourceTelegram}, hcmc, 0)
			return err
		})
		return sub, err
	}
	decide := func(tr *Transition, a Actor, id int64, reason string) error {
		return w.store.Tx(context.Background(), func(tx *db.Tx) error { _, err := Decide(tx, tr, a, id, reason); return err })
	}

	_, err := record(Submit, w.stranger)
	refusedWith(t, err, CodeNotAllowed, Submit.NotAllowed)
	v1, err := record(Submit, w.head)
	if err != nil {
		t.Fatal(err)
	}
	if v1.DaysLate != 1 || v1.ReceiptYear != 2026 || w.state() != StateSubmitted {
		t.Errorf("one minute late: days late %d, year %d, state %s", v1.DaysLate, v1.ReceiptYear, w.state())
	}
	refusedWith(t, decide(Accept, w.head, v1.ID, ""), CodeNotAllowed, Accept.NotAllowed)
	refusedWith(t, decide(Return, w.desk, v1.ID, ""), CodeInvalid, "review.reason_empty")
	if err := decide(Accept, w.desk, v1.ID, ""); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, decide(Return, w.desk, v1.ID, "muộn"), CodeConflict, "review.already")
	if w.state() != StateAccepted {
		t.Fatalf("state %s, want accepted", w.state())
	}
	_, err = record(Submit, w.head)
	refusedWith(t, err, CodeConflict, Submit.Refused)
	v2, err := record(Correct, w.head)
	if err != nil || v2.Version != 2 || w.state() != StateSubmitted {
		t.Fatalf("correction: %+v %v, state %s", v2, err, w.state())
	}
	if err := decide(Return, w.desk, v2.ID, "Thiếu phụ lục"); err != nil {
		t.Fatal(err)
	}
	if w.state() != StateReturned {
		t.Errorf("state %s, want returned", w.state())
	}
	subs, _ := w.store.Read(context.Background()).Submissions(w.item().ID)
	if len(subs) != 2 || subs[0].Status != db.SubAccepted || subs[1].Status != db.SubReturned {
		t.Errorf("history %+v: the accepted version must stay", subs)
	}
}

func TestPaperAnnouncedThenConfirmed(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 5, 9, 0, 0, 0, hcmc))
	w.tx(func(tx *db.Tx) error { return Announce(tx, w.head, w.item()) })
	if w.state() != StatePaper {
		t.Fatalf("state %s, want paper announced", w.state())
	}
	confirm := func() error {
		return w.store.Tx(context.Background(), func(tx *db.Tx) error {
			_, err := Record(tx, ConfirmPaper, w.desk, w.item(), NewSubmission{Source: db.SourcePaper, MemberID: w.head.MemberID}, hcmc, 0)
			return err
		})
	}
	if err := confirm(); err != nil {
		t.Fatal(err)
	}
	if w.state() != StateSubmitted {
		t.Errorf("state %s, want submitted", w.state())
	}
	refusedWith(t, confirm(), CodeConflict, ConfirmPaper.Refused)
}

func TestExtensionAskedAndDecided(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 5, 9, 0, 0, 0, hcmc))
	file := func(a Actor, text string) (db.Extension, error) {
		var ext db.Extension
		err := w.store.Tx(context.Background(), func(tx *db.Tx) error {
			var err error
			ext, err = FileExtension(tx, a, w.item(), text, hcmc)
			return err
		})
		return ext, err
	}
	_, err := file(w.head, "Chờ số liệu, 31/02/2026")
	refusedWith(t, err, CodeInvalid, "ext.bad_date")
	_, err = file(w.head, "Chờ số liệu, 01/06/2026")
	refusedWith(t, err, CodeInvalid, "ext.not_later")
	_, err = file(w.head, "20/06/2026")
	refusedWith(t, err, CodeInvalid, "ext.no_reason")
	_, err = file(w.stranger, "Chờ số liệu, 20/06/2026")
	refusedWith(t, err, CodeNotAllowed, RequestExtension.NotAllowed)
	ext, err := file(w.head, "Chờ số liệu của các xã, đến ngày 20/06/2026")
	if err != nil || ext.Reason != "Chờ số liệu của các xã" {
		t.Fatalf("request %+v %v", ext, err)
	}
	decide := func(a Actor) (ExtensionDecision, error) {
		var d ExtensionDecision
		err := w.store.Tx(context.Background(), func(tx *db.Tx) error {
			var err error
			d, err = DecideExtension(tx, a, ext.ID, true)
			return err
		})
		return d, err
	}
	_, err = decide(w.head)
	refusedWith(t, err, CodeNotAllowed, ApproveExtension.NotAllowed)
	d, err := decide(w.desk)
	want := time.Date(2026, 6, 20, 17, 0, 0, 0, hcmc)
	if err != nil || !d.Deadline.Equal(want) || !w.item().DeadlineAt.Equal(want) || w.state() != StateExtended {
		t.Fatalf("approval %+v %v; deadline %v, state %s", d, err, w.item().DeadlineAt, w.state())
	}
	_, err = decide(w.desk)
	refusedWith(t, err, CodeConflict, "ext.already")
}

func TestSnoozeUntil(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 5, 9, 0, 0, 0, hcmc))
	pol, err := reminders.LoadPolicy(w.store.Read(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	pl := reminders.NewPlanner(pol)
	it := w.item()
	for _, c := range []struct {
		now, want time.Time
	}{
		// Friday: Monday's working hour, before Tuesday's 1-day reminder.
		{time.Date(2026, 6, 5, 9, 0, 0, 0, hcmc), time.Date(2026, 6, 8, 8, 0, 0, 0, hcmc)},
		// The deadline day: an hour before the deadline, not tomorrow.
		{time.Date(2026, 6, 10, 9, 0, 0, 0, hcmc), time.Date(2026, 6, 10, 16, 0, 0, 0, hcmc)},
		// Half an hour before the deadline: at the deadline.
		{time.Date(2026, 6, 10, 16, 30, 0, 0, hcmc), time.Date(2026, 6, 10, 17, 0, 0, 0, hcmc)},
	} {
		if got := SnoozeUntil(pl, it, c.now); !got.Equal(c.want) {
			t.Errorf("snooze at %v: until %v, want %v", c.now, got, c.want)
		}
	}
}

func TestCurrentPeriods(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 12, 9, 0, 0, 0, hcmc))
	r := w.store.Read(context.Background())
	it := w.item()
	// Two days after the deadline and still owed: the period just passed.
	p, err := CurrentPeriod(r, it.Obligation.ID, w.now)
	if err != nil || p.Key != "2026-H1" {
		t.Errorf("Office's current period %q %v, want 2026-H1", p.Key, err)
	}
	got, err := UnitCurrent(r, it.UnitID, it.Obligation.ID, w.now)
	if err != nil || got.ID != it.ID {
		t.Errorf("TCBC's current assignment %+v %v, want %d", got.Period.Key, err, it.ID)
	}
	// Once TCBC has handed it in, the Office still chases the others.
	w.tx(func(tx *db.Tx) error {
		_, err := Record(tx, Submit, w.head, it, NewSubmission{}, hcmc, 0)
		return err
	})
	if p, _ := CurrentPeriod(r, it.Obligation.ID, w.now); p.Key != "2026-H1" {
		t.Errorf("Office's current period moved to %s", p.Key)
	}
}

// TestCurrentRule: a period still owed within 30 days of its deadline,
// else the next one due, else the last one.
func TestCurrentRule(t *testing.T) {
	now := time.Date(2026, 7, 1, 9, 0, 0, 0, hcmc)
	p := func(key string, deadline time.Time) db.Period { return db.Period{Key: key, DeadlineAt: deadline} }
	old := p("old", now.AddDate(0, -2, 0))
	recent := p("recent", now.AddDate(0, 0, -10))
	next := p("next", now.AddDate(0, 0, 20))
	for _, c := range []struct {
		name    string
		periods []db.Period
		owed    map[string]bool
		want    string
	}{
		{"recent and owed", []db.Period{old, recent, next}, map[string]bool{"recent": true, "old": true}, "recent"},
		{"recent but done", []db.Period{old, recent, next}, map[string]bool{"old": true}, "next"},
		{"nothing ahead", []db.Period{old, recent}, map[string]bool{}, "recent"},
	} {
		got, err := current(c.periods, now, func(p db.Period) (bool, error) { return c.owed[p.Key], nil })
		if err != nil || got.Key != c.want {
			t.Errorf("%s: %s %v, want %s", c.name, got.Key, err, c.want)
		}
	}
	if _, err := current(nil, now, nil); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("no periods: %v", err)
	}
}

func TestRouteAFile(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 5, 9, 0, 0, 0, hcmc))
	r := w.store.Read(context.Background())
	it := w.item()
	rt, err := Route(r, w.head, it.ID, w.now)
	if err != nil || rt.Target == nil || rt.Target.ID != it.ID {
		t.Errorf("reply to a reminder: %+v %v", rt, err)
	}
	// Another unit's reminder does not route a file there.
	rt, err = Route(r, w.stranger, it.ID, w.now)
	if err != nil || (rt.Target != nil && rt.Target.ID == it.ID) {
		t.Errorf("another unit's reply went to TCBC's report: %+v %v", rt.Target, err)
	}
	_, err = Route(r, w.desk, 0, w.now)
	refusedWith(t, err, CodeNotAllowed, Submit.NotAllowed)
}

// TestQuestionsGoWithTheMembership: a member removed loses the questions
// and the files waiting for an answer.
func TestQuestionsGoWithTheMembership(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 5, 9, 0, 0, 0, hcmc))
	w.tx(func(tx *db.Tx) error {
		if err := tx.SetPendingInput(db.PendingInput{TelegramID: 201, ChatID: 201, Kind: "review.reason", RefID: 1}); err != nil {
			return err
		}
		_, err := tx.KeepFiles(db.KeptFiles{TelegramID: 201, ChatID: 201, Data: "{}"})
		return err
	})
	w.tx(func(tx *db.Tx) error { return tx.RemoveMember(w.desk.MemberID) })
	r := w.store.Read(context.Background())
	if _, err := r.PeekPendingInput(201, 201); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("question still waiting: %v", err)
	}
	if kept, _ := r.MemberKeptFiles(201, 201); len(kept) != 0 {
		t.Errorf("kept files still waiting: %d", len(kept))
	}
}
