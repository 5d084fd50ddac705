// Package plan reads and writes the department's plan file: a small,
// commented, Vietnamese-first YAML document listing the units that report,
// the obligations they report on and how the bot reminds them.
//
// Parse validates everything and reports every problem with its line number
// and field path, in Vietnamese and English, because the file is edited by
// office staff rather than programmers. See examples/plan.yaml.
package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	// The host may lack a zoneinfo database (scratch containers); the plan
	// must still accept "Asia/Ho_Chi_Minh".
	_ "time/tzdata"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/reportbot/reportbot/reminders"
)

// Limits on what Parse accepts. A plan of a provincial department has tens
// of units and obligations; the limits only stop abuse.
const (
	// MaxSize is the largest plan file accepted, in bytes.
	MaxSize = 1 << 20
	// MaxEntries bounds units + obligations + calendar days together.
	MaxEntries = 20000
	// maxText bounds any one text field, in characters: titles end up in
	// Telegram messages, which hold 4096.
	maxText = 1000
	// maxCount bounds the overdue day counts.
	maxCount = 365
)

// Defaults applied when the plan leaves a field out.
const (
	DefaultTimezone      = "Asia/Ho_Chi_Minh"
	DefaultChatLanguage  = "vi"
	DefaultOverdueEvery  = 2
	DefaultEscalateAfter = 5
)

// Default clock times: reminders land at the start of the working day and
// reports are due at its end.
var (
	DefaultWorkingHour = ClockTime{Hour: 8}
	DefaultDueTime     = ClockTime{Hour: 17}
)

// ClockTime is a time of day in the plan's zone.
type ClockTime struct {
	Hour, Minute int
}

// String returns "HH:MM".
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Plan is a validated plan file with every default resolved.
type Plan struct {
	Department string
	// Timezone is the IANA name as written; Location is it loaded.
	Timezone string
	Location *time.Location
	// WorkingHour is when day-offset reminders are delivered.
	WorkingHour ClockTime
	// DueTime is the default deadline time of day.
	DueTime ClockTime
	// Reminders are the default offsets before each deadline.
	Reminders []reminders.Offset
	// OverdueEvery is the number of working days between overdue notices
	// to a unit's head; EscalateAfter the working days late before the
	// Director is told. 0 turns either off.
	OverdueEvery, EscalateAfter int
	// WeeklyDigest, Summary and NameLateUnits are the announcement
	// defaults each obligation inherits.
	WeeklyDigest, Summary, NameLateUnits bool
	// ChatLanguage is the language the bot writes in to the Office chat
	// and the announcement group: "vi" (default) or "en". People always
	// hear the bot in their own language.
	ChatLanguage string
	// Approval names who approves extensions when it is not the Office:
	// "director" (every Director) or a member's "@username" (a deputy).
	Approval string
	// DaysOff and WorkingDays are the year's announced changes to the
	// working calendar (extra days off, make-up working Saturdays).
	DaysOff, WorkingDays []CalendarDay
	Units                []Unit
	Obligations          []Obligation
}

// Unit is a division or attached unit that must report.
type Unit struct {
	// Code is upper-case letters, digits, '-' and '_'; unique ignoring case.
	Code   string
	Name   string
	NameEN string
	// Line is where the unit starts in the file, for messages; it is not
	// part of the plan's meaning.
	Line int
}

// Obligation is a recurring (or one-off) report the units owe.
type Obligation struct {
	Code    string
	Title   string
	TitleEN string
	// Basis is the legal basis, e.g. the plan number and date.
	Basis string
	// Letter is the official letter of an ad-hoc request, a path under the
	// data folder ("letters/…pdf"); empty for planned obligations.
	Letter string
	// ReportTo names, "; " between them, who receives the department's own
	// report built from this one (UBND tỉnh; Ban Dân vận Tỉnh ủy), due
	// ReportAfter working days after the units' deadline.
	ReportTo    string
	ReportAfter int
	// Template is a workbook template (biểu mẫu) the units fill in, a path
	// under the data folder ("templates/…xlsx").
	Template string
	Rule     reminders.Rule
	Cover    reminders.Cover
	// DueHour and DueMinute are resolved: the rule's own time, else the
	// obligation's due_time, else the plan's.
	DueHour, DueMinute int
	// Units are the codes of the units that owe it, "all" expanded in
	// plan order. Obligations with "all" share one backing array; treat
	// it as read-only.
	Units     []string
	Reminders []reminders.Offset
	// FixedDeadline keeps the deadline on its date even when that is a
	// day off; otherwise the calendar moves it to the next working day.
	FixedDeadline bool
	// Announce (in the weekly digest), Summary and NameLateUnits are
	// resolved with the plan's defaults.
	Announce, Summary, NameLateUnits bool
	Line                             int
}

