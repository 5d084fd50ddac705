package bot

import "testing"

func TestDocumentReferenceFromCaption(t *testing.T) {
	tests := []struct {
		caption, number, vi string
		nothingElse         bool
	}{
		{"Số 12/BC-CCHC ngày 05/6/2026", "12/BC-CCHC", "Số, ký hiệu văn bản: 12/BC-CCHC; ngày ban hành: 05/6/2026", true},
		{"Báo cáo số 45/BC-TCBC ngày 5 tháng 6 năm 2026, xin gửi kèm phụ lục", "45/BC-TCBC", "Số, ký hiệu văn bản: 45/BC-TCBC; ngày ban hành: 05/6/2026", false},
		{"12/BC-CCHC", "12/BC-CCHC", "Số, ký hiệu văn bản: 12/BC-CCHC", true},
		{"gửi ngày 31/02/2026", "", "", false},
		{"", "", "", true},
	}
	for _, tt := range tests {
		if got := docRefLine("vi", tt.number, tt.caption); got != tt.vi {
			t.Errorf("%q: %q, want %q", tt.caption, got, tt.vi)
		}
		if got := captionAddsNothing(tt.caption); got != tt.nothingElse {
			t.Errorf("%q: adds nothing %v, want %v", tt.caption, got, tt.nothingElse)
		}
	}
	if got := docRefLine("en", "12/BC-CCHC", "Số 12/BC-CCHC ngày 05/6/2026"); got != "Document number and symbol: 12/BC-CCHC; issued on 05/6/2026" {
		t.Errorf("English: %q", got)
	}
}
