package reminders

import (
	"errors"
	"testing"
	"time"
)

func TestParseOffset(t *testing.T) {
	tests := []struct {
		in   string
		want Offset
		str  string
	}{
		{"7d", Offset{Days: 7}, "7d"},
		{"0d", Offset{}, "0d"},
		{" 1D ", Offset{Days: 1}, "1d"},
		{"14 ngày", Offset{Days: 14}, "14d"},
		{"3 days", Offset{Days: 3}, "3d"},
		{"2h", Offset{Dur: 2 * time.Hour}, "2h"},
		{"2 giờ", Offset{Dur: 2 * time.Hour}, "2h"},
		{"30m", Offset{Dur: 30 * time.Minute}, "30m"},
		{"30 phút", Offset{Dur: 30 * time.Minute}, "30m"},
		{"90m", Offset{Dur: 90 * time.Minute}, "1h30m"},
		{"1h30m", Offset{Dur: 90 * time.Minute}, "1h30m"},
		{"168h", Offset{Dur: 168 * time.Hour}, "168h"},
	}
	for _, tt := range tests {
		got, err := ParseOffset(tt.in)
		if err != nil {
			t.Errorf("ParseOffset(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseOffset(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if got, want := got.String(), tt.str; got != want {
			t.Errorf("ParseOffset(%q).String() = %q, want %q", tt.in, got, want)
		}
		if back, err := ParseOffset(got.String()); err != nil || back != got {
			t.Errorf("round trip %q: got %+v, %v", got.String(), back, err)
		}
	}
}

func TestParseOffsetErrors(t *testing.T) {
	for _, in := range []string{"", "7", "d", "-1d", "+2h", "0h", "0m", "30s", "1.5h", "1d2h", "367d", "169h", "tomorrow", "7w"} {
		_, err := ParseOffset(in)
		var re *RuleError
		if !errors.As(err, &re) || re.VI == "" || re.EN == "" {
			t.Errorf("ParseOffset(%q) error = %v, want a bilingual *RuleError", in, err)
		}
	}
}

func TestDefaultOffsets(t *testing.T) {
	var got []string
	for _, o := range DefaultOffsets {
		got = append(got, o.String())
	}
	if g, want := len(got), 4; g != want || got[0] != "7d" || got[3] != "0d" {
		t.Errorf("DefaultOffsets = %v, want [7d 3d 1d 0d]", got)
	}
}

func TestOffsetWords(t *testing.T) {
	tests := []struct{ in, vi, en string }{
		{"6m", "6 phút", "6 minutes"},
		{"2h", "2 giờ", "2 hours"},
		{"1h", "1 giờ", "1 hour"},
		{"1h30m", "1 giờ 30 phút", "1 hour 30 minutes"},
		{"7d", "7 ngày", "7 days"},
		{"1d", "1 ngày", "1 day"},
	}
	for _, tt := range tests {
		o, err := ParseOffset(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.Words("vi"); got != tt.vi {
			t.Errorf("%s in Vietnamese: %q, want %q", tt.in, got, tt.vi)
		}
		if got := o.Words("en"); got != tt.en {
			t.Errorf("%s in English: %q, want %q", tt.in, got, tt.en)
		}
	}
}
