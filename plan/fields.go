package plan

// The decoder's field readers: one per kind of value the plan file holds
// (codes, dates, offsets, clock times, counts, languages, booleans, texts,
// mappings), each naming the line and field of what is wrong.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/reportbot/reportbot/reminders"
)

var codePattern = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)

// code validates a unit or obligation code: required, ASCII letters, digits,
// '-' and '_' (they are typed in Telegram commands), unique ignoring case.
func (d *decoder) code(n, item *yaml.Node, path, whatVI, whatEN string, seen map[string]int) string {
	if n == nil || isNull(n) || (n.Kind == yaml.ScalarNode && strings.TrimSpace(n.Value) == "") {
		d.ps.add(item.Line, path, "thiếu mã %[1]s (code)", "the %[2]s code (code) is missing", whatVI, whatEN)
		return ""
	}
	code := strings.ToUpper(d.text(n, path))
	if code == "" {
		return ""
	}
	if !codePattern.MatchString(code) || code == "ALL" {
		d.ps.add(n.Line, path, "mã %[1]s '%[3]s' không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, '-' và '_' (tối đa 32 ký tự), không dùng 'ALL'",
			"the %[2]s code '%[3]s' is not valid: use only letters A–Z, digits, '-' and '_' (at most 32), and not 'ALL'", whatVI, whatEN, code)
		return code
	}
	if first, dup := seen[code]; dup {
		d.ps.add(n.Line, path, "mã %[1]s '%[3]s' bị trùng (đã dùng ở dòng %[4]d; không phân biệt hoa thường)",
			"the %[2]s code '%[3]s' is a duplicate (already used on line %[4]d; case does not matter)", whatVI, whatEN, code, first)
		return code
	}
	seen[code] = n.Line
	return code
}

// days reads a list of {date, name, name_en} entries; seen catches a date
// given twice, even across days_off and working_days.
func (d *decoder) days(n *yaml.Node, path string, loc *time.Location, seen map[time.Time]int) []CalendarDay {
	if n == nil || isNull(n) {
		return []CalendarDay{}
	}
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n.Line, path, "%s phải là danh sách, ví dụ [{date: 16/02/2026, name: \"Nghỉ Tết\"}]",
			"%s must be a list, e.g. [{date: 16/02/2026, name: \"Tet holiday\"}]", path)
		return []CalendarDay{}
	}
	out := make([]CalendarDay, 0, len(n.Content))
	for i, item := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		m := d.mapping(item, ipath, dayFields)
		if m == nil {
			continue
		}
		cd := CalendarDay{Line: item.Line}
		if s := d.requiredText(m, item, ipath, "date"); s != "" {
			date, ok := parseDate(s, loc)
			switch {
			case !ok:
				d.ps.add(m["date"].Line, ipath+".date", "ngày %q không hợp lệ; viết DD/MM/YYYY, ví dụ 16/02/2026",
					"the date %q is not valid; write DD/MM/YYYY, e.g. 16/02/2026", s)
			case seen[date] != 0:
				d.ps.add(m["date"].Line, ipath+".date", "ngày %s đã có ở dòng %d", "the date %s is already listed on line %d", s, seen[date])
			default:
				seen[date] = m["date"].Line
				cd.Date = date
			}
		}
		cd.Name = d.requiredText(m, item, ipath, "name")
		cd.NameEN = d.text(m["name_en"], ipath+".name_en")
		out = append(out, cd)
	}
	return out
}

// parseDate reads "DD/MM/YYYY" (one-digit day and month allowed) as
// midnight in loc, refusing dates that do not exist.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return time.Time{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || p == "" || len(p) > 4 || v < 0 {
			return time.Time{}, false
		}
		n[i] = v
	}
	if n[2] < 2000 || n[2] > 2200 {
		return time.Time{}, false
	}
	t := time.Date(n[2], time.Month(n[1]), n[0], 0, 0, 0, 0, loc)
	if t.Day() != n[0] || int(t.Month()) != n[1] {
		return time.Time{}, false // 31/02 normalises to March
	}
	return t, true
}

