package export

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCSVCellsCannotBeFormulas(t *testing.T) {
	cases := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1":                       "'+1",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tTab":                    "'\tTab",
		"\rCR":                     "'\rCR",
		"Sở Nội vụ":                "Sở Nội vụ",
		"12/QĐ-UBND":               "12/QĐ-UBND",
		"":                         "",
	}
	for in, want := range cases {
		if got := cellText(in); got != want {
			t.Errorf("cellText(%q) = %q, want %q", in, got, want)
		}
	}
	// Through the writer: a unit name that is a formula arrives as text.
	r := sample()
	r.Entries[0].UnitName = "=1+1"
	var buf bytes.Buffer
	if err := CSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil || recs[1][2] != "'=1+1" {
		t.Errorf("unit name written as %q (%v), want '=1+1", recs[1][2], err)
	}
}
