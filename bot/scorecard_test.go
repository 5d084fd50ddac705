package bot

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

func TestScorecard(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	c.submit("TCBC", "BC6T", "2026-H1", "bc.pdf", "%PDF-1.4 TCBC", true)
	c.setNow(at(2026, 6, 20, 9, 0))
	dm := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(dm, c.office, "/scorecard năm nay")
	c.waitText(c.office.ID, "Cách dùng: /scorecard NĂM, ví dụ /scorecard 2026.")
	c.srv.InjectText(dm, c.office, "/scorecard 2001")
	c.waitText(c.office.ID, "Năm 2001 chưa có báo cáo nào đến hạn.")

	c.srv.InjectText(dm, c.office, "/scorecard 2026")
	c.waitText(c.office.ID, "🏅 Tình hình nộp báo cáo năm 2026 (tính đến 20/06/2026)")
	book := c.waitMethod("sendDocument", c.office.ID, "thi đua, đánh giá, xếp loại năm 2026")
	f, err := excelize.OpenReader(bytes.NewReader(book.File.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Thi đua 2026")
	var tcbc, vp []string
	for _, r := range rows {
		switch r[0] {
		case "TCBC":
			tcbc = r
		case "VP":
			vp = r
		}
	}
	// By 20/06 only BC6T 2026-H1 (10/06) was due: TCBC sent it, VP did not.
	if len(tcbc) < 9 || tcbc[2] != "1" || tcbc[3] != "1" || tcbc[6] != "0" {
		t.Errorf("TCBC row %v", tcbc)
	}
	if len(vp) < 9 || vp[2] != "1" || vp[3] != "0" || vp[6] != "1" {
		t.Errorf("VP row %v", vp)
	}
}
