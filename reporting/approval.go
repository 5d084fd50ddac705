package reporting

import "github.com/reportbot/reportbot/db"

// withApproval is a as the plan's approval setting makes them: the
// approver when the plan names one (approval: director, or a deputy's
// @username) and a is that person; when the plan names nobody, or nobody
// holds the name yet, the Office decides rather than nobody. named tells
// whether the plan's approver decides.
func withApproval(r *db.Reader, a Actor) (_ Actor, named bool, err error) {
	approvers, required, err := r.Approvers()
	if err != nil {
		return a, false, err
	}
	if !required || len(approvers) == 0 {
		a.approves = a.Role.Staff()
		return a, false, nil
	}
	for _, m := range approvers {
		a.approves = a.approves || m.ID == a.MemberID
	}
	return a, true, nil
}
