package plan

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/db"
)

// A plan preview names every change in the reader's language: a new
// working hour, an added make-up day, never a bare "policy changed".
func TestPreviewNamesEveryChange(t *testing.T) {
	store, err := db.Open(filepath.Join(t.TempDir(), "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := Apply(ctx, store, mustParse(t, base)); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(base, "units:\n", "working_hour: \"09:00\"\nannouncements:\n  summary: false\ncalendar:\n  working_days:\n    - {date: 09/01/2027, name: \"Làm việc bù\"}\nunits:\n", 1)
	changes, err := Preview(ctx, store, mustParse(t, changed))
	if err != nil {
		t.Fatal(err)
	}
	var vi, en []string
	for _, c := range changes {
		vi = append(vi, DescribeChange(c, "vi"))
		en = append(en, DescribeChange(c, "en"))
	}
	for _, want := range []string{"Giờ gửi nhắc: 08:00 → 09:00", "Tổng hợp sau mỗi hạn: có → không", "Lịch nghỉ: thêm ngày làm việc bù 09/01/2027 — Làm việc bù"} {
		if !strings.Contains(strings.Join(vi, "\n"), want) {
			t.Errorf("Vietnamese preview lacks %q:\n%s", want, strings.Join(vi, "\n"))
		}
	}
	for _, want := range []string{"Reminder hour: 08:00 → 09:00", "Summary after each deadline: yes → no", "Calendar: make-up working day added 09/01/2027"} {
		if !strings.Contains(strings.Join(en, "\n"), want) {
			t.Errorf("English preview lacks %q:\n%s", want, strings.Join(en, "\n"))
		}
	}
	for _, line := range append(vi, en...) {
		if strings.Contains(line, "policy") {
			t.Errorf("a bare policy change: %q", line)
		}
	}
}