// CalendarDay is one announced change to the working calendar.
type CalendarDay struct {
	// Date is midnight of the civil date in the plan's zone.
	Date   time.Time
	Name   string
	NameEN string
	Line   int
}

// Known field names at each level, in the order Marshal writes them; the
// order also makes spelling suggestions deterministic.
var (
	topFields        = []string{"department", "timezone", "chat_language", "approval", "working_hour", "due_time", "reminders", "overdue", "announcements", "calendar", "units", "obligations"}
	overdueFields    = []string{"repeat_every", "escalate_after"}
	announceFields   = []string{"weekly_digest", "summary", "name_late_units"}
	calendarFields   = []string{"days_off", "working_days"}
	dayFields        = []string{"date", "name", "name_en"}
	unitFields       = []string{"code", "name", "name_en"}
	obligationFields = []string{"code", "title", "title_en", "basis", "letter", "template", "report_to", "report_after", "recurrence", "covers", "due_time", "units", "reminders", "fixed_deadline", "announce", "summary", "name_late_units"}
)

// Parse reads and validates a plan file. On failure it returns nil and a
// *Errors holding every problem found (up to a hundred).
func Parse(data []byte) (*Plan, error) {
	d := &decoder{}
	p := d.parse(data)
	if errs := d.ps.result(); errs != nil {
		return nil, errs
	}
	return p, nil
}

// decoder walks the yaml.Node tree, so every problem knows its line.
type decoder struct {
	ps problems
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (d *decoder) parse(data []byte) *Plan {
	if len(data) > MaxSize {
		d.ps.add(0, "", "tệp kế hoạch quá lớn (%d byte); tối đa 1 MiB", "the plan file is too large (%d bytes); the limit is 1 MiB", len(data))
		return nil
	}
	if !utf8.Valid(data) {
		d.ps.add(0, "", "tệp kế hoạch phải lưu bằng mã UTF-8", "the plan file must be saved as UTF-8")
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		d.ps.add(line, "", "tệp không đúng cú pháp YAML (kiểm tra thụt lề bằng dấu cách, không dùng Tab; dấu hai chấm; dấu ngoặc kép): %v",
			"the file is not valid YAML (check indentation uses spaces, not tabs; colons; quotes): %v", err)
		return nil
	}
	if len(doc.Content) == 0 {
		d.ps.add(0, "", "tệp kế hoạch trống", "the plan file is empty")
		return nil
	}
	root := doc.Content[0]
	if !d.plainTree(root) || !d.withinLimits(root) {
		return nil
	}
	return d.plan(root)
}

// plainTree refuses anchors and aliases. Plans do not need them, and
// following aliases lets a small file expand into a huge tree.
func (d *decoder) plainTree(root *yaml.Node) bool {
	ok := true
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			d.ps.add(n.Line, "", "không dùng anchor/alias (&, *) trong tệp kế hoạch; hãy viết đầy đủ",
				"anchors and aliases (&, *) are not allowed in the plan; write the values out")
			ok = false
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	return ok
}

// withinLimits counts the entries before any work proportional to them.
func (d *decoder) withinLimits(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		return true // plan() reports the shape problem
	}
	n := 0
	for i := 0; i+1 < len(root.Content); i += 2 {
		v := root.Content[i+1]
		switch root.Content[i].Value {
		case "units", "obligations":
			n += len(v.Content)
		case "calendar":
			for _, c := range v.Content {
				n += len(c.Content)
			}
		}
	}
	if n > MaxEntries {
		d.ps.add(0, "", "tệp kế hoạch có quá nhiều mục (%d đơn vị, nhiệm vụ và ngày lịch); tối đa %d",
			"the plan has too many entries (%d units, obligations and calendar days); the limit is %d", n, MaxEntries)
		return false
	}
	return true
}

