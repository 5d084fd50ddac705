package plan

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/reportbot/reportbot/reminders"
)

// base is a small valid plan; tests edit single lines of it, so the line
// numbers in their expectations refer to this layout.
const base = `department: Sở Nội vụ tỉnh Quảng Ngãi
units:
  - code: VP
    name: Văn phòng Sở
  - code: TTRA
    name: Thanh tra Sở
obligations:
  - code: BC6T
    title: Báo cáo 6 tháng đầu năm
    recurrence: yearly 10/06
    covers: first-half
    units: all
`

func mustParse(t *testing.T, data string) *Plan {
	t.Helper()
	p, err := Parse([]byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func readExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../examples/plan.yaml")
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	return data
}

// withoutLines copies p with every Line zeroed: line numbers locate text in
// a file and are not part of what the plan means.
func withoutLines(p *Plan) Plan {
	q := *p
	q.Units = append([]Unit(nil), p.Units...)
	for i := range q.Units {
		q.Units[i].Line = 0
	}
	q.Obligations = append([]Obligation(nil), p.Obligations...)
	for i := range q.Obligations {
		q.Obligations[i].Line = 0
	}
	q.DaysOff = append([]CalendarDay{}, p.DaysOff...)
	q.WorkingDays = append([]CalendarDay{}, p.WorkingDays...)
	for _, days := range [][]CalendarDay{q.DaysOff, q.WorkingDays} {
		for i := range days {
			days[i].Line = 0
		}
	}
	return q
}

func TestParseExample(t *testing.T) {
	p := mustParse(t, string(readExample(t)))
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")

	if got, want := p.Department, "Sở Nội vụ tỉnh Quảng Ngãi"; got != want {
		t.Errorf("Department = %q, want %q", got, want)
	}
	if got, want := p.Location.String(), "Asia/Ho_Chi_Minh"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	var codes []string
	for _, u := range p.Units {
		codes = append(codes, u.Code)
	}
	if got, want := strings.Join(codes, ","), "VP,TTRA,TCBC,XDCQ,CCHC,CCVC,BTDKT,BTG,CCVTLT"; got != want {
		t.Errorf("unit codes = %s, want %s", got, want)
	}
	if got, want := p.Units[0].Name, "Văn phòng Sở"; got != want {
		t.Errorf("Units[0].Name = %q, want %q", got, want)
	}

	// The seed's obligations, worded as it words them ("trước ngày 10/6").
	tests := []struct {
		code, rule string
		cover      reminders.Cover
		reminders  string
		summary    bool
		units      int
		due        ClockTime
	}{
		{"BC6T", "yearly before 10/06", reminders.CoverFirstHalf, "7d 3d 1d 0d", true, 9, ClockTime{23, 59}},
		{"BCNAM", "yearly before 10/11", reminders.CoverYear, "7d 3d 1d 0d", true, 9, ClockTime{23, 59}},
		{"KHCT", "once by 31/03/2027", reminders.CoverOnce, "14d 7d 3d 1d 0d", true, 9, ClockTime{23, 59}},
		{"BCSO6T", "yearly by 30/06", reminders.CoverFirstHalf, "7d 3d 1d 0d", false, 1, ClockTime{23, 59}},
		{"BCSONAM", "yearly by 30/11", reminders.CoverYear, "7d 3d 1d 0d", false, 1, ClockTime{23, 59}},
	}
	if got, want := len(p.Obligations), len(tests); got != want {
		t.Fatalf("%d obligations, want %d", got, want)
	}
	for i, tt := range tests {
		o := p.Obligations[i]
		var offs []string
		for _, r := range o.Reminders {
			offs = append(offs, r.String())
		}
		if o.Code != tt.code || o.Rule.String() != tt.rule || o.Cover != tt.cover || strings.Join(offs, " ") != tt.reminders || o.Summary != tt.summary {
			t.Errorf("obligation %d = %s %q %s [%s] summary=%v; want %s %q %s [%s] summary=%v",
				i, o.Code, o.Rule, o.Cover, strings.Join(offs, " "), o.Summary, tt.code, tt.rule, tt.cover, tt.reminders, tt.summary)
		}
		if got := len(o.Units); got != tt.units {
			t.Errorf("%s: %d units, want %d", o.Code, got, tt.units)
		}
		if (ClockTime{o.DueHour, o.DueMinute}) != tt.due {
			t.Errorf("%s: due %02d:%02d, want %s", o.Code, o.DueHour, o.DueMinute, tt.due)
		}
		if !strings.Contains(o.Basis, "III.") {
			t.Errorf("%s: basis %q does not name the plan's section", o.Code, o.Basis)
		}
	}

	// "trước ngày 10/6": the 2026 first-half report's last day is 09/06,
	// ending at 24:00.
	o := p.Obligations[0]
	periods := o.Rule.Periods(o.Cover, p.Location, o.DueHour, o.DueMinute,
		time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2027, 1, 1, 0, 0, 0, 0, loc))
	if len(periods) != 1 || periods[0].Key != "2026-H1" || !periods[0].Due.Equal(time.Date(2026, 6, 9, 23, 59, 0, 0, loc)) {
		t.Errorf("BC6T periods in 2026 = %+v, want 2026-H1 due 09/06/2026 23:59", periods)
	}

	// No made-up calendar days: the embedded announcements are used.
	if overrides := p.Overrides(); len(overrides) != 0 {
		t.Errorf("Overrides() = %+v, want none", overrides)
	}
	// Nothing the seed does not ask for: no quarterly Party-cell review.
	for _, o := range p.Obligations {
		if o.Rule.Kind == reminders.Quarterly {
			t.Errorf("%s: the example plan still has the Party cell's quarterly review", o.Code)
		}
	}
}

