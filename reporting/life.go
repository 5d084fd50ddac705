package reporting

import (
	"errors"
	"fmt"
	"time"

	"github.com/reportbot/reportbot/db"
)

// State is where an assignment (what one unit owes for one period) stands
// in its life.
type State string

// The states of an assignment. The database stores the review status
// (open, submitted, accepted, returned); the others follow from it and
// from the assignment's surroundings (StateOf).
const (
	// StateOpen: owed, nothing in yet.
	StateOpen State = "open"
	// StateExtended: owed, nothing in yet, and the Office gave this unit a
	// later deadline than the period's.
	StateExtended State = "extended"
	// StatePaper: the head said the report went in on paper; the Office
	// has not yet confirmed it holds it.
	StatePaper State = "paper_announced"
	// StateSubmitted: a version is in and waits for the Office's review.
	StateSubmitted State = "submitted"
	// StateAccepted: the Office accepted the latest version.
	StateAccepted State = "accepted"
	// StateReturned: the Office returned the latest version; the unit owes
	// a corrected one.
	StateReturned State = "returned"
	// StateNotRequired: the obligation or the unit was closed; nothing is
	// owed and nothing can happen any more.
	StateNotRequired State = "not_required"
)

// States lists every state, in the order of the life table.
var States = []State{StateOpen, StateExtended, StatePaper, StateSubmitted, StateAccepted, StateReturned, StateNotRequired}

// StateOf tells an assignment's state; paperClaimed says whether a head's
// paper claim waits for the Office (db.Reader.PaperClaim).
func StateOf(it db.Item, paperClaimed bool) State {
	switch {
	case !it.Obligation.ClosedAt.IsZero() || !it.Unit.ClosedAt.IsZero():
		return StateNotRequired
	case it.Status == db.StatusAccepted:
		return StateAccepted
	case it.Status == db.StatusSubmitted:
		return StateSubmitted
	case it.Status == db.StatusReturned:
		return StateReturned
	case paperClaimed:
		return StatePaper
	case it.DeadlineAt.After(it.Period.DeadlineAt):
		return StateExtended
	}
	return StateOpen
}

// Owes reports whether the unit still owes a report in state s.
func (s State) Owes() bool {
	return s == StateOpen || s == StateExtended || s == StatePaper || s == StateReturned
}

// Who says who may make a transition.
type Who int

// Who may act.
const (
	// UnitPeople: a head or member of the unit that owes the assignment.
	UnitPeople Who = iota + 1
	// Office: an Office clerk or an admin.
	Office
)

// Actor is the person acting, as the face knows them.
type Actor struct {
	MemberID   int64
	TelegramID int64
	Role       db.Role
	UnitID     int64
}

// ActorOf is the actor a member is.
func ActorOf(m db.Member) Actor {
	return Actor{MemberID: m.ID, TelegramID: m.TelegramID, Role: m.Role, UnitID: m.UnitID}
}

// may tells whether a may act as w on an assignment of unitID.
func (a Actor) may(w Who, unitID int64) bool {
	switch w {
	case UnitPeople:
		return a.Role.NeedsUnit() && a.UnitID == unitID
	case Office:
		return a.Role.Staff()
	}
	return false
}

// Transition is one named step of an assignment's life: from which states
// it may be made, into which state it leads (Same: the state stays), who
// may make it, and the message keys of its refusals.
type Transition struct {
	Name string
	From []State
	To   State
	Who  Who
	// Refused is the message key when the state does not allow it;
	// NotAllowed when the actor may not make it.
	Refused, NotAllowed string
}

// Same as a transition's To: the state does not change.
const Same State = ""

