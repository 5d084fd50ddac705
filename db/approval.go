package db

import "strings"

// SettingApproval is the setting naming who approves extensions: "" (the
// Office), "director", or a member's "@username" (a deputy director).
const SettingApproval = "approval"

// Approvers are the members who approve extensions under the plan's
// approval setting; required is false when the Office decides itself.
func (r *Reader) Approvers() (members []Member, required bool, err error) {
	who, err := r.Setting(SettingApproval)
	if err != nil || who == "" {
		return nil, false, err
	}
	if who == "director" {
		m, err := r.MembersByRole(RoleDirector)
		return m, true, err
	}
	rows, err := r.query(`SELECT `+memberCols+` FROM members WHERE removed_at IS NULL AND username = ? COLLATE NOCASE`, strings.TrimPrefix(who, "@"))
	if err != nil {
		return nil, true, err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, true, err
		}
		members = append(members, m)
	}
	return members, true, rows.Err()
}
