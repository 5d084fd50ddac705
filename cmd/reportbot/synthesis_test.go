package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/synthesis/docxtest"
)

func TestSynthesisFromTheCommandLine(t *testing.T) {
	dir, run := cli(t)
	// The periods materialised are those from today on: take the first.
	store, err := db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	o, _ := store.Read(ctx).ObligationByCode("BC6T")
	periods, err := store.Read(ctx).Periods(o.ID)
	if err != nil || len(periods) == 0 {
		t.Fatalf("no BC6T period: %v", err)
	}
	p := periods[0]
	store.Close()
	sel := "BC6T " + p.Key
	base := "BC6T-" + p.Key
	out := filepath.Join(dir, "pack")
	if _, e, code := run("synthesis", "--period", sel, "--out", out); code != exitUsage || !strings.Contains(e, "chưa đơn vị nào nộp") {
		t.Fatalf("nothing received: exit %d %q", code, e)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("a refused synthesis wrote %d files", len(entries))
	}
	if _, _, code := run("synthesis", "--out", out); code != exitUsage {
		t.Errorf("no period: exit %d, want %d", code, exitUsage)
	}

	store, err = db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := store.Read(ctx).PeriodItems(p.ID)
	rel := filepath.Join("files", "bc.pdf")
	os.MkdirAll(filepath.Join(dir, "files"), 0o750)
	os.WriteFile(filepath.Join(dir, rel), []byte("%PDF-1.4"), 0o640)
	err = store.Tx(ctx, func(tx *db.Tx) error {
		s, err := tx.AddSubmission(db.Submission{AssignmentID: items[0].ID, DocNumber: "12/BC-VP",
			Files: []db.SubmissionFile{{FileName: "bc.pdf", StoredPath: rel, Size: 8, SHA256: "x"}}})
		if err != nil {
			return err
		}
		_, err = tx.ReviewSubmission(s.ID, db.SubAccepted, 0, "")
		return err
	})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}

	stdout, e, code := run("synthesis", "--period", sel, "--out", out)
	if code != 0 {
		t.Fatalf("synthesis: exit %d %s", code, e)
	}
	if !strings.Contains(stdout, "1/9 đơn vị đã báo cáo") {
		t.Errorf("stdout: %s", stdout)
	}
	data, err := os.ReadFile(filepath.Join(out, "du-thao-bao-cao-"+base+".docx"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := docxtest.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Text, items[0].Unit.Name+": Báo cáo số 12/BC-VP") {
		t.Errorf("draft does not name the reporting unit:\n%s", doc.Text)
	}
	for _, name := range []string{"tong-hop-" + base + ".xlsx", "ho-so-" + base + ".zip"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}

// cli runs the program in a fresh data folder, with the example plan
// imported; run returns stdout, stderr and the exit code.
func cli(t *testing.T) (dir string, run func(args ...string) (string, string, int)) {
	t.Helper()
	dir = t.TempDir()
	env := func(k string) string {
		if k == "REPORTBOT_DATA" {
			return dir
		}
		return ""
	}
	run = func(args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), args, &out, &errOut, env)
		return out.String(), errOut.String(), code
	}
	if _, e, code := run("plan", "import", "../../examples/plan.yaml"); code != 0 {
		t.Fatalf("plan import: %d %s", code, e)
	}
	return dir, run
}