func (d *decoder) plan(root *yaml.Node) *Plan {
	top := d.mapping(root, "", topFields)
	if top == nil {
		return nil
	}
	p := &Plan{
		Timezone:      DefaultTimezone,
		ChatLanguage:  DefaultChatLanguage,
		WorkingHour:   DefaultWorkingHour,
		DueTime:       DefaultDueTime,
		Reminders:     cloneOffsets(reminders.DefaultOffsets),
		OverdueEvery:  DefaultOverdueEvery,
		EscalateAfter: DefaultEscalateAfter,
		WeeklyDigest:  true,
		Summary:       true,
		NameLateUnits: true,
	}
	p.Department = d.requiredText(top, root, "", "department")
	if n := top["timezone"]; n != nil {
		if s := d.text(n, "timezone"); s != "" {
			p.Timezone = s
		}
	}
	loc, err := loadLocation(p.Timezone)
	if err != nil {
		d.ps.add(lineOf(top["timezone"], root), "timezone", "múi giờ %q không hợp lệ; dùng tên IANA, ví dụ Asia/Ho_Chi_Minh",
			"the time zone %q is not valid; use an IANA name such as Asia/Ho_Chi_Minh", p.Timezone)
		loc = time.UTC // keep going so date problems are still reported
	}
	p.Location = loc
	if n := top["chat_language"]; n != nil {
		p.ChatLanguage = d.language(n, "chat_language", p.ChatLanguage)
	}
	if n := top["approval"]; n != nil {
		if p.Approval = d.text(n, "approval"); p.Approval != "" && p.Approval != "director" && !strings.HasPrefix(p.Approval, "@") {
			d.ps.add(n.Line, "approval", "approval phải là director hoặc @tên_người_dùng của người duyệt", "approval must be director or the approver's @username")
		}
	}
	if n := top["working_hour"]; n != nil {
		p.WorkingHour = d.clock(n, "working_hour", p.WorkingHour)
	}
	if n := top["due_time"]; n != nil {
		p.DueTime = d.clock(n, "due_time", p.DueTime)
	}
	if n := top["reminders"]; n != nil {
		p.Reminders = d.offsets(n, "reminders")
	}
	if n := top["overdue"]; n != nil {
		if m := d.mapping(n, "overdue", overdueFields); m != nil {
			p.OverdueEvery = d.count(m["repeat_every"], "overdue.repeat_every", p.OverdueEvery)
			p.EscalateAfter = d.count(m["escalate_after"], "overdue.escalate_after", p.EscalateAfter)
		}
	}
	if n := top["announcements"]; n != nil {
		if m := d.mapping(n, "announcements", announceFields); m != nil {
			p.WeeklyDigest = d.boolean(m["weekly_digest"], "announcements.weekly_digest", p.WeeklyDigest)
			p.Summary = d.boolean(m["summary"], "announcements.summary", p.Summary)
			p.NameLateUnits = d.boolean(m["name_late_units"], "announcements.name_late_units", p.NameLateUnits)
		}
	}
	if n := top["calendar"]; n != nil {
		if m := d.mapping(n, "calendar", calendarFields); m != nil {
			seen := map[time.Time]int{}
			p.DaysOff = d.days(m["days_off"], "calendar.days_off", loc, seen)
			p.WorkingDays = d.days(m["working_days"], "calendar.working_days", loc, seen)
		}
	}
	p.Units = d.units(top["units"], root)
	p.Obligations = d.obligations(top["obligations"], root, p)
	return p
}

// locations caches loaded zones: loading reads tzdata, and sharing one
// *time.Location lets equal plans compare equal.
var locations sync.Map // string → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		// "Local" would silently mean the server's zone.
		return nil, fmt.Errorf("time zone %q is not allowed", name)
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

