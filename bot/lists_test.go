package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

func TestChunkLinesBreaksOnlyBetweenLines(t *testing.T) {
	var lines []string
	for i := range 300 {
		lines = append(lines, fmt.Sprintf("• %03d Phòng Tổ chức, biên chế và tổ chức phi chính phủ 😀", i))
	}
	parts := chunkLines(lines, 1000)
	if len(parts) < 2 {
		t.Fatalf("%d parts, want several", len(parts))
	}
	var back []string
	for _, p := range parts {
		if n := sendUTF16Len(p); n > 1000 {
			t.Errorf("part of %d UTF-16 units, limit 1000", n)
		}
		back = append(back, strings.Split(p, "\n")...)
	}
	if strings.Join(back, "\n") != strings.Join(lines, "\n") {
		t.Error("the parts put back together are not the list")
	}
	if got := chunkLines(nil, 10); len(got) != 1 || got[0] != "" {
		t.Errorf("chunkLines(nil) = %q", got)
	}
}

// extraUnits adds n units with long names to the example plan.
func extraUnits(n int) []string {
	var sb strings.Builder
	sb.WriteString("units:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - code: X%02d\n    name: Trung tâm Phục vụ hành chính công và Chuyển đổi số khu vực %02d\n", i, i)
	}
	return []string{"units:\n", sb.String()}
}

// A long /overdue is sent in several messages cut between lines, and its
// 34 nudge buttons come a page at a time; a button on the second page works.
func TestLongOverdueIsSplitBetweenLinesAndItsKeyboardPaged(t *testing.T) {
	h := newHarness(t, at(2026, 6, 3, 8, 0))
	h.remImportPlan(extraUnits(25)...)
	office := h.srv.NewUser(20, "Lê Thị Văn", "vanphong", "vi")
	h.join(office, "", db.RoleOffice)
	head := h.srv.NewUser(30, "Nguyễn Văn An", "an", "vi")
	h.join(head, "X24", db.RoleHead)
	h.setNow(at(2026, 6, 13, 9, 0))
	h.srv.InjectText(telegramtest.PrivateChat(office), office, "/overdue BC6T")
	last := h.waitMethod("", office.ID, "Bấm nút")
	var texts []string
	for _, s := range h.srv.SentMatching(telegramtest.ToChat(office.ID)) {
		if s.Method == "sendMessage" && s.MessageID > 1 && !strings.Contains(s.Text, "Chào mừng") {
			texts = append(texts, s.Text)
		}
	}
	if len(texts) < 2 {
		t.Fatalf("/overdue came in %d message(s), want it split", len(texts))
	}
	for i := range 25 {
		name := fmt.Sprintf("X%02d — Trung tâm Phục vụ hành chính công và Chuyển đổi số khu vực %02d: ", i, i)
		found := 0
		for _, text := range texts {
			found += strings.Count(text, name)
		}
		if found != 1 {
			t.Errorf("unit line %q found whole %d times, want once", name, found)
		}
	}
	buttons := 0
	for _, row := range last.Buttons {
		buttons += len(row)
	}
	if buttons > maxButtons {
		t.Errorf("first page has %d buttons, want at most %d", buttons, maxButtons)
	}
	h.press(office, last, "Trang 2/2 ▶")
	page2 := h.waitMethod("editMessageReplyMarkup", office.ID, "")
	var labels []string
	for _, row := range page2.Buttons {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	if !strings.Contains(strings.Join(labels, "|"), "◀ Trang 1/2") || !strings.Contains(strings.Join(labels, "|"), "X24") {
		t.Fatalf("second page: %q", labels)
	}
	page2.ChatID = office.ID
	h.press(office, page2, "X24")
	h.waitMethod("", head.ID, "Văn phòng Sở đôn đốc")
}
