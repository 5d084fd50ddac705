package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeasonHasTheOfficesJob checks the ad-hoc request, the figures and the
// synthesis appear in the Vietnamese season and the draft is left behind.
func TestSeasonHasTheOfficesJob(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Out: &out, Dir: dir, Lang: "vi"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	transcript := out.String()
	for _, m := range []string{
		"Đã gửi yêu cầu báo cáo DX1", "📨 Văn phòng Sở chuyển yêu cầu báo cáo đột xuất",
		"Ô «Số lượt tiếp công dân» (C4) phải là số", "Số liệu bot đọc được",
		"⬆️ Nhắc hạn gửi báo cáo của Sở — DX1", "[tệp du-thao-bao-cao-DX1-", "Đã nhận báo cáo của 2/3 đơn vị (chậm nộp: 1), chưa báo cáo: 1",
		"Đã ghi nhận: báo cáo số 52/BC-SNV", "⬆️ Báo cáo của Sở gửi UBND tỉnh: hạn 15/06/2026",
	} {
		if !strings.Contains(transcript, m) {
			t.Errorf("transcript lacks %q", m)
		}
	}
	if got, _ := filepath.Glob(filepath.Join(dir, "du-thao-bao-cao-*.docx")); len(got) != 1 {
		t.Errorf("the draft is not in the demo folder: %v", got)
	}
	if t.Failed() {
		t.Log(transcript)
	}
}
