package bot

import (
	"regexp"
	"sort"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestCatalogsMatch keeps the two languages in step: the same keys, and in
// each text the same formatting verbs in the same order, so a translation can
// never drop or swap an argument.
func TestCatalogsMatch(t *testing.T) {
	for key, vi := range textsVI {
		en, ok := textsEN[key]
		if !ok {
			t.Errorf("%q has no English text", key)
			continue
		}
		if got, want := verb.FindAllString(en, -1), verb.FindAllString(vi, -1); !equal(got, want) {
			t.Errorf("%q: English verbs %v, Vietnamese %v", key, got, want)
		}
	}
	var extra []string
	for key := range textsEN {
		if _, ok := textsVI[key]; !ok {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("English texts without Vietnamese: %v", extra)
	}
}

func equal(a, b []string) bool {
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

func TestPickLang(t *testing.T) {
	cases := []struct{ chosen, telegram, want string }{
		{"", "vi", "vi"},
		{"", "en", "en"},
		{"", "en-US", "en"},
		{"", "fr", "vi"},
		{"", "", "vi"},
		{"vi", "en", "vi"},
		{"en", "vi", "en"},
	}
	for _, c := range cases {
		if got := pickLang(c.chosen, c.telegram); got != c.want {
			t.Errorf("pickLang(%q, %q) = %q, want %q", c.chosen, c.telegram, got, c.want)
		}
	}
}

func TestEnglishSingularDay(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{{1, "1 day left"}, {2, "2 days left"}, {11, "11 days left"}, {21, "21 days left"}}
	for _, c := range cases {
		if got := tr("en", "owed.days_left", c.n); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