// The transitions of an assignment's life. Life lists them all; the table
// in docs/ARCHITECTURE.md is this list.
var (
	// Submit: the unit sends its report (a file in chat).
	Submit = &Transition{Name: "submit", From: []State{StateOpen, StateExtended, StatePaper, StateReturned, StateSubmitted},
		To: StateSubmitted, Who: UnitPeople, Refused: "life.submit_refused", NotAllowed: "sub.not_unit"}
	// Correct: the unit replaces an accepted report with a new version,
	// which goes back to review; the accepted one stays in the history.
	Correct = &Transition{Name: "correct", From: []State{StateAccepted},
		To: StateSubmitted, Who: UnitPeople, Refused: "life.correct_refused", NotAllowed: "sub.not_unit"}
	// AnnouncePaper: the head says the report went in on paper.
	AnnouncePaper = &Transition{Name: "announce_paper", From: []State{StateOpen, StateExtended, StateReturned, StatePaper},
		To: StatePaper, Who: UnitPeople, Refused: "paper.not_open", NotAllowed: "callback.stale"}
	// ConfirmPaper: the Office confirms it holds the announced paper.
	ConfirmPaper = &Transition{Name: "confirm_paper", From: []State{StatePaper},
		To: StateSubmitted, Who: Office, Refused: "review.already", NotAllowed: "review.not_allowed"}
	// RecordReceived: the Office records a report that came outside
	// Telegram (/received: paper, e-mail, e-office).
	RecordReceived = &Transition{Name: "record_received", From: []State{StateOpen, StateExtended, StatePaper, StateReturned, StateSubmitted, StateAccepted},
		To: StateSubmitted, Who: Office, Refused: "life.received_refused", NotAllowed: "review.not_allowed"}
	// Accept: the Office accepts the version under review.
	Accept = &Transition{Name: "accept", From: []State{StateSubmitted},
		To: StateAccepted, Who: Office, Refused: "review.already", NotAllowed: "review.not_allowed"}
	// Return: the Office returns the version under review, with a reason.
	Return = &Transition{Name: "return", From: []State{StateSubmitted},
		To: StateReturned, Who: Office, Refused: "review.already", NotAllowed: "review.not_allowed"}
	// RequestExtension: the unit asks for a later deadline.
	RequestExtension = &Transition{Name: "request_extension", From: []State{StateOpen, StateExtended, StatePaper, StateReturned},
		To: Same, Who: UnitPeople, Refused: "life.extension_refused", NotAllowed: "callback.stale"}
	// ApproveExtension: the Office gives the unit the later deadline it
	// asked for. A returned or announced report keeps its state; only its
	// deadline moves.
	ApproveExtension = &Transition{Name: "approve_extension", From: []State{StateOpen, StateExtended},
		To: StateExtended, Who: Office, Refused: "life.extension_refused", NotAllowed: "ext.not_allowed"}
	// RefuseExtension: the Office keeps the deadline.
	RefuseExtension = &Transition{Name: "refuse_extension", From: []State{StateOpen, StateExtended, StatePaper, StateReturned, StateSubmitted},
		To: Same, Who: Office, Refused: "life.extension_refused", NotAllowed: "ext.not_allowed"}
	// Snooze: someone of the unit asks to be reminded later.
	Snooze = &Transition{Name: "snooze", From: []State{StateOpen, StateExtended, StatePaper, StateReturned},
		To: Same, Who: UnitPeople, Refused: "snooze.closed", NotAllowed: "snooze.not_member"}
	// Nudge: the Office reminds the unit now.
	Nudge = &Transition{Name: "nudge", From: []State{StateOpen, StateExtended, StatePaper, StateReturned},
		To: Same, Who: Office, Refused: "life.nudge_refused", NotAllowed: "review.not_allowed"}
)

// Life lists every transition.
var Life = []*Transition{Submit, Correct, AnnouncePaper, ConfirmPaper, RecordReceived, Accept, Return,
	RequestExtension, ApproveExtension, RefuseExtension, Snooze, Nudge}

// Allows tells whether the transition may start from s.
func (t *Transition) Allows(s State) bool {
	for _, f := range t.From {
		if f == s {
			return true
		}
	}
	return false
}

// Check says whether a may make t on an assignment of unitID in state s:
// nil, or a refusal (CodeNotAllowed before CodeConflict, so a stranger to
// the unit learns nothing of its state).
func (t *Transition) Check(a Actor, unitID int64, s State) error {
	if !a.may(t.Who, unitID) {
		return refuse(CodeNotAllowed, t.NotAllowed)
	}
	if !t.Allows(s) {
		return refuse(CodeConflict, t.Refused)
	}
	return nil
}

// Target is what it leads to from s.
func (t *Transition) Target(s State) State {
	if t.To == Same {
		return s
	}
	return t.To
}

// Load reads an assignment and its state; a missing one is a stale button.
func Load(r *db.Reader, assignmentID int64) (db.Item, State, error) {
	it, err := r.Item(assignmentID)
	if err != nil {
		return it, "", stale(err)
	}
	st, err := stateIn(r, it)
	return it, st, err
}

// stale turns a record not found into the refusal of a stale button.
func stale(err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return refuse(CodeNotFound, "callback.stale")
	}
	return err
}

func stateIn(r *db.Reader, it db.Item) (State, error) {
	_, _, err := r.PaperClaim(it.ID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return "", err
	}
	return StateOf(it, err == nil), nil
}

// check loads the assignment's current state inside tx and checks t.
func check(tx *db.Tx, t *Transition, a Actor, it db.Item) error {
	st, err := stateIn(tx.Reader(), it)
	if err != nil {
		return err
	}
	return t.Check(a, it.UnitID, st)
}

// NewSubmission is a version of a report to record: from the unit (Submit,
// Correct) or from the Office (ConfirmPaper, RecordReceived). The core fills
// in the time, the year of the receipt and the days late.
type NewSubmission struct {
	Source    db.Source
	Reference string
	Caption   string
	DocNumber string
	MemberID  int64 // who sent or brought it; the actor when 0
	Files     []db.SubmissionFile
}

