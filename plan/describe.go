package plan

import (
	"fmt"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// Plan-wide changes are named one by one, so the Office sees what a new
// plan does ("Giờ gửi nhắc: 08:00 → 09:00", "thêm ngày làm việc bù
// 10/01/2027") before it confirms, never a bare "policy changed".

// policyChanges lists how the plan-wide settings change, field by field, and
// each calendar day added, removed or renamed.
func policyChanges(old, pol reminders.Policy) []db.Change {
	var out []db.Change
	field := func(key, a, b string) {
		if a != b {
			out = append(out, db.Change{What: "policy", Code: key, Action: "changed", Detail: a + " → " + b})
		}
	}
	clock := func(h, m int) string { return fmt.Sprintf("%02d:%02d", h, m) }
	field("timezone", old.Timezone, pol.Timezone)
	field("working_hour", clock(old.WorkingHour, old.WorkingMinute), clock(pol.WorkingHour, pol.WorkingMinute))
	field("overdue.repeat_every", fmt.Sprint(old.OverdueEvery), fmt.Sprint(pol.OverdueEvery))
	field("overdue.escalate_after", fmt.Sprint(old.EscalateAfter), fmt.Sprint(pol.EscalateAfter))
	field("announcements.weekly_digest", fmt.Sprint(old.WeeklyDigest), fmt.Sprint(pol.WeeklyDigest))
	field("announcements.summary", fmt.Sprint(old.Summary), fmt.Sprint(pol.Summary))
	field("announcements.name_late_units", fmt.Sprint(old.NameLateUnits), fmt.Sprint(pol.NameLateUnits))
	field("chat_language", old.ChatLang(), pol.ChatLang())

	day := func(o reminders.Override) string { return o.Date.Format("02/01/2006") }
	kind := func(o reminders.Override) string { return map[bool]string{true: "off", false: "work"}[o.Off] }
	before := map[string]reminders.Override{}
	for _, o := range old.Overrides {
		before[day(o)] = o
	}
	after := map[string]bool{}
	for _, o := range pol.Overrides {
		after[day(o)] = true
		was, ok := before[day(o)]
		switch {
		case !ok:
			out = append(out, db.Change{What: "calendar", Code: day(o), Action: "added-" + kind(o), Detail: o.NameVI})
		case was.Off != o.Off || was.NameVI != o.NameVI || was.NameEN != o.NameEN:
			out = append(out, db.Change{What: "calendar", Code: day(o), Action: "now-" + kind(o), Detail: o.NameVI})
		}
	}
	for _, o := range old.Overrides {
		if !after[day(o)] {
			out = append(out, db.Change{What: "calendar", Code: day(o), Action: "removed-" + kind(o), Detail: o.NameVI})
		}
	}
	return out
}

// fieldNames name the plan-wide settings for people, Vietnamese then English.
var fieldNames = map[string][2]string{
	"timezone":                      {"Múi giờ", "Time zone"},
	"working_hour":                  {"Giờ gửi nhắc", "Reminder hour"},
	"overdue.repeat_every":          {"Nhắc lại khi quá hạn, cứ (ngày làm việc)", "Overdue reminder every (working days)"},
	"overdue.escalate_after":        {"Báo cáo Giám đốc Sở khi quá hạn (ngày làm việc)", "Report to the Director when overdue by (working days)"},
	"announcements.weekly_digest":   {"Bản tin các hạn trong tuần", "Weekly digest of deadlines"},
	"announcements.summary":         {"Tổng hợp sau mỗi hạn", "Summary after each deadline"},
	"announcements.name_late_units": {"Nêu tên đơn vị chậm nộp", "Name the late units"},
	"chat_language":                 {"Ngôn ngữ nhóm Văn phòng Sở và nhóm chung", "Language of the Office and group chats"},
}

// DescribeChange says one change of a plan in lang ("en" for English,
// Vietnamese otherwise), as the preview and the import report show it.
func DescribeChange(c db.Change, lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	pick := func(vi, english string) string {
		if en {
			return english
		}
		return vi
	}
	with := func(s string) string {
		if c.Detail == "" {
			return s
		}
		return s + " — " + c.Detail
	}
	switch c.What {
	case "unit", "obligation":
		what := map[string][2]string{"unit": {"Đơn vị", "Unit"}, "obligation": {"Báo cáo", "Report"}}[c.What]
		action := map[string][2]string{
			"added": {"thêm mới", "added"}, "changed": {"sửa đổi", "changed"},
			"closed": {"thôi yêu cầu", "no longer required"}, "reopened": {"yêu cầu lại", "required again"},
		}[c.Action]
		if action[0] == "" {
			action = [2]string{c.Action, c.Action}
		}
		return with(fmt.Sprintf("%s %s: %s", pick(what[0], what[1]), c.Code, pick(action[0], action[1])))
	case "policy":
		name, ok := fieldNames[c.Code]
		if !ok {
			name = [2]string{c.Code, c.Code}
		}
		detail := c.Detail
		switch {
		case strings.HasPrefix(c.Code, "announcements.") && en:
			detail = strings.NewReplacer("true", "yes", "false", "no").Replace(detail)
		case strings.HasPrefix(c.Code, "announcements."):
			detail = strings.NewReplacer("true", "có", "false", "không").Replace(detail)
		case c.Code == "chat_language" && en:
			detail = strings.NewReplacer("vi", "Vietnamese", "en", "English").Replace(detail)
		case c.Code == "chat_language":
			detail = strings.NewReplacer("vi", "tiếng Việt", "en", "tiếng Anh").Replace(detail)
		}
		return fmt.Sprintf("%s: %s", pick(name[0], name[1]), detail)
	case "calendar":
		action := map[string][2]string{
			"added-off":    {"thêm ngày nghỉ", "day off added"},
			"added-work":   {"thêm ngày làm việc bù", "make-up working day added"},
			"now-off":      {"đổi thành ngày nghỉ", "now a day off"},
			"now-work":     {"đổi thành ngày làm việc bù", "now a make-up working day"},
			"removed-off":  {"bỏ ngày nghỉ", "day off removed"},
			"removed-work": {"bỏ ngày làm việc bù", "make-up working day removed"},
		}[c.Action]
		return with(fmt.Sprintf("%s: %s %s", pick("Lịch nghỉ", "Calendar"), pick(action[0], action[1]), c.Code))
	}
	return c.String()
}