func TestDefaults(t *testing.T) {
	p := mustParse(t, base)
	if got, want := p.Timezone, DefaultTimezone; got != want {
		t.Errorf("Timezone = %q, want %q", got, want)
	}
	if p.WorkingHour != (ClockTime{8, 0}) || p.DueTime != (ClockTime{17, 0}) {
		t.Errorf("WorkingHour, DueTime = %v, %v; want 08:00, 17:00", p.WorkingHour, p.DueTime)
	}
	if !reflect.DeepEqual(p.Reminders, reminders.DefaultOffsets) {
		t.Errorf("Reminders = %v, want %v", p.Reminders, reminders.DefaultOffsets)
	}
	if p.OverdueEvery != 2 || p.EscalateAfter != 5 {
		t.Errorf("overdue = %d, %d; want 2, 5", p.OverdueEvery, p.EscalateAfter)
	}
	if !p.WeeklyDigest || !p.Summary || !p.NameLateUnits {
		t.Errorf("announcements = %v %v %v, want all true", p.WeeklyDigest, p.Summary, p.NameLateUnits)
	}
	o := p.Obligations[0]
	if o.DueHour != 17 || o.DueMinute != 0 || o.FixedDeadline || !o.Announce || !o.Summary || !o.NameLateUnits {
		t.Errorf("obligation defaults = %+v", o)
	}
	if !reflect.DeepEqual(o.Reminders, reminders.DefaultOffsets) {
		t.Errorf("obligation Reminders = %v, want %v", o.Reminders, reminders.DefaultOffsets)
	}

	// Plan-level settings flow into obligations; the rule's own time wins.
	src := strings.Replace(base, "department: Sở Nội vụ tỉnh Quảng Ngãi\n", `department: Sở Nội vụ tỉnh Quảng Ngãi
due_time: "16:30"
reminders: [2d, 2h]
announcements:
  weekly_digest: false
  summary: false
  name_late_units: false
`, 1)
	src += `  - code: Q
    title: Quý
    recurrence: quarterly 25 09:00
    units: [ttra]
  - code: M
    title: Tháng
    recurrence: monthly 05
    due_time: "10:15"
    units: [Vp]
    summary: true
`
	p = mustParse(t, src)
	tests := []struct {
		code         string
		h, m         int
		cover        reminders.Cover
		units        string
		announce     bool
		summary      bool
		nameLate     bool
		reminderText string
	}{
		{"BC6T", 16, 30, reminders.CoverFirstHalf, "VP,TTRA", false, false, false, "2d,2h"},
		{"Q", 9, 0, reminders.CoverQuarter, "TTRA", false, false, false, "2d,2h"},
		{"M", 10, 15, reminders.CoverMonth, "VP", false, true, false, "2d,2h"},
	}
	for i, tt := range tests {
		o := p.Obligations[i]
		var offs []string
		for _, r := range o.Reminders {
			offs = append(offs, r.String())
		}
		got := fmt.Sprintf("%s %02d:%02d %s %s %v %v %v %s", o.Code, o.DueHour, o.DueMinute, o.Cover, strings.Join(o.Units, ","), o.Announce, o.Summary, o.NameLateUnits, strings.Join(offs, ","))
		want := fmt.Sprintf("%s %02d:%02d %s %s %v %v %v %s", tt.code, tt.h, tt.m, tt.cover, tt.units, tt.announce, tt.summary, tt.nameLate, tt.reminderText)
		if got != want {
			t.Errorf("obligation %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestUnitsAll(t *testing.T) {
	p := mustParse(t, strings.Replace(base, "units: all", "units: Tất cả", 1))
	if got, want := strings.Join(p.Obligations[0].Units, ","), "VP,TTRA"; got != want {
		t.Errorf("units: tất cả → %s, want %s", got, want)
	}
	// Appending to one obligation's expanded list must not leak into the
	// plan's other "all" lists, which share the array.
	src := base + "  - code: X\n    title: X\n    recurrence: monthly 01\n    units: all\n"
	p = mustParse(t, src)
	a := append(p.Obligations[0].Units, "EXTRA")
	if got, want := strings.Join(p.Obligations[1].Units, ","), "VP,TTRA"; got != want || len(a) != 3 {
		t.Errorf("after append, other list = %s, want %s", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	custom := `department: "Sở: thử nghiệm"
timezone: Asia/Bangkok
working_hour: "07:30"
due_time: "16:00"
reminders: []
overdue: {repeat_every: 0, escalate_after: 10}
announcements: {weekly_digest: false, summary: true, name_late_units: false}
calendar:
  days_off: [{date: 2/9/2026, name: Quốc khánh, name_en: National Day}]
units:
  - {code: a-1, name: "true"}
  - {code: B_2, name: "2026", name_en: "Unit #2"}
obligations:
  - code: o1
    title: "Báo cáo: tháng"
    recurrence: monthly last
    units: [B_2]
    reminders: [1d, 30m]
    fixed_deadline: yes
    announce: true
  - code: O2
    title: Báo cáo cuối năm trước
    recurrence: yearly 15/01
    covers: half
    due_time: "09:00"
    units: [B_2, A-1]
    summary: false
    name_late_units: true
`
	for name, src := range map[string]string{"example": string(readExample(t)), "custom": custom, "base": base} {
		t.Run(name, func(t *testing.T) {
			p := mustParse(t, src)
			out, err := p.Marshal()
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.HasPrefix(out, []byte("# ")) {
				t.Errorf("Marshal output does not start with a header comment:\n%s", out)
			}
			q, err := Parse(out)
			if err != nil {
				t.Fatalf("Parse(Marshal(p)): %v\n%s", err, out)
			}
			if got, want := withoutLines(q), withoutLines(p); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v\n%s", got, want, out)
			}
			again, err := q.Marshal()
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("Marshal is not stable:\n%s\n---\n%s", out, again)
			}
		})
	}
}

func TestNFDEqualsNFC(t *testing.T) {
	src := strings.Replace(base, "recurrence: yearly 10/06", "recurrence: hằng năm 10/06", 1)
	nfc := mustParse(t, norm.NFC.String(src))
	nfd := mustParse(t, norm.NFD.String(src))
	if norm.NFD.String(src) == norm.NFC.String(src) {
		t.Fatal("test input has no composed characters")
	}
	if got, want := withoutLines(nfd), withoutLines(nfc); !reflect.DeepEqual(got, want) {
		t.Errorf("NFD plan differs from NFC plan:\n got %+v\nwant %+v", got, want)
	}
	if got, want := nfd.Units[0].Name, "Văn phòng Sở"; got != want || !norm.NFC.IsNormalString(got) {
		t.Errorf("NFD name = %q, want NFC %q", got, want)
	}
}

// TestProblems edits one spot of base per case and expects a problem at a
// line and field whose messages contain the given fragments.
func TestProblems(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old with new in base; old "" appends new
		line     int
		field    string
		vi, en   string
	}{
		{"typo in a field", "    recurrence:", "    recurence:", 10, "obligations[0].recurence", "trường không hợp lệ 'recurence' — có phải 'recurrence'?", "did you mean 'recurrence'"},
		{"typo leaves the field missing", "    recurrence:", "    recurence:", 8, "obligations[0].recurrence", "bắt buộc", "required"},
		{"unknown top-level field", "obligations:", "obligation:", 7, "obligation", "có phải 'obligations'?", "did you mean"},
		{"impossible date", "yearly 10/06", "yearly 31/02", 10, "obligations[0].recurrence", "không tồn tại", "does not exist"},
		{"month 13", "yearly 10/06", "yearly 10/13", 10, "obligations[0].recurrence", "tháng 13", "month 13"},
		{"garbage recurrence", "yearly 10/06", "whenever", 10, "obligations[0].recurrence", "không hiểu", "cannot understand"},
		{"empty recurrence", "recurrence: yearly 10/06", "recurrence: \"\"", 10, "obligations[0].recurrence", "để trống", "empty"},
		{"bad cover", "covers: first-half", "covers: fortnight", 11, "obligations[0].covers", "kỳ báo cáo", "period"},
		{"cover too coarse", "yearly 10/06", "quarterly 25", 11, "obligations[0].covers", "trùng kỳ", "share a period"},
		{"unknown unit", "units: all", "units: [VP, VPP]", 12, "obligations[0].units[1]", "'VPP' trong units — có phải 'VP'?", "did you mean 'VP'"},
		{"unit listed twice", "units: all", "units: [VP, vp]", 12, "obligations[0].units[1]", "hai lần", "twice"},
		{"empty unit list", "units: all", "units: []", 12, "obligations[0].units", "trống", "empty"},
		{"units neither all nor list", "units: all", "units: some", 12, "obligations[0].units", "\"all\"", "\"all\""},
		{"missing units", "    units: all\n", "", 8, "obligations[0].units", "thiếu units", "missing"},
		{"duplicate unit code", "  - code: TTRA", "  - code: vp", 5, "units[1].code", "trùng", "duplicate"},
		{"bad unit code", "  - code: TTRA", "  - code: Thanh tra", 5, "units[1].code", "không hợp lệ", "not valid"},
		{"missing unit name", "    name: Thanh tra Sở\n", "", 5, "units[1].name", "bắt buộc", "required"},
		{"duplicate obligation code", "", "  - code: bc6t\n    title: X\n    recurrence: monthly 01\n    units: all\n", 13, "obligations[1].code", "trùng", "duplicate"},
		{"missing title", "    title: Báo cáo 6 tháng đầu năm\n", "", 8, "obligations[0].title", "bắt buộc", "required"},
		{"missing department", "department: Sở Nội vụ tỉnh Quảng Ngãi\n", "", 1, "department", "bắt buộc", "required"},
		{"empty units", "units:\n  - code: VP\n    name: Văn phòng Sở\n  - code: TTRA\n    name: Thanh tra Sở\n", "units: []\n", 2, "units", "trống", "empty"},
		{"bad timezone", "units:\n", "timezone: Mars/Olympus\nunits:\n", 2, "timezone", "múi giờ", "time zone"},
		{"Local timezone", "units:\n", "timezone: Local\nunits:\n", 2, "timezone", "múi giờ", "time zone"},
		{"bad due time", "units:\n", "due_time: \"25:00\"\nunits:\n", 2, "due_time", "giờ", "time"},
		{"bad obligation due time", "    units: all", "    units: all\n    due_time: 5pm", 13, "obligations[0].due_time", "giờ", "time"},
		{"conflicting due time", "recurrence: yearly 10/06\n", "recurrence: yearly 10/06 16:00\n    due_time: \"17:00\"\n", 11, "obligations[0].due_time", "khác giờ", "differs"},
		{"bad offset", "units:\n", "reminders: [7d, 7x]\nunits:\n", 2, "reminders[1]", "mốc nhắc", "reminder"},
		{"duplicate offset", "units:\n", "reminders: [7d, 7d]\nunits:\n", 2, "reminders[1]", "hai lần", "twice"},
		{"reminders not a list", "units:\n", "reminders: 7d\nunits:\n", 2, "reminders", "danh sách", "list"},
		{"negative number", "units:\n", "overdue:\n  repeat_every: -1\nunits:\n", 3, "overdue.repeat_every", "không được âm", "negative"},
		{"not a number", "units:\n", "overdue:\n  escalate_after: five\nunits:\n", 3, "overdue.escalate_after", "số nguyên", "whole number"},
		{"bad boolean", "units:\n", "announcements:\n  summary: maybe\nunits:\n", 3, "announcements.summary", "true", "true or false"},
		{"bad calendar date", "units:\n", "calendar:\n  days_off: [{date: 31/02/2026, name: X}]\nunits:\n", 3, "calendar.days_off[0].date", "không hợp lệ", "not valid"},
		{"calendar date twice", "units:\n", "calendar:\n  days_off: [{date: 02/09/2026, name: X}]\n  working_days: [{date: 2/9/2026, name: Y}]\nunits:\n", 4, "calendar.working_days[0].date", "đã có ở dòng 3", "line 3"},
		{"calendar name missing", "units:\n", "calendar:\n  days_off: [{date: 02/09/2026}]\nunits:\n", 3, "calendar.days_off[0].name", "bắt buộc", "required"},
		{"field given twice", "    covers: first-half\n", "    covers: first-half\n    covers: year\n", 12, "obligations[0].covers", "hai lần", "twice"},
		{"list where text belongs", "    title: Báo cáo 6 tháng đầu năm", "    title: [a, b]", 9, "obligations[0].title", "giá trị đơn", "single value"},
		{"anchors refused", "    units: all", "    units: &u all", 12, "", "anchor", "anchors"},
		// yaml.v3 reports the line where the enclosing block's context starts.
		{"tab indentation", "    units: all", "\tunits: all", 11, "", "YAML", "YAML"},
		{"text too long", "    title: Báo cáo 6 tháng đầu năm", "    title: " + strings.Repeat("x", maxText+1), 9, "obligations[0].title", "quá dài", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := base + tt.new
			if tt.old != "" {
				if !strings.Contains(base, tt.old) {
					t.Fatalf("base has no %q", tt.old)
				}
				src = strings.Replace(base, tt.old, tt.new, 1)
			}
			p, err := Parse([]byte(src))
			if p != nil {
				t.Errorf("Parse returned a plan along with errors")
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want *Errors\n%s", err, src)
			}
			for _, pr := range *errs {
				if strings.Contains(pr.VI+pr.EN, "%!") {
					t.Errorf("badly formatted message: %+v", pr)
				}
			}
			for _, pr := range *errs {
				if pr.Line == tt.line && pr.Field == tt.field && strings.Contains(pr.VI, tt.vi) && strings.Contains(pr.EN, tt.en) {
					return
				}
			}
			t.Errorf("no problem at line %d, field %q with %q / %q; got:\n%s", tt.line, tt.field, tt.vi, tt.en, errs.Error())
		})
	}
}

func TestAllProblemsCollected(t *testing.T) {
	src := `department: ""
timezone: Nowhere/City
units:
  - code: VP
    name: Văn phòng Sở
  - code: vp
    name: Trùng
obligations:
  - code: A
    title: A
    recurrence: yearly 31/02
    units: [XX]
  - code: B
    recurence: monthly 01
    units: all
`
	_, err := Parse([]byte(src))
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse error = %v, want *Errors", err)
	}
	wantLines := []int{1, 2, 6, 11, 12, 13, 13, 14} // B lacks title and recurrence
	var gotLines []int
	for _, p := range *errs {
		gotLines = append(gotLines, p.Line)
	}
	if got, want := fmt.Sprint(gotLines), fmt.Sprint(wantLines); got != want {
		t.Errorf("problem lines = %s, want %s (sorted, one per problem):\n%s", got, want, errs.Error())
	}

	vi, en := errs.Format("vi"), errs.Format("en")
	if !strings.Contains(vi, "dòng 11, obligations[0].recurrence: ngày 31/02 không tồn tại") {
		t.Errorf("Format(vi) = %s", vi)
	}
	if !strings.Contains(en, "line 11, obligations[0].recurrence: the date 31/02 does not exist") {
		t.Errorf("Format(en) = %s", en)
	}
	if got := errs.Error(); !strings.Contains(got, "dòng 11, obligations[0].recurrence: ngày 31/02 không tồn tại / the date 31/02 does not exist") {
		t.Errorf("Error() = %s", got)
	}
}

