package demo

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeasonMilestones runs the whole demo and checks that the transcript
// shows every milestone a newcomer should see.
func TestSeasonMilestones(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			if err := Run(context.Background(), Options{Out: &out, Dir: dir, Lang: lang}); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			transcript := out.String()
			milestones := map[string][]string{
				// The plan says "trước ngày 10/6": the last day is 09/06, so
				// the week's reminder comes on 02/06 and lateness on 10/06.
				"vi": {"Kính chào đồng chí Nguyễn Văn An", "Đã gắn nhóm này làm nhóm Văn phòng Sở",
					"[02/06/2026 08:00] 🤖 bot → Nguyễn Văn An: 🔔",
					"[05/06/2026 08:00] 🤖 bot → Trần Thị Bình: 🔔",
					"[09/06/2026 08:00] 🤖 bot → Hoàng Văn Cường: 🔔", "không khớp với phần mở rộng",
					"Mã tiếp nhận: 1/2026", "Tiếp nhận]", "đã tiếp nhận báo cáo",
					"[10/06/2026 08:00] 🤖 bot → Hoàng Văn Cường: ⚠️",
					"Tổng hợp báo cáo quá hạn", "đơn vị nộp đúng hạn", "[tệp tinh-hinh.png]", ".xlsx]"},
				// The demo's plan says chat_language: en, so the Office and
				// the group read English too.
				"en": {"Welcome, Nguyễn Văn An", "[02/06/2026 08:00] 🤖 bot → Nguyễn Văn An: 🔔",
					"🤖 bot → Office group: [copy of the report file] 📥 New report — receipt 1/2026", "[✅ Accept]",
					"🤖 bot → Office group: ✅ Phạm Thị Thu accepted report no. 1/2026",
					"[11/06/2026 08:00] 🤖 bot → Office group: 📋 Overdue reports on 11/06/2026",
					"🤖 bot → announcement group: 🗓 Deadlines in the next 14 days",
					"units submitted on time; late: Emulation and Commendation Board", ".xlsx]"},
			}[lang]
			for _, m := range milestones {
				if !strings.Contains(transcript, m) {
					t.Errorf("transcript lacks %q", m)
				}
			}
			if lang == "en" {
				for _, vi := range []string{"Tổng hợp báo cáo quá hạn", "đơn vị nộp đúng hạn", "Báo cáo mới", "Tiếp nhận]"} {
					if strings.Contains(transcript, vi) {
						t.Errorf("English transcript has the Vietnamese %q", vi)
					}
				}
			}
			if t.Failed() {
				t.Log(transcript)
			}
			f, err := os.Open(filepath.Join(dir, "status.png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Fatalf("status.png: %v", err)
			}
			matches, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
			if len(matches) == 0 {
				t.Fatal("no XLSX left in the demo folder")
			}
		})
	}
}