// entries checks that a required top-level list is there, is a list and
// is not empty, reporting what is wrong; ok is false when it is unusable.
func (d *decoder) entries(n, root *yaml.Node, field, whatVI, whatEN string) bool {
	switch {
	case n == nil || isNull(n):
		d.ps.add(root.Line, field, "thiếu danh sách %[1]s (%[3]s)", "the list of %[2]s (%[3]s) is missing", whatVI, whatEN, field)
	case n.Kind != yaml.SequenceNode:
		d.ps.add(n.Line, field, "%[3]s phải là danh sách, mỗi mục bắt đầu bằng \"- code:\"", "%[3]s must be a list, each item starting with \"- code:\"", whatVI, whatEN, field)
	case len(n.Content) == 0:
		d.ps.add(n.Line, field, "danh sách %[1]s trống", "the list of %[2]s is empty", whatVI, whatEN, field)
	default:
		return true
	}
	return false
}

func (d *decoder) units(n, root *yaml.Node) []Unit {
	if !d.entries(n, root, "units", "đơn vị", "units") {
		return nil
	}
	out := make([]Unit, 0, len(n.Content))
	seen := map[string]int{}
	for i, item := range n.Content {
		path := fmt.Sprintf("units[%d]", i)
		m := d.mapping(item, path, unitFields)
		if m == nil {
			continue
		}
		u := Unit{Line: item.Line}
		u.Code = d.code(m["code"], item, path+".code", "đơn vị", "unit", seen)
		u.Name = d.requiredText(m, item, path, "name")
		u.NameEN = d.text(m["name_en"], path+".name_en")
		out = append(out, u)
	}
	return out
}

func (d *decoder) obligations(n, root *yaml.Node, p *Plan) []Obligation {
	if !d.entries(n, root, "obligations", "nhiệm vụ báo cáo", "obligations") {
		return nil
	}
	all := make([]string, len(p.Units))
	known := make(map[string]bool, len(p.Units))
	for i, u := range p.Units {
		all[i] = u.Code
		known[u.Code] = true
	}
	out := make([]Obligation, 0, len(n.Content))
	seen := map[string]int{}
	for i, item := range n.Content {
		path := fmt.Sprintf("obligations[%d]", i)
		m := d.mapping(item, path, obligationFields)
		if m == nil {
			continue
		}
		o := Obligation{Line: item.Line}
		o.Code = d.code(m["code"], item, path+".code", "nhiệm vụ", "obligation", seen)
		o.Title = d.requiredText(m, item, path, "title")
		o.TitleEN = d.text(m["title_en"], path+".title_en")
		o.Basis = d.text(m["basis"], path+".basis")
		o.Letter = d.dataFile(m["letter"], path+".letter", "letters/")
		o.Template = d.dataFile(m["template"], path+".template", "templates/")

		o.ReportTo = d.text(m["report_to"], path+".report_to")
		o.ReportAfter = d.count(m["report_after"], path+".report_after", defaultReportAfter)

		ruleOK := false
		if s := d.requiredText(m, item, path, "recurrence"); s != "" {
			r, err := reminders.ParseRule(s)
			if err != nil {
				d.ruleProblem(m["recurrence"], path+".recurrence", err)
			} else {
				o.Rule, ruleOK = r, true
			}
		}
		if ruleOK {
			o.Cover = reminders.DefaultCover(o.Rule.Kind)
		}
		if c := m["covers"]; c != nil {
			if s := d.text(c, path+".covers"); s != "" {
				cv, err := reminders.ParseCover(s)
				switch {
				case err != nil:
					d.ruleProblem(c, path+".covers", err)
				case ruleOK:
					if err := o.Rule.CheckCover(cv); err != nil {
						d.ruleProblem(c, path+".covers", err)
					}
					o.Cover = cv
				}
			}
		}

		due := p.DueTime
		if ruleOK {
			due = defaultDue(o.Rule, p.DueTime)
		}
		if c := m["due_time"]; c != nil {
			due = d.clock(c, path+".due_time", due)
			if ruleOK && o.Rule.HasTime && (due.Hour != o.Rule.Hour || due.Minute != o.Rule.Minute) {
				d.ps.add(c.Line, path+".due_time", "due_time %s khác giờ %02d:%02d ghi trong recurrence; chỉ ghi một chỗ",
					"due_time %s differs from the time %02d:%02d in the recurrence; give it in one place only",
					due, o.Rule.Hour, o.Rule.Minute)
			}
		}
		if ruleOK && o.Rule.HasTime {
			due = ClockTime{o.Rule.Hour, o.Rule.Minute}
		}
		o.DueHour, o.DueMinute = due.Hour, due.Minute

		o.Units = d.obligationUnits(m["units"], item, path, all, known)
		o.Reminders = cloneOffsets(p.Reminders)
		if c := m["reminders"]; c != nil {
			o.Reminders = d.offsets(c, path+".reminders")
		}
		o.FixedDeadline = d.boolean(m["fixed_deadline"], path+".fixed_deadline", false)
		o.Announce = d.boolean(m["announce"], path+".announce", p.WeeklyDigest)
		o.Summary = d.boolean(m["summary"], path+".summary", p.Summary)
		o.NameLateUnits = d.boolean(m["name_late_units"], path+".name_late_units", p.NameLateUnits)
		out = append(out, o)
	}
	return out
}

