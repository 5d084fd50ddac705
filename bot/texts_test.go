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

// Names, formats and commands that Vietnamese texts rightly write as they are.
var viKeepsAsIs = map[string]bool{
	"Telegram": true, "Word": true, "Excel": true, "Google": true, "Calendar": true, "Outlook": true,
	"YAML": true, "CSV": true, "PDF": true, "DOC": true, "DOCX": true, "XLS": true, "XLSX": true, "ODT": true,
	"ODS": true, "ZIP": true, "RAR": true, "JPG": true, "PNG": true, "SHA": true, "UTF": true, "KB": true, "MB": true,
	"BC": true, "do": true, "vi": true, "en": true, "link": true, "bot": true, "album": true, "email": true, "ics": true, "xlsx": true, "dd": true, "mm": true, "yyyy": true,
}

var (
	// Commands with their ASCII arguments ("/invite office|admin"), the CLI,
	// links, formatting verbs, file extensions (.docx), names in snake_case (a template's
	// cell names) and codes in capitals (a unit's code, TCBC) are not prose.
	viNotProse = regexp.MustCompile(`\.[a-z0-9]{2,5}\b|[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+|\b[A-Z]{2,}\b|/[a-z_]+(?:[ \t]+(?:\[[^\]]*\]|[\p{Lu}0-9_]+|[A-Za-z0-9_|<>/-]+))*|reportbot(?: [a-z]+)*|https?://\S+|%[-+# 0-9.\[\]]*[a-zA-Z%]`)
	anyWord    = regexp.MustCompile(`[\p{L}\p{M}]+`)
	asciiWord  = regexp.MustCompile(`^[A-Za-z]{2,}$`)
	keyLike    = regexp.MustCompile(`\b[a-z]+(?:\.[a-z_]+)+\b`)
)

// TestVietnameseHasNoEnglish fails when a Vietnamese text leaves a catalog key
// untranslated or borrows a word of the English catalog: English is never
// mixed into Vietnamese.
func TestVietnameseHasNoEnglish(t *testing.T) {
	english := map[string]bool{}
	for _, en := range textsEN {
		for _, w := range latinWords(viNotProse.ReplaceAllString(en, " ")) {
			if !viKeepsAsIs[w] {
				english[w] = true
			}
		}
	}
	for key, vi := range textsVI {
		if vi == key {
			t.Errorf("%q is the key itself", key)
		}
		prose := viNotProse.ReplaceAllString(vi, " ")
		for _, k := range keyLike.FindAllString(prose, -1) {
			if _, ok := textsVI[k]; ok {
				t.Errorf("%q contains the catalog key %q: %s", key, k, vi)
			}
		}
		prose = keyLike.ReplaceAllString(prose, " ")
		for _, w := range latinWords(prose) {
			if english[w] {
				t.Errorf("%q has the English word %q: %s", key, w, vi)
			}
		}
	}
}

// The check itself catches what it must.
func TestVietnameseCheckCatchesEnglish(t *testing.T) {
	english := map[string]bool{"deadline": true}
	prose := viNotProse.ReplaceAllString("Hạn deadline của /deadline BC6T 20/06/2026 là rem.deadline", " ")
	keys := keyLike.FindAllString(prose, -1)
	prose = keyLike.ReplaceAllString(prose, " ")
	var found []string
	for _, w := range latinWords(prose) {
		if english[w] {
			found = append(found, w)
		}
	}
	if len(found) != 1 || len(keys) != 1 {
		t.Errorf("found %v and keys %v in %q", found, keys, prose)
	}
}

// latinWords returns the words of s written in plain Latin letters only:
// "ngày" is Vietnamese, "deadline" may be English.
func latinWords(s string) []string {
	var out []string
	for _, w := range anyWord.FindAllString(s, -1) {
		if asciiWord.MatchString(w) {
			out = append(out, w)
		}
	}
	return out
}

func TestASCIISlug(t *testing.T) {
	for in, want := range map[string]string{
		"6 tháng đầu năm 2026":        "6-thang-dau-nam-2026",
		"quý III/2026":                "quy-III-2026",
		"một lần, hạn ngày 31/3/2027": "mot-lan-han-ngay-31-3-2027",
		"Đợt đầu":                     "Dot-dau",
		"first half of 2026":          "first-half-of-2026",
	} {
		if got := asciiSlug(in); got != want {
			t.Errorf("asciiSlug(%q) = %q, want %q", in, got, want)
		}
	}
}
