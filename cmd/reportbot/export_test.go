package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/export"
)

func TestExportAndICSFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "REPORTBOT_DATA" {
			return dir
		}
		return ""
	}
	run := func(args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), args, &out, &errOut, env)
		return out.String(), errOut.String(), code
	}
	if _, e, code := run("plan", "import", "../../examples/plan.yaml"); code != 0 {
		t.Fatalf("plan import: %d %s", code, e)
	}
	xlsx := filepath.Join(dir, "out.xlsx")
	out, e, code := run("export", "--period", "BCNAM", "--out", xlsx)
	if code != 0 || !strings.Contains(out, "chưa có báo cáo nào") {
		t.Fatalf("export: %d %q %q", code, out, e)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(export.RegisterSheet, "A1"); v != "Mã tiếp nhận" {
		t.Errorf("register header %q", v)
	}
	if _, _, code := run("export", "--period", "1999-H9", "--out", xlsx); code != exitUsage {
		t.Errorf("unknown period: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := run("export", "--out", filepath.Join(dir, "x.txt")); code != exitUsage {
		t.Errorf("bad extension: exit %d", code)
	}
	ics := filepath.Join(dir, "vp.ics")
	if _, e, code := run("ics", "--unit", "VP", "--out", ics); code != 0 {
		t.Fatalf("ics: %d %s", code, e)
	}
	data, _ := os.ReadFile(ics)
	if !strings.HasPrefix(string(data), "BEGIN:VCALENDAR\r\n") || !strings.Contains(string(data), "BEGIN:VALARM") {
		t.Errorf("ics:\n%s", data)
	}
	if _, _, code := run("ics", "--unit", "NOPE"); code != exitUsage {
		t.Errorf("unknown unit: exit %d", code)
	}
}
