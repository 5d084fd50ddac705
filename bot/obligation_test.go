package bot

import (
	"context"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

func TestClosingAndReopeningAnObligation(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	rd := c.store.Read(context.Background())

	c.srv.InjectText(office, c.office, "/obligation")
	c.waitMethod("", c.office.ID, "sửa tệp kế hoạch rồi gửi lại")
	c.srv.InjectText(office, c.office, "/obligation close NOPE")
	c.waitMethod("", c.office.ID, "Các mã báo cáo:")

	c.srv.InjectText(office, c.office, "/obligation close BC6T")
	c.waitMethod("", c.office.ID, "Đã thôi yêu cầu báo cáo BC6T")
	c.waitMethod("", c.head.ID, "từ nay đơn vị không còn phải nộp")
	o, err := rd.ObligationByCode("BC6T")
	if err != nil || o.ClosedAt.IsZero() {
		t.Fatalf("not closed: %+v %v", o, err)
	}
	if _, err := rd.PeriodByKey(o.ID, "2026-H1"); err == nil {
		t.Error("the coming period without submissions was kept")
	}
	open, err := rd.OpenUnitItems(mustUnitID(t, c, "TCBC"))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range open {
		if it.Obligation.Code == "BC6T" {
			t.Errorf("TCBC still owes %s %s", it.Obligation.Code, it.Period.Key)
		}
	}
	c.srv.InjectText(office, c.office, "/obligation close BC6T")
	c.waitMethod("", c.office.ID, "đã thôi yêu cầu từ trước")

	c.srv.InjectText(office, c.office, "/obligation reopen bc6t")
	c.waitMethod("", c.office.ID, "Đã yêu cầu lại báo cáo BC6T")
	c.waitMethod("", c.head.ID, "Kỳ 6 tháng đầu năm 2026, hạn nộp 17:00 10/06/2026")
	if o, _ := rd.ObligationByCode("BC6T"); !o.ClosedAt.IsZero() {
		t.Error("not reopened")
	}
	if _, err := rd.PeriodByKey(o.ID, "2026-H1"); err != nil {
		t.Errorf("the period is not back: %v", err)
	}
	for _, action := range []string{"obligation_close", "obligation_reopen"} {
		audit, err := rd.AuditLog(action)
		if err != nil || len(audit) != 1 || audit[0].Subject != "BC6T" {
			t.Errorf("%s audit %+v, %v", action, audit, err)
		}
	}

	// A head cannot.
	c.srv.InjectText(telegramtest.PrivateChat(c.head), c.head, "/obligation close BC6T")
	c.waitMethod("", c.head.ID, "Lệnh /obligation không dành")
}
