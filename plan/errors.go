package plan

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a plan file, located so the person editing
// it can find it: Line is 1-based (0 when the problem is about the whole
// file) and Field is a path such as "obligations[2].recurrence" with
// 0-based list indexes.
type Problem struct {
	Line  int
	Field string
	VI    string
	EN    string
}

// Errors is every problem Parse found; it collects them all so one edit
// round fixes the whole file. Parse returns it as a *Errors.
type Errors []Problem

// Error lists every problem, one a line, Vietnamese then English:
// "dòng 12, obligations[2].recurrence: … / …".
func (e Errors) Error() string {
	return e.format("dòng", func(p Problem) string { return p.VI + " / " + p.EN })
}

// Format lists every problem in one language: "en" gives English
// ("line 12, …: …"); anything else Vietnamese ("dòng 12, …: …").
func (e Errors) Format(lang string) string {
	if strings.EqualFold(lang, "en") || strings.HasPrefix(strings.ToLower(lang), "en-") {
		return e.format("line", func(p Problem) string { return p.EN })
	}
	return e.format("dòng", func(p Problem) string { return p.VI })
}

func (e Errors) format(lineWord string, msg func(Problem) string) string {
	var b strings.Builder
	for i, p := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		var where []string
		if p.Line > 0 {
			where = append(where, fmt.Sprintf("%s %d", lineWord, p.Line))
		}
		if p.Field != "" {
			where = append(where, p.Field)
		}
		if len(where) > 0 {
			b.WriteString(strings.Join(where, ", "))
			b.WriteString(": ")
		}
		b.WriteString(msg(p))
	}
	return b.String()
}

// maxProblems bounds the report: past this many, the file needs a human
// look anyway, and a hostile file must not make us build megabytes of text.
const maxProblems = 100

// problems collects Problems up to maxProblems and counts the rest.
type problems struct {
	list    Errors
	dropped int
}

// full reports whether further problems would be dropped, so callers can
// skip work (such as spelling suggestions) nobody will read.
func (ps *problems) full() bool { return len(ps.list) >= maxProblems }

func (ps *problems) add(line int, field, vi, en string, args ...any) {
	if ps.full() {
		ps.dropped++
		return
	}
	ps.list = append(ps.list, Problem{Line: line, Field: field, VI: fmt.Sprintf(vi, args...), EN: fmt.Sprintf(en, args...)})
}

// result returns the problems sorted by line (the order of reading the
// file), or nil when there are none.
func (ps *problems) result() *Errors {
	if len(ps.list) == 0 {
		return nil
	}
	out := ps.list
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	if ps.dropped > 0 {
		out = append(out, Problem{
			VI: fmt.Sprintf("… và %d lỗi khác; hãy sửa các lỗi trên rồi kiểm tra lại", ps.dropped),
			EN: fmt.Sprintf("… and %d more problems; fix the ones above and check again", ps.dropped),
		})
	}
	return &out
}
