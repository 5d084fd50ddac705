package plan

import (
	"bytes"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/reportbot/reportbot/reminders"
)

// header opens every exported plan, so whoever opens the file knows what it
// is and how to check an edit.
const header = `Kế hoạch nhắc hạn báo cáo của reportbot (xuất tự động, có thể sửa tay).
Reportbot plan file (exported; safe to edit by hand).
Ngày viết DD/MM/YYYY, giờ viết "HH:MM"; mốc nhắc: 7d = 7 ngày trước (gửi lúc working_hour), 2h = 2 giờ trước hạn.
Dòng bắt đầu bằng # là ghi chú; thụt lề bằng dấu cách, không dùng Tab.`

// Marshal writes the plan back as YAML with a header comment. Fields equal
// to their defaults are left out of obligations, so the output stays as
// short as a hand-written plan; Parse(Marshal(p)) gives p back (line
// numbers aside).
func (p *Plan) Marshal() ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key, comment string, v *yaml.Node) {
		k := str(key)
		k.HeadComment = comment
		root.Content = append(root.Content, k, v)
	}
	add("department", header+"\n\n# Tên cơ quan", str(p.Department))
	add("timezone", "", str(p.Timezone))
	add("chat_language", "# Ngôn ngữ bot dùng trong nhóm Văn phòng Sở và nhóm thông báo chung: vi hoặc en", str(orDefault(p.ChatLanguage, DefaultChatLanguage)))
	if p.Approval != "" {
		add("approval", "# Người duyệt gia hạn: director (Giám đốc Sở) hoặc @tên_người_dùng của Phó Giám đốc được giao", str(p.Approval))
	}
	add("working_hour", "# Giờ gửi nhắc nhở theo ngày", quoted(p.WorkingHour.String()))
	add("due_time", "# Giờ hạn mặc định", quoted(p.DueTime.String()))
	add("reminders", "# Mốc nhắc mặc định trước hạn", offsetList(p.Reminders))
	add("overdue", "# Trễ hạn: số ngày làm việc giữa hai lần nhắc, và trước khi báo Giám đốc Sở (0 = tắt)", mapNode(
		"repeat_every", integer(p.OverdueEvery),
		"escalate_after", integer(p.EscalateAfter)))
	add("announcements", "# Thông báo chung", mapNode(
		"weekly_digest", boolean(p.WeeklyDigest),
		"summary", boolean(p.Summary),
		"name_late_units", boolean(p.NameLateUnits)))
	add("calendar", "# Ngày nghỉ và ngày làm bù Chính phủ công bố", mapNode(
		"days_off", dayList(p.DaysOff),
		"working_days", dayList(p.WorkingDays)))

	units := &yaml.Node{Kind: yaml.SequenceNode}
	all := make([]string, len(p.Units))
	for i, u := range p.Units {
		all[i] = u.Code
		m := mapNode("code", str(u.Code), "name", str(u.Name))
		if u.NameEN != "" {
			m.Content = append(m.Content, str("name_en"), str(u.NameEN))
		}
		units.Content = append(units.Content, m)
	}
	add("units", "# Các phòng, đơn vị phải báo cáo", units)

	obs := &yaml.Node{Kind: yaml.SequenceNode}
	for _, o := range p.Obligations {
		obs.Content = append(obs.Content, p.obligationNode(o, all))
	}
	add("obligations", "# Các nhiệm vụ báo cáo", obs)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return buf.Bytes(), nil
}

// obligationNode writes one obligation, leaving out what equals the default.
func (p *Plan) obligationNode(o Obligation, all []string) *yaml.Node {
	m := mapNode("code", str(o.Code), "title", str(o.Title))
	opt := func(key string, v *yaml.Node) { m.Content = append(m.Content, str(key), v) }
	if o.TitleEN != "" {
		opt("title_en", str(o.TitleEN))
	}
	if o.Basis != "" {
		opt("basis", str(o.Basis))
	}
	if o.Letter != "" {
		opt("letter", str(o.Letter))
	}
	if o.Template != "" {
		opt("template", str(o.Template))
	}
	if o.ReportTo != "" {
		opt("report_to", str(o.ReportTo))
		if o.ReportAfter != defaultReportAfter {
			opt("report_after", integer(o.ReportAfter))
		}
	}
	opt("recurrence", str(o.Rule.String()))
	if o.Cover != reminders.DefaultCover(o.Rule.Kind) {
		opt("covers", str(string(o.Cover)))
	}
	if due := (ClockTime{o.DueHour, o.DueMinute}); !o.Rule.HasTime && due != defaultDue(o.Rule, p.DueTime) {
		opt("due_time", quoted(due.String()))
	}
	if sameCodes(o.Units, all) {
		opt("units", str("all"))
	} else {
		list := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, c := range o.Units {
			list.Content = append(list.Content, str(c))
		}
		opt("units", list)
	}
	if !sameOffsets(o.Reminders, p.Reminders) {
		opt("reminders", offsetList(o.Reminders))
	}
	if o.FixedDeadline {
		opt("fixed_deadline", boolean(true))
	}
	if o.Announce != p.WeeklyDigest {
		opt("announce", boolean(o.Announce))
	}
	if o.Summary != p.Summary {
		opt("summary", boolean(o.Summary))
	}
	if o.NameLateUnits != p.NameLateUnits {
		opt("name_late_units", boolean(o.NameLateUnits))
	}
	return m
}

func sameCodes(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) > 0 && &a[0] == &b[0] {
		return true // "all" shares its array
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameOffsets(a, b []reminders.Offset) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// str is a string scalar; the !!str tag makes the encoder quote values
// such as "true" or "2026" that would otherwise read back as other types.
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// quoted is a string that is always quoted, for clock times, which some
// YAML readers take for base-60 numbers.
func quoted(s string) *yaml.Node {
	n := str(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

func integer(v int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
}

func boolean(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

func mapNode(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

func offsetList(offs []reminders.Offset) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, o := range offs {
		n.Content = append(n.Content, str(o.String()))
	}
	return n
}

// dayList writes one {date, name} per line: short enough to scan as a
// table, which is how the Government's announcements read.
func dayList(days []CalendarDay) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	if len(days) == 0 {
		n.Style = yaml.FlowStyle // "[]"
	}
	for _, d := range days {
		m := mapNode("date", str(d.Date.Format("02/01/2006")), "name", str(d.Name))
		if d.NameEN != "" {
			m.Content = append(m.Content, str("name_en"), str(d.NameEN))
		}
		m.Style = yaml.FlowStyle
		n.Content = append(n.Content, m)
	}
	return n
}

// Overrides returns the plan's calendar changes for the working calendar:
// days off first, then make-up working days, each in file order.
func (p *Plan) Overrides() []reminders.Override {
	out := make([]reminders.Override, 0, len(p.DaysOff)+len(p.WorkingDays))
	for _, d := range p.DaysOff {
		out = append(out, reminders.Override{Date: d.Date, Off: true, NameVI: d.Name, NameEN: d.NameEN})
	}
	for _, d := range p.WorkingDays {
		out = append(out, reminders.Override{Date: d.Date, Off: false, NameVI: d.Name, NameEN: d.NameEN})
	}
	return out
}
