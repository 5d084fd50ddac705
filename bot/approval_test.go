package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

func TestDirectorApprovesExtensionsWhenThePlanSaysSo(t *testing.T) {
	f := newSubFixture(t)
	director := f.srv.NewUser(3001, "Phạm Văn Giám", "giamdoc", "vi")
	f.join(director, "", db.RoleDirector)
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.SetSetting(db.SettingApproval, "director") }); err != nil {
		t.Fatal(err)
	}
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectText(chat, f.head, "/extend")
	f.press(f.head, f.waitText(f.head.ID, "Xin gia hạn cho báo cáo nào?"), f.item.Obligation.Title)
	f.waitText(f.head.ID, "nhập lý do và ngày đề nghị")
	proposed := f.item.DeadlineAt.In(hcmc).AddDate(0, 0, 10)
	f.srv.InjectText(chat, f.head, "Chờ số liệu của các xã, "+formatDate(proposed, hcmc))
	f.waitText(f.head.ID, "để Lãnh đạo Sở cho ý kiến")
	wait := f.waitText(f.office.ID, "đồng chí Phạm Văn Giám cho ý kiến")
	if len(wait.Buttons) != 0 {
		t.Errorf("the Office got buttons though the Director decides: %+v", wait.Buttons)
	}
	ask := f.waitText(director.ID, "Lý do: Chờ số liệu của các xã")

	// The Office may not decide; the Director does, and both are told.
	f.press(f.staff, ask, "Đồng ý")
	f.waitToast("Lãnh đạo Sở được giao cho ý kiến")
	f.press(director, ask, "Đồng ý")
	f.waitText(f.head.ID, "Hạn mới của đơn vị: "+formatDate(proposed, hcmc))
	told := f.waitText(f.office.ID, "✅ Phạm Văn Giám đã đồng ý gia hạn")
	if !strings.Contains(told.Text, "hạn mới "+formatDate(proposed, hcmc)) {
		t.Errorf("office told %q", told.Text)
	}
	it, _ := f.store.Read(context.Background()).Item(f.item.ID)
	if !it.DeadlineAt.Equal(proposed) {
		t.Errorf("deadline %v, want %v", it.DeadlineAt, proposed)
	}
}

func TestDirectorApprovesDeadlineMoves(t *testing.T) {
	f := newSubFixture(t)
	director := f.srv.NewUser(3001, "Phạm Văn Giám", "giamdoc", "vi")
	f.join(director, "", db.RoleDirector)
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.SetSetting(db.SettingApproval, "@giamdoc") }); err != nil {
		t.Fatal(err)
	}
	code := f.item.Obligation.Code
	moved := formatDate(f.item.DeadlineAt.AddDate(0, 0, 7), hcmc)
	staffDM := telegramtest.PrivateChat(f.staff)
	f.srv.InjectText(staffDM, f.staff, "/deadline "+code+" "+moved)
	f.waitText(f.staff.ID, "đã được chuyển đồng chí Phạm Văn Giám cho ý kiến")
	ask := f.waitText(director.ID, "Trần Thị Bình đề nghị dời hạn "+code)
	if it, _ := f.store.Read(context.Background()).Item(f.item.ID); !it.DeadlineAt.Equal(f.item.DeadlineAt) {
		t.Fatalf("the deadline moved before approval: %v", it.DeadlineAt)
	}
	f.press(f.staff, ask, "Đồng ý")
	f.waitToast("Lãnh đạo Sở được giao cho ý kiến")
	f.press(director, ask, "Đồng ý")
	f.waitText(f.office.ID, "✅ Đồng chí Phạm Văn Giám đồng ý dời hạn ("+code+" "+moved+") do Trần Thị Bình đề nghị.")
	f.waitText(f.head.ID, moved)
	if it, _ := f.store.Read(context.Background()).Item(f.item.ID); formatDate(it.DeadlineAt, hcmc) != moved {
		t.Errorf("deadline %v, want %s", it.DeadlineAt, moved)
	}
	f.press(director, ask, "Không đồng ý")
	f.waitToast("đã xử lý")
}
