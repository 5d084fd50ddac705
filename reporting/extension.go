package reporting

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
)

var dateRe = regexp.MustCompile(`(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})`)

// ParseExtension splits a typed request, "reason, dd/mm/yyyy", into its
// parts; the new deadline keeps the time of day of the current one. A
// missing or impossible date, a date not after the deadline, or a missing
// reason is refused with CodeInvalid.
func ParseExtension(text string, deadline time.Time, loc *time.Location) (reason string, date time.Time, err error) {
	m := dateRe.FindStringSubmatchIndex(text)
	if m == nil {
		return "", time.Time{}, refuse(CodeInvalid, "ext.bad_date")
	}
	d, _ := strconv.Atoi(text[m[2]:m[3]])
	mo, _ := strconv.Atoi(text[m[4]:m[5]])
	y, _ := strconv.Atoi(text[m[6]:m[7]])
	local := deadline.In(loc)
	date = time.Date(y, time.Month(mo), d, local.Hour(), local.Minute(), 0, 0, loc)
	if date.Day() != d || int(date.Month()) != mo { // 31/02 does not exist
		return "", time.Time{}, refuse(CodeInvalid, "ext.bad_date")
	}
	if !date.After(deadline) {
		return "", time.Time{}, refuse(CodeInvalid, "ext.not_later", FormatDate(date, loc), FormatDate(deadline, loc))
	}
	reason = strings.Trim(text[:m[0]]+" "+text[m[1]:], " ,;:-–—.\n")
	for _, filler := range []string{"đến ngày", "tới ngày", "đến", "until", "to"} {
		reason = strings.TrimSpace(strings.TrimSuffix(reason, filler))
	}
	reason = strings.Trim(reason, " ,;:-–—")
	if reason == "" {
		return "", time.Time{}, refuse(CodeInvalid, "ext.no_reason")
	}
	return reason, date, nil
}

// FormatDate writes a date the Vietnamese way, dd/mm/yyyy, in loc.
func FormatDate(t time.Time, loc *time.Location) string { return t.In(loc).Format("02/01/2006") }

// AskExtension checks that a may ask for more time on it now.
func AskExtension(r *db.Reader, a Actor, it db.Item) error {
	st, err := stateIn(r, it)
	if err != nil {
		return err
	}
	return RequestExtension.Check(a, it.UnitID, st)
}

// FileExtension records a's typed request for a later deadline.
func FileExtension(tx *db.Tx, a Actor, it db.Item, text string, loc *time.Location) (db.Extension, error) {
	if err := check(tx, RequestExtension, a, it); err != nil {
		return db.Extension{}, err
	}
	reason, date, err := ParseExtension(text, it.DeadlineAt, loc)
	if err != nil {
		return db.Extension{}, err
	}
	ext, err := tx.AddExtension(db.Extension{AssignmentID: it.ID, RequestedBy: a.MemberID, Reason: reason, ProposedAt: date})
	if err != nil {
		return ext, err
	}
	return ext, tx.Audit(a.MemberID, a.TelegramID, RequestExtension.Name, fmt.Sprintf("extension:%d", ext.ID), FormatDate(date, loc)+" "+reason)
}

// ExtensionDecision is the Office's decision on a request: the request,
// its assignment as it was, and the deadline in force afterwards.
type ExtensionDecision struct {
	Extension db.Extension
	Item      db.Item
	Deadline  time.Time
}

// DecideExtension approves or refuses a pending request, once. An approval
// moves that unit's deadline for that period only.
func DecideExtension(tx *db.Tx, a Actor, extensionID int64, approve bool) (ExtensionDecision, error) {
	t := RefuseExtension
	if approve {
		t = ApproveExtension
	}
	r := tx.Reader()
	ext, err := r.Extension(extensionID)
	if err != nil {
		return ExtensionDecision{}, stale(err)
	}
	it, err := r.Item(ext.AssignmentID)
	if err != nil {
		return ExtensionDecision{}, err
	}
	d := ExtensionDecision{Extension: ext, Item: it, Deadline: it.DeadlineAt}
	if !a.may(t.Who, it.UnitID) {
		return d, refuse(CodeNotAllowed, t.NotAllowed)
	}
	if ext.Status != db.ExtPending {
		return d, refuse(CodeConflict, "ext.already")
	}
	if err := check(tx, t, a, it); err != nil {
		return d, err
	}
	changed, err := tx.DecideExtension(ext.ID, approve, a.MemberID)
	if err != nil {
		return d, err
	}
	if !changed {
		return d, refuse(CodeConflict, "ext.already")
	}
	if approve {
		d.Deadline = ext.ProposedAt
	}
	d.Extension, err = r.Extension(ext.ID)
	if err != nil {
		return d, err
	}
	return d, tx.Audit(a.MemberID, a.TelegramID, t.Name, fmt.Sprintf("extension:%d", ext.ID), d.Deadline.UTC().Format(time.RFC3339))
}