// endOfDay is the clock of a worded deadline with no closing time of its own.
var endOfDay = ClockTime{reminders.EndOfDayHour, reminders.EndOfDayMinute}

// defaultDue is an obligation's deadline clock when it sets none: a worded
// deadline ("before 10/06", "by 10/06") ends with its last day, as the Civil
// Code counts time limits (art. 148(6)); the plan's due_time is for the
// plain form, whose time of day the plan has always set.
func defaultDue(r reminders.Rule, planDue ClockTime) ClockTime {
	if r.Wording != reminders.WordingNone {
		return endOfDay
	}
	return planDue
}

// dataFile reads a path to a file under a folder of the data folder
// ("letters/…", "templates/…"), refusing anything that leaves it.
func (d *decoder) dataFile(n *yaml.Node, path, folder string) string {
	s := d.text(n, path)
	if s != "" && (!strings.HasPrefix(s, folder) || strings.Contains(s, "..")) {
		d.ps.add(n.Line, path, "%s phải là một tệp trong thư mục %s của dữ liệu", "%s must be a file in the data folder's %s", path, folder)
		return ""
	}
	return s
}

// defaultReportAfter is how many working days the Office has, after the
// units' deadline, to send the department's report upward.
const defaultReportAfter = 5

// obligationUnits resolves "units: all" or a list of codes.
func (d *decoder) obligationUnits(n, item *yaml.Node, path string, all []string, known map[string]bool) []string {
	path += ".units"
	if n == nil || isNull(n) {
		d.ps.add(item.Line, path, "thiếu units: ghi \"all\" hoặc danh sách mã đơn vị", "units is missing: write \"all\" or a list of unit codes")
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		switch normalize(n.Value) {
		case "all", "tất cả", "tat ca":
			return all[:len(all):len(all)] // shared, and append must copy
		}
		d.ps.add(n.Line, path, "units phải là \"all\" hoặc danh sách mã đơn vị, ví dụ [VP, TTRA]", "units must be \"all\" or a list of unit codes, e.g. [VP, TTRA]")
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n.Line, path, "units phải là \"all\" hoặc danh sách mã đơn vị, ví dụ [VP, TTRA]", "units must be \"all\" or a list of unit codes, e.g. [VP, TTRA]")
		return nil
	}
	if len(n.Content) == 0 {
		d.ps.add(n.Line, path, "danh sách đơn vị trống; ghi \"all\" hoặc ít nhất một mã", "the unit list is empty; write \"all\" or at least one code")
		return nil
	}
	out := make([]string, 0, len(n.Content))
	seen := map[string]bool{}
	for j, c := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, j)
		code := strings.ToUpper(d.text(c, ipath))
		switch {
		case code == "":
			d.ps.add(c.Line, ipath, "mã đơn vị trống", "empty unit code")
		case !known[code]:
			hint, hintEN := "", ""
			if !d.ps.full() {
				if s := suggest(code, all); s != "" {
					hint, hintEN = fmt.Sprintf(" — có phải '%s'?", s), fmt.Sprintf(" — did you mean '%s'?", s)
				}
			}
			d.ps.add(c.Line, ipath, "không có đơn vị mã '%[1]s' trong units%[2]s", "there is no unit with code '%[1]s' in units%[3]s", code, hint, hintEN)
		case seen[code]:
			d.ps.add(c.Line, ipath, "đơn vị '%s' bị ghi hai lần", "unit '%s' is listed twice", code)
		default:
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}
