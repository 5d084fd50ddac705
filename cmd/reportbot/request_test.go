package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/figures"
)

func TestRequestFromTheCommandLineAndInThePlanExport(t *testing.T) {
	dir, run := cli(t)
	letter := filepath.Join(t.TempDir(), "CV 123-UBND.pdf")
	os.WriteFile(letter, []byte("%PDF-1.4 letter"), 0o600)
	tpl := filepath.Join(t.TempDir(), "Bieu mau.xlsx")
	var buf bytes.Buffer
	if err := figures.Build(&buf, "BM-TCD", "v1", figures.CitizenReception, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(tpl, buf.Bytes(), 0o600)
	due := time.Now().AddDate(0, 0, 10).Format("02/01/2006")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--deadline", "trước ngày 01/01/2020"}, "đã qua"},
		{[]string{"--deadline", "không rõ"}, "Chưa có hạn nộp"},
		{[]string{"--deadline", "trước ngày " + due, "--units", "TCBC,NOPE"}, "không có đơn vị NOPE"},
		{[]string{"--deadline", "trước ngày " + due, "--letter", filepath.Join(dir, "x.png")}, "PDF or Word"},
	} {
		args := append([]string{"request", "--title", "Báo cáo nhanh", "--units", "TCBC", "--letter", letter}, c.args...)
		if _, e, code := run(args...); code != exitUsage || !strings.Contains(e, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, e, c.want)
		}
	}
	out, e, code := run("request", "--title", "Báo cáo nhanh tình hình biên chế", "--deadline", "trước ngày "+due, "--units", "TCBC,VP", "--letter", letter,
		"--report-to", "UBND tỉnh", "--basis", "Công văn số 9/UBND-NC của UBND tỉnh", "--template", tpl)
	if code != 0 || !strings.HasPrefix(out, "DX1 — Báo cáo nhanh tình hình biên chế") {
		t.Fatalf("request: %d %q %q", code, out, e)
	}

	// The plan in force lists the request with its letter, and importing
	// it again changes nothing; importing the original plan keeps it.
	planFile := filepath.Join(dir, "plan.yaml")
	if _, e, code := run("plan", "export", "--out", planFile); code != 0 {
		t.Fatalf("plan export: %d %s", code, e)
	}
	data, _ := os.ReadFile(planFile)
	if !strings.Contains(string(data), "code: DX1") || !strings.Contains(string(data), "letter: letters/") || !strings.Contains(string(data), "template: templates/") || !strings.Contains(string(data), "report_to: UBND tỉnh") ||
		!strings.Contains(string(data), "report_after: 2") || !strings.Contains(string(data), "basis: Công văn số 9/UBND-NC của UBND tỉnh") {
		t.Errorf("plan export:\n%s", data)
	}
	if out, e, code := run("plan", "import", planFile); code != 0 || strings.Contains(out, "DX1") {
		t.Errorf("re-import: %d %q %q", code, out, e)
	}
	if _, e, code := run("plan", "import", "../../examples/plan.yaml"); code != 0 {
		t.Fatalf("plan import: %d %s", code, e)
	}
	store, err := db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	o, err := store.Read(context.Background()).ObligationByCode("DX1")
	if err != nil || !o.ClosedAt.IsZero() {
		t.Errorf("the request after importing a plan without it: %+v %v", o, err)
	}
}
