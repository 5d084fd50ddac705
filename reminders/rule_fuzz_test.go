package reminders

import (
	"errors"
	"testing"
)

// FuzzParseRule checks the recurrence parser on any text an office may type:
// it never panics, every refusal is a *RuleError (so the plan parser can
// show it in both languages), and every accepted rule prints in a canonical
// form that parses back to the same rule and prints the same again.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		"yearly 10/06", "half-yearly 20", "quarterly 25 17:00", "monthly last",
		"once 15/03/2026 17:00", "hằng năm ngày 10/06 lúc 17h", "hằng tháng cuối tháng",
		"Hằng  Năm 31/12", "once 29/02/2028", "once 29/02/2027", "monthly 31 23:59",
		"6 tháng 30", "yearly 00/13", "", "  ", "monthly -1", "yearly 1/1 24:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("ParseRule(%q) error %T, want *RuleError", s, err)
			}
			return
		}
		text := r.String()
		back, err := ParseRule(text)
		if err != nil {
			t.Fatalf("ParseRule(%q) = %+v, but its String %q does not parse: %v", s, r, text, err)
		}
		if back != r {
			t.Fatalf("ParseRule(%q) = %+v; String %q parses to %+v", s, r, text, back)
		}
		if again := back.String(); again != text {
			t.Fatalf("String is not stable: %q then %q", text, again)
		}
	})
}

// FuzzParseOffset checks the reminder-offset parser the same way: no panic,
// *RuleError refusals, and String round-trips every accepted offset.
func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"7d", "0d", "2h", "30m", "1h30m", "7 ngày", "2 giờ", "30 phút",
		"366d", "367d", "168h", "169h", "0h", "-1d", "+2h", "1.5h", "10s", "1 day", "3 tiếng", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOffset(s)
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("ParseOffset(%q) error %T, want *RuleError", s, err)
			}
			return
		}
		if o.Days < 0 || o.Dur < 0 || (o.Days != 0 && o.Dur != 0) {
			t.Fatalf("ParseOffset(%q) = %+v: negative or mixed offset", s, o)
		}
		text := o.String()
		back, err := ParseOffset(text)
		if err != nil {
			t.Fatalf("ParseOffset(%q) = %+v, but its String %q does not parse: %v", s, o, text, err)
		}
		if back != o {
			t.Fatalf("ParseOffset(%q) = %+v; String %q parses to %+v", s, o, text, back)
		}
	})
}