// Record makes transition t (Submit, Correct, ConfirmPaper or
// RecordReceived) by recording a new version of the assignment's report,
// received now. Its days late follow the one lateness rule. reserved is the
// receipt number the face already named files after (0: none): it must
// still be the next one.
func Record(tx *db.Tx, t *Transition, a Actor, it db.Item, n NewSubmission, loc *time.Location, reserved int) (db.Submission, error) {
	if t.To != StateSubmitted {
		return db.Submission{}, fmt.Errorf("record a submission with %s", t.Name)
	}
	if err := check(tx, t, a, it); err != nil {
		return db.Submission{}, err
	}
	now := tx.Now()
	if n.MemberID == 0 {
		n.MemberID = a.MemberID
	}
	sub, err := tx.AddSubmission(db.Submission{
		AssignmentID: it.ID, ReceiptYear: ReceiptYear(now, loc), MemberID: n.MemberID, Source: n.Source, Reference: n.Reference,
		Caption: n.Caption, DocNumber: n.DocNumber, ReceivedAt: now, DaysLate: DaysLate(now, it.DeadlineAt, loc), Files: n.Files,
	})
	if err != nil {
		return sub, err
	}
	if reserved != 0 && sub.ReceiptNo != reserved {
		return sub, fmt.Errorf("receipt number moved from %d to %d", reserved, sub.ReceiptNo)
	}
	if err := tx.DropPaperClaim(it.ID); err != nil {
		return sub, err
	}
	detail := fmt.Sprintf("%s v%d %s %s %s", sub.Receipt(), sub.Version, it.Unit.Code, it.Obligation.Code, it.Period.Key)
	if n.Reference != "" {
		detail += fmt.Sprintf(" %s: %s", sub.Source, n.Reference)
	}
	return sub, tx.Audit(a.MemberID, a.TelegramID, t.Name, fmt.Sprintf("submission:%d", sub.ID), detail)
}

// ReceiptYear is the register year of a report received at now: the year
// in the plan's zone, as the Office's incoming-document book counts.
func ReceiptYear(now time.Time, loc *time.Location) int { return now.In(loc).Year() }

// Announce records the head's word that the report went in on paper.
func Announce(tx *db.Tx, a Actor, it db.Item) error {
	if err := check(tx, AnnouncePaper, a, it); err != nil {
		return err
	}
	if err := tx.ClaimPaper(it.ID, a.MemberID); err != nil {
		return err
	}
	return tx.Audit(a.MemberID, a.TelegramID, "paper_claim", fmt.Sprintf("assignment:%d", it.ID), "")
}

// Review is the Office's decision on one submission.
type Review struct {
	Submission db.Submission
	Item       db.Item
}

// Decide makes Accept or Return on a submission (reason: the return's, "" for
// an acceptance). Only the version waiting for review can be decided, once:
// a second press gets CodeConflict "review.already".
func Decide(tx *db.Tx, t *Transition, a Actor, submissionID int64, reason string) (Review, error) {
	if t != Accept && t != Return {
		return Review{}, fmt.Errorf("decide with %s", t.Name)
	}
	rv, err := Reviewable(tx.Reader(), a, submissionID)
	if err != nil {
		return rv, err
	}
	if t == Return && reason == "" {
		return rv, refuse(CodeInvalid, "review.reason_empty")
	}
	status := db.SubAccepted
	if t == Return {
		status = db.SubReturned
	}
	changed, err := tx.ReviewSubmission(submissionID, status, a.MemberID, reason)
	if err != nil {
		return rv, err
	}
	if !changed {
		return rv, refuse(CodeConflict, "review.already")
	}
	detail := rv.Submission.Receipt()
	if reason != "" {
		detail = reason
	}
	if err := tx.Audit(a.MemberID, a.TelegramID, t.Name, fmt.Sprintf("submission:%d", submissionID), detail); err != nil {
		return rv, err
	}
	rv.Submission, err = tx.Reader().Submission(submissionID)
	return rv, err
}

// Reviewable loads a submission the actor is about to decide on (a Return
// asks for its reason first), refusing what Decide would refuse.
func Reviewable(r *db.Reader, a Actor, submissionID int64) (Review, error) {
	if !a.may(Office, 0) {
		return Review{}, refuse(CodeNotAllowed, Accept.NotAllowed)
	}
	sub, err := r.Submission(submissionID)
	if err != nil {
		return Review{}, stale(err)
	}
	it, err := r.Item(sub.AssignmentID)
	if err != nil {
		return Review{}, err
	}
	rv := Review{Submission: sub, Item: it}
	if sub.Status != db.SubReceived {
		return rv, refuse(CodeConflict, "review.already")
	}
	return rv, nil
}