func TestSizeLimits(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"too large", bytes.Repeat([]byte("# x\n"), MaxSize/4+1), "1 MiB"},
		{"too many units", func() []byte {
			var b bytes.Buffer
			b.WriteString("department: X\nobligations: []\nunits:\n")
			for i := 0; i <= MaxEntries; i++ {
				fmt.Fprintf(&b, "  - {code: U%d, name: x}\n", i)
			}
			return b.Bytes()
		}(), "quá nhiều mục"},
		{"empty", nil, "trống"},
		{"not a mapping", []byte("- a\n- b\n"), "tên: giá trị"},
		{"not UTF-8", []byte("department: \xff\n"), "UTF-8"},
		{"plain text", []byte("just some text\n"), "tên: giá trị"},
		{"deep nesting", []byte("department: X\nunits: " + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "\nobligations: []\n"), "danh sách"},
		{"hundreds of problems", func() []byte {
			var b bytes.Buffer
			b.WriteString("department: X\nunits: [{code: VP, name: V}]\nobligations:\n")
			for i := range 500 {
				fmt.Fprintf(&b, "  - {code: O%d, title: t, recurrence: never, units: [NOPE]}\n", i)
			}
			return b.Bytes()
		}(), "lỗi khác"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.data)
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want *Errors", err)
			}
			if len(*errs) > maxProblems+1 {
				t.Errorf("%d problems reported, want at most %d", len(*errs), maxProblems+1)
			}
			if !strings.Contains(errs.Error(), tt.want) {
				t.Errorf("error = %.500s, want it to mention %q", errs.Error(), tt.want)
			}
		})
	}
}