func (d *decoder) offsets(n *yaml.Node, path string) []reminders.Offset {
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n.Line, path, "reminders phải là danh sách, ví dụ [7d, 3d, 1d, 0d]", "reminders must be a list, e.g. [7d, 3d, 1d, 0d]")
		return []reminders.Offset{}
	}
	out := make([]reminders.Offset, 0, len(n.Content))
	seen := map[reminders.Offset]bool{}
	for i, c := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		s := d.text(c, ipath)
		o, err := reminders.ParseOffset(s)
		switch {
		case err != nil:
			d.ruleProblem(c, ipath, err)
		case seen[o]:
			d.ps.add(c.Line, ipath, "mốc nhắc %s bị ghi hai lần", "the reminder %s is listed twice", o)
		default:
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

func (d *decoder) ruleProblem(n *yaml.Node, path string, err error) {
	if re, ok := err.(*reminders.RuleError); ok {
		d.ps.add(n.Line, path, "%[1]s", "%[2]s", re.VI, re.EN)
		return
	}
	d.ps.add(n.Line, path, "%v", "%v", err)
}

func (d *decoder) clock(n *yaml.Node, path string, def ClockTime) ClockTime {
	s := d.text(n, path)
	if s == "" {
		return def
	}
	h, m, err := reminders.ParseClock(s)
	if err != nil {
		d.ruleProblem(n, path, err)
		return def
	}
	return ClockTime{h, m}
}

func (d *decoder) count(n *yaml.Node, path string, def int) int {
	if n == nil || isNull(n) {
		return def
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	switch {
	case n.Kind != yaml.ScalarNode || err != nil:
		d.ps.add(n.Line, path, "%s phải là một số nguyên, ví dụ 2", "%s must be a whole number, e.g. 2", path)
	case v < 0:
		d.ps.add(n.Line, path, "%s không được âm (ghi 0 để tắt)", "%s must not be negative (0 turns it off)", path)
	case v > maxCount:
		d.ps.add(n.Line, path, "%s quá lớn (tối đa %d ngày)", "%s is too large (at most %d days)", path, maxCount)
	default:
		return v
	}
	return def
}

// language reads a chat language: "vi" or "en" (a few spellings office
// staff may write are accepted).
func (d *decoder) language(n *yaml.Node, path string, def string) string {
	if n == nil || isNull(n) {
		return def
	}
	if n.Kind == yaml.ScalarNode {
		switch normalize(n.Value) {
		case "":
			return def
		case "vi", "tiếng việt", "tieng viet", "vietnamese":
			return "vi"
		case "en", "tiếng anh", "tieng anh", "english":
			return "en"
		}
	}
	d.ps.add(n.Line, path, "%s phải là vi (tiếng Việt) hoặc en (tiếng Anh)", "%s must be vi (Vietnamese) or en (English)", path)
	return def
}

func (d *decoder) boolean(n *yaml.Node, path string, def bool) bool {
	if n == nil || isNull(n) {
		return def
	}
	if n.Kind == yaml.ScalarNode {
		switch normalize(n.Value) {
		case "true", "yes", "on", "có", "co":
			return true
		case "false", "no", "off", "không", "khong":
			return false
		}
	}
	d.ps.add(n.Line, path, "%s phải là true (có) hoặc false (không)", "%s must be true or false", path)
	return def
}

// requiredText reads m[key] and reports it missing (at the line of the
// enclosing item) when absent or empty.
func (d *decoder) requiredText(m map[string]*yaml.Node, item *yaml.Node, path, key string) string {
	field := key
	if path != "" {
		field = path + "." + key
	}
	n := m[key]
	if n == nil || isNull(n) {
		d.ps.add(item.Line, field, "thiếu trường bắt buộc '%s'", "the required field '%s' is missing", key)
		return ""
	}
	s := d.text(n, field)
	if s == "" && n.Kind == yaml.ScalarNode {
		d.ps.add(n.Line, field, "trường '%s' đang để trống", "the field '%s' is empty", key)
	}
	return s
}

// text reads a scalar as trimmed NFC text: Vietnamese typed on some
// phones and Macs arrives decomposed (NFD) and would not match otherwise.
func (d *decoder) text(n *yaml.Node, path string) string {
	if n == nil || isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.ps.add(n.Line, path, "cần một giá trị đơn (chữ), không phải danh sách hay nhóm", "expected a single value (text), not a list or a map")
		return ""
	}
	s := norm.NFC.String(strings.TrimSpace(n.Value))
	if utf8.RuneCountInString(s) > maxText {
		d.ps.add(n.Line, path, "nội dung quá dài (%d ký tự; tối đa %d)", "the text is too long (%d characters; at most %d)", utf8.RuneCountInString(s), maxText)
		return ""
	}
	return s
}

// mapping checks n is a mapping and returns its values by key, reporting
// duplicate and unknown keys (with a spelling suggestion).
func (d *decoder) mapping(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		what := path
		if what == "" {
			what = "tệp kế hoạch"
		}
		d.ps.add(n.Line, path, "%[1]s phải là một nhóm trường dạng \"tên: giá trị\"", "%[2]s must be a set of \"name: value\" fields", what, orDefault(path, "the plan file"))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := normalize(k.Value)
		field := key
		if path != "" {
			field = path + "." + key
		}
		if k.Kind != yaml.ScalarNode {
			d.ps.add(k.Line, path, "tên trường không hợp lệ", "invalid field name")
			continue
		}
		if !contains(known, key) {
			if s := suggest(key, known); s != "" {
				d.ps.add(k.Line, field, "trường không hợp lệ '%s' — có phải '%s'?", "unknown field '%s' — did you mean '%s'?", key, s)
			} else {
				d.ps.add(k.Line, field, "trường không hợp lệ '%s'; các trường được dùng: %s", "unknown field '%s'; the fields are: %s",
					key, strings.Join(known, ", "))
			}
			continue
		}
		if _, dup := out[key]; dup {
			d.ps.add(k.Line, field, "trường '%s' bị ghi hai lần", "the field '%s' is given twice", key)
			continue
		}
		out[key] = v
	}
	return out
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func lineOf(n, fallback *yaml.Node) int {
	if n != nil {
		return n.Line
	}
	return fallback.Line
}

func normalize(s string) string { return norm.NFC.String(strings.ToLower(strings.TrimSpace(s))) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cloneOffsets copies offsets into a non-nil slice, so plans compare equal
// whether a list came from a default or from the file.
func cloneOffsets(in []reminders.Offset) []reminders.Offset {
	return append(make([]reminders.Offset, 0, len(in)), in...)
}

// suggest returns the candidate closest to s in edit distance, if close
// enough to be a typo (at most 2 edits, and fewer than half of s).
func suggest(s string, candidates []string) string {
	if len(s) > 64 {
		return ""
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if dist := editDistance(strings.ToLower(s), strings.ToLower(c)); dist < bestDist && dist*2 < len([]rune(s))+1 {
			best, bestDist = c, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance over runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
