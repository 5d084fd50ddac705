package plan

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes. A plan file is written by hand by
// office staff and uploaded through the bot, so Parse must never panic, and
// whatever it accepts must survive the export that "reportbot plan export"
// does: Marshal, then Parse again, gives the same plan (line numbers aside).
func FuzzParse(f *testing.F) {
	f.Add(readExampleF(f))
	f.Add([]byte(base))
	f.Add([]byte("department: x\nunits: [{code: A, name: a}]\nobligations: []\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a plan and an error: %v", err)
			}
			if _, ok := err.(*Errors); !ok {
				t.Fatalf("Parse error is %T, want *Errors", err)
			}
			return
		}
		out, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed plan: %v", err)
		}
		q, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(p)): %v\n%s", err, out)
		}
		if got, want := withoutLines(q), withoutLines(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip differs:\n got %+v\nwant %+v\n%s", got, want, out)
		}
		again, err := q.Marshal()
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Marshal is not stable:\n%s\n---\n%s", out, again)
		}
	})
}

// readExampleF reads the example plan as a seed.
func readExampleF(f *testing.F) []byte {
	f.Helper()
	data, err := os.ReadFile("../examples/plan.yaml")
	if err != nil {
		f.Fatalf("read example: %v", err)
	}
	return data
}
