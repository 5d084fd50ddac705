package backup

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(t *testing.T, root, rel, body string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
}

func TestDataFilesAddsOnlyWhatIsMissingAndOverwritesNothing(t *testing.T) {
	data, dest := t.TempDir(), t.TempDir()
	write(t, data, "files/A/2026-0001-a.pdf", "a")
	write(t, data, "files/A/2026-0002-b.pdf", "bbb")
	write(t, data, "files/.incoming/dl-1", "half")
	write(t, data, "quarantine/20260601-000000/files/A/2026-0003-c.pdf", "c")
	write(t, dest, "files/A/2026-0001-a.pdf", "a")  // copied before
	write(t, dest, "files/A/2026-0002-b.pdf", "XY") // another file by that name

	res, err := DataFiles(data, dest)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 1 || res.Same != 1 || !slices.Equal(res.Differ, []string{filepath.Join("files", "A", "2026-0002-b.pdf")}) {
		t.Errorf("result %+v, want 1 copied (the quarantined file), 1 the same, b.pdf differing", res)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "files/A/2026-0002-b.pdf")); string(b) != "XY" {
		t.Errorf("a differing file was overwritten: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dest, "files/.incoming")); err == nil {
		t.Error("a half-way download was copied")
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "quarantine/20260601-000000/files/A/2026-0003-c.pdf")); string(b) != "c" {
		t.Errorf("quarantined file copied as %q", b)
	}
	// A data folder without files yet is an empty one.
	if res, err := DataFiles(t.TempDir(), dest); err != nil || res.Copied+res.Same != 0 {
		t.Errorf("empty data folder: %+v, %v", res, err)
	}
}
