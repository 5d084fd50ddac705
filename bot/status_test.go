package bot

import (
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// /status speaks one set of marks, the picture's, and says what they mean;
// a unit that no longer exists is not shown as missing, and the overview
// counts units, not unit and report pairs.
func TestStatusMarksLegendAndUnitCounts(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.submit("TCBC", "BC6T", "2026-H1", "bc.pdf", "%PDF TCBC", true)
	c.setNow(at(2026, 6, 13, 9, 0))
	// BTG leaves the plan: it is closed, and owes nothing any more.
	c.remImportPlan("  - code: BTG\n    name: Ban Tôn giáo\n    name_en: Religious Affairs Board\n", "")
	office := telegramtest.PrivateChat(c.office)

	c.srv.InjectText(office, c.office, "/status BC6T")
	text := c.waitMethod("sendMessage", c.office.ID, "📋 BC6T")
	for _, want := range []string{
		"✓ 1 · ✗ 7 — đã duyệt 1/8 đơn vị", "✓ TCBC", "✗ VP", "– BTG",
		"✓ đã duyệt · ◐ đã nhận, chờ duyệt · ↩ trả lại, chờ nộp lại · + được gia hạn · ○ chưa nộp, còn hạn · ✗ trễ hạn · – không phải nộp",
	} {
		if !strings.Contains(text.Text, want) {
			t.Errorf("status lacks %q:\n%s", want, text.Text)
		}
	}
	for _, emoji := range []string{"✅", "📥", "🕒", "❌", "⏳"} {
		if strings.Contains(text.Text, emoji) {
			t.Errorf("status uses %s, a mark the picture does not have:\n%s", emoji, text.Text)
		}
	}

	// The overview: BC6T is late for 7 units, KDQUY not yet due for 8.
	c.srv.InjectText(office, c.office, "/status")
	overview := c.waitMethod("sendMessage", c.office.ID, "Theo đơn vị")
	if !strings.Contains(overview.Text, "Theo đơn vị: 0/8 đơn vị đã nộp đủ các báo cáo dưới đây; 7 đơn vị trễ hạn ít nhất một báo cáo.") {
		t.Errorf("overview counts:\n%s", overview.Text)
	}
}
